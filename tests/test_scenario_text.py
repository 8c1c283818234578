"""The scenario's rerunnable text is written lazily (issue 13: "a Monte Carlo draw builds
no TOML"): a Scenario writes ``text`` (and its ``sha256``) when first asked and keeps it;
variants (draws, range checks, tornado bars) are never asked, and a run with draws writes
no more TOML than a run without and builds one Dataset."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any
from unittest import mock

import xarray as xr

import simulate
from simulate.costing import RUN_ATTRS, with_provenance
from simulate.provenance import provenance_attrs, rerunnable
from simulate.scenario import load_scenario, scenario_from_dict
from simulate.scenario import model as scenario_model
from simulate.scenario.loader import to_toml
from simulate.scenario.model import with_values
from simulate.uncertainty.tornado import one_way

BASE: dict[str, Any] = {
    "scenario": {"name": "text", "country": "lao", "start_year": 2025, "end_year": 2027,
                 "seed": 3},
    "population": {"records": 300},
    "programmes": {"cg": {"eligibility": {"age": [0, 5]}, "benefit": {"amount": 100.0},
                          "take_up": 0.8}},
}
DRAWS = {"draws": 4, "parameters": {
    "programmes.cg.take_up": {"distribution": "uniform", "low": 0.5, "high": 0.9},
    "programmes.cg.benefit.amount": {"distribution": "uniform", "low": 80, "high": 120}}}

SHIPPED = Path(__file__).parent.parent / "scenarios"


def _writes() -> Any:
    """A patch that counts the scenario's TOML texts written (``to_toml`` as the Scenario
    calls it)."""
    return mock.patch.object(scenario_model, "to_toml", wraps=to_toml)


def test_text_is_written_on_first_access_and_kept() -> None:
    with _writes() as writes:
        sc = load_scenario(SHIPPED / "lao_prf3_nutrition.toml")
        assert writes.call_count == 0  # the build writes no TOML
        text = sc.text
        assert writes.call_count == 1
        assert sc.text is text and sc.sha256 == hashlib.sha256(text.encode()).hexdigest()
        assert writes.call_count == 1  # kept: the sha256 and a second read write nothing
    # the text as it always was: the resolved document made rerunnable from anywhere
    assert text == to_toml(rerunnable(dict(sc.doc), sc.path.parent, sc.id))
    assert scenario_from_dict(__import__("tomllib").loads(text)).text == text


def test_variants_write_no_text() -> None:
    sc = scenario_from_dict({**BASE, "uncertainty": DRAWS})
    with _writes() as writes:
        for take_up in (0.5, 0.6, 0.7):
            v = with_values(sc, {"programmes.cg.take_up": take_up}, "test")
            assert "text" not in v.__dict__
        assert writes.call_count == 0


def test_text_of_an_in_memory_scenario_does_not_follow_the_working_folder(
        tmp_path: Path) -> None:
    doc = {**BASE, "population": {"source": "hh.csv"}}
    (tmp_path / "hh.csv").write_text("household_id,age,sex,weight\n1,30,f,1\n")
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        sc = scenario_from_dict(doc)
    finally:
        os.chdir(here)
    # written after the working folder changed: still the folder of the build
    assert f'source = "{tmp_path / "hh.csv"}"' in sc.text


def test_pickle_carries_the_text_once_written_and_does_not_write_it() -> None:
    sc = load_scenario(SHIPPED / "lao_prf3_nutrition.toml")
    with _writes() as writes:
        back = pickle.loads(pickle.dumps(sc))
        assert writes.call_count == 0 and "text" not in back.__dict__
    text = sc.text
    back = pickle.loads(pickle.dumps(sc))
    with _writes() as writes:
        assert back.text == text and back.sha256 == sc.sha256
        assert writes.call_count == 0  # travelled with it


def test_a_run_with_draws_writes_no_more_toml_than_a_run_without() -> None:
    doc = {**BASE, "uncertainty": DRAWS}
    with _writes() as writes:
        plain = simulate.run(scenario_from_dict(doc), uncertainty=False)
    once = writes.call_count
    with _writes() as writes:
        drawn = simulate.run(scenario_from_dict(doc))
    assert drawn.sizes["draw"] == 4
    assert writes.call_count <= once <= 2
    # the draws' Dataset carries the base scenario's provenance, where a plain run does
    for key in ("scenario", "scenario_sha256", "scenario_file", "scenario_original",
                "scenario_original_sha256", "scenario_bases"):
        assert drawn.attrs[key] == plain.attrs[key], key
    keys = [k for k in drawn.attrs if k in plain.attrs]
    assert keys == [k for k in plain.attrs if k in drawn.attrs]  # in the same order


def test_a_draw_builds_no_dataset_of_its_own() -> None:
    doc = {**BASE, "uncertainty": DRAWS}
    with mock.patch.object(xr.Dataset, "__init__", autospec=True,
                           side_effect=xr.Dataset.__init__) as built:
        simulate.run(scenario_from_dict(doc), uncertainty=False)
        plain = built.call_count
        built.reset_mock()
        simulate.run(scenario_from_dict(doc))
        assert built.call_count == plain == 1


def test_tornado_bars_write_no_text(tmp_path: Path) -> None:
    path = tmp_path / "sens.toml"
    path.write_text(to_toml({
        **BASE, "returns": {"discount_rate": 0.06,
                            "consumption_multiplier": {"multiplier": 1.3}},
        "sensitivity": {"parameters": {"programmes.cg.take_up": [0.5, 1.0],
                                       "macro.inflation": [0.01, 0.09]}}}))
    sc = load_scenario(path)
    ds = simulate.run(sc)
    with _writes() as writes:
        bars = one_way(sc, ds)
    assert len(bars) == 2 and writes.call_count == 0


def test_with_provenance_puts_the_attributes_where_the_costing_does() -> None:
    sc = load_scenario(SHIPPED / "lao_prf3_nutrition.toml")
    head = {k: i for i, k in enumerate(RUN_ATTRS)}
    out = with_provenance({"later": 1, **head, "scenario": "stale"}, sc)
    prov = ["scenario", "scenario_sha256", "simulate_version", "created",
            *provenance_attrs(sc.path)]
    assert list(out) == [*RUN_ATTRS, *prov, "later"]
    assert out["scenario"] == sc.text and out["scenario_sha256"] == sc.sha256
