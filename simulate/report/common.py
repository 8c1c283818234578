"""What the report modules share: number formats of the text tables, the aligned text
table, the years a summary shows, and the columns of the cost and fiscal tables.

A module below every other of :mod:`simulate.report` (it imports none of them), so
that tables, headlines, draws, risks, the fund and the comparison format numbers the
same way without importing each other (tests/test_layers.py). The names that
:mod:`.tables` always had (``_money``, ``COLUMNS``...) are re-exported there.
"""

from __future__ import annotations

import numpy as np

#: columns of the cost table: (variable, header, kind) where kind picks the format
COLUMNS = (
    ("eligible", "eligible", "count"),
    ("beneficiaries", "beneficiaries", "count"),
    ("coverage", "coverage", "share"),
    ("transfers", "transfers", "money"),
    ("admin_cost", "admin_cost", "money"),
    ("cost", "cost", "money"),
    ("cost_real", "cost_real", "money"),
    ("cost_usd", "cost_usd", "money"),
    ("cost_pct_gdp", "cost_pct_gdp", "share"),
    ("cost_pct_revenue", "cost_pct_revenue", "share"),
)
TOTAL = "total"
#: yearly fiscal variables of :func:`.tables.fiscal_table`, in column order (those present)
FISCAL_COLUMNS = (
    "gdp", "revenue", "expenditure", "population", "total_cost", "total_cost_pct_gdp",
    "total_cost_pct_revenue", "total_cost_pct_expenditure", "total_cost_per_capita",
    "envelope", "envelope_headroom", "total_cost_pct_envelope", "total_financing",
    "financing_gap", "financing_gap_pct_gdp", "debt_service", "debt_pct_gdp",
    "debt_baseline_pct_gdp", "primary_balance_pct_gdp", "overall_balance_pct_gdp",
)


def summary_years(years: np.ndarray) -> list[int]:
    """The years the printed summary shows: first, second, every fifth after, last."""
    ys = [int(y) for y in years]
    picked = [ys[0]] + ys[1:2] + [y for y in ys[2:] if (y - ys[0]) % 5 == 0] + ys[-1:]
    return sorted(set(picked))


def money_text(x: float) -> str:
    """``1.23 bn``: an amount in a text table (k, m, bn, tn; two decimals); ``-`` when
    not finite."""
    if not np.isfinite(x):
        return "-"
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:,.2f} {suffix}"
    return f"{x:,.0f}"


def count_text(x: float) -> str:
    """A whole count with thousands separators; ``-`` when not finite."""
    return "-" if not np.isfinite(x) else f"{x:,.0f}"


def share_text(x: float) -> str:
    """A share as a percentage with at least two significant digits (never a false 0.00%)."""
    from .style import percent

    return percent(x)


def aligned(table: list[list[str]]) -> list[str]:
    """Rows right-aligned in columns, a rule under the header, indented two spaces."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out = []
    for i, row in enumerate(table):
        out.append("  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return out
