"""The scenario registry: one declaration per key, one module per table.

Each module declares its table's keys (title, type, unit, range, default, source and
role; the spec classes that parse them are in :mod:`simulate.scenario.specs`) and the
checks across those keys (its ``checks``). :data:`SCENARIO` assembles the tables in the
order of the scenario file and of ``docs/scenario-reference.md``; the build
(:func:`simulate.scenario.model.build`) is the one validation pass:

1. every key against its spec, and each table's own ``Table.checks`` as it is parsed
   ([uncertainty]'s correlations and paths);
2. :data:`PROGRAMME_CHECKS` on the validated document, before the programmes are built;
3. :data:`CHECKS` once the programmes are built (shock responses included);
4. :data:`VALID_CHECKS` once everything else is valid ([macro], [fiscal] and
   [fiscal.financing]; they name generated programmes).
5. :data:`VARIANT_CHECKS` on the built Scenario: checks of keys only that build
   variants of it ([uncertainty.parameters] over their ranges, the tornado's values);
   a variant that leaves what they read as it was keeps the verdict.

Roles (``population``, ``structure``, ``parameter``, ``analysis``; see
:mod:`simulate.scenario.specs`) say what a change of the key invalidates;
:mod:`simulate.scenario.roles` derives from them what Monte Carlo draws may share.
"""

from __future__ import annotations

from ..specs import ROLES, ListOf, MapOf, Spec, Table
from . import (
    fiscal,
    fund,
    outputs,
    population,
    programmes,
    returns,
    scenario,
    sensitivity,
    transition,
    uncertainty,
)
from .fiscal import FISCAL, MACRO, POVERTY
from .fund import FUND
from .outputs import OUTPUTS
from .population import DEMOGRAPHY, POPULATION
from .programmes import PROGRAMMES
from .returns import RETURNS
from .scenario import EXTENDS, SCENARIO_TABLE
from .sensitivity import SENSITIVITY
from .transition import TRANSITION
from .uncertainty import UNCERTAINTY

#: the whole scenario file, table by table
SCENARIO = Table(
    fields={
        "extends": EXTENDS,
        "scenario": SCENARIO_TABLE,
        "population": POPULATION,
        "demography": DEMOGRAPHY,
        "macro": MACRO,
        "fiscal": FISCAL,
        "poverty": POVERTY,
        "outputs": OUTPUTS,
        "programmes": PROGRAMMES,
        "returns": RETURNS,
        "sensitivity": SENSITIVITY,
        "uncertainty": UNCERTAINTY,
        "fund": FUND,
        "transition": TRANSITION,
    }
)

#: the modules of the registry, in the order of the file (each has ``checks``)
MODULES = (scenario, population, fiscal, outputs, programmes, returns, sensitivity,
           uncertainty, fund, transition)
#: checks on the validated document, before the programmes are built: ``check(v, ctx)``
PROGRAMME_CHECKS = programmes.checks
#: checks once the programmes are built: ``check(v, ctx, programmes)``
CHECKS = (*fund.checks, *transition.checks, *returns.checks, *outputs.checks)
#: checks once everything else is valid: ``check(v, ctx, programmes)``
VALID_CHECKS = fiscal.checks
#: checks on the built Scenario that build variants of it (keys set one at a time):
#: ``check(scenario, ctx, variant)``, ``variant`` being ``model.with_values``
VARIANT_CHECKS = (*uncertainty.variant_checks, *returns.variant_checks)


def walk(spec: Spec, prefix: str = "", role: str = "") -> list[tuple[str, Spec, str]]:
    """Every (key path, spec, role) of the registry, depth first; a key without a role
    of its own takes its table's."""
    out: list[tuple[str, Spec, str]] = []
    if isinstance(spec, Table):
        for k, sub in spec.fields.items():
            path = f"{prefix}.{k}" if prefix else k
            sub_role = sub.role or role
            out.append((path, sub, sub_role))
            out.extend(walk(sub, path, sub_role))
    elif isinstance(spec, MapOf):
        out.extend(walk(spec.value, f"{prefix}.<name>", spec.value.role or role))
    elif isinstance(spec, ListOf):
        out.extend(walk(spec.item, f"{prefix}[]", spec.item.role or role))
    return out


__all__ = ["CHECKS", "MODULES", "PROGRAMME_CHECKS", "ROLES", "SCENARIO", "VALID_CHECKS",
           "VARIANT_CHECKS", "walk"]
