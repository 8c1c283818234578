"""Options side by side (``spsim compare``): tables, CSV and charts from several results.

Table and chart data are apart from their rendering: :func:`compare_table`,
:func:`compare_summary` and :func:`compare_plot_data` are pure (tested);
:func:`format_compare` prints, :func:`compare_plot` draws one PNG and
:func:`write_compare` writes the folder atomically.

Every figure is of the whole package of each scenario (all its programmes):

* yearly: total cost (nominal local currency and US dollars), cost as a share
  of GDP and of revenue, beneficiaries and eligible summed over programmes,
  coverage = beneficiaries / eligible of those sums (a person in two programmes
  counts in both), total financing, financing gap (absent: the scenario declares
  no financing) and public debt / GDP (absent: no debt path);
* per scenario: cumulative cost and gap over the scenario's years, the peak cost
  share of GDP, and NPV, ERR and BCR of the base case where the scenario has
  economic returns.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import DataError, Problem
from .draws import central, has_draws
from .tables import _aligned, _count, _money, _share, summary_years
from .writer import write_atomically

#: yearly columns of compare.csv: (name, header, kind)
YEARLY = (
    ("total_cost", "total cost", "money"),
    ("total_cost_usd", "total cost (USD)", "money"),
    ("total_cost_pct_gdp", "cost % GDP", "share"),
    ("total_cost_pct_revenue", "cost % revenue", "share"),
    ("beneficiaries", "beneficiaries", "count"),
    ("eligible", "eligible", "count"),
    ("coverage", "coverage", "share"),
    ("total_financing", "financing", "money"),
    ("financing_gap", "financing gap", "money"),
    ("financing_gap_pct_gdp", "gap % GDP", "share"),
    ("debt_pct_gdp", "debt % GDP", "share"),
)
#: economic returns shown when a scenario has them (base case)
RETURNS = ("npv", "err", "bcr")


def scenario_names(datasets: Sequence[xr.Dataset]) -> list[str]:
    """Each result's scenario id; a repeated id gets ``#2``, ``#3``, ..."""
    out: list[str] = []
    for ds in datasets:
        base = str(ds.attrs.get("scenario_id") or "scenario")
        name, k = base, 1
        while name in out:
            k += 1
            name = f"{base}#{k}"
        out.append(name)
    return out


def _var(ds: xr.Dataset, name: str, y: int) -> float:
    return float(ds[name].values[y]) if name in ds else float("nan")


def _sum(ds: xr.Dataset, name: str, y: int) -> float:
    return float(np.nansum(ds[name].values[y])) if name in ds else float("nan")


def compare_table(datasets: Sequence[xr.Dataset],
                  names: Sequence[str] | None = None) -> list[dict[str, object]]:
    """One row per scenario and year with the YEARLY columns (NaN where not available)."""
    names = list(names) if names is not None else scenario_names(datasets)
    rows: list[dict[str, object]] = []
    for name, ds in zip(names, datasets, strict=True):
        for y, year in enumerate(ds["year"].values):
            total = _sum(ds, "cost", y)
            eligible = _sum(ds, "eligible", y)
            beneficiaries = _sum(ds, "beneficiaries", y)
            row: dict[str, object] = {
                "scenario": name, "year": int(year), "currency": ds.attrs.get("currency", ""),
                "total_cost": total,
                "total_cost_usd": total / _var(ds, "exchange_rate", y),
                "total_cost_pct_gdp": total / _var(ds, "gdp", y),
                "total_cost_pct_revenue": (total / _var(ds, "revenue", y)
                                           if _var(ds, "revenue", y) > 0 else float("nan")),
                "beneficiaries": beneficiaries,
                "eligible": eligible,
                "coverage": (_sum(ds, "beneficiaries_eligible", y) / eligible
                             if eligible > 0 and "beneficiaries_eligible" in ds
                             else beneficiaries / eligible if eligible > 0 else float("nan")),
            }
            for var in ("total_financing", "financing_gap", "financing_gap_pct_gdp",
                        "debt_pct_gdp"):
                row[var] = _var(ds, var, y)
            rows.append(row)
    return rows


def _base_case(ds: xr.Dataset, name: str) -> float:
    """A return indicator of the base case (mean over draws when there are draws)."""
    if name not in ds:
        return float("nan")
    da = ds[name]
    if "sensitivity" in da.dims:
        cases = [str(c) for c in da["sensitivity"].values]
        da = da.isel(sensitivity=cases.index("base") if "base" in cases else 0)
    return float(da.mean()) if da.size else float("nan")


