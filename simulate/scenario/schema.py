"""The scenario file's parameters: one metadata record per key.

Each key has a type, a unit, an allowed range, a default and a description.
Validation walks a parsed TOML document against :data:`SCENARIO`, collects every
problem (unknown keys with the nearest valid one, wrong types, values out of
range) and returns plain values with defaults filled in. The scenario reference
in ``docs/scenario-reference.md`` is generated from this registry
(``spsim reference``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputWarning, Problem, did_you_mean

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


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

SHARE = {"min": 0.0, "max": 1.0, "unit": "1"}

PROGRAMME = Table(
    description="One benefit programme.",
    fields={
        "label": Text(description="Name shown in tables and charts.", default=""),
        "unit": Text(
            choices=("person", "household"),
            default="person",
            description="Who receives the benefit: a person, or a household (eligible when "
            "any member meets the conditions; counted as households and as persons).",
        ),
        "eligibility": Eligibility(
            default=None,
            description="Who is eligible: a table of conditions that must all hold, or a "
            "list of such tables of which any suffices; omitted: everyone.",
        ),
        "benefit": Table(
            default=REQUIRED,
            description="The benefit paid to each beneficiary.",
            fields={
                "type": Text(
                    choices=("flat", "top_up", "utility"), default="flat",
                    description='"flat": the same amount to every beneficiary; "top_up": '
                    "max(0, guaranteed_minimum x equivalence size - taper x (income - "
                    'disregard)), capped at maximum (household unit); "utility": max(0, '
                    "normative_cost[size] x region_factor - share_of_income x income) "
                    "(household unit).",
                ),
                "amount": Number(
                    min=0, default=None, unit="currency per period",
                    description="Amount per period in start_year prices (type flat).",
                ),
                "guaranteed_minimum": Number(
                    min=0, default=None, unit="currency per period per equivalent adult",
                    description="Income guaranteed per equivalent adult (type top_up).",
                ),
                "equivalence": Table(
                    default=None,
                    description="Equivalence scale of a top-up: the first adult, each other "
                    "adult, each child.",
                    fields={
                        "first": Number(min=0, min_open=True, default=REQUIRED, unit="1",
                                        description="Weight of the first adult."),
                        "other_adult": Number(min=0, default=1.0, unit="1",
                                              description="Weight of each further adult."),
                        "child": Number(min=0, default=1.0, unit="1",
                                        description="Weight of each child."),
                        "child_age": Number(min=1, max=30, integer=True, default=18,
                                            unit="years",
                                            description="Children are younger than this."),
                    },
                ),
                "income": Names(
                    default=("income",),
                    description="Columns of the population summed over members as the "
                    "household's income (annual, start_year prices).",
                ),
                "income_from": Names(
                    default=(),
                    description="Earlier programmes whose benefits count as income in this "
                    "means test (declaration order).",
                ),
                "disregard": Number(
                    min=0, default=0.0, unit="currency per period",
                    description="Income ignored by the means test.",
                ),
                "taper": Number(
                    min=0, max=1, default=1.0, unit="1",
                    description="Withdrawal rate: benefit lost per unit of counted income "
                    "(1 = full top-up).",
                ),
                "maximum": Number(
                    min=0, default=None, unit="currency per period",
                    description="Largest benefit a household can receive.",
                ),
                "normative_cost": NumberList(
                    default=None, unit="currency per period",
                    description="Utility: normative cost for households of 1, 2, ... persons "
                    "(the last value for larger households).",
                ),
                "region_factor": NumberMap(
                    min=0, default=None, unit="1",
                    description="Utility: multiplier of the normative cost by region name "
                    "(1 where not named).",
                ),
                "share_of_income": Number(
                    min=0, max=1, default=None, unit="1",
                    description="Utility: share of household income the household pays "
                    "itself.",
                ),
                "income_bands": NumberList(
                    increasing=True, default=None, unit="currency per person per period",
                    description="Utility: upper limits of income per person for the bands of "
                    "band_shares (the last band has no upper limit).",
                ),
                "band_shares": NumberList(
                    default=None, unit="1",
                    description="Utility: share of income paid by households in each band "
                    "(one more than income_bands).",
                ),
                "period": Text(
                    choices=("month", "year", "once"), default="month",
                    description="month: paid 12 times a year; year: once a year; once: "
                    "once in a lifetime, in the first year the person is a beneficiary.",
                ),
                "indexation": NumberOrText(
                    choices=("cpi", "none"), min=-0.5, max=1.0, default="cpi",
                    description='"cpi": grows with the scenario\'s inflation; "none": '
                    "fixed nominal amount; a number: a fixed yearly growth rate.",
                ),
            },
        ),
        "take_up": TakeUp(
            default=1.0, unit="1",
            description="Share of reached eligible units that take the benefit up: a "
            "number, or { default = 0.8, groups = [{ urban = true, rate = 0.9 }] } (the first "
            "group whose conditions hold).",
        ),
        "targeting": Table(
            default={},
            description="Poverty targeting, applied after the eligibility conditions.",
            fields={
                "method": Text(
                    choices=("none", "poverty", "pmt", "registry"), default="none",
                    description='"none": categorical; "poverty": the poorest by welfare '
                    'percentile or poverty line; "pmt": a proxy-means-test score below a '
                    'cut-off; "registry": a registry column with one of the given levels.',
                ),
                "intercept": Number(default=0.0, description="PMT: the score's constant."),
                "coefficients": NumberMap(
                    default=None,
                    description="PMT: column = coefficient; the score is intercept + sum of "
                    "coefficient x the household's first record's value (household_size is "
                    "available as a column).",
                ),
                "cutoff": Number(default=None, description="PMT: eligible when score < cutoff."),
                "column": Text(default=None, description="Registry: the column holding levels."),
                "levels": NumberList(min=None, default=None,
                                     description="Registry: the levels that are eligible."),
                "welfare_percentile_max": Number(
                    min=0, max=100, unit="percent", default=None, warn_below=1,
                    why="a percentile from 0 to 100 (20 = the poorest 20%); below 1 looks "
                    "like a fraction (0.2 for 20)",
                    description="Eligible when the household's welfare percentile (0 = "
                    "poorest, weighted over persons in the first year) is below this.",
                ),
                "poverty_line": Number(
                    min=0, min_open=True, unit="currency per person per year", default=None,
                    description="Eligible when welfare per capita is below this line "
                    "(start_year prices).",
                ),
                "exclusion_error": Number(
                    **SHARE, default=0.0,
                    description="Share of eligible poor wrongly left out (random draw per "
                    "person, fixed over years).",
                ),
                "inclusion_error": Number(
                    **SHARE, default=0.0,
                    description="Share of the categorically eligible non-poor wrongly "
                    "included (random draw per person, fixed over years).",
                ),
            },
        ),
        "rollout": Path(
            **SHARE, default=1.0,
            description="Share of eligible units reached by the programme, by year "
            "(geographic or phased expansion).",
        ),
        "shock_response": Table(
            default=None,
            description="Shock-responsive expansion of this programme in chosen years "
            "(docs/methods.md, \"Shock-responsive expansion\"): a vertical top-up for its "
            "beneficiaries and/or a horizontal expansion to newly eligible households; each "
            "becomes a programme of its own (<name>_shock_vertical, <name>_shock_horizontal) "
            "with component \"shock_vertical\" / \"shock_horizontal\", costed apart.",
            fields={
                "years": NumberList(min=1900, increasing=True, default=REQUIRED,
                                    unit="calendar year",
                                    description="The years the response pays."),
                "vertical": Table(
                    default=None,
                    description="A top-up on the regular benefit for the programme's own "
                    "beneficiaries (the same people: it shares their random draws); the "
                    "regular benefit must be flat.",
                    fields={
                        "amount": Number(min=0, default=REQUIRED, unit="currency per period",
                                         description="Top-up per period, start_year prices."),
                        "period": Text(choices=("month", "year"), default="month",
                                       description="month: 12 payments a year; year: one."),
                        "label": Text(default="", description="Name in tables."),
                    },
                ),
                "horizontal": Table(
                    default=None,
                    description="Newly eligible units: meeting the programme's eligibility "
                    "conditions, failing its targeting test, passing a second test: a "
                    "second welfare threshold (welfare_percentile_max or poverty_line), a "
                    "second PMT cut-off (cutoff, same formula), or the regular threshold "
                    "after a shock to welfare (welfare_shock). Exactly one of the four.",
                    fields={
                        "amount": Number(min=0, default=None, unit="currency per period",
                                         description="Benefit per period, start_year prices "
                                         "(default: the regular flat amount)."),
                        "period": Text(choices=("month", "year"), default="month",
                                       description="month: 12 payments a year; year: one."),
                        "welfare_percentile_max": Number(
                            min=0, max=100, unit="percent", default=None,
                            description="Second threshold: welfare percentile below this "
                            "(a poverty-, registry- or PMT-targeted programme)."),
                        "poverty_line": Number(
                            min=0, min_open=True, default=None,
                            unit="currency per person per year",
                            description="Second threshold: welfare per capita below this "
                            "line (start_year prices)."),
                        "cutoff": Number(default=None, description="Second PMT cut-off "
                                         "with the programme's own PMT formula."),
                        "welfare_shock": Number(
                            min=0, max=1, max_open=True, default=None, unit="1",
                            description="Share of welfare lost in the shock: units whose "
                            "welfare x (1 - shock) passes the programme's own poverty "
                            "threshold (a poverty-targeted programme)."),
                        "reach": Number(**SHARE, default=1.0,
                                        description="Share of the newly eligible reached "
                                        "(roll-out) in the years of the response."),
                        "take_up": Number(**SHARE, default=None,
                                          description="Take-up (default: the programme's "
                                          "rate when it is a number, else its default)."),
                        "exclusion_error": Number(**SHARE, default=0.0,
                                                  description="Share of the newly eligible "
                                                  "wrongly left out."),
                        "inclusion_error": Number(**SHARE, default=0.0,
                                                  description="Share of the others (neither "
                                                  "regular nor newly eligible) let in."),
                        "label": Text(default="", description="Name in tables."),
                    },
                ),
                "admin_share_of_transfers": Number(
                    min=0, max=5, unit="1", default=None,
                    description="Administration as a share of the response's transfers "
                    "(default: the programme's share_of_transfers)."),
            },
        ),
        "timing": OptionalTable(
            default=None,
            description="Months within the year (see docs/months.md): eligibility by age in "
            "months and pregnancy by month, an enrolment window and a payment cycle; omitted "
            "or false: whole years. Person programmes with a flat monthly or yearly benefit.",
            fields={
                "payment_every": Number(
                    min=1, max=12, integer=True, default=1, unit="months",
                    description="Months per payment cycle (1, 2, 3, 4, 6 or 12); each cycle "
                    "is paid in the month after it ends (a year's last cycle in January of "
                    "the next year).",
                ),
                "pregnancy_paid_from": Number(
                    min=0, max=8, integer=True, default=0, unit="months",
                    description="Month of pregnancy (0 = conception) from which a pregnancy is "
                    "paid, to the month before the birth (registration).",
                ),
                "enrolment_age_months": Range(
                    min=0, default=None,
                    description="Groups without a pregnancy condition: enrolled in the first "
                    "month aged lo <= months < hi in which the roll-out reaches the person; "
                    "never paid if not reached by then.",
                ),
            },
        ),
        "admin": Table(
            default={},
            description="Administration costs, in start_year prices, indexed to the CPI.",
            fields={
                "share_of_transfers": Number(
                    min=0, max=5, unit="1", default=0.0, warn_above=1,
                    why="a fraction of transfers (0.05 = 5%); above 1 looks like a "
                    "percentage",
                    description="Administration as a share of transfers.",
                ),
                "per_beneficiary_year": Number(
                    min=0, unit="currency per beneficiary per year", default=0.0,
                    description="Cost per beneficiary per year.",
                ),
                "fixed_year": Path(
                    min=0, unit="currency per year", default=0.0,
                    description="Fixed cost per year, in the years the programme operates "
                    "(roll-out above zero).",
                ),
                "setup": YearAmounts(
                    unit="currency", default=None,
                    description="One-off set-up costs by year.",
                ),
            },
        ),
    },
)

# --- economic returns and sensitivity ([returns], [sensitivity]) ----------------------


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


#: a sensitivity case: costs+10%, benefits-25%, delay+1 (benefits one year later);
#: several joined by "&" apply together ("costs+10%&benefits-10%")
CASE_PART = re.compile(r"^(?:(costs|benefits)([+-])(\d+(?:\.\d+)?)%|delay\+(\d+))$")
WORLD_BANK_CASES = ("costs+10%", "costs+25%", "benefits-10%", "benefits-25%", "delay+1")


@dataclass(frozen=True)
class Cases(Spec):
    """A list of sensitivity case names (see :data:`CASE_PART`)."""

    def type_name(self) -> str:
        return ("a list of cases such as 'costs+10%', 'benefits-25%', 'delay+1' (parts "
                "joined by '&' apply together)")

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, list):
            ctx.bad(key, self.type_name(), value)
            return None
        out = []
        for i, case in enumerate(value):
            ok = isinstance(case, str) and case and all(
                CASE_PART.match(p.strip()) for p in case.split("&"))
            if not ok:
                ctx.bad(f"{key}[{i}]", "a case such as 'costs+10%', 'benefits-25%' or "
                        "'delay+1' (parts joined by '&')", case)
                continue
            if case == "base" or case in out:
                ctx.bad(f"{key}[{i}]", "a case named once (base is always included)", case)
                continue
            out.append(case)
        return tuple(out)


@dataclass(frozen=True)
class KeyRanges(Spec):
    """A table ``"key.path" = [low, high]`` of scenario keys (or "costs", "benefits")."""

    def type_name(self) -> str:
        return 'a table of "key.path" = [low, high]'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, tuple[float, float]] = {}

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict):  # unquoted dotted keys nest in TOML
                    visit(v, path)
                elif (isinstance(v, list) and len(v) == 2 and all(map(_is_number, v))
                      and all(x == x and abs(x) != float("inf") for x in v)):
                    if v[0] > v[1]:
                        ctx.bad(f"{key}.{path}", "a pair [low, high] with low <= high", v)
                    else:
                        out[path] = (float(v[0]), float(v[1]))
                else:
                    ctx.bad(f"{key}.{path}", "a pair [low, high] of numbers", v)

        visit(value, "")
        return out


STREAM = Table(
    description="A declared yearly stream of economic costs or benefits.",
    fields={
        "name": Text(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", default=REQUIRED,
                     description="Name of the stream (a benefit stream is a channel of the "
                     "results)."),
        "kind": Text(choices=("cost", "benefit"), default=REQUIRED,
                     description="Whether the stream is a cost or a benefit."),
        "values": Values(
            by_year=True, default=REQUIRED, unit="currency per year",
            description="Financial amounts, one a year from `start` (a list), or a table "
            "year = amount; in start_year prices unless `prices` says otherwise.",
        ),
        "start": Number(min=1950, max=2300, integer=True, default=None, unit="year",
                        description="Year of the first value of a list (default start_year)."),
        "conversion_factor": Number(
            min=0, default=1.0, unit="1",
            description="Economic conversion factor: economic value / financial value (taxes "
            "and transfers removed; 0 for pure transfers such as interest).",
        ),
        "foreign_exchange_share": Number(
            **SHARE, default=0.0,
            description="Share of the value that is traded (valued at the shadow exchange "
            "rate).",
        ),
        "prices": Text(choices=("constant", "nominal"), default="constant",
                       description='"constant": start_year prices; "nominal": current '
                       "prices (deflated by the scenario's CPI)."),
    },
)

ACTIVITY = Table(
    description="An activity model: one unit's incremental costs and benefits over its life, "
    "times the units entering each year.",
    fields={
        "unit_costs": Values(
            default=(0.0,), unit="currency per unit per year",
            description="Incremental cost of one unit in each year of its life (the first "
            "value in the year it enters), start_year prices.",
        ),
        "unit_benefits": Values(
            default=(0.0,), unit="currency per unit per year",
            description="Incremental benefit of one unit in each year of its life, start_year "
            "prices.",
        ),
        "units": Values(
            min=0, by_year=True, default=REQUIRED, unit="units per year",
            description="Phasing: units entering each year, a list from `start` or a table "
            "year = units.",
        ),
        "start": Number(min=1950, max=2300, integer=True, default=None, unit="year",
                        description="Year of the first value of `units` (default start_year)."),
        "success_rate": Number(
            **SHARE, default=1.0,
            description="Share of units that succeed: the number of units aggregated (their "
            "costs and benefits) is units x success_rate.",
        ),
        "outreach": Number(
            **SHARE, default=1.0,
            description="Share of the potential beneficiaries of a unit who benefit (scales "
            "benefits only).",
        ),
        "cost_conversion_factor": Number(min=0, default=1.0, unit="1",
                                         description="Economic conversion factor of costs."),
        "benefit_conversion_factor": Number(min=0, default=1.0, unit="1",
                                            description="Economic conversion factor of "
                                            "benefits."),
        "foreign_exchange_share": Number(**SHARE, default=0.0,
                                         description="Traded share of costs and benefits."),
    },
)

RETURNS = Table(
    default=None,
    description="Economic returns: discounting, cost and benefit streams, channels "
    "(docs/returns.md).",
    fields={
        "discount_rate": Number(
            min=0, max=1, default=REQUIRED, unit="1 per year",
            description="Discount rate r: the flow of year index k = year - start_year is "
            "discounted by (1 + r)^-k.",
        ),
        "horizon_years": Number(
            min=1, max=300, integer=True, default=None, unit="years",
            description="Years counted in NPV, ERR and BCR from start_year (default: every "
            "year of the scenario); streams are computed for every year.",
        ),
        "discount_first_year": Boolean(
            default=False,
            description="true: discount the first year too, (1 + r)^-(k+1) (Excel's NPV).",
        ),
        "prices": Text(
            choices=("constant", "nominal"), default="constant",
            description='"constant": economic values in start_year prices (programme costs '
            'deflated by the CPI); "nominal": current prices.',
        ),
        "shadow_exchange_rate_factor": Number(
            min=0, min_open=True, default=1.0, unit="1",
            description="Shadow exchange rate / official exchange rate, applied to the traded "
            "share of each stream: value x (1 + share x (factor - 1)).",
        ),
        "costs": Table(
            default={},
            description="The programmes' costs from the costing, as economic costs.",
            fields={
                "programmes": Identifiers(
                    default=None,
                    description="Programmes whose cost counts (default: all; [] for none).",
                ),
                "conversion_factor": Number(min=0, default=1.0, unit="1",
                                            description="Economic conversion factor of "
                                            "programme costs."),
                "foreign_exchange_share": Number(**SHARE, default=0.0,
                                                 description="Traded share of programme "
                                                 "costs."),
            },
        ),
        "streams": ListOf(
            item=STREAM, default=(),
            description="Declared cost and benefit streams ([[returns.streams]]).",
        ),
        "activities": MapOf(
            value=ACTIVITY, default=None,
            description="Activity models, each under its own name (the name of its benefit "
            "channel).",
        ),
        "stunting": Table(
            default=None,
            description="The stunting channel: avoided stunting among the covered births of a "
            "programme -> health-cost savings and adult earnings.",
            fields={
                "programme": Text(default=REQUIRED,
                                  description="Programme whose beneficiaries at birth are the "
                                  "covered children."),
                "baseline_prevalence": Number(**SHARE, default=REQUIRED,
                                              description="Stunting prevalence of the cohort "
                                              "born in start_year."),
                "decline_per_year": Table(
                    default=REQUIRED,
                    description="Decline of prevalence per birth year, with and without the "
                    "programme.",
                    fields={
                        "with": Number(min=0, max=1, default=REQUIRED, unit="1 per year",
                                       description="Yearly decline with the programme."),
                        "without": Number(min=0, max=1, default=REQUIRED, unit="1 per year",
                                          description="Yearly decline without it."),
                        "kind": Text(choices=("relative", "points"), default="relative",
                                     description='"relative": baseline x (1 - d)^k; '
                                     '"points": max(0, baseline - d x k).'),
                    },
                ),
                "adoption": Number(**SHARE, default=1.0,
                                   description="Share of covered households that adopt the "
                                   "practices."),
                "attribution": Number(**SHARE, default=1.0,
                                      description="Share of the effect attributed to this "
                                      "project when several share it."),
                "effect_starts": Number(min=1950, max=2300, integer=True, default=None,
                                        unit="year",
                                        description="First birth year whose cohort benefits "
                                        "(default start_year)."),
                "health_cost_year": Table(
                    default=None,
                    description="Yearly health costs of a child, stunted and not, at ages "
                    "lo <= age < hi.",
                    fields={
                        "stunted": Number(min=0, default=REQUIRED,
                                          unit="currency per child per year",
                                          description="Health cost of a stunted child."),
                        "not_stunted": Number(min=0, default=REQUIRED,
                                              unit="currency per child per year",
                                              description="Health cost of a child not "
                                              "stunted."),
                        "ages": Range(min=0, default=(0.0, 2.0), unit="years",
                                      description="Ages [lo, hi) with these costs."),
                    },
                ),
                "adult_earnings_year": Number(min=0, default=None,
                                              unit="currency per person per year",
                                              description="Yearly earnings of an adult who was "
                                              "not stunted (start_year)."),
                "earnings_penalty": Number(**SHARE, default=None,
                                           description="Share of earnings lost by an adult who "
                                           "was stunted."),
                "earnings_start_age": Number(min=0, max=100, integer=True, default=15,
                                             unit="years",
                                             description="Age from which earnings count."),
                "earnings_end_age": Number(min=1, max=101, integer=True, default=None,
                                           unit="years",
                                           description="Age from which earnings no longer "
                                           "count (default: none)."),
                "real_earnings_growth": Number(min=-0.5, max=0.5, default=0.0,
                                               unit="1 per year",
                                               description="Real growth of earnings a year "
                                               "from start_year."),
            },
        ),
        "consumption_multiplier": Table(
            default=None,
            description="Local-economy income generated by the programmes' transfers.",
            fields={
                "multiplier": Number(min=0, max=10, default=REQUIRED, unit="1",
                                     description="Local income generated per unit "
                                     "transferred, the transfer included (e.g. 1.5)."),
                "programmes": Identifiers(default=None,
                                          description="Programmes whose transfers count "
                                          "(default: all)."),
                "count_transfer": Boolean(default=True,
                                          description="true: benefit = multiplier x "
                                          "transfers; false: (multiplier - 1) x transfers "
                                          "(only the spill-over)."),
            },
        ),
        "mortality": Table(
            default=None,
            description="Avoided deaths among a programme's beneficiaries, valued at a "
            "declared value.",
            fields={
                "programme": Text(default=REQUIRED,
                                  description="Programme whose beneficiaries are counted."),
                "deaths_avoided_per_beneficiary": Number(
                    **SHARE, default=REQUIRED,
                    description="Deaths avoided per beneficiary-year (e.g. 0.002).",
                ),
                "value_per_death_avoided": Number(
                    min=0, default=REQUIRED, unit="currency",
                    description="Value of a death avoided (e.g. a value of a statistical "
                    "life), start_year prices.",
                ),
            },
        ),
    },
)

@dataclass(frozen=True)
class KeyNumbers(Spec):
    """A table ``"key.path" = number`` of scenario keys (a percent swing each)."""

    min: float | None = None
    max: float | None = None

    def type_name(self) -> str:
        return f'a table of "key.path" = number{_bounds(self.min, self.max)}'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, float] = {}
        inner = Number(min=self.min, max=self.max, min_open=True)

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict):  # unquoted dotted keys nest in TOML
                    visit(v, path)
                else:
                    parsed = inner.parse(v, ctx, f"{key}.{quote_key(path)}")
                    if parsed is not None:
                        out[path] = parsed

        visit(value, "")
        return out


@dataclass(frozen=True)
class KeyTables(Spec):
    """A table ``"key.path" = { ... }`` of scenario keys, each checked against ``item``
    (a nested table holding ``marker`` is a leaf; others are unquoted dotted keys)."""

    item: Spec = field(default_factory=Spec)
    marker: str = "process"

    def type_name(self) -> str:
        return f'a table of "key.path" = {{ {self.marker} = ..., ... }}'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, Any] = {}

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict) and self.marker not in v and v and all(
                        isinstance(x, dict) for x in v.values()):
                    visit(v, path)
                elif path.split(".")[0] in ANALYSIS_TABLES:
                    ctx.bad(f"{key}.{quote_key(path)}", "a key outside [sensitivity] and "
                            "[uncertainty]", path)
                else:
                    out[path] = self.item.parse(v, ctx, f"{key}.{quote_key(path)}")

        visit(value, "")
        return out


SENSITIVITY = Table(
    default=None,
    description="Deterministic sensitivity cases and the tornado's one-way changes.",
    fields={
        "swings": KeyNumbers(
            min=0, max=1000, default=None, unit="%",
            description='One-way changes in percent of the key\'s own value: "key.path" = '
            "20 varies it from 0.8 to 1.2 times its value (every year of a year path); "
            "with --output, added to [sensitivity.parameters] (docs/sensitivity.md).",
        ),
        "discount_rate": Number(
            min=0, max=1, default=None, unit="1 per year",
            description="Discount rate of --output NAME@pv when the scenario has no "
            "[returns] (present value to start_year).",
        ),
        "cases": Cases(
            default=WORLD_BANK_CASES,
            description="Cases computed on the flows besides the base (default the World "
            "Bank five).",
        ),
        "parameters": KeyRanges(
            default=None,
            description='One-way changes for the tornado: "key.path" = [low, high] '
            '(scenario keys; "costs" and "benefits" scale the flows). Default: costs and '
            "benefits x [0.75, 1.25], the discount rate +-2 points.",
        ),
    },
)


# --- probabilistic sensitivity ([uncertainty]; docs/uncertainty.md) -------------------

#: each distribution's (required, optional) fields; see docs/uncertainty.md
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("mean", "sd"), ("low", "high")),
    "beta": (("alpha", "beta"), ("low", "high")),
    "discrete": (("values",), ("weights",)),
}
#: top-level tables that declare analyses rather than model inputs: never uncertain
ANALYSIS_TABLES = ("sensitivity", "uncertainty")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def quote_key(path: str) -> str:
    """``path`` as one TOML key: bare when it can be, else in double quotes."""
    return path if _BARE_KEY.match(path) else '"' + path.replace('"', '\\"') + '"'


def _phi(z: float) -> float:
    """The standard normal CDF (accurate in both tails)."""
    import math

    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def lognormal_log_params(mean: float, sd: float) -> tuple[float, float]:
    """(mu, sigma) of log X for a lognormal X with the given mean and sd of X itself:
    sigma^2 = ln(1 + sd^2 / mean^2), mu = ln(mean) - sigma^2 / 2."""
    import math

    sigma2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)


@dataclass(frozen=True)
class Distributions(Spec):
    """A table ``"key.path" = { distribution = "...", <its fields> }`` (quoted dotted keys
    stay one key; unquoted dotted keys nest and are joined back)."""

    def type_name(self) -> str:
        return 'a table of "key.path" = { distribution = "...", ... }'

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        if not isinstance(value, dict):
            ctx.bad(key, self.type_name(), value)
            return None
        out: dict[str, dict[str, Any] | None] = {}

        def visit(node: dict, prefix: str) -> None:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, dict) and "distribution" not in v and v and all(
                    isinstance(x, dict) for x in v.values()
                ):
                    visit(v, path)  # unquoted dotted keys nest in TOML
                elif path in out:  # "a.b" = {...} and [....a] b = {...}
                    ctx.bad(f"{key}.{quote_key(path)}", "a parameter declared once", v)
                else:
                    out[path] = self.one(v, ctx, key, path)

        visit(value, "")
        if not out:
            ctx.bad(key, "at least one parameter", "an empty table", raw=True)
        return out

    @staticmethod
    def one(v: Any, ctx: Context, key: str, path: str) -> dict[str, Any] | None:
        """One parameter's distribution, or None (problems reported)."""
        name = f"{key}.{quote_key(path)}"
        full = f"{key}.{path}"  # the key as the origins know it

        def bad(field_: str, expected: str, found: Any, hint: str = "",
                raw: bool = False) -> None:
            shown = str(found) if raw else _show(found)
            ctx.problems.append(Problem(ctx.origin(f"{full}.{field_}" if field_ else full),
                                        f"{name}.{field_}" if field_ else name, expected,
                                        shown, hint))

        if path.split(".")[0] in ANALYSIS_TABLES:
            bad("", "a key outside [sensitivity] and [uncertainty]", path)
            return None
        if not isinstance(v, dict):
            bad("", 'a table { distribution = "...", ... }', v)
            return None
        kinds = tuple(DISTRIBUTIONS)
        kind = v.get("distribution")
        if not isinstance(kind, str | None):
            bad("distribution", "one of " + ", ".join(repr(c) for c in kinds), kind)
            return None
        if kind is None:
            bad("distribution", "one of " + ", ".join(repr(c) for c in kinds), "nothing",
                raw=True)
            return None
        if kind not in DISTRIBUTIONS:
            bad("distribution", "one of " + ", ".join(repr(c) for c in kinds), kind,
                did_you_mean(str(kind), kinds))
            return None
        required, optional = DISTRIBUTIONS[kind]
        allowed = (*required, *optional)
        n0 = len(ctx.problems)
        for k in v:
            if k != "distribution" and k not in allowed:
                bad(k, f"a key of a {kind} distribution", "an unknown key",
                    did_you_mean(str(k), list(allowed)), raw=True)
        if kind == "discrete":
            parsed = Distributions.discrete(v, bad)
            return None if len(ctx.problems) > n0 or parsed is None else parsed
        positive = Number(min=0, min_open=True)
        specs = {"low": Number(), "high": Number(), "mode": Number(), "mean": Number(),
                 "sd": positive, "alpha": positive, "beta": positive}
        if kind == "lognormal":
            specs["mean"] = positive
        n1 = len(ctx.problems)
        p: dict[str, float] = {}
        for k in allowed:
            if k not in v:
                if k in required:
                    bad(k, specs[k].type_name(), "nothing", raw=True)
                continue
            sub = Context(lambda _k: "", [])
            parsed = specs[k].parse(v[k], sub, k)
            if sub.problems:
                bad(k, sub.problems[0].expected, v[k])
            else:
                p[k] = parsed
        if len(ctx.problems) > n1:
            return None
        lo, hi = p.get("low"), p.get("high")
        if kind == "beta":
            lo, hi = (0.0 if lo is None else lo), (1.0 if hi is None else hi)
            p["low"], p["high"] = lo, hi
        if lo is not None and hi is not None and lo >= hi:
            bad("high", f"a number > low ({_num(lo)})", v.get("high", hi))
            return None
        if kind == "triangular" and not lo <= p["mode"] <= hi:
            bad("mode", f"a number in [low, high] = [{_num(lo)}, {_num(hi)}]", p["mode"])
            return None
        if len(ctx.problems) > n0:
            return None
        if kind in ("normal", "lognormal") and (lo is not None or hi is not None):
            if kind == "normal":
                mu, sigma = p["mean"], p["sd"]
                z = [(lo - mu) / sigma if lo is not None else None,
                     (hi - mu) / sigma if hi is not None else None]
            else:
                if hi is not None and hi <= 0:
                    bad("high", "a number > 0 (a lognormal variable is positive)", hi)
                    return None
                mu, sigma = lognormal_log_params(p["mean"], p["sd"])
                z = [None if lo is None or lo <= 0 else (_log(lo) - mu) / sigma,
                     None if hi is None else (_log(hi) - mu) / sigma]
            mass = (1.0 if z[1] is None else _phi(z[1])) - (0.0 if z[0] is None else _phi(z[0]))
            if z[0] is not None and z[1] is None:
                mass = _phi(-z[0])  # the upper tail, accurately
            if mass < 1e-9:
                bad("", "bounds low, high that hold some of the distribution",
                    f"P(low <= X <= high) = {mass:.2g}", raw=True)
                return None
        return {"distribution": kind, **p}

    @staticmethod
    def discrete(v: dict, bad: Callable[..., None]) -> dict[str, Any] | None:
        values = v.get("values")
        expected = "a non-empty list of values (numbers, strings, lists or tables)"
        if values is None:
            bad("values", expected, "nothing", raw=True)
            return None
        ok = isinstance(values, list) and values and all(
            isinstance(x, str | bool | list | dict)
            or (_is_number(x) and x == x and abs(x) != float("inf")) for x in values)
        if not ok:
            bad("values", expected, values)
            return None
        seen = [repr((type(x) is str, x)) for x in values]
        if len(set(seen)) != len(seen):
            bad("values", "different values", values)
            return None
        weights = v.get("weights")
        if weights is None:
            return {"distribution": "discrete", "values": tuple(values),
                    "weights": tuple(1.0 / len(values) for _ in values)}
        if not (isinstance(weights, list) and all(_is_number(w) for w in weights)):
            bad("weights", "a list of numbers >= 0 summing to 1", weights)
            return None
        if len(weights) != len(values):
            bad("weights", f"{len(values)} weights (one a value)", weights)
            return None
        if any(not w >= 0 or w == float("inf") for w in weights):
            bad("weights", "numbers >= 0", weights)
            return None
        total = float(sum(weights))
        if abs(total - 1.0) > 1e-9:
            bad("weights", "weights summing to 1", f"a sum of {total:.12g}", raw=True)
            return None
        return {"distribution": "discrete", "values": tuple(values),
                "weights": tuple(float(w) for w in weights)}


