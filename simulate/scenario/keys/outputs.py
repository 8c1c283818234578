"""The keys of ``[outputs]``: which of the kernel's optional results a run computes.

Poverty and inequality before and after transfers (with the Gini's welfare histogram)
and the overlap of programmes are computed by the projection kernel for every household,
year and draw; a costing that does not need them (a finance ministry's scale-up, a Monte
Carlo over costs) leaves them out, and the kernel specialised to the scenario then has
neither block compiled in (``S_POVERTY``, ``S_OVERLAP`` in kernels/projection.py).
Role ``structure``: they decide which kernel is compiled, never a value; a draw cannot
vary them.

The check :func:`check_indicators` refuses a declared indicator
(``[[uncertainty.risk.thresholds]] output``) that names a variable switched off here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..specs import Boolean, Context, Table, reads

OUTPUTS = Table(
    role="structure",
    default={},
    description="Which optional results a run computes (both on by default); switched "
    "off, their work is compiled out of the projection kernel.",
    fields={
        "poverty": Boolean(
            default=True,
            description="Poverty headcount, gap and severity, poor persons and the Gini, "
            "before and after transfers, and the poverty line (false: none of them; "
            "costs are unchanged to the bit).",
        ),
        "overlap": Boolean(
            default=True,
            description="Persons eligible for and receiving each combination of "
            "programmes (`overlap`, up to 12 programmes; false: not computed).",
        ),
    },
)

#: the result variables each switch leaves out when false (simulate/variables.py)
VARIABLES: dict[str, tuple[str, ...]] = {
    "poverty": ("poverty_line", "poverty_headcount", "poverty_gap", "poverty_severity",
                "poor_persons", "gini"),
    "overlap": ("overlap",),
}


#: what each switch leaves out, in words (the summary's note)
DESCRIBED: dict[str, str] = {
    "poverty": "poverty and inequality (headcount, gap, severity, Gini)",
    "overlap": "the overlap of programmes",
}


#: the results' attribute naming the outputs a run left out (``"poverty overlap"``); absent
#: when every output is on, so a default run's attributes are as before
ATTR = "outputs_off"


def left_out(attrs: Mapping[str, Any]) -> set[str]:
    """The switches (``poverty``, ``overlap``) a run's results say were off."""
    return set(str(attrs.get(ATTR, "")).split())


def off_attrs(settings: Mapping[str, Any] | None) -> dict[str, str]:
    """The attribute :data:`ATTR` for a run of ``[outputs]`` ``settings`` (``{}`` when
    every output is on)."""
    off = off_switches(settings)
    return {ATTR: " ".join(off)} if off else {}


def wanted(settings: Mapping[str, Any] | None) -> tuple[bool, bool]:
    """(poverty, overlap) of a validated ``[outputs]`` table (both true when absent)."""
    sec = settings or {}
    return bool(sec.get("poverty", True)), bool(sec.get("overlap", True))


def off_switches(settings: Mapping[str, Any] | None) -> list[str]:
    """The switches a validated ``[outputs]`` table sets false, in table order."""
    return [name for name, on in zip(("poverty", "overlap"), wanted(settings), strict=True)
            if not on]


def switched_off(settings: Mapping[str, Any] | None) -> dict[str, str]:
    """The result variables ``[outputs]`` leaves out, each with the key that does it
    (``{"gini": "outputs.poverty", ...}``)."""
    return {name: f"outputs.{switch}" for switch in off_switches(settings)
            for name in VARIABLES[switch]}


@reads("outputs", "uncertainty.risk")
def check_indicators(v: Mapping[str, Any], ctx: Context, programmes: Sequence[Any]) -> None:
    """A risk threshold's ``output`` may not name a variable ``[outputs]`` leaves out."""
    off = switched_off(v.get("outputs"))
    if not off:
        return
    risk = (v.get("uncertainty") or {}).get("risk") or {}
    for k, t in enumerate(risk.get("thresholds") or ()):
        text = str(t.get("output") or "")
        name = text.split("[", 1)[0].split("@", 1)[0].strip()
        if name in off:
            ctx.bad(f"uncertainty.risk.thresholds[{k}].output",
                    f"a variable this run computes ({off[name]} is false, so {name} is "
                    "not computed)", text,
                    f"set {off[name]} = true, or name a cost variable")


checks = (check_indicators,)
