"""``[outputs]``: poverty and overlap left out of a run (compiled out of the kernel),
costs unchanged to the bit, their variables and files absent, the report still whole;
a declared indicator naming a left-out variable refused at load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import simulate
from simulate.cli import main
from simulate.errors import ScenarioError
from simulate.scenario import load_scenario, scenario_from_dict
from simulate.scenario.keys.outputs import VARIABLES
from simulate.uncertainty.output_spec import parse_output
from tests.tiny import TINY

POVERTY = VARIABLES["poverty"]
OFF = ("--set", "outputs.poverty=false", "--set", "outputs.overlap=false")


def spsim(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny scenario run through ``spsim run`` with every output, and without
    poverty and overlap (``--set``)."""
    base = tmp_path_factory.mktemp("outputs")
    path = base / "tiny.toml"
    path.write_text(TINY)
    on, off = base / "on", base / "off"
    for out, extra in ((on, ()), (off, OFF)):
        r = spsim("run", path, "--out", out, *extra)
        assert r.exit_code == 0, r.output
    return on, off


def test_costs_are_bit_identical_and_the_left_out_variables_absent(runs) -> None:
    on, off = runs
    a, b = xr.open_dataset(on / "results.nc"), xr.open_dataset(off / "results.nc")
    assert set(POVERTY) | {"overlap"} <= set(a.data_vars)
    assert not (set(POVERTY) | {"overlap"}) & set(b.data_vars)
    assert "stage" not in b.dims and "combination" not in b.dims
    # everything else, costs first, to the bit (the same kernel arithmetic)
    assert set(b.data_vars) == set(a.data_vars) - set(POVERTY) - {"overlap"}
    for name in b.data_vars:
        assert np.array_equal(a[name].values, b[name].values, equal_nan=True), name
    assert float(b["total_cost"].sum()) > 0
    assert b.attrs["outputs_off"] == "poverty overlap"
    assert "outputs_off" not in a.attrs  # a default run's attributes are as before


def test_the_left_out_files_are_not_written_and_the_report_renders(runs) -> None:
    on, off = runs
    for name in ("poverty.csv", "overlap.csv", "chart_poverty.png"):
        assert (on / name).exists() and not (off / name).exists(), name
    manifest = json.loads((off / ".spsim-manifest.json").read_text())
    listed = json.dumps(manifest)
    assert "poverty.csv" not in listed and "overlap.csv" not in listed
    assert "results.nc" in listed
    html = (off / "report.html").read_text()
    assert "Not computed." in html and "<code>outputs.poverty = false</code>" in html
    assert 'id="poverty"' not in html and 'id="poverty"' in (on / "report.html").read_text()
    summary = (off / "summary.txt").read_text()
    assert "Poverty" not in summary and "Poverty" in (on / "summary.txt").read_text()
    assert ("Not computed in this run: the overlap of programmes (outputs.overlap = false); "
            "poverty and inequality") in summary
    assert "Not computed" not in (on / "summary.txt").read_text()
    from openpyxl import load_workbook

    sheets = load_workbook(off / "tables.xlsx", read_only=True).sheetnames
    assert "Poverty" not in sheets and "Overlap" not in sheets
    assert "Poverty" in load_workbook(on / "tables.xlsx", read_only=True).sheetnames


def test_compare_copes_with_a_run_without_poverty(runs, tmp_path: Path) -> None:
    on, off = runs
    r = spsim("compare", on / "results.nc", off / "results.nc", "--out", tmp_path / "cmp")
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output


def test_extends_and_defaults(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text(TINY + "[outputs]\npoverty = false\n")
    child = tmp_path / "child.toml"
    child.write_text('extends = "base.toml"\n[scenario]\nname = "Child"\n')
    assert dict(load_scenario(child).section("outputs")) == {"poverty": False,
                                                             "overlap": True}
    plain = tmp_path / "plain.toml"
    plain.write_text(TINY)
    assert dict(load_scenario(plain).section("outputs")) == {"poverty": True,
                                                             "overlap": True}


def test_a_bad_value_is_refused_with_file_key_expected_found(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(TINY + '[outputs]\npoverty = "no"\nmaps = true\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "bad.toml" in text and "outputs.poverty" in text
    assert "true or false" in text and "'no'" in text
    assert "outputs.maps" in text


RISKY = {
    "scenario": {"name": "R", "country": "lao", "start_year": 2025, "end_year": 2027},
    "population": {"records": 200},
    "programmes": {"pension": {"eligibility": {"age": [65, 200]},
                               "benefit": {"amount": 300_000}}},
    "uncertainty": {"draws": 3,
                    "parameters": {"programmes.pension.take_up": {
                        "distribution": "uniform", "low": 0.5, "high": 1.0}},
                    "risk": {"thresholds": [{"output": "poverty_headcount[after]",
                                             "above": 0.2}]}},
}


def test_an_indicator_naming_a_left_out_variable_is_refused_at_load() -> None:
    scenario_from_dict(RISKY)  # with poverty on: accepted
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({**RISKY, "outputs": {"poverty": False}})
    (problem,) = err.value.problems
    assert problem.key == "uncertainty.risk.thresholds[0].output"
    assert "outputs.poverty is false" in problem.expected
    assert "poverty_headcount[after]" in problem.found
    # overlap off leaves a poverty indicator alone
    scenario_from_dict({**RISKY, "outputs": {"overlap": False}})


def test_draws_without_poverty_and_the_output_hint() -> None:
    doc = {k: v for k, v in RISKY.items()}
    doc["uncertainty"] = {k: v for k, v in RISKY["uncertainty"].items() if k != "risk"}
    on = simulate.run(scenario_from_dict(doc))
    off = simulate.run(scenario_from_dict({**doc, "outputs": {"poverty": False,
                                                              "overlap": False}}))
    assert "draw" in off.dims and "poverty_headcount" not in off and "gini" not in off
    assert np.array_equal(on["total_cost"].values, off["total_cost"].values)
    with pytest.raises(ScenarioError) as err:
        parse_output("poverty_headcount[after]@2027", off)
    assert "outputs.poverty = true" in str(err.value)