def _log(x: float) -> float:
    import math

    return math.log(x)


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


CORRELATION = Table(
    description="A rank correlation between two uncertain parameters.",
    fields={
        "parameters": KeyPair(default=REQUIRED,
                              description="Two parameters of [uncertainty.parameters]."),
        "rank": Number(min=-1, max=1, min_open=True, max_open=True, unit="1",
                       default=REQUIRED,
                       description="Spearman rank correlation of the two in the draws "
                       "(imposed by Iman-Conover)."),
    },
)


def rank_to_pearson(rank: float) -> float:
    """The normal-score (Pearson) correlation whose Spearman correlation is ``rank``:
    2 sin(pi rank / 6)."""
    import math

    return 2.0 * math.sin(math.pi * rank / 6.0)


def _check_paths(out: dict, ctx: Context, key: str) -> None:
    """[uncertainty.paths] across its fields: phi for ar1, low < high, correlations of
    declared paths, each pair once, a positive definite matrix."""
    paths = out.get("paths") or {}
    for path, p in paths.items():
        if p is None:
            continue
        name = f"{key}.paths.{quote_key(path)}"
        if p["process"] == "ar1" and p["phi"] is None:
            ctx.bad(f"{name}.phi", "a number in (-1, 1) (an ar1 process needs it)", "nothing",
                    raw=True)
        if p["low"] is not None and p["high"] is not None and p["low"] >= p["high"]:
            ctx.bad(f"{name}.high", f"a number > low ({_num(p['low'])})", p["high"])
        if (out.get("parameters") or {}).get(path) is not None:
            ctx.bad(name, "a key not also in [uncertainty.parameters]", path)
    corrs = out.get("path_correlations") or []
    names = list(paths)
    seen: set[frozenset[str]] = set()
    ok = True
    for i, c in enumerate(corrs):
        if c is None or c.get("paths") is None:
            ok = False
            continue
        a, b = c["paths"]
        for j, p in enumerate((a, b)):
            if p not in paths:
                ctx.bad(f"{key}.path_correlations[{i}].paths[{j}]",
                        "a key of [uncertainty.paths]", p, did_you_mean(p, names))
                ok = False
        pair = frozenset((a, b))
        if a == b or pair in seen:
            ctx.bad(f"{key}.path_correlations[{i}].paths", "two different paths, each pair "
                    "once", [a, b], raw=True)
            ok = False
        seen.add(pair)
    if ok and corrs:
        import numpy as np

        index = {p: i for i, p in enumerate(names)}
        m = np.eye(len(names))
        for c in corrs:
            i, j = (index[p] for p in c["paths"])
            m[i, j] = m[j, i] = c["correlation"]
        if np.linalg.eigvalsh(m)[0] <= 1e-10:
            ctx.bad(f"{key}.path_correlations", "correlations that form a positive definite "
                    "matrix", "a matrix that is not", raw=True)


