"""Which way a run goes (simulate/runs.py): decided in one place, above the engine."""

from __future__ import annotations

import pytest

import simulate
from simulate import engine, runs
from simulate.scenario import scenario_from_dict

BASE = {
    "scenario": {"name": "route", "country": "lao", "start_year": 2025, "end_year": 2026},
    "population": {"records": 300},
    "programmes": {"cg": {"eligibility": {"age": [0, 5]}, "benefit": {"amount": 100.0}}},
}
DRAWS = {"draws": 2, "parameters": {"programmes.cg.take_up": {
    "distribution": "uniform", "low": 0.5, "high": 0.9}}}


def test_route() -> None:
    plain = scenario_from_dict(BASE)
    uncertain = scenario_from_dict({**BASE, "uncertainty": DRAWS})
    assert runs.route(plain) == "local"
    assert runs.route(plain, scheduler="tcp://127.0.0.1:8786") == "cluster"
    assert runs.route(uncertain) == "draws"
    assert runs.route(uncertain, scheduler="tcp://127.0.0.1:8786") == "draws"
    assert runs.route(uncertain, uncertainty=False) == "local"
    assert runs.route(uncertain, "tcp://127.0.0.1:8786", uncertainty=False) == "cluster"


def test_a_local_run_is_the_engines_one_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = engine.project

    def spy(scenario, progress=None):
        calls.append(scenario.name)
        return real(scenario, progress)

    monkeypatch.setattr(engine, "project", spy)
    uncertain = scenario_from_dict({**BASE, "uncertainty": DRAWS})
    ds = simulate.run(uncertain, uncertainty=False)
    assert calls == ["route"] and "draw" not in ds.dims
    assert "warnings" in ds.attrs  # the plausibility checks ran around it
    calls.clear()
    ds = simulate.run(uncertain)  # draws: the analyses' runner, not engine.project
    assert calls == [] and ds.sizes["draw"] == 2
