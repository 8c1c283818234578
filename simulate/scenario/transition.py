"""Cross-key checks of the ``[transition]`` table (the caseload funnel of
:mod:`simulate.transition`), kept beside the scenario's keys so that building a Scenario
needs nothing above the scenario layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Problem


def transition_problems(t: Mapping[str, Any], programmes: Mapping[str, Mapping[str, Any]],
                        origin) -> list[Problem]:
    """Cross-key checks of ``[transition]`` against the programmes (at load time)."""
    problems = []
    names = list(programmes)
    for side in ("from", "to"):
        pid = t[side]
        key = f"transition.{side}"
        if pid is None:
            continue
        if pid not in programmes:
            from ..errors import did_you_mean
            problems.append(Problem(origin(key), key, "a programme of the scenario", repr(pid),
                                    did_you_mean(pid, names)))
        elif (programmes[pid] or {}).get("unit") != "household":
            problems.append(Problem(origin(key), key, 'a programme with unit = "household"',
                                    f"{pid!r} (unit {(programmes[pid] or {}).get('unit')!r})"))
    if 1.0 not in (t["overlap_factors"] or ()):
        problems.append(Problem(origin("transition.overlap_factors"),
                                "transition.overlap_factors", "a list that includes 1",
                                repr(list(t["overlap_factors"] or ()))))
    if t["from"] == t["to"] and t["from"] in programmes:
        problems.append(Problem(origin("transition.to"), "transition.to",
                                "a programme other than transition.from", repr(t["to"])))
    return problems
