"""Sobol' indices (spsim sensitivity --global): the Saltelli design against scipy's own,
the estimators on functions with known indices, an engine run where take-up drives the
cost and the poverty line does not, the output syntax, the command and its bad inputs."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from simulate.cli import main
from simulate.errors import ScenarioError
from simulate.report.sobol import sobol_plot, sobol_text
from simulate.scenario import load_scenario
from simulate.uncertainty.runner import run_values
from simulate.uncertainty.sobol import (
    check_samples,
    design_points,
    estimates,
    parse_output,
    saltelli_design,
    sobol,
    sobol_from_values,
    split_runs,
)

SCENARIO = """\
[scenario]
name = "sobol test"
country = "lao"
start_year = 2025
end_year = 2027
seed = 11

[population]
records = 300

[programmes.mecg]
eligibility = { age = [0, 2] }
benefit = { amount = 150000 }
take_up = 0.8

[uncertainty.parameters]
"programmes.mecg.take_up" = { distribution = "uniform", low = 0.3, high = 1.0 }
"programmes.mecg.benefit.amount" = { distribution = "uniform", low = 145000, high = 155000 }
"poverty.line" = { distribution = "uniform", low = 1000000, high = 3000000 }

[[uncertainty.correlations]]
parameters = ["programmes.mecg.benefit.amount", "poverty.line"]
rank = 0.3
"""
KEYS = ("programmes.mecg.take_up", "programmes.mecg.benefit.amount", "poverty.line")
N = 32


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -math.pi + 2 * math.pi * np.asarray(u)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The exact indices (Ishigami and Homma 1990; Sobol' and Levitan 1999)."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def through_design(f, n: int, k: int, seed: int = 5, resamples: int = 199):
    a, b, ab = saltelli_design(n, k, np.random.default_rng(seed))
    y = f(design_points(a, b, ab))
    return sobol_from_values(*split_runs(y, n, k), resamples=resamples, rng=1)


# --- the design and the estimators ----------------------------------------------------


def test_design_is_scipys() -> None:
    """AB_i is A with column i of B, and the same generator gives scipy's own indices."""
    n, k = 64, 3
    a, b, ab = saltelli_design(n, k, np.random.default_rng(5))
    assert a.shape == b.shape == (n, k) and ab.shape == (k, n, k)
    for i in range(k):
        for j in range(k):
            np.testing.assert_array_equal(ab[i][:, j], (b if j == i else a)[:, j])
    first, total, _, _ = through_design(ishigami, n, k)
    ref = stats.sobol_indices(func=lambda x: ishigami(x.T), n=n,
                              dists=[stats.uniform()] * k, rng=np.random.default_rng(5))
    np.testing.assert_allclose(first, ref.first_order, rtol=0, atol=1e-12)
    np.testing.assert_allclose(total, ref.total_order, rtol=0, atol=1e-12)


def test_estimates_are_saltelli_and_jansen() -> None:
    rng = np.random.default_rng(0)
    f_a, f_b, f_ab = rng.normal(size=16), rng.normal(size=16), rng.normal(size=(2, 16))
    mean = np.concatenate([f_a, f_b]).mean()
    s, st = estimates(f_a - mean, f_b - mean, f_ab - mean)
    var = np.concatenate([f_a, f_b]).var()
    for i in range(2):
        assert s[i] == pytest.approx(np.mean((f_b - mean) * (f_ab[i] - f_a)) / var, rel=1e-12)
        assert st[i] == pytest.approx(np.mean((f_a - f_ab[i]) ** 2) / (2 * var), rel=1e-12)
    first, total, _, _ = sobol_from_values(f_a, f_b, f_ab, resamples=99, rng=1)
    np.testing.assert_allclose(first, s, rtol=1e-12)
    np.testing.assert_allclose(total, st, rtol=1e-12)


def test_ishigami_indices() -> None:
    first, total, first_ci, total_ci = through_design(ishigami, 2048, 3)
    s, st = ishigami_indices()
    np.testing.assert_allclose(first, s, atol=0.04)
    np.testing.assert_allclose(total, st, atol=0.04)
    assert np.all(first_ci[:, 0] <= first_ci[:, 1]) and np.all(total_ci[:, 0] <= total_ci[:, 1])


def test_linear_model_and_a_parameter_without_effect() -> None:
    """y = sum a_i x_i, x_i uniform: S_i = ST_i = a_i^2 / sum a^2; a_3 = 0 gives exactly
    0 with an interval of one point."""
    coef = np.array([3.0, 2.0, 1.0, 0.0])
    first, total, first_ci, total_ci = through_design(lambda u: u @ coef, 512, 4)
    truth = coef**2 / np.sum(coef**2)
    np.testing.assert_allclose(first, truth, atol=0.03)
    np.testing.assert_allclose(total, truth, atol=0.03)
    for i in range(3):
        assert total_ci[i, 0] <= truth[i] <= total_ci[i, 1]
    assert first[3] == total[3] == 0.0
    np.testing.assert_array_equal(first_ci[3], [0.0, 0.0])
    np.testing.assert_array_equal(total_ci[3], [0.0, 0.0])


@pytest.mark.parametrize("n", [0, 4, 10, 63, 100])
def test_samples_must_be_a_power_of_two(n: int) -> None:
    with pytest.raises(ScenarioError, match=r"--samples: samples expected a power of 2 >= 8"):
        check_samples(n)
    assert check_samples(64) == 64


# --- the engine -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sobol") / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(scenario_file: Path):
    return sobol(load_scenario(scenario_file), None, N)


