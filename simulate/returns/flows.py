"""Economic cost and benefit streams by scenario year.

Every stream is an economic value: a financial value times its conversion
factor and, for its traded share, the shadow exchange rate factor:

    economic = financial x conversion_factor x (1 + fx_share x (SERF - 1))

in constant start_year prices (``returns.prices = "constant"``, the default:
nominal amounts are divided by the CPI, ``price_index``) or in current prices
(``"nominal"``: amounts declared in start_year prices are multiplied by it).

* **Programme costs**: ``cost`` (transfers + administration) of the programmes in
  ``returns.costs.programmes`` (default all), from the costing.
* **Declared streams** (``[[returns.streams]]``): yearly values as given.
* **Activity models** (``[returns.activities.<name>]``): one unit's incremental
  costs c_j and benefits b_j in year j of its life, units n_e entering in year e:
  ``cost_t = s * sum_e n_e c_(t-e)`` and ``benefit_t = s * o * sum_e n_e b_(t-e)``
  with success rate s and outreach o, cut at end_year.
* **Stunting** (:mod:`.stunting`), **consumption multiplier**
  (``m x transfers``, or ``(m - 1) x transfers`` without the transfer itself) and
  **avoided mortality** (``beneficiaries x deaths avoided per beneficiary x value``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .settings import (
    MORTALITY,
    MULTIPLIER,
    STUNTING_EARNINGS,
    STUNTING_HEALTH,
    Activity,
    ReturnsSettings,
)
from .stunting import StuntingResult, stunting_channel


@dataclass(frozen=True)
class Flows:
    """Economic streams on the scenario's years, in the settings' prices."""

    years: np.ndarray
    costs: dict[str, np.ndarray]
    benefits: dict[str, np.ndarray]
    stunting: StuntingResult | None = None

    @property
    def total_costs(self) -> np.ndarray:
        """Sum of every cost item by year."""
        return sum(self.costs.values(), np.zeros(len(self.years)))

    @property
    def total_benefits(self) -> np.ndarray:
        """Sum of every benefit channel by year."""
        return sum(self.benefits.values(), np.zeros(len(self.years)))


def fx_factor(share: float, serf: float) -> float:
    """``1 + share x (SERF - 1)``: the traded share valued at the shadow exchange rate."""
    return 1.0 + share * (serf - 1.0)


def convolve_units(units: np.ndarray, unit_stream: np.ndarray) -> np.ndarray:
    """``sum_e units[e] * unit_stream[t - e]`` for t over the years of ``units``."""
    n = len(units)
    return np.convolve(units, unit_stream)[:n] if len(unit_stream) else np.zeros(n)


def activity_flows(a: Activity, serf: float) -> tuple[np.ndarray, np.ndarray]:
    """(costs, benefits) of an activity model by year, start_year prices, economic."""
    fx = fx_factor(a.foreign_exchange_share, serf)
    aggregated = a.units * a.success_rate
    costs = convolve_units(aggregated, a.unit_costs) * a.cost_conversion_factor * fx
    benefits = (convolve_units(aggregated, a.unit_benefits) * a.outreach
                * a.benefit_conversion_factor * fx)
    return costs, benefits


def compute_flows(arrays: Mapping[str, np.ndarray], programmes: list[str], s: ReturnsSettings,
                  survival: np.ndarray | None) -> Flows:
    """Every cost and benefit stream of ``s`` from the costing's arrays: ``price_index``
    [year], ``cost``, ``transfers``, ``beneficiaries`` and ``beneficiaries_at_birth``
    [year, programme], ``programmes`` naming the programme axis.

    ``survival[k, a]`` (cohort survival from birth, :func:`.stunting.cohort_survival`)
    is needed only with a stunting channel.
    """

    def of(name: str, pid: str) -> np.ndarray:
        return np.asarray(arrays[name])[:, programmes.index(pid)].astype(np.float64)

    pi = np.asarray(arrays["price_index"]).astype(np.float64)
    nominal = s.prices == "nominal"
    serf = s.shadow_exchange_rate_factor

    def from_constant(x: np.ndarray) -> np.ndarray:
        return x * pi if nominal else x

    def from_nominal(x: np.ndarray) -> np.ndarray:
        return x if nominal else x / pi

    costs: dict[str, np.ndarray] = {}
    prog_fx = fx_factor(s.cost_foreign_exchange_share, serf)
    for pid in s.cost_programmes:
        nominal_cost = of("cost", pid)
        costs[pid] = from_nominal(nominal_cost) * s.cost_conversion_factor * prog_fx
    benefits: dict[str, np.ndarray] = {}
    for st in s.streams:
        value = st.values * st.conversion_factor * fx_factor(st.foreign_exchange_share, serf)
        value = from_constant(value) if st.prices == "constant" else from_nominal(value)
        (costs if st.kind == "cost" else benefits)[st.name] = value
    for a in s.activities:
        c, b = activity_flows(a, serf)
        if np.any(a.unit_benefits != 0):
            benefits[a.name] = from_constant(b)
        if np.any(a.unit_costs != 0):
            costs[a.name] = from_constant(c)
    result = None
    if s.stunting is not None:
        covered = np.asarray(arrays["beneficiaries_at_birth"])[
            :, programmes.index(s.stunting.programme)]
        if survival is None:
            raise ValueError("the stunting channel needs the cohorts' survival")
        result = stunting_channel(s.stunting, covered, survival, s.start_year)
        if s.stunting.health_stunted is not None:
            benefits[STUNTING_HEALTH] = from_constant(result.health)
        if s.stunting.adult_earnings_year is not None:
            benefits[STUNTING_EARNINGS] = from_constant(result.earnings)
    if s.multiplier is not None:
        m = s.multiplier
        transfers = sum((of("transfers", p) for p in m.programmes), np.zeros(len(pi)))
        factor = m.multiplier if m.count_transfer else m.multiplier - 1.0
        benefits[MULTIPLIER] = factor * from_nominal(transfers)
    if s.mortality is not None:
        mo = s.mortality
        people = of("beneficiaries", mo.programme)
        benefits[MORTALITY] = from_constant(
            people * mo.deaths_avoided_per_beneficiary * mo.value_per_death_avoided)
    # the order of the results: as the settings list them
    costs = {k: costs[k] for k in s.cost_items}
    benefits = {k: benefits[k] for k in s.channels}
    return Flows(np.asarray(s.years), costs, benefits, result)
