"""The scenario file's parameters: one metadata record per key (the public face of the
registry).

Each key has a type, a unit, an allowed range, a default, a description and a role.
The declarations live in :mod:`simulate.scenario.keys`, one module per table, with the
checks across their keys; the spec classes that parse and check a value in
:mod:`simulate.scenario.specs` and :mod:`simulate.scenario.analysis_specs`. Validation
walks a parsed TOML document against :data:`SCENARIO`, collects every problem (unknown
keys with the nearest valid one, wrong types, values out of range) and returns plain
values with defaults filled in. The scenario reference in
``docs/scenario-reference.md`` is generated from this registry (``spsim reference``).
This module re-exports the names that were always importable from it.
"""

from __future__ import annotations

from ..errors import did_you_mean
from . import keys as _keys
from .analysis_specs import (
    ANALYSIS_TABLES,
    CASE_PART,
    DISTRIBUTIONS,
    WORLD_BANK_CASES,
    Cases,
    Distributions,
    KeyNumbers,
    KeyRanges,
    KeyTables,
    lognormal_log_params,
    quote_key,
    rank_to_pearson,
)
from .keys import SCENARIO
from .keys.financing import FINANCING, RESULTS_INDICATOR, TAX_MEASURE
from .keys.fund import ASSET, FUND, FUND_BOND, FUND_RETURNS
from .keys.programmes import PROGRAMME, SHARE
from .keys.returns import ACTIVITY, RETURNS, STREAM
from .keys.sensitivity import SENSITIVITY
from .keys.transition import TRANSITION
from .keys.uncertainty import (
    CORRELATION,
    PATH_CORRELATION,
    PATH_PROCESS,
    RISK,
    THRESHOLD,
    UNCERTAINTY,
)
from .specs import (
    CONDITION_KEYS,
    MAX_MAGNITUDE,
    REQUIRED,
    ROLES,
    Boolean,
    Context,
    Eligibility,
    Identifiers,
    KeyPair,
    ListOf,
    MapOf,
    Matrix,
    Names,
    Number,
    NumberList,
    NumberMap,
    NumberOrText,
    OptionalTable,
    Path,
    Range,
    Sources,
    Spec,
    Table,
    TakeUp,
    Text,
    Values,
    YearAmounts,
    _is_number,
    _parse_year,
    _show,
    control_character,
)


def walk(spec: Spec, prefix: str = "") -> list[tuple[str, Spec]]:
    """Every (key path, spec) of the registry, depth first (for the reference)."""
    return [(path, sub) for path, sub, _role in _keys.walk(spec, prefix)]


def reference_markdown() -> str:
    """The scenario reference (docs/scenario-reference.md), generated from the registry."""
    lines = [
        "# Scenario reference",
        "",
        "Generated from `simulate/scenario/keys/` by `spsim reference`; do not edit by "
        "hand.",
        "",
        "Role: what a change of the key invalidates (docs/architecture.md, \"Scenario "
        "builds\"): `population` the population and its projection, `structure` the "
        "rule tables built from the population, `parameter` neither, `analysis` a key "
        "that declares an analysis; `kernel table` names the per-draw parameter table of "
        "the projection kernel the key fills (docs/architecture.md, \"Where each kind of "
        "change goes\").",
        "",
        "| key | type | unit | default | role | description |",
        "|---|---|---|---|---|---|",
    ]
    for path, spec, role in _keys.walk(SCENARIO):
        if spec.default is REQUIRED:
            default = "required"
        elif spec.default is None or spec.default == {}:
            default = ""
        else:
            default = f"`{spec.default!r}`"
        unit = spec.unit if spec.unit not in ("", "1") else ""
        if spec.kernel is not None:  # a per-draw table of the kernel (scenario/typed.py)
            role = f"{role}, kernel table `{spec.kernel.table}`"
        lines.append(
            f"| `{path}` | {spec.type_name()} | {unit} | {default} | {role} | "
            f"{spec.description} |"
        )
    lines += ["", "Eligibility condition keys:", ""]
    lines += [f"* `{k}`: {v}" for k, v in CONDITION_KEYS.items()]
    lines += ["* any other key: a column of the population (numeric `[lo, hi)`, a boolean or "
              "a value)"]
    return "\n".join(lines) + "\n"


__all__ = [
    "ACTIVITY", "ANALYSIS_TABLES", "ASSET", "CASE_PART", "CONDITION_KEYS", "CORRELATION",
    "DISTRIBUTIONS", "FINANCING", "FUND", "FUND_BOND", "FUND_RETURNS", "MAX_MAGNITUDE",
    "PATH_CORRELATION", "PATH_PROCESS", "PROGRAMME", "REQUIRED", "RESULTS_INDICATOR", "RISK",
    "ROLES", "RETURNS", "SCENARIO", "SENSITIVITY", "SHARE", "STREAM", "TAX_MEASURE",
    "THRESHOLD", "TRANSITION", "UNCERTAINTY", "WORLD_BANK_CASES", "Boolean", "Cases",
    "Context", "Distributions", "Eligibility", "Identifiers", "KeyNumbers", "KeyPair",
    "KeyRanges", "KeyTables", "ListOf", "MapOf", "Matrix", "Names", "Number", "NumberList",
    "NumberMap", "NumberOrText", "OptionalTable", "Path", "Range", "Sources", "Spec", "Table",
    "TakeUp", "Text", "Values", "YearAmounts", "_is_number", "_parse_year", "_show", "control_character", "did_you_mean",
    "lognormal_log_params", "quote_key", "rank_to_pearson", "reference_markdown", "walk",
]
