"""Typed, immutable scenario objects, built from a validated document."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any

import numpy as np

from ..errors import InputWarning, Problem, ScenarioError, did_you_mean
from ..provenance import rerunnable
from ..timing import timing_of
from . import keys, plausible, schema
from .fund import FundSettings, fund_settings
from .loader import apply_overrides, origin_of, resolve, to_toml
from .programme import Admin, Benefit, Condition, Programme, Targeting  # noqa: F401 (re-exported)
from .renamed import rename_keys
from .specs import affected


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. ``text`` is the resolved scenario as TOML (provenance),
    written from ``doc`` when first read (a variant that is never asked for it never
    writes it)."""

    id: str
    name: str
    description: str
    country: str
    start_year: int
    end_year: int
    currency: str | None
    seed: int
    population_source: str
    records: int
    mortality: str
    births: str
    macro: Mapping[str, Any]
    fiscal: Mapping[str, Any]
    programmes: tuple[Programme, ...]
    path: FsPath | None
    origins: Mapping[str, str]
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: what validation found allowed but probably not meant (docs/validation.md)
    warnings: tuple[InputWarning, ...] = ()
    #: the resolved document as plain tables, file paths as written (``text`` is it made
    #: rerunnable from anywhere); variants are made from it (:func:`with_values`);
    #: read-only
    doc: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False,
                                   compare=False)
    #: the folder that ``text`` makes relative file paths absolute against: the
    #: scenario file's, or the working folder when the scenario was built (in memory)
    text_dir: FsPath | None = field(default=None, repr=False, compare=False)

    def section(self, name: str) -> Mapping[str, Any]:
        """A validated top-level table (defaults filled in), e.g. ``section("fiscal")``.

        Read-only by convention; every key in it was checked against the registry.
        """
        return self.settings.get(name) or {}

    @property
    def years(self) -> np.ndarray:
        """Calendar years of the projection, start_year..end_year inclusive."""
        return np.arange(self.start_year, self.end_year + 1)

    @cached_property
    def text(self) -> str:
        """The resolved scenario as TOML, rerunnable from anywhere (``doc`` with file paths
        made absolute and the id written out: :func:`simulate.provenance.rerunnable`);
        the results' ``scenario`` attribute and the output folder's ``scenario.toml``.
        Written on first access and kept (the object stays immutable: only this cache
        is set); a ``dataclasses.replace`` copy writes it again from the same ``doc``."""
        base = self.text_dir if self.text_dir is not None else self.base_dir
        return to_toml(rerunnable(self.doc, base, self.id))

    @cached_property
    def sha256(self) -> str:
        """Hex sha256 of :attr:`text` (UTF-8); computed on first access and kept."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def base_dir(self) -> FsPath:
        """Folder that relative paths in the scenario are relative to."""
        return self.path.parent if self.path else FsPath.cwd()

    def where(self, key: str) -> str:
        """The file (or --set) a key came from, for messages."""
        return origin_of(self.origins, str(self.path or "<scenario>"))(key)

    @property
    def fund(self) -> FundSettings | None:
        """The typed ``[fund]`` table (docs/fund.md), or None when the scenario has none."""
        v = self.settings.get("fund")
        return None if v is None else fund_settings(v, self.seed)

    def programme(self, pid: str) -> Programme:
        """The programme named ``pid``."""
        for p in self.programmes:
            if p.id == pid:
                return p
        raise KeyError(pid)

    def __reduce__(self) -> tuple[Callable[..., Scenario],
                                  tuple[dict[str, Any], tuple[str, ...], dict[str, str]]]:
        """Pickled as it is (a cluster task carries the typed Scenario): its read-only
        tables travel as plain dicts (a ``MappingProxyType`` does not pickle) and are
        read-only again when loaded; nothing is parsed or validated again. ``text`` and
        ``sha256`` travel when they were computed (and are not computed to travel)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        proxied = tuple(k for k, v in values.items() if isinstance(v, MappingProxyType))
        cached = {k: self.__dict__[k] for k in _CACHED if k in self.__dict__}
        return _unpickle, ({k: dict(v) if k in proxied else v for k, v in values.items()},
                           proxied, cached)


#: the properties a Scenario computes once and keeps (``functools.cached_property``)
_CACHED = ("text", "sha256")


def _unpickle(values: dict[str, Any], proxied: tuple[str, ...],
              cached: dict[str, str] | None = None) -> Scenario:
    """The Scenario that :meth:`Scenario.__reduce__` packed."""
    out = Scenario(**{k: MappingProxyType(v) if k in proxied else v
                      for k, v in values.items()})
    out.__dict__.update(cached or {})
    return out