@dataclass(frozen=True)
class UncertaintyTable(Table):
    """The [uncertainty] table; after the fields, the correlations are checked against
    the parameters (declared, distinct, each pair once, a positive definite matrix)."""

    def parse(self, value: Any, ctx: Context, key: str) -> Any:
        out = super().parse(value, ctx, key)
        if out is None:
            return None
        params = out.get("parameters")
        corrs = out.get("correlations") or []
        _check_paths(out, ctx, key)
        if params is None:
            if not out.get("paths") and "parameters" not in (value or {}):
                ctx.bad(f"{key}.parameters", "parameters or paths (at least one)", "nothing",
                        raw=True)
            return out
        names = list(params)
        ok = True
        pairs: dict[frozenset[str], int] = {}
        for i, c in enumerate(corrs):
            ckey = f"{key}.correlations[{i}]"
            if c is None or c.get("parameters") is None:
                ok = False
                continue
            ok = ok and c.get("rank") is not None
            a, b = c["parameters"]
            for j, p in enumerate((a, b)):
                if p not in params:
                    ctx.bad(f"{ckey}.parameters[{j}]", "a parameter of [uncertainty.parameters]",
                            p, did_you_mean(p, names))
                    ok = False
            if a == b:
                ctx.bad(f"{ckey}.parameters", "two different parameters", [a, b], raw=True)
                ok = False
                continue
            pair = frozenset((a, b))
            if pair in pairs:
                ctx.bad(f"{ckey}.parameters", f"a pair not correlated before (in "
                        f"correlations[{pairs[pair]}])", [a, b], raw=True)
                ok = False
            pairs.setdefault(pair, i)
        if not ok or not corrs or any(params[p] is None for pr in pairs for p in pr):
            return out
        import numpy as np

        index = {p: i for i, p in enumerate(names)}
        rank = np.eye(len(names))
        for c in corrs:
            i, j = (index[p] for p in c["parameters"])
            rank[i, j] = rank[j, i] = c["rank"]
        pearson = np.vectorize(rank_to_pearson)(rank)
        smallest = min(np.linalg.eigvalsh(rank)[0], np.linalg.eigvalsh(pearson)[0])
        if smallest <= 1e-10:
            ctx.bad(f"{key}.correlations", "rank correlations that form a positive definite "
                    "matrix", f"a matrix with smallest eigenvalue {smallest:.3g}",
                    "lower the largest correlations or check their signs", raw=True)
        return out


