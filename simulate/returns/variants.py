"""The tornado's one-way scenario variants.

``[sensitivity.parameters]`` entries ``"key.path" = [low, high]`` name the scenario
keys a tornado bar varies (docs/sensitivity.md). Each value was checked when the
Scenario was built (``scenario.keys.returns.check_tornado`` builds the same variants);
the bars themselves (which re-run the engine) are computed by
:mod:`simulate.uncertainty.tornado`, in the analyses layer above the engine.
"""

from __future__ import annotations

from ..errors import Problem, ScenarioError
from ..scenario import Scenario
from ..scenario.model import with_values
from .settings import FLOW_PARAMETERS, ReturnsSettings


def variant(scenario: Scenario, path: str, value: float) -> Scenario:
    """``scenario`` with ``path`` set to ``value``; problems name sensitivity.parameters."""
    return with_values(scenario, {path: value}, "sensitivity.parameters")


def variants(scenario: Scenario, settings: ReturnsSettings
             ) -> dict[tuple[str, int], Scenario | None]:
    """Each (parameter, 0 low / 1 high) -> its scenario (None for costs/benefits);
    every problem of every variant at once."""
    out: dict[tuple[str, int], Scenario | None] = {}
    problems: list[Problem] = []
    for path, pair in settings.parameters.items():
        for side, value in enumerate(pair):
            if path in FLOW_PARAMETERS:
                out[(path, side)] = None
                continue
            try:
                out[(path, side)] = variant(scenario, path, value)
            except ScenarioError as exc:
                problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise ScenarioError(problems)
    return out
