"""Checks of a scenario document that look across keys: control characters anywhere,
the order of the years, the population source, keys a benefit type or targeting
method ignores (errors), and years outside the horizon (warnings).

Called by :func:`simulate.scenario.model.build`; the checks that need the country
profile or the population are in :mod:`simulate.plausibility`. docs/validation.md
lists every check.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path as FsPath
from typing import Any

from . import schema


def keys_by_selector(table: schema.Table) -> dict[str, tuple[str, ...]]:
    """The keys of ``table`` read for each value of its ``selector`` key (the choices of
    the selector, in order), from the keys' declared ``applies`` (empty: every value)."""
    choices = getattr(table.fields[table.selector], "choices", ())
    return {c: tuple(k for k, spec in table.fields.items()
                     if not spec.applies or c in spec.applies) for c in choices}


#: keys of [programmes.<name>.benefit] that each benefit type uses (their ``applies``
#: in the registry); any other key set in the file is an error (it would be ignored)
BENEFIT_KEYS = keys_by_selector(schema.PROGRAMME.fields["benefit"])
#: keys of [programmes.<name>.targeting] that only some methods use (their ``applies``)
TARGETING_KEYS = {k: spec.applies for k, spec in
                  schema.PROGRAMME.fields["targeting"].fields.items() if spec.applies}
MICRODATA_SUFFIXES = (".csv", ".parquet", ".pq")


def control_problems(doc: Any, ctx: schema.Context, key: str = "") -> set[str]:
    """Report every key or text value of ``doc`` holding a control character (NUL,
    escape, carriage return...; tab and newline are allowed in values). Returns the key
    paths reported, so that the per-key checks do not report them again."""
    found: set[str] = set()
    if isinstance(doc, Mapping):
        for k, v in doc.items():
            sub = f"{key}.{k}" if key else str(k)
            bad = schema.control_character(str(k)) or ("\\n" if "\n" in str(k) else "")
            if bad:
                ctx.bad(sub, "a key without control characters",
                        f"{str(k)!r} (contains {bad})", raw=True)
                found.add(sub)
                continue
            found |= control_problems(v, ctx, sub)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found |= control_problems(v, ctx, f"{key}[{i}]")
            if any(f.startswith(f"{key}[{i}]") for f in found):
                found.add(key)
    elif isinstance(doc, str):
        bad = schema.control_character(doc)
        if bad:
            ctx.bad(key, "text without control characters", f"{doc!r} (contains {bad})",
                    raw=True)
            found.add(key)
    return found


def check_years(v: Mapping[str, Any], ctx: schema.Context) -> None:
    """end_year >= start_year (reported with every other problem)."""
    s = v.get("scenario") or {}
    start, end = s.get("start_year"), s.get("end_year")
    if start is not None and end is not None and end < start:
        ctx.bad("scenario.end_year", f"a year >= start_year ({start})", end)


def check_source(v: Mapping[str, Any], ctx: schema.Context, base_dir: FsPath) -> None:
    """``population.source`` is "synthetic" or names a .csv/.parquet file (not a folder)."""
    src = (v.get("population") or {}).get("source")
    if not isinstance(src, str) or src == "synthetic":
        return
    key = "population.source"
    expected = '"synthetic" or a path to a .csv, .parquet or .pq file'
    path = FsPath(src) if FsPath(src).is_absolute() else base_dir / src
    if path.is_dir():
        ctx.bad(key, expected, f"{src!r} (a folder)", raw=True)
    elif FsPath(src).suffix.lower() not in MICRODATA_SUFFIXES:
        hint = schema.did_you_mean(src, ["synthetic"]) if "/" not in src else ""
        ctx.bad(key, expected, src, hint if hint.startswith("did") else "")


