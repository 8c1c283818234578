"""Household microdata (CSV or Parquet) read into a :class:`Population`.

One row per person. Columns (names exact, surrounding spaces ignored):

* required: ``household_id`` (text or integer), ``age`` (whole years at the
  start of the year, 0..120), ``sex`` (``"f"``/``"m"``/``"female"``/``"male"``
  in any case, or ``1`` = female, ``0`` = male), ``weight`` (persons the row
  represents, finite, > 0 and at most 1e10; the weights' total at most 1e10);
* optional: ``region`` (a name; with ``region_names`` also an integer code),
  ``urban``, ``disabled``, ``pregnant`` (booleans: true/false, yes/no, y/n,
  t/f, 1/0, any case; an empty cell is false), ``welfare`` (annual per-capita
  consumption, local currency, finite >= 0; empty = unknown, NaN), ``months``
  (completed months past ``age``, 0..11; empty = unknown, -1), ``income``
  (annual, local currency, kept as ``extra["income"]``; empty = NaN);
* any other column is kept in ``Population.extra`` as float64: numbers as
  they are; boolean-like columns (only true/false/yes/no/0/1) as 0/1; text as
  integer codes with the sorted labels in ``extra_labels[name]`` (code k is
  label k). Empty cells are NaN.

A cell is empty when blank or one of ``NA``, ``N/A``, ``NaN``, ``null`` (any
case); an empty required cell is an error. Rows are numbered as a
spreadsheet shows them: the header is row 1 and the first person is row 2
(Parquet rows are numbered the same way, as if exported to CSV). Blank CSV
lines are skipped but keep their row numbers, so numbers match the
spreadsheet's.

Household ids are mapped to int64 codes 0, 1, ... in the sorted order of the
ids (as text). A household's rows need not be contiguous in the file. The
records come back in canonical order, whatever the order of the rows: by
household code, and each household's members by their own attributes (the
eldest first; see :mod:`simulate.population.identity`, which also keys each
record's random numbers by its household and its place in that order), so a
file whose rows are shuffled gives the same population and the same results.

Rows that cannot be are errors too: a pregnant man, a pregnant person younger than
``MIN_PREGNANT_AGE``, a household of more than ``MAX_HOUSEHOLD`` members (reported
at its first row), a control character (NUL...) in a text cell. A household of more
than ``WARN_HOUSEHOLD`` members, or one whose weight is more than half the total
among at least 10 households, is a warning (:mod:`simulate.plausibility`).

Every bad cell is reported (the first 50, then a count of the rest) in one
:class:`~simulate.errors.DataError` whose messages read
``<file>: row N, column 'name' expected X, found Y``. A check that fails in every
row of a file of several rows gives one message for the column.
"""

from __future__ import annotations

import csv
import gc
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from simulate.errors import DataError, Problem, closest, did_you_mean
from simulate.population.identity import canonical
from simulate.population.records import CORE_DTYPES, Population, empty_arrays

REQUIRED = ("household_id", "age", "sex", "weight")
OPTIONAL = ("region", "urban", "welfare", "income", "disabled", "pregnant", "months")
#: Most problems listed in one error; the rest are counted in a last line.
MAX_PROBLEMS = 50
MAX_AGE = 120
#: most persons one row may represent, and all rows together (more than the world)
MAX_WEIGHT = 1e10
#: youngest age at which a person may be pregnant
MIN_PREGNANT_AGE = 10
#: most members of one household (an error), and the size that draws a warning
MAX_HOUSEHOLD = 1000
WARN_HOUSEHOLD = 100
#: a household holding more than this share of the total weight (among at least
#: DOMINANT_MIN_HOUSEHOLDS households) is a warning
DOMINANT_SHARE = 0.5
DOMINANT_MIN_HOUSEHOLDS = 10

_MISSING = ("", "na", "n/a", "nan", "null")
_TRUE = ("1", "1.0", "true", "yes", "y", "t")
_FALSE = ("0", "0.0", "false", "no", "n", "f")
_BOOL_LIKE = ("true", "false", "yes", "no", "0", "1")
_FEMALE = ("f", "female", "1", "1.0")
_MALE = ("m", "male", "0", "0.0")
_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_lower = getattr(np, "strings", np.char).lower
_strip = getattr(np, "strings", np.char).strip


