"""The keys of ``[fund]``: a fund capitalisation plan (capital, contributions, what the
fund pays, returns, spending rule, bonds; docs/fund.md); all parameters. Its checks
across keys (:func:`simulate.scenario.fund.fund_problems`) run once the programmes are
known."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..fund import fund_problems
from ..specs import (
    REQUIRED,
    Boolean,
    Context,
    Identifiers,
    ListOf,
    MapOf,
    Matrix,
    Number,
    Path,
    Range,
    Sources,
    Table,
    Text,
    reads,
)

ASSET = Table(
    description="An asset class of the fund's portfolio.",
    fields={
        "weight": Number(min=0, max=1, unit="1", default=REQUIRED,
                         description="Share of the portfolio, restored every year "
                         "(rebalancing); the weights sum to 1."),
        "mean": Number(min=-1, min_open=True, max=1, unit="1 per year", default=REQUIRED,
                       description="Mean yearly return."),
        "volatility": Number(min=0, max=2, unit="1 per year", default=0.0,
                             description="Standard deviation of the yearly return (1 + r "
                             "lognormal)."),
    },
)

FUND_RETURNS = Table(
    default={},
    description="The fund's investment returns: one asset (mean, volatility) or a portfolio "
    "(assets, correlation), optionally serially correlated (autocorrelation).",
    fields={
        "kind": Text(choices=("nominal", "real"), default="nominal",
                     description='"nominal", or "real": made nominal with the scenario\'s '
                     "inflation, (1 + r) (1 + inflation) - 1."),
        "mean": Number(min=-1, min_open=True, max=1, unit="1 per year", default=None,
                       description="Mean yearly return of a single asset (instead of assets)."),
        "volatility": Number(min=0, max=2, unit="1 per year", default=0.0,
                             description="Standard deviation of the yearly return; 1 + r "
                             "lognormal, years independent unless autocorrelation."),
        "assets": MapOf(value=ASSET, default=None,
                        description="A portfolio instead of mean: asset classes, each under "
                        "its own name ([fund.returns.assets.equity])."),
        "correlation": Matrix(default=None,
                              description="Correlation of the assets' log returns, rows and "
                              "columns in the order the assets are declared (default: "
                              "independent); positive semi-definite."),
        "autocorrelation": Number(min=-1, max=1, min_open=True, max_open=True, unit="1",
                                  default=0.0,
                                  description="AR(1) coefficient of each asset's log return "
                                  "from one year to the next (same mean and volatility)."),
    },
)

FUND_BOND = Table(
    description="A bond issued to capitalise the fund: bullet repayment at maturity.",
    fields={
        "year": Number(min=1950, max=2300, integer=True, unit="year", default=REQUIRED,
                       description="Year of issue: the proceeds enter the fund at its start."),
        "amount": Number(min=0, min_open=True, unit="currency", default=REQUIRED,
                         description="Face value, nominal."),
        "coupon": Number(min=0, max=1, unit="1 per year", default=REQUIRED,
                         description="Yearly coupon / face value, paid in each of the "
                         "maturity_years years after the issue."),
        "maturity_years": Number(min=1, max=100, integer=True, unit="years", default=REQUIRED,
                                 description="Years from issue to repayment of the face "
                                 "value."),
        "issue_price": Number(min=0, max=2, min_open=True, unit="1", default=1.0,
                              description="Proceeds / face value (0.98 = issued at a "
                              "discount)."),
        "serviced_by": Text(choices=("fund", "budget"), default="fund",
                            description='"fund": coupons and principal are paid out of the '
                            'fund; "budget": by the government (into the debt path).'),
        "label": Text(default="", description="Name shown in tables."),
    },
)

FUND = Table(
    role="parameter",
    default=None,
    description="A fund capitalisation plan: capital, contributions, what the fund pays, "
    "its returns, spending rule and bonds (docs/fund.md).",
    fields={
        "label": Text(default="Fund", description="Name shown in tables and charts."),
        "initial_capital": Number(min=0, unit="currency", default=None,
                                  description="Balance at the start of start_year, nominal "
                                  "(default: the capital required at target_probability)."),
        "contributions": Sources(unit="currency per year", default=None,
                                 description="Capitalisation flows by year, at the start of "
                                 "each year: one year path, or named sources (government, "
                                 "donor_basket, other, ...) each a year path."),
        "pays": Table(
            default=None,
            description="What the fund pays: a share of programmes' costs, a declared path, "
            "or viability funding (the financing gap left after the other amount sources).",
            fields={
                "programme": Text(default=None, description="A programme whose cost it pays."),
                "programmes": Identifiers(default=None,
                                          description="Several programmes (instead of "
                                          "programme)."),
                "amount": Path(min=0, unit="currency per year", default=None,
                               description="A declared payout by year, nominal (instead of "
                               "programmes)."),
                "viability": Boolean(default=False,
                                     description="true: pays the financing gap left after "
                                     "[fiscal.financing]'s amount sources, while it can."),
                "share": Path(min=0, max=1, unit="1", default=1.0,
                              description="Share of the programmes' cost (or of the gap) it "
                              "pays."),
            },
        ),
        "returns": FUND_RETURNS,
        "fee": Number(min=0, max=0.2, unit="1 per year", default=0.0,
                      description="Management fees, share of assets at the end of each year: "
                      "g = (1 + r) (1 - fee)."),
        "spending": Table(
            default={},
            description="The spending rule: pay the bill, a fixed share of the balance "
            "(Norway), or smoothed (Yale).",
            fields={
                "rule": Text(choices=("bill", "fixed_share", "smoothed"), default="bill",
                             description='"bill": pays what `pays` asks; "fixed_share": '
                             "rate x balance; \"smoothed\": smoothing x last year's spending "
                             "x (1 + inflation) + (1 - smoothing) x rate x balance, within the "
                             "band."),
                "rate": Path(min=0, max=1, unit="1 per year", default=None,
                             description="Spending rate by year (Norway: 0.04, 0.03 from "
                             "2017; Yale: 0.0525)."),
                "smoothing": Number(min=0, max=1, unit="1", default=0.8,
                                    description="Weight of last year's spending (Yale: 0.8)."),
                "band": Range(min=0, default=None,
                              description="[lo, hi]: spending kept between lo and hi times "
                              "the balance (smoothed rule)."),
            },
        ),
        "bonds": ListOf(item=FUND_BOND, default=(),
                        description="Bonds issued for the fund ([[fund.bonds]]): proceeds "
                        "into the fund, coupons and principal by the fund or the budget."),
        "target_probability": Number(min=0, max=1, min_open=True, max_open=True, unit="1",
                                     default=0.9,
                                     description="Probability with which the required capital "
                                     "keeps the fund solvent in every year."),
        "contribution_base": Path(min=0, unit="currency per year", default=None,
                                  description="Base of the general average premium and the "
                                  "PAYG cost rate, nominal (default: GDP)."),
        "downside": Table(
            default={},
            description="Downside metrics of endowment practice.",
            fields={
                "balance_share": Number(min=0, unit="1", default=0.75,
                                        description="Probability that the real balance falls "
                                        "below this share of the capital ..."),
                "within_years": Number(min=1, max=300, integer=True, unit="years", default=10,
                                       description="... within this many years."),
                "spending_drop": Number(min=0, max=1, unit="1", default=0.1,
                                        description="Probability that real spending falls by "
                                        "more than this share from one year to the next."),
            },
        ),
        "draws": Number(min=1, max=10_000_000, integer=True, unit="paths", default=10_000,
                        description="Return paths of the Monte Carlo (with [uncertainty]: "
                        "spread over the cost draws, at least one each)."),
        "seed": Number(min=0, max=2**63 - 1, integer=True, default=None,
                       description="Seed of the return paths (default: scenario.seed)."),
    },
)


@reads("scenario", "fund")
def check_fund(v: Mapping[str, Any], ctx: Context, programmes: Sequence[Any]) -> None:
    """[fund] against the declared programmes and the horizon (docs/fund.md)."""
    if v.get("fund") is not None:
        s = v["scenario"]
        ctx.problems.extend(fund_problems(v["fund"], list(v["programmes"] or {}),
                                          s["start_year"], s["end_year"], ctx.origin))


#: the cross-key checks of [fund]: ``check(v, ctx, programmes)``
checks = (check_fund,)
