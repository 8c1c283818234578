"""The keys of ``[macro]`` (overrides of the profile's macro figures), ``[fiscal]`` (the
government budget; its ``financing`` table in :mod:`simulate.scenario.keys.financing`)
and ``[poverty]``: all parameters (the population and the rule tables do not read them),
and the checks across the keys of [macro], [fiscal] and [fiscal.financing].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import did_you_mean
from ..specs import Context, Number, Path, Table, reads
from .financing import FINANCING, LOANS, SOURCE_ORDER

MACRO = Table(
    role="parameter",
    default={},
    description="Overrides of the country profile's macro figures.",
    fields={
        "gdp": Number(min=0, min_open=True, unit="currency", default=None,
                      description="Nominal GDP of start_year (of gdp_year when given)."),
        "gdp_year": Number(min=1950, max=2300, integer=True, unit="year", default=None,
                           description="The year whose nominal GDP `gdp` is (default "
                           "start_year); other years follow from growth and "
                           "inflation."),
        "real_gdp_growth": Path(min=-0.5, max=0.5, unit="1 per year", default=None,
                                description="Real GDP growth rate."),
        "inflation": Path(min=-0.5, max=10.0, unit="1 per year", default=None,
                          warn_above=1, why="a fraction per year (0.05 = 5%); above "
                          "1 (100% a year) looks like a percentage",
                          description="Consumer price inflation."),
        "exchange_rate": Path(min=0, min_open=True, unit="currency per USD", default=None,
                              description="Local currency per US dollar."),
    },
)

FISCAL = Table(
    role="parameter",
    default={},
    description="The government budget.",
    fields={
        "revenue_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                description="Government revenue / GDP (profile by "
                                "default)."),
        "expenditure_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                    description="Government expenditure / GDP "
                                    "(profile by default); total expenditure, "
                                    "interest included."),
        "debt_pct_gdp": Number(min=0, max=10, unit="1", default=None, warn_above=3,
                               why="a fraction of GDP (0.6 = 60%); above 3 looks "
                               "like a percentage",
                               description="Public debt at the end of the year before "
                               "start_year / that year's GDP; with interest_rate, "
                               "turns on the debt path (docs/fiscal.md)."),
        "interest_rate": Path(min=0, max=1, unit="1 per year", default=None,
                              description="Effective nominal interest rate on public "
                              "debt other than the scenario's loans: interest of year "
                              "t = rate x that debt at the end of t-1."),
        "envelope_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                 description="Fiscal envelope for the programmes / "
                                 "GDP, by year: what the budget can carry."),
        "envelope": Path(min=0, unit="currency per year", default=None,
                         description="Fiscal envelope for the programmes, nominal "
                         "(instead of envelope_pct_gdp)."),
        "financing": FINANCING,
    },
)

POVERTY = Table(
    role="parameter",
    default={},
    description="Poverty and inequality measures before and after transfers.",
    fields={
        "line": Number(
            min=0, min_open=True, default=None, unit="currency per person per year",
            description="Poverty line, start_year prices (default: the profile's, "
            "moved to start_year prices).",
        ),
    },
)


@reads("scenario", "macro", "fiscal", "programmes.*.unit",
       "programmes.*.shock_response")
def check_fiscal(v: Mapping[str, Any], ctx: Context, programmes: Sequence[Any]) -> None:
    """[macro] and [fiscal] across their keys: gdp_year needs gdp, the debt path needs
    debt and interest, one envelope, and [fiscal.financing]'s sources (one of amount or
    covers_gap, at most one loan covering the gap, results-based indicators naming a
    programme, ``programmes`` being the scenario's, shock responses included)."""

    def bad(key: str, expected: str, found: Any, hint: str = "") -> None:
        ctx.bad(key, expected, str(found), hint, raw=True)

    macro = v.get("macro") or {}
    fiscal = v.get("fiscal") or {}
    start, end = v["scenario"]["start_year"], v["scenario"]["end_year"]
    horizon = f"a year in the scenario's horizon {start}-{end}"
    if macro.get("gdp_year") is not None and macro.get("gdp") is None:
        bad("macro.gdp_year", "macro.gdp given with it (gdp_year is the year of that GDP)",
            "no macro.gdp")
    if (fiscal.get("debt_pct_gdp") is None) != (fiscal.get("interest_rate") is None):
        given, missing = (("debt_pct_gdp", "interest_rate") if fiscal.get("interest_rate")
                          is None else ("interest_rate", "debt_pct_gdp"))
        bad(f"fiscal.{given}", f"fiscal.{missing} given with it (the debt path needs both)",
            f"no fiscal.{missing}")
    if fiscal.get("envelope") is not None and fiscal.get("envelope_pct_gdp") is not None:
        bad("fiscal.envelope", "one of envelope or envelope_pct_gdp", "both")
    # years outside the horizon: a warning, as in every table of years
    # (simulate/scenario/plausible.py, docs/validation.md)
    fin = fiscal.get("financing")
    if fin is None:
        return
    if all(x is None for x in fin.values()):
        bad("fiscal.financing", "at least one source (" + ", ".join(
            k for k in SOURCE_ORDER if k != "fund") + ")", "an empty table")
    if fin.get("reallocation") is not None and fin.get("reallocation_pct_gdp") is not None:
        bad("fiscal.financing.reallocation", "one of reallocation or reallocation_pct_gdp",
            "both")
    gap_loans = []
    for loan in LOANS:
        cfg = fin.get(loan)
        if not cfg:
            continue
        key = f"fiscal.financing.{loan}"
        if (cfg["amount"] is None) == (not cfg["covers_gap"]):
            bad(key, "exactly one of amount or covers_gap = true",
                "both" if cfg["covers_gap"] else "neither")
        if cfg["covers_gap"]:
            gap_loans.append(key)
        elif cfg["max_pct_gdp"] is not None:
            bad(f"{key}.max_pct_gdp", "covers_gap = true with it (a cap on gap borrowing)",
                "covers_gap = false")
        if cfg["maturity_years"] <= cfg["grace_years"]:
            bad(f"{key}.maturity_years",
                f"more years than grace_years ({cfg['grace_years']})", cfg["maturity_years"])
    if fin.get("borrowing_rate") is not None:
        if fin.get("market"):
            bad("fiscal.financing.borrowing_rate",
                "either borrowing_rate (shorthand) or a [fiscal.financing.market] table",
                "both")
        else:
            gap_loans.append("fiscal.financing.borrowing_rate")
    if len(gap_loans) > 1:
        bad(gap_loans[1], "one loan at most that covers the gap",
            f"{len(gap_loans)} ({', '.join(gap_loans)})")
    ids = [p.id for p in programmes]
    for name, r in (fin.get("results_based") or {}).items():
        key = f"fiscal.financing.results_based.{name}"
        if r["programme"] not in ids:
            bad(f"{key}.programme", "one of the scenario's programmes", repr(r["programme"]),
                did_you_mean(r["programme"], ids))
        if (r["amount"] is None) == (r["amount_usd"] is None):
            bad(key, "exactly one of amount or amount_usd",
                "neither" if r["amount"] is None else "both")
        unit = next((p.unit for p in programmes if p.id == r["programme"]), None)
        if r["indicator"] == "households" and unit not in (None, "household"):
            bad(f"{key}.indicator", "'households' only for a programme with unit = "
                "'household'", r["indicator"])
        timed = next((p.timing for p in programmes if p.id == r["programme"]), None)
        if r.get("months") and timed is not None:
            bad(f"{key}.months", "a programme without `timing` (the engine gives a monthly "
                "programme's months summed over each year, not its caseload month by month)",
                r["months"])
        if r["indicator"] == "coverage" and r["target"] > 1:
            bad(f"{key}.target", "a share in [0, 1] for indicator 'coverage'", r["target"])
        if r["by_year"] is not None and not start <= r["by_year"] <= end:
            bad(f"{key}.by_year", horizon, r["by_year"])


#: the cross-key checks of [macro], [fiscal] and [fiscal.financing], run once the rest of
#: the scenario is valid: ``check(v, ctx, programmes)`` (programmes built, shock
#: responses included)
checks = (check_fiscal,)