PATH_PROCESS = Table(
    description="A yearly stochastic process around a year path (docs/sensitivity.md).",
    fields={
        "process": Text(choices=("iid", "ar1", "random_walk"), default=REQUIRED,
                        description='"iid": independent yearly shocks; "ar1": deviations '
                        'd_t = phi d_(t-1) + sd e_t; "random_walk": d_t = d_(t-1) + sd e_t; '
                        "the value is the path plus d_t."),
        "sd": Number(min=0, min_open=True, default=REQUIRED, unit="as the key",
                     description="Standard deviation of the yearly shock e_t (normal)."),
        "phi": Number(min=-1, max=1, min_open=True, max_open=True, default=None, unit="1",
                      description="Persistence of an ar1 process (required for it)."),
        "from_year": Number(min=1900, max=2300, integer=True, default=None, unit="year",
                            description="First year with a shock (default start_year); "
                            "earlier years keep the path."),
        "low": Number(default=None, description="Values below it are set to it."),
        "high": Number(default=None, description="Values above it are set to it."),
    },
)

PATH_CORRELATION = Table(
    description="A correlation between the yearly shocks of two paths.",
    fields={
        "paths": KeyPair(default=REQUIRED, description="Two keys of [uncertainty.paths]."),
        "correlation": Number(min=-1, max=1, min_open=True, max_open=True, unit="1",
                              default=REQUIRED,
                              description="Correlation of their shocks in the same year."),
    },
)