def compare_summary(datasets: Sequence[xr.Dataset],
                    names: Sequence[str] | None = None) -> list[dict[str, object]]:
    """One row per scenario: cumulative figures over its years and its returns."""
    names = list(names) if names is not None else scenario_names(datasets)
    rows = compare_table(datasets, names)
    out = []
    for name, ds in zip(names, datasets, strict=True):
        mine = [r for r in rows if r["scenario"] == name]
        share = np.array([r["total_cost_pct_gdp"] for r in mine], dtype=float)
        peak = int(np.nanargmax(share)) if np.isfinite(share).any() else 0
        gap = np.array([r["financing_gap"] for r in mine], dtype=float)
        debt = np.array([r["debt_pct_gdp"] for r in mine], dtype=float)
        row: dict[str, object] = {
            "scenario": name,
            "title": str(ds.attrs.get("title", "")),
            "country": str(ds.attrs.get("country", "")),
            "currency": str(ds.attrs.get("currency", "")),
            "years": f"{mine[0]['year']}-{mine[-1]['year']}",
            "cumulative_cost": float(np.nansum([r["total_cost"] for r in mine])),
            "cumulative_cost_usd": float(np.nansum([r["total_cost_usd"] for r in mine])),
            "peak_cost_pct_gdp": float(share[peak]),
            "peak_year": int(mine[peak]["year"]),
            "cumulative_gap": float(gap.sum()) if np.isfinite(gap).all() else float("nan"),
            "last_debt_pct_gdp": float(debt[-1]),
        }
        for var in RETURNS:
            row[var] = _base_case(ds, var)
        row["npv_units"] = str(ds["npv"].attrs.get("units", "")) if "npv" in ds else ""
        out.append(row)
    return out


def _fmt(kind: str, x: float) -> str:
    return {"money": _money, "share": _share, "count": _count}[kind](x)


def format_compare(rows: list[dict[str, object]], summary: list[dict[str, object]]) -> str:
    """The printed comparison: one block per indicator (years down, scenarios across)
    and the per-scenario summary."""
    names = [str(s["scenario"]) for s in summary]
    currencies = {str(s["currency"]) for s in summary}
    currency = currencies.pop() if len(currencies) == 1 else "local currency"
    years = summary_years(np.array(sorted({int(r["year"]) for r in rows})))
    lookup = {(r["scenario"], r["year"]): r for r in rows}
    lines = ["Comparison of " + ", ".join(names)]
    for i, s in enumerate(summary, 1):
        lines.append(f"  {i}. {s['scenario']}: {s['title']} ({s['country'].upper()}, "
                     f"{s['years']}, {s['currency']})")
    blocks = [
        ("total_cost_pct_gdp", "Total cost, % of GDP", "share"),
        ("total_cost", f"Total cost ({currency}, nominal)", "money"),
        ("total_cost_usd", "Total cost (USD)", "money"),
        ("coverage", "Coverage (beneficiaries / eligible, all programmes)", "share"),
        ("financing_gap", f"Financing gap ({currency}; negative is a surplus)", "money"),
        ("financing_gap_pct_gdp", "Financing gap, % of GDP", "share"),
        ("debt_pct_gdp", "Public debt, % of GDP", "share"),
    ]
    for var, title, kind in blocks:
        if not any(np.isfinite(float(r[var])) for r in rows):
            continue
        table = [["year", *names]]
        for y in years:
            table.append([str(y)] + [
                _fmt(kind, float(lookup[(n, y)][var])) if (n, y) in lookup else "-"
                for n in names])
        lines += ["", title, *_aligned(table)]
    header = ["scenario", "cumulative cost", "cumulative USD", "peak % GDP", "peak year",
              "cumulative gap"]
    has_returns = any(np.isfinite(float(s["npv"])) for s in summary)
    if has_returns:
        header += ["NPV", "ERR", "BCR"]
    table = [header]
    for s in summary:
        line = [str(s["scenario"]), _money(float(s["cumulative_cost"])),
                _money(float(s["cumulative_cost_usd"])), _share(float(s["peak_cost_pct_gdp"])),
                str(s["peak_year"]), _money(float(s["cumulative_gap"]))]
        if has_returns:
            err = float(s["err"])
            line += [_money(float(s["npv"])), _share(err),
                     "-" if not np.isfinite(float(s["bcr"])) else f"{float(s['bcr']):.2f}"]
        table.append(line)
    note = ("; NPV in " + "/".join(sorted({str(s['npv_units']) for s in summary
                                              if s['npv_units']})) if has_returns else "")
    lines += ["", f"Over each scenario's years (nominal; '-' where not available{note})",
              *_aligned(table)]
    return "\n".join(lines)


