"""Issue 16: one-way sensitivity of any output, switching values, yearly stochastic paths,
risk outputs, Morris/delta/Sobol' against Ishigami, per-draw attributes, reproducibility."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from simulate import runs
from simulate.cli import main
from simulate.scenario import scenario_from_dict
from simulate.uncertainty.globalsa import analyse, design, quantiles, rank_warning
from simulate.uncertainty.oneway import find_switch, one_way_output, switching_values
from simulate.uncertainty.paths import PathProcess, deviations, path_draws
from simulate.uncertainty.risk import exceedance, expected_shortfall
from simulate.uncertainty.runner import per_draw_attrs
from simulate.uncertainty.sampling import read_uncertainty
from simulate.uncertainty.sobol import estimates

DOC: dict[str, Any] = {
    "scenario": {"name": "s", "country": "lao", "start_year": 2025, "end_year": 2027,
                 "seed": 3},
    "population": {"records": 1500},
    "programmes": {"mecg": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
                            "benefit": {"amount": 150_000}, "take_up": 0.8,
                            "admin": {"fixed_year": 1e9}}},
    "fiscal": {"envelope_pct_gdp": 0.002},
    "sensitivity": {"parameters": {"programmes.mecg.benefit.amount": [100_000, 200_000],
                                   "programmes.mecg.admin.fixed_year": [5e8, 2e9]}},
}


@pytest.fixture(scope="module")
def sc():
    return scenario_from_dict(DOC)


@pytest.fixture(scope="module")
def base_ds(sc):
    return runs.run(sc)


def test_tornado_of_cost_on_a_hand_case(sc, base_ds) -> None:
    """Cost = transfers + admin: transfers are proportional to the amount and the fixed
    admin cost is added once a year, indexed to the CPI. So in 2027 the tornado's
    output at each end is known from the base run alone."""
    r = one_way_output(sc, "total_cost@2027")
    transfers = float(base_ds["transfers"].sel(year=2027).sum())
    admin = float(base_ds["admin_cost"].sel(year=2027).sum())
    price = float(base_ds["price_index"].sel(year=2027))
    assert r.base == pytest.approx(transfers + admin, abs=1.0)
    rows = {row["parameter"]: row for row in r.rows}
    amount = rows["programmes.mecg.benefit.amount"]
    assert amount["output_low"] == pytest.approx(transfers * 100_000 / 150_000 + admin, abs=1.0)
    assert amount["output_high"] == pytest.approx(transfers * 200_000 / 150_000 + admin, abs=1.0)
    fixed = rows["programmes.mecg.admin.fixed_year"]
    assert fixed["output_low"] == pytest.approx(transfers + admin - 5e8 * price, abs=1.0)
    assert fixed["output_high"] == pytest.approx(transfers + admin + 1e9 * price, abs=1.0)
    # sorted by swing, largest first
    swings = [row["swing"] for row in r.rows]
    assert swings == sorted(swings, reverse=True)


def test_switching_value_against_the_closed_form(sc, base_ds) -> None:
    """The amount at which the 2027 cost reaches T: transfers scale with the amount, so
    amount* = 150000 (T - admin) / transfers."""
    transfers = float(base_ds["transfers"].sel(year=2027).sum())
    admin = float(base_ds["admin_cost"].sel(year=2027).sum())
    target = admin + transfers * 1.2
    out, thr, switches = switching_values(sc, "total_cost@2027", target)
    got = {s.parameter: s for s in switches}
    assert got["programmes.mecg.benefit.amount"].value == pytest.approx(180_000, rel=1e-6)
    # the fixed admin cost would need 0.2 x transfers more, beyond its range
    price = float(base_ds["price_index"].sel(year=2027))
    need = 1e9 + 0.2 * transfers / price
    assert (got["programmes.mecg.admin.fixed_year"].value is None) == (need > 2e9)
    if need <= 2e9:
        assert got["programmes.mecg.admin.fixed_year"].value == pytest.approx(need, rel=1e-6)


def test_root_finder_on_known_functions() -> None:
    def evaluate(values):
        out = []
        for v in values:
            (k, x), = v.items()
            out.append({"a": x**3 - 2.0, "b": np.exp(x) - 5.0, "c": x + 10.0}[k])
        return np.array(out)

    res = find_switch(evaluate, ["a", "b", "c"], [(0.0, 3.0), (0.0, 3.0), (0.0, 1.0)])
    assert res[0][0] == pytest.approx(2.0 ** (1 / 3), rel=1e-6)
    assert res[1][0] == pytest.approx(np.log(5.0), rel=1e-6)
    assert res[2][0] is None


def test_ar1_and_random_walk_paths_have_their_stated_moments() -> None:
    years = np.arange(2025, 2035)
    procs = [PathProcess("a", "ar1", 0.02, 0.6, 2025, None, None),
             PathProcess("r", "random_walk", 0.01, None, 2025, None, None),
             PathProcess("i", "iid", 0.03, None, 2027, None, None)]
    corr = np.eye(3)
    corr[0, 1] = corr[1, 0] = 0.5
    n = 40_000
    d = deviations(procs, corr, n, years, np.random.default_rng(1))
    m = np.arange(1, len(years) + 1)
    var_ar1 = 0.02**2 * (1 - 0.6 ** (2 * m)) / (1 - 0.6**2)
    var_rw = 0.01**2 * m
    # sample variance within 4 standard errors (sd of s^2 ~ var sqrt(2 / n))
    tol = 4 * np.sqrt(2 / n)
    np.testing.assert_allclose(d[:, 0].var(axis=0), var_ar1, rtol=tol)
    np.testing.assert_allclose(d[:, 1].var(axis=0), var_rw, rtol=tol)
    assert np.all(np.abs(d[:, :2].mean(axis=0)) < 4 * np.sqrt(var_rw.max() * 2 / n) + 0.001)
    # autocorrelation of the AR(1) at lag 1 in its stationary region: phi
    x, y = d[:, 0, 6], d[:, 0, 7]
    assert np.corrcoef(x, y)[0, 1] == pytest.approx(0.6 * np.sqrt(var_ar1[6] / var_ar1[7]),
                                                    abs=0.02)
    # shocks in the same year correlated as declared: first year, d = sd e
    assert np.corrcoef(d[:, 0, 0], d[:, 1, 0])[0, 1] == pytest.approx(0.5, abs=0.02)
    # iid: zero before from_year, sd after
    assert np.all(d[:, 2, :2] == 0)
    np.testing.assert_allclose(d[:, 2, 2:].std(axis=0), 0.03, rtol=0.03)


def test_paths_reach_the_draws_and_fan_out() -> None:
    doc = {**DOC, "uncertainty": {"draws": 12, "paths": {
        "macro.inflation": {"process": "random_walk", "sd": 0.02}}}}
    sc = scenario_from_dict(doc)
    paths = path_draws(sc, 12, 7)
    assert paths == path_draws(sc, 12, 7)  # seed reproducibility
    ds = runs.run(sc)
    pv = ds["path_value"].sel(path="macro.inflation")
    np.testing.assert_allclose(ds["inflation"].values, pv.values, rtol=0, atol=1e-12)
    spread = ds["price_index"].std("draw").values
    assert spread[0] == 0 and np.all(np.diff(spread) > 0)  # widens over the years


def test_exceedance_probabilities_against_direct_counts() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(10, 2, (501, 4))
    t = rng.normal(11, 1, (501, 4))
    x[3, 1] = np.nan
    p, se, excess = exceedance(x, t)
    for j in range(4):
        ok = np.isfinite(x[:, j])
        count = int(np.sum(x[ok, j] > t[ok, j]))
        assert p[j] == count / ok.sum()
        assert se[j] == pytest.approx(np.sqrt(p[j] * (1 - p[j]) / ok.sum()), rel=1e-12)
        assert excess[j] == pytest.approx(np.sum(np.maximum(x[ok, j] - t[ok, j], 0)) /
                                          ok.sum(), rel=1e-12)
    p_below, _, _ = exceedance(x, 9.0, above=False)
    assert p_below[0] == np.mean(x[:, 0] < 9.0)
    es = expected_shortfall(x[:, :1], 90)
    v = np.sort(x[:, 0])
    assert es[0] == pytest.approx(v[v >= np.percentile(v, 90)].mean(), rel=1e-12)


def test_run_with_draws_reports_risks_and_totals() -> None:
    doc = {**DOC, "uncertainty": {"draws": 16, "parameters": {
        "programmes.mecg.take_up": {"distribution": "uniform", "low": 0.4, "high": 1.0}},
        "risk": {"thresholds": [{"output": "total_cost", "above": 1e12}]}},
        "sensitivity": {"discount_rate": 0.05}}
    ds = runs.run(scenario_from_dict(doc))
    assert list(ds["risk"].values) == ["total_cost > envelope", "total_cost > 1e+12"]
    direct = (ds["total_cost"] > ds["envelope"]).mean("draw").values
    np.testing.assert_array_equal(ds["exceedance_probability"].values[0], direct)
    for name in ("total_cost_real", "total_cost_usd", "total_cost_pv"):
        assert "draw" in ds[name].dims
    np.testing.assert_allclose(ds["total_cost_usd"].values,
                               ds["total_cost"].values / ds["exchange_rate"].values)


def test_per_draw_attributes_are_not_draw_zeros() -> None:
    import xarray as xr

    dss = [xr.Dataset({"npv": xr.DataArray(1.0, attrs={"discount_rate": r, "units": "LAK"})})
           for r in (0.01, 0.05, 0.03)]
    attrs = per_draw_attrs("npv", dss)
    assert attrs["discount_rate"] == pytest.approx(0.03)
    assert (attrs["discount_rate_min"], attrs["discount_rate_max"]) == (0.01, 0.05)
    assert attrs["units"] == "LAK"


# --- Ishigami: known indices --------------------------------------------------------

def _ishigami(values):
    x = np.array([[v[f"x{i}"] for i in (1, 2, 3, 4)] for v in values])
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.fixture(scope="module")
def ishigami_spec():
    from simulate.uncertainty.sampling import Distribution, UncertaintySpec

    params = tuple(Distribution(f"x{i}", "uniform", {"low": -np.pi, "high": np.pi})
                   for i in (1, 2, 3, 4))
    return UncertaintySpec(10, 11, "random", params, np.eye(4))


def test_morris_on_ishigami(ishigami_spec) -> None:
    from simulate.uncertainty.sampling import values_from_uniforms

    x = design(ishigami_spec, "morris", 200, 11)
    y = _ishigami(values_from_uniforms(ishigami_spec, quantiles(ishigami_spec, x, "morris")))
    cols, conf, rank_by = analyse(ishigami_spec, "morris", x, y, 11)
    mu = cols["mu_star"]
    assert mu[3] == 0.0  # x4 has no effect: exactly zero elementary effects
    assert min(mu[0], mu[1], mu[2]) > 1.0
    # x1 and x2 matter most (total Sobol' 0.558 and 0.442; x3 0.244)
    assert set(np.argsort(-mu)[:2]) == {0, 1}
    # reproducible with the seed
    assert np.array_equal(x, design(ishigami_spec, "morris", 200, 11))


def test_sobol_on_ishigami_and_salib_agrees(ishigami_spec) -> None:
    from SALib.analyze import sobol as salib_sobol

    from simulate.uncertainty.sampling import values_from_uniforms
    from simulate.uncertainty.sobol import design_points, saltelli_design, sobol_from_values

    n, k = 4096, 4
    a, b, ab = saltelli_design(n, k, np.random.default_rng(3))
    y = _ishigami(values_from_uniforms(ishigami_spec, np.clip(design_points(a, b, ab),
                                                              1e-16, 1 - 1e-16)))
    f_a, f_b, f_ab = y[:n], y[n:2 * n], y[2 * n:].reshape(k, n)
    first, total, first_ci, total_ci = sobol_from_values(f_a, f_b, f_ab, resamples=99,
                                                          rng=np.random.default_rng(0))
    known_first = np.array([0.3139, 0.4424, 0.0, 0.0])
    known_total = np.array([0.5576, 0.4424, 0.2437, 0.0])
    np.testing.assert_allclose(first, known_first, atol=0.03)
    np.testing.assert_allclose(total, known_total, atol=0.03)
    # SALib's estimators on the same runs (its layout: A, AB_1..AB_k, B per row)
    rows = np.concatenate([f_a[:, None], f_ab.T, f_b[:, None]], axis=1).reshape(-1)
    problem = {"num_vars": k, "names": list("abcd"), "bounds": [[0, 1]] * k}
    s = salib_sobol.analyze(problem, rows, calc_second_order=False, num_resamples=10,
                            seed=1)
    # total (Jansen): invariant to SALib's centring on all rows -> the same numbers
    np.testing.assert_allclose(s["ST"], total, rtol=1e-9, atol=1e-12)
    # first order: SALib centres on the mean of all n (k + 2) runs, scipy on A and B's;
    # the estimators differ by (c - c') mean(f_AB - f_A) / V, of order 1/sqrt(n)
    np.testing.assert_allclose(s["S1"], first, atol=0.02)
    mean_ab = np.mean(np.concatenate([f_a, f_b]))
    centred = estimates(f_a - mean_ab, f_b - mean_ab, f_ab - mean_ab)[1]
    np.testing.assert_allclose(centred, total, rtol=1e-12)


def test_delta_and_pawn_on_ishigami(ishigami_spec) -> None:
    """Moment-independent measures rank Ishigami's inputs x2 > x1 > x3 > x4 (x4 has no
    effect); delta's S1 separates x1, x2 (first-order 0.31, 0.44) from x3, x4 (0), loosely:
    256 runs, as SALib's KDE is slow."""
    from simulate.uncertainty.sampling import values_from_uniforms

    x = design(ishigami_spec, "pawn", 2000, 5)
    y = _ishigami(values_from_uniforms(ishigami_spec, quantiles(ishigami_spec, x, "pawn")))
    cols, conf, rank_by = analyse(ishigami_spec, "pawn", x, y, 5)
    assert list(np.argsort(-cols[rank_by])) == [1, 0, 2, 3]
    assert np.all(conf[rank_by] > 0)
    x = design(ishigami_spec, "delta", 256, 5)
    y = _ishigami(values_from_uniforms(ishigami_spec, quantiles(ishigami_spec, x, "delta")))
    cols, conf, _ = analyse(ishigami_spec, "delta", x, y, 5)
    # S1 by SALib's binned estimator: x1, x2 well above x3, x4 (whose S1 is 0)
    assert min(cols["S1"][:2]) > 0.2 > max(cols["S1"][2:])
    assert cols["delta"][3] < min(cols["delta"][:2])  # small n: x3 vs x4 not settled


