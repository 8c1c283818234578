"""Writing a run's outputs atomically.

Everything is written into a hidden temporary folder beside the target; only
when every file is complete does the folder take the target's name (an earlier
run's folder is moved aside first and its files deleted after). A failure or an
interrupt at any point leaves the earlier output as it was and no partial
folder behind. Only a new folder or one that spsim wrote (its manifest says so)
is written: see :mod:`simulate.report.outfolder` and docs/outputs.md.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from .draws import central, draw_summary, fan_chart, has_draws, write_draw_table
from .fund import fund_summary, fund_writers, has_fund
from .outfolder import Writer, write_folder
from .risk import risk_summary, risk_writers
from .tables import (
    fiscal_table,
    format_summary,
    overlap_table,
    poverty_table,
    write_csv,
    write_rows,
)


def write_atomically(target: Path, writers: dict[str, Writer], *, force: bool = False) -> Path:
    """Create folder ``target`` holding one file per ``writers`` entry (name -> writer)
    and a manifest; refuses a target that is not new nor written by spsim
    (:func:`simulate.report.outfolder.write_folder`)."""
    return write_folder(target, writers, force=force)


def _netcdf(ds: xr.Dataset) -> Writer:
    def write(path: Path) -> None:
        ds.to_netcdf(path, engine="h5netcdf")

    return write


def _text(text: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(text + "\n", encoding="utf-8")

    return write


def write_run(ds: xr.Dataset, target: Path) -> Path:
    """results.nc, tables.csv, poverty.csv, overlap.csv, fiscal.csv, summary.txt and
    scenario.toml; with draws also uncertainty.csv and uncertainty.png (the tables show
    the draws' means); with a fund plan also its files (:func:`fund_writers`)."""
    table = central(ds) if has_draws(ds) else ds
    writers = {
        "results.nc": _netcdf(ds),
        "tables.csv": lambda p: write_csv(table, p),
        "poverty.csv": lambda p: write_rows(poverty_table(table), p),
        "overlap.csv": lambda p: write_rows(overlap_table(table), p),
        "fiscal.csv": lambda p: write_rows(fiscal_table(table), p),
        "summary.txt": _text(run_summary(ds)),
        "scenario.toml": _text(ds.attrs["scenario"].rstrip("\n")),
    }
    if has_draws(ds):
        writers["uncertainty.csv"] = lambda p: write_draw_table(ds, p)
        writers["uncertainty.png"] = lambda p: fan_chart(ds, p)
    writers.update(risk_writers(ds))  # exceedance probabilities (docs/sensitivity.md)
    if has_fund(ds):  # the fund's capitalisation plan (docs/fund.md)
        writers.update(fund_writers(ds))
    return write_atomically(target, writers)


def run_summary(ds: xr.Dataset) -> str:
    """The printed summary of a run (with draws: of the means, then the spread)."""
    if not has_draws(ds):
        return "\n".join([format_summary(ds), *fund_summary(ds)])
    return "\n".join([format_summary(central(ds)), *draw_summary(ds), *risk_summary(ds),
                      *fund_summary(ds)])
