"""The [uncertainty] table and its sampling: each distribution's moments, truncation,
Latin hypercube strata, rank correlation by Iman-Conover, determinism, and every bad
input with the message it must produce."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import integrate, stats

import simulate
from simulate.errors import ScenarioError
from simulate.scenario import scenario_from_dict
from simulate.scenario.model import with_values
from simulate.uncertainty.sampling import (
    Distribution,
    UncertaintySpec,
    check_keys,
    read_uncertainty,
    sample,
    uniforms,
    values_from_uniforms,
)

N = 20_000


def doc(parameters: dict[str, Any], correlations: list[dict] | None = None,
        **table: Any) -> dict[str, Any]:
    """A tiny scenario with an [uncertainty] table."""
    unc: dict[str, Any] = {"parameters": parameters, **table}
    if correlations is not None:
        unc["correlations"] = correlations
    return {
        "scenario": {"name": "u", "country": "lao", "start_year": 2025, "end_year": 2027,
                     "seed": 11},
        "population": {"records": 300},
        "programmes": {"mecg": {"eligibility": {"age": [0, 2]},
                                "benefit": {"amount": 150_000}, "take_up": 0.8}},
        "uncertainty": unc,
    }


def spec_of(parameters: dict[str, Any], correlations: list[dict] | None = None,
            **table: Any) -> UncertaintySpec:
    """The checked spec of a tiny scenario (ScenarioError on a bad table or key)."""
    sc = scenario_from_dict(doc(parameters, correlations, **table))
    spec = read_uncertainty(sc)
    assert spec is not None
    check_keys(sc, spec)
    return spec


def one(dist: dict[str, Any], key: str = "macro.inflation", sampling: str = "random",
        n: int = N) -> np.ndarray:
    spec = spec_of({key: dist}, sampling=sampling)
    return np.array([d[key] for d in sample(spec, n)])


def assert_moments(x: np.ndarray, mean: float, sd: float, rel_sd: float = 0.03) -> None:
    se = sd / math.sqrt(len(x))
    assert abs(x.mean() - mean) < 4 * se, (x.mean(), mean, se)
    assert x.std(ddof=1) == pytest.approx(sd, rel=rel_sd)


# --- distributions ------------------------------------------------------------------


def test_uniform_moments() -> None:
    x = one({"distribution": "uniform", "low": 0.5, "high": 1.0}, "programmes.mecg.rollout")
    assert_moments(x, 0.75, 0.5 / math.sqrt(12))
    assert x.min() >= 0.5 and x.max() <= 1.0


def test_triangular_moments() -> None:
    a, c, b = 0.6, 0.85, 0.95
    x = one({"distribution": "triangular", "low": a, "mode": c, "high": b},
            "programmes.mecg.take_up")
    var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
    assert_moments(x, (a + b + c) / 3, math.sqrt(var))
    assert a <= x.min() and x.max() <= b
    # F(mode) = (mode - low) / (high - low)
    share, f = (x <= c).mean(), (c - a) / (b - a)
    assert abs(share - f) < 4 * math.sqrt(f * (1 - f) / len(x))


def test_normal_moments() -> None:
    x = one({"distribution": "normal", "mean": 0.045, "sd": 0.01}, "macro.real_gdp_growth")
    assert_moments(x, 0.045, 0.01)


def test_truncated_normal_stays_within_bounds() -> None:
    x = one({"distribution": "normal", "mean": 0.03, "sd": 0.02, "low": 0.0, "high": 0.06})
    assert x.min() >= 0.0 and x.max() <= 0.06
    t = stats.truncnorm((0 - 0.03) / 0.02, (0.06 - 0.03) / 0.02, loc=0.03, scale=0.02)
    assert_moments(x, t.mean(), t.std())
    low_only = one({"distribution": "normal", "mean": 0.03, "sd": 0.02, "low": 0.0})
    assert low_only.min() >= 0.0
    t = stats.truncnorm(-1.5, np.inf, loc=0.03, scale=0.02)
    assert_moments(low_only, t.mean(), t.std())


def test_lognormal_moments_are_of_the_variable() -> None:
    key = "programmes.mecg.benefit.amount"
    x = one({"distribution": "lognormal", "mean": 150_000, "sd": 20_000}, key)
    assert x.min() > 0
    assert_moments(x, 150_000, 20_000)


def test_truncated_lognormal() -> None:
    key = "programmes.mecg.benefit.amount"
    lo, hi = 120_000.0, 200_000.0
    x = one({"distribution": "lognormal", "mean": 150_000, "sd": 30_000, "low": lo,
             "high": hi}, key)
    assert lo <= x.min() and x.max() <= hi
    sigma = math.sqrt(math.log1p((30_000 / 150_000) ** 2))
    parent = stats.lognorm(s=sigma, scale=150_000 * math.exp(-sigma**2 / 2))
    mass = parent.cdf(hi) - parent.cdf(lo)
    m1 = integrate.quad(lambda v: v * parent.pdf(v), lo, hi)[0] / mass
    m2 = integrate.quad(lambda v: v * v * parent.pdf(v), lo, hi)[0] / mass
    assert_moments(x, m1, math.sqrt(m2 - m1 * m1))


def test_beta_moments_and_rescaling() -> None:
    key = "programmes.mecg.targeting.exclusion_error"
    a, b = 2.0, 5.0
    x = one({"distribution": "beta", "alpha": a, "beta": b}, key)
    assert 0 <= x.min() and x.max() <= 1
    assert_moments(x, a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))))
    y = one({"distribution": "beta", "alpha": a, "beta": b, "low": 0.1, "high": 0.3}, key)
    assert 0.1 <= y.min() and y.max() <= 0.3
    assert_moments(y, 0.1 + 0.2 * a / (a + b),
                   0.2 * math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))))


@pytest.mark.parametrize("sampling", ["random", "latin_hypercube"])
def test_discrete_frequencies_match_the_weights(sampling: str) -> None:
    key = "programmes.mecg.benefit.indexation"
    spec = spec_of({key: {"distribution": "discrete", "values": ["cpi", "none", 0.02],
                          "weights": [0.6, 0.3, 0.1]}}, sampling=sampling)
    x = [d[key] for d in sample(spec, N)]
    counts = np.array([x.count("cpi"), x.count("none"), x.count(0.02)])
    assert counts.sum() == N  # the declared values themselves, types kept
    assert isinstance(x[0], str | float)
    expected = N * np.array([0.6, 0.3, 0.1])
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected * (1 - expected / N)))
    equal = spec_of({key: {"distribution": "discrete", "values": ["cpi", "none"]}})
    assert equal.parameters[0].params["weights"] == (0.5, 0.5)
    assert not spec.parameters[0].numeric and spec.parameters[0].median() == "cpi"


def test_ppf_and_median_conventions() -> None:
    d = Distribution("k", "triangular", {"low": 0.0, "mode": 0.5, "high": 1.0})
    assert d.median() == pytest.approx(0.5) and d.numeric
    assert d.ppf(np.array([0.125, 0.875])) == pytest.approx([0.25, 0.75])
    n = Distribution("k", "normal", {"mean": 1.0, "sd": 2.0})
    assert n.ppf(np.array([stats.norm.cdf(1.5)])) == pytest.approx([4.0])
    disc = Distribution("k", "discrete", {"values": (1, 2, 3), "weights": (0.2, 0.3, 0.5)})
    # value i when w_0 + ... + w_(i-1) <= u < w_0 + ... + w_i
    assert disc.ppf(np.array([0.1, 0.2, 0.49, 0.5, 0.99])).tolist() == [1, 2, 2, 3, 3]
    assert disc.median() == 3 and disc.numeric
    ln = Distribution("k", "lognormal", {"mean": 100.0, "sd": 10.0})
    sigma2 = math.log1p(0.01)
    assert ln.median() == pytest.approx(100 * math.exp(-sigma2 / 2))


def test_latin_hypercube_marginals_are_stratified() -> None:
    spec = spec_of({"macro.inflation": {"distribution": "uniform", "low": 0, "high": 0.1},
                    "programmes.mecg.take_up": {"distribution": "uniform", "low": 0.5,
                                                "high": 1.0}},
                   [{"parameters": ["macro.inflation", "programmes.mecg.take_up"],
                     "rank": -0.4}])
    assert spec.sampling == "latin_hypercube" and spec.draws == 100
    for n in (1, 7, 100, 1000):
        u = uniforms(spec, n)
        assert u.shape == (n, 2) and np.all((u > 0) & (u < 1))
        for j in range(2):  # one point in each of the n strata, correlation or not
            assert sorted(np.floor(u[:, j] * n).astype(int)) == list(range(n))


# --- correlation ----------------------------------------------------------------------


def test_rank_correlation_is_imposed_and_marginals_kept() -> None:
    params = {
        "programmes.mecg.take_up": {"distribution": "triangular", "low": 0.6, "mode": 0.85,
                                    "high": 0.95},
        "macro.inflation": {"distribution": "normal", "mean": 0.03, "sd": 0.01, "low": 0.0},
        "macro.real_gdp_growth": {"distribution": "normal", "mean": 0.045, "sd": 0.01},
        "programmes.mecg.rollout": {"distribution": "uniform", "low": 0.5, "high": 1.0},
    }
    corr = [{"parameters": ["programmes.mecg.take_up", "macro.inflation"], "rank": 0.5},
            {"parameters": ["macro.real_gdp_growth", "programmes.mecg.rollout"],
             "rank": -0.7}]
    for sampling in ("latin_hypercube", "random"):
        spec = spec_of(params, corr, sampling=sampling)
        u = uniforms(spec, 2000)
        rho = stats.spearmanr(u).statistic
        assert rho[0, 1] == pytest.approx(0.5, abs=0.03)
        assert rho[2, 3] == pytest.approx(-0.7, abs=0.03)
        for i, j in ((0, 2), (0, 3), (1, 2), (1, 3)):
            assert abs(rho[i, j]) < 0.06, (i, j, rho[i, j])
        # the values keep the ranks of the uniforms
        draws = values_from_uniforms(spec, u)
        x = np.array([[d[k] for k in spec.keys()] for d in draws])
        assert stats.spearmanr(x).statistic == pytest.approx(rho, abs=1e-12)
    # Iman-Conover only reorders: the Latin hypercube's strata survive it
    spec = spec_of(params, corr)
    u = uniforms(spec, 2000)
    uncorrelated = spec_of(params)
    v = uniforms(uncorrelated, 2000)
    for j in range(4):
        assert sorted(np.floor(u[:, j] * 2000).astype(int)) == list(range(2000))
        assert sorted(np.floor(v[:, j] * 2000).astype(int)) == list(range(2000))
    assert spec.correlation[0, 1] == 0.5 and spec.correlation[1, 0] == 0.5
    assert np.array_equal(uncorrelated.correlation, np.eye(4))


# --- determinism ----------------------------------------------------------------------

PARAMS = {"macro.inflation": {"distribution": "normal", "mean": 0.03, "sd": 0.01},
          "programmes.mecg.take_up": {"distribution": "uniform", "low": 0.5, "high": 1.0},
          "programmes.mecg.benefit.indexation": {"distribution": "discrete",
                                                 "values": ["cpi", "none"]}}
CORR = [{"parameters": ["macro.inflation", "programmes.mecg.take_up"], "rank": 0.3}]


@pytest.mark.parametrize("sampling", ["latin_hypercube", "random"])
def test_same_seed_same_numbers(sampling: str) -> None:
    a = spec_of(PARAMS, CORR, sampling=sampling)
    b = spec_of(PARAMS, CORR, sampling=sampling)
    assert a.seed == 11  # the scenario's seed by default
    assert np.array_equal(uniforms(a), uniforms(b))
    assert sample(a, 50) == sample(b, 50)
    assert len(sample(a)) == a.draws == 100
    c = spec_of(PARAMS, CORR, sampling=sampling, seed=12)
    assert c.seed == 12
    assert not np.array_equal(uniforms(a), uniforms(c))
    assert all(isinstance(v, float) for d in sample(a, 5) for k, v in d.items()
               if k != "programmes.mecg.benefit.indexation")


def test_the_seed_defaults_to_the_scenario_seed() -> None:
    d = doc(PARAMS, CORR)
    d["scenario"]["seed"] = 12
    sc = scenario_from_dict(d)
    spec = read_uncertainty(sc)
    assert spec is not None and spec.seed == 12
    assert np.array_equal(uniforms(spec), uniforms(spec_of(PARAMS, CORR, seed=12)))


def test_no_uncertainty_table() -> None:
    d = doc(PARAMS)
    del d["uncertainty"]
    assert read_uncertainty(scenario_from_dict(d)) is None


def test_a_draw_is_a_valid_override(tmp_path: Path) -> None:
    spec = spec_of(PARAMS, CORR)
    sc = scenario_from_dict(doc(PARAMS, CORR))
    for draw in sample(spec, 5):
        v = with_values(sc, draw, "uncertainty.parameters", quote=True)
        assert v.programme("mecg").take_up == draw["programmes.mecg.take_up"]
        assert v.programme("mecg").benefit.indexation == draw[
            "programmes.mecg.benefit.indexation"]


# --- the TOML table -------------------------------------------------------------------

TOML = """\
[scenario]
name = "uncertain"
country = "lao"
start_year = 2025
end_year = 2027
seed = 3

