"""A humanitarian caseload moving into a national programme: a yearly stock-and-flow funnel.

Post-kernel arithmetic over yearly stocks of households (docs/iraq.md, docs/methods.md
"Caseload transition"). The ``[transition]`` table names a humanitarian programme
(``from``, e.g. the MPCA) and a national one (``to``, e.g. MoLSA's SPN); the kernel costs
both on the same population, and this module follows the humanitarian caseload of
``from`` through the steps of seed 003's referral pathway:

consent -> documentation -> referral -> re-assessment by the ministry -> waiting list ->
enrolment, capped by an absorption capacity per year.

Stocks at the end of each year (households, mutually exclusive; their sum is the
initial caseload in every year):

* ``not_referred``: receiving humanitarian cash, not (yet) referred (no consent, no
  documents, or waiting for the referral to open);
* ``waiting_list``: passed the ministry's re-assessment, waiting for a place, still
  receiving humanitarian cash;
* ``gap``: passed the re-assessment and waiting, but no longer receiving humanitarian
  cash (the headline: households between leaving humanitarian cash and being paid by
  the national programme);
* ``enrolled``: paid by the national programme;
* ``not_eligible``: referred, failed the re-assessment, still receiving humanitarian
  cash (failing the national test changes nothing on the humanitarian side);
* ``exited``: left humanitarian cash without a place on the waiting list.

Each year, in this order: (1) a share ``humanitarian_exit`` of every household still
receiving humanitarian cash loses it (waiting-list households move to ``gap``, the
others to ``exited``); (2) a share ``documentation_assistance`` of the undocumented
obtain civil documents; (3) only when the year's ``capacity`` is above zero (seed 003:
referrals "should start only once MoLSA's absorption capacity for new beneficiaries is
increased/opened"), a share ``referral_rate`` of the not-referred households that
consented and hold documents is referred; (4) every referred household is re-assessed:
a share ``reassessment_pass`` joins the waiting list, the rest are ``not_eligible``;
(5) ``min(capacity, waiting_list + gap)`` households are enrolled, taken from the
waiting list and the gap in proportion; enrolled households stop receiving
humanitarian cash. Consent is asked once: a share ``consent`` of the caseload agrees.

Humanitarian *eligibility* (``transition_humanitarian_eligible``) is the caseload less
the humanitarian exits, whatever happens on the referral side: consent never changes it
(seed 003: "Consenting to share data for referrals will not impact eligibility for
humanitarian assistance").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import Problem, ScenarioError
from .results import Results
from .scenario.paths import YearPath

if TYPE_CHECKING:
    from .prepared import Prepared
    from .scenario import Scenario

STAGES = ("not_referred", "waiting_list", "gap", "enrolled", "not_eligible", "exited")
FLOWS = ("left_humanitarian", "documented", "referred", "reassessed", "passed", "failed",
         "enrolled")
PAYERS = ("humanitarian", "government")
OVERLAP_STATUS = ("both", "from_only", "to_only", "neither")


@dataclass(frozen=True)
class Funnel:
    """The funnel's parameters (yearly paths already evaluated on the years)."""

    caseload: float  # households receiving humanitarian cash at the start
    consent: float  # share that consents to referral (asked once)
    documented: float  # share holding the civil documents at the start
    documentation_assistance: np.ndarray  # [year] share of the undocumented documented
    referral_rate: np.ndarray  # [year] share of the referrable referred in a year
    reassessment_pass: float  # share of the re-assessed found eligible
    capacity: np.ndarray  # [year] households the national programme can enrol
    humanitarian_exit: np.ndarray  # [year] share of humanitarian recipients losing it


@dataclass(frozen=True)
class FunnelPath:
    """Stocks at the end of each year ``stocks[year, stage]`` (STAGES), flows in each
    year ``flows[year, flow]`` (FLOWS), humanitarian eligibility and receipt by year."""

    stocks: np.ndarray
    flows: np.ndarray
    humanitarian_eligible: np.ndarray
    humanitarian_receiving: np.ndarray


