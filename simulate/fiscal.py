"""The macro-fiscal path, fiscal space, the financing mix, the gap and public debt.

Macro conventions (DESIGN.md): nominal GDP grows by (1 + real_gdp_growth) *
(1 + inflation) a year, the rates of year t applying from t-1 to t. The
profile's GDP is that of its base year; ``[macro] gdp`` in a scenario is the
GDP of ``[macro] gdp_year`` (start_year by default). Consumer prices are 1 in
start_year. Revenue and total expenditure are their shares of GDP times GDP.

After the costing, :func:`fiscal_results` computes from the costing's arrays the
fiscal space indicators, the financing by source and the gap, the scenario's loans
and, when ``[fiscal] debt_pct_gdp`` is given, the public debt path. The formulas are
in docs/fiscal.md; the array arithmetic is in :mod:`simulate.financing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from . import financing as fin_mod
from .costing import ratio
from .errors import Problem, ScenarioError
from .population.profiles import Profile
from .prepared import MacroPath
from .results import Results
from .scenario import Scenario, YearPath

#: terms of the market loan implied by DESIGN.md's shorthand ``borrowing_rate``
SHORTHAND_GRACE_YEARS = 0
SHORTHAND_MATURITY_YEARS = 10


def _path(scenario_value, profile_value: YearPath) -> YearPath:
    return profile_value if scenario_value is None else YearPath.from_value(scenario_value)


def _history_gdp(profile: Profile, span: np.ndarray, gdp: np.ndarray,
                 cum_nominal: np.ndarray) -> np.ndarray:
    """A profile rebased into its history (population/history.py): the years that
    ``history.gdp`` covers take its figures, later years grow from its last figure by
    the paths. A profile at its own base year (after its history) is unchanged."""
    h = profile.history_gdp
    if h is None:
        return gdp
    last = max(y for y, _ in h.points)
    if profile.base_year > last or span[0] > last:
        return gdp
    out = gdp.copy()
    covered = span <= last
    out[covered] = h.at(span[covered])
    k = int(np.flatnonzero(covered)[-1])
    out[k + 1:] = out[k] * cum_nominal[k + 1:] / cum_nominal[k]
    return out


def macro_path(scenario: Scenario, profile: Profile, years: np.ndarray) -> MacroPath:
    """The macro path over ``years`` (which may start before start_year, at the
    population's year); GDP and prices are anchored as the module docstring says.

    The [macro] and [fiscal] tables were checked against each other when the Scenario
    was built (:func:`simulate.scenario.keys.fiscal.check_fiscal`).
    """
    years = np.asarray(years)
    gdp_year = scenario.macro.get("gdp_year", scenario.start_year)
    first = min(int(years[0]), profile.base_year, scenario.start_year, gdp_year)
    span = np.arange(first, max(int(years[-1]), gdp_year) + 1)
    growth = _path(scenario.macro.get("real_gdp_growth"), profile.real_gdp_growth).at(span)
    inflation = _path(scenario.macro.get("inflation"), profile.inflation).at(span)
    bad = ~(inflation > -1.0)  # a price level at or below zero (or NaN): no prices
    if bad.any():  # the keys' own range stops this; a drawn path may not
        k = int(np.argmax(bad))
        raise ScenarioError(Problem(
            scenario.where("macro.inflation"), "macro.inflation",
            "inflation above -1 (-100% a year) in every year: a positive price level",
            f"{float(inflation[k]):g} in {int(span[k])}"))
    step = (1.0 + growth) * (1.0 + inflation)
    step[0] = 1.0
    cum_nominal = np.cumprod(step)  # relative to `first`
    prices = np.cumprod(np.r_[1.0, 1.0 + inflation[1:]])
    s = scenario.start_year - first
    if "gdp" in scenario.macro:
        gdp = scenario.macro["gdp"] * cum_nominal / cum_nominal[gdp_year - first]
    else:
        b = profile.base_year - first
        gdp = profile.gdp * cum_nominal / cum_nominal[b]
        gdp = _history_gdp(profile, span, gdp, cum_nominal)
    prices = prices / prices[s]
    pick = years - first
    revenue_share = _path(scenario.fiscal.get("revenue_pct_gdp"), profile.revenue_pct_gdp)
    spending_share = _path(scenario.fiscal.get("expenditure_pct_gdp"),
                           profile.expenditure_pct_gdp)
    fx = _path(scenario.macro.get("exchange_rate"), profile.exchange_rate)
    return MacroPath(
        years=years,
        gdp=gdp[pick],
        real_gdp_growth=growth[pick],
        inflation=inflation[pick],
        price_index=prices[pick],
        exchange_rate=fx.at(years),
        revenue=gdp[pick] * revenue_share.at(years),
        expenditure=gdp[pick] * spending_share.at(years),
    )


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------

def loans_of(fin: Mapping[str, Any], years: np.ndarray, gdp: np.ndarray) -> list[fin_mod.Loan]:
    """The declared loans (and DESIGN.md's ``borrowing_rate`` shorthand) with their terms."""
    loans = []
    for name in fin_mod.LOANS:
        cfg = fin.get(name)
        if not cfg:
            continue
        loans.append(fin_mod.Loan(
            name=name, rate=cfg["rate"], grace_years=cfg["grace_years"],
            maturity_years=cfg["maturity_years"],
            amount=None if cfg["covers_gap"] else fin_mod.path_at(cfg["amount"], years),
            cap=(fin_mod.path_at(cfg["max_pct_gdp"], years) * gdp
                 if cfg["max_pct_gdp"] is not None else None),
        ))
    if fin.get("borrowing_rate") is not None and not fin.get("market"):
        loans.append(fin_mod.Loan("market", fin["borrowing_rate"], SHORTHAND_GRACE_YEARS,
                                  SHORTHAND_MATURITY_YEARS))
    return loans


def fiscal_results(costing: Results, scenario: Scenario, macro: MacroPath) -> Results:
    """The fiscal space indicators, financing, gap, loans and debt (named arrays).

    ``costing`` holds the costing's arrays (cost, gdp, revenue, expenditure,
    population, exchange_rate by year; coverage, beneficiaries and
    households_beneficiaries by programme); ``macro`` the path they were computed on.
    Variables are those of docs/results.md (module simulate/fiscal.py); which appear
    depends on what the scenario declares (envelope, financing, loans, debt).
    """
    years = np.asarray(costing.coords["year"])
    programmes = costing.labels("programme")
    at = np.searchsorted(macro.years, years)
    fiscal = scenario.section("fiscal")
    gdp = costing["gdp"]
    revenue = costing["revenue"]
    expenditure = costing["expenditure"]
    people = costing["population"]
    cost = costing["cost"]
    total = cost.sum(axis=1)
    fx = costing["exchange_rate"]

    out = Results(currency=costing.currency)
    put = out.put

    # macro path
    put("real_gdp_growth", macro.real_gdp_growth[at])
    put("inflation", macro.inflation[at])
    growth = macro.nominal_gdp_growth[at]
    put("nominal_gdp_growth", growth)
    put("gdp_usd", gdp / fx)
    put("gdp_per_capita", ratio(gdp, people))

    # fiscal space
    put("cost_pct_expenditure", ratio(cost, expenditure[:, None]))
    put("cost_per_capita", ratio(cost, people[:, None]))
    put("total_cost_pct_revenue", ratio(total, revenue))
    put("total_cost_pct_expenditure", ratio(total, expenditure))
    put("total_cost_per_capita", ratio(total, people))
    envelope = None
    if fiscal.get("envelope_pct_gdp") is not None:
        envelope = fin_mod.path_at(fiscal["envelope_pct_gdp"], years) * gdp
    elif fiscal.get("envelope") is not None:
        envelope = fin_mod.path_at(fiscal["envelope"], years)
    if envelope is not None:
        put("envelope", envelope)
        put("envelope_headroom", envelope - total)
        put("cost_pct_envelope", ratio(cost, envelope[:, None]))
        put("total_cost_pct_envelope", ratio(total, envelope))

    # financing and the gap
    fin = fiscal.get("financing")
    fund = scenario.fund
    fund_flows = None
    amounts: dict[str, np.ndarray] = {}
    schedules: dict[str, fin_mod.LoanSchedule] = {}
    gap = None
    if fin is not None or fund is not None:
        fin = fin or {}
        indicators = {}
        for p in scenario.programmes:
            j = programmes.index(p.id)
            for name in ("coverage", "beneficiaries"):
                indicators[(p.id, name)] = costing[name][:, j]
            indicators[(p.id, "households")] = costing["households_beneficiaries"][:, j]
        inputs = fin_mod.Inputs(years, gdp, fx, indicators)
        amounts = fin_mod.amount_sources(fin, inputs)
        need = total - (np.sum(list(amounts.values()), axis=0) if amounts else 0.0)
        if fund is not None:  # the fund pays before the loans (docs/fund.md)
            from .fund.flows import fund_flows as flows_of

            fund_flows = flows_of(fund, years, cost, programmes, need,
                                  macro.inflation[at], gdp)
            amounts["fund"] = fund_flows.paid
            need = need - fund_flows.paid
            out.coord("fund_source", list(fund_flows.contributions),
                      long_name="fund contribution source")
            for name, values in fund_flows.variables().items():
                put(name, values)
        schedules = fin_mod.schedule_loans(loans_of(fin, years, gdp), need)
        flows = {**amounts, **{k: s.net for k, s in schedules.items()}}
        sources = [s for s in fin_mod.SOURCE_ORDER if s in flows]
        table = np.column_stack([flows[s] for s in sources])
        out.coord("source", sources, long_name="financing source")
        out.coord("source_label", [fin_mod.SOURCE_LABELS[s] for s in sources], "source")
        put("financing", table)
        put("financing_pct_gdp", ratio(table, gdp[:, None]))
        financed = table.sum(axis=1)
        gap = total - financed
        put("total_financing", financed)
        put("financing_gap", gap)
        put("financing_gap_pct_gdp", ratio(gap, gdp))
        rbf = fin_mod.results_based_disbursements(fin, inputs)
        if rbf:
            out.coord("indicator", list(rbf), long_name="results-based financing indicator")
            put("results_based_disbursement", np.column_stack(list(rbf.values())))
            put("results_based_trigger_month", fin_mod.trigger_months(fin, inputs))
        if schedules:
            out.coord("loan", list(schedules), long_name="loan (borrowing source)")
            for var, attr in (("loan_disbursement", "disbursement"),
                              ("loan_interest", "interest"), ("loan_principal", "principal"),
                              ("loan_outstanding", "outstanding")):
                put(var, np.column_stack([getattr(s, attr) for s in schedules.values()]))
            put("debt_service", sum(s.debt_service for s in schedules.values()))

    # public debt
    if fiscal.get("debt_pct_gdp") is not None:
        rate = fin_mod.path_at(fiscal["interest_rate"], years)
        gdp_before = gdp[0] / (1.0 + growth[0])  # GDP of start_year - 1
        n = len(years)
        zero = np.zeros(n)
        amount_total = np.sum(list(amounts.values()), axis=0) if amounts else zero
        # the fund's bonds serviced by the budget and the government's contributions to
        # the fund are met by general borrowing; the bonds are debt (docs/fund.md)
        charge = fund_flows.budget_charge() if fund_flows is not None else zero
        bond_coupon = fund_flows.bonds.coupon["budget"] if fund_flows is not None else zero
        bond_debt = fund_flows.bonds.outstanding["budget"] if fund_flows is not None else zero
        path = fin_mod.debt_path(
            fiscal["debt_pct_gdp"] * gdp_before, rate, revenue, expenditure, total,
            amount_total, (total - amount_total if gap is None else gap) + charge,
            sum((s.interest for s in schedules.values()), zero) + bond_coupon,
            sum((s.outstanding for s in schedules.values()), zero) + bond_debt,
        )
        put("debt", path.debt)
        put("debt_pct_gdp", path.debt / gdp)
        put("debt_baseline", path.debt_baseline)
        put("debt_baseline_pct_gdp", path.debt_baseline / gdp)
        put("debt_interest", path.interest)
        put("primary_balance", path.primary_balance)
        put("primary_balance_pct_gdp", path.primary_balance / gdp)
        put("overall_balance", path.overall_balance)
        put("overall_balance_pct_gdp", path.overall_balance / gdp)
        out.attrs["debt_initial"] = float(fiscal["debt_pct_gdp"] * gdp_before)
    return out