def conditions(groups: list[dict[str, Any]], key: str) -> tuple[tuple[Condition, ...], ...]:
    out = []
    for i, group in enumerate(groups):
        gkey = f"{key}[{i}]" if len(groups) > 1 else key
        conds = []
        for col, v in group.items():
            ck = f"{gkey}.{col}"
            if v is None:
                continue
            if isinstance(v, tuple) and col != "region":
                conds.append(Condition(col, lo=v[0], hi=v[1], key=ck))
            elif col == "sex":
                conds.append(Condition("sex", values=(1 if v == "f" else 0,), key=ck))
            elif isinstance(v, bool):
                conds.append(Condition(col, values=(1 if v else 0,), key=ck))
            elif isinstance(v, tuple):
                conds.append(Condition(col, values=v, key=ck))
            else:
                conds.append(Condition(col, values=(v,), key=ck))
        out.append(tuple(conds))
    return tuple(out)


def _programme(pid: str, d: Mapping[str, Any]) -> Programme:
    """The typed programme of a validated table (its checks ran before:
    :mod:`simulate.scenario.keys.programmes`): every key's typed value
    (``Programme.from_table``, fields from the registry) and the fields derived here."""
    return Programme.from_table(
        d, id=pid, label=d["label"] or pid,
        eligibility=conditions(d["eligibility"] or [{}], f"programmes.{pid}.eligibility"),
        timing=timing_of(d.get("timing")),
    )


def build(doc: dict[str, Any], origins: dict[str, str], path: FsPath | None,
          changed: tuple[str, ...] | None = None) -> Scenario:
    """Validate a resolved document and build the Scenario; every problem at once.

    Last, on the built Scenario, ``keys.VARIANT_CHECKS``: the checks that build variants
    of it (each uncertain parameter over its range, each tornado value). The Scenario's
    rerunnable text is not written here (:attr:`Scenario.text`, on first access).

    ``changed``: the key paths a variant (:func:`with_values`) changed from a valid
    scenario; a cross-key check that reads none of them (``specs.reads``) keeps the
    base's verdict and is skipped.
    """
    default_where = str(path) if path else "<scenario>"
    ctx = schema.Context(origin_of(origins, default_where))
    doc = rename_keys(doc, origins, ctx)  # keys that changed name (scenario/renamed.py)
    ctx.given = doc
    controlled = plausible.control_problems(doc, ctx)
    n_control = len(ctx.problems)
    v = schema.SCENARIO.parse(doc, ctx, "")
    if controlled:  # one message per key with a control character
        ctx.problems[n_control:] = [p for p in ctx.problems[n_control:]
                                    if not any(p.key == k or p.key.startswith(k + ".")
                                               for k in controlled)]
    plausible.check_years(v, ctx)
    plausible.check_source(v, ctx, path.parent if path else FsPath.cwd())
    plausible.check_ignored_keys(doc, v, ctx)
    if ctx.problems:
        raise ScenarioError(ctx.problems)
    plausible.year_warnings(v, ctx)
    s = v["scenario"]
    for check in keys.PROGRAMME_CHECKS:
        check(v, ctx)
    programmes = tuple(_programme(pid, p) for pid, p in (v["programmes"] or {}).items())
    if not ctx.problems:  # [programmes.<name>.shock_response]: generated programmes
        from .shock import expand_shock_responses

        programmes = expand_shock_responses(programmes, v["programmes"], s, ctx)
    for check in keys.CHECKS:
        if affected(check, changed):
            check(v, ctx, programmes)
    if ctx.problems:
        raise ScenarioError(ctx.problems)
    for check in keys.VALID_CHECKS:
        if affected(check, changed):
            check(v, ctx, programmes)
    if ctx.problems:
        raise ScenarioError(ctx.problems)
    sid = s["id"] or (path.stem if path else "scenario")
    doc = plain(doc)
    out = Scenario(
        id=sid,
        name=s["name"],
        description=s["description"],
        country=s["country"],
        start_year=s["start_year"],
        end_year=s["end_year"],
        currency=s["currency"],
        seed=s["seed"],
        population_source=v["population"]["source"],
        records=v["population"]["records"],
        mortality=v["demography"]["mortality"],
        births=v["demography"]["births"],
        macro=MappingProxyType({k: x for k, x in v["macro"].items() if x is not None}),
        fiscal=MappingProxyType({k: x for k, x in v["fiscal"].items() if x is not None}),
        programmes=programmes,
        path=path,
        origins=MappingProxyType(dict(origins)),
        settings=MappingProxyType(v),
        warnings=tuple(dict.fromkeys(ctx.warnings)),
        doc=MappingProxyType(doc),
        text_dir=path.parent if path else FsPath.cwd(),
    )
    for variant_check in keys.VARIANT_CHECKS:  # keys set one at a time on the built one
        if affected(variant_check, changed):
            variant_check(out, ctx, with_values)
    if ctx.problems:
        raise ScenarioError(ctx.problems)
    return out


def plain(value: Any) -> Any:
    """``value`` as its TOML text would read back: tables with text keys and without
    empty (None) values, arrays as lists (what a variant's overrides are applied to)."""
    if isinstance(value, Mapping):
        return {str(k): plain(x) for k, x in value.items() if x is not None}
    if isinstance(value, list | tuple):
        return [plain(x) for x in value]
    return value


