"""Risk outputs of a run with draws: risk.csv, risk.png and the summary's lines
(exceedance probabilities by year with their standard errors; see
:mod:`simulate.uncertainty.risk`)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .common import aligned as _aligned
from .common import summary_years
from .summary import SummaryInput, summary_section


def has_risk(ds: xr.Dataset) -> bool:
    """Whether ``ds`` has exceedance probabilities."""
    return "exceedance_probability" in ds


def write_risk_csv(ds: xr.Dataset, path: Path) -> None:
    """risk.csv: one row per risk and year: probability, its standard error, expected
    excess and expected shortfall (in the risk's units)."""
    pct = ds["expected_shortfall"].attrs.get("percentile", "")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["risk", "year", "probability", "probability_se", "expected_excess",
                    f"expected_shortfall_p{pct:g}" if pct != "" else "expected_shortfall",
                    "units", "draws"])
        for i, risk in enumerate(ds["risk"].values):
            units = str(ds["risk_units"].values[i])
            for j, year in enumerate(ds["year"].values):
                vals = [float(ds[v].values[i, j]) for v in (
                    "exceedance_probability", "exceedance_probability_se", "expected_excess",
                    "expected_shortfall")]
                w.writerow([risk, int(year), *("" if np.isnan(v) else repr(v) for v in vals),
                            units, ds.sizes["draw"]])


def risk_plot(ds: xr.Dataset, path: Path) -> None:
    """risk.png: each risk's exceedance probability by year, with +-2 standard errors."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=110)
    try:
        years = ds["year"].values
        for i, risk in enumerate(ds["risk"].values):
            p = ds["exceedance_probability"].values[i] * 100
            se = ds["exceedance_probability_se"].values[i] * 100
            ax.plot(years, p, marker="o", label=str(risk))
            ax.fill_between(years, np.clip(p - 2 * se, 0, 100), np.clip(p + 2 * se, 0, 100),
                            alpha=0.15)
        ax.set_ylim(-2, 102)
        ax.set_ylabel("probability over the draws (%)")
        ax.set_xlabel("year")
        ax.set_title(f"{ds.attrs.get('title', '')}: exceedance probabilities "
                     f"({ds.sizes['draw']:,} draws; bands +-2 s.e.)", fontsize="medium")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)


def risk_writers(ds: xr.Dataset) -> dict[str, Any]:
    """risk.csv and risk.png when ``ds`` has risks."""
    if not has_risk(ds):
        return {}
    return {"risk.csv": lambda p: write_risk_csv(ds, p), "risk.png": lambda p: risk_plot(ds, p)}


def risk_summary(ds: xr.Dataset) -> list[str]:
    """Printed lines: each risk's probability in the summary years (with its standard
    error), P(NPV < 0), and the precision reached by --precision."""
    lines: list[str] = []
    if has_risk(ds):
        years = summary_years(ds["year"].values)
        table = [["risk", *(str(y) for y in years)]]
        for i, risk in enumerate(ds["risk"].values):
            row = [str(risk)]
            for y in years:
                j = int(np.flatnonzero(ds["year"].values == y)[0])
                p = float(ds["exceedance_probability"].values[i, j])
                se = float(ds["exceedance_probability_se"].values[i, j])
                row.append("-" if np.isnan(p) else f"{100 * p:.1f}% (se {100 * se:.1f})")
            table.append(row)
        lines += ["", "Risks: probability over the draws (Monte Carlo standard error, "
                  "points); risk.csv has every year, expected excess and shortfall",
                  *_aligned(table)]
    if "probability_npv_negative" in ds:
        v = ds["probability_npv_negative"]
        lines.append(f"P(NPV < 0) = {100 * float(v):.1f}% (se "
                     f"{100 * float(v.attrs.get('standard_error', np.nan)):.1f} points)")
    if "precision_target" in ds.attrs:
        a = ds.attrs
        state = "reached" if a.get("precision_reached") else "NOT reached (draw limit)"
        lines.append(f"precision: relative standard error of the mean of "
                     f"{a['precision_output']} {100 * float(a['precision_relative_se']):.2f}% "
                     f"with {ds.sizes['draw']:,} draws; target "
                     f"{100 * float(a['precision_target']):.2f}% {state}")
    return lines


@summary_section("risk", 10)
def _summary_lines(run: SummaryInput) -> list[str]:
    """This module's section of the run summary (report/summary.py)."""
    return risk_summary(run.ds)
