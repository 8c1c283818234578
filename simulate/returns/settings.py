"""The validated ``[returns]`` and ``[sensitivity]`` tables as typed settings.

Nothing is checked here: the registry checks each key on its own and, when the
Scenario is built, what needs the whole scenario (programme names, years inside the
scenario, stream lengths, names used twice, the tornado's parameters:
:func:`simulate.scenario.keys.returns.check_returns`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..scenario import Scenario
from ..scenario.keys.returns import (  # noqa: F401  (the names were always here)
    BUILT_IN_CHANNELS,
    FLOW_PARAMETERS,
    MORTALITY,
    MULTIPLIER,
    STUNTING_EARNINGS,
    STUNTING_HEALTH,
)
from ..scenario.schema import CASE_PART, WORLD_BANK_CASES


@dataclass(frozen=True)
class Stream:
    """A declared stream placed on the scenario's years (financial values)."""

    name: str
    kind: str  # "cost" or "benefit"
    values: np.ndarray  # by scenario year, 0 where not given
    conversion_factor: float = 1.0
    foreign_exchange_share: float = 0.0
    prices: str = "constant"


@dataclass(frozen=True)
class Activity:
    """An activity model: per-unit streams over a unit's life and units entering by year."""

    name: str
    unit_costs: np.ndarray
    unit_benefits: np.ndarray
    units: np.ndarray  # entering each scenario year
    success_rate: float = 1.0
    outreach: float = 1.0
    cost_conversion_factor: float = 1.0
    benefit_conversion_factor: float = 1.0
    foreign_exchange_share: float = 0.0


@dataclass(frozen=True)
class Stunting:
    """The stunting channel's parameters (DESIGN.md, "Stunting channel")."""

    programme: str
    baseline_prevalence: float
    decline_with: float
    decline_without: float
    kind: str = "relative"
    adoption: float = 1.0
    attribution: float = 1.0
    effect_starts: int = 0
    health_stunted: float | None = None
    health_not_stunted: float | None = None
    health_ages: tuple[float, float] = (0.0, 2.0)
    adult_earnings_year: float | None = None
    earnings_penalty: float | None = None
    earnings_start_age: int = 15
    earnings_end_age: int | None = None
    real_earnings_growth: float = 0.0


@dataclass(frozen=True)
class Multiplier:
    """Local-economy income generated per unit transferred."""

    multiplier: float
    programmes: tuple[str, ...]
    count_transfer: bool = True


@dataclass(frozen=True)
class Mortality:
    """Deaths avoided per beneficiary-year of a programme and the value of each."""

    programme: str
    deaths_avoided_per_beneficiary: float
    value_per_death_avoided: float


@dataclass(frozen=True)
class ReturnsSettings:
    """Everything the returns need, checked against the scenario."""

    start_year: int
    years: np.ndarray
    discount_rate: float
    horizon_years: int
    discount_first_year: bool = False
    prices: str = "constant"
    shadow_exchange_rate_factor: float = 1.0
    cost_programmes: tuple[str, ...] = ()
    cost_conversion_factor: float = 1.0
    cost_foreign_exchange_share: float = 0.0
    streams: tuple[Stream, ...] = ()
    activities: tuple[Activity, ...] = ()
    stunting: Stunting | None = None
    multiplier: Multiplier | None = None
    mortality: Mortality | None = None
    cases: tuple[str, ...] = WORLD_BANK_CASES
    parameters: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    parameters_declared: bool = False

    @property
    def channels(self) -> tuple[str, ...]:
        """Benefit channels in the order of the results."""
        out = [s.name for s in self.streams if s.kind == "benefit"]
        out += [a.name for a in self.activities if np.any(a.unit_benefits != 0)]
        if self.stunting is not None:
            if self.stunting.health_stunted is not None:
                out.append(STUNTING_HEALTH)
            if self.stunting.adult_earnings_year is not None:
                out.append(STUNTING_EARNINGS)
        if self.multiplier is not None:
            out.append(MULTIPLIER)
        if self.mortality is not None:
            out.append(MORTALITY)
        return tuple(out)

    @property
    def cost_items(self) -> tuple[str, ...]:
        """Cost items in the order of the results: programmes, streams, activities."""
        out = list(self.cost_programmes)
        out += [s.name for s in self.streams if s.kind == "cost"]
        out += [a.name for a in self.activities if np.any(a.unit_costs != 0)]
        return tuple(out)


def _by_year(values: Any, start: int | None, start_year: int, end_year: int) -> np.ndarray:
    """Values (a list from ``start`` or a table year = value) on the scenario's years
    (fitting: checked when the Scenario was built)."""
    out = np.zeros(end_year - start_year + 1)
    if isinstance(values, Mapping):
        for year, v in values.items():
            if start_year <= year <= end_year:  # others: a warning, not counted
                out[year - start_year] = v         # (docs/validation.md)
        return out
    first = start_year if start is None else start
    out[first - start_year: first - start_year + len(values)] = values
    return out


