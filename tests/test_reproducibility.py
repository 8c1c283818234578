"""Reproducibility: the same scenario and seed give the same numbers, whatever the
thread count, chunking or batching; a saved result's scenario text re-runs it."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import numba
import numpy as np
import pytest
import xarray as xr

import simulate
from simulate import engine
from simulate.engine import Totals, household_chunks, prepare, project_totals
from simulate.kernels.projection import BENEFICIARIES, HOUSEHOLDS_BENEFICIARIES
from simulate.scenario import scenario_from_dict

DOC = {
    "scenario": {"name": "reproducible", "country": "lao", "start_year": 2025,
                 "end_year": 2030, "seed": 123},
    "population": {"records": 3000},
    "programmes": {
        "mecg": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
                 "benefit": {"amount": 150_000}, "take_up": 0.85,
                 "rollout": {"2025": 0.1, "2030": 1.0},
                 "admin": {"share_of_transfers": 0.08, "setup": {"2026": 1e9}}},
        "pension": {"eligibility": {"age": [65, 200]}, "benefit": {"amount": 300_000},
                    "targeting": {"method": "poverty", "welfare_percentile_max": 40,
                                  "exclusion_error": 0.3, "inclusion_error": 0.1}},
        "family": {"unit": "household", "eligibility": {"age": [0, 6]},
                   "benefit": {"amount": 100_000}, "take_up": 0.7,
                   "rollout": {"2025": 0.5, "2028": 1.0}},
    },
}
OUTPUTS = ("programmes", "population", "poverty", "histogram", "overlap", "groups")


def assert_identical_totals(a: Totals, b: Totals) -> None:
    """Every output of the kernel, bit for bit."""
    assert a.n_groups == b.n_groups
    for name in OUTPUTS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def with_seed(seed: int):
    return scenario_from_dict({**DOC, "scenario": {**DOC["scenario"], "seed": seed}})


def strip_created(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy()
    del ds.attrs["created"]
    return ds


def test_same_seed_identical_dataset() -> None:
    a = simulate.run(with_seed(123))
    b = simulate.run(with_seed(123))
    xr.testing.assert_identical(strip_created(a), strip_created(b))
    for name in a.data_vars:  # bitwise, NaN where NaN
        assert np.array_equal(a[name].values, b[name].values, equal_nan=True), name
    assert a.attrs["seed"] == 123
    assert a.beneficiaries.values.sum() > 0


def test_different_seed_different_results() -> None:
    a = simulate.run(with_seed(123))
    b = simulate.run(with_seed(124))
    assert not np.array_equal(a.beneficiaries.values, b.beneficiaries.values)
    # but the same country: totals agree to sampling error
    assert a.population.values[0] == pytest.approx(b.population.values[0], rel=1e-6)


def test_saved_scenario_text_reruns() -> None:
    a = simulate.run(with_seed(7))
    again = scenario_from_dict(tomllib.loads(a.attrs["scenario"]))
    b = simulate.run(again)
    xr.testing.assert_identical(strip_created(a), strip_created(b))


@pytest.fixture(scope="module")
def prep():
    return prepare(with_seed(99))


def test_thread_count_does_not_change_results(prep) -> None:
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = project_totals(prep, chunk_size=256)
        ds_serial = simulate.run(with_seed(99))
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        threaded = project_totals(prep, chunk_size=256)
        ds_threaded = simulate.run(with_seed(99))
    finally:
        numba.set_num_threads(threads)
    assert_identical_totals(serial, threaded)
    assert serial.programmes[..., BENEFICIARIES].sum() > 0
    xr.testing.assert_identical(strip_created(ds_serial), strip_created(ds_threaded))


def test_chunks_per_call_do_not_change_results(prep, monkeypatch) -> None:
    """How many chunks one kernel call runs (threads, memory) does not change results;
    progress counts the fixed batches of CHUNKS_PER_BATCH chunks."""
    whole = project_totals(prep, chunk_size=128)
    monkeypatch.setattr(engine, "CALL_MEMORY", 1)  # one chunk per kernel call
    steps: list[tuple[int, int]] = []
    one_by_one = project_totals(prep, chunk_size=128, progress=lambda i, n: steps.append((i, n)))
    assert_identical_totals(whole, one_by_one)
    n_chunks = len(household_chunks(prep.population.household_id, 128)[1]) - 1
    n_batches = -(-n_chunks // engine.CHUNKS_PER_BATCH)
    assert n_batches > 1
    assert steps == [(i, n_batches) for i in range(1, n_batches + 1)]


def test_chunk_size_changes_only_rounding(prep) -> None:
    a = project_totals(prep, chunk_size=100)
    b = project_totals(prep, chunk_size=4096)
    for name in OUTPUTS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12, atol=1e-6,
                                   err_msg=name)


def test_programme_draws_do_not_depend_on_other_programmes(prep) -> None:
    """Draw streams are keyed by programme name: dropping one leaves the other's results."""
    only = prepare(scenario_from_dict({**DOC, "scenario": {**DOC["scenario"], "seed": 99},
                                       "programmes": {"pension": DOC["programmes"]["pension"]}}))
    both = project_totals(prep).programmes.sum(axis=2)
    one = project_totals(only).programmes.sum(axis=2)
    assert np.array_equal(both[:, 1], one[:, 0])


def test_take_up_draws_are_coupled(prep) -> None:
    """A unit taking up at 0.6 also takes up at 0.7: the beneficiaries at 0.6 are a
    subset, so the difference is the new takers only (never negative per decile)."""
    def at(rate: float) -> Totals:
        take_up = np.full_like(prep.rules.take_up, rate)
        return project_totals(replace(prep, rules=prep.rules.with_take_up(take_up)))

    lo, hi = at(0.6), at(0.7)
    assert lo.n_groups == 10
    for measure in (BENEFICIARIES, HOUSEHOLDS_BENEFICIARIES):
        diff = hi.programmes[..., measure] - lo.programmes[..., measure]
        assert (diff >= 0).all() and diff.sum() > 0


def test_scenario_text_keeps_programme_order() -> None:
    """Programmes come back in file order from the provenance text, whether or not
    the writer puts them in [sections] (a nested admin table makes one)."""
    sc = with_seed(1)
    doc = tomllib.loads(sc.text)
    assert list(doc["programmes"]) == ["mecg", "pension", "family"]
    assert scenario_from_dict(doc).text == sc.text
