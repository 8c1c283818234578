"""Options side by side (``spsim compare``): tables, CSV and charts from several results.

Table and chart data are apart from their rendering: :func:`compare_table`,
:func:`compare_summary` and :func:`compare_plot_data` are pure (tested);
:func:`format_compare` prints, :func:`compare_plot` draws one PNG and
:func:`write_compare` writes the folder atomically.

Every figure is of the whole package of each scenario (all its programmes):

* yearly: total cost (nominal local currency and US dollars), cost as a share
  of GDP and of revenue, beneficiaries and eligible summed over programmes,
  coverage = beneficiaries / eligible of those sums (a person in two programmes
  counts in both), cost per beneficiary, total financing, financing gap (absent:
  the scenario declares no financing) and public debt / GDP (absent: no debt path);
  with poverty results: the poverty headcount before and after transfers, the
  persons lifted out of poverty (poor before - poor after), the Gini before and
  after, and the cost per person lifted out of poverty (cost / persons lifted);
* coverage on a common base: options with different eligibility rules have
  different eligible populations, so ``coverage_population`` = beneficiaries (all
  programmes) / the whole population of the year; the charts compare this one;
* per scenario: cumulative cost and gap over the scenario's years, the peak cost
  share of GDP, cost per beneficiary-year (cumulative cost / cumulative
  beneficiaries), cost per person-year lifted out of poverty (cumulative cost /
  cumulative persons lifted), poverty and Gini change in the last year, and NPV,
  ERR and BCR of the base case where the scenario has economic returns.

Charts are in the house style (style.py): scenario titles in the legends, the
source line naming each scenario file and its hash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import DataError, Problem
from .common import aligned as _aligned
from .common import count_text as _count
from .common import money_text as _money
from .common import share_text as _share
from .common import summary_years
from .draws import central, has_draws
from .tabular import Column, write_csv_rows
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
    ("coverage_population", "beneficiaries / population", "share"),
    ("cost_per_beneficiary", "cost per beneficiary", "money"),
    ("poverty_before", "poverty headcount before transfers", "share"),
    ("poverty_after", "poverty headcount after transfers", "share"),
    ("persons_lifted", "persons lifted out of poverty", "count"),
    ("gini_before", "Gini before transfers", "ratio"),
    ("gini_after", "Gini after transfers", "ratio"),
    ("cost_per_person_lifted", "cost per person lifted out of poverty", "money"),
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
                "scenario": name, "title": str(ds.attrs.get("title", "")), "year": int(year),
                "currency": ds.attrs.get("currency", ""),
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
            population = _var(ds, "population", y)
            row["coverage_population"] = (beneficiaries / population if population > 0
                                          else float("nan"))
            row["cost_per_beneficiary"] = (total / beneficiaries if beneficiaries > 0
                                           else float("nan"))
            row.update(_poverty(ds, y, total))
            for var in ("total_financing", "financing_gap", "financing_gap_pct_gdp",
                        "debt_pct_gdp"):
                row[var] = _var(ds, var, y)
            rows.append(row)
    return rows


def _poverty(ds: xr.Dataset, y: int, cost: float) -> dict[str, float]:
    """Poverty headcount and Gini before and after, persons lifted out of poverty and
    the cost per person lifted, in year index ``y`` (NaN without poverty results)."""
    nan = float("nan")
    out = {"poverty_before": nan, "poverty_after": nan, "persons_lifted": nan,
           "gini_before": nan, "gini_after": nan, "cost_per_person_lifted": nan}
    if "poverty_headcount" not in ds or "stage" not in ds.dims:
        return out
    stages = [str(s) for s in ds["stage"].values]
    if not {"before", "after"} <= set(stages):
        return out
    b, a = stages.index("before"), stages.index("after")
    head = ds["poverty_headcount"].transpose("year", "stage").values
    poor = ds["poor_persons"].transpose("year", "stage").values
    gini = ds["gini"].transpose("year", "stage").values
    lifted = float(poor[y, b] - poor[y, a])
    out.update(poverty_before=float(head[y, b]), poverty_after=float(head[y, a]),
               persons_lifted=lifted, gini_before=float(gini[y, b]),
               gini_after=float(gini[y, a]),
               cost_per_person_lifted=cost / lifted if lifted > 0 else nan)
    return out


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
            "last_beneficiaries": float(mine[-1]["beneficiaries"]),
            "last_coverage_population": float(mine[-1]["coverage_population"]),
        }
        cost = float(np.nansum([r["total_cost"] for r in mine]))
        ben = float(np.nansum([r["beneficiaries"] for r in mine]))
        lifted = np.array([r["persons_lifted"] for r in mine], dtype=float)
        row["cost_per_beneficiary_year"] = cost / ben if ben > 0 else float("nan")
        total_lifted = float(lifted.sum()) if np.isfinite(lifted).all() else float("nan")
        row["cost_per_person_year_lifted"] = (cost / total_lifted if total_lifted > 0
                                              else float("nan"))
        last = mine[-1]
        row["last_poverty_change"] = float(last["poverty_after"]) - float(last["poverty_before"])
        row["last_gini_change"] = float(last["gini_after"]) - float(last["gini_before"])
        for var in RETURNS:
            row[var] = _base_case(ds, var)
        row["npv_units"] = str(ds["npv"].attrs.get("units", "")) if "npv" in ds else ""
        out.append(row)
    return out


def _fmt(kind: str, x: float) -> str:
    if kind == "ratio":
        return "-" if not np.isfinite(x) else f"{x:.3f}"
    if kind == "points":
        return "-" if not np.isfinite(x) else f"{100 * x:+.2f} pts"
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
        ("beneficiaries", "Beneficiaries (all programmes; a person in two counts twice)",
         "count"),
        ("coverage_population", "Coverage on a common base: beneficiaries / whole population",
         "share"),
        ("coverage", "Coverage of each option's own eligible (beneficiaries / eligible)",
         "share"),
        ("cost_per_beneficiary", f"Cost per beneficiary ({currency}, nominal)", "money"),
        ("poverty_after", "Poverty headcount after transfers", "share"),
        ("persons_lifted", "Persons lifted out of poverty by the transfers", "count"),
        ("gini_after", "Gini after transfers", "ratio"),
        ("cost_per_person_lifted", f"Cost per person lifted out of poverty ({currency})",
         "money"),
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
              "cumulative gap", "per beneficiary-year", "per person-year lifted",
              "poverty change", "Gini change"]
    has_returns = any(np.isfinite(float(s["npv"])) for s in summary)
    if has_returns:
        header += ["NPV", "ERR", "BCR"]
    table = [header]
    for s in summary:
        line = [str(s["scenario"]), _money(float(s["cumulative_cost"])),
                _money(float(s["cumulative_cost_usd"])), _share(float(s["peak_cost_pct_gdp"])),
                str(s["peak_year"]), _money(float(s["cumulative_gap"])),
                _money(float(s["cost_per_beneficiary_year"])),
                _money(float(s["cost_per_person_year_lifted"])),
                _fmt("points", float(s["last_poverty_change"])),
                _fmt("ratio", float(s["last_gini_change"]))]
        if has_returns:
            err = float(s["err"])
            line += [_money(float(s["npv"])), _share(err),
                     "-" if not np.isfinite(float(s["bcr"])) else f"{float(s['bcr']):.2f}"]
        table.append(line)
    note = ("; NPV in " + "/".join(sorted({str(s['npv_units']) for s in summary
                                              if s['npv_units']})) if has_returns else "")
    lines += ["", f"Over each scenario's years (nominal; cost per beneficiary-year and per "
              f"person-year lifted out of poverty: cumulative cost / cumulative persons; "
              f"poverty and Gini change in the last year; '-' where not available{note})",
              *_aligned(table)]
    return "\n".join(lines)


def compare_plot_data(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """The comparison charts' data: chart file stem -> title, y label, kind (``share``
    shown in %, ``money``, ``count``), ``percent`` (kind is share), series
    {scenario: (years, values)} and ``labels`` {scenario: its title, for legends}.
    Charts without any value are left out; money is in local currency when all
    scenarios share one, else USD."""
    names = list(dict.fromkeys(str(r["scenario"]) for r in rows))
    labels = {str(r["scenario"]): str(r.get("title") or r["scenario"]) for r in rows}
    currencies = {str(r["currency"]) for r in rows}
    same = len(currencies) == 1
    cost_unit = currencies.pop() if same else "USD"

    def cost(r: dict[str, object]) -> float:
        return float(r["total_cost"] if same else r["total_cost_usd"])  # type: ignore[arg-type]

    def per(key: str) -> Callable[[dict[str, object]], float]:
        def value(r: dict[str, object]) -> float:
            n = float(r[key])  # type: ignore[arg-type]
            return cost(r) / n if np.isfinite(n) and n > 0 else float("nan")

        return value

    def var(key: str) -> Callable[[dict[str, object]], float]:
        return lambda r: float(r[key])  # type: ignore[arg-type]

    charts: dict[str, tuple[str, str, Callable[[dict[str, object]], float], str]] = {
        "cost_pct_gdp": ("Total cost, % of GDP", "% of GDP", var("total_cost_pct_gdp"),
                         "share"),
        "cost": (f"Total cost ({cost_unit}, nominal)", cost_unit, cost, "money"),
        "beneficiaries": ("Beneficiaries, all programmes (a person in two counts twice)",
                          "persons", var("beneficiaries"), "count"),
        "coverage": ("Coverage on a common base: beneficiaries as % of the whole "
                     "population", "% of the population", var("coverage_population"),
                     "share"),
        "cost_per_beneficiary": (f"Cost per beneficiary ({cost_unit}, nominal)",
                                 f"{cost_unit} per beneficiary", per("beneficiaries"),
                                 "money"),
        "poverty": ("Poverty headcount after transfers", "% of persons",
                    var("poverty_after"), "share"),
        "cost_per_person_lifted": (f"Cost per person lifted out of poverty ({cost_unit})",
                                   f"{cost_unit} per person lifted",
                                   per("persons_lifted"), "money"),
        "financing_gap": ("Financing gap, % of GDP (negative: surplus)", "% of GDP",
                          var("financing_gap_pct_gdp"), "share"),
        "debt_pct_gdp": ("Public debt, % of GDP", "% of GDP", var("debt_pct_gdp"), "share"),
    }
    out: dict[str, dict[str, object]] = {}
    for stem, (title, ylabel, value, kind) in charts.items():
        series = {}
        for n in names:
            mine = [r for r in rows if r["scenario"] == n]
            values = [value(r) for r in mine]
            if any(np.isfinite(values)):
                series[n] = ([int(r["year"]) for r in mine], values)  # type: ignore[call-overload]
        if series:
            out[stem] = {"title": title, "ylabel": ylabel, "percent": kind == "share",
                         "kind": kind, "series": series, "labels": labels}
    return out


def compare_plot(chart: dict[str, object], path: Path,
                 attrs: dict[str, object] | None = None) -> None:
    """Draw one chart of :func:`compare_plot_data` as a PNG at ``path`` (house style;
    ``attrs["source_line"]`` names the scenarios compared)."""
    from . import style

    series = chart["series"]
    labels = chart.get("labels") or {}
    fig, axes = style.figure(1, (9, 4.8 + 0.22 * len(series)))  # type: ignore[arg-type]
    ax = axes[0]
    try:
        kind = str(chart.get("kind", "share" if chart["percent"] else "money"))
        scale = 100.0 if kind == "share" else 1.0
        for name, (years, values) in series.items():  # type: ignore[attr-defined]
            label = str(labels.get(name, name))  # type: ignore[union-attr]
            ax.plot(years, np.asarray(values, dtype=float) * scale, marker="o",
                    markersize=3, label=label if label == name else f"{label} ({name})")
        if kind == "share":
            style.percent_axis(ax, str(chart["ylabel"]))
            ax.axhline(0.0, color="black", linewidth=0.6)
        else:
            style.money_axis(ax, str(chart["ylabel"]))
        style.year_axis(ax)
        style.finish(fig, str(chart["title"]), attrs or {"source_line": "Source: simulate"},
                     legend="below")
        Path(path).write_bytes(style.png_bytes(fig))
    finally:
        style.close(fig)


def compare_source(datasets: Sequence[xr.Dataset]) -> str:
    """The source line of comparison charts: version, each scenario file with its hash,
    the date of the comparison."""
    from datetime import UTC, datetime

    version = next((str(ds.attrs.get("simulate_version")) for ds in datasets
                    if ds.attrs.get("simulate_version")), "")
    parts = []
    for ds in datasets:
        file = str(ds.attrs.get("scenario_file") or ds.attrs.get("scenario_id", "scenario"))
        digest = str(ds.attrs.get("scenario_original_sha256")
                     or ds.attrs.get("scenario_sha256") or "")
        parts.append(f"{file} (sha256 {digest[:12]})" if digest else file)
    date = datetime.now(UTC).date().isoformat()
    return f"Source: simulate {version}, scenarios {', '.join(parts)}, compared {date}"


#: kinds and units of compare_summary.csv's columns (others: text)
SUMMARY_COLUMNS = {
    "cumulative_cost": ("money", "currency"), "cumulative_cost_usd": ("money", "USD"),
    "peak_cost_pct_gdp": ("share", "%"), "peak_year": ("year", ""),
    "cumulative_gap": ("money", "currency"), "last_debt_pct_gdp": ("share", "%"),
    "last_beneficiaries": ("count", "persons"), "last_coverage_population": ("share", "%"),
    "cost_per_beneficiary_year": ("money", "currency"),
    "cost_per_person_year_lifted": ("money", "currency"),
    "last_poverty_change": ("share", "% points"), "last_gini_change": ("ratio", "0-1"),
    "npv": ("money", "npv_units"), "err": ("share", "% per year"), "bcr": ("ratio", "ratio"),
}


def _columns(rows: list[dict[str, object]], kinds: dict[str, tuple[str, str]]
             ) -> list[Column]:
    out = []
    for key in rows[0]:
        kind, units = kinds.get(key, ("year" if key == "year" else "text", ""))
        out.append(Column(key, key, units, kind))
    return out


def _csv(rows: list[dict[str, object]], path: Path, kinds: dict[str, tuple[str, str]]
         ) -> None:
    """A comparison table through the one CSV writer (tabular.py): units in the headers
    (``currency``: the row's currency column), numbers rounded, shares in %."""
    write_csv_rows(path, _columns(rows, kinds), rows)


def _yearly_kinds() -> dict[str, tuple[str, str]]:
    units = {"money": "currency", "share": "%", "count": "persons", "ratio": "0-1"}
    out = {name: (kind, units[kind]) for name, _, kind in YEARLY}
    out["total_cost_usd"] = ("money", "USD")
    return out


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
        "compare.csv": lambda p: _csv(rows, p, _yearly_kinds()),
        "compare_summary.csv": lambda p: _csv(summary, p, SUMMARY_COLUMNS),
        "compare.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
    }
    source = {"source_line": compare_source(datasets)}
    for stem, chart in compare_plot_data(rows).items():
        writers[f"{stem}.png"] = lambda p, c=chart: compare_plot(c, p, source)
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
