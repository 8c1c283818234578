"""Summaries of a run with a ``draw`` dimension (Monte Carlo over parameters).

The usual tables of a run (tables.csv, poverty.csv, ...) show the mean over the
draws of each number (:func:`central`); ``uncertainty.csv`` gives, for every
headline indicator by year (and programme, financing source), the mean, standard
deviation and percentiles over the draws (:func:`draw_table`); the printed
summary adds the headline indicators' mean and 90 % interval (5th-95th
percentile) in the summary years.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .common import aligned as _aligned
from .common import money_text as _money
from .common import share_text as _share
from .common import summary_years

#: percentiles reported over the draws
PERCENTILES = (5, 25, 50, 75, 95)
#: indicators of uncertainty.csv, in order, when the Dataset has them
INDICATORS = ("beneficiaries", "transfers", "admin_cost", "cost", "cost_pct_gdp",
              "total_cost", "total_cost_pct_gdp", "total_cost_pct_revenue", "cost_usd",
              "total_cost_real", "total_cost_usd", "total_cost_pv", "envelope_headroom",
              "financing_gap_pv", "gdp",
              "price_index", "poverty_headcount", "gini", "share_to_poorest_quintile",
              "financing", "total_financing", "financing_gap", "financing_gap_pct_gdp",
              "debt_pct_gdp", "npv", "err", "bcr")
#: indicators of the printed summary: (variable, label, kind)
HEADLINES = (("total_cost", "total cost", "money"),
             ("total_cost_pct_gdp", "total cost, % GDP", "share"),
             ("financing_gap", "financing gap", "money"))


def has_draws(ds: xr.Dataset) -> bool:
    """Whether ``ds`` comes from a run with draws."""
    return "draw" in ds.dims


def central(ds: xr.Dataset) -> xr.Dataset:
    """The mean over the draws of every variable with a ``draw`` dimension (attributes
    kept); the per-draw parameter values are dropped."""
    drop = [v for v in ("parameter_value", "parameter_text") if v in ds]
    out = ds.drop_vars(drop).mean("draw", keep_attrs=True)
    return out.drop_dims([d for d in ("parameter",) if d in out.dims])


def _stats(values: np.ndarray) -> dict[str, float]:
    """Mean, sd and percentiles of ``values`` over the draws (NaN draws left out)."""
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return {"draws": 0, "mean": np.nan, "mean_se": np.nan, "sd": np.nan,
                **{f"p{q}": np.nan for q in PERCENTILES}}
    pct = np.percentile(v, PERCENTILES)
    sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    return {"draws": len(v), "mean": float(v.mean()), "mean_se": float(sd / np.sqrt(len(v))),
            "sd": sd, **{f"p{q}": float(x) for q, x in zip(PERCENTILES, pct, strict=True)}}


def draw_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """One row per indicator and label (year, programme, source, case): statistics over
    the draws (``draws`` counts the draws with a finite value)."""
    rows: list[dict[str, object]] = []
    for name in INDICATORS:
        if name not in ds or "draw" not in ds[name].dims:
            continue
        da = ds[name].transpose("draw", ...)
        other = [d for d in da.dims if d != "draw"]
        if len(other) > 2:
            continue
        stacked = da.stack(cell=other) if other else da.expand_dims(cell=[0], axis=1)
        for k in range(stacked.sizes["cell"]):
            row: dict[str, object] = {"indicator": name,
                                      "units": str(ds[name].attrs.get("units", ""))}
            for dim in other:
                row[dim] = _label(stacked[dim].values[k])
            row.update(_stats(stacked.values[:, k]))
            rows.append(row)
    return rows


def _label(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def write_draw_table(ds: xr.Dataset, path: Path) -> None:
    """uncertainty.csv: :func:`draw_table` with one column per label dimension."""
    rows = draw_table(ds)
    stats = list(_stats(np.array([0.0])))  # the statistics, in the order _stats gives them
    dims: list[str] = []
    for r in rows:
        dims += [k for k in r if k not in dims and k not in ("indicator", "units", *stats)]
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["indicator", *dims, "units", *stats])
        for r in rows:
            writer.writerow([r["indicator"], *(r.get(d, "") for d in dims), r["units"],
                             *("" if isinstance(r[s], float) and np.isnan(r[s]) else repr(r[s])
                               for s in stats)])


def draw_summary(ds: xr.Dataset, years: list[int] | None = None) -> list[str]:
    """Printed lines: the draws, the parameters, and each headline indicator's mean and
    90 % interval in the summary years (NPV too when there are returns)."""
    n = ds.sizes["draw"]
    params = [str(p) for p in ds["parameter"].values] if "parameter" in ds.dims else []
    lines = ["", f"Uncertainty: {n:,} draws of {len(params)} parameter(s): "
             + ", ".join(params),
             "mean [5th-95th percentile] over the draws (tables.csv and the other tables "
             "show the means; uncertainty.csv every indicator)"]
    years = years or summary_years(ds["year"].values)
    currency = ds.attrs.get("currency", "")
    table = [["year", *(label + (f" ({currency})" if kind == "money" else "")
                        for name, label, kind in HEADLINES if name in ds)]]
    for year in years:
        row = [str(year)]
        for name, _, kind in HEADLINES:
            if name not in ds:
                continue
            s = _stats(ds[name].sel(year=year).values.reshape(n))
            fmt = _money if kind == "money" else _share
            row.append(f"{fmt(s['mean'])} [{fmt(s['p5'])} - {fmt(s['p95'])}]")
        table.append(row)
    lines += _aligned(table)
    if "npv" in ds and "sensitivity" in ds["npv"].dims:
        s = _stats(ds["npv"].sel(sensitivity="base").values.reshape(n))
        below = float(np.mean(ds["npv"].sel(sensitivity="base").values < 0))
        lines.append(f"NPV ({currency}): {_money(s['mean'])} [{_money(s['p5'])} - "
                     f"{_money(s['p95'])}]; negative in {100 * below:.1f}% of draws")
    return lines


#: fan chart panels: (variable, title, percent)
FANS = (("total_cost_pct_gdp", "Total cost, % of GDP", True),
        ("total_cost", "Total cost, nominal", False),
        ("financing_gap", "Financing gap, nominal", False))


def fan_data(ds: xr.Dataset) -> list[dict[str, object]]:
    """Per panel: the years and the 5th, 25th, 50th, 75th and 95th percentiles over the
    draws (pure; the chart draws them)."""
    panels = []
    for name, title, percent in FANS:
        if name not in ds or set(ds[name].dims) != {"draw", "year"}:
            continue
        values = ds[name].transpose("draw", "year").values
        if not np.isfinite(values).any():
            continue
        pct = np.nanpercentile(values, PERCENTILES, axis=0)
        panels.append({"name": name, "title": title, "percent": percent,
                       "units": str(ds[name].attrs.get("units", "")),
                       "years": ds["year"].values.tolist(),
                       **{f"p{q}": pct[i].tolist() for i, q in enumerate(PERCENTILES)}})
    return panels


def fan_figure(ds: xr.Dataset, title: str = "") -> Any:
    """A figure of each headline indicator's median over the years with its 50 %
    (25th-75th percentile) and 90 % (5th-95th) bands over the draws (house style)."""
    from . import style

    panels = fan_data(ds)
    fig, axes = style.figure(max(1, len(panels)), (5.2 * max(1, len(panels)), 4.4))
    currency = str(ds.attrs.get("currency", ""))
    for ax, p in zip(axes, panels, strict=False):
        scale = 100.0 if p["percent"] else 1.0
        years = np.asarray(p["years"])
        band = {q: np.asarray(p[f"p{q}"]) * scale for q in PERCENTILES}
        ax.fill_between(years, band[5], band[95], color=style.PALETTE[0], alpha=0.2,
                        label="90% of draws")
        ax.fill_between(years, band[25], band[75], color=style.PALETTE[0], alpha=0.4,
                        label="50% of draws")
        ax.plot(years, band[50], color="#224466", linewidth=1.5, label="median")
        ax.set_title(str(p["title"]), fontsize=10, fontweight="normal")
        if p["percent"]:
            style.percent_axis(ax, "% of GDP")
        else:
            style.money_axis(ax, f"{currency}, nominal" if currency else str(p["units"]))
        style.year_axis(ax)
        ax.legend(loc="upper left")
    heading = title or "Uncertainty over the draws"
    return style.finish(fig, f"{heading}: {ds.sizes['draw']:,} draws", ds.attrs,
                        legend=False)


def fan_chart(ds: xr.Dataset, path: Path) -> None:
    """uncertainty.png: :func:`fan_figure` as a PNG."""
    from . import style

    fig = fan_figure(ds)
    try:
        Path(path).write_bytes(style.png_bytes(fig))
    finally:
        style.close(fig)
