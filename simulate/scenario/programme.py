"""The typed programme of a scenario: eligibility conditions, benefit, targeting,
administration (immutable dataclasses).

Kept apart from :mod:`.model` (which builds them from a validated document) so that
the modules that generate programmes (:mod:`.shock`) import the types without
importing the builder that calls them: the scenario layer stays free of cycles
(tests/test_layers.py). ``simulate.scenario`` and ``.model`` re-export every name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..timing import Timing
from .paths import YearPath


@dataclass(frozen=True)
class Condition:
    """One eligibility condition on a column: ``lo <= value < hi`` or value in ``values``.

    ``column`` is a population column or one of the dynamic variables ``age``,
    ``age_months`` and ``pregnant``. ``key`` is the key path, for messages.
    """

    column: str
    lo: float = -np.inf
    hi: float = np.inf
    values: tuple[Any, ...] = ()
    key: str = ""


@dataclass(frozen=True)
class Benefit:
    """What a beneficiary receives; amounts per period in start_year prices.

    ``type`` "flat" pays ``amount``; "top_up" pays
    ``min(maximum, max(0, guaranteed_minimum x eq - taper x max(0, income - disregard)))``;
    "utility" pays ``max(0, normative_cost[size] x region_factor - share x income)``.
    """

    amount: float | None
    period: str = "month"
    indexation: str | float = "cpi"
    type: str = "flat"
    guaranteed_minimum: float | None = None
    equivalence: tuple[float, float, float, int] = (1.0, 1.0, 1.0, 18)
    income: tuple[str, ...] = ("income",)
    income_from: tuple[str, ...] = ()
    disregard: float = 0.0
    taper: float = 1.0
    maximum: float | None = None
    normative_cost: tuple[float, ...] = ()
    region_factor: Mapping[str, float] = field(default_factory=dict)
    income_bands: tuple[float, ...] = ()
    band_shares: tuple[float, ...] = ()

    @property
    def payments_per_year(self) -> int:
        """12 for a monthly benefit, 1 otherwise."""
        return 12 if self.period == "month" else 1


@dataclass(frozen=True)
class Targeting:
    """Poverty targeting: ``method`` "none" or "poverty"; errors are shares in [0, 1]."""

    method: str = "none"
    welfare_percentile_max: float | None = None
    poverty_line: float | None = None
    exclusion_error: float = 0.0
    inclusion_error: float = 0.0
    intercept: float = 0.0
    coefficients: Mapping[str, float] = field(default_factory=dict)
    cutoff: float | None = None
    column: str | None = None
    levels: tuple[float, ...] = ()
    welfare_shock: float = 0.0  # poverty: test welfare x (1 - shock) (shock expansions)


@dataclass(frozen=True)
class Admin:
    """Administration costs in start_year prices (indexed to the CPI)."""

    share_of_transfers: float = 0.0
    per_beneficiary_year: float = 0.0
    fixed_year: YearPath = field(default_factory=lambda: YearPath.constant(0.0))
    setup: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Programme:
    """A benefit programme: who is eligible, what they get, how many are reached."""

    id: str
    label: str
    unit: str
    eligibility: tuple[tuple[Condition, ...], ...]
    benefit: Benefit
    take_up: float | Mapping[str, Any]
    targeting: Targeting
    rollout: YearPath
    admin: Admin
    #: "regular", or a shock response's "shock_vertical" / "shock_horizontal"
    #: (simulate/scenario/shock.py), generated from programme ``parent``
    component: str = "regular"
    parent: str | None = None
    draws_of: str | None = None  # share this programme's random draws (same beneficiaries)
    timing: Timing | None = None  # months within the year (simulate/timing.py)
