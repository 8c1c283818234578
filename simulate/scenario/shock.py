"""Shock-responsive expansion: ``[programmes.<name>.shock_response]`` made into programmes.

A response pays in chosen years (``years``) and has two parts, each a programme of its
own so that its cost is reported apart from the regular programme (the ``component``
of the results' programme dimension; docs/methods.md, "Shock-responsive expansion"):

* vertical (``<name>_shock_vertical``, component ``shock_vertical``): a top-up for the
  regular programme's beneficiaries. It has the regular programme's eligibility,
  targeting, take-up and roll-out in the response years (0 in the others) and shares
  its random draws, so it pays exactly the regular beneficiaries;
* horizontal (``<name>_shock_horizontal``, component ``shock_horizontal``): the newly
  eligible, i.e. units meeting the regular eligibility conditions that fail the regular
  targeting test (a condition on the virtual column ``targeted:<name>``) and pass a
  second test: a second welfare threshold, a second PMT cut-off, or the regular poverty
  threshold after a shock to welfare.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import schema
from .paths import YearPath
from .programme import Admin, Benefit, Condition, Programme, Targeting

VERTICAL = "shock_vertical"
HORIZONTAL = "shock_horizontal"
_SECOND = ("welfare_percentile_max", "poverty_line", "cutoff", "welfare_shock")


def _in_years(years: list[int], value: YearPath, start: int, end: int) -> YearPath:
    """``value`` in ``years``, 0 in every other year (pinned a year around the horizon)."""
    lo, hi = min(start, *years) - 1, max(end, *years) + 1
    return YearPath.from_value({y: float(value.at(y)) if y in years else 0.0
                                for y in range(lo, hi + 1)})


def _years(raw: tuple[float, ...], key: str, ctx: schema.Context) -> list[int] | None:
    if any(not float(y).is_integer() for y in raw):
        ctx.bad(key, "a list of calendar years (integers)", list(raw))
        return None
    return [int(y) for y in raw]


def _vertical(prog: Programme, d: Mapping[str, Any], years: list[int], key: str,
              share: float, start: int, end: int, ctx: schema.Context) -> Programme | None:
    b = prog.benefit
    if b.type != "flat" or b.period == "once":
        ctx.bad(f"{key}.vertical", "a programme with a flat monthly or yearly benefit "
                "(a top-up is added to it)", f"benefit type {b.type!r}, period {b.period!r}")
        return None
    return replace(
        prog, id=f"{prog.id}_{VERTICAL}",
        label=d["label"] or f"{prog.label}: shock top-up",
        benefit=Benefit(amount=d["amount"], period=d["period"], indexation=b.indexation),
        rollout=_in_years(years, prog.rollout, start, end),
        admin=Admin(share_of_transfers=share),
        component=VERTICAL, parent=prog.id, draws_of=prog.id,
    )


def _horizontal(prog: Programme, d: Mapping[str, Any], years: list[int], key: str,
                share: float, start: int, end: int, ctx: schema.Context) -> Programme | None:
    t = prog.targeting
    given = [k for k in _SECOND if d[k] is not None]
    hkey = f"{key}.horizontal"
    if len(given) != 1:
        ctx.bad(hkey, "exactly one of " + ", ".join(_SECOND), ", ".join(given) or "none",
                raw=True)
        return None
    second = given[0]
    if t.method == "none":
        ctx.bad(hkey, "a targeted programme (a horizontal expansion reaches those its "
                "targeting leaves out)", 'targeting.method = "none"', raw=True)
        return None
    if second == "cutoff" and t.method != "pmt":
        ctx.bad(f"{hkey}.cutoff", 'a programme with targeting.method = "pmt"',
                repr(t.method))
        return None
    if second == "welfare_shock" and t.method != "poverty":
        ctx.bad(f"{hkey}.welfare_shock", 'a programme with targeting.method = "poverty"',
                repr(t.method))
        return None
    errors = dict(exclusion_error=d["exclusion_error"], inclusion_error=d["inclusion_error"])
    if second == "cutoff":
        targeting = replace(t, cutoff=d["cutoff"], **errors)
    elif second == "welfare_shock":
        targeting = replace(t, welfare_shock=d["welfare_shock"], **errors)
    else:
        targeting = Targeting(method="poverty",
                              welfare_percentile_max=d["welfare_percentile_max"],
                              poverty_line=d["poverty_line"], **errors)
    b = prog.benefit
    amount = d["amount"]
    if amount is None:
        if b.type != "flat" or b.period == "once":
            ctx.bad(f"{hkey}.amount", "a value (the regular benefit is not flat)", "nothing",
                    raw=True)
            return None
        amount = b.amount * (12 if b.period == "month" else 1) / (
            12 if d["period"] == "month" else 1)
    take_up = d["take_up"]
    if take_up is None:
        take_up = prog.take_up if not isinstance(prog.take_up, Mapping) else float(
            prog.take_up["default"])
    not_regular = Condition(f"targeted:{prog.id}", values=(0,), key=f"{hkey}")
    return replace(
        prog, id=f"{prog.id}_{HORIZONTAL}",
        label=d["label"] or f"{prog.label}: shock expansion",
        eligibility=tuple((*group, not_regular) for group in prog.eligibility),
        benefit=Benefit(amount=amount, period=d["period"], indexation=b.indexation),
        take_up=take_up, targeting=targeting,
        rollout=_in_years(years, YearPath.constant(d["reach"]), start, end),
        admin=Admin(share_of_transfers=share),
        component=HORIZONTAL, parent=prog.id, draws_of=None,
    )


def expand_shock_responses(programmes: tuple[Programme, ...],
                           docs: Mapping[str, Mapping[str, Any]], scenario: Mapping[str, Any],
                           ctx: schema.Context) -> tuple[Programme, ...]:
    """``programmes`` followed by the programmes of every ``shock_response`` (in
    declaration order); problems go to ``ctx``."""
    out = list(programmes)
    names = {p.id for p in programmes}
    start, end = scenario["start_year"], scenario["end_year"]
    for prog in programmes:
        sr = (docs.get(prog.id) or {}).get("shock_response")
        if sr is None:
            continue
        key = f"programmes.{prog.id}.shock_response"
        years = _years(sr["years"], f"{key}.years", ctx)
        if years is None:
            continue
        if sr["vertical"] is None and sr["horizontal"] is None:
            ctx.bad(key, "a vertical or a horizontal table (or both)", "neither", raw=True)
            continue
        share = (sr["admin_share_of_transfers"] if sr["admin_share_of_transfers"] is not None
                 else prog.admin.share_of_transfers)
        made = []
        if sr["vertical"] is not None:
            made.append(_vertical(prog, sr["vertical"], years, key, share, start, end, ctx))
        if sr["horizontal"] is not None:
            made.append(_horizontal(prog, sr["horizontal"], years, key, share, start, end,
                                    ctx))
        for p in made:
            if p is None:
                continue
            if p.id in names:
                ctx.bad(key, f"no programme named {p.id!r} (the response's own name)",
                        f"a programme {p.id!r}")
                continue
            names.add(p.id)
            out.append(p)
    return tuple(out)
