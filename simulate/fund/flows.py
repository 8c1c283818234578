"""A fund's cash flows on the scenario's years, and its path at expected returns.

Pure functions on numpy arrays (index 0 = start_year, nominal local currency);
:mod:`simulate.fiscal` calls :func:`fund_flows` to put the fund's drawdown in the
financing (the ``fund`` source) and its budget-serviced bonds in the debt path;
:mod:`simulate.fund.plan` runs the Monte Carlo on the same flows. Conventions in
docs/fund.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..scenario.fund import Bond, FundSettings

#: name of the contribution source made of bond proceeds
BOND_PROCEEDS = "bond_proceeds"
#: contribution sources charged to the budget (general borrowing) in the debt path
BUDGET_SOURCES = ("government",)


@dataclass(frozen=True)
class BondSchedule:
    """Bonds' flows by year: proceeds (face x issue price, at the start of the issue
    year), coupons, principal and the face value outstanding at the end of each year;
    each split by who services it (``fund`` or ``budget``)."""

    proceeds: np.ndarray
    coupon: dict[str, np.ndarray]
    principal: dict[str, np.ndarray]
    outstanding: dict[str, np.ndarray]

    def service(self, by: str) -> np.ndarray:
        """Coupons + principal paid by ``by`` ("fund" or "budget")."""
        return self.coupon[by] + self.principal[by]


def bond_schedule(bonds: Sequence[Bond], years: np.ndarray) -> BondSchedule:
    """Bullet bonds: a bond issued in year index t pays coupon x face in each of the years
    t+1 .. t+maturity and the face value in t+maturity; flows after the horizon are
    dropped (the face then stays outstanding)."""
    n = len(years)
    first = int(years[0])
    proceeds = np.zeros(n)
    coupon = {k: np.zeros(n) for k in ("fund", "budget")}
    principal = {k: np.zeros(n) for k in ("fund", "budget")}
    outstanding = {k: np.zeros(n) for k in ("fund", "budget")}
    for b in bonds:
        t = b.year - first
        if not 0 <= t < n:
            continue
        proceeds[t] += b.amount * b.issue_price
        by = b.serviced_by
        for k in range(1, b.maturity_years + 1):
            if t + k < n:
                coupon[by][t + k] += b.coupon * b.amount
        end = t + b.maturity_years
        if end < n:
            principal[by][end] += b.amount
        outstanding[by][t:min(end, n)] += b.amount
    return BondSchedule(proceeds, coupon, principal, outstanding)


def expected_portfolio_return(fs: FundSettings) -> float:
    """Weighted mean of the assets' mean returns (rebalanced yearly: the portfolio's mean)."""
    return float(sum(a.weight * a.mean for a in fs.assets))


def expected_factors(fs: FundSettings, inflation: np.ndarray) -> np.ndarray:
    """Gross factor g[t] = (1 + r)(1 - fee) at the mean return (made nominal with the
    year's inflation for real returns)."""
    m = expected_portfolio_return(fs)
    nominal = (1.0 + m) * (1.0 + inflation) if fs.returns_kind == "real" else np.full(
        len(inflation), 1.0 + m)
    return nominal * (1.0 - fs.fee)


def required_capital(outflow: np.ndarray, inflow: np.ndarray, factors: np.ndarray) -> float:
    """Closed form (DESIGN.md): max(0, max over T of sum_{t<=T} (P[t] - C[t]) / D[t]), D[t]
    = prod_{s<t} g[s]; with a constant return D[t] = (1 + r)^t."""
    disc = np.r_[1.0, np.cumprod(factors)[:-1]]
    return float(max(0.0, np.max(np.cumsum((outflow - inflow) / disc))))


def spending_path(fs: FundSettings, capital: float, contributions: np.ndarray,
                  fixed: np.ndarray, factors: np.ndarray, inflation: np.ndarray,
                  years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Balance at the start of each year (and the end) and the rule's spending, for the
    fixed-share (Norway) and smoothed (Yale) rules (docs/fund.md)."""
    n = len(years)
    rate = fs.rate.at(years) if fs.rate is not None else np.zeros(n)
    balance = np.zeros(n + 1)
    spend = np.zeros(n)
    balance[0] = b = capital
    prev = 0.0
    for t in range(n):
        base = max(b, 0.0)
        if fs.rule == "fixed_share":
            s = rate[t] * base
        else:
            s = rate[0] * base if t == 0 else (fs.smoothing * prev * (1.0 + inflation[t])
                                               + (1.0 - fs.smoothing) * rate[t] * base)
            if fs.band is not None:
                s = min(max(s, fs.band[0] * base), fs.band[1] * base)
        spend[t] = s
        b = (b + contributions[t] - s - fixed[t]) * factors[t]
        balance[t + 1] = b
        prev = s
    return balance, spend


@dataclass(frozen=True)
class FundFlows:
    """The fund's flows by year and its path at expected returns (see :func:`fund_flows`)."""

    contributions: dict[str, np.ndarray]
    bill: np.ndarray
    paid: np.ndarray
    balance: np.ndarray  # start of each year, then the end (n + 1)
    factors: np.ndarray
    bonds: BondSchedule
    base: np.ndarray
    capital: float
    required_capital: float
    general_average_premium: float
    extras: dict[str, float] = field(default_factory=dict)

    @property
    def total_contributions(self) -> np.ndarray:
        """Sum of the contribution sources by year."""
        return np.sum(list(self.contributions.values()), axis=0)

    def budget_charge(self) -> np.ndarray:
        """What the budget pays for the fund by year: bonds it services and contributions
        from ``government`` (met by general borrowing in the debt path)."""
        out = self.bonds.service("budget").copy()
        for name in BUDGET_SOURCES:
            if name in self.contributions:
                out += self.contributions[name]
        return out

    def variables(self) -> dict[str, np.ndarray]:
        """Result variables (simulate/variables.py) by name."""
        n = len(self.bill)
        with np.errstate(divide="ignore", invalid="ignore"):
            payg = np.where(self.base > 0, self.bill / np.where(self.base > 0, self.base, 1.0),
                            np.nan)
        return {
            "fund_contributions": np.column_stack(list(self.contributions.values())),
            "fund_bill": self.bill,
            "fund_payout": self.paid,
            "fund_balance_expected": self.balance[:n],
            "fund_balance_expected_end": np.float64(self.balance[n]),
            "fund_return_expected": self.factors - 1.0,
            "fund_bond_coupon": self.bonds.coupon["fund"] + self.bonds.coupon["budget"],
            "fund_bond_principal": self.bonds.principal["fund"] + self.bonds.principal["budget"],
            "fund_bond_outstanding": (self.bonds.outstanding["fund"]
                                      + self.bonds.outstanding["budget"]),
            "fund_bond_service": self.bonds.service("fund"),
            "fund_bond_service_budget": self.bonds.service("budget"),
            "fund_payg_cost_rate": payg,
            "fund_capital": np.float64(self.capital),
            "fund_required_capital_deterministic": np.float64(self.required_capital),
            "fund_general_average_premium": np.float64(self.general_average_premium),
        }


def fund_bill(fs: FundSettings, years: np.ndarray, cost: np.ndarray,
              programme_ids: Sequence[str], need: np.ndarray) -> np.ndarray:
    """What the fund is asked to pay by year: share x the programmes' cost, the declared
    amount, or share x the gap after the other amount sources (``need``, floored at 0)."""
    share = fs.share.at(years)
    if fs.pays_kind == "programmes":
        idx = [list(programme_ids).index(p) for p in fs.programmes]
        return share * cost[:, idx].sum(axis=1)
    if fs.pays_kind == "amount":
        assert fs.amount is not None
        return fs.amount.at(years)
    if fs.pays_kind == "viability":
        return share * np.maximum(need, 0.0)
    return np.zeros(len(years))


def fund_flows(fs: FundSettings, years: np.ndarray, cost: np.ndarray,
               programme_ids: Sequence[str], need: np.ndarray, inflation: np.ndarray,
               gdp: np.ndarray) -> FundFlows:
    """The fund's flows and its path at expected returns.

    ``cost[year, programme]`` the programmes' cost, ``need`` the total cost less the
    other amount sources (viability funding pays it), ``inflation`` and ``gdp`` by year.
    The capital is ``initial_capital`` or, when not given, the capital required with
    returns at their mean (closed form). Pay-the-bill: the fund pays its bill while it
    can, ``paid[t] = min(bill[t], max(0, B[t] + C[t] - bonds it services))``; rules pay
    their spending. The general average premium is (PV of outflows - PV of contributions
    - reserve) / PV of the base, discounted with the expected factors; the reserve is
    ``initial_capital`` (0 when not given).
    """
    n = len(years)
    bonds = bond_schedule(fs.bonds, years)
    contributions = {k: p.at(years) for k, p in fs.contributions.items()}
    if bonds.proceeds.any():
        contributions[BOND_PROCEEDS] = bonds.proceeds
    if not contributions:
        contributions = {"other": np.zeros(n)}
    inflow = np.sum(list(contributions.values()), axis=0)
    fixed = bonds.service("fund")
    bill = fund_bill(fs, years, cost, programme_ids, need)
    g = expected_factors(fs, inflation)
    required = (required_capital(bill + fixed, inflow, g) if fs.rule == "bill" else np.nan)
    capital = fs.initial_capital
    if capital is None:
        capital = required if fs.rule == "bill" else 0.0
    if fs.rule == "bill":
        balance = np.zeros(n + 1)
        paid = np.zeros(n)
        balance[0] = b = capital
        for t in range(n):
            paid[t] = min(bill[t], max(0.0, b + inflow[t] - fixed[t]))
            b = (b + inflow[t] - fixed[t] - paid[t]) * g[t]
            balance[t + 1] = b
    else:
        balance, paid = spending_path(fs, capital, inflow, fixed, g, inflation, years)
    base = fs.contribution_base.at(years) if fs.contribution_base is not None else gdp
    disc = np.r_[1.0, np.cumprod(g)[:-1]]
    pv_base = float(np.sum(base / disc))
    outflow = bill if fs.rule == "bill" else paid
    reserve = fs.initial_capital or 0.0
    gap = (float(np.sum((outflow + fixed - inflow) / disc)) - reserve) / pv_base if (
        pv_base > 0) else np.nan
    return FundFlows(contributions, bill, paid, balance, g, bonds, base, float(capital),
                     float(required), gap)