def run_funnel(f: Funnel) -> FunnelPath:
    """The funnel's stocks and flows by year (households; see the module docstring)."""
    n = len(f.capacity)
    stocks = np.zeros((n, len(STAGES)))
    flows = np.zeros((n, len(FLOWS)))
    eligible = np.zeros(n)
    receiving = np.zeros(n)
    # not referred, by consent (yes/no) x documents (yes/no)
    cells = f.caseload * np.array([[f.consent * f.documented, f.consent * (1 - f.documented)],
                                   [(1 - f.consent) * f.documented,
                                    (1 - f.consent) * (1 - f.documented)]])
    waiting = gap = enrolled = not_eligible = exited = 0.0
    hum_eligible = f.caseload
    for y in range(n):
        x = f.humanitarian_exit[y]
        # (1) humanitarian exits, proportionally from every stock still receiving
        left_cells = cells * x
        left_wait = waiting * x
        left_not = not_eligible * x
        cells = cells - left_cells
        waiting -= left_wait
        gap += left_wait
        not_eligible -= left_not
        exited += left_cells.sum() + left_not
        hum_eligible *= 1.0 - x
        # (2) documentation
        got = cells[:, 1] * f.documentation_assistance[y]
        cells[:, 1] -= got
        cells[:, 0] += got
        # (3) referral, only once the national programme can absorb anyone
        referred = cells[0, 0] * f.referral_rate[y] if f.capacity[y] > 0 else 0.0
        cells[0, 0] -= referred
        # (4) re-assessment of everyone referred
        passed = referred * f.reassessment_pass
        waiting += passed
        not_eligible += referred - passed
        # (5) enrolment capped by the capacity, from the waiting list and the gap
        queue = waiting + gap
        enrol = min(f.capacity[y], queue) if f.capacity[y] > 0 and queue > 0 else 0.0
        if enrol > 0:
            waiting = max(0.0, waiting - enrol * (waiting / queue))
            gap = max(0.0, gap - enrol * (gap / queue))
        enrolled += enrol
        stocks[y] = (cells.sum(), waiting, gap, enrolled, not_eligible, exited)
        flows[y] = (left_cells.sum() + left_wait + left_not, got.sum(), referred, referred,
                    passed, referred - passed, enrol)
        eligible[y] = hum_eligible
        receiving[y] = cells.sum() + waiting + not_eligible
    return FunnelPath(stocks, flows, eligible, receiving)


def transition_settings(scenario: Scenario) -> Mapping[str, Any] | None:
    """The validated ``[transition]`` table, or None."""
    v = scenario.settings.get("transition")
    return v or None


def _value(scenario: Scenario, given: float | None, pid: str, key: str) -> float:
    """A monthly value per household: given, or the flat amount of programme ``pid``."""
    if given is not None:
        return float(given)
    b = scenario.programme(pid).benefit
    if b.type != "flat" or b.period != "month":
        raise ScenarioError(Problem(scenario.where(f"transition.{key}"), f"transition.{key}",
                                    f"a value (programme {pid!r} has no flat monthly amount)",
                                    "nothing"))
    return float(b.amount)


#: conditions that change over the years or are simulated: left out of the first-year test
_DYNAMIC = ("age_months", "pregnant", "disabled")


def categorical(prep: Prepared, pid: str) -> np.ndarray:
    """Per record: does the record's household have a member meeting one of programme
    ``pid``'s eligibility groups in the first year (time-invariant conditions and age;
    pregnancy, disability and age in months are left out)."""
    from .programmes.rules import _static_mask

    prog = prep.scenario.programme(pid)
    pop = prep.population
    ok = np.zeros(pop.n, dtype=bool)
    for group in prog.eligibility:
        kept = tuple(c for c in group if c.column not in _DYNAMIC)
        ok |= _static_mask(pop, kept, prep.scenario)
    ok &= pop.entry_year <= pop.year
    _, inverse = np.unique(pop.household_id, return_inverse=True)
    return np.bincount(inverse, weights=ok.astype(np.float64))[inverse] > 0


def pmt_test(prep: Prepared, pid: str, factor: float = 1.0) -> np.ndarray:
    """Per record: does the household pass programme ``pid``'s targeting test at
    ``factor`` x its threshold (the test alone: no errors, roll-out or take-up)."""
    from .programmes.rules import _target_threshold, _target_value, welfare_percentile

    prog = prep.scenario.programme(pid)
    pop = prep.population
    value = _target_value(prog, pop, welfare_percentile(pop), prep.scenario)
    if value is None:
        return np.ones(pop.n, dtype=bool)
    return value < factor * _target_threshold(prog, pop, float(prep.macro.price_index[0]))