def compare_plot_data(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """The comparison charts' data: chart file stem -> title, y label, whether values are
    shares (shown in %), and series {scenario: (years, values)}. Charts without any
    value are left out; cost is in local currency when all scenarios share one, else USD."""
    names = list(dict.fromkeys(str(r["scenario"]) for r in rows))
    currencies = {str(r["currency"]) for r in rows}
    same = len(currencies) == 1
    cost_var = "total_cost" if same else "total_cost_usd"
    cost_unit = currencies.pop() if same else "USD"
    charts = {
        "cost_pct_gdp": ("Total cost, % of GDP", "% of GDP", "total_cost_pct_gdp", True),
        "cost": (f"Total cost ({cost_unit}, nominal)", cost_unit, cost_var, False),
        "coverage": ("Coverage (beneficiaries / eligible)", "%", "coverage", True),
        "financing_gap": ("Financing gap, % of GDP (negative: surplus)", "% of GDP",
                          "financing_gap_pct_gdp", True),
        "debt_pct_gdp": ("Public debt, % of GDP", "% of GDP", "debt_pct_gdp", True),
    }
    out: dict[str, dict[str, object]] = {}
    for stem, (title, ylabel, var, percent) in charts.items():
        series = {}
        for n in names:
            mine = [r for r in rows if r["scenario"] == n]
            values = [float(r[var]) for r in mine]
            if any(np.isfinite(values)):
                series[n] = ([int(r["year"]) for r in mine], values)
        if series:
            out[stem] = {"title": title, "ylabel": ylabel, "percent": percent,
                         "series": series}
    return out


def compare_plot(chart: dict[str, object], path: Path) -> None:
    """Draw one chart of :func:`compare_plot_data` as a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    try:
        scale = 100.0 if chart["percent"] else 1.0
        for name, (years, values) in chart["series"].items():
            ax.plot(years, np.asarray(values, dtype=float) * scale, marker="o",
                    markersize=3, label=name)
        ax.set_title(str(chart["title"]))
        ax.set_xlabel("year")
        ax.set_ylabel(str(chart["ylabel"]))
        ax.grid(True, alpha=0.3)
        if chart["percent"]:
            ax.axhline(0.0, color="black", linewidth=0.6)
        ax.legend(fontsize="small")
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)


def _csv(rows: list[dict[str, object]], path: Path) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow(["" if isinstance(v, float) and not np.isfinite(v)
                             else repr(v) if isinstance(v, float) else v
                             for v in row.values()])


def write_compare(datasets: Sequence[xr.Dataset], target: Path) -> str:
    """Folder ``target`` with compare.csv (per scenario and year), compare_summary.csv,
    compare.txt (the printed comparison) and one PNG per chart, written atomically;
    returns the printed comparison. A run with draws is compared by the mean over its
    draws (its spread is in its own uncertainty.csv)."""
    datasets = [central(ds) if has_draws(ds) else ds for ds in datasets]
    names = scenario_names(datasets)
    rows = compare_table(datasets, names)
    summary = compare_summary(datasets, names)
    text = format_compare(rows, summary)
    writers = {
        "compare.csv": lambda p: _csv(rows, p),
        "compare_summary.csv": lambda p: _csv(summary, p),
        "compare.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
    }
    for stem, chart in compare_plot_data(rows).items():
        writers[f"{stem}.png"] = lambda p, c=chart: compare_plot(c, p)
    write_atomically(target, writers)
    return text


def read_results(path: Path) -> xr.Dataset:
    """A results.nc written by ``spsim run``, in memory; a bad file is a DataError."""
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            ds = ds.load()
    except FileNotFoundError:
        raise DataError(Problem(str(path), "file", "an existing results.nc", "no such file")
                        ) from None
    except Exception as exc:  # h5py/netCDF raise many kinds: one message for all
        raise DataError(Problem(str(path), "file", "a results.nc written by spsim run",
                                f"an unreadable file ({type(exc).__name__})")) from None
    missing = [v for v in ("cost", "eligible", "beneficiaries", "gdp", "exchange_rate")
               if v not in ds]
    if missing:
        raise DataError(Problem(str(path), "file", "a results.nc written by spsim run",
                                "no variable " + ", ".join(missing)))
    return ds
