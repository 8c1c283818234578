"""tables.xlsx: the run's tables as an Excel workbook (openpyxl).

One sheet per table of runtables.run_tables (costs by programme and year, fiscal,
financing, poverty, targeting, overlap, returns, benefit streams, uncertainty: those
the run has), then "Assumptions" (every scenario value with its source comment) and
"Variables" (the variable registry, simulate/variables.py), and "About" (title,
scenario file, hashes, version, date). Numbers are stored as numbers at full
precision, with display formats: thousands separators, shares as percentages
(stored as fractions, as Excel does). Units are in the headers; header rows frozen.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from ..provenance import SourceText, bases
from .assumptions import assumptions
from .runtables import run_tables
from .tabular import Column, Table

#: display formats by column kind
FORMATS = {"count": "#,##0", "money": "#,##0", "ratio": "0.000", "number": "#,##0.######",
           "year": "0", "share": "0.00%"}


def _share_format(values: list[float]) -> str:
    """Enough decimals that the column's smallest non-zero share is not shown as 0."""
    finite = [abs(v) for v in values if np.isfinite(v) and v != 0]
    if not finite:
        return "0.00%"
    smallest = 100 * min(finite)
    decimals = int(min(6, max(2, 1 - np.floor(np.log10(smallest)))))
    return "0." + "0" * decimals + "%"


def _format(col: Column, kind: str, values: list[float]) -> str:
    if kind == "share":
        return _share_format(values)
    return FORMATS.get(kind, "General")


def _value(v: object) -> object:
    if isinstance(v, float | np.floating):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v


def _add_sheet(wb, name: str, table: Table) -> None:  # noqa: ANN001 (openpyxl types)
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name[:31])
    ws.freeze_panes = "A3" if table.title else "A2"
    for c, col in enumerate(table.columns, 1):
        width = max(10, min(40, len(col.label) + 2))
        ws.column_dimensions[get_column_letter(c)].width = width
    title = WriteOnlyCell(ws, table.title + (f" ({table.note})" if table.note else ""))
    title.font = Font(bold=True)
    ws.append([title])
    header = []
    for col in table.columns:
        cell = WriteOnlyCell(ws, col.label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    ws.append(header)
    formats = {col.key: _format(col, col.kind, [float(r[col.key]) for r in table.rows
                                                 if isinstance(r.get(col.key), float)])
               for col in table.columns if col.kind != "row"}
    row_formats: dict[str, str] = {}
    for row in table.rows:
        cells = []
        for col in table.columns:
            cell = WriteOnlyCell(ws, _value(row.get(col.key)))
            if col.kind == "row":
                kind = str(row.get("_kind", "number"))
                if kind == "share":
                    fmt = row_formats.setdefault(
                        f"{row.get('indicator', row.get('variable'))}",
                        _share_format([float(row[col.key])] if isinstance(row.get(col.key),
                                                                            float) else []))
                else:
                    fmt = FORMATS.get(kind, "General")
                cell.number_format = fmt
            elif col.kind not in ("text",):
                cell.number_format = formats[col.key]
            cells.append(cell)
        ws.append(cells)


def _plain_sheet(wb, name: str, title: str, header: list[str], rows: list[list[object]],
                 widths: list[int]) -> None:  # noqa: ANN001
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    ws.freeze_panes = "A3"
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    t = WriteOnlyCell(ws, title)
    t.font = Font(bold=True)
    ws.append([t])
    cells = []
    for h in header:
        cell = WriteOnlyCell(ws, h)
        cell.font = Font(bold=True)
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        out = []
        for v in row:
            cell = WriteOnlyCell(ws, v)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            out.append(cell)
        ws.append(out)


def source_texts(ds: xr.Dataset) -> list[SourceText]:
    """The scenario file as written and its bases, from the Dataset's attributes."""
    main = str(ds.attrs.get("scenario_original") or "")
    if not main:
        return []
    return [SourceText(str(ds.attrs.get("scenario_file") or "scenario.toml"), main),
            *bases(dict(ds.attrs))]


def write_workbook(ds: xr.Dataset, path: Path) -> None:
    """tables.xlsx of the run ``ds`` at ``path`` (module doc)."""
    from openpyxl import Workbook

    from ..variables import VARIABLES

    wb = Workbook(write_only=True)
    for sheet, table in run_tables(ds):
        _add_sheet(wb, sheet, table)
    rows = assumptions(source_texts(ds))
    _plain_sheet(wb, "Assumptions", "Every value of the scenario file(s) with the source "
                 "comment written beside it", ["file", "line", "key", "value", "source"],
                 [[r.file, r.line, r.key, r.value, r.source] for r in rows],
                 [28, 6, 48, 40, 100])
    currency = str(ds.attrs.get("currency", ""))
    _plain_sheet(wb, "Variables", "The variables of results.nc (registry: "
                 "simulate/variables.py)", ["variable", "dimensions", "units", "name",
                                            "definition", "in this run"],
                 [[v.name, ", ".join(v.dims), v.units.replace("{currency}", currency),
                   v.long_name, v.description, "yes" if v.name in ds else "no"]
                  for v in VARIABLES.values()], [30, 26, 22, 36, 90, 10])
    about = [["title", str(ds.attrs.get("title", ""))],
             ["scenario id", str(ds.attrs.get("scenario_id", ""))],
             ["scenario file", str(ds.attrs.get("scenario_file", ""))],
             ["sha256 of the scenario file as written",
              str(ds.attrs.get("scenario_original_sha256", ""))],
             ["sha256 of the resolved scenario", str(ds.attrs.get("scenario_sha256", ""))],
             ["simulate version", str(ds.attrs.get("simulate_version", ""))],
             ["run at (UTC)", str(ds.attrs.get("created", ""))],
             ["country", str(ds.attrs.get("country", ""))],
             ["currency", currency],
             ["years", f"{ds.attrs.get('start_year')}-{ds.attrs.get('end_year')}"],
             ["records", ds.attrs.get("records", "")],
             ["seed", ds.attrs.get("seed", "")]]
    _plain_sheet(wb, "About", "What produced these tables", ["item", "value"],
                 [[k, _value(v)] for k, v in about], [40, 90])
    wb.save(path)