[programmes.mecg]
eligibility = { age = [0, 2] }
benefit = { amount = 150_000 }
take_up = 0.8

[uncertainty]
draws = 1000
seed = 7
sampling = "random"

[uncertainty.parameters]
"programmes.mecg.take_up" = { distribution = "triangular", low = 0.6, mode = 0.85, high = 0.95 }
"macro.inflation" = { distribution = "normal", mean = 0.03, sd = 0.01, low = 0.0 }

[uncertainty.parameters.programmes.mecg.benefit]
amount = { distribution = "lognormal", mean = 150000, sd = 20000 }
indexation = { distribution = "discrete", values = ["cpi", "none"], weights = [0.7, 0.3] }

[[uncertainty.correlations]]
parameters = ["programmes.mecg.take_up", "macro.inflation"]
rank = 0.5
"""


def test_the_toml_table(tmp_path: Path) -> None:
    path = tmp_path / "u.toml"
    path.write_text(TOML)
    sc = simulate.load_scenario(path)
    spec = read_uncertainty(sc)
    assert spec is not None
    check_keys(sc, spec)
    assert (spec.draws, spec.seed, spec.sampling) == (1000, 7, "random")
    # quoted dotted keys stay one key; unquoted ones nest and are joined back
    assert spec.keys() == ("programmes.mecg.take_up", "macro.inflation",
                           "programmes.mecg.benefit.amount",
                           "programmes.mecg.benefit.indexation")
    assert spec.parameters[2].params == {"mean": 150000.0, "sd": 20000.0}
    assert spec.correlation[0, 1] == 0.5
    # the resolved text (provenance) reads back to the same table
    again = scenario_from_dict(__import__("tomllib").loads(sc.text))
    assert dict(again.section("uncertainty")) == dict(sc.section("uncertainty"))


# --- bad input ------------------------------------------------------------------------

TAKE_UP = "programmes.mecg.take_up"
BAD = [
    ({"programmes.mecg.takeup": {"distribution": "uniform", "low": 0.5, "high": 1.0}}, None,
     {}, '<scenario>: uncertainty.parameters."programmes.mecg.takeup" expected a known key, '
     "found an unknown key (did you mean 'take_up'?)"),
    ({"programmes.mecg.benfit.amount": {"distribution": "uniform", "low": 1, "high": 2}},
     None, {}, 'uncertainty.parameters."programmes.mecg.benfit.amount" expected a known '
     "key at programmes.mecg.benfit, found an unknown key (did you mean 'benefit'?)"),
    ({"programmes.mceg.take_up": {"distribution": "uniform", "low": 0.5, "high": 1.0}}, None,
     {}, 'uncertainty.parameters."programmes.mceg.take_up" expected a programme of the '
     "scenario, found 'mceg' (did you mean 'mecg'?)"),
    ({"macor.inflation": {"distribution": "uniform", "low": 0.0, "high": 0.1}}, None, {},
     "uncertainty.parameters.\"macor.inflation\" expected a known key at macor, found an "
     "unknown key (did you mean 'macro'?)"),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.9, "high": 0.5}}, None, {},
     'uncertainty.parameters."programmes.mecg.take_up".high expected a number > low (0.9), '
     "found 0.5"),
    ({"macro.inflation": {"distribution": "normal", "mean": 0.03, "sd": -0.01}}, None, {},
     'uncertainty.parameters."macro.inflation".sd expected a number > 0, found -0.01'),
    ({"macro.inflation": {"distribution": "gaussian", "mean": 0.03, "sd": 0.01}}, None, {},
     'uncertainty.parameters."macro.inflation".distribution expected one of \'uniform\', '
     "'triangular', 'normal', 'lognormal', 'beta', 'discrete', found 'gaussian'"),
    ({"macro.inflation": {"distribution": "normall", "mean": 0.03, "sd": 0.01}}, None, {},
     "found 'normall' (did you mean 'normal'?)"),
    ({"macro.inflation": {"distribution": "normal", "mean": 0.03}}, None, {},
     'uncertainty.parameters."macro.inflation".sd expected a number > 0, found nothing'),
    ({"macro.inflation": {"distribution": "normal", "mean": 0.03, "sd": 0.01, "mode": 0}},
     None, {}, 'uncertainty.parameters."macro.inflation".mode expected a key of a normal '
     "distribution, found an unknown key (valid: high, low, mean, sd)"),
    ({TAKE_UP: {"distribution": "triangular", "low": 0.6, "mode": 0.99, "high": 0.95}}, None,
     {}, '"programmes.mecg.take_up".mode expected a number in [low, high] = [0.6, 0.95], '
     "found 0.99"),
    ({TAKE_UP: {"distribution": "beta", "alpha": 0, "beta": 2}}, None, {},
     '"programmes.mecg.take_up".alpha expected a number > 0, found 0'),
    ({"programmes.mecg.benefit.amount": {"distribution": "lognormal", "mean": -5, "sd": 1}},
     None, {}, '"programmes.mecg.benefit.amount".mean expected a number > 0, found -5'),
    ({"macro.inflation": {"distribution": "normal", "mean": 0.03, "sd": 0.01, "low": 0.5}},
     None, {}, '"macro.inflation" expected bounds low, high that hold some of the '
     "distribution, found P(low <= X <= high) = "),
    ({"programmes.mecg.benefit.indexation": {"distribution": "discrete",
                                             "values": ["cpi", "none"], "weights": [0.7, 0.2]}},
     None, {}, '"programmes.mecg.benefit.indexation".weights expected weights summing to '
     "1, found a sum of 0.9"),
    ({"programmes.mecg.benefit.indexation": {"distribution": "discrete",
                                             "values": ["cpi", "none"], "weights": [1.0]}},
     None, {}, '"programmes.mecg.benefit.indexation".weights expected 2 weights (one a '
     "value), found [1.0]"),
    ({"sensitivity.parameters": {"distribution": "uniform", "low": 0, "high": 1}}, None, {},
     'uncertainty.parameters."sensitivity.parameters" expected a key outside [sensitivity] '
     "and [uncertainty]"),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.5, "high": 1.0}},
     [{"parameters": [TAKE_UP, "macro.inflaton"], "rank": 0.5}], {},
     "uncertainty.correlations[0].parameters[1] expected a parameter of "
     "[uncertainty.parameters], found 'macro.inflaton'"),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.5, "high": 1.0}},
     [{"parameters": [TAKE_UP, TAKE_UP], "rank": 0.5}], {},
     "uncertainty.correlations[0].parameters expected two different parameters"),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.5, "high": 1.0},
      "macro.inflation": {"distribution": "uniform", "low": 0.0, "high": 0.1}},
     [{"parameters": [TAKE_UP, "macro.inflation"], "rank": 1.0}], {},
     "uncertainty.correlations[0].rank expected a number in (-1, 1), found 1.0"),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.5, "high": 1.0},
      "macro.inflation": {"distribution": "uniform", "low": 0.0, "high": 0.1}},
     [{"parameters": [TAKE_UP, "macro.inflation"], "rank": 0.5},
      {"parameters": ["macro.inflation", TAKE_UP], "rank": 0.2}], {},
     "uncertainty.correlations[1].parameters expected a pair not correlated before (in "
     "correlations[0])"),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.5, "high": 1.0},
      "macro.inflation": {"distribution": "uniform", "low": 0.0, "high": 0.1},
      "macro.real_gdp_growth": {"distribution": "uniform", "low": 0.0, "high": 0.1}},
     [{"parameters": [TAKE_UP, "macro.inflation"], "rank": 0.9},
      {"parameters": ["macro.inflation", "macro.real_gdp_growth"], "rank": 0.9},
      {"parameters": [TAKE_UP, "macro.real_gdp_growth"], "rank": -0.9}], {},
     "uncertainty.correlations expected rank correlations that form a positive definite "
     "matrix, found a matrix with smallest eigenvalue"),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.5, "high": 1.5}}, None, {},
     '<scenario>: uncertainty.parameters."programmes.mecg.take_up" expected a number in '
     "[0, 1], found 1.5 (at its highest value)"),
    ({TAKE_UP: {"distribution": "normal", "mean": 0.8, "sd": 0.1}}, None, {},
     "(at its 99.9th percentile; truncate it with high)"),
    ({"scenario.start_year": {"distribution": "uniform", "low": 2020, "high": 2025}}, None,
     {}, '"scenario.start_year" expected an integer in [1950, 2200], found 2022.5'),
    ({TAKE_UP: {"distribution": "uniform", "low": 0.5, "high": 1.0}}, None,
     {"draws": 0, "sampling": "sobol"},
     "uncertainty.draws expected an integer in [1, 10000000] (draws), found 0"),
    ({}, None, {}, "uncertainty.parameters expected at least one parameter"),
    ({"macro.inflation": {"distribution": "uniform", "low": 0.0, "high": 0.1},
      "macro": {"inflation": {"distribution": "uniform", "low": 0.0, "high": 0.2}}}, None, {},
     'uncertainty.parameters."macro.inflation" expected a parameter declared once'),
]


@pytest.mark.parametrize(("parameters", "correlations", "table", "message"), BAD)
def test_bad_uncertainty_input(parameters: dict, correlations: list | None, table: dict,
                               message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        spec_of(parameters, correlations, **table)
    assert message in str(err.value), str(err.value)
    assert str(err.value).startswith("<scenario>: uncertainty.")


def test_one_clear_error_for_a_negative_sd() -> None:
    with pytest.raises(ScenarioError) as err:
        spec_of({"macro.inflation": {"distribution": "normal", "mean": 0.03, "sd": -0.01,
                                     "low": 0.0}})
    assert len(err.value.problems) == 1, str(err.value)


def test_every_problem_at_once_and_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "u.toml"
    path.write_text(TOML.replace("sd = 0.01", "sd = -0.01").replace('"random"', '"sobol"'))
    with pytest.raises(ScenarioError) as err:
        simulate.load_scenario(path)
    text = str(err.value)
    assert f'{path}: uncertainty.parameters."macro.inflation".sd expected a number > 0, ' \
           "found -0.01" in text
    assert "uncertainty.sampling expected one of 'latin_hypercube', 'random', found " \
           "'sobol'" in text
    typo = TOML.replace("programmes.mecg.take_up", "programmes.mecg.takeup")
    path.write_text(typo)
    with pytest.raises(ScenarioError) as err:  # the key paths are checked by the build
        simulate.load_scenario(path)
    assert str(err.value).startswith(f'{path}: uncertainty.parameters."programmes.mecg.'
                                     "takeup\" expected a known key")
    # several keys: every problem at once
    path.write_text(typo.replace('values = ["cpi", "none"]', 'values = ["cpi", "nne"]'))
    with pytest.raises(ScenarioError) as err:
        simulate.load_scenario(path)
    assert len(err.value.problems) == 2, str(err.value)
    assert "found 'nne' (did you mean 'none'?; at one of its values)" in str(err.value)
