"""The files a run adds for people to read and forward: charts, tables.xlsx,
report.html and the provenance of the scenario (write_run's ``writers`` entries).

* ``chart_*.png`` (and ``uncertainty.png`` with draws): charts.py; with a fund plan
  also ``fund_balance.png`` and ``fund_capital.png`` (registered by fund_hooks.py,
  imported here, with the fund's sheets, report section and warnings);
* ``tables.xlsx``: xlsx.py; ``report.html``: html.py;
* ``scenario.original.toml``: the scenario file exactly as written (comments kept);
  ``scenario.base.<file>``: each file of its ``extends`` chain as written;
* ``provenance.json``: the package version, the run's date and the sha256 of the
  resolved scenario (``scenario.toml``, owned by write_run) and of each original text.

Charts are drawn once and shared by their PNG files and the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import xarray as xr

from ..provenance import bases
from . import fund_hooks  # noqa: F401 (registers the fund's charts, sheets and section)
from .charts import ChartSet

Writer = Callable[[Path], None]


def _text(text: str) -> Writer:
    def write(path: Path) -> None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    return write


def provenance_files(ds: xr.Dataset) -> dict[str, Writer]:
    """scenario.original.toml, scenario.base.<file> and provenance.json (module doc)."""
    a = ds.attrs
    out: dict[str, Writer] = {}
    original = str(a.get("scenario_original") or "")
    record: dict[str, object] = {
        "simulate_version": str(a.get("simulate_version", "")),
        "created": str(a.get("created", "")),
        "scenario_id": str(a.get("scenario_id", "")),
        "resolved": {"file": "scenario.toml", "attribute": "scenario",
                     "sha256": str(a.get("scenario_sha256", "")),
                     "note": "sha256 of the resolved scenario text (after extends and --set)"},
        "original": None, "bases": [],
    }
    if original:
        out["scenario.original.toml"] = _text(original)
        record["original"] = {"file": "scenario.original.toml",
                              "scenario_file": str(a.get("scenario_file", "")),
                              "sha256": str(a.get("scenario_original_sha256", ""))}
    names: set[str] = set()
    for k, b in enumerate(bases(dict(a)), 1):
        name = f"scenario.base.{b.file}"
        if name in names or name == "scenario.base.":
            name = f"scenario.base{k}.{b.file or 'toml'}"
        names.add(name)
        out[name] = _text(b.text)
        record["bases"].append({"file": name, "scenario_file": b.file,  # type: ignore[union-attr]
                                "sha256": b.sha256})
    out["provenance.json"] = _text(json.dumps(record, indent=2) + "\n")
    return out


def report_files(ds: xr.Dataset) -> dict[str, Writer]:
    """Every chart PNG, tables.xlsx and report.html of the run ``ds``."""
    from .html import write_report
    from .xlsx import write_workbook

    charts = ChartSet(ds)
    # the workbook first: charts drawn ahead (charts.drawing_ahead) have time to finish
    out: dict[str, Writer] = {"tables.xlsx": lambda p: write_workbook(ds, p)}
    out.update({c.file: charts.writer(c) for c in charts.charts})
    out["report.html"] = lambda p: write_report(ds, p, charts)
    return out
