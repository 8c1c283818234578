"""Tables from a results Dataset: the printed summary and tables.csv.

Table data are built apart from their rendering: :func:`cost_table` returns
rows (pure, tested); :func:`format_summary` and :func:`write_csv` render them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from .common import COLUMNS, FISCAL_COLUMNS, TOTAL, summary_years
from .common import aligned as _aligned
from .common import count_text as _count
from .common import money_text as _money
from .common import share_text as _share

__all__ = ["COLUMNS", "FISCAL_COLUMNS", "TOTAL", "cost_table", "fiscal_summary",
           "fiscal_table", "format_summary", "overlap_table", "poverty_summary",
           "poverty_table", "returns_summary", "returns_table", "summary_years",
           "targeting_summary", "targeting_table", "write_csv", "write_rows"]

def cost_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """One row per (year, programme) plus a ``total`` row per year, with every column.

    The total's coverage is left empty (programmes' eligible overlap); its shares of
    GDP and revenue are the sums of the programmes'.
    """
    rows: list[dict[str, object]] = []
    values = {var: ds[var].values for var, _, _ in COLUMNS}  # each array read once
    labels = ds["programme_label"].values
    for y, year in enumerate(ds["year"].values):
        for p, pid in enumerate(ds["programme"].values):
            row: dict[str, object] = {"year": int(year), "programme": str(pid),
                                      "label": str(labels[p])}
            for var, _, _ in COLUMNS:
                row[var] = float(values[var][y, p])
            rows.append(row)
        total: dict[str, object] = {"year": int(year), "programme": TOTAL, "label": "All programmes"}
        for var, _, _ in COLUMNS:
            total[var] = (float("nan") if var == "coverage"
                          else float(np.nansum(values[var][y, :])))
        rows.append(total)
    return rows


def write_csv(ds: xr.Dataset, path: Path) -> None:
    """tables.csv: the cost table in long format (year, programme, label, variable,
    units, value), rounded as every CSV of simulate (tabular.py, docs/results.md)."""
    from .runtables import costs_long
    from .tabular import write_table_csv

    write_table_csv(costs_long(ds), path)


def format_summary(ds: xr.Dataset, years: list[int] | None = None) -> str:
    """A readable text summary: what the run answers, then per programme and in total,
    in ``years`` (default: headline.default_years)."""
    from .headline import answer_lines, default_years, unseen_lines

    currency = ds.attrs.get("currency", "")
    years = years or default_years(ds)
    rows = [r for r in cost_table(ds) if r["year"] in years]
    header = ["year", "beneficiaries", "coverage", f"cost ({currency})", "cost (USD)",
              "% GDP", "% revenue"]
    lines = [f"{ds.attrs.get('title', '')}",
             f"{ds.attrs.get('country', '').upper()}, {ds.attrs.get('start_year')}-"
             f"{ds.attrs.get('end_year')}; nominal {currency}; seed {ds.attrs.get('seed')}; "
             f"{ds.attrs.get('records'):,} records", "", *answer_lines(ds)]
    order = [*map(str, ds["programme"].values), TOTAL]
    labels = dict(zip(ds["programme"].values, ds["programme_label"].values, strict=True))
    for pid in order:
        if pid == TOTAL and len(order) == 2:
            continue
        lines += ["", f"{labels.get(pid, 'All programmes')} ({pid})"]
        table = [header]
        for r in rows:
            if r["programme"] != pid:
                continue
            table.append([str(r["year"]), _count(r["beneficiaries"]), _share(r["coverage"]),
                          _money(r["cost"]), _money(r["cost_usd"]), _share(r["cost_pct_gdp"]),
                          _share(r["cost_pct_revenue"])])
        lines += _aligned(table)
    lines += targeting_summary(ds)
    lines += poverty_summary(ds, years)
    lines += fiscal_summary(ds, years)
    lines += returns_summary(ds)
    unseen = unseen_lines(ds, years)
    if unseen:
        lines += ["", *unseen]
    return "\n".join(lines)


def targeting_table(ds: xr.Dataset, year: int) -> list[dict[str, object]]:
    """Per programme in ``year``: households, error rates, the poorest quintile's share."""
    names = ("households_beneficiaries", "inclusion_error_rate", "exclusion_error_rate",
             "share_to_poorest_quintile", "coverage_poorest_quintile")
    y = int(np.flatnonzero(ds["year"].values == year)[0])  # by position: no ds.sel
    values = {v: ds[v].transpose("year", "programme").values[y] for v in names if v in ds}
    rows = []
    for p, pid in enumerate(ds["programme"].values):
        row: dict[str, object] = {"programme": str(pid)}
        for var in names:
            row[var] = float(values[var][p]) if var in values else float("nan")
        rows.append(row)
    return rows