def test_take_up_drives_the_cost_and_the_poverty_line_does_not(result) -> None:
    assert result.parameters == KEYS
    assert result.output == "total_cost_pct_gdp@2027" and result.runs == N * (3 + 2)
    take_up, amount, line = range(3)
    assert result.first[take_up] > 0.6 and result.total[take_up] > 0.8
    assert result.total[amount] < 0.05
    assert result.first[line] == result.total[line] == 0.0
    np.testing.assert_array_equal(result.total_ci[line], [0.0, 0.0])
    assert result.total_ci[take_up, 0] > 0.3
    assert result.variance > 0 and result.base > 0
    assert result.order()[0] == take_up
    assert len(result.notes) == 1 and "correlations were ignored" in result.notes[0]
    text = sobol_text(result)
    assert "total_cost_pct_gdp@2027" in text and "note: the declared rank correlations" in text


def test_parse_output(scenario_file: Path) -> None:
    ds = run_values(load_scenario(scenario_file), [{}])
    out = parse_output("total_cost@2026", ds)
    assert (out.variable, out.year, out.dim) == ("total_cost", 2026, None)
    cost = parse_output("cost@2027", ds)  # one programme: that one
    np.testing.assert_allclose(cost.values(ds), ds["cost"].sel(year=2027).sum("programme"))
    assert parse_output("coverage[mecg]@2025", ds).label == "mecg"
    assert parse_output(" cost_pct_gdp @ 2025 ", ds).text == "cost_pct_gdp@2025"
    assert parse_output("poverty_headcount[after]@2027", ds).label == "after"
    for text, message in [
        ("totl_cost@2027", "expected a result variable, found 'totl_cost' (did you mean "
                           "'total_cost'?)"),
        ("total_cost", "expected a year: total_cost@YEAR with YEAR in 2025..2027"),
        ("total_cost@2031", "expected a year in 2025..2027 after total_cost@, found '2031'"),
        ("npv", "expected a variable this scenario produces, found 'npv' (npv needs a "
                "[returns] table)"),
        ("poverty_headcount@2027", "expected a stage in [before, after]"),
        ("cost[gmi]@2027", "expected a programme of cost in [mecg], found 'gmi'"),
        ("transfers_by_decile@2027", "a variable of year and at most one other dimension"),
        ("total cost", "expected NAME, NAME@YEAR or NAME[LABEL]@YEAR"),
    ]:
        with pytest.raises(ScenarioError) as err:
            parse_output(text, ds)
        assert str(err.value).startswith("--output: output expected"), str(err.value)
        assert message in str(err.value), str(err.value)


def test_an_output_no_parameter_changes(scenario_file: Path) -> None:
    with pytest.raises(ScenarioError, match=r"--output: output expected a result that varies "
                       r"with the \[uncertainty\] parameters .*found gdp@2025 = .* in every "
                       r"run"):
        sobol(load_scenario(scenario_file), "gdp@2025", 8)


# --- the command ----------------------------------------------------------------------


def test_cli_writes_the_three_files(scenario_file: Path, result, tmp_path: Path) -> None:
    out = tmp_path / "sobol"
    r = CliRunner().invoke(main, ["sensitivity", "--global", str(scenario_file), "--samples",
                                  str(N), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir() if p.name != ".spsim-manifest.json") == ["sobol.csv", "sobol.png", "sobol.txt"]
    assert (out / "sobol.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "sobol.txt").read_text(encoding="utf-8").rstrip("\n") in r.output
    rows = list(csv.DictReader((out / "sobol.csv").open()))
    assert [row["parameter"] for row in rows] == [KEYS[i] for i in result.order()]
    for row in rows:  # the same numbers as the API: reproducible from the seed
        i = KEYS.index(row["parameter"])
        assert float(row["first_order"]) == result.first[i]
        assert float(row["total"]) == result.total[i]
        assert float(row["total_low"]) == result.total_ci[i, 0]
    r = CliRunner().invoke(main, ["sensitivity", "--global", str(scenario_file), "-q",
                                  "--samples", "8", "--output", "cost_pct_gdp@2025",
                                  "--out", str(tmp_path / "q")])
    assert r.exit_code == 0 and r.output == ""


@pytest.mark.parametrize(("args", "message"), [
    (["--output", "totl_cost@2027"], "error: --output: output expected a result variable, "
                                     "found 'totl_cost' (did you mean 'total_cost'?)"),
    (["--output", "total_cost@2040"], "error: --output: output expected a year in "
                                      "2025..2027 after total_cost@, found '2040'"),
    (["--samples", "10"], "error: --samples: samples expected a power of 2 >= 8"),
])
def test_cli_bad_input(scenario_file: Path, tmp_path: Path, args: list[str],
                       message: str) -> None:
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["sensitivity", "--global", str(scenario_file), "--out",
                                  str(out), *args])
    assert r.exit_code == 1, r.output
    assert message in r.output
    assert not out.exists()


def test_cli_without_uncertainty(tmp_path: Path) -> None:
    path = tmp_path / "plain.toml"
    path.write_text(SCENARIO.split("[uncertainty.parameters]")[0], encoding="utf-8")
    r = CliRunner().invoke(main, ["sensitivity", "--global", str(path)])
    assert r.exit_code == 1
    assert "uncertainty expected an [uncertainty] table with parameters (spsim sensitivity " \
           "--global varies them), found nothing" in r.output


def test_cli_global_options_need_global(scenario_file: Path) -> None:
    r = CliRunner().invoke(main, ["sensitivity", str(scenario_file), "--samples", "16"])
    assert r.exit_code == 2 and "--samples goes with --global" in r.output


def test_chart_with_a_title(result, tmp_path: Path) -> None:
    sobol_plot(result, tmp_path / "c.png", "a title")
    assert (tmp_path / "c.png").stat().st_size > 1000
