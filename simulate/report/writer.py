"""Writing a run's outputs atomically.

Everything is written into a hidden temporary folder beside the target; only
when every file is complete does the folder take the target's name (an earlier
run's folder is moved aside first and deleted after). A failure or an
interrupt at any point leaves the earlier output as it was and no partial
folder behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import xarray as xr

from . import runtables
from .draws import central, has_draws
from .outputs import provenance_files, report_files
from .summary import summary_text
from .tables import write_csv
from .tabular import write_table_csv

Writer = Callable[[Path], None]


def write_atomically(target: Path, writers: dict[str, Writer]) -> Path:
    """Create folder ``target`` holding one file per ``writers`` entry (name -> writer)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; give the usual permissions
    old: Path | None = None
    try:
        for name, write in writers.items():
            write(tmp / name)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def _netcdf(ds: xr.Dataset) -> Writer:
    def write(path: Path) -> None:
        ds.to_netcdf(path, engine="h5netcdf")

    return write


def _text(text: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(text + "\n", encoding="utf-8")

    return write


def write_run(ds: xr.Dataset, target: Path) -> Path:
    """results.nc, tables.csv, poverty.csv, overlap.csv, fiscal.csv, summary.txt,
    scenario.toml, the provenance files, the charts, tables.xlsx and report.html
    (outputs.py); with draws also uncertainty.csv and uncertainty.png (the tables show
    the draws' means)."""
    table = central(ds) if has_draws(ds) else ds
    writers = {
        "results.nc": _netcdf(ds),
        "tables.csv": lambda p: write_csv(table, p),
        "poverty.csv": lambda p: write_table_csv(runtables.poverty(table), p),
        "overlap.csv": lambda p: write_table_csv(runtables.overlap(table), p),
        "fiscal.csv": lambda p: write_table_csv(runtables.fiscal(table), p),
        "summary.txt": _text(summary_text(ds)),
        "scenario.toml": _text(ds.attrs["scenario"].rstrip("\n")),
        **provenance_files(ds),
        **report_files(ds),
    }
    if has_draws(ds):
        writers["uncertainty.csv"] = lambda p: write_table_csv(runtables.uncertainty(ds), p)
    return write_atomically(target, writers)


def run_summary(ds: xr.Dataset, years: list[int] | None = None) -> str:
    """The printed summary of a run (summary.summary_text: with draws, of the means, then
    the spread)."""
    return summary_text(ds, years)