def targeting_summary(ds: xr.Dataset) -> list[str]:
    """Targeting accuracy in the last year, for the run summary."""
    year = int(ds["year"].values[-1])
    header = ["programme", "households", "inclusion err", "exclusion err",
              "to poorest 20%", "coverage poorest 20%"]
    table = [header] + [
        [str(r["programme"]), _count(r["households_beneficiaries"]),
         _share(r["inclusion_error_rate"]), _share(r["exclusion_error_rate"]),
         _share(r["share_to_poorest_quintile"]), _share(r["coverage_poorest_quintile"])]
        for r in targeting_table(ds, year)
    ]
    return ["", f"Targeting accuracy, {year}", *_aligned(table)]


def poverty_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """Per year and stage (before/after transfers): FGT 0-2, poor persons and the Gini."""
    if "poverty_headcount" not in ds:
        return []
    names = ("poverty_headcount", "poverty_gap", "poverty_severity", "poor_persons", "gini")
    # the arrays read once, by position (a ds.sel per year and stage took 0.15 s a summary)
    values = {v: ds[v].transpose("year", "stage").values for v in names}
    rows = []
    for y, year in enumerate(ds["year"].values):
        for s, stage in enumerate(ds["stage"].values):
            rows.append({"year": int(year), "stage": str(stage),
                         **{v: float(values[v][y, s]) for v in names}})
    return rows


def poverty_summary(ds: xr.Dataset, years: list[int] | None = None) -> list[str]:
    """Poverty and inequality before and after transfers, selected years."""
    rows = poverty_table(ds)
    if not rows:
        return []
    years = years or summary_years(ds["year"].values)
    header = ["year", "headcount before", "after", "gap before", "after", "Gini before",
              "after"]
    table = [header]
    for y in years:
        b, a = [r for r in rows if r["year"] == y]
        table.append([str(y), _share(b["poverty_headcount"]), _share(a["poverty_headcount"]),
                      _share(b["poverty_gap"]), _share(a["poverty_gap"]),
                      f"{b['gini']:.3f}", f"{a['gini']:.3f}"])
    line = float(ds["poverty_line"].values[0])
    return ["", f"Poverty and inequality before and after transfers (line {_money(line)} "
            f"{ds.attrs.get('currency', '')} per person a year, start-year prices)",
            *_aligned(table)]


def write_rows(rows: list[dict[str, object]], path: Path) -> None:
    """A list of dicts as CSV through the one CSV writer (tabular.py: numbers to 6
    significant digits, empty cells for NaN); an empty file for no rows."""
    from .tabular import Column, write_csv_rows

    if not rows:
        Path(path).write_text("", encoding="utf-8")
        return
    first = rows[0]
    columns = [Column(k, k, "", "year" if k == "year" else
                      "text" if isinstance(v, str) else "number") for k, v in first.items()]
    write_csv_rows(path, columns, rows)


def overlap_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """Persons by combination of programmes, per year, eligible and receiving."""
    if "overlap" not in ds:
        return []
    return [{"year": int(y), "combination": str(c),
             "eligible": float(ds["overlap"].sel(year=y, combination=c, status="eligible")),
             "receiving": float(ds["overlap"].sel(year=y, combination=c, status="receiving"))}
            for y in ds["year"].values for c in ds["combination"].values]


# --- fiscal space and financing (simulate/fiscal.py; docs/fiscal.md) -------------------

def fiscal_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """One row per year: the macro figures, the package's fiscal space indicators, the
    financing by source (``financing:<source>``), the gap and the debt (those present)."""
    rows = []
    sources = [str(s) for s in ds["source"].values] if "financing" in ds else []
    values = {var: ds[var].values for var in FISCAL_COLUMNS if var in ds}  # read once
    financing = ds["financing"].values if sources else None
    for y, year in enumerate(ds["year"].values):
        row: dict[str, object] = {"year": int(year)}
        for var in FISCAL_COLUMNS:
            if var in values:
                row[var] = float(values[var][y])
        for s, source in enumerate(sources):
            row[f"financing:{source}"] = float(financing[y, s])  # type: ignore[index]
        rows.append(row)
    return rows


