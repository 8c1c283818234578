"""The caseload transition's outputs ([transition]): transition.csv and summary lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from .outfolder import Writer
from .summary import SummaryInput, summary_section
from .tables import write_rows


def has_transition(ds: xr.Dataset) -> bool:
    """True when the run has a ``[transition]`` funnel."""
    return "transition_households" in ds


def transition_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """One row per year: households in each stage (end of year), the year's flows,
    humanitarian eligibility and receipt, capacity, cost and share by payer."""
    rows: list[dict[str, object]] = []
    stocks, flows = ds["transition_households"], ds["transition_flows"]
    cost, share = ds["transition_cost"], ds["transition_cost_share"]
    for y, year in enumerate(ds["year"].values):
        row: dict[str, object] = {"year": int(year)}
        for stage in ds["funnel_stage"].values:
            row[f"households_{stage}"] = float(stocks.values[y, list(
                ds["funnel_stage"].values).index(stage)])
        for k, flow in enumerate(ds["funnel_flow"].values):
            row[f"flow_{flow}"] = float(flows.values[y, k])
        row["humanitarian_eligible"] = float(ds["transition_humanitarian_eligible"].values[y])
        row["humanitarian_receiving"] = float(
            ds["transition_humanitarian_receiving"].values[y])
        row["capacity"] = float(ds["transition_capacity"].values[y])
        for k, payer in enumerate(ds["payer"].values):
            row[f"cost_{payer}"] = float(cost.values[y, k])
            row[f"share_{payer}"] = float(share.values[y, k])
        rows.append(row)
    return rows


def transition_writers(ds: xr.Dataset) -> dict[str, Writer]:
    """transition.csv (:func:`transition_table`)."""
    def write(path: Path) -> None:
        write_rows(transition_table(ds), path)

    return {"transition.csv": write}


def transition_summary(ds: xr.Dataset) -> list[str]:
    """The summary's lines on the funnel: caseload, pass rate, the gap's peak, enrolled,
    who pays; none without ``[transition]``."""
    if not has_transition(ds):
        return []
    years = ds["year"].values
    stocks = ds["transition_households"]
    gap = ds["transition_gap"].values
    peak = int(np.argmax(gap))
    caseload = float(stocks.isel(year=0).sum())
    enrolled = float(stocks.sel(funnel_stage="enrolled").values[-1])
    share = ds["transition_cost_share"].sel(payer="government").values[-1]
    return [
        "",
        f"Caseload transition ({ds.attrs.get('transition_from')} -> "
        f"{ds.attrs.get('transition_to')}, households; transition.csv)",
        f"  initial caseload {caseload:,.0f}; re-assessment pass rate "
        f"{100 * float(ds['transition_reassessment_pass']):.1f}%",
        f"  gap (left humanitarian cash, not yet paid): peak {gap[peak]:,.0f} in "
        f"{int(years[peak])}; {gap[-1]:,.0f} in {int(years[-1])}",
        f"  enrolled by {int(years[-1])}: {enrolled:,.0f}; government's share of the "
        f"caseload's cost in {int(years[-1])}: "
        + ("-" if not np.isfinite(share) else f"{100 * share:.1f}%"),
    ]


@summary_section("transition", 30)
def _summary_lines(run: SummaryInput) -> list[str]:
    """This module's section of the run summary (report/summary.py)."""
    return transition_summary(run.table)