def check_ignored_keys(doc: Mapping[str, Any], v: Mapping[str, Any],
                       ctx: schema.Context) -> None:
    """Keys set in the file that the programme's benefit type or targeting method
    ignores are errors (``taper`` on a flat benefit)."""
    raw_programmes = doc.get("programmes")
    if not isinstance(raw_programmes, Mapping):
        return
    for pid, p in (v.get("programmes") or {}).items():
        raw = raw_programmes.get(pid)
        if not isinstance(raw, Mapping) or p is None:
            continue
        benefit, raw_benefit = p.get("benefit"), raw.get("benefit")
        if isinstance(benefit, Mapping) and isinstance(raw_benefit, Mapping):
            kind = benefit.get("type")
            used = BENEFIT_KEYS.get(kind, ())
            for k in raw_benefit:
                if used and k in schema.PROGRAMME.fields["benefit"].fields and k not in used:
                    users = [t for t, keys in BENEFIT_KEYS.items() if k in keys]
                    ctx.bad(f"programmes.{pid}.benefit.{k}",
                            f"no {k} with benefit type {kind!r} (it is used by type "
                            f"{' or '.join(repr(t) for t in users)})",
                            f"{k} = {schema._show(raw_benefit[k])}", raw=True)
        targeting, raw_targeting = p.get("targeting"), raw.get("targeting")
        if isinstance(targeting, Mapping) and isinstance(raw_targeting, Mapping):
            method = targeting.get("method")
            for k in raw_targeting:
                if k in TARGETING_KEYS and method is not None and method not in TARGETING_KEYS[k]:
                    users = " or ".join(repr(m) for m in TARGETING_KEYS[k])
                    ctx.bad(f"programmes.{pid}.targeting.{k}",
                            f"no {k} with targeting method {method!r} (it is used by method "
                            f"{users})", f"{k} = {schema._show(raw_targeting[k])}", raw=True)


def _visit(spec: schema.Spec, value: Any, key: str) -> Iterator[tuple[str, schema.Spec, Any]]:
    """(key path, spec, parsed value) of every value under ``spec``."""
    if value is None:
        return
    yield key, spec, value
    if isinstance(spec, schema.Table) and isinstance(value, Mapping):
        for k, sub in spec.fields.items():
            if k in value:
                yield from _visit(sub, value[k], f"{key}.{k}" if key else k)
    elif isinstance(spec, schema.MapOf) and isinstance(value, Mapping):
        for k, x in value.items():
            yield from _visit(spec.value, x, f"{key}.{k}")
    elif isinstance(spec, schema.ListOf) and isinstance(value, list | tuple):
        for i, x in enumerate(value):
            yield from _visit(spec.item, x, f"{key}[{i}]")


def year_warnings(v: Mapping[str, Any], ctx: schema.Context) -> None:
    """One rule for every table of year = value: an entry outside the horizon
    start_year..end_year gets a warning naming it. An interpolated path still uses it to
    interpolate (or extend its value) into the horizon; a one-off amount (``setup``, a
    stream's table of years) in such a year is not counted."""
    s = v.get("scenario") or {}
    start, end = s.get("start_year"), s.get("end_year")
    if start is None or end is None or end < start:
        return
    for key, spec, value in _visit(schema.SCENARIO, v, ""):
        if not isinstance(value, Mapping) or not isinstance(
                spec, schema.Path | schema.YearAmounts | schema.Values):
            continue
        outside = sorted(int(y) for y in value if not start <= int(y) <= end)
        if not outside:
            continue
        if isinstance(spec, schema.Path):
            effect = (f"{'it is' if len(outside) == 1 else 'they are'} used only to "
                      "interpolate or extend the path into the horizon"
                      if len(outside) < len(value) else
                      "every entry is outside, so the path's value at the nearest of them "
                      "applies in every year")
        else:
            effect = "amounts in years outside the horizon are not counted"
        shown = ", ".join(str(y) for y in outside)
        ctx.warn(f"{key}.{outside[0]}" if len(outside) == 1 else key,
                 f"years in the horizon {start}-{end}",
                 f"{'year' if len(outside) == 1 else 'years'} {shown} ({effect})", raw=True)