def read_settings(scenario: Scenario) -> ReturnsSettings | None:
    """The scenario's returns settings, or None without a ``[returns]`` table."""
    r = scenario.section("returns")
    sens = scenario.section("sensitivity")
    if not r:
        return None
    first, last = scenario.start_year, scenario.end_year
    horizon = r["horizon_years"] or (last - first + 1)
    costs = r["costs"] or {}
    cost_progs = costs.get("programmes")
    if cost_progs is None:
        cost_progs = tuple(p.id for p in scenario.programmes)
    streams = tuple(
        Stream(s["name"], s["kind"], _by_year(s["values"], s["start"], first, last),
               s["conversion_factor"], s["foreign_exchange_share"], s["prices"])
        for s in r["streams"] or ())
    activities = tuple(
        Activity(name, np.asarray(a["unit_costs"], dtype=np.float64),
                 np.asarray(a["unit_benefits"], dtype=np.float64),
                 _by_year(a["units"], a["start"], first, last),
                 a["success_rate"], a["outreach"], a["cost_conversion_factor"],
                 a["benefit_conversion_factor"], a["foreign_exchange_share"])
        for name, a in (r["activities"] or {}).items())
    stunting = None
    st = r["stunting"]
    if st is not None:
        d = st["decline_per_year"]
        h = st["health_cost_year"]
        stunting = Stunting(
            programme=st["programme"], baseline_prevalence=st["baseline_prevalence"],
            decline_with=d["with"], decline_without=d["without"], kind=d["kind"],
            adoption=st["adoption"], attribution=st["attribution"],
            effect_starts=st["effect_starts"] if st["effect_starts"] is not None else first,
            health_stunted=None if h is None else h["stunted"],
            health_not_stunted=None if h is None else h["not_stunted"],
            health_ages=(0.0, 2.0) if h is None else tuple(h["ages"]),
            adult_earnings_year=st["adult_earnings_year"],
            earnings_penalty=st["earnings_penalty"],
            earnings_start_age=st["earnings_start_age"],
            earnings_end_age=st["earnings_end_age"],
            real_earnings_growth=st["real_earnings_growth"],
        )
    multiplier = None
    m = r["consumption_multiplier"]
    if m is not None:
        progs = m["programmes"]
        if progs is None:
            progs = tuple(p.id for p in scenario.programmes)
        multiplier = Multiplier(m["multiplier"], tuple(progs), m["count_transfer"])
    mortality = None
    mo = r["mortality"]
    if mo is not None:
        mortality = Mortality(mo["programme"], mo["deaths_avoided_per_beneficiary"],
                              mo["value_per_death_avoided"])
    cases = WORLD_BANK_CASES if not sens else tuple(sens["cases"])
    declared = dict(sens["parameters"] or {}) if sens else {}
    rate = r["discount_rate"]
    parameters = declared or {
        "costs": (0.75, 1.25),
        "benefits": (0.75, 1.25),
        "returns.discount_rate": (max(0.0, round(rate - 0.02, 12)),
                                  min(1.0, round(rate + 0.02, 12))),
    }
    return ReturnsSettings(
        start_year=first, years=scenario.years, discount_rate=rate,
        horizon_years=horizon, discount_first_year=r["discount_first_year"],
        prices=r["prices"], shadow_exchange_rate_factor=r["shadow_exchange_rate_factor"],
        cost_programmes=tuple(cost_progs), cost_conversion_factor=costs["conversion_factor"],
        cost_foreign_exchange_share=costs["foreign_exchange_share"],
        streams=streams, activities=activities, stunting=stunting,
        multiplier=multiplier, mortality=mortality, cases=cases, parameters=parameters,
        parameters_declared=bool(declared),
    )


def parse_case(case: str) -> tuple[float, float, int]:
    """A case name -> (cost factor, benefit factor, delay in years).

    ``"costs+10%"`` -> (1.10, 1, 0); ``"benefits-25%"`` -> (1, 0.75, 0);
    ``"delay+1"`` -> (1, 1, 1); parts joined by ``&`` combine (factors multiply,
    delays add). ``"base"`` -> (1, 1, 0).
    """
    cost, benefit, delay = 1.0, 1.0, 0
    if case == "base":
        return cost, benefit, delay
    for part in case.split("&"):
        m = CASE_PART.match(part.strip())
        if m is None:
            raise ValueError(f"not a sensitivity case: {case!r}")
        if m.group(4) is not None:
            delay += int(m.group(4))
            continue
        change = float(m.group(3)) / 100.0 * (1 if m.group(2) == "+" else -1)
        if m.group(1) == "costs":
            cost *= 1.0 + change
        else:
            benefit *= 1.0 + change
    return cost, benefit, delay