THRESHOLD = Table(
    description="A threshold whose exceedance probability is reported by year.",
    fields={
        "output": Text(default=REQUIRED, description="A result variable by year "
                       "(NAME or NAME[LABEL], as --output without @YEAR)."),
        "above": Number(default=None, description="The risk is the output above it."),
        "below": Number(default=None, description="The risk is the output below it."),
    },
)

RISK = Table(
    default=None,
    description="Risk outputs of a run with draws (docs/sensitivity.md).",
    fields={
        "percentile": Number(min=50, max=100, max_open=True, default=95, unit="%",
                             description="Expected shortfall: the mean of the draws beyond "
                             "this percentile (the worst 100 - p %)."),
        "debt_ceiling_pct_gdp": Number(min=0, default=None, unit="1",
                                       description="Debt ceiling: P(debt_pct_gdp above it)."),
        "thresholds": ListOf(item=THRESHOLD, default=(),
                             description="More thresholds ([[uncertainty.risk.thresholds]])."),
    },
)


UNCERTAINTY = UncertaintyTable(
    default=None,
    description="Probabilistic sensitivity: distributions of scenario keys, drawn "
    "together (docs/uncertainty.md).",
    fields={
        "draws": Number(min=1, max=10_000_000, integer=True, default=100, unit="draws",
                        description="Number of draws (scenario runs)."),
        "seed": Number(min=0, max=2**63 - 1, integer=True, default=None,
                       description="Seed of the draws (default: scenario.seed)."),
        "sampling": Text(choices=("latin_hypercube", "random"), default="latin_hypercube",
                         description='"latin_hypercube": each parameter\'s n draws fall one '
                         'in each of n equal-probability strata; "random": independent '
                         "draws."),
        "parameters": Distributions(
            default=None,
            description='"key.path" = { distribution = "uniform" (low, high), "triangular" '
            '(low, mode, high), "normal" (mean, sd; low, high truncate), "lognormal" (mean, '
            'sd of the variable; low, high truncate), "beta" (alpha, beta; low, high '
            'rescale, default 0, 1) or "discrete" (values; weights, default equal) }.',
        ),
        "correlations": ListOf(
            item=CORRELATION, default=(),
            description="Rank correlations between parameters ([[uncertainty.correlations]]); "
            "others are independent.",
        ),
        "paths": KeyTables(
            item=PATH_PROCESS, default=None,
            description='Yearly stochastic paths: "key.path" = { process = "iid", "ar1" or '
            '"random_walk", sd, phi } around a year path (macro.inflation, '
            "macro.real_gdp_growth, macro.exchange_rate, a roll-out, ...); each draw "
            "carries its own path.",
        ),
        "path_correlations": ListOf(
            item=PATH_CORRELATION, default=(),
            description="Correlations between the yearly shocks of two paths.",
        ),
        "risk": RISK,
    },
)


