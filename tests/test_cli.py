"""The spsim command line: outputs, messages, exit status, atomic writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

from simulate.cli import main
from simulate.scenario.schema import reference_markdown

ROOT = Path(__file__).resolve().parent.parent

SMALL = """\
[scenario]
name = "Small test"
id = "small"
country = "lao"
start_year = 2025
end_year = 2030
seed = 7
[population]
records = 3000
[programmes.cg]
label = "Child grant"
eligibility = [{ pregnant = true }, { age_months = [0, 24] }]
benefit = { amount = 150_000, period = "month" }
take_up = 0.85
rollout = { 2025 = 0.5, 2027 = 1.0 }
admin = { share_of_transfers = 0.08 }
[programmes.pension]
eligibility = { age = [65, 200] }
benefit = { amount = 300_000 }
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def test_run_writes_every_output(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} - {".spsim-manifest.json"} == {
        "results.nc", "tables.csv", "poverty.csv", "overlap.csv", "fiscal.csv", "summary.txt",
        "scenario.toml", "scenario.original.toml", "provenance.json", "tables.xlsx",
        "report.html", "chart_cost_by_programme.png", "chart_cost_share.png",
        "chart_beneficiaries.png", "chart_coverage.png", "chart_poverty.png"}
    poverty = (out / "poverty.csv").read_text().splitlines()
    assert poverty[0] == ("year,stage,poverty_headcount [%],poverty_gap [%],"
                          "poverty_severity [%],poor_persons [persons],gini [0-1]")
    assert len(poverty) == 1 + 6 * 2
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf")
    assert list(ds["programme"].values) == ["cg", "pension"]
    assert ds["cost"].attrs["units"] == "LAK"
    assert ds.attrs["seed"] == 7
    lines = (out / "tables.csv").read_text().splitlines()
    assert lines[0] == "year,programme,label,variable,units,value"
    assert "2025,cg,Child grant,cost,LAK," in "\n".join(lines)
    assert "2025,total,All programmes,cost_usd,USD," in "\n".join(lines)
    assert "Child grant (cg)" in result.output and "All programmes" in result.output
    ds.close()


def test_run_default_folder_is_the_scenario_id(scenario: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", str(scenario), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "outputs" / "small" / "results.nc").exists()


def test_set_overrides_change_the_result(scenario: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(main, ["run", str(scenario), "--out", str(a), "-q"]).exit_code == 0
    r = runner.invoke(main, ["run", str(scenario), "--out", str(b), "-q",
                             "--set", "programmes.cg.take_up=0.5"])
    assert r.exit_code == 0, r.output
    with xr.open_dataset(a / "results.nc") as da, xr.open_dataset(b / "results.nc") as db:
        cg_a = da["beneficiaries"].sel(programme="cg").values
        cg_b = db["beneficiaries"].sel(programme="cg").values
        assert np.all(cg_b <= cg_a) and cg_b.sum() < cg_a.sum()
        assert "take_up = 0.5" in db.attrs["scenario"]


def test_bad_input_one_message_exit_1(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out),
                                  "--set", "programmes.cg.take_upp=0.5"])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "--set: programmes.cg.take_upp expected a known key" in r.output
    assert "did you mean 'take_up'?" in r.output
    assert not out.exists()


def test_missing_file(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["run", str(tmp_path / "nope.toml")])
    assert r.exit_code == 1
    assert "nope.toml: file expected an existing TOML file, found no such file" in r.output


def test_usage_error_exit_2() -> None:
    assert CliRunner().invoke(main, ["run"]).exit_code == 2


def test_validate_reports_each_file(scenario: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.replace('region', 'x').replace(
        'eligibility = { age = [65, 200] }', 'eligibility = { age = [65, 200], region = "Nort" }'))
    r = CliRunner().invoke(main, ["validate", str(scenario), str(bad)])
    assert r.exit_code == 1
    assert f"ok: {scenario}" in r.output
    assert "programmes.pension.eligibility.region expected a value of column 'region'" in r.output
    assert "did you mean 'North'?" in r.output


def test_failed_write_leaves_earlier_output_intact(scenario: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["run", str(scenario), "--out", str(out), "-q"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import simulate.report.writer as writer

    def broken(ds, path):
        path.write_text("half")
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "write_csv", broken)
    r = runner.invoke(main, ["run", str(scenario), "--out", str(out), "-q",
                             "--set", "programmes.cg.take_up=0.2"])
    assert r.exit_code == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


@pytest.mark.parametrize("template", ["child_grant", "social_pension", "school_grant"])
@pytest.mark.parametrize("country", ["lao", "khm", "ukr", "irq"])
def test_new_gives_a_valid_scenario(country: str, template: str, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["new", country, "--template", template])
    assert r.exit_code == 0, r.output
    path = tmp_path / "new.toml"
    path.write_text(r.output)
    v = CliRunner().invoke(main, ["validate", str(path)])
    assert v.exit_code == 0, v.output


def test_new_unknown_country() -> None:
    r = CliRunner().invoke(main, ["new", "laos"])
    assert r.exit_code == 1
    assert "spsim new: scenario.country expected a country profile, found 'laos'" in r.output
    assert "did you mean 'lao'?" in r.output


def test_reference_doc_is_up_to_date() -> None:
    doc = (ROOT / "docs" / "scenario-reference.md").read_text()
    assert doc == reference_markdown(), (
        "docs/scenario-reference.md is stale: run `spsim reference > docs/scenario-reference.md`")


def test_shipped_scenarios_validate() -> None:
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))
    assert len(files) >= 4
    r = CliRunner().invoke(main, ["validate", *files])
    assert r.exit_code == 0, r.output
