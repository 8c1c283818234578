"""The scenario file format: loading, ``extends``, overrides, validation."""

from .loader import parse_set
from .model import (
    Admin,
    Benefit,
    Condition,
    Programme,
    Scenario,
    Targeting,
    load_scenario,
    scenario_from_dict,
)
from .paths import YearPath

__all__ = [
    "Admin",
    "Benefit",
    "Condition",
    "Programme",
    "Scenario",
    "Targeting",
    "YearPath",
    "load_scenario",
    "parse_set",
    "scenario_from_dict",
]
