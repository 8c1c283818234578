"""A typed Scenario pickles as it is (cluster tasks carry it): the round trip gives an
equal object with the same text, document and read-only tables, and the same results."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import MappingProxyType

import pytest

from simulate.scenario import load_scenario
from simulate.scenario.model import with_values

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_pickle_round_trip_equals_the_original(path: Path) -> None:
    sc = load_scenario(path)
    back = pickle.loads(pickle.dumps(sc))
    assert back == sc
    assert back.text == sc.text and back.sha256 == sc.sha256
    assert back.doc == sc.doc  # compare=False in ==: checked apart
    assert back.warnings == sc.warnings and back.path == sc.path
    for name in ("macro", "fiscal", "origins", "settings", "doc"):
        assert isinstance(getattr(back, name), MappingProxyType), name
    with pytest.raises(TypeError):
        back.settings["scenario"] = {}  # type: ignore[index]


def test_a_variant_made_from_the_unpickled_scenario_is_the_same_variant() -> None:
    sc = load_scenario(SCENARIOS[0])
    back = pickle.loads(pickle.dumps(sc))
    assert with_values(back, {"scenario.seed": 99}, "test") == with_values(
        sc, {"scenario.seed": 99}, "test")
