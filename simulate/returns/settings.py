"""The validated ``[returns]`` and ``[sensitivity]`` tables as typed settings.

The registry (``simulate/scenario/schema.py``) checks each key on its own; this
module checks what needs the whole scenario: programme names, years inside the
scenario, stream lengths, names used twice. Every problem is collected and
raised at once as a :class:`~simulate.errors.ScenarioError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import Problem, ScenarioError, did_you_mean
from ..scenario import Scenario
from ..scenario.schema import CASE_PART, WORLD_BANK_CASES

#: channel names of the built-in channels
STUNTING_HEALTH = "stunting_health"
STUNTING_EARNINGS = "stunting_earnings"
MULTIPLIER = "consumption_multiplier"
MORTALITY = "avoided_mortality"
BUILT_IN_CHANNELS = (STUNTING_HEALTH, STUNTING_EARNINGS, MULTIPLIER, MORTALITY)
#: pseudo-parameters of the tornado that scale the flows
FLOW_PARAMETERS = ("costs", "benefits")


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


class _Checks:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.problems: list[Problem] = []

    def bad(self, key: str, expected: str, found: Any, hint: str = "") -> None:
        self.problems.append(Problem(self.scenario.where(key), key, expected, str(found), hint))

    def programme(self, key: str, name: str) -> bool:
        ids = [p.id for p in self.scenario.programmes]
        if name not in ids:
            self.bad(key, "a programme of the scenario", repr(name), did_you_mean(name, ids))
            return False
        return True

    def by_year(self, key: str, values: Any, start: int | None) -> np.ndarray:
        """Values (a list from ``start`` or a table year = value) on the scenario's years."""
        sc = self.scenario
        years = sc.years
        out = np.zeros(len(years))
        if isinstance(values, Mapping):
            for year, v in values.items():
                if sc.start_year <= year <= sc.end_year:  # others: a warning, not counted
                    out[year - sc.start_year] = v         # (docs/validation.md)
            return out
        first = sc.start_year if start is None else start
        if first < sc.start_year or first > sc.end_year:
            self.bad(key.rpartition(".")[0] + ".start",
                     f"a year in {sc.start_year}..{sc.end_year} (the scenario's years)", first)
            return out
        room = sc.end_year - first + 1
        if len(values) > room:
            self.bad(key, f"at most {room} values (one a year, {first}..{sc.end_year})",
                     f"{len(values)} values")
            return out
        out[first - sc.start_year: first - sc.start_year + len(values)] = values
        return out


def _raw_sensitivity(scenario: Scenario) -> dict:
    import tomllib

    return tomllib.loads(scenario.text).get("sensitivity") or {}


