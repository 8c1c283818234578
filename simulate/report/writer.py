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

from ..scenario.keys.outputs import left_out
from . import runtables
from .charts import drawing_ahead
from .draws import central, has_draws
from .fund import fund_writers, has_fund
from .netcdf import write_netcdf
from .outfolder import Writer, write_folder
from .outputs import provenance_files, report_files
from .risk import risk_writers
from .summary import compose
from .tables import write_csv
from .tabular import write_table_csv
from .transition import transition_writers


def write_atomically(target: Path, writers: dict[str, Writer], *, force: bool = False) -> Path:
    """Create folder ``target`` holding one file per ``writers`` entry (name -> writer)
    and a manifest; refuses a target that is not new nor written by spsim
    (:func:`simulate.report.outfolder.write_folder`)."""
    return write_folder(target, writers, force=force)


def _netcdf(ds: xr.Dataset) -> Writer:
    def write(path: Path) -> None:
        write_netcdf(ds, path)  # without importing dask (netcdf.py)

    return write


def _text(text: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(text + "\n", encoding="utf-8")

    return write


def write_run(ds: xr.Dataset, target: Path) -> Path:
    """results.nc, tables.csv, poverty.csv, overlap.csv, fiscal.csv, summary.txt,
    scenario.toml, the provenance files, the charts, tables.xlsx and report.html
    (outputs.py); with draws also uncertainty.csv and uncertainty.png (the tables show
    the draws' means); with a fund plan also its files (:func:`fund_writers`: fund.txt
    and its CSV; its charts come with the run's charts, its sheets in tables.xlsx)."""
    with drawing_ahead():  # the charts drawn in a child process meanwhile (charts.py)
        return _write_run(ds, target)


def _write_run(ds: xr.Dataset, target: Path) -> Path:
    reports = report_files(ds)  # first: the charts start drawing (drawing_ahead)
    table = central(ds) if has_draws(ds) else ds
    writers = {
        "results.nc": _netcdf(ds),
        "tables.csv": lambda p: write_csv(table, p),
        "poverty.csv": lambda p: write_table_csv(runtables.poverty(table), p),
        "overlap.csv": lambda p: write_table_csv(runtables.overlap(table), p),
        "fiscal.csv": lambda p: write_table_csv(runtables.fiscal(table), p),
        "summary.txt": _text(run_summary(ds)),
        "scenario.toml": _text(ds.attrs["scenario"].rstrip("\n")),
        **provenance_files(ds),
        **reports,
    }
    for name in left_out(ds.attrs):  # [outputs] poverty/overlap = false: no file
        writers.pop(f"{name}.csv", None)
    if has_draws(ds):
        writers["uncertainty.csv"] = lambda p: write_table_csv(runtables.uncertainty(ds), p)
    writers.update(risk_writers(ds))  # exceedance probabilities (docs/sensitivity.md)
    if has_fund(ds):  # the fund's capitalisation plan (docs/fund.md)
        writers.update(fund_writers(ds))
    if "transition_households" in table:  # [transition]: the caseload funnel (docs/iraq.md)
        writers.update(transition_writers(table))
    return write_atomically(target, writers)


def run_summary(ds: xr.Dataset, years: list[int] | None = None) -> str:
    """The printed summary of a run: every section registered with
    :func:`simulate.report.summary.summary_section` (the results, with draws of the
    means then the spread; the risks; the fund's plan; the caseload transition; the
    warnings), in order. The modules imported here register theirs."""
    return compose(ds, years)
