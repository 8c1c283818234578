"""The tables of a run as data (columns with units and kinds, rows of raw values), and
the ONE CSV writer every CSV of simulate goes through.

A :class:`Table` holds raw numbers (shares as fractions, full precision); each
renderer formats them: :func:`write_table_csv` rounds (:func:`rounded`) and shows
shares as percentages; tables.xlsx (xlsx.py) stores the raw numbers with display
formats; report.html (html.py) shows them readable.

Rounding rule of the CSV files (docs/results.md): every number to 6 significant
digits, counts of persons and households to whole units; a share is written as a
percentage (``[%]`` in its header). The model's inputs (population totals, macro
paths, take-up) are known to 2-4 digits and a sample of records estimates totals
with a sampling error far above 1e-6 of them: 6 digits drop the floating-point noise
(``514687.63783083425`` persons -> ``514688``) while the rows of a table still add up
to their total within 1 in 100,000.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

#: significant digits of the numbers in CSV files
SIGNIFICANT = 6
#: variables of unit "1" that are ratios or indices, not shares (never shown in %)
RATIOS = {"bcr", "gini", "price_index", "err_roots"}
#: column kinds: text, year (an integer label), count (persons, households), money,
#: share (a fraction; % in CSV and in the workbook's display), ratio, number; "row": each
#: row says its kind in ``row["_kind"]`` (long tables mixing units); "exact": full
#: precision (the analysis tables of spsim sensitivity, whose numbers are compared
#: exactly with the API's)
KINDS = ("text", "year", "count", "money", "share", "ratio", "number", "row", "exact")


@dataclass(frozen=True)
class Column:
    """A table column: ``key`` in the rows, its ``name`` (CSV header), display ``units``
    (``%`` for shares), ``kind`` (KINDS) and ``description``, a readable name."""

    key: str
    name: str
    units: str = ""
    kind: str = "number"
    description: str = ""

    @property
    def header(self) -> str:
        """``cost [LAK]``, ``coverage [%]``, ``year``: the CSV header."""
        return f"{self.name} [{self.units}]" if self.units else self.name

    @property
    def label(self) -> str:
        """``total cost [LAK]``: the readable header of the workbook and the report (the
        variable's long name when it has one)."""
        name = self.description or self.name
        return f"{name} [{self.units}]" if self.units else name


@dataclass
class Table:
    """A table: ``name`` (file stem / sheet name), ``title`` (a sentence), columns, rows
    (dicts keyed by Column.key, raw values) and a note on what it shows."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, object]] = field(default_factory=list)
    note: str = ""


def kind_of(name: str, units: str) -> str:
    """The column kind of a variable ``name`` with ``units`` (docs/results.md)."""
    if name in RATIOS:
        return "ratio"
    if units in ("1", "1 per year"):
        return "share"
    if units in ("persons", "households"):
        return "count"
    if "per USD" in units:
        return "number"
    if units and units.split()[0].isupper() and len(units.split()[0]) == 3:
        return "money"  # an ISO currency code, optionally "of 2025", "per person"
    return "number"


def display_units(name: str, units: str) -> str:
    """Units as a header shows them: shares ``%`` (``% per year``), ratios as they are."""
    kind = kind_of(name, units)
    if kind == "share":
        return "% per year" if units == "1 per year" else "%"
    if kind == "ratio":
        return "0-1" if name == "gini" else ("count" if name == "err_roots" else "ratio")
    return units


def var_column(ds: xr.Dataset, var: str, name: str | None = None, key: str | None = None
               ) -> Column:
    """The Column of Dataset variable ``var`` (units from its attributes)."""
    units = str(ds[var].attrs.get("units", "")) if var in ds else ""
    return Column(key or var, name or var, display_units(var, units), kind_of(var, units),
                  str(ds[var].attrs.get("long_name", "")) if var in ds else "")


def rounded(value: float, kind: str) -> float:
    """``value`` to SIGNIFICANT digits (counts: and to whole units); shares as they are
    (call with the percentage)."""
    if not math.isfinite(value) or value == 0:
        return value
    digits = SIGNIFICANT - 1 - math.floor(math.log10(abs(value)))
    if kind == "count":
        digits = min(digits, 0)
    return round(value, digits)


def csv_cell(value: object, kind: str) -> str:
    """A cell of a CSV file: text as it is, NaN empty, numbers rounded (shares as %)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer) and kind in ("year", "text", "count", "exact"):
        return str(int(value))
    x = float(value)  # type: ignore[arg-type]
    if not math.isfinite(x):
        return ""
    if kind == "exact":
        return repr(x)
    if kind == "share":
        x *= 100.0
    if kind in ("text", "year"):
        return str(int(x)) if x.is_integer() else repr(x)
    r = rounded(x, kind)
    if r == 0:
        return "0"
    digits = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(r))))
    if kind == "count":
        digits = 0
    text = f"{r:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def write_table_csv(table: Table, path: Path) -> None:
    """``table`` as CSV at ``path``: the headers with units, the rows rounded (module
    doc). An empty table gives a file with its header only."""
    write_csv_rows(path, table.columns, table.rows)


def write_csv_rows(path: Path, columns: Sequence[Column], rows: Iterable[dict[str, object]]
                   ) -> None:
    """The one CSV writer: header from ``columns``, one line per row (module doc)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow([csv_cell(row.get(c.key), str(row.get("_kind", "number"))
                                      if c.kind == "row" else c.kind) for c in columns])
