"""The tables of a run (tabular.Table), built from its Dataset only.

Each builder returns a Table, or None when the Dataset lacks its data; the CSV
files, the sheets of tables.xlsx and the tables of report.html are all rendered from
these. :data:`SHEETS` lists the builders in workbook order (with their sheet names);
a capability that adds results (e.g. the fund, variables ``fund_*``) appends a
builder to :data:`EXTRA_TABLES`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from .common import COLUMNS, FISCAL_COLUMNS, TOTAL
from .draws import _stats, draw_table, has_draws
from .tabular import Column, Table, display_units, kind_of, var_column

Builder = Callable[[xr.Dataset], "Table | None"]

#: per-programme targeting variables (tables "targeting")
TARGETING = ("households_eligible", "households_beneficiaries", "inclusion_error_rate",
             "exclusion_error_rate", "share_to_poorest_quintile", "coverage_poorest_quintile")


def _year(name: str = "year") -> Column:
    return Column(name, name, "", "year")


def _text(key: str, name: str | None = None) -> Column:
    return Column(key, name or key, "", "text")


def costs_long(ds: xr.Dataset) -> Table:
    """tables.csv: one row per year, programme (and ``total``) and variable, with its
    units (long format). The total's coverage is left out (the programmes' eligible
    overlap)."""
    per_programme = [v for v, _, _ in COLUMNS if v in ds]
    per_programme += [v for v in TARGETING if v in ds]
    rows: list[dict[str, object]] = []
    years = ds["year"].values
    labels = [str(x) for x in ds["programme_label"].values]
    values = {v: ds[v].transpose("year", "programme").values for v in per_programme}
    units = {v: str(ds[v].attrs.get("units", "")) for v in per_programme}
    totals = [v for v, _, _ in COLUMNS if v in ds and v != "coverage"]
    for y, year in enumerate(years):
        for p, pid in enumerate(ds["programme"].values):
            for var in per_programme:
                rows.append({"year": int(year), "programme": str(pid),
                             "label": labels[p], "variable": var,
                             "units": display_units(var, units[var]),
                             "value": float(values[var][y, p]),
                             "_kind": kind_of(var, units[var])})
        for var in totals:
            rows.append({"year": int(year), "programme": TOTAL, "label": "All programmes",
                         "variable": var, "units": display_units(var, units[var]),
                         "value": float(np.nansum(values[var][y, :])),
                         "_kind": kind_of(var, units[var])})
    return Table("tables", "Costs, beneficiaries and coverage by programme and year (long "
                 "format)", [_year(), _text("programme"), _text("label"), _text("variable"),
                             _text("units"), Column("value", "value", "", "row")], rows,
                 "One row per year, programme and variable; shares in %.")


def costs(ds: xr.Dataset) -> Table:
    """Costs by programme and year (wide): one row per year and programme plus the
    total of all programmes."""
    cols = [_year(), _text("programme"), _text("label")]
    present = [v for v, _, _ in COLUMNS if v in ds]
    cols += [var_column(ds, v) for v in present]
    values = {v: ds[v].transpose("year", "programme").values for v in present}
    labels = [str(x) for x in ds["programme_label"].values]
    rows: list[dict[str, object]] = []
    for y, year in enumerate(ds["year"].values):
        for p, pid in enumerate(ds["programme"].values):
            rows.append({"year": int(year), "programme": str(pid), "label": labels[p],
                         **{v: float(values[v][y, p]) for v in present}})
        rows.append({"year": int(year), "programme": TOTAL, "label": "All programmes",
                     **{v: float("nan") if v == "coverage" else float(np.nansum(values[v][y]))
                        for v in present}})
    return Table("costs", "Costs, beneficiaries and coverage by programme and year", cols,
                 rows, "Money nominal unless the header says otherwise; the "
                 "total's coverage is empty (people in two programmes count in both).")


def fiscal(ds: xr.Dataset) -> Table:
    """Macro figures and the package's fiscal space indicators by year (with the
    financing by source, the gap and debt when present: fiscal.csv)."""
    cols = [_year()] + [var_column(ds, v) for v in FISCAL_COLUMNS if v in ds]
    sources = _sources(ds)
    currency = str(ds.attrs.get("currency", ""))
    labels = _source_labels(ds)
    cols += [Column(f"financing:{s}", f"financing:{s}", currency, "money", labels[s])
             for s in sources]
    rows = []
    present = {v: ds[v].values for v in FISCAL_COLUMNS if v in ds}
    fin = ds["financing"].transpose("year", "source").values if sources else None
    for y, year in enumerate(ds["year"].values):
        row: dict[str, object] = {"year": int(year)}
        for v, values in present.items():
            row[v] = float(values[y])
        for s, source in enumerate(sources):
            row[f"financing:{source}"] = float(fin[y, s])  # type: ignore[index]
        rows.append(row)
    return Table("fiscal", "Fiscal space: macro figures, the cost of all programmes against "
                 "them, financing and debt", cols, rows)


def _sources(ds: xr.Dataset) -> list[str]:
    return [str(s) for s in ds["source"].values] if "financing" in ds else []


def _source_labels(ds: xr.Dataset) -> dict[str, str]:
    if "source_label" not in ds:
        return {s: s for s in _sources(ds)}
    return {str(s): str(lab) for s, lab in zip(ds["source"].values, ds["source_label"].values,
                                               strict=True)}


def financing(ds: xr.Dataset) -> Table | None:
    """Financing by source, total, the cost and the gap by year; None without
    ``[fiscal.financing]``."""
    if "financing" not in ds:
        return None
    currency = str(ds.attrs.get("currency", ""))
    labels = _source_labels(ds)
    cols = [_year()] + [Column(f"financing:{s}", f"financing:{s}", currency, "money",
                               labels[s]) for s in _sources(ds)]
    cols += [var_column(ds, v, key=v) for v in ("total_financing", "total_cost",
                                                  "financing_gap", "financing_gap_pct_gdp")
             if v in ds]
    rows = []
    fin = ds["financing"].transpose("year", "source").values
    present = {v: ds[v].values for v in ("total_financing", "total_cost", "financing_gap",
                                          "financing_gap_pct_gdp") if v in ds}
    for y, year in enumerate(ds["year"].values):
        row: dict[str, object] = {"year": int(year)}
        for s, source in enumerate(_sources(ds)):
            row[f"financing:{source}"] = float(fin[y, s])
        for v, values in present.items():
            row[v] = float(values[y])
        rows.append(row)
    return Table("financing", "Financing by source against the cost, and the gap", cols,
                 rows, "gap = cost - financing (negative: a surplus); loans net of their "
                 "interest and repayments.")


def poverty(ds: xr.Dataset) -> Table:
    """poverty.csv: FGT 0-2, poor persons and the Gini per year, before and after
    transfers (header only without poverty results)."""
    names = ("poverty_headcount", "poverty_gap", "poverty_severity", "poor_persons", "gini")
    cols = [_year(), _text("stage")] + [var_column(ds, v) if v in ds else
                                        Column(v, v) for v in names]
    rows: list[dict[str, object]] = []
    if "poverty_headcount" in ds:
        values = {v: ds[v].transpose("year", "stage").values for v in names}
        for y, year in enumerate(ds["year"].values):
            for s, stage in enumerate(ds["stage"].values):
                rows.append({"year": int(year), "stage": str(stage),
                             **{v: float(values[v][y, s]) for v in names}})
    return Table("poverty", "Poverty and inequality before and after transfers", cols, rows,
                 "FGT indices over persons; Gini of welfare per capita (0 = equal).")


def overlap(ds: xr.Dataset) -> Table:
    """overlap.csv: persons by combination of programmes, eligible and receiving."""
    cols = [_year(), _text("combination"), Column("eligible", "eligible", "persons", "count"),
            Column("receiving", "receiving", "persons", "count")]
    rows: list[dict[str, object]] = []
    if "overlap" in ds:
        ov = ds["overlap"].transpose("year", "combination", "status")
        status = [str(s) for s in ds["status"].values]
        for y, year in enumerate(ds["year"].values):
            for c, comb in enumerate(ds["combination"].values):
                rows.append({"year": int(year), "combination": str(comb),
                             "eligible": float(ov.values[y, c, status.index("eligible")]),
                             "receiving": float(ov.values[y, c, status.index("receiving")])})
    return Table("overlap", "Persons eligible for and receiving each combination of "
                 "programmes", cols, rows)


def targeting(ds: xr.Dataset) -> Table | None:
    """Targeting accuracy per programme and year; None without it."""
    present = [v for v in TARGETING if v in ds]
    if not present:
        return None
    cols = [_year(), _text("programme"), _text("label")] + [var_column(ds, v) for v in present]
    labels = [str(x) for x in ds["programme_label"].values]
    values = {v: ds[v].transpose("year", "programme").values for v in present}
    rows = []
    for y, year in enumerate(ds["year"].values):
        for p, pid in enumerate(ds["programme"].values):
            rows.append({"year": int(year), "programme": str(pid), "label": labels[p],
                         **{v: float(values[v][y, p]) for v in present}})
    return Table("targeting", "Targeting accuracy by programme and year", cols, rows,
                 "Error rates against the truly eligible; the poorest 20 % by household "
                 "welfare in the first year.")


def returns(ds: xr.Dataset) -> Table | None:
    """NPV, ERR, BCR and present values by sensitivity case; None without returns."""
    if "npv" not in ds:
        return None
    names = ("npv", "err", "err_roots", "bcr", "pv_benefits", "pv_costs")
    cols = [_text("case")] + [var_column(ds, v) for v in names]
    rows = [{"case": str(case), **{v: float(ds[v].values[i]) for v in names}}
            for i, case in enumerate(ds["sensitivity"].values)]
    a = ds["npv"].attrs
    return Table("returns", "Economic returns by case (base first)", cols, rows,
                 f"discount rate {100 * float(a.get('discount_rate', float('nan'))):g}%, "
                 f"{a.get('prices', '')} prices; ERR empty unless exactly one rate.")


def benefits(ds: xr.Dataset) -> Table | None:
    """Economic benefit streams by channel, costs and net benefits by year."""
    if "benefits" not in ds:
        return None
    unit = str(ds["benefits"].attrs.get("units", ""))
    channels = [str(c) for c in ds["channel"].values]
    cols = [_year()] + [Column(f"benefits:{c}", f"benefits:{c}", unit, "money",
                               f"benefits: {c.replace('_', ' ')}") for c in channels]
    extra = [v for v in ("net_benefits",) if v in ds]
    cols += [Column("economic_cost", "economic_cost", unit, "money", "economic costs")] \
        if "economic_cost" in ds else []
    cols += [var_column(ds, v) for v in extra]
    rows = []
    ev = ds["economic_cost"].values if "economic_cost" in ds else None
    xv = {v: ds[v].values for v in extra}
    bv = ds["benefits"].transpose("year", "channel").values
    for y, year in enumerate(ds["year"].values):
        row: dict[str, object] = {"year": int(year)}
        for c, ch in enumerate(channels):
            row[f"benefits:{ch}"] = float(bv[y, c])
        if ev is not None:
            row["economic_cost"] = float(np.nansum(ev[y]))
        for v in extra:
            row[v] = float(xv[v][y])
        rows.append(row)
    return Table("benefits", "Economic benefit streams and costs by year", cols, rows)


def uncertainty(ds: xr.Dataset) -> Table | None:
    """Statistics over the draws of every headline indicator (uncertainty.csv); None
    without draws."""
    if not has_draws(ds):
        return None
    rows = draw_table(ds)
    stats = list(_stats(np.array([0.0])))
    dims: list[str] = []
    for r in rows:
        dims += [k for k in r if k not in dims and k not in ("indicator", "units", *stats)]
    for r in rows:
        name, units = str(r["indicator"]), str(r["units"])
        r["_kind"] = kind_of(name, units)
        r["units"] = display_units(name, units)
    cols = [_text("indicator")] + [_text(d) for d in dims] + [_text("units"),
                                                               Column("draws", "draws", "",
                                                                      "count")]
    cols += [Column(s, s, "", "row") for s in stats if s != "draws"]
    return Table("uncertainty", "Uncertainty: statistics over the draws", cols, rows,
                 "mean, its standard error, sd and percentiles over the draws; units per row.")


#: the workbook's sheets in order: (builder, sheet name)
SHEETS: list[tuple[Builder, str]] = [
    (costs, "Costs"), (fiscal, "Fiscal"), (financing, "Financing"), (poverty, "Poverty"),
    (targeting, "Targeting"), (overlap, "Overlap"), (returns, "Returns"),
    (benefits, "Benefits"), (uncertainty, "Uncertainty"),
]
#: builders added by capabilities that add results (appended to SHEETS)
EXTRA_TABLES: list[tuple[Builder, str]] = []


def run_tables(ds: xr.Dataset) -> list[tuple[str, Table]]:
    """Every table ``ds`` has data for, with its sheet name (tables with no rows are
    left out). ``ds`` is the run's Dataset; tables other than uncertainty show the mean
    over the draws of a run with draws."""
    from .draws import central

    mean = central(ds) if has_draws(ds) else ds
    out = []
    for build, sheet in [*SHEETS, *EXTRA_TABLES]:
        table = build(ds if build is uncertainty else mean)
        if table is not None and table.rows:
            out.append((sheet, table))
    return out