def overlap_grid(prep: Prepared, src: str, dst: str, factors_src: list[float],
                 factors_dst: list[float]) -> np.ndarray:
    """Households of the first year by (src factor, dst factor, OVERLAP_STATUS): eligible
    for both programmes, only src, only dst, neither, by their categorical conditions
    (:func:`categorical`) and targeting tests, each threshold scaled by a factor."""
    pop = prep.population
    first = np.r_[True, pop.household_id[1:] != pop.household_id[:-1]]
    first &= pop.entry_year <= pop.year
    w = pop.weight[first]
    out = np.zeros((len(factors_src), len(factors_dst), len(OVERLAP_STATUS)))
    cat_a, cat_b = categorical(prep, src)[first], categorical(prep, dst)[first]
    a_tests = [cat_a & pmt_test(prep, src, f)[first] for f in factors_src]
    b_tests = [cat_b & pmt_test(prep, dst, f)[first] for f in factors_dst]
    for i, a in enumerate(a_tests):
        for j, b in enumerate(b_tests):
            out[i, j] = (w[a & b].sum(), w[a & ~b].sum(), w[~a & b].sum(), w[~a & ~b].sum())
    return out


def transition_results(results: Results, scenario: Scenario, prep: Prepared) -> Results:
    """The ``transition_*`` and ``pmt_overlap`` variables (named arrays) when the
    scenario has a ``[transition]`` table (docs/results.md); none otherwise.
    ``results``: the costing's arrays (households_beneficiaries, price_index)."""
    out = Results(currency=results.currency)
    t = transition_settings(scenario)
    if t is None:
        return out
    years = np.asarray(results.coords["year"])
    src, dst = t["from"], t["to"]
    fs, fd = list(t["overlap_factors"]), list(t["overlap_factors"])
    grid = overlap_grid(prep, src, dst, fs, fd)
    centre = grid[fs.index(1.0), fd.index(1.0)]
    pass_rate = t["reassessment_pass"]
    if pass_rate is None:  # the share of the humanitarian-eligible passing the national test
        in_src = centre[0] + centre[1]
        pass_rate = float(centre[0] / in_src) if in_src > 0 else 0.0
    caseload = t["caseload"]
    if caseload is None:
        caseload = float(
            results["households_beneficiaries"][0, results.labels("programme").index(src)])
    path = lambda k: YearPath.from_value(t[k]).at(years)  # noqa: E731
    funnel = Funnel(float(caseload), t["consent"], t["documented"],
                    path("documentation_assistance"), path("referral_rate"), pass_rate,
                    path("capacity"), path("humanitarian_exit"))
    res = run_funnel(funnel)
    hum_value = _value(scenario, t["humanitarian_value"], src, "humanitarian_value")
    nat_value = _value(scenario, t["national_value"], dst, "national_value")
    paid_value = hum_value if t["aligned"] else nat_value
    pi = results["price_index"]
    hum_cost = res.humanitarian_receiving * hum_value * 12 * pi
    gov_cost = res.stocks[:, STAGES.index("enrolled")] * paid_value * 12 * pi
    cost = np.column_stack([hum_cost, gov_cost])
    total = cost.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, cost / np.where(total > 0, total, 1.0), np.nan)
    data = {
        "transition_households": res.stocks,
        "transition_flows": res.flows,
        "transition_gap": res.stocks[:, STAGES.index("gap")],
        "transition_humanitarian_eligible": res.humanitarian_eligible,
        "transition_humanitarian_receiving": res.humanitarian_receiving,
        "transition_capacity": funnel.capacity,
        "transition_cost": cost,
        "transition_cost_share": share,
        "transition_reassessment_pass": np.float64(pass_rate),
        "pmt_overlap": grid,
    }
    for name, values in data.items():
        out.put(name, values)
    out.coords.update({"funnel_stage": list(STAGES), "funnel_flow": list(FLOWS),
                       "payer": list(PAYERS), "overlap_status": list(OVERLAP_STATUS),
                       "factor_from": fs, "factor_to": fd})
    out.attrs.update({"transition_from": src, "transition_to": dst,
                      "transition_aligned": int(bool(t["aligned"])),
                      "transition_humanitarian_value": hum_value,
                      "transition_national_value": nat_value})
    return out
