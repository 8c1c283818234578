"""The fund in the run's report, workbook and charts: registration of fund.py's parts
in the report modules' hooks.

* charts.EXTRA_CHARTS: ``fund_balance.png`` (fan chart) and ``fund_capital.png``
  (required capital by probability), drawn once each, in the house style;
* runtables.EXTRA_TABLES: the sheets "Fund" (plan by year), "Fund capital" and
  "Fund indicators" of tables.xlsx;
* html.EXTRA_SECTIONS: the section "Fund capitalisation plan" of report.html;
* html.WARNING_CHECKS: the depletion risk (fund.fund_warnings).

Imported by :mod:`simulate.report.outputs` (the one module that assembles the charts,
tables.xlsx and report.html of a run), so every run folder gets them. The import
graph stays one way: fund_hooks -> charts, html, runtables, fund; none of them
imports fund_hooks. :func:`register` is idempotent.
"""

from __future__ import annotations

from . import charts, html, runtables
from .fund import (
    capital_by_probability,
    capital_figure,
    fan_figure,
    fund_table,
    fund_warnings,
    has_fund,
    indicators,
    plan_heading,
)
from .headline import fund_headline

#: the fund's charts, in report order
FUND_CHARTS = (
    charts.Chart("fund_balance.png", "Fund balance over the return paths (fan chart)",
                 has_fund, fan_figure),
    charts.Chart("fund_capital.png", "Required initial capital by probability of paying "
                 "every year", has_fund, capital_figure),
)
#: the fund's sheets of tables.xlsx: (builder, sheet name)
FUND_SHEETS = ((fund_table, "Fund"), (capital_by_probability, "Fund capital"),
               (indicators, "Fund indicators"))


def fund_section(ctx: html.Context) -> str | None:
    """report.html's fund section: the plan in a sentence, the fan chart,
    the capital chart, the indicators, capital by probability and the plan by year."""
    ds = ctx.mean
    if not has_fund(ds):
        return None
    plan = fund_table(ds)
    return html._section(
        "fund", "Fund capitalisation plan",
        f"<p>{html._e(fund_headline(ds).sentence)}</p><p class=\"meta\">{html._e(plan_heading(ds))}"
        ". Files: fund.txt, fund_plan.csv, fund_capital.csv, fund_indicators.csv; the "
        "Fund sheets of tables.xlsx; method: docs/fund.md; its warnings are in the Warnings section.</p>",
        ctx.figure("fund_balance.png"), ctx.figure("fund_capital.png"),
        html.table_html(indicators(ds)),  # type: ignore[arg-type]
        html.table_html(capital_by_probability(ds)),  # type: ignore[arg-type]
        html.table_html(plan) if plan else "")


def register() -> None:
    """Add the fund's charts, sheets, section and warnings to the report hooks (once)."""
    for chart in FUND_CHARTS:
        if all(c.file != chart.file for c in charts.EXTRA_CHARTS):
            charts.EXTRA_CHARTS.append(chart)
    for entry in FUND_SHEETS:
        if entry not in runtables.EXTRA_TABLES:
            runtables.EXTRA_TABLES.append(entry)
    if fund_section not in html.EXTRA_SECTIONS:
        html.EXTRA_SECTIONS.append(fund_section)
    if fund_warnings not in html.WARNING_CHECKS:
        html.WARNING_CHECKS.append(fund_warnings)


register()
