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



UNCERTAIN = {"draws": 4, "parameters": {
    "programmes.cg.take_up": {"distribution": "uniform", "low": 0.5, "high": 0.9},
    "macro.inflation": {"distribution": "uniform", "low": 0.01, "high": 0.05}}}
PROGRAMME = {"cg": {"eligibility": {"age": [0, 5]}, "benefit": {"amount": 100.0}}}


def builds() -> Any:
    """A patch that counts the typed Scenarios built."""
    from unittest import mock

    from simulate.scenario import model

    return mock.patch.object(model, "build", wraps=model.build)


def test_uncertain_keys_are_checked_over_their_range_by_the_build() -> None:
    bad = {"draws": 4, "parameters": {
        "programmes.cg.take_up": {"distribution": "uniform", "low": 0.5, "high": 1.5},
        "programmes.cg.takeup": {"distribution": "uniform", "low": 0.5, "high": 0.9}}}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({**BASE, "programmes": PROGRAMME, "uncertainty": bad})
    assert [str(p) for p in err.value.problems] == [
        '<scenario>: uncertainty.parameters."programmes.cg.take_up" expected a number in '
        "[0, 1], found 1.5 (at its highest value)",
        '<scenario>: uncertainty.parameters."programmes.cg.takeup" expected a known key, '
        "found an unknown key (did you mean 'take_up'?)"]


def test_tornado_values_are_checked_by_the_build() -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({**BASE, "programmes": PROGRAMME, "returns": {"discount_rate": 0.06},
                            "sensitivity": {"parameters": {
                                "programmes.cg.take_up": [0.5, 1.5], "costs": [0.8, 1.2]}}})
    assert [str(p) for p in err.value.problems] == [
        "<scenario>: sensitivity.parameters.programmes.cg.take_up expected a number in "
        "[0, 1], found 1.5"]


def test_variants_keep_the_verdict_of_the_checks_that_build_variants() -> None:
    from simulate.scenario.model import with_overrides, with_values

    doc = {**BASE, "programmes": PROGRAMME, "uncertainty": UNCERTAIN,
           "returns": {"discount_rate": 0.06},
           "sensitivity": {"parameters": {"programmes.cg.benefit.amount": [50.0, 150.0]}}}
    with builds() as built:
        sc = scenario_from_dict(doc)
    # the scenario, 2 uncertain keys x 4 values, 1 tornado key x 2 values
    assert built.call_count == 1 + 2 * 4 + 2
    with builds() as built:
        with_values(sc, {"programmes.cg.take_up": 0.6}, "uncertainty.parameters")  # a draw
        with_values(sc, {"programmes.cg.benefit.amount": 50.0}, "sensitivity.parameters")
        with_overrides(sc, {"uncertainty.draws": 32})  # spsim run --draws
    assert built.call_count == 3
    with builds() as built:  # a changed declaration is checked again
        with_overrides(sc, {"uncertainty.parameters": {
            **UNCERTAIN["parameters"], "macro.inflation": {
                "distribution": "uniform", "low": 0.01, "high": 0.06}}})
    assert built.call_count == 1 + 2 * 4