# --- fiscal space and financing ([fiscal.financing]; docs/fiscal.md) -------------------


def _loan(label: str) -> Table:
    return Table(
        default=None,
        description=f"{label}: disbursements by year (or whatever the gap needs), interest "
        "on the balance, equal repayments after a grace period.",
        fields={
            "amount": Path(min=0, unit="currency per year", default=None,
                           description="Disbursements by year, nominal."),
            "covers_gap": Boolean(
                default=False,
                description="true (instead of amount): each year, borrow what the other "
                "sources leave uncovered, the debt service of the scenario's loans included.",
            ),
            "max_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                description="With covers_gap: the largest disbursement in a "
                                "year / GDP."),
            "rate": Number(min=0, max=1, unit="1 per year", default=REQUIRED,
                           description="Interest rate on the balance outstanding at the start "
                           "of each year (none in the year of disbursement)."),
            "grace_years": Number(min=0, max=50, integer=True, unit="years", default=0,
                                  description="Years after disbursement with interest only."),
            "maturity_years": Number(min=1, max=100, integer=True, unit="years", default=10,
                                     description="Years from disbursement to the last "
                                     "repayment, grace included: principal is repaid in "
                                     "maturity - grace equal yearly instalments."),
        },
    )


TAX_MEASURE = Table(
    description="A tax measure: revenue = rate_change x base_pct_gdp x compliance x GDP.",
    fields={
        "label": Text(default="", description="Name shown in tables."),
        "rate_change": Path(min=0, max=1, unit="1", default=REQUIRED,
                            description="Increase of the tax rate by year (0.01 = one point)."),
        "base_pct_gdp": Path(min=0, max=5, unit="1", default=REQUIRED, warn_above=1,
                             why="a fraction of GDP (0.05 = 5%); above 1 looks like a "
                             "percentage",
                             description="Tax base / GDP."),
        "compliance": Path(min=0, max=1, unit="1", default=1.0,
                           description="Share of the statutory revenue collected."),
    },
)

RESULTS_INDICATOR = Table(
    description="A disbursement-linked indicator: pays once when a programme's coverage or "
    "beneficiaries reach a target.",
    fields={
        "label": Text(default="", description="Name shown in tables."),
        "programme": Text(default=REQUIRED, description="The programme measured."),
        "indicator": Text(choices=("coverage", "beneficiaries", "households"),
                          default="coverage",
                          description="coverage (beneficiaries / eligible), beneficiaries "
                          "(persons) or households (beneficiary households)."),
        "months": Number(min=0, max=36, integer=True, unit="months", default=0,
                         description="Consecutive months the indicator must be held at or "
                         "above the target (0: the yearly value); the engine's months: a "
                         "whole-year programme's value holds in every month of its year "
                         "(docs/fiscal.md); not for a programme with `timing`."),
        "target": Number(min=0, default=REQUIRED, unit="1 or persons",
                         description="Met in the first year the indicator is at least this."),
        "amount": Number(min=0, unit="currency", default=None,
                         description="Disbursed once the target is met, nominal."),
        "amount_usd": Number(min=0, unit="USD", default=None,
                             description="Instead of amount: US dollars, converted at the "
                             "exchange rate of the disbursement year."),
        "by_year": Number(min=1950, max=2300, integer=True, unit="year", default=None,
                          description="Last year in which meeting the target counts (default "
                          "end_year)."),
        "lag_years": Number(min=0, max=10, integer=True, unit="years", default=0,
                            description="Years from meeting the target to the disbursement "
                            "(verification)."),
    },
)

FINANCING = Table(
    default=None,
    description="Sources of financing of the programmes' total cost, each optional, by year; "
    "financing_gap = total cost - their sum.",
    fields={
        "reallocation_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                     description="Spending moved from other budget lines "
                                     "(on-budget allocation) / GDP."),
        "reallocation": Path(min=0, unit="currency per year", default=None,
                             description="Instead of reallocation_pct_gdp: the amounts, "
                             "nominal."),
        "tax": MapOf(value=TAX_MEASURE, default=None,
                     description="New revenue from tax measures, each under its own name."),
        "contributions": Table(
            default=None,
            description="Social contributions: rate x coverage x wage_bill_pct_gdp x "
            "compliance x GDP.",
            fields={
                "rate": Path(min=0, max=1, unit="1", default=REQUIRED,
                             description="Contribution rate on covered wages."),
                "wage_bill_pct_gdp": Path(min=0, max=1, unit="1", default=REQUIRED,
                                          description="Wage bill / GDP."),
                "coverage": Path(min=0, max=1, unit="1", default=1.0,
                                 description="Share of the wage bill covered."),
                "compliance": Path(min=0, max=1, unit="1", default=1.0,
                                   description="Share of contributions due that is "
                                   "collected."),
            },
        ),
        "oda": Path(min=0, unit="currency per year", default=None,
                    description="ODA grants (budget support, pooled funds), nominal local "
                    "currency."),
        "oda_usd": Path(min=0, unit="USD per year", default=None,
                        description="ODA grants in US dollars, at the year's exchange rate "
                        "(added to oda)."),
        "grants": Path(min=0, unit="currency per year", default=None,
                       description="Other grants (private sector, foundations), nominal."),
        "results_based": MapOf(value=RESULTS_INDICATOR, default=None,
                               description="Results-based financing: disbursement-linked "
                               "indicators, each under its own name."),
        "concessional": _loan("Concessional borrowing"),
        "market": _loan("Market borrowing"),
        "borrowing_rate": Number(
            min=0, max=1, unit="1 per year", default=None,
            description="Shorthand: market = { covers_gap = true, rate = borrowing_rate } "
            "(grace 0, maturity 10 years).",
        ),
    },
)


# --- fund capitalisation ([fund]; docs/fund.md) -----------------------------------------


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


ASSET = Table(
    description="An asset class of the fund's portfolio.",
    fields={
        "weight": Number(min=0, max=1, unit="1", default=REQUIRED,
                         description="Share of the portfolio, restored every year "
                         "(rebalancing); the weights sum to 1."),
        "mean": Number(min=-1, min_open=True, max=1, unit="1 per year", default=REQUIRED,
                       description="Mean yearly return."),
        "volatility": Number(min=0, max=2, unit="1 per year", default=0.0,
                             description="Standard deviation of the yearly return (1 + r "
                             "lognormal)."),
    },
)

