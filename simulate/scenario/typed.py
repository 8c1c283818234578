"""Typed objects made from the key registry: a table's keys become a frozen dataclass.

:func:`typed_table` makes a class the frozen, keyword-only dataclass of a table of the
registry (:mod:`simulate.scenario.keys`): one field per key, its type and default from
the key's spec (:func:`field_type`, :func:`typed_value`), and a ``from_table``
constructor that fills every field from the validated table. A key added to the
registry is a field of the typed object with no other edit (the programme's
:class:`~simulate.scenario.programme.Benefit`, ``Targeting``, ``Admin`` and
``Programme`` are made so).

:class:`Kernel` is declared at a key (``kernel=Kernel(...)``) that becomes a per-draw
parameter table of the projection kernel; ``simulate/programmes/rules.py`` builds those
tables from the declarations.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field
from typing import Any, TypeVar

from .paths import YearPath
from .specs import (
    REQUIRED,
    Boolean,
    Names,
    Number,
    NumberList,
    NumberMap,
    NumberOrText,
    Path,
    Range,
    Spec,
    Table,
    TakeUp,
    Text,
    YearAmounts,
)

#: how a :class:`Kernel` table is indexed (see there)
KERNEL_PER = ("programme", "year", "period")


@dataclass(frozen=True)
class Kernel:
    """A key that becomes a per-draw parameter table of the projection kernel.

    ``table`` names the table (a field of ``programmes.rules.RuleTables`` and an
    argument of the kernel, ``kernels/projection.py``); its values are read from the
    typed programme at the key's path (``benefit.taper``: ``prog.benefit.taper``).
    ``per`` says how it is indexed:

    * ``"programme"``: one number a programme, ``[programme]``;
    * ``"year"``: a year path (a :class:`~simulate.scenario.specs.Path` key) in each
      projection year, ``[programme, year]``;
    * ``"period"``: an amount per benefit period in start_year prices, made annual and
      nominal (payments a year x the benefit's indexation factor),
      ``[programme, year]``.

    Where the key does not apply (its ``applies``: the benefit types, or targeting
    methods, that read it) or has no value (None), the table holds ``fill``. Several
    keys may fill one table, each where it applies (a flat ``amount`` and a top-up's
    ``guaranteed_minimum`` both fill ``amount``); they must agree on ``per`` and
    ``fill``. The key's role must be ``parameter``: a draw changes these tables only.
    """

    table: str
    per: str = "programme"
    fill: float = 0.0

    def __post_init__(self) -> None:
        if self.per not in KERNEL_PER:
            raise ValueError(f"Kernel.per: one of {KERNEL_PER}, not {self.per!r}")
        if not self.table.isidentifier():
            raise ValueError(f"Kernel.table: an identifier, not {self.table!r}")


def typed_value(spec: Spec, value: Any) -> Any:
    """The typed object's value for a key's parsed ``value``: a year path as a
    :class:`YearPath`, lists as tuples (none given: ``()``), a name = number table as
    a dict (none: ``{}``), one-off amounts as ``((year, amount), ...)`` in year order;
    anything else as it is."""
    if isinstance(spec, Path):
        return None if value is None else YearPath.from_value(value)
    if isinstance(spec, YearAmounts):
        return tuple(sorted((value or {}).items()))
    if isinstance(spec, Names | NumberList):
        return tuple(value or ())
    if isinstance(spec, NumberMap):
        return dict(value or {})
    return value


def field_type(spec: Spec) -> Any:
    """The Python type of the typed object's field for a key (``| None`` when the key
    has no value by default)."""
    kind: Any = Any
    always = False  # a value whatever is given (a list or table none given is empty)
    if isinstance(spec, Number):
        kind = int if spec.integer else float
    elif isinstance(spec, Text):
        kind = str
    elif isinstance(spec, Boolean):
        kind = bool
    elif isinstance(spec, NumberOrText):
        kind = str | float
    elif isinstance(spec, Path):
        kind = YearPath
    elif isinstance(spec, Range):
        kind = tuple[float, float]
    elif isinstance(spec, TakeUp):
        kind = float | Mapping[str, Any]
    elif isinstance(spec, Table):
        kind = Mapping[str, Any]
    elif isinstance(spec, YearAmounts):
        kind, always = tuple[tuple[int, float], ...], True
    elif isinstance(spec, Names):
        kind, always = tuple[str, ...], True
    elif isinstance(spec, NumberList):
        kind, always = tuple[float, ...], True
    elif isinstance(spec, NumberMap):
        kind, always = Mapping[str, float], True
    return kind | None if spec.default is None and not always and kind is not Any else kind


_T = TypeVar("_T")


def typed_table(table: Table, *, nested: Mapping[str, type] | None = None,
                skip: tuple[str, ...] = ()) -> Callable[[type[_T]], type[_T]]:
    """Make a class the frozen, keyword-only dataclass of ``table``'s keys.

    Every key of ``table`` becomes a field of the same name, of type
    :func:`field_type`, its default the declared default made typed
    (:func:`typed_value`; a required key is a required field); a key in ``nested`` is a
    nested table held as that typed class; a key in ``skip`` is no field. A field
    written in the class body is hand-written: either a key whose typed value is
    derived from more than its own value (the class's ``derived(table)`` returns those
    values, or the caller gives them) or a field that is no key (the caller gives it).

    The class gains ``from_table(table, **given)``, the typed object of a validated
    (parsed) table, and ``TABLE``, the declarations. The fields are keyword-only: a key
    added to the registry shifts no positional argument.
    """
    nested = dict(nested or {})
    unknown = sorted((set(skip) | set(nested)) - set(table.fields))
    if unknown:
        raise TypeError(f"typed_table: {unknown} are not keys of the table")

    def make(cls: type[_T]) -> type[_T]:
        own = dict(cls.__dict__.get("__annotations__", {}))
        keyed: dict[str, Any] = {}
        convert: dict[str, Callable[[Any], Any]] = {}
        for key, spec in table.fields.items():
            if key in skip:
                continue
            if not key.isidentifier() or keyword.iskeyword(key):
                raise TypeError(f"typed_table: key {key!r} of {cls.__name__} is no field name")
            if key in own:  # hand-written: derived from more than its own value
                keyed[key] = own[key]
                continue
            if key in nested:
                sub = nested[key]
                keyed[key] = sub | None if spec.default is None else sub
                convert[key] = _nested(sub)
                if spec.default is None:
                    setattr(cls, key, None)
                elif spec.default is not REQUIRED:
                    setattr(cls, key, field(default_factory=sub))
                continue
            keyed[key] = field_type(spec)
            convert[key] = _converter(spec)
            if spec.default is not REQUIRED:
                setattr(cls, key, _default(typed_value(spec, spec.default)))
        # order: hand-written fields that are no key and have no default, the keys (in
        # registry order), the other hand-written fields
        first = {k: t for k, t in own.items()
                 if k not in keyed and getattr(cls, k, MISSING) is MISSING}
        last = {k: t for k, t in own.items() if k not in keyed and k not in first}
        cls.__annotations__ = {**first, **keyed, **last}
        made = dataclass(frozen=True, kw_only=True)(cls)

        def from_table(klass: type[_T], values: Mapping[str, Any], **given: Any) -> _T:
            out = {k: conv(values[k]) for k, conv in convert.items()}
            derived = getattr(klass, "derived", None)
            if derived is not None:
                out.update(derived(values))
            out.update(given)
            return klass(**out)

        from_table.__doc__ = (f"The {cls.__name__} of a validated table: every key's typed "
                              "value; ``given`` sets the fields that are no keys.")
        made.from_table = classmethod(from_table)  # type: ignore[attr-defined]
        made.TABLE = table  # type: ignore[attr-defined]
        return made

    return make


def _converter(spec: Spec) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return typed_value(spec, value)
    return convert


def _nested(sub: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return None if value is None else sub.from_table(value)  # type: ignore[attr-defined]
    return convert


def _default(value: Any) -> Any:
    """A dataclass default: a mutable value as a factory of copies."""
    if isinstance(value, dict | list | set):
        return field(default_factory=lambda: type(value)(value))
    return value
