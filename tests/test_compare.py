"""``spsim compare``: options side by side (tables, CSV, charts), by hand on tiny cases."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import simulate
from simulate.cli import main
from simulate.report.compare import (
    compare_plot,
    compare_plot_data,
    compare_summary,
    compare_table,
    format_compare,
    scenario_names,
)
from simulate.scenario import scenario_from_dict
from simulate.scenario.loader import to_toml

PNG = b"\x89PNG\r\n\x1a\n"


def doc(tmp_path: Path, sid: str, amount: float, financing: dict | None = None,
        currency: str = "LAK") -> dict:
    """10 adults and 5 children (no deaths or births); the adults get ``amount`` a month,
    nobody is eligible for the second programme; GDP 1e9 and 1,000 LAK per USD."""
    path = tmp_path / "people.csv"
    path.write_text("household_id,age,sex,weight\n1,30,f,10\n2,5,m,5\n", encoding="utf-8")
    d = {
        "scenario": {"name": f"option {sid}", "id": sid, "country": "lao",
                     "start_year": 2025, "end_year": 2027, "currency": "LAK", "seed": 1},
        "population": {"source": str(path)},
        "demography": {"mortality": "none", "births": "none"},
        "macro": {"gdp": 1.0e9, "real_gdp_growth": 0.0, "inflation": 0.0,
                  "exchange_rate": 1000.0},
        "fiscal": {"revenue_pct_gdp": 0.2},
        "programmes": {
            "adults": {"eligibility": {"age": [18, 65]},
                       "benefit": {"amount": amount, "indexation": "none"}},
            "elderly": {"eligibility": {"age": [90, 100]}, "benefit": {"amount": 1}},
        },
    }
    if financing:
        d["fiscal"]["financing"] = financing
    return d


@pytest.fixture
def pair(tmp_path: Path) -> list[xr.Dataset]:
    a = simulate.run(scenario_from_dict(doc(tmp_path, "a", 100)))
    b = simulate.run(scenario_from_dict(doc(tmp_path, "b", 200, {"grants": 10_000})))
    return [a, b]


def test_compare_table_by_hand(pair: list[xr.Dataset]) -> None:
    rows = compare_table(pair)
    assert [(r["scenario"], r["year"]) for r in rows] == [
        ("a", 2025), ("a", 2026), ("a", 2027), ("b", 2025), ("b", 2026), ("b", 2027)]
    a, b = rows[0], rows[3]
    assert a["total_cost"] == pytest.approx(12_000) and b["total_cost"] == pytest.approx(24_000)
    assert a["total_cost_usd"] == pytest.approx(12)
    assert a["total_cost_pct_gdp"] == pytest.approx(12_000 / 1e9)
    assert a["total_cost_pct_revenue"] == pytest.approx(12_000 / 2e8)
    assert a["beneficiaries"] == 10 and a["eligible"] == 10 and a["coverage"] == 1.0
    # 12 x 100 LAK to each of 10 adults; the common base: 15 persons
    assert a["cost_per_beneficiary"] == pytest.approx(1_200)
    assert a["coverage_population"] == pytest.approx(10 / 15)
    assert np.isnan(a["persons_lifted"]) and np.isnan(a["cost_per_person_lifted"])
    assert np.isnan(a["financing_gap"]) and np.isnan(a["debt_pct_gdp"])
    assert b["total_financing"] == pytest.approx(10_000)
    assert b["financing_gap"] == pytest.approx(14_000)
    assert b["financing_gap_pct_gdp"] == pytest.approx(14_000 / 1e9)


def test_compare_summary_and_returns(pair: list[xr.Dataset]) -> None:
    s = compare_summary(pair)
    assert [r["scenario"] for r in s] == ["a", "b"]
    assert s[0]["cumulative_cost"] == pytest.approx(36_000)
    assert s[0]["cumulative_cost_usd"] == pytest.approx(36)
    assert s[0]["peak_cost_pct_gdp"] == pytest.approx(12e-6) and s[0]["peak_year"] == 2025
    assert np.isnan(s[0]["cumulative_gap"]) and s[1]["cumulative_gap"] == pytest.approx(42_000)
    assert np.isnan(s[0]["npv"]) and s[0]["npv_units"] == ""
    assert s[0]["cost_per_beneficiary_year"] == pytest.approx(36_000 / 30)
    assert s[1]["last_beneficiaries"] == 10
    # economic returns by sensitivity case: the base case is shown
    with_returns = pair[1].assign(
        npv=("sensitivity", [5.0e6, 1.0e6]), err=("sensitivity", [0.12, 0.08]),
        bcr=("sensitivity", [1.8, 1.2])).assign_coords(sensitivity=["base", "costs+10%"])
    with_returns["npv"].attrs["units"] = "LAK of start_year"
    s = compare_summary([pair[0], with_returns])
    assert s[1]["npv"] == 5.0e6 and s[1]["err"] == 0.12 and s[1]["bcr"] == 1.8
    text = format_compare(compare_table([pair[0], with_returns]), s)
    assert "NPV" in text and "5.00 m" in text and "12.00%" in text and "1.80" in text
    assert "NPV in LAK of start_year" in text


def test_repeated_scenario_names(pair: list[xr.Dataset]) -> None:
    assert scenario_names([pair[0], pair[0], pair[1], pair[0]]) == ["a", "a#2", "b", "a#3"]


def test_format_compare(pair: list[xr.Dataset]) -> None:
    text = format_compare(compare_table(pair), compare_summary(pair))
    assert text.splitlines()[0] == "Comparison of a, b"
    for title in ("Total cost, % of GDP", "Total cost (LAK, nominal)", "Coverage",
                  "Financing gap (LAK; negative is a surplus)", "Over each scenario's years"):
        assert title in text
    assert "Public debt" not in text  # neither has a debt path
    assert "14.00 k" in text  # b's gap


def test_compare_plot_data(pair: list[xr.Dataset], tmp_path: Path) -> None:
    data = compare_plot_data(compare_table(pair))
    assert list(data) == ["cost_pct_gdp", "cost", "beneficiaries", "coverage",
                          "cost_per_beneficiary", "financing_gap"]
    # coverage on the common base: 10 beneficiaries of 15 persons
    assert data["coverage"]["series"]["a"][1] == pytest.approx([10 / 15] * 3)
    assert data["cost_per_beneficiary"]["series"]["b"][1] == pytest.approx([2_400] * 3)
    assert data["cost"]["labels"] == {"a": "option a", "b": "option b"}
    assert data["cost"]["ylabel"] == "LAK"
    years, values = data["cost"]["series"]["b"]
    assert years == [2025, 2026, 2027] and values == pytest.approx([24_000] * 3)
    assert list(data["financing_gap"]["series"]) == ["b"]  # a declares no financing
    assert data["cost_pct_gdp"]["percent"] and not data["cost"]["percent"]
    compare_plot(data["cost_pct_gdp"], tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == PNG
    # different currencies: cost in US dollars
    rows = compare_table(pair)
    rows[0]["currency"] = "KHR"
    assert compare_plot_data(rows)["cost"]["ylabel"] == "USD"


def test_cli_compare_scenarios_and_results(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(to_toml(doc(tmp_path, "a", 100)))
    b.write_text(to_toml(doc(tmp_path, "b", 200, {"grants": 10_000})))
    out = tmp_path / "cmp"
    r = CliRunner().invoke(main, ["compare", str(a), str(b), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "Comparison of a, b" in r.output
    names = {p.name for p in out.iterdir()} - {".spsim-manifest.json"}
    assert names == {"compare.csv", "compare_summary.csv", "compare.txt", "cost_pct_gdp.png",
                     "cost.png", "beneficiaries.png", "coverage.png",
                     "cost_per_beneficiary.png", "financing_gap.png"}
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == PNG
    with open(out / "compare.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and rows[0]["scenario"] == "a"
    assert rows[0]["financing_gap [currency]"] == ""
    assert float(rows[3]["financing_gap [currency]"]) == pytest.approx(14_000)
    assert rows[0]["coverage [%]"] == "100"  # shares as percentages
    assert rows[0]["coverage_population [%]"] == "66.6667"  # 6 significant digits
    # a results.nc of an earlier run compares like a scenario
    run_out = tmp_path / "run_a"
    assert CliRunner().invoke(main, ["run", str(a), "--out", str(run_out), "-q"]).exit_code == 0
    out2 = tmp_path / "cmp2"
    r = CliRunner().invoke(main, ["compare", str(run_out / "results.nc"), str(b), "--out",
                                  str(out2), "-q", "--set", "scenario.end_year=2026"])
    assert r.exit_code == 0, r.output
    assert r.output == ""
    with open(out2 / "compare_summary.csv") as fh:
        summary = list(csv.DictReader(fh))
    assert [s["years"] for s in summary] == ["2025-2027", "2025-2026"]


def test_cli_compare_bad_input(tmp_path: Path) -> None:
    a, bad = tmp_path / "a.toml", tmp_path / "bad.toml"
    a.write_text(to_toml(doc(tmp_path, "a", 100)))
    bad.write_text(to_toml(doc(tmp_path, "bad", 100, {"bonds": 1})))
    out = tmp_path / "cmp"
    r = CliRunner().invoke(main, ["compare", str(a), str(bad), "--out", str(out)])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "fiscal.financing.bonds expected a known key" in r.output
    assert "running" not in r.output  # every file is checked before any run
    assert not out.exists()
    junk = tmp_path / "junk.nc"
    junk.write_bytes(b"not netcdf")
    r = CliRunner().invoke(main, ["compare", str(junk), "--out", str(out)])
    assert r.exit_code == 1
    assert f"{junk}: file expected a results.nc written by spsim run" in r.output
    assert CliRunner().invoke(main, ["compare"]).exit_code == 2


def test_poverty_impact_by_hand(tmp_path: Path) -> None:
    """10 adults with welfare 1,000 a year (poor: line 1,100) get 1,200 a year; 5
    children with 5,000 get nothing: everyone poor is lifted out, 10 persons a year."""
    d = doc(tmp_path, "a", 100)
    (tmp_path / "people.csv").write_text("household_id,age,sex,weight,welfare\n"
                                         "1,30,f,10,1000\n2,5,m,5,5000\n", encoding="utf-8")
    d["poverty"] = {"line": 1100}
    ds = simulate.run(scenario_from_dict(d))
    row = compare_table([ds])[0]
    assert row["poverty_before"] == pytest.approx(10 / 15) and row["poverty_after"] == 0
    assert row["persons_lifted"] == pytest.approx(10)
    assert row["cost_per_person_lifted"] == pytest.approx(12_000 / 10)
    # Gini over persons: 2 x 10 x 5 x |x1 - x2| / (2 x 15^2 x mean)
    assert row["gini_before"] == pytest.approx(2 * 50 * 4000 / (2 * 225 * 35_000 / 15))
    assert row["gini_after"] == pytest.approx(2 * 50 * 2800 / (2 * 225 * 47_000 / 15))
    s = compare_summary([ds])[0]
    assert s["cost_per_person_year_lifted"] == pytest.approx(36_000 / 30)
    assert s["last_poverty_change"] == pytest.approx(-10 / 15)
    text = format_compare(compare_table([ds]), [s])
    assert "Cost per person lifted out of poverty (LAK)" in text and "1.20 k" in text
    assert "-66.67 pts" in text
    data = compare_plot_data(compare_table([ds]))
    assert {"poverty", "cost_per_person_lifted"} <= set(data)