def read_microdata(
    path: str | Path, year: int, region_names: tuple[str, ...] | None = None
) -> Population:
    """Read person records from a CSV or Parquet file (chosen by suffix).

    ``year`` is the calendar year the ages refer to (every record's
    ``entry_year``). With ``region_names``, region cells must be one of those
    names (or an integer code below ``len(region_names)``) and codes are
    positions in it; without it the region names found, sorted, become
    ``region_names``. Without a ``region`` column everyone is in region 0,
    ``"national"``. ``sex`` is 1 for female, 0 for male; ``weight`` is persons
    represented. Records come back grouped by household (see the module
    docstring). Raises :class:`DataError` listing every problem found.
    """
    where = str(path)
    path = Path(path)
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        found = repr(path.suffix) if path.suffix else "no suffix"
        raise DataError(Problem(where, "file", "a .csv, .parquet or .pq file", found))
    if not path.is_file():
        raise DataError(Problem(where, "file", "an existing file", "none"))
    if kind == "csv":
        names, columns, rows, problems = _read_csv(path, where)
    else:
        names, columns, rows, problems = _read_parquet(path, where)
    return _build(where, year, region_names, names, columns, rows, problems)


# --------------------------------------------------------------------- reading
_Table = tuple[list[str], dict[str, Sequence[str]], np.ndarray, list[Problem]]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of lists."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_csv(path: Path, where: str) -> _Table:
    with _gc_paused():
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                records = list(csv.reader(handle))
        except UnicodeDecodeError:
            raise DataError(_not_utf8(path, where)) from None
        except csv.Error as exc:
            raise DataError(Problem(where, "file", "valid CSV", str(exc))) from None
        # Record k (0-based) is spreadsheet row k + 1; leading blank lines are skipped.
        first = 0
        while first < len(records) and not any(cell.strip() for cell in records[first]):
            first += 1
        if first == len(records):
            raise DataError(_no_header(where, "an empty file"))
        header = [cell.strip() for cell in records[first]]
        width = len(header)
        body = records[first + 1 :]
        del records
        problems: list[Problem] = []
        if all(len(r) == width for r in body) and all(map(any, body)):
            rows = np.arange(first + 2, first + 2 + len(body), dtype=np.int64)
        else:
            kept: list[list[str]] = []
            numbers: list[int] = []
            for k, record in enumerate(body, start=first + 2):
                if not any(record):
                    continue  # a blank line, or only commas
                if len(record) != width:
                    found = str(len(record))
                    problems.append(
                        Problem(where, f"row {k}", f"{width} fields as in the header", found)
                    )
                    record = (record + [""] * width)[:width]
                kept.append(record)
                numbers.append(k)
            body = kept
            rows = np.asarray(numbers, dtype=np.int64)
        if not body:
            raise DataError(Problem(where, "rows", "at least one person record", "only the header"))
        columns: dict[str, Sequence[str]] = {}
        for name, cells in zip(header, zip(*body, strict=True), strict=True):
            columns.setdefault(name, cells)
        del body
    return header, columns, rows, problems


