"""The keys of ``[fiscal.financing]``: the sources that finance the programmes' cost (tax
measures, contributions, grants, results-based financing, loans); all parameters. Their
checks across keys run with the fiscal table's (:mod:`simulate.scenario.keys.fiscal`)."""

from __future__ import annotations

from ..specs import REQUIRED, Boolean, MapOf, Number, Path, Table, Text

#: every financing source, in the order of tables and of the ``source`` dimension
#: (:data:`simulate.financing.SOURCE_ORDER` is the same tuple)
SOURCE_ORDER = ("reallocation", "tax", "contributions", "oda", "grants", "results_based",
                "fund", "concessional", "market")
#: the sources that are loans (scheduled after the amount sources)
LOANS = ("concessional", "market")


def _loan(label: str) -> Table:
    return Table(
        default=None,
        description=f"{label}: disbursements by year (or whatever the gap needs), interest "
        "on the balance, equal repayments after a grace period.",
        fields={
            "amount": Path(min=0, unit="currency per year", default=None,
                           description="Disbursements by year, nominal."),
            "covers_gap": Boolean(
                default=False,
                description="true (instead of amount): each year, borrow what the other "
                "sources leave uncovered, the debt service of the scenario's loans included.",
            ),
            "max_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                description="With covers_gap: the largest disbursement in a "
                                "year / GDP."),
            "rate": Number(min=0, max=1, unit="1 per year", default=REQUIRED,
                           description="Interest rate on the balance outstanding at the start "
                           "of each year (none in the year of disbursement)."),
            "grace_years": Number(min=0, max=50, integer=True, unit="years", default=0,
                                  description="Years after disbursement with interest only."),
            "maturity_years": Number(min=1, max=100, integer=True, unit="years", default=10,
                                     description="Years from disbursement to the last "
                                     "repayment, grace included: principal is repaid in "
                                     "maturity - grace equal yearly instalments."),
        },
    )


TAX_MEASURE = Table(
    description="A tax measure: revenue = rate_change x base_pct_gdp x compliance x GDP.",
    fields={
        "label": Text(default="", description="Name shown in tables."),
        "rate_change": Path(min=0, max=1, unit="1", default=REQUIRED,
                            description="Increase of the tax rate by year (0.01 = one point)."),
        "base_pct_gdp": Path(min=0, max=5, unit="1", default=REQUIRED, warn_above=1,
                             why="a fraction of GDP (0.05 = 5%); above 1 looks like a "
                             "percentage",
                             description="Tax base / GDP."),
        "compliance": Path(min=0, max=1, unit="1", default=1.0,
                           description="Share of the statutory revenue collected."),
    },
)

RESULTS_INDICATOR = Table(
    description="A disbursement-linked indicator: pays once when a programme's coverage or "
    "beneficiaries reach a target.",
    fields={
        "label": Text(default="", description="Name shown in tables."),
        "programme": Text(default=REQUIRED, description="The programme measured."),
        "indicator": Text(choices=("coverage", "beneficiaries", "households"),
                          default="coverage",
                          description="coverage (beneficiaries / eligible), beneficiaries "
                          "(persons) or households (beneficiary households)."),
        "months": Number(min=0, max=36, integer=True, unit="months", default=0,
                         description="Consecutive months the indicator must be held at or "
                         "above the target (0: the yearly value); the engine's months: a "
                         "whole-year programme's value holds in every month of its year "
                         "(docs/fiscal.md); not for a programme with `timing`."),
        "target": Number(min=0, default=REQUIRED, unit="1 or persons",
                         description="Met in the first year the indicator is at least this."),
        "amount": Number(min=0, unit="currency", default=None,
                         description="Disbursed once the target is met, nominal."),
        "amount_usd": Number(min=0, unit="USD", default=None,
                             description="Instead of amount: US dollars, converted at the "
                             "exchange rate of the disbursement year."),
        "by_year": Number(min=1950, max=2300, integer=True, unit="year", default=None,
                          description="Last year in which meeting the target counts (default "
                          "end_year)."),
        "lag_years": Number(min=0, max=10, integer=True, unit="years", default=0,
                            description="Years from meeting the target to the disbursement "
                            "(verification)."),
    },
)

FINANCING = Table(
    role="parameter",
    default=None,
    description="Sources of financing of the programmes' total cost, each optional, by year; "
    "financing_gap = total cost - their sum.",
    fields={
        "reallocation_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                     description="Spending moved from other budget lines "
                                     "(on-budget allocation) / GDP."),
        "reallocation": Path(min=0, unit="currency per year", default=None,
                             description="Instead of reallocation_pct_gdp: the amounts, "
                             "nominal."),
        "tax": MapOf(value=TAX_MEASURE, default=None,
                     description="New revenue from tax measures, each under its own name."),
        "contributions": Table(
            default=None,
            description="Social contributions: rate x coverage x wage_bill_pct_gdp x "
            "compliance x GDP.",
            fields={
                "rate": Path(min=0, max=1, unit="1", default=REQUIRED,
                             description="Contribution rate on covered wages."),
                "wage_bill_pct_gdp": Path(min=0, max=1, unit="1", default=REQUIRED,
                                          description="Wage bill / GDP."),
                "coverage": Path(min=0, max=1, unit="1", default=1.0,
                                 description="Share of the wage bill covered."),
                "compliance": Path(min=0, max=1, unit="1", default=1.0,
                                   description="Share of contributions due that is "
                                   "collected."),
            },
        ),
        "oda": Path(min=0, unit="currency per year", default=None,
                    description="ODA grants (budget support, pooled funds), nominal local "
                    "currency."),
        "oda_usd": Path(min=0, unit="USD per year", default=None,
                        description="ODA grants in US dollars, at the year's exchange rate "
                        "(added to oda)."),
        "grants": Path(min=0, unit="currency per year", default=None,
                       description="Other grants (private sector, foundations), nominal."),
        "results_based": MapOf(value=RESULTS_INDICATOR, default=None,
                               description="Results-based financing: disbursement-linked "
                               "indicators, each under its own name."),
        "concessional": _loan("Concessional borrowing"),
        "market": _loan("Market borrowing"),
        "borrowing_rate": Number(
            min=0, max=1, unit="1 per year", default=None,
            description="Shorthand: market = { covers_gap = true, rate = borrowing_rate } "
            "(grace 0, maturity 10 years).",
        ),
    },
)