def read_settings(scenario: Scenario) -> ReturnsSettings | None:
    """The scenario's returns settings, or None without a ``[returns]`` table."""
    r = scenario.section("returns")
    sens = scenario.section("sensitivity")
    if not r:
        # [sensitivity] without [returns] serves spsim sensitivity --output; only the
        # cases and the flows' factors need returns
        flows = set(sens.get("parameters") or {}) & set(FLOW_PARAMETERS) if sens else set()
        if sens and (flows or "cases" in _raw_sensitivity(scenario)):
            raise ScenarioError(Problem(scenario.where("sensitivity"), "returns",
                                        "a [returns] table (sensitivity cases need economic "
                                        "returns)", "nothing"))
        return None
    c = _Checks(scenario)
    n_years = scenario.end_year - scenario.start_year + 1
    horizon = r["horizon_years"] or n_years
    if horizon > n_years:
        c.bad("returns.horizon_years", f"at most {n_years} (the years {scenario.start_year}.."
              f"{scenario.end_year} of the scenario)", horizon)
    costs = r["costs"] or {}
    cost_progs = costs.get("programmes")
    if cost_progs is None:
        cost_progs = tuple(p.id for p in scenario.programmes)
    for i, pid in enumerate(cost_progs):
        c.programme(f"returns.costs.programmes[{i}]", pid)
    if len(set(cost_progs)) != len(cost_progs):
        c.bad("returns.costs.programmes", "each programme once", list(cost_progs))

    streams = []
    for i, s in enumerate(r["streams"] or ()):
        key = f"returns.streams[{i}]"
        streams.append(Stream(s["name"], s["kind"], c.by_year(f"{key}.values", s["values"],
                                                              s["start"]),
                              s["conversion_factor"], s["foreign_exchange_share"], s["prices"]))
    activities = []
    for name, a in (r["activities"] or {}).items():
        key = f"returns.activities.{name}"
        activities.append(Activity(
            name, np.asarray(a["unit_costs"], dtype=np.float64),
            np.asarray(a["unit_benefits"], dtype=np.float64),
            c.by_year(f"{key}.units", a["units"], a["start"]),
            a["success_rate"], a["outreach"], a["cost_conversion_factor"],
            a["benefit_conversion_factor"], a["foreign_exchange_share"]))
    names: dict[str, str] = {}
    reserved = {**{p.id: "a programme" for p in scenario.programmes},
                **{ch: "a built-in channel" for ch in BUILT_IN_CHANNELS}}
    for i, s in enumerate(streams):
        key = f"returns.streams[{i}].name"
        taken = names.get(s.name) or reserved.get(s.name)
        if taken:
            c.bad(key, f"a name not used by {taken}", repr(s.name))
        names[s.name] = "another stream"
    for a in activities:
        taken = names.get(a.name) or reserved.get(a.name)
        if taken:
            c.bad(f"returns.activities.{a.name}", f"a name not used by {taken}", repr(a.name))
        names[a.name] = "a stream"

    stunting = None
    st = r["stunting"]
    if st is not None:
        key = "returns.stunting"
        c.programme(f"{key}.programme", st["programme"])
        d = st["decline_per_year"]
        h = st["health_cost_year"]
        effect = st["effect_starts"] if st["effect_starts"] is not None else scenario.start_year
        if not scenario.start_year <= effect <= scenario.end_year:
            c.bad(f"{key}.effect_starts", f"a year in {scenario.start_year}..{scenario.end_year}"
                  " (the scenario's years)", effect)
        if h is None and st["adult_earnings_year"] is None:
            c.bad(key, "health_cost_year or adult_earnings_year (a channel to value)",
                  "neither")
        if (st["adult_earnings_year"] is None) != (st["earnings_penalty"] is None):
            missing = "earnings_penalty" if st["earnings_penalty"] is None else \
                "adult_earnings_year"
            c.bad(f"{key}.{missing}", "a value (adult_earnings_year and earnings_penalty go "
                  "together)", "nothing")
        end_age = st["earnings_end_age"]
        if end_age is not None and end_age <= st["earnings_start_age"]:
            c.bad(f"{key}.earnings_end_age",
                  f"an age > earnings_start_age ({st['earnings_start_age']})", end_age)
        stunting = Stunting(
            programme=st["programme"], baseline_prevalence=st["baseline_prevalence"],
            decline_with=d["with"], decline_without=d["without"], kind=d["kind"],
            adoption=st["adoption"], attribution=st["attribution"], effect_starts=effect,
            health_stunted=None if h is None else h["stunted"],
            health_not_stunted=None if h is None else h["not_stunted"],
            health_ages=(0.0, 2.0) if h is None else tuple(h["ages"]),
            adult_earnings_year=st["adult_earnings_year"],
            earnings_penalty=st["earnings_penalty"],
            earnings_start_age=st["earnings_start_age"], earnings_end_age=end_age,
            real_earnings_growth=st["real_earnings_growth"],
        )
    multiplier = None
    m = r["consumption_multiplier"]
    if m is not None:
        progs = m["programmes"]
        if progs is None:
            progs = tuple(p.id for p in scenario.programmes)
        for i, pid in enumerate(progs):
            c.programme(f"returns.consumption_multiplier.programmes[{i}]", pid)
        multiplier = Multiplier(m["multiplier"], tuple(progs), m["count_transfer"])
    mortality = None
    mo = r["mortality"]
    if mo is not None:
        c.programme("returns.mortality.programme", mo["programme"])
        mortality = Mortality(mo["programme"], mo["deaths_avoided_per_beneficiary"],
                              mo["value_per_death_avoided"])

    cases = WORLD_BANK_CASES if not sens else tuple(sens["cases"])
    declared = dict(sens["parameters"] or {}) if sens else {}
    for path in declared:
        if path in FLOW_PARAMETERS:
            continue
        if path.split(".")[0] not in scenario.settings:  # a typo in the first part
            c.bad(f"sensitivity.parameters.{path}", "a scenario key path or 'costs'/'benefits'",
                  repr(path), did_you_mean(path.split(".")[0],
                                           [*scenario.settings, *FLOW_PARAMETERS]))
    if c.problems:
        raise ScenarioError(c.problems)
    rate = r["discount_rate"]
    parameters = declared or {
        "costs": (0.75, 1.25),
        "benefits": (0.75, 1.25),
        "returns.discount_rate": (max(0.0, round(rate - 0.02, 12)),
                                  min(1.0, round(rate + 0.02, 12))),
    }
    return ReturnsSettings(
        start_year=scenario.start_year, years=scenario.years, discount_rate=rate,
        horizon_years=horizon, discount_first_year=r["discount_first_year"],
        prices=r["prices"], shadow_exchange_rate_factor=r["shadow_exchange_rate_factor"],
        cost_programmes=tuple(cost_progs), cost_conversion_factor=costs["conversion_factor"],
        cost_foreign_exchange_share=costs["foreign_exchange_share"],
        streams=tuple(streams), activities=tuple(activities), stunting=stunting,
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