def test_rank_warning() -> None:
    assert rank_warning(("a", "b"), np.array([0.5, 0.1]), np.array([0.1, 0.1])) is None
    assert "a ~ b" in rank_warning(("a", "b"), np.array([0.5, 0.4]), np.array([0.1, 0.1]))


# --- the command --------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


SCENARIO = """
[scenario]
name = "cli"
country = "lao"
start_year = 2025
end_year = 2027
seed = 3

[population]
records = 1500

[programmes.mecg]
eligibility = [{ pregnant = true }, { age_months = [0, 24] }]
benefit = { amount = 150000 }
take_up = 0.8

[fiscal]
envelope_pct_gdp = 0.002

[uncertainty.parameters]
"programmes.mecg.take_up" = { distribution = "uniform", low = 0.5, high = 1.0 }
"programmes.mecg.benefit.amount" = { distribution = "normal", mean = 150000, sd = 20000 }
"""


def test_cli_one_way_of_any_output(tmp_path: Path) -> None:
    path = _write(tmp_path, SCENARIO)
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["sensitivity", str(path), "--output", "total_cost_usd@2027",
                                  "--threshold", "1e6", "--out", str(out)])
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["oneway.txt", "switching.csv", "tornado.csv", "tornado.png"]
    assert "total_cost_usd@2027" in r.output and "Switching values" in r.output
    r = CliRunner().invoke(main, ["sensitivity", str(path), "--output", "cost[mecg]@sum",
                                  "-q", "--out", str(tmp_path / "q")])
    assert r.exit_code == 0 and r.output == ""
    r = CliRunner().invoke(main, ["sensitivity", str(path), "--output", "total_cost@pv",
                                  "--out", str(tmp_path / "pv")])
    assert r.exit_code == 1 and "a discount rate for @pv" in r.output
    assert not (tmp_path / "pv").exists()