FUND_RETURNS = Table(
    default={},
    description="The fund's investment returns: one asset (mean, volatility) or a portfolio "
    "(assets, correlation), optionally serially correlated (autocorrelation).",
    fields={
        "kind": Text(choices=("nominal", "real"), default="nominal",
                     description='"nominal", or "real": made nominal with the scenario\'s '
                     "inflation, (1 + r) (1 + inflation) - 1."),
        "mean": Number(min=-1, min_open=True, max=1, unit="1 per year", default=None,
                       description="Mean yearly return of a single asset (instead of assets)."),
        "volatility": Number(min=0, max=2, unit="1 per year", default=0.0,
                             description="Standard deviation of the yearly return; 1 + r "
                             "lognormal, years independent unless autocorrelation."),
        "assets": MapOf(value=ASSET, default=None,
                        description="A portfolio instead of mean: asset classes, each under "
                        "its own name ([fund.returns.assets.equity])."),
        "correlation": Matrix(default=None,
                              description="Correlation of the assets' log returns, rows and "
                              "columns in the order the assets are declared (default: "
                              "independent); positive semi-definite."),
        "autocorrelation": Number(min=-1, max=1, min_open=True, max_open=True, unit="1",
                                  default=0.0,
                                  description="AR(1) coefficient of each asset's log return "
                                  "from one year to the next (same mean and volatility)."),
    },
)

FUND_BOND = Table(
    description="A bond issued to capitalise the fund: bullet repayment at maturity.",
    fields={
        "year": Number(min=1950, max=2300, integer=True, unit="year", default=REQUIRED,
                       description="Year of issue: the proceeds enter the fund at its start."),
        "amount": Number(min=0, min_open=True, unit="currency", default=REQUIRED,
                         description="Face value, nominal."),
        "coupon": Number(min=0, max=1, unit="1 per year", default=REQUIRED,
                         description="Yearly coupon / face value, paid in each of the "
                         "maturity_years years after the issue."),
        "maturity_years": Number(min=1, max=100, integer=True, unit="years", default=REQUIRED,
                                 description="Years from issue to repayment of the face "
                                 "value."),
        "issue_price": Number(min=0, max=2, min_open=True, unit="1", default=1.0,
                              description="Proceeds / face value (0.98 = issued at a "
                              "discount)."),
        "serviced_by": Text(choices=("fund", "budget"), default="fund",
                            description='"fund": coupons and principal are paid out of the '
                            'fund; "budget": by the government (into the debt path).'),
        "label": Text(default="", description="Name shown in tables."),
    },
)

FUND = Table(
    default=None,
    description="A fund capitalisation plan: capital, contributions, what the fund pays, "
    "its returns, spending rule and bonds (docs/fund.md).",
    fields={
        "label": Text(default="Fund", description="Name shown in tables and charts."),
        "initial_capital": Number(min=0, unit="currency", default=None,
                                  description="Balance at the start of start_year, nominal "
                                  "(default: the capital required at target_probability)."),
        "contributions": Sources(unit="currency per year", default=None,
                                 description="Capitalisation flows by year, at the start of "
                                 "each year: one year path, or named sources (government, "
                                 "donor_basket, other, ...) each a year path."),
        "pays": Table(
            default=None,
            description="What the fund pays: a share of programmes' costs, a declared path, "
            "or viability funding (the financing gap left after the other amount sources).",
            fields={
                "programme": Text(default=None, description="A programme whose cost it pays."),
                "programmes": Identifiers(default=None,
                                          description="Several programmes (instead of "
                                          "programme)."),
                "amount": Path(min=0, unit="currency per year", default=None,
                               description="A declared payout by year, nominal (instead of "
                               "programmes)."),
                "viability": Boolean(default=False,
                                     description="true: pays the financing gap left after "
                                     "[fiscal.financing]'s amount sources, while it can."),
                "share": Path(min=0, max=1, unit="1", default=1.0,
                              description="Share of the programmes' cost (or of the gap) it "
                              "pays."),
            },
        ),
        "returns": FUND_RETURNS,
        "fee": Number(min=0, max=0.2, unit="1 per year", default=0.0,
                      description="Management fees, share of assets at the end of each year: "
                      "g = (1 + r) (1 - fee)."),
        "spending": Table(
            default={},
            description="The spending rule: pay the bill, a fixed share of the balance "
            "(Norway), or smoothed (Yale).",
            fields={
                "rule": Text(choices=("bill", "fixed_share", "smoothed"), default="bill",
                             description='"bill": pays what `pays` asks; "fixed_share": '
                             "rate x balance; \"smoothed\": smoothing x last year's spending "
                             "x (1 + inflation) + (1 - smoothing) x rate x balance, within the "
                             "band."),
                "rate": Path(min=0, max=1, unit="1 per year", default=None,
                             description="Spending rate by year (Norway: 0.04, 0.03 from "
                             "2017; Yale: 0.0525)."),
                "smoothing": Number(min=0, max=1, unit="1", default=0.8,
                                    description="Weight of last year's spending (Yale: 0.8)."),
                "band": Range(min=0, default=None,
                              description="[lo, hi]: spending kept between lo and hi times "
                              "the balance (smoothed rule)."),
            },
        ),
        "bonds": ListOf(item=FUND_BOND, default=(),
                        description="Bonds issued for the fund ([[fund.bonds]]): proceeds "
                        "into the fund, coupons and principal by the fund or the budget."),
        "target_probability": Number(min=0, max=1, min_open=True, max_open=True, unit="1",
                                     default=0.9,
                                     description="Probability with which the required capital "
                                     "keeps the fund solvent in every year."),
        "contribution_base": Path(min=0, unit="currency per year", default=None,
                                  description="Base of the general average premium and the "
                                  "PAYG cost rate, nominal (default: GDP)."),
        "downside": Table(
            default={},
            description="Downside metrics of endowment practice.",
            fields={
                "balance_share": Number(min=0, unit="1", default=0.75,
                                        description="Probability that the real balance falls "
                                        "below this share of the capital ..."),
                "within_years": Number(min=1, max=300, integer=True, unit="years", default=10,
                                       description="... within this many years."),
                "spending_drop": Number(min=0, max=1, unit="1", default=0.1,
                                        description="Probability that real spending falls by "
                                        "more than this share from one year to the next."),
            },
        ),
        "draws": Number(min=1, max=10_000_000, integer=True, unit="paths", default=10_000,
                        description="Return paths of the Monte Carlo (with [uncertainty]: "
                        "spread over the cost draws, at least one each)."),
        "seed": Number(min=0, max=2**63 - 1, integer=True, default=None,
                       description="Seed of the return paths (default: scenario.seed)."),
    },
)



# --- caseload transition ([transition], simulate/transition.py) -----------------------

