"""What Monte Carlo draws may share, derived from the roles of the keys.

A draw is the scenario with some keys changed. Two scenarios with the same
:func:`population_key` share the population, its projection and the demographic rates;
two with the same :func:`structure_key` as well share the rule tables built from the
population. Both keys are read off the validated scenario by the roles declared in the
registry (:mod:`simulate.scenario.keys`), so a new key is shared or rebuilt as its
declaration says: no list to keep by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .keys import SCENARIO
from .keys.programmes import THRESHOLDS
from .specs import ListOf, MapOf, Spec, Table, TakeUp

if TYPE_CHECKING:
    from .model import Scenario


def role_values(settings: Mapping[str, Any], roles: tuple[str, ...],
                spec: Spec = SCENARIO) -> list[tuple[str, Any]]:
    """Every (key path, value) of the validated ``settings`` whose key has one of
    ``roles``, in registry order: leaves by value, tables by presence, named entries
    ([programmes.<name>]) by their names and order, arrays by length. A take-up's
    structure is its groups' conditions (the rates are parameters)."""
    out: list[tuple[str, Any]] = []
    _visit(spec, settings, "", "", roles, out)
    return out


def _visit(spec: Spec, value: Any, path: str, role: str, roles: tuple[str, ...],
           out: list[tuple[str, Any]]) -> None:
    role = spec.role or role
    mine = role in roles
    if isinstance(spec, Table):
        if mine and path:
            out.append((path, value is not None))
        if isinstance(value, Mapping):
            for k, sub in spec.fields.items():
                _visit(sub, value.get(k), f"{path}.{k}" if path else k, role, roles, out)
    elif isinstance(spec, MapOf):
        if mine:
            out.append((path, tuple(value or ())))
        for k, v in (value or {}).items():
            _visit(spec.value, v, f"{path}.{k}", role, roles, out)
    elif isinstance(spec, ListOf):
        if mine:
            out.append((path, len(value or ())))
        for i, v in enumerate(value or ()):
            _visit(spec.item, v, f"{path}[{i}]", role, roles, out)
    elif mine:
        if isinstance(spec, TakeUp) and role == "structure":
            value = [g for g, _ in value["groups"]] if isinstance(value, Mapping) else []
        out.append((path, value))


def population_key(scenario: Scenario) -> tuple:
    """What the population, its projection and the rates depend on: the keys with role
    ``population`` and the folder relative paths start from."""
    return (str(scenario.base_dir),
            *role_values(scenario.settings, ("population",)))


def structure_key(scenario: Scenario) -> str:
    """What the population-dependent rule tables depend on besides the population: the
    keys with role ``structure``, and the targeting thresholds (:data:`THRESHOLDS`) when
    a programme's eligibility tests another's targeting (a horizontal shock response)."""
    parts: list[Any] = role_values(scenario.settings, ("structure",))
    if any(c.column.startswith("targeted:") for p in scenario.programmes
           for g in p.eligibility for c in g):
        for pid, d in (scenario.settings.get("programmes") or {}).items():
            parts.append((pid, [_get(d, k) for k in THRESHOLDS]))
    return repr(parts)


def _get(d: Mapping[str, Any] | None, path: str) -> Any:
    for k in path.split("."):
        if not isinstance(d, Mapping):
            return None
        d = d.get(k)
    return d
