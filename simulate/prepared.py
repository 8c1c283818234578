"""What the engine hands down to the results layer: the prepared scenario
(:class:`Prepared`), the macro path it carries (:class:`MacroPath`) and the kernel's
accumulated totals (:class:`Totals`).

Plain frozen dataclasses, in the rules layer (simulate/layers.py), so that costing,
fiscal, returns and the caseload transition (results layer) name them without reaching
up to :mod:`simulate.engine`, which builds them and re-exports them for old imports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .demography.projection import Projection, Rates
from .population.profiles import Profile
from .population.records import Population
from .programmes.rules import RuleTables
from .scenario import Scenario


@dataclass(frozen=True)
class MacroPath:
    """Yearly macro figures for ``years`` (calendar years); money in nominal local currency."""

    years: np.ndarray
    gdp: np.ndarray
    real_gdp_growth: np.ndarray
    inflation: np.ndarray
    price_index: np.ndarray
    exchange_rate: np.ndarray
    revenue: np.ndarray
    expenditure: np.ndarray

    @property
    def nominal_gdp_growth(self) -> np.ndarray:
        """(1 + real_gdp_growth) x (1 + inflation) - 1: growth of nominal GDP into each year."""
        return (1.0 + self.real_gdp_growth) * (1.0 + self.inflation) - 1.0


@dataclass(frozen=True)
class Prepared:
    """Everything the kernel needs for one scenario (reusable across parameter draws)."""

    scenario: Scenario
    profile: Profile
    population: Population
    rates: Rates
    projection: Projection
    macro: MacroPath
    rules: RuleTables
    disability: np.ndarray  # prevalence by age 0..100 for records without data
    poverty_line: float  # per person per year, start_year prices


@dataclass(frozen=True)
class Totals:
    """What the kernel accumulated, summed over chunks (see kernels/projection.py).

    ``programmes[year, programme, decile, measure]``, ``population[year, sex, age]``,
    ``poverty[year, before/after, measure]``, ``histogram[year, before/after, bin, 2]``,
    ``overlap[year, combination, eligible/receiving]``, ``groups[year, decile]`` (persons);
    ``n_groups`` is 10 (welfare deciles)
    or 1 when the population has no welfare. ``population`` and ``groups`` are the
    demography kernel's (kernels/demography.py, ``engine.demography_totals``), summed over
    the same chunks and batches, and have no draw axis.
    """

    programmes: np.ndarray
    population: np.ndarray
    poverty: np.ndarray
    histogram: np.ndarray
    overlap: np.ndarray
    groups: np.ndarray
    n_groups: int

    def add(self, other: Totals) -> Totals:
        """``self + other``, array by array (the order of additions is the caller's)."""
        return Totals(self.programmes + other.programmes, self.population + other.population,
                      self.poverty + other.poverty, self.histogram + other.histogram,
                      self.overlap + other.overlap, self.groups + other.groups,
                      self.n_groups)

    def draw(self, d: int) -> Totals:
        """The totals of draw ``d`` (from totals with draws on the last axis)."""
        return Totals(self.programmes[..., d], self.population, self.poverty[..., d],
                      self.histogram[..., d], self.overlap[..., d], self.groups, self.n_groups)