def test_cli_global_morris(tmp_path: Path) -> None:
    path = _write(tmp_path, SCENARIO)
    out = tmp_path / "m"
    r = CliRunner().invoke(main, ["sensitivity", "--global", "--method", "morris", str(path),
                                  "--samples", "4", "--output", "total_cost@2027",
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "morris.csv").exists() and "mu_star" in r.output
    sc = scenario_from_dict({**DOC, "uncertainty": {"parameters": {
        "programmes.mecg.take_up": {"distribution": "uniform", "low": 0.5, "high": 1.0}}}})
    assert read_uncertainty(sc).keys() == ("programmes.mecg.take_up",)


def test_cli_run_writes_risks_and_reaches_a_precision(tmp_path: Path) -> None:
    path = _write(tmp_path, SCENARIO + "\n[uncertainty]\ndraws = 8\n")
    out = tmp_path / "r"
    r = CliRunner().invoke(main, ["run", str(path), "--precision", "0.02", "--output",
                                  "total_cost@2027", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "risk.csv").exists() and (out / "risk.png").exists()
    assert "total_cost > envelope" in r.output and "precision: relative standard error" \
        in r.output
    import csv

    rows = list(csv.DictReader((out / "risk.csv").open()))
    assert {row["risk"] for row in rows} == {"total_cost > envelope"}
    import xarray as xr

    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        n = ds.sizes["draw"]
        assert ds.attrs["precision_reached"] == 1 and n >= 8
        y = ds["total_cost"].sel(year=2027).values
        assert y.std(ddof=1) / np.sqrt(n) / y.mean() <= 0.02
        direct = (ds["total_cost"] > ds["envelope"]).mean("draw").values
        np.testing.assert_array_equal(ds["exceedance_probability"].values[0], direct)
