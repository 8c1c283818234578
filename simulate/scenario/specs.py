"""The machinery of the scenario registry: spec classes that parse and check one key.

Each spec (:class:`Number`, :class:`Text`, :class:`Table`, ...) carries a key's
declaration (description, unit, default and role) and parses a TOML value against it,
collecting every problem in a :class:`Context`. The declarations themselves live in
:mod:`simulate.scenario.keys`, one module per table; the analysis specs (distributions,
key paths) in :mod:`simulate.scenario.analysis_specs`.

Roles (``Spec.role``; ``""`` inherits the enclosing table's role):

* ``population``: the population, its projection and the demographic rates depend on it;
* ``structure``: the population-dependent rule tables depend on it (besides the population);
* ``parameter``: a number the run reads but that changes neither (draws reuse both);
* ``analysis``: declares an analysis (sensitivity, uncertainty), never a model input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputWarning, Problem, did_you_mean

#: the roles a key can have (see the module docstring)
ROLES = ("population", "structure", "parameter", "analysis")


def reads(*paths: str) -> Callable[[Callable], Callable]:
    """Declare the key paths a cross-key check reads (``*``: any name; a path covers the
    keys below it): a variant that changes none of them keeps the base's verdict, and
    :func:`affected` lets the build skip the check."""

    def mark(check: Callable) -> Callable:
        check.reads = paths  # type: ignore[attr-defined]
        return check

    return mark


def affected(check: Callable, changed: tuple[str, ...] | None) -> bool:
    """Whether ``check`` must run for a variant that changed the key paths ``changed``
    (None: a new scenario, every check runs; a check that declares no :func:`reads`
    always runs)."""
    paths = getattr(check, "reads", None)
    if changed is None or paths is None:
        return True
    for key in changed:
        parts = [k.split("[")[0] for k in key.split(".")]
        for path in paths:
            pattern = path.split(".")
            if all(a == b or b == "*" for a, b in zip(parts, pattern, strict=False)):
                return True
    return False

REQUIRED: Any = object()
#: the largest magnitude of any number in a scenario: totals of larger ones overflow
#: float64 (1.8e308)
MAX_MAGNITUDE = 1e300
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Context:
    """Where each key came from, and the problems found so far."""

    origin: Callable[[str], str]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    #: the document as written (keys renamed, no defaults filled in), for a cross-key
    #: check that must tell a key given from its default
    given: Mapping[str, Any] | None = None

    def bad(self, key: str, expected: str, found: Any, hint: str = "", raw: bool = False) -> None:
        shown = str(found) if raw else _show(found)
        self.problems.append(Problem(self.origin(key), key, expected, shown, hint))

    def warn(self, key: str, expected: str, found: Any, hint: str = "",
             raw: bool = False) -> None:
        """A value allowed but probably not meant (see :class:`InputWarning`)."""
        shown = str(found) if raw else _show(found)
        self.warnings.append(InputWarning(self.origin(key), key, expected, shown, hint))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        if len(value) <= 6 and all(not isinstance(x, dict | list) for x in value):
            return "[" + ", ".join(_show(x) for x in value) + "]"
        return f"a list of {len(value)}"
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    return repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_finite(value: Any) -> bool:
    """A number that is neither NaN nor infinite."""
    return _is_number(value) and value == value and abs(value) != float("inf")


#: characters refused in every text value: C0/C1 control characters (NUL among them)
#: other than tab and newline; they cannot be written to NetCDF or shown in tables
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character(text: str) -> str:
    """The first control character of ``text`` as shown in a message (``'\\x00'``),
    or ''."""
    m = _CONTROL.search(text)
    return "" if m is None else repr(m.group(0)).strip("'")


def _text_ok(value: str, ctx: Context, key: str) -> bool:
    bad = control_character(value)
    if bad:
        ctx.bad(key, "text without control characters", f"{value!r} (contains {bad})",
                raw=True)
        return False
    return True


@dataclass(frozen=True)
class Spec:
    """Base of every parameter spec."""

    description: str = ""
    unit: str = ""
    default: Any = None
    #: population / structure / parameter / analysis; "" inherits the table's (see ROLES)
    role: str = ""
    #: the per-draw kernel parameter table the key fills, if any: a ``Kernel``
    #: (simulate/scenario/typed.py, which imports this module)
    kernel: Any = None
    #: the values of its table's ``selector`` key for which the key is read (empty:
    #: always), e.g. a benefit key read by type "top_up" only; set otherwise, an error
    applies: tuple[str, ...] = ()

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        raise NotImplementedError

    def type_name(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Number(Spec):
    """A number, optionally an integer, within [min, max] (an end excluded when
    min_open / max_open)."""

    min: float | None = None
    max: float | None = None
    integer: bool = False
    min_open: bool = False
    max_open: bool = False
    #: a value above ``warn_above`` (or below ``warn_below``) is allowed with a warning
    #: saying ``why`` (e.g. a percentage where a fraction is expected)
    warn_above: float | None = None
    warn_below: float | None = None
    why: str = ""

    def type_name(self) -> str:
        kind = "an integer" if self.integer else "a number"
        return kind + _bounds(self.min, self.max, self.min_open, self.max_open)

    def plausible(self, value: float, ctx: Context, key: str) -> None:
        """Warn when ``value`` is allowed but outside the plausible range."""
        if ((self.warn_above is not None and value > self.warn_above)
                or (self.warn_below is not None and value < self.warn_below)):
            ctx.warn(key, self.why, value)

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not _is_number(value) or (self.integer and not float(value).is_integer()):
            ctx.bad(key, self.type_name(), value)
            return None
        if value != value or value in (float("inf"), float("-inf")):
            ctx.bad(key, "a finite number", value)
            return None
        if abs(value) > MAX_MAGNITUDE:
            ctx.bad(key, f"a number of magnitude at most {MAX_MAGNITUDE:.0e} (totals of larger "
                    "numbers overflow float64)", value)
            return None
        low_bad = self.min is not None and (
            value <= self.min if self.min_open else value < self.min
        )
        high_bad = self.max is not None and (
            value >= self.max if self.max_open else value > self.max
        )
        if low_bad or high_bad:
            ctx.bad(key, self.type_name() + _unit(self.unit), value)
            return None
        self.plausible(value, ctx, key)
        return int(value) if self.integer else float(value)


def _bounds(lo: float | None, hi: float | None, lo_open: bool = False,
            hi_open: bool = False) -> str:
    if lo is not None and hi is not None:
        return f" in {'(' if lo_open else '['}{_num(lo)}, {_num(hi)}{')' if hi_open else ']'}"
    if lo is not None:
        return f" {'>' if lo_open else '>='} {_num(lo)}"
    if hi is not None:
        return f" {'<' if hi_open else '<='} {_num(hi)}"
    return ""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _unit(unit: str) -> str:
    return f" ({unit})" if unit and unit != "1" else ""


@dataclass(frozen=True)
class Text(Spec):
    """A string, optionally one of ``choices``; ``pattern`` a regex it must match."""

    choices: tuple[str, ...] = ()
    pattern: str = ""

    def type_name(self) -> str:
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return "a string"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, str):
            ctx.bad(key, self.type_name(), value)
            return None
        if not _text_ok(value, ctx, key):
            return None
        if self.choices and value not in self.choices:
            ctx.bad(key, self.type_name(), value, did_you_mean(value, self.choices))
            return None
        if self.pattern and not re.match(self.pattern, value):
            ctx.bad(key, f"a string matching {self.pattern}", value)
            return None
        return value


@dataclass(frozen=True)
class Boolean(Spec):
    """true or false."""

    def type_name(self) -> str:
        return "true or false"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, bool):
            ctx.bad(key, self.type_name(), value)
            return None
        return value


@dataclass(frozen=True)
class NumberOrText(Spec):
    """A number in [min, max] or one of ``choices`` (e.g. indexation = "cpi" or 0.03)."""

    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None

    def type_name(self) -> str:
        opts = ", ".join(repr(c) for c in self.choices)
        return f"{opts} or a number{_bounds(self.min, self.max)}"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if isinstance(value, str):
            if value in self.choices:
                return value
            ctx.bad(key, self.type_name(), value, did_you_mean(value, self.choices))
            return None
        return Number(min=self.min, max=self.max).parse(value, ctx, key) if _is_number(
            value
        ) else ctx.bad(key, self.type_name(), value)


def _parse_year(k: Any, ctx: Context, key: str) -> int | None:
    try:
        year = int(str(k))
    except ValueError:
        ctx.bad(f"{key}.{k}", "a calendar year as key", k)
        return None
    if not 1900 <= year <= 2300:
        ctx.bad(f"{key}.{k}", "a calendar year in [1900, 2300]", year)
        return None
    return year


@dataclass(frozen=True)
class Path(Spec):
    """A number, or a table ``{year = number}`` interpolated between years."""

    min: float | None = None
    max: float | None = None
    min_open: bool = False
    warn_above: float | None = None
    why: str = ""

    def type_name(self) -> str:
        return f"a number{_bounds(self.min, self.max, self.min_open)} or a table of year = number"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        inner = Number(min=self.min, max=self.max, unit=self.unit, min_open=self.min_open,
                       warn_above=self.warn_above, why=self.why)
        if isinstance(value, dict):
            if not value:
                ctx.bad(key, "at least one year = value", value)
                return None
            out: dict[int, float] = {}
            for k, v in value.items():
                year = _parse_year(k, ctx, key)
                parsed = inner.parse(v, ctx, f"{key}.{k}")
                if year is not None and parsed is not None:
                    out[year] = parsed
            return out
        if _is_number(value):
            return inner.parse(value, ctx, key)
        ctx.bad(key, self.type_name(), value)
        return None


@dataclass(frozen=True)
class YearAmounts(Spec):
    """A table ``{year = amount}`` of one-off amounts (not interpolated)."""

    min: float | None = 0.0

    def type_name(self) -> str:
        return "a table of year = amount"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[int, float] = {}
        for k, v in value.items():
            year = _parse_year(k, ctx, key)
            parsed = Number(min=self.min).parse(v, ctx, f"{key}.{k}")
            if year is not None and parsed is not None:
                out[year] = parsed
        return out


@dataclass(frozen=True)
class Range(Spec):
    """A pair [lo, hi] of numbers with lo < hi (lo <= x < hi)."""

    min: float | None = None
    integer: bool = False

    def type_name(self) -> str:
        return "a pair [lo, hi] with lo < hi"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
            ctx.bad(key, self.type_name(), value)
            return None
        if not all(map(_is_finite, value)):
            ctx.bad(key, "a pair [lo, hi] of finite numbers", value)
            return None
        lo, hi = float(value[0]), float(value[1])
        if lo >= hi or (self.min is not None and lo < self.min):
            bound = f", lo >= {_num(self.min)}" if self.min is not None else ""
            ctx.bad(key, f"a pair [lo, hi] with lo < hi{bound}", value)
            return None
        return (lo, hi)


@dataclass(frozen=True)
class Table(Spec):
    """A table with a fixed set of keys; unknown keys are errors."""

    fields: dict[str, Spec] = field(default_factory=dict)
    #: cross-key checks of this table, run after its keys: ``check(out, ctx, key, raw)``
    #: with the parsed table ``out`` and the document's ``raw`` value
    checks: tuple[Callable[[dict, Context, str, Any], None], ...] = ()
    #: the key whose value says which keys are read (the keys' ``applies``), e.g. a
    #: benefit's ``type``
    selector: str = ""

    def type_name(self) -> str:
        return "a table"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, Any] = {}
        for k, v in value.items():
            sub = f"{key}.{k}" if key else k
            if k not in self.fields:
                ctx.bad(sub, "a known key", "an unknown key", did_you_mean(k, list(self.fields)),
                        raw=True)
                continue
            out[k] = self.fields[k].parse(v, ctx, sub)
        for k, spec in self.fields.items():
            if k in out:
                continue
            sub = f"{key}.{k}" if key else k
            if spec.default is REQUIRED:
                ctx.problems.append(
                    Problem(ctx.origin(key or k), sub, spec.type_name() + _unit(spec.unit), "nothing")
                )
            elif isinstance(spec, Table):
                out[k] = spec.parse({}, ctx, sub) if spec.default is not None else None
            else:
                out[k] = spec.default
        for check in self.checks:
            check(out, ctx, key, value)
        return out


@dataclass(frozen=True)
class OptionalTable(Table):
    """A table, or ``false`` for none (a file that extends another can switch it off)."""

    def type_name(self) -> str:
        return "a table or false"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if value is False:
            return None
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        return super().parse(value, ctx, key)


@dataclass(frozen=True)
class MapOf(Spec):
    """A table whose keys are names chosen by the user (identifiers)."""

    value: Spec = field(default_factory=Spec)

    def type_name(self) -> str:
        return "a table of named entries"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out = {}
        for k, v in value.items():
            if not _IDENT.match(k):
                ctx.bad(f"{key}.{k}", "a name of letters, digits and _", k)
                continue
            out[k] = self.value.parse(v, ctx, f"{key}.{k}")
        return out


#: Condition keys with a fixed meaning in eligibility groups; any other key
#: names a column of the population (microdata) and is checked when the
#: population is known.
CONDITION_KEYS = {
    "age": "age in whole years at the start of the year, [lo, hi)",
    "age_months": "age in months (12*age + months), [lo, hi)",
    "sex": '"f" or "m"',
    "pregnant": "true or false (simulated from fertility unless the data carry it)",
    "disabled": "true or false",
    "urban": "true or false",
    "region": "a region name or a list of names",
    "random_<tag>": "[lo, hi) on a uniform draw in [0, 1) per person, fixed over the years "
    "(any tag; [0, p] selects a stable share p of persons, e.g. a prevalence the data do "
    "not carry)",
}


@dataclass(frozen=True)
class Eligibility(Spec):
    """Eligibility: a table of conditions (all must hold), or a list of such tables
    (any of them suffices). Values: [lo, hi) ranges, booleans, names."""

    def type_name(self) -> str:
        return "a table of conditions or a list of tables (any-of)"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        groups = value if isinstance(value, list) else [value]
        if not groups:
            ctx.bad(key, "at least one group of conditions", value)
            return None
        out = []
        for i, group in enumerate(groups):
            gkey = f"{key}[{i}]" if isinstance(value, list) else key
            if not isinstance(group, dict):
                ctx.bad(gkey, "a table of conditions", group)
                continue
            conds: dict[str, Any] = {}
            for k, v in group.items():
                ck = f"{gkey}.{k}"
                if k in ("age", "age_months"):
                    conds[k] = Range(min=0).parse(v, ctx, ck)
                elif k == "sex":
                    conds[k] = Text(choices=("f", "m")).parse(v, ctx, ck)
                elif k in ("pregnant", "disabled", "urban"):
                    conds[k] = Boolean().parse(v, ctx, ck)
                elif k == "region":
                    if isinstance(v, str) or (
                        isinstance(v, list) and v and all(isinstance(x, str) for x in v)
                    ):
                        names = [v] if isinstance(v, str) else v
                        if all(_text_ok(x, ctx, ck) for x in names):
                            conds[k] = tuple(names)
                    else:
                        ctx.bad(ck, "a region name or a list of names", v)
                elif not _IDENT.match(k):
                    ctx.bad(ck, "a condition key or a column name", k,
                            did_you_mean(k, list(CONDITION_KEYS)))
                elif isinstance(v, bool) or _is_finite(v) or (
                        isinstance(v, str) and _text_ok(v, ctx, ck)):
                    conds[k] = v
                elif isinstance(v, str):
                    pass  # reported by _text_ok
                elif isinstance(v, list) and len(v) == 2 and all(map(_is_number, v)):
                    conds[k] = Range().parse(v, ctx, ck)
                else:
                    ctx.bad(ck, "[lo, hi), a boolean, a number or a name", v)
            if not group:
                ctx.bad(gkey, "at least one condition", group)
            out.append(conds)
        return out


@dataclass(frozen=True)
class Names(Spec):
    """A list of names (strings)."""

    def type_name(self) -> str:
        return "a list of names"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            ctx.bad(key, self.type_name(), value)
            return None
        if not all(_text_ok(x, ctx, key) for x in value):
            return None
        return tuple(value)


@dataclass(frozen=True)
class NumberMap(Spec):
    """A table of name = number."""

    min: float | None = None

    def type_name(self) -> str:
        return "a table of name = number"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out = {}
        for k, v in value.items():
            parsed = Number(min=self.min).parse(v, ctx, f"{key}.{k}")
            if parsed is not None:
                out[k] = parsed
        return out


@dataclass(frozen=True)
class NumberList(Spec):
    """A non-empty list of numbers >= min (increasing when ``increasing``)."""

    min: float | None = 0.0
    increasing: bool = False

    def type_name(self) -> str:
        inc = " increasing" if self.increasing else ""
        return f"a non-empty list of{inc} numbers{_bounds(self.min, None)}"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        ok = isinstance(value, list) and value and all(
            _is_finite(x) and abs(x) <= MAX_MAGNITUDE for x in value)
        if ok and self.min is not None:
            ok = all(x >= self.min for x in value)
        if ok and self.increasing:
            ok = all(b > a for a, b in zip(value, value[1:], strict=False))
        if not ok:
            ctx.bad(key, self.type_name(), value)
            return None
        return tuple(float(x) for x in value)


@dataclass(frozen=True)
class TakeUp(Spec):
    """A share, or ``{ default = share, groups = [{ <conditions>, rate = share }, ...] }``
    where the first group whose conditions hold gives the rate."""

    def type_name(self) -> str:
        return "a share in [0, 1] or a table { default, groups }"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        share = Number(min=0.0, max=1.0)
        if not isinstance(value, dict):
            return share.parse(value, ctx, key)
        unknown = set(value) - {"default", "groups"}
        for k in unknown:
            ctx.bad(f"{key}.{k}", "a known key", "an unknown key",
                    did_you_mean(k, ["default", "groups"]), raw=True)
        default = share.parse(value.get("default", 1.0), ctx, f"{key}.default")
        groups = value.get("groups", [])
        if not isinstance(groups, list):
            ctx.bad(f"{key}.groups", "a list of tables", groups)
            return None
        out = []
        for i, g in enumerate(groups):
            gkey = f"{key}.groups[{i}]"
            if not isinstance(g, dict) or "rate" not in g:
                ctx.bad(gkey, "a table of conditions with a rate", g)
                continue
            rate = share.parse(g["rate"], ctx, f"{gkey}.rate")
            conds = {k: v for k, v in g.items() if k != "rate"}
            for k in ("age", "age_months", "pregnant"):
                if k in conds:
                    ctx.bad(f"{gkey}.{k}", "a condition that does not change over time "
                            "(sex, region, urban, disabled or a column)", k)
            parsed = Eligibility().parse(conds, ctx, gkey) if conds else [{}]
            out.append((parsed[0] if parsed else {}, rate))
        return {"default": default, "groups": out}


@dataclass(frozen=True)
class ListOf(Spec):
    """An array of tables (``[[returns.streams]]``), each checked against ``item``."""

    item: Spec = field(default_factory=Spec)

    def type_name(self) -> str:
        return "an array of tables ([[...]])"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            ctx.bad(key, self.type_name(), value)
            return None
        return [self.item.parse(v, ctx, f"{key}[{i}]") for i, v in enumerate(value)]


@dataclass(frozen=True)
class Values(Spec):
    """A non-empty list of numbers (one a year, or one a year of a unit's life); with
    ``by_year`` also a table ``{year = number}`` (years not given are 0)."""

    min: float | None = None
    by_year: bool = False

    def type_name(self) -> str:
        text = f"a non-empty list of numbers{_bounds(self.min, None)}"
        return text + (" or a table of year = number" if self.by_year else "")

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        inner = Number(min=self.min, unit=self.unit)
        if isinstance(value, dict) and self.by_year and value:
            out: dict[int, float] = {}
            for k, v in value.items():
                year = _parse_year(k, ctx, key)
                parsed = inner.parse(v, ctx, f"{key}.{k}")
                if year is not None and parsed is not None:
                    out[year] = parsed
            return out
        if not isinstance(value, list) or not value:
            ctx.bad(key, self.type_name(), value)
            return None
        out_list = [inner.parse(v, ctx, f"{key}[{i}]") for i, v in enumerate(value)]
        return None if any(v is None for v in out_list) else tuple(out_list)


@dataclass(frozen=True)
class Identifiers(Spec):
    """A list of names (programme ids)."""

    def type_name(self) -> str:
        return "a list of names"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            ctx.bad(key, self.type_name(), value)
            return None
        return tuple(value)


@dataclass(frozen=True)
class KeyPair(Spec):
    """Two parameter key paths (strings)."""

    def type_name(self) -> str:
        return 'a pair ["key.path", "key.path"]'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not (isinstance(value, list) and len(value) == 2
                and all(isinstance(x, str) for x in value)):
            ctx.bad(key, self.type_name(), value)
            return None
        return (value[0], value[1])


@dataclass(frozen=True)
class Sources(Spec):
    """A year path (one source, ``other``) or a table of named sources, each a year path."""

    def type_name(self) -> str:
        return ("a number, a table of year = number, or a table of named sources (government, "
                "donor_basket, ...) each a number or a table of year = number")

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        path = Path(min=0, unit=self.unit)
        if isinstance(value, dict) and value and all(
                re.match(r"^\d+$", str(k)) for k in value):
            parsed = path.parse(value, ctx, key)
            return None if parsed is None else {"other": parsed}
        if _is_number(value):
            parsed = path.parse(value, ctx, key)
            return None if parsed is None else {"other": parsed}
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out = {}
        for k, v in value.items():
            if not _IDENT.match(k):
                ctx.bad(f"{key}.{k}", "a source name of letters, digits and _", k)
                continue
            out[k] = path.parse(v, ctx, f"{key}.{k}")
        return out


@dataclass(frozen=True)
class Matrix(Spec):
    """A square matrix as a list of rows (numbers in [min, max])."""

    min: float = -1.0
    max: float = 1.0

    def type_name(self) -> str:
        return f"a square matrix (a list of equal-length lists of numbers in [{_num(self.min)}, " \
               f"{_num(self.max)}])"

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        n = len(value) if isinstance(value, list) else 0
        if (not n or not all(isinstance(r, list) and len(r) == n for r in value)
                or not all(_is_number(x) for r in value for x in r)):
            ctx.bad(key, self.type_name(), value)
            return None
        rows = tuple(tuple(float(x) for x in r) for r in value)
        if any(not self.min <= x <= self.max for r in rows for x in r):
            ctx.bad(key, self.type_name(), value)
            return None
        return rows