def fiscal_summary(ds: xr.Dataset, years: list[int] | None = None) -> list[str]:
    """Fiscal space, financing and debt of the package, selected years (run summary)."""
    if "total_cost_pct_expenditure" not in ds:
        return []
    currency = ds.attrs.get("currency", "")
    years = years or summary_years(ds["year"].values)
    rows = [r for r in fiscal_table(ds) if r["year"] in years]
    envelope = "envelope" in ds
    header = ["year", f"GDP ({currency})", "cost", "% GDP", "% revenue", "% expenditure",
              "per capita"] + (["envelope", "headroom", "% envelope"] if envelope else [])
    table = [header]
    for r in rows:
        table.append([str(r["year"]), _money(r["gdp"]), _money(r["total_cost"]),
                      _share(r["total_cost_pct_gdp"]), _share(r["total_cost_pct_revenue"]),
                      _share(r["total_cost_pct_expenditure"]),
                      _money(r["total_cost_per_capita"])]
                     + ([_money(r["envelope"]), _money(r["envelope_headroom"]),
                         _share(r["total_cost_pct_envelope"])] if envelope else []))
    lines = ["", f"Fiscal space: all programmes ({currency}, nominal)", *_aligned(table)]
    if "financing" in ds:
        sources = [str(s) for s in ds["source"].values]
        loans = {"concessional", "market"}
        header = ["year", *[f"{s} (net)" if s in loans else s for s in sources],
                  "total", "gap", "gap % GDP"]
        table = [header] + [
            [str(r["year"]), *[_money(r[f"financing:{s}"]) for s in sources],
             _money(r["total_financing"]), _money(r["financing_gap"]),
             _share(r["financing_gap_pct_gdp"])] for r in rows]
        lines += ["", f"Financing by source ({currency}; gap = cost - financing, negative is "
                  "a surplus; loans net of their interest and repayments)", *_aligned(table)]
    if "debt_pct_gdp" in ds:
        header = ["year", "debt % GDP", "without programmes", "primary balance % GDP",
                  "overall balance % GDP"] + (["loans' debt service"] if "debt_service" in ds
                                              else [])
        table = [header] + [
            [str(r["year"]), _share(r["debt_pct_gdp"]), _share(r["debt_baseline_pct_gdp"]),
             _share(r["primary_balance_pct_gdp"]), _share(r["overall_balance_pct_gdp"])]
            + ([_money(r["debt_service"])] if "debt_service" in ds else []) for r in rows]
        lines += ["", "Public debt (end of year; a gap is met by general borrowing)",
                  *_aligned(table)]
    return lines


# --- economic returns (simulate/returns/) ----------------------------------------------


def returns_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """One row per sensitivity case (base first): npv, err (NaN unless exactly one
    rate), err_roots, bcr, pv_benefits, pv_costs; [] without returns."""
    if "npv" not in ds:
        return []
    rows = []
    for i, case in enumerate(ds["sensitivity"].values):
        row: dict[str, object] = {"case": str(case)}
        for var in ("npv", "err", "err_roots", "bcr", "pv_benefits", "pv_costs"):
            value = ds[var].values[i]
            row[var] = int(value) if var == "err_roots" else float(value)
        rows.append(row)
    return rows


def _err(row: dict[str, object]) -> str:
    if row["err_roots"] == 1:
        return f"{100 * float(row['err']):.1f}%"
    return "none" if row["err_roots"] == 0 else "several"


def returns_summary(ds: xr.Dataset) -> list[str]:
    """The economic returns for the run summary: the cases table, switching values and
    the PV of each benefit channel; [] without returns."""
    rows = returns_table(ds)
    if not rows:
        return []
    a = ds["npv"].attrs
    currency = ds.attrs.get("currency", "")
    first = "first year discounted" if a.get("discount_first_year") else \
        "first year not discounted"
    prices = (f"constant {ds.attrs.get('start_year')} prices" if a.get("prices") == "constant"
              else "nominal prices")
    rate = f"{100 * float(a.get('discount_rate', float('nan'))):.1f}%"
    if a.get("discount_rate_min") is not None:  # drawn: the draws' mean and range
        rate += (f" (mean over the draws; {100 * float(a['discount_rate_min']):.1f}%-"
                 f"{100 * float(a['discount_rate_max']):.1f}%)")
    lines = ["", f"Economic returns ({currency}, {prices}; discount rate "
             f"{rate}, years {a.get('years_counted')}, {first})"]
    table = [["case", "NPV", "ERR", "BCR", "PV benefits", "PV costs"]]
    for r in rows:
        bcr = float(r["bcr"])
        table.append([str(r["case"]), _money(float(r["npv"])), _err(r),
                      "-" if not np.isfinite(bcr) else f"{bcr:.2f}",
                      _money(float(r["pv_benefits"])), _money(float(r["pv_costs"]))])
    lines += _aligned(table)
    sc, sb = float(ds["switching_value_costs"]), float(ds["switching_value_benefits"])
    lines.append(f"  switching values (NPV = 0): costs {_signed(sc)}, benefits {_signed(sb)}")
    if ds.sizes.get("channel", 0):
        parts = [f"{ch} {_money(float(v))}" for ch, v in
                 zip(ds["channel"].values, ds["pv_benefits_by_channel"].values, strict=True)]
        lines.append("  PV of benefits by channel: " + "; ".join(parts))
    several = ds["err"].attrs.get("several_rates")
    if several:
        lines.append(f"  several rates of return (ERR not defined): {several}")
    return lines


def _signed(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{100 * x:+.1f}%"