def _not_utf8(path: Path, where: str) -> Problem:
    """The problem of a CSV file that is not UTF-8: the first bad byte and its row."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        found = "text that is not UTF-8"
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        found = f"byte 0x{data[exc.start]:02x} in row {row}, which is not UTF-8"
    hint = ("a binary file?" if b"\x00" in data[:4096]
            else "save the file as UTF-8 (CSV UTF-8 in a spreadsheet)")
    return Problem(where, "file", "UTF-8 text", found, hint)


def _read_parquet(path: Path, where: str) -> _Table:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(
            Problem(
                where,
                "file",
                'pyarrow to read Parquet (pip install "simulate[parquet]")',
                "pyarrow not installed",
            )
        ) from None
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise DataError(Problem(where, "file", "a readable Parquet file", str(exc))) from None
    names = [str(name).strip() for name in table.column_names]
    if not names:
        raise DataError(_no_header(where, "no columns"))
    if table.num_rows == 0:
        raise DataError(Problem(where, "rows", "at least one person record", "no rows"))
    problems: list[Problem] = []
    columns: dict[str, Sequence[str]] = {}
    for name, column in zip(names, table.columns, strict=True):
        # Every cell in text form, so Parquet follows exactly the CSV rules
        # (Arrow writes floats in shortest round-trip form).
        try:
            text = pc.fill_null(pc.cast(column, pa.string()), "")
        except (pa.ArrowException, TypeError):
            problems.append(
                Problem(where, f"column {name!r}", "numbers, booleans or text", str(column.type))
            )
            continue
        columns.setdefault(name, text.to_numpy(zero_copy_only=False))
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    return names, columns, rows, problems


def _no_header(where: str, found: str) -> Problem:
    return Problem(where, "header", "a header row naming columns " + ", ".join(REQUIRED), found)


# ------------------------------------------------------------------ columns
@cache
def _case_variants(words: tuple[str, ...]) -> np.ndarray:
    """Every upper/lower-case spelling of ``words`` (to match without lowering)."""
    out = {
        "".join(chars)
        for word in words
        for chars in itertools.product(*[{c.lower(), c.upper()} for c in word])
    }
    return np.array(sorted(out), dtype=str)


class _Column:
    """One column's raw cells, with lazily built text and number views."""

    def __init__(self, name: str, cells: Sequence[str]) -> None:
        self.name = name
        self.cells = cells
        self._text: np.ndarray | None = None
        self._unique: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def text(self) -> np.ndarray:
        """Cells as a numpy str array, surrounding spaces removed."""
        if self._text is None:
            self._text = _strip(np.array(self.cells, dtype=str))
        return self._text

    def unique(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct stripped cells and, per row, the index of its cell among them."""
        if self._unique is None:
            uniq, inverse = np.unique(self.text, return_inverse=True)
            self._unique = (uniq, inverse.reshape(-1))
        return self._unique

    def is_one_of(self, words: tuple[str, ...]) -> np.ndarray:
        """Rows whose cell, lower-cased, is one of ``words`` (lower-case)."""
        uniq, inverse = self.unique()
        return np.isin(_lower(uniq), words)[inverse]

    def empty(self) -> np.ndarray:
        return np.isin(self.text, _case_variants(_MISSING))

    def show(self, i: int) -> str:
        cell = str(self.cells[i]).strip()
        return repr(cell) if cell else "an empty cell"

    def floats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(values, empty, unparsable): values NaN where empty or unparsable."""
        n = len(self)
        try:  # fast path: every cell is a number (NaN counts as empty)
            values = np.fromiter(map(float, self.cells), np.float64, count=n)
            return values, np.isnan(values), np.zeros(n, dtype=bool)
        except (ValueError, TypeError):
            pass
        empty = self.empty()
        values = np.full(n, np.nan)
        bad = np.zeros(n, dtype=bool)
        present = np.flatnonzero(~empty)
        uniq, inverse = np.unique(self.text[present], return_inverse=True)
        parsed = np.full(len(uniq), np.nan)
        unparsable = np.zeros(len(uniq), dtype=bool)
        for k, cell in enumerate(uniq.tolist()):
            try:
                parsed[k] = float(cell)
            except ValueError:
                unparsable[k] = True
        inverse = inverse.reshape(-1)
        values[present] = parsed[inverse]
        bad[present] = unparsable[inverse]
        empty |= np.isnan(values) & ~bad
        return values, empty, bad


# ------------------------------------------------------------------ validation
@dataclass
class _Issue:
    """The cells of one column that fail one check."""

    column: _Column
    order: int
    index: np.ndarray  # positions (0-based, in file order)
    expected: str
    hint: Callable[[int], str] | None = None


class _Checker:
    """Collects issues; turns the first ``MAX_PROBLEMS`` (by row) into Problems."""

    def __init__(self, where: str, rows: np.ndarray, names: list[str]) -> None:
        self.where = where
        self.rows = rows
        self.order = {name: j for j, name in enumerate(names)}
        self.issues: list[_Issue] = []

    def flag(
        self,
        column: _Column,
        bad: np.ndarray,
        expected: str,
        hint: Callable[[int], str] | None = None,
    ) -> None:
        index = np.flatnonzero(bad)
        if index.size:
            order = self.order.get(column.name, 0)
            self.issues.append(_Issue(column, order, index, expected, hint))

    @property
    def count(self) -> int:
        return sum(issue.index.size for issue in self.issues)

    def whole_columns(self) -> list[Problem]:
        """One problem for each check that fails in every row of a file of several rows
        (an all-zero weight column), those issues then dropped."""
        n = len(self.rows)
        out = []
        for issue in [i for i in self.issues if n > 1 and i.index.size == n]:
            cells = {issue.column.show(int(k)) for k in issue.index[:1000]}
            if len(cells) == 1 and issue.index.size <= 1000:
                found = f"{cells.pop()} in every row ({n} rows)"
            elif len(cells) == 1:
                found = f"{issue.column.show(0)} in every row checked ({n} rows)"
            else:
                shown = ", ".join(sorted(cells)[:3])
                found = f"no valid cell in any of the {n} rows (e.g. {shown})"
            out.append(Problem(self.where, f"column {issue.column.name!r}", issue.expected,
                               found))
            self.issues.remove(issue)
        return out

    def problems(self, limit: int) -> list[Problem]:
        """The first ``limit`` problems, by row and then column."""
        if not self.issues or limit <= 0:
            return []
        pos = np.concatenate([issue.index for issue in self.issues])
        col = np.concatenate([np.full(i.index.size, i.order) for i in self.issues])
        which = np.concatenate([np.full(i.index.size, k) for k, i in enumerate(self.issues)])
        out = []
        for t in np.lexsort((which, col, pos))[:limit]:
            issue = self.issues[which[t]]
            i = int(pos[t])
            key = f"row {self.rows[i]}, column {issue.column.name!r}"
            hint = issue.hint(i) if issue.hint else ""
            out.append(Problem(self.where, key, issue.expected, issue.column.show(i), hint))
        return out


def _whole(
    check: _Checker, col: _Column, lo: int, hi: int, expected: str, allow_empty: bool
) -> np.ndarray:
    """Whole numbers lo..hi as float64 (NaN where empty); flags everything else."""
    values, empty, _ = col.floats()
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(values) & (values == np.floor(values)) & (values >= lo) & (values <= hi)
    check.flag(col, ~ok & ~empty if allow_empty else ~ok, expected)
    return np.where(ok, values, np.nan)


def _bool(check: _Checker, col: _Column) -> np.ndarray:
    true = col.is_one_of(_TRUE)
    valid = true | col.is_one_of(_FALSE + _MISSING)
    check.flag(col, ~valid, "true/false, yes/no or 1/0")
    return true.astype(np.int8)


# -------------------------------------------------------------------- building
def _build(
    where: str,
    year: int,
    region_names: tuple[str, ...] | None,
    names: list[str],
    columns: dict[str, Sequence[str]],
    rows: np.ndarray,
    problems: list[Problem],
) -> Population:
    n = len(rows)
    for name in sorted({x for x in names if names.count(x) > 1}):
        found = f"{names.count(name)} columns named {name!r}"
        problems.append(Problem(where, f"column {name!r}", "each column named once", found))
    for name in REQUIRED:
        if name not in names:
            near = closest(name, names)
            problems.append(
                Problem(
                    where,
                    f"column {name!r}",
                    f"a column named {name!r}",
                    "columns " + ", ".join(names),
                    f"did you mean {near!r}?" if near else "",
                )
            )
    reserved = set(CORE_DTYPES) - set(REQUIRED) - set(OPTIONAL)
    for name in names:
        if name in reserved:
            expected = "a column name the engine does not reserve"
            problems.append(Problem(where, f"column {name!r}", expected, repr(name)))
        elif name == "":
            problems.append(Problem(where, "header", "a name for every column", "an empty name"))

    cols = {name: _Column(name, cells) for name, cells in columns.items()}
    check = _Checker(where, rows, names)
    arrays = empty_arrays(n)

    codes = np.zeros(n, dtype=np.int64)
    if "household_id" in cols:
        col = cols["household_id"]
        check.flag(col, col.empty(), "a household id")
        _, inverse = col.unique()
        codes = inverse.astype(np.int64)  # in order of the sorted ids (not of the rows)
    arrays["household_id"] = codes

    if "age" in cols:
        expected = f"a whole number of years 0..{MAX_AGE}"
        age = _whole(check, cols["age"], 0, MAX_AGE, expected, allow_empty=False)
        arrays["age"] = np.nan_to_num(age).astype(np.int16)

    if "sex" in cols:
        col = cols["sex"]
        female = col.is_one_of(_FEMALE)
        bad = ~(female | col.is_one_of(_MALE))
        check.flag(col, bad, '"f"/"m", "female"/"male" or 1 (female)/0 (male)')
        arrays["sex"] = female.astype(np.int8)

    if "weight" in cols:
        col = cols["weight"]
        w, _, _ = col.floats()
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(w) & (w > 0)
            huge = ok & (w > MAX_WEIGHT)
        check.flag(col, ~ok, "a finite number > 0 (persons represented)")
        check.flag(col, huge, f"at most {MAX_WEIGHT:.0e} persons represented by one row")
        arrays["weight"] = np.where(ok & ~huge, w, 0.0)
        total = float(np.sum(arrays["weight"]))
        if not huge.any() and total > MAX_WEIGHT:
            problems.append(Problem(where, "column 'weight'", f"weights totalling at most "
                                    f"{MAX_WEIGHT:.0e} persons (more than the world)",
                                    f"a total of {total:.4g}"))

    if "welfare" in cols:
        col = cols["welfare"]
        v, empty, _ = col.floats()
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(v) & (v >= 0)
        check.flag(col, ~ok & ~empty, "a finite number >= 0 or an empty cell")
        arrays["welfare"] = np.where(ok, v, np.nan)

    if "months" in cols:
        expected = "a whole number of months 0..11 or an empty cell"
        m = _whole(check, cols["months"], 0, 11, expected, allow_empty=True)
        arrays["months"] = np.where(np.isnan(m), -1, m).astype(np.int8)

    for name in ("urban", "disabled", "pregnant"):
        if name in cols:
            arrays[name] = _bool(check, cols[name])
    if "pregnant" in cols:
        pregnant = arrays["pregnant"] == 1
        if "sex" in cols:
            check.flag(cols["pregnant"], pregnant & cols["sex"].is_one_of(_MALE),
                       "false for a man (column 'sex' says male)")
        if "age" in cols:
            check.flag(cols["pregnant"], pregnant & (arrays["age"] < MIN_PREGNANT_AGE),
                       f"false below age {MIN_PREGNANT_AGE}")
    for name, col in cols.items():
        if name in ("region", "household_id") or name not in set(REQUIRED) | set(
                OPTIONAL) | set(CORE_DTYPES):
            uniq, inverse = col.unique()
            bad = np.array([bool(_CONTROL.search(u)) for u in uniq.tolist()], dtype=bool)
            if bad.any():
                check.flag(col, bad[inverse], "text without control characters")

    labels_out: tuple[str, ...] = ("national",)
    if "region" in cols:
        arrays["region"], labels_out = _regions(check, cols["region"], region_names)

    extra: dict[str, np.ndarray] = {}
    labels: dict[str, tuple[str, ...]] = {}
    if "income" in cols:
        col = cols["income"]
        v, empty, bad = col.floats()
        bad |= ~np.isfinite(v) & ~empty
        check.flag(col, bad, "a finite number or an empty cell")
        extra["income"] = np.where(bad, np.nan, v)
    known = set(REQUIRED) | set(OPTIONAL) | set(CORE_DTYPES)
    for name, col in cols.items():
        if name in known or name == "":
            continue
        extra[name], found = _extra(col)
        if found is not None:
            labels[name] = found

    if "household_id" in cols and n:
        problems += _household_sizes(where, rows, codes)
    # File-level problems first, then bad cells by row; at most MAX_PROBLEMS listed.
    problems += check.whole_columns()
    total = len(problems) + check.count
    problems = problems[:MAX_PROBLEMS]
    problems += check.problems(MAX_PROBLEMS - len(problems))
    if total > len(problems):
        found = f"{total - len(problems)} more problems (not listed)"
        problems.append(Problem(where, "further rows", "no more problems", found))
    if problems:
        raise DataError(problems)

    arrays["entry_year"] = np.full(n, year, dtype=np.int16)
    population = Population(
        year=year,
        region_names=labels_out,
        has_pregnant="pregnant" in cols,
        has_disabled="disabled" in cols,
        has_months="months" in cols,
        extra=extra,
        extra_labels=labels,
        source=where,
        **arrays,
    )
    _warn_households(where, rows, codes, arrays["weight"])
    return canonical(population)  # the same records whatever the order of the rows


def _household_sizes(where: str, rows: np.ndarray, codes: np.ndarray) -> list[Problem]:
    """Households of more than MAX_HOUSEHOLD members, at their first row."""
    sizes = np.bincount(codes)
    out = []
    for code in np.flatnonzero(sizes > MAX_HOUSEHOLD)[:MAX_PROBLEMS]:
        first = int(rows[np.argmax(codes == code)])
        out.append(Problem(where, f"row {first}, column 'household_id'",
                           f"a household of at most {MAX_HOUSEHOLD} members",
                           f"{int(sizes[code]):,} rows with this household's id"))
    return out


def _warn_households(where: str, rows: np.ndarray, codes: np.ndarray,
                     weight: np.ndarray) -> None:
    """Warnings: households of more than WARN_HOUSEHOLD members; one household holding
    more than DOMINANT_SHARE of the total weight."""
    from simulate.errors import InputWarning, warn

    sizes = np.bincount(codes)
    for code in np.flatnonzero(sizes > WARN_HOUSEHOLD)[:5]:
        first = int(rows[np.argmax(codes == code)])
        warn(InputWarning(where, f"row {first}, column 'household_id'",
                          f"a household of at most {WARN_HOUSEHOLD} members (an "
                          "institution, or ids repeated by mistake?)",
                          f"{int(sizes[code]):,} rows with this household's id"))
    if len(sizes) >= DOMINANT_MIN_HOUSEHOLDS:
        by_household = np.bincount(codes, weights=weight)
        top = int(np.argmax(by_household))
        share = by_household[top] / by_household.sum()
        if share > DOMINANT_SHARE:
            first = int(rows[np.argmax(codes == top)])
            warn(InputWarning(where, f"row {first}, column 'weight'",
                              f"weights of which no household holds more than "
                              f"{DOMINANT_SHARE:.0%} of the total",
                              f"{share:.1%} of the total weight in this household"))


def _regions(
    check: _Checker, col: _Column, region_names: tuple[str, ...] | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Region codes (int16) and names."""
    text = col.text
    uniq, inverse = col.unique()
    missing = np.isin(uniq, _case_variants(_MISSING))
    if region_names is None:
        check.flag(col, missing[inverse], "a region name")
        found = [u for u, m in zip(uniq.tolist(), missing, strict=True) if not m]
        numeric = all(u.isdigit() for u in found)
        names = tuple(sorted(found, key=int) if numeric else found) or ("national",)
        lookup = {label: k for k, label in enumerate(names)}
        table = np.array([lookup.get(u, 0) for u in uniq.tolist()], dtype=np.int16)
        return table[inverse], names
    names = tuple(region_names)
    lookup = {label: k for k, label in enumerate(names)}
    table = np.zeros(len(uniq), dtype=np.int16)
    bad = np.zeros(len(uniq), dtype=bool)
    for k, u in enumerate(uniq.tolist()):
        if u in lookup:
            table[k] = lookup[u]
        elif u.isdigit() and int(u) < len(names):
            table[k] = int(u)
        else:
            bad[k] = True
    expected = "one of the regions " + ", ".join(names)
    if names:
        expected += f" (or a code 0..{len(names) - 1})"

    def hint(i: int) -> str:
        return did_you_mean(str(text[i]), names) if text[i] else ""

    check.flag(col, bad[inverse], expected, hint)
    return table[inverse], names


def _extra(col: _Column) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """An unknown column as float64: numbers, booleans as 0/1, or text codes + labels."""
    values, empty, bad = col.floats()
    if not bad.any():
        return values, None
    present = ~empty
    if col.is_one_of(_BOOL_LIKE)[present].all():
        ones = col.is_one_of(("true", "yes", "1"))
        return np.where(empty, np.nan, ones.astype(np.float64)), None
    uniq, inverse = col.unique()
    used = np.zeros(len(uniq), dtype=bool)
    used[inverse[present]] = True
    code_of = np.cumsum(used) - 1.0  # sorted labels actually present
    codes = np.where(present, code_of[inverse], np.nan)
    return codes, tuple(uniq[used].tolist())
