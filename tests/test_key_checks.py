"""Checks that read only the scenario's keys run when the Scenario is built (issue 13:
"building a Scenario is the only validation pass"), with the messages they had where they
ran before (docs/architecture.md, "Checks that need data")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import simulate
from simulate.errors import ScenarioError
from simulate.scenario import scenario_from_dict
from simulate.scenario.loader import to_toml

BASE: dict[str, Any] = {
    "scenario": {"name": "checks", "country": "lao", "start_year": 2025, "end_year": 2026},
    "population": {"records": 300},
}


def problems(programme: dict[str, Any]) -> list[str]:
    """The problems of building BASE with ``programme`` as ``programmes.cg``."""
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({**BASE, "programmes": {"cg": programme}})
    return [str(p) for p in err.value.problems]


BAD = "expected a condition on a person attribute, found "


@pytest.mark.parametrize(("programme", "key", "column"), [
    ({"eligibility": {"weight": [0, 5]}, "benefit": {"amount": 1.0}},
     "programmes.cg.eligibility.weight", "weight"),
    ({"eligibility": [{"age": [0, 5]}, {"household_id": 3}], "benefit": {"amount": 1.0}},
     "programmes.cg.eligibility[1].household_id", "household_id"),
    ({"benefit": {"amount": 1.0},
      "take_up": {"default": 0.5, "groups": [{"entry_year": 2020, "rate": 0.9}]}},
     "programmes.cg.take_up.groups[0].entry_year", "entry_year"),
    ({"unit": "household", "benefit": {"type": "top_up", "guaranteed_minimum": 100,
                                       "income": ["income", "weight"]}},
     "programmes.cg.benefit.income", "weight"),
    ({"benefit": {"amount": 1.0}, "targeting": {"method": "pmt", "intercept": 1.0,
                                                "coefficients": {"weight": 1.0},
                                                "cutoff": 3.0}},
     "programmes.cg.targeting.coefficients.weight", "weight"),
    ({"benefit": {"amount": 1.0},
      "targeting": {"method": "registry", "column": "entry_year", "levels": [1]}},
     "programmes.cg.targeting.column", "entry_year"),
])
def test_a_rule_on_a_bookkeeping_column_is_refused_by_the_build(
        programme: dict[str, Any], key: str, column: str) -> None:
    assert f"<scenario>: {key} {BAD}{column!r}" in problems(programme)


def test_every_bookkeeping_column_at_once_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(to_toml({**BASE, "programmes": {
        "a": {"eligibility": {"weight": [0, 5]}, "benefit": {"amount": 1.0}},
        "b": {"eligibility": {"entry_year": 2020}, "benefit": {"amount": 1.0}}}}))
    with pytest.raises(ScenarioError) as err:
        simulate.load_scenario(path)  # at load: no population is built
    assert [str(p) for p in err.value.problems] == [
        f"{path}: programmes.a.eligibility.weight {BAD}'weight'",
        f"{path}: programmes.b.eligibility.entry_year {BAD}'entry_year'"]

