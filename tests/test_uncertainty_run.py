"""Runs with [uncertainty]: a draw dimension whose every draw equals the separate run with
its values, bit for bit whatever the blocks, the threads or the Dask cluster; the
outputs, the command line and bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numba
import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import simulate
from simulate import engine
from simulate.cli import main
from simulate.scenario import scenario_from_dict
from simulate.scenario.model import with_values
from simulate.uncertainty.runner import plan, run_uncertain, run_values
from simulate.uncertainty.sampling import read_uncertainty, sample

#: variables that do not depend on the welfare histogram's resolution (a run with draws
#: uses DRAW_HIST_BINS bins, a run without 2048: the Gini differs)
EXACT = ("eligible", "beneficiaries", "transfers", "admin_cost", "cost", "total_cost",
         "cost_pct_gdp", "households_beneficiaries", "poverty_headcount", "poverty_gap",
         "overlap", "gdp", "price_index", "financing_gap", "beneficiaries_by_decile",
         "population")

DOC: dict[str, Any] = {
    "scenario": {"name": "u", "country": "lao", "start_year": 2025, "end_year": 2029,
                 "seed": 5},
    "population": {"records": 3000},
    "programmes": {
        "mecg": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
                 "benefit": {"amount": 150_000}, "take_up": 0.8,
                 "rollout": {"2025": 0.3, "2028": 1.0}},
        "gmi": {"unit": "household", "eligibility": {"age": [0, 120]},
                "benefit": {"type": "top_up", "guaranteed_minimum": 200_000,
                            "income": ["welfare"], "taper": 0.5,
                            "equivalence": {"first": 1.0, "other_adult": 0.7, "child": 0.5}},
                "targeting": {"method": "poverty", "welfare_percentile_max": 30,
                              "exclusion_error": 0.1, "inclusion_error": 0.05},
                "take_up": 0.7},
    },
    "fiscal": {"financing": {"reallocation_pct_gdp": 0.001}},
    "uncertainty": {
        "draws": 6, "parameters": {
            "programmes.mecg.take_up": {"distribution": "triangular", "low": 0.5,
                                        "mode": 0.8, "high": 1.0},
            "programmes.gmi.benefit.guaranteed_minimum": {"distribution": "uniform",
                                                          "low": 150_000, "high": 250_000},
            "programmes.gmi.targeting.welfare_percentile_max": {"distribution": "uniform",
                                                                "low": 20, "high": 40},
            "macro.inflation": {"distribution": "normal", "mean": 0.05, "sd": 0.02},
        },
        "correlations": [{"parameters": ["programmes.mecg.take_up", "macro.inflation"],
                          "rank": 0.4}],
    },
}


def scenario(**changes: Any) -> simulate.Scenario:
    doc = {**DOC, **changes}
    return scenario_from_dict(doc)


@pytest.fixture(scope="module")
def base() -> simulate.Scenario:
    return scenario()


@pytest.fixture(scope="module")
def draws(base) -> xr.Dataset:
    return run_uncertain(base)


def assert_same_numbers(a: xr.Dataset, b: xr.Dataset, names=None) -> None:
    for name in names or [v for v in a.data_vars if a[v].dtype.kind == "f"]:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_every_variable_gains_a_draw_dimension(draws) -> None:
    assert draws.sizes["draw"] == 6
    for name in ("cost", "total_cost", "beneficiaries", "financing_gap", "poverty_headcount",
                 "gini", "overlap"):
        assert draws[name].dims[0] == "draw", name
    values = draws["parameter_value"]
    assert list(values["parameter"].values) == list(DOC["uncertainty"]["parameters"])
    assert np.all((values.sel(parameter="programmes.mecg.take_up") >= 0.5).values)
    # the draws differ: the parameters move the costs
    assert np.ptp(draws["total_cost"].sel(year=2029).values) > 0


def test_each_draw_equals_its_separate_run(base, draws) -> None:
    spec = read_uncertainty(base)
    values = sample(spec)
    for d in (0, 3, 5):
        sc = with_values(base, values[d], "uncertainty.parameters", quote=True)
        alone = simulate.run(sc, uncertainty=False)  # one run, no draws
        assert "draw" not in alone.dims
        assert_same_numbers(draws.isel(draw=d), alone, EXACT)
        np.testing.assert_allclose(draws["gini"].isel(draw=d).values, alone["gini"].values,
                                   atol=2e-3)


def test_blocks_and_threads_do_not_change_numbers(base, draws) -> None:
    values = sample(read_uncertainty(base))
    small = run_values(base, values, block=2)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = run_values(base, values, block=4)
    finally:
        numba.set_num_threads(before)
    assert_same_numbers(draws, small)
    assert_same_numbers(draws, serial)


def test_draws_share_one_population_and_structure(base) -> None:
    values = sample(read_uncertainty(base))
    p = plan(base, values, block=4)
    assert p.blocks == ((0, 1, 2, 3), (4, 5))
    # a parameter that changes the population-dependent tables (the PMT formula)
    # starts a new group: the draws still run, each with its own tables
    doc = {**DOC, "uncertainty": {"draws": 4, "parameters": {
        "population.records": {"distribution": "discrete", "values": [2000, 3000]}}}}
    sc = scenario_from_dict(doc)
    p = plan(sc, sample(read_uncertainty(sc)))
    assert sorted(d for b in p.blocks for d in b) == [0, 1, 2, 3]
    assert len(p.blocks) == 2
    ds = run_uncertain(sc)
    one = [int(r) for r in ds["parameter_value"].sel(parameter="population.records").values]
    for d, records in enumerate(one):
        assert ds.attrs["draws"] == 4
        assert ds["population"].isel(draw=d).values[0] > 0
        assert records in (2000, 3000)


def test_same_seed_same_draws_other_seed_other(base, draws) -> None:
    again = run_uncertain(base)
    assert_same_numbers(draws, again)
    other = run_uncertain(scenario(uncertainty={**DOC["uncertainty"], "seed": 99}))
    assert not np.array_equal(other["total_cost"].values, draws["total_cost"].values)


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, processes=True) as c:
        yield c


def test_dask_draws_are_bit_identical(base, draws, cluster) -> None:
    remote = run_uncertain(base, scheduler=cluster.scheduler_address)
    assert_same_numbers(draws, remote)


def test_dask_record_batches_are_bit_identical(cluster) -> None:
    doc = {k: v for k, v in DOC.items() if k != "uncertainty"}
    sc = scenario_from_dict({**doc, "population": {"records": 150_000}})
    prep = engine.prepare(sc)
    assert engine.n_batches(prep) > 1  # the batches go to two workers
    here = simulate.run(sc)
    there = simulate.run(sc, scheduler=cluster.scheduler_address)
    assert_same_numbers(here, there)


def test_cli_run_with_draws(tmp_path: Path) -> None:
    path = tmp_path / "u.toml"
    from simulate.scenario.loader import to_toml

    path.write_text(to_toml(DOC))
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(path), "--draws", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Uncertainty: 3 draws of 4 parameter(s)" in res.output
    assert (out / "uncertainty.csv").exists()
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf")
    assert ds.sizes["draw"] == 3
    header = (out / "uncertainty.csv").read_text().splitlines()[0]
    assert header.startswith("indicator,year,programme")
    assert ",mean,mean_se,sd,p5,p25,p50,p75,p95" in header
    assert (out / "uncertainty.png").read_bytes()[:4] == b"\x89PNG"
    assert "np.float64" not in (out / "uncertainty.csv").read_text()


def test_draw_statistics_and_fan_data(draws) -> None:
    """uncertainty.csv's statistics and the fan chart's bands are those of the draws."""
    from simulate.report.draws import draw_table, fan_data

    rows = {(r["indicator"], r.get("year")): r for r in draw_table(draws)}
    x = draws["total_cost"].sel(year=2028).values
    r = rows[("total_cost", 2028)]
    assert r["draws"] == 6
    assert r["mean"] == pytest.approx(x.mean(), rel=1e-12)
    assert r["sd"] == pytest.approx(x.std(ddof=1), rel=1e-12)
    assert r["mean_se"] == pytest.approx(x.std(ddof=1) / np.sqrt(6), rel=1e-12)
    assert r["p50"] == pytest.approx(np.median(x), rel=1e-12)
    panel = next(p for p in fan_data(draws) if p["name"] == "total_cost")
    k = panel["years"].index(2028)
    assert panel["p5"][k] <= panel["p50"][k] <= panel["p95"][k]
    assert panel["p95"][k] == pytest.approx(np.percentile(x, 95), rel=1e-12)


def test_cli_bad_input(tmp_path: Path) -> None:
    from simulate.scenario.loader import to_toml

    plain = tmp_path / "plain.toml"
    plain.write_text(to_toml({k: v for k, v in DOC.items() if k != "uncertainty"}))
    res = CliRunner().invoke(main, ["run", str(plain), "--draws", "3", "--out",
                                    str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "uncertainty.parameters expected an [uncertainty] table with parameters" in res.output
    assert not (tmp_path / "o").exists()
    bad = tmp_path / "bad.toml"
    doc = {**DOC, "uncertainty": {"draws": 3, "parameters": {
        "programmes.mecg.takeup": {"distribution": "uniform", "low": 0.5, "high": 0.9}}}}
    bad.write_text(to_toml(doc))
    for args in (["validate", str(bad)], ["run", str(bad), "--out", str(tmp_path / "o")]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 1, res.output
        assert 'uncertainty.parameters."programmes.mecg.takeup"' in res.output
        assert "take_up" in res.output  # did you mean
        assert "Traceback" not in res.output
    res = CliRunner().invoke(main, ["run", str(plain), "--scheduler", "tcp://127.0.0.1:9",
                                    "--out", str(tmp_path / "o")])
    assert res.exit_code == 1, res.output
    assert "--scheduler: scheduler expected the address of a running Dask scheduler" in (
        res.output)
    assert not (tmp_path / "o").exists()


def test_progress_bar_only_on_a_terminal(monkeypatch, capsys) -> None:
    """A bar with the count and the time left on a terminal; nothing when quiet or when
    stderr is not a terminal."""
    from simulate import cli

    with cli._progress("draws", quiet=False) as progress:  # pytest's stderr: no terminal
        assert progress is None
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: True)
    with cli._progress("draws", quiet=True) as progress:
        assert progress is None
    with cli._progress("draws", quiet=False) as progress:
        assert progress is not None
        for done in range(1, 5):
            progress(done, 4)
    err = capsys.readouterr().err
    assert "draws" in err and "4/4" in err


def test_uncertainty_can_be_left_out_and_compared(base, draws, tmp_path: Path) -> None:
    """``run(..., uncertainty=False)`` is one run at the scenario's own values (what the
    deterministic sensitivity cases use); ``spsim compare`` compares a run with draws by
    its means."""
    from simulate.report.compare import write_compare

    one = simulate.run(base, uncertainty=False)
    assert "draw" not in one.dims
    text = write_compare([one, draws], tmp_path / "cmp")
    assert "cumulative cost" in text
    rows = (tmp_path / "cmp" / "compare.csv").read_text().splitlines()
    assert len(rows) > 2


def test_draws_may_not_change_the_years() -> None:
    doc = {**DOC, "uncertainty": {"draws": 3, "parameters": {
        "scenario.end_year": {"distribution": "discrete", "values": [2029, 2030]}}}}
    sc = scenario_from_dict(doc)
    with pytest.raises(simulate.ScenarioError) as err:
        run_uncertain(sc)
    assert ('uncertainty.parameters."scenario.end_year" expected a parameter that keeps '
            "scenario.end_year as in the scenario (2029") in str(err.value)


def pension_doc(end_year: int, draws: int, parameters: dict[str, Any]) -> dict[str, Any]:
    """A social pension from 65 (2,000 records, 2025..end_year) with ``parameters``."""
    return {
        "scenario": {"name": "pension", "country": "lao", "start_year": 2025,
                     "end_year": end_year, "seed": 3},
        "population": {"records": 2000},
        "programmes": {"pension": {"eligibility": {"age": [65, 200]},
                                   "benefit": {"amount": 300_000}, "take_up": 0.9}},
        "uncertainty": {"draws": draws, "parameters": parameters},
    }


def test_discrete_options_of_a_rule_each_run_with_their_own_tables() -> None:
    """A discrete set of eligibility ranges (a pension age of 60 or 65): each value has
    its own population-dependent rule tables, and each draw equals its separate run."""
    sc = scenario_from_dict(pension_doc(2027, 6, {
        "programmes.pension.eligibility.age": {"distribution": "discrete",
                                               "values": [[60, 200], [65, 200]]},
        "programmes.pension.take_up": {"distribution": "uniform", "low": 0.7, "high": 1.0}}))
    values = sample(read_uncertainty(sc))
    assert {tuple(v["programmes.pension.eligibility.age"]) for v in values} == {
        (60, 200), (65, 200)}
    assert len(plan(sc, values).blocks) == 2  # one kernel pass per age range
    ds = run_uncertain(sc)
    text = ds["parameter_text"].sel(parameter="programmes.pension.eligibility.age").values
    for d in range(6):
        alone = simulate.run(with_values(sc, values[d], "uncertainty.parameters", quote=True),
                             uncertainty=False)
        assert_same_numbers(ds.isel(draw=d), alone, ("eligible", "beneficiaries", "cost"))
        assert text[d] == str(values[d]["programmes.pension.eligibility.age"])
    at_60 = [d for d in range(6) if values[d]["programmes.pension.eligibility.age"][0] == 60]
    at_65 = [d for d in range(6) if d not in at_60]
    assert (ds["eligible"].isel(draw=at_60).min() > ds["eligible"].isel(draw=at_65).max())


def test_sobol_on_dask_equals_local(base, cluster) -> None:
    """The Sobol analysis's runs on a cluster give the same indices bit for bit."""
    from simulate.uncertainty.sobol import sobol

    doc = {k: v for k, v in DOC.items() if k != "uncertainty"}
    doc["population"] = {"records": 1500}
    doc["uncertainty"] = {"parameters": {
        "programmes.mecg.take_up": {"distribution": "uniform", "low": 0.5, "high": 1.0},
        "programmes.mecg.benefit.amount": {"distribution": "uniform", "low": 100_000,
                                           "high": 200_000}}}
    sc = scenario_from_dict(doc)
    here = sobol(sc, "cost[mecg]@2029", 8, resamples=99)
    there = sobol(sc, "cost[mecg]@2029", 8, scheduler=cluster.scheduler_address,
                  resamples=99)
    np.testing.assert_array_equal(here.first, there.first)
    np.testing.assert_array_equal(here.total, there.total)


def test_a_list_position_can_be_uncertain() -> None:
    """``eligibility.age[0]`` (a pension age) drawn from a discrete set: each draw's
    eligibility follows its age, as the separate run with it set."""
    sc = scenario_from_dict(pension_doc(2026, 5, {
        "programmes.pension.eligibility.age[0]": {"distribution": "discrete",
                                                  "values": [60, 62, 65]}}))
    ds = run_uncertain(sc)
    ages = ds["parameter_value"].sel(parameter="programmes.pension.eligibility.age[0]").values
    for d, age in enumerate(ages):
        alone_sc = with_values(sc, {"programmes.pension.eligibility.age[0]": int(age)},
                               "uncertainty.parameters", quote=True)
        assert alone_sc.programme("pension").eligibility[0][0].lo == age
        alone = simulate.run(alone_sc, uncertainty=False)
        assert_same_numbers(ds.isel(draw=d), alone, ("eligible", "cost"))
    order = np.argsort(ages)
    assert np.all(np.diff(ds["eligible"].isel(year=0, programme=0).values[order]) <= 0)