TRANSITION = Table(
    default=None,
    description="A humanitarian caseload moving into a national programme: a yearly "
    "stock-and-flow funnel (consent, documentation, referral, re-assessment, waiting list, "
    "enrolment capped by capacity); see docs/methods.md and docs/iraq.md.",
    fields={
        "from": Text(default=REQUIRED, description="The humanitarian programme (household "
                     "unit) whose caseload moves."),
        "to": Text(default=REQUIRED, description="The national programme (household unit) "
                   "that absorbs it."),
        "caseload": Number(min=0, default=None, unit="households",
                           description="Households receiving humanitarian cash at the start "
                           "(default: households_beneficiaries of `from` in start_year)."),
        "consent": Number(**SHARE, default=1.0, description="Share of the caseload that "
                          "consents to referral (asked once); never changes humanitarian "
                          "eligibility."),
        "documented": Number(**SHARE, default=1.0, description="Share of the caseload "
                             "holding the civil documents a referral needs, at the start."),
        "documentation_assistance": Path(min=0.0, max=1.0, default=0.0, unit="1 per year",
                                         description="Share of the undocumented who obtain "
                                         "documents each year (legal assistance)."),
        "referral_rate": Path(min=0.0, max=1.0, default=1.0, unit="1 per year",
                              description="Share of the consenting, documented, not yet "
                              "referred households referred in a year (only in years with "
                              "capacity > 0)."),
        "reassessment_pass": Number(**SHARE, default=None,
                                    description="Share of the referred that the ministry's "
                                    "own assessment finds eligible (default: the share of "
                                    "households passing `from`'s targeting test that also "
                                    "pass `to`'s, on the population)."),
        "capacity": Path(min=0, default=REQUIRED, unit="households per year",
                         description="Households the national programme can enrol in a "
                         "year (absorption capacity); 0: closed, no referral, no "
                         "enrolment."),
        "humanitarian_exit": Path(min=0.0, max=1.0, default=0.0, unit="1 per year",
                                  description="Share of the households still receiving "
                                  "humanitarian cash who lose it in a year (phase-out)."),
        "humanitarian_value": Number(min=0, default=None, unit="currency per household per "
                                     "month", description="Humanitarian transfer, start_year "
                                     "prices (default: the flat monthly amount of `from`)."),
        "national_value": Number(min=0, default=None, unit="currency per household per "
                                 "month", description="National transfer, start_year prices "
                                 "(default: the flat monthly amount of `to`)."),
        "aligned": Boolean(default=False, description="true: the national programme pays "
                           "transitioned households the humanitarian value (values aligned); "
                           "false: its own value."),
        "overlap_factors": NumberList(min=0, default=(0.8, 0.9, 1.0, 1.1, 1.2), unit="1",
                                      description="Multipliers of each programme's targeting "
                                      "threshold (PMT cut-off, percentile or line) for the "
                                      "pmt_overlap sensitivity grid; must include 1."),
    },
)

SCENARIO = Table(
    fields={
        "extends": Text(description="A base scenario file, relative to this one.", default=None),
        "scenario": Table(
            default=REQUIRED,
            description="What the analysis is.",
            fields={
                "name": Text(default=REQUIRED, description="Title of the analysis."),
                "id": Text(
                    pattern=r"^[A-Za-z0-9_.-]+$", default=None,
                    description="Short name used for the output folder; default: the "
                    "scenario file's name without .toml.",
                ),
                "description": Text(default="", description="A longer description."),
                "country": Text(
                    default=REQUIRED,
                    description="A country profile in simulate/data/profiles (lao, khm, ukr, "
                    "irq) or a path to a profile file.",
                ),
                "start_year": Number(min=1950, max=2200, integer=True, default=REQUIRED,
                                     unit="year", description="First year of the projection."),
                "end_year": Number(min=1950, max=2300, integer=True, default=REQUIRED,
                                   unit="year", description="Last year of the projection."),
                "currency": Text(
                    default=None,
                    description="Local currency code; must match the country profile.",
                ),
                "seed": Number(min=0, max=2**63 - 1, integer=True, default=0,
                               description="Seed of every random draw."),
            },
        ),
        "population": Table(
            default={},
            description="Where the records come from.",
            fields={
                "source": Text(
                    default="synthetic",
                    description='"synthetic" (generated from the country profile) or a path '
                    "to household microdata (.csv or .parquet), relative to the scenario.",
                ),
                "records": Number(
                    min=100, max=100_000_000, integer=True, default=200_000, unit="records",
                    description="Number of synthetic person records; weights scale them to "
                    "the national population.",
                ),
            },
        ),
        "demography": Table(
            default={},
            description="How the population changes over the horizon.",
            fields={
                "mortality": Text(
                    choices=("profile", "none"), default="profile",
                    description='"profile": deaths from the country\'s life table; "none": '
                    "nobody dies.",
                ),
                "births": Text(
                    choices=("profile", "none"), default="profile",
                    description='"profile": births from the country\'s fertility; "none": no '
                    "births.",
                ),
            },
        ),
        "macro": Table(
            default={},
            description="Overrides of the country profile's macro figures.",
            fields={
                "gdp": Number(min=0, min_open=True, unit="currency", default=None,
                              description="Nominal GDP of start_year (of gdp_year when given)."),
                "gdp_year": Number(min=1950, max=2300, integer=True, unit="year", default=None,
                                   description="The year whose nominal GDP `gdp` is (default "
                                   "start_year); other years follow from growth and "
                                   "inflation."),
                "real_gdp_growth": Path(min=-0.5, max=0.5, unit="1 per year", default=None,
                                        description="Real GDP growth rate."),
                "inflation": Path(min=-0.5, max=10.0, unit="1 per year", default=None,
                                  warn_above=1, why="a fraction per year (0.05 = 5%); above "
                                  "1 (100% a year) looks like a percentage",
                                  description="Consumer price inflation."),
                "exchange_rate": Path(min=0, min_open=True, unit="currency per USD", default=None,
                                      description="Local currency per US dollar."),
            },
        ),
        "fiscal": Table(
            default={},
            description="The government budget.",
            fields={
                "revenue_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                        description="Government revenue / GDP (profile by "
                                        "default)."),
                "expenditure_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                            description="Government expenditure / GDP "
                                            "(profile by default); total expenditure, "
                                            "interest included."),
                "debt_pct_gdp": Number(min=0, max=10, unit="1", default=None, warn_above=3,
                                       why="a fraction of GDP (0.6 = 60%); above 3 looks "
                                       "like a percentage",
                                       description="Public debt at the end of the year before "
                                       "start_year / that year's GDP; with interest_rate, "
                                       "turns on the debt path (docs/fiscal.md)."),
                "interest_rate": Path(min=0, max=1, unit="1 per year", default=None,
                                      description="Effective nominal interest rate on public "
                                      "debt other than the scenario's loans: interest of year "
                                      "t = rate x that debt at the end of t-1."),
                "envelope_pct_gdp": Path(min=0, max=1, unit="1", default=None,
                                         description="Fiscal envelope for the programmes / "
                                         "GDP, by year: what the budget can carry."),
                "envelope": Path(min=0, unit="currency per year", default=None,
                                 description="Fiscal envelope for the programmes, nominal "
                                 "(instead of envelope_pct_gdp)."),
                "financing": FINANCING,
            },
        ),
        "poverty": Table(
            default={},
            description="Poverty and inequality measures before and after transfers.",
            fields={
                "line": Number(
                    min=0, min_open=True, default=None, unit="currency per person per year",
                    description="Poverty line, start_year prices (default: the profile's, "
                    "moved to start_year prices).",
                ),
            },
        ),
        "programmes": MapOf(
            value=PROGRAMME, default=REQUIRED,
            description="The benefit programmes, each under its own name.",
        ),
        "returns": RETURNS,
        "sensitivity": SENSITIVITY,
        "uncertainty": UNCERTAINTY,
        "fund": FUND,
        "transition": TRANSITION,
    }
)


def walk(spec: Spec, prefix: str = "") -> list[tuple[str, Spec]]:
    """Every (key path, spec) of the registry, depth first (for the reference)."""
    out: list[tuple[str, Spec]] = []
    if isinstance(spec, Table):
        for k, sub in spec.fields.items():
            path = f"{prefix}.{k}" if prefix else k
            out.append((path, sub))
            out.extend(walk(sub, path))
    elif isinstance(spec, MapOf):
        out.extend(walk(spec.value, f"{prefix}.<name>"))
    elif isinstance(spec, ListOf):
        out.extend(walk(spec.item, f"{prefix}[]"))
    return out


def reference_markdown() -> str:
    """The scenario reference (docs/scenario-reference.md), generated from the registry."""
    lines = [
        "# Scenario reference",
        "",
        "Generated from `simulate/scenario/schema.py` by `spsim reference`; do not edit by "
        "hand.",
        "",
        "| key | type | unit | default | description |",
        "|---|---|---|---|---|",
    ]
    for path, spec in walk(SCENARIO):
        if spec.default is REQUIRED:
            default = "required"
        elif spec.default is None or spec.default == {}:
            default = ""
        else:
            default = f"`{spec.default!r}`"
        unit = spec.unit if spec.unit not in ("", "1") else ""
        lines.append(
            f"| `{path}` | {spec.type_name()} | {unit} | {default} | {spec.description} |"
        )
    lines += ["", "Eligibility condition keys:", ""]
    lines += [f"* `{k}`: {v}" for k, v in CONDITION_KEYS.items()]
    lines += ["* any other key: a column of the population (numeric `[lo, hi)`, a boolean or "
              "a value)"]
    return "\n".join(lines) + "\n"