def with_values(scenario: Scenario, values: Mapping[str, Any], section: str, *,
                quote: bool = False, check: Callable[[Scenario], object] | None = None
                ) -> Scenario:
    """``scenario`` with each ``key.path: value`` of ``values`` set (``--set`` semantics),
    validated again; every problem is named after the table that declared the change.

    The variant is built from the scenario's validated document (``Scenario.doc``), with
    no TOML written or read; the whole document is checked again, so a changed key is
    checked with everything that depends on it.

    A problem is reported as ``<section>.<key.path>`` (``<section>."<key.path>"`` with
    ``quote``) in the file that declared it: the key's own problem as it is, a problem
    with a table on the way to the key (a typo) as ``... at <table>``, any other as "a
    value that keeps <other key> valid". ``check`` (e.g. the [returns] cross-checks) runs
    on the new scenario and its problems are named the same way. Keys under [sensitivity]
    and [uncertainty] are refused; an unknown programme gets a did-you-mean hint.
    Raises :class:`ScenarioError` with every problem.
    """

    def name(path: str) -> str:
        return f"{section}.{schema.quote_key(path) if quote else path}"

    def where(path: str) -> str:
        return scenario.where(f"{section}.{path}")

    problems: list[Problem] = []
    ids = [p.id for p in scenario.programmes]
    for path in values:
        parts = path.split(".")
        if parts[0] in schema.ANALYSIS_TABLES:
            problems.append(Problem(where(path), name(path), "a key outside [sensitivity] and "
                                    "[uncertainty]", repr(path)))
        elif parts[0] == "programmes" and len(parts) > 1 and parts[1] not in ids:
            problems.append(Problem(where(path), name(path), "a programme of the scenario",
                                    repr(parts[1]), did_you_mean(parts[1], ids)))
    if problems:
        raise ScenarioError(problems)
    doc = scenario.doc
    origins = dict(scenario.origins)
    try:
        doc = apply_overrides(doc, origins, {k: plain(v) for k, v in values.items()})
        out = build(doc, origins, scenario.path, tuple(values))
        if check is not None:
            check(out)
        return out
    except ScenarioError as exc:
        for p in exc.problems:
            path = next((k for k in values if p.key == k), None) or next(
                (k for k in values if k.startswith(p.key + ".")), None)
            if path == p.key:
                renamed = Problem(where(path), name(path), p.expected, p.found, p.hint)
            elif path is not None:
                renamed = Problem(where(path), name(path), f"{p.expected} at {p.key}",
                                  p.found, p.hint)
            elif len(values) == 1:
                ((path, value),) = values.items()
                renamed = Problem(where(path), name(path), f"a value that keeps {p.key} valid "
                                  f"({p.expected})", f"{value!r} ({p.key}: {p.found})", p.hint)
            else:
                shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
                renamed = Problem(scenario.where(section), section, f"values that keep {p.key} "
                                  f"valid ({p.expected})", f"{shown} ({p.key}: {p.found})",
                                  p.hint)
            if renamed not in problems:
                problems.append(renamed)
        raise ScenarioError(problems) from None


def load_scenario(
    path: str | FsPath, overrides: Mapping[str, Any] | None = None, strict: bool = False
) -> Scenario:
    """Read, resolve (``extends``), override and validate a scenario file.

    ``overrides`` maps dotted key paths to values, e.g.
    ``{"programmes.mecg.take_up": 0.7}``. Raises :class:`ScenarioError` listing
    every problem (file, key, expected, found). What is allowed but probably not meant
    is kept in ``Scenario.warnings``; with ``strict`` the warnings are errors too.
    """
    path = FsPath(path)
    doc, origins = resolve(path)
    if overrides:
        doc = apply_overrides(doc, origins, overrides)
    scenario = build(doc, origins, path.resolve())  # resolve() checked it resolves
    if strict and scenario.warnings:
        raise ScenarioError(list(scenario.warnings))
    return scenario


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any],
                   strict: bool = False) -> Scenario:
    """``scenario`` with ``overrides`` set as ``--set`` sets them at load (any key, the
    analysis tables included, origins recording ``--set``), made from the validated
    document (``Scenario.doc``): no file is read and no TOML is parsed; only the checks
    that read a changed key run again. For options that change one setting of a loaded
    scenario (``spsim run --draws``, ``spsim fund --draws``)."""
    doc = scenario.doc
    origins = dict(scenario.origins)
    doc = apply_overrides(doc, origins, overrides)
    out = build(doc, origins, scenario.path, tuple(overrides))
    if strict and out.warnings:
        raise ScenarioError(list(out.warnings))
    return out


def scenario_from_dict(doc: Mapping[str, Any], name: str = "<scenario>") -> Scenario:
    """A Scenario from an in-memory document (tests, notebooks)."""
    from .loader import _leaves

    doc = dict(doc)
    if "extends" in doc:
        raise ScenarioError(Problem(name, "extends", "a file (use load_scenario)", "a dict"))
    origins = {leaf: name for leaf in _leaves(doc)}
    return build(doc, origins, None)
