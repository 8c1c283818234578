"""Financing sources, loan schedules and public-debt dynamics: pure functions on arrays.

Everything here works on plain numpy arrays over the scenario's years (index 0 =
start_year) and nominal local currency; :mod:`simulate.fiscal` reads the scenario,
calls these functions and returns their results as named arrays
(:class:`simulate.results.Results`). The formulas are in
docs/fiscal.md; the tests recompute them by hand.

Sources come in two kinds:

* **amount sources** (reallocation, tax, contributions, oda, grants,
  results_based) do not depend on the gap: each is a function in
  :data:`AMOUNT_SOURCES` from the ``[fiscal.financing]`` table and the
  :class:`Inputs` to a yearly amount, or ``None`` when the scenario does not
  declare it. A national social protection fund's drawdown will be one more
  entry (``"fund"``, from the fund capitalisation issue), registered in the same
  place and computed before the loans;
* **loans** (concessional, market) are scheduled year by year after them,
  because a loan that covers the gap borrows what is left, debt service included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .scenario.paths import YearPath

#: every source, in the order of tables and of the ``source`` dimension
SOURCE_ORDER = ("reallocation", "tax", "contributions", "oda", "grants", "results_based",
                "fund", "concessional", "market")
LOANS = ("concessional", "market")
SOURCE_LABELS = {
    "reallocation": "Reallocation from other spending",
    "tax": "New revenue from tax measures",
    "contributions": "Social contributions",
    "oda": "ODA grants",
    "grants": "Other grants",
    "results_based": "Results-based financing",
    "fund": "Fund drawdown",
    "concessional": "Concessional loan, net of its debt service",
    "market": "Market borrowing, net of its debt service",
}


@dataclass(frozen=True)
class Inputs:
    """What the sources need, by year (index 0 = start_year).

    ``indicators[(programme, name)]`` is a programme's yearly ``coverage`` or
    ``beneficiaries`` (for results-based financing).
    """

    years: np.ndarray
    gdp: np.ndarray
    exchange_rate: np.ndarray
    indicators: Mapping[tuple[str, str], np.ndarray]


def path_at(value: Any, years: np.ndarray) -> np.ndarray:
    """A validated number or ``{year: value}`` table at ``years`` (DESIGN.md year paths)."""
    return YearPath.from_value(value).at(years)


# ------------------------------------------------------------------ amount sources
def reallocation(fin: Mapping[str, Any], x: Inputs) -> np.ndarray | None:
    """reallocation_pct_gdp x GDP, or the declared nominal amounts."""
    if fin.get("reallocation_pct_gdp") is not None:
        return path_at(fin["reallocation_pct_gdp"], x.years) * x.gdp
    if fin.get("reallocation") is not None:
        return path_at(fin["reallocation"], x.years)
    return None


def tax_measure(measure: Mapping[str, Any], x: Inputs) -> np.ndarray:
    """rate_change x base_pct_gdp x compliance x GDP."""
    return (path_at(measure["rate_change"], x.years) * path_at(measure["base_pct_gdp"], x.years)
            * path_at(measure["compliance"], x.years) * x.gdp)


def tax(fin: Mapping[str, Any], x: Inputs) -> np.ndarray | None:
    """The sum of the declared tax measures."""
    measures = fin.get("tax")
    if not measures:
        return None
    return np.sum([tax_measure(m, x) for m in measures.values()], axis=0)


def contributions(fin: Mapping[str, Any], x: Inputs) -> np.ndarray | None:
    """rate x coverage x wage_bill_pct_gdp x compliance x GDP (rate x covered wage bill)."""
    c = fin.get("contributions")
    if not c:
        return None
    return (path_at(c["rate"], x.years) * path_at(c["coverage"], x.years)
            * path_at(c["wage_bill_pct_gdp"], x.years) * path_at(c["compliance"], x.years)
            * x.gdp)


def oda(fin: Mapping[str, Any], x: Inputs) -> np.ndarray | None:
    """oda (local currency) + oda_usd x exchange rate of the year."""
    if fin.get("oda") is None and fin.get("oda_usd") is None:
        return None
    out = np.zeros(len(x.years))
    if fin.get("oda") is not None:
        out += path_at(fin["oda"], x.years)
    if fin.get("oda_usd") is not None:
        out += path_at(fin["oda_usd"], x.years) * x.exchange_rate
    return out


def grants(fin: Mapping[str, Any], x: Inputs) -> np.ndarray | None:
    """The declared nominal amounts."""
    return None if fin.get("grants") is None else path_at(fin["grants"], x.years)


def results_based_disbursements(fin: Mapping[str, Any], x: Inputs) -> dict[str, np.ndarray]:
    """Each results-based indicator's disbursement by year.

    An indicator disburses its amount once: ``lag_years`` after the first year, up to
    ``by_year`` (default: the last year), in which the programme's indicator
    (coverage or beneficiaries) is at least ``target``; nothing if that never happens
    or the disbursement would fall after the horizon. ``amount_usd`` is converted at
    the exchange rate of the disbursement year.
    """
    out: dict[str, np.ndarray] = {}
    n = len(x.years)
    for name, r in (fin.get("results_based") or {}).items():
        flow = np.zeros(n)
        t = trigger_year(r, x)
        if t is not None:
            t += r["lag_years"]
            if t < n:
                flow[t] = (r["amount"] if r["amount"] is not None
                           else r["amount_usd"] * x.exchange_rate[t])
        out[name] = flow
    return out


def monthly_path(values: np.ndarray) -> np.ndarray:
    """The engine's months from a whole-year programme's yearly values: ``12 *
    len(values)`` values, month ``12 k + m`` (m = 0 for January) of year ``k``.

    A programme without ``timing`` is decided once a year and pays everyone it pays
    for all twelve months of the year (docs/months.md), so its caseload in each month
    of year ``k`` is the year's value: the kernel's own months, not an interpolation.
    NaN (no value) stays NaN. (A programme with ``timing`` has months that differ
    within the year; a months trigger on it is refused, simulate/fiscal.py.)"""
    v = np.asarray(values, dtype=np.float64)
    return np.repeat(v, 12)


def trigger_month(values: np.ndarray, target: float, months: int) -> int | None:
    """The first month (index as :func:`monthly_path`) that ends a run of ``months``
    consecutive months at or above ``target``; None if there is none."""
    ok = np.nan_to_num(monthly_path(values), nan=-np.inf) >= target
    run = 0
    for m, flag in enumerate(ok):
        run = run + 1 if flag else 0
        if run >= max(months, 1):
            return m
    return None


def trigger_year(r: Mapping[str, Any], x: Inputs) -> int | None:
    """Index of the year in which indicator ``r`` is met (within ``by_year``), or None.

    Without ``months`` the yearly value must reach the target; with ``months`` the
    monthly path (:func:`monthly_path`) must hold it for that many consecutive months,
    and the year is the one of the month that completes the run."""
    values = x.indicators[(r["programme"], r["indicator"])]
    by = r["by_year"] if r["by_year"] is not None else int(x.years[-1])
    if r.get("months"):
        m = trigger_month(values, r["target"], r["months"])
        if m is None or x.years[m // 12] > by:
            return None
        return m // 12
    met = np.nan_to_num(values, nan=-np.inf) >= r["target"]
    met &= x.years <= by
    return int(np.argmax(met)) if met.any() else None


def trigger_months(fin: Mapping[str, Any], x: Inputs) -> np.ndarray:
    """Each results-based indicator's trigger month (``results_based_trigger_month``)."""
    out = []
    for r in (fin.get("results_based") or {}).values():
        t = trigger_year(r, x)
        if t is None:
            out.append(np.nan)
        elif r.get("months"):
            by = r["by_year"] if r["by_year"] is not None else int(x.years[-1])
            m = trigger_month(x.indicators[(r["programme"], r["indicator"])], r["target"],
                              r["months"])
            out.append(float(m) if m is not None and x.years[m // 12] <= by else np.nan)
        else:
            out.append(12.0 * t + 6.0)
    return np.asarray(out)


def results_based(fin: Mapping[str, Any], x: Inputs) -> np.ndarray | None:
    """The sum of the results-based disbursements."""
    if not fin.get("results_based"):
        return None
    return np.sum(list(results_based_disbursements(fin, x).values()), axis=0)


Source = Callable[[Mapping[str, Any], Inputs], "np.ndarray | None"]

#: amount sources in SOURCE_ORDER; a fund's drawdown is to be registered here as "fund"
AMOUNT_SOURCES: dict[str, Source] = {
    "reallocation": reallocation,
    "tax": tax,
    "contributions": contributions,
    "oda": oda,
    "grants": grants,
    "results_based": results_based,
}


def amount_sources(fin: Mapping[str, Any], x: Inputs) -> dict[str, np.ndarray]:
    """The declared amount sources by year, in SOURCE_ORDER."""
    out = {}
    for name in SOURCE_ORDER:
        fn = AMOUNT_SOURCES.get(name)
        flow = fn(fin, x) if fn is not None else None
        if flow is not None:
            out[name] = np.asarray(flow, dtype=np.float64)
    return out


# ------------------------------------------------------------------ loans
@dataclass(frozen=True)
class Loan:
    """A borrowing source: its terms, and its yearly disbursements or that it covers the gap.

    ``cap`` (covers_gap only) is the largest disbursement by year.
    """

    name: str
    rate: float
    grace_years: int
    maturity_years: int
    amount: np.ndarray | None = None
    cap: np.ndarray | None = None

    @property
    def covers_gap(self) -> bool:
        """True when the loan borrows whatever the other sources leave uncovered."""
        return self.amount is None


@dataclass(frozen=True)
class LoanSchedule:
    """One loan's flows by year: disbursed, interest paid, principal repaid, and the
    balance outstanding at the end of the year (after that year's flows)."""

    disbursement: np.ndarray
    interest: np.ndarray
    principal: np.ndarray
    outstanding: np.ndarray

    @property
    def debt_service(self) -> np.ndarray:
        """interest + principal."""
        return self.interest + self.principal

    @property
    def net(self) -> np.ndarray:
        """What the loan contributes to financing: disbursement - interest - principal."""
        return self.disbursement - self.interest - self.principal


def add_tranche(interest: np.ndarray, principal: np.ndarray, t: int, amount: float,
                rate: float, grace: int, maturity: int) -> None:
    """Add the debt service of ``amount`` disbursed in year index ``t`` (in place).

    Convention: no interest in the year of disbursement; in year t+k (k = 1..maturity)
    interest is ``rate`` x the balance outstanding at the start of that year; principal
    is repaid in equal instalments amount / (maturity - grace) in years
    t+grace+1 .. t+maturity. Years after the horizon are dropped.
    """
    n = len(interest)
    repaying = maturity - grace
    for k in range(1, maturity + 1):
        i = t + k
        if i >= n:
            break
        repaid_before = max(0, k - 1 - grace)  # instalments paid before year t+k
        interest[i] += rate * amount * (1.0 - repaid_before / repaying)
        if k > grace:
            principal[i] += amount / repaying


def schedule_loans(loans: Sequence[Loan], need: np.ndarray) -> dict[str, LoanSchedule]:
    """Schedule every loan over the years of ``need`` (cost - amount sources, by year).

    Year by year: the debt service due on earlier disbursements of every loan is
    known; loans with amounts disburse them; the loan that covers the gap (at most
    one) disburses max(0, need + debt service due - other disbursements), capped by
    its ``cap``. Each disbursement then adds its tranche's schedule (:func:`add_tranche`).
    """
    n = len(need)
    disb = {ln.name: np.zeros(n) for ln in loans}
    interest = {ln.name: np.zeros(n) for ln in loans}
    principal = {ln.name: np.zeros(n) for ln in loans}
    fixed = [ln for ln in loans if not ln.covers_gap]
    gap_loans = [ln for ln in loans if ln.covers_gap]
    if len(gap_loans) > 1:  # the scenario checks prevent this; a failure is a bug
        raise ValueError("at most one loan can cover the gap")
    for t in range(n):
        for ln in fixed:
            disb[ln.name][t] = ln.amount[t]
        for ln in gap_loans:
            due = sum(interest[m.name][t] + principal[m.name][t] for m in loans)
            want = need[t] + due - sum(disb[m.name][t] for m in fixed)
            amount = max(0.0, want)
            if ln.cap is not None:
                amount = min(amount, ln.cap[t])
            disb[ln.name][t] = amount
        for ln in loans:
            if disb[ln.name][t] > 0:
                add_tranche(interest[ln.name], principal[ln.name], t, disb[ln.name][t],
                            ln.rate, ln.grace_years, ln.maturity_years)
    return {
        ln.name: LoanSchedule(disb[ln.name], interest[ln.name], principal[ln.name],
                              np.cumsum(disb[ln.name] - principal[ln.name]))
        for ln in loans
    }


# ------------------------------------------------------------------ public debt
@dataclass(frozen=True)
class DebtPath:
    """Public debt by year, with and without the scenario (nominal local currency).

    ``debt`` and ``debt_baseline`` are stocks at the end of each year; flows are
    of the year. See :func:`debt_path`.
    """

    debt: np.ndarray
    debt_baseline: np.ndarray
    interest: np.ndarray
    primary_balance: np.ndarray
    primary_balance_baseline: np.ndarray

    @property
    def overall_balance(self) -> np.ndarray:
        """primary_balance - interest (negative is a deficit)."""
        return self.primary_balance - self.interest


def debt_path(debt0: float, rate: np.ndarray, revenue: np.ndarray, expenditure: np.ndarray,
              cost: np.ndarray, amount_financing: np.ndarray, gap: np.ndarray,
              loan_interest: np.ndarray, loan_outstanding: np.ndarray) -> DebtPath:
    """Debt dynamics D_t = D_{t-1} + interest_t - primary_balance_t.

    ``debt0`` is the stock at the end of the year before the first; ``expenditure``
    is total expenditure including the interest of the baseline.

    * Baseline (no scenario): overall balance R - E, so
      D0_t = D0_{t-1} - (R_t - E_t); interest i_t D0_{t-1}; primary balance
      R_t - E_t + i_t D0_{t-1}.
    * With the scenario: primary balance = baseline primary balance - cost + amount
      sources; the scenario's loans are a debt of their own (``loan_outstanding``, with
      ``loan_interest``); the rest of the debt G_t = G_{t-1} (1 + i_t) - baseline
      primary balance_t + gap_t (a gap is met by general borrowing at i_t, a surplus
      pays debt down); debt D_t = G_t + loans outstanding_t; interest
      i_t G_{t-1} + loan interest.
    """
    n = len(rate)
    base = np.zeros(n)
    general = np.zeros(n)
    interest = np.zeros(n)
    pb_base = np.zeros(n)
    prev_base = prev_general = float(debt0)
    for t in range(n):
        pb_base[t] = revenue[t] - expenditure[t] + rate[t] * prev_base
        base[t] = prev_base * (1.0 + rate[t]) - pb_base[t]
        general[t] = prev_general * (1.0 + rate[t]) - pb_base[t] + gap[t]
        interest[t] = rate[t] * prev_general + loan_interest[t]
        prev_base, prev_general = base[t], general[t]
    return DebtPath(
        debt=general + loan_outstanding,
        debt_baseline=base,
        interest=interest,
        primary_balance=pb_base - cost + amount_financing,
        primary_balance_baseline=pb_base,
    )
