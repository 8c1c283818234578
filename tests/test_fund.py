"""The fund: closed forms, hand-computed paths, the Monte Carlo against independent
simulations, the solvers, bonds, reproducibility, bad input, and the run end to end."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from simulate.cli import main
from simulate.errors import ScenarioError
from simulate.fund import bond_schedule, quantile_at_least, required_capital, simulate_paths
from simulate.fund.flows import fund_flows, spending_path
from simulate.fund.plan import largest_at_least, lognormal_parameters, price_index
from simulate.kernels.fund import normal
from simulate.runs import run
from simulate.scenario import scenario_from_dict
from simulate.scenario.fund import Bond
from simulate.scenario.loader import to_toml

ROOT = Path(__file__).resolve().parent.parent
YEARS3 = np.array([2025, 2026, 2027])


def settings(**fund) -> object:
    """FundSettings from a [fund] table (validated through a tiny scenario)."""
    doc = {"scenario": {"name": "t", "country": "lao", "start_year": 2025, "end_year": 2054},
           "programmes": {"a": {"benefit": {"amount": 1.0}}},
           "fund": {"returns": {"mean": 0.05}, **fund}}
    sc = scenario_from_dict(doc)
    return sc.fund


def paths(fs, n, capital, bill, contrib=None, fixed=None, inflation=None, years=None):
    bill = np.atleast_2d(np.asarray(bill, dtype=float))
    t = bill.shape[1]
    zero = np.zeros_like(bill)
    return simulate_paths(fs, n, capital, zero if inflation is None else inflation,
                          zero if contrib is None else np.atleast_2d(contrib),
                          bill, zero if fixed is None else np.atleast_2d(fixed),
                          np.arange(2025, 2025 + t) if years is None else years)


# --- closed forms and hand paths ----------------------------------------------------


def test_closed_form_required_capital_to_the_unit() -> None:
    # bills of 100 a year for 3 years at 5 %: 100 + 100 / 1.05 + 100 / 1.05^2 = 285.94
    g = np.full(3, 1.05)
    assert required_capital(np.full(3, 100.0), np.zeros(3), g) == pytest.approx(285.9410, abs=1e-4)
    # contributions first, a bill later: 0 - 50 + 300 / 1.05^2 = 222.11 (max over T)
    got = required_capital(np.array([0.0, 0.0, 300.0]), np.array([50.0, 0.0, 0.0]), g)
    assert round(got, 2) == 222.11
    # nothing to pay: 0
    assert required_capital(np.zeros(3), np.ones(3), g) == 0.0
    fs = settings(returns={"mean": 0.05, "volatility": 0.0})
    p = paths(fs, 1, 0.0, [100.0, 100.0, 100.0])
    assert p.required[0] == pytest.approx(285.9410, abs=1e-4)


def test_hand_balance_path_with_fee() -> None:
    # B1 = (1000 + 50 - 200) x 1.1 x 0.99 = 925.65; B2 = (925.65 + 50 - 100) x 1.089
    fs = settings(returns={"mean": 0.10}, fee=0.01)
    p = paths(fs, 1, 1000.0, [200.0, 100.0], contrib=[50.0, 50.0])
    assert p.balance[0].tolist() == pytest.approx([1000.0, 925.65, 953.582850], abs=1e-6)
    assert p.depleted[0] == -1


def test_depletion_year_and_shortfall_carried() -> None:
    fs = settings(returns={"mean": 0.0})
    p = paths(fs, 1, 150.0, [100.0, 100.0, 100.0])
    assert p.depleted[0] == 1  # 50 + 0 - 100 < 0 in the second year
    assert p.balance[0].tolist() == [150.0, 50.0, -50.0, -150.0]


def test_real_returns_turned_nominal_with_inflation() -> None:
    fs = settings(returns={"mean": 0.02, "kind": "real"})
    infl = np.array([[0.0, 0.03]])
    p = paths(fs, 1, 100.0, [0.0, 0.0], inflation=infl)
    assert p.balance[0, 2] == pytest.approx(100 * 1.02 * 1.02 * 1.03, rel=1e-12)


def test_norway_fixed_share_against_hand_path() -> None:
    # S0 = 40, B1 = 960 x 1.05 = 1008, S1 = 40.32, B2 = 967.68 x 1.05 = 1016.064
    fs = settings(initial_capital=1000.0, returns={"mean": 0.05},
                  spending={"rule": "fixed_share", "rate": 0.04})
    p = paths(fs, 1, 1000.0, [0.0, 0.0])
    assert p.payout[0].tolist() == pytest.approx([40.0, 40.32], abs=1e-9)
    assert p.balance[0].tolist() == pytest.approx([1000.0, 1008.0, 1016.064], abs=1e-9)
    # Norway's path: 4 % then 3 % (the rate is a year path)
    fs = settings(initial_capital=1000.0, returns={"mean": 0.05},
                  spending={"rule": "fixed_share", "rate": {"2025": 0.04, "2026": 0.03}})
    p = paths(fs, 1, 1000.0, [0.0, 0.0])
    assert p.payout[0].tolist() == pytest.approx([40.0, 30.24], abs=1e-9)
    bal, spend = spending_path(fs, 1000.0, np.zeros(2), np.zeros(2), np.full(2, 1.05),
                               np.zeros(2), np.array([2025, 2026]))
    assert spend.tolist() == pytest.approx([40.0, 30.24], abs=1e-9)


def test_yale_smoothed_rule_against_hand_path() -> None:
    # S0 = 0.05 x 1000 = 50; B1 = 950 x 1.06 = 1007; S1 = 0.8 x 50 x 1.02 + 0.2 x 0.05 x 1007
    # = 50.87; B2 = (1007 - 50.87) x 1.06 = 1013.4978
    fs = settings(initial_capital=1000.0, returns={"mean": 0.06},
                  spending={"rule": "smoothed", "rate": 0.05, "smoothing": 0.8})
    infl = np.array([[0.02, 0.02]])
    p = paths(fs, 1, 1000.0, [0.0, 0.0], inflation=infl)
    assert p.payout[0].tolist() == pytest.approx([50.0, 50.87], abs=1e-9)
    assert p.balance[0, 2] == pytest.approx(1013.4978, abs=1e-9)
    # a band [4.5 %, 5 %] of the balance: S1 capped at 0.05 x 1007 = 50.35
    fs = settings(initial_capital=1000.0, returns={"mean": 0.06},
                  spending={"rule": "smoothed", "rate": 0.05, "band": [0.045, 0.05]})
    p = paths(fs, 1, 1000.0, [0.0, 0.0], inflation=infl)
    assert p.payout[0].tolist() == pytest.approx([50.0, 50.35], abs=1e-9)
    bal, spend = spending_path(fs, 1000.0, np.zeros(2), np.zeros(2), np.full(2, 1.06),
                               infl[0], np.array([2025, 2026]))
    assert spend.tolist() == pytest.approx([50.0, 50.35], abs=1e-9)


def test_rule_required_capital_covers_the_bill() -> None:
    # fixed share 4 % at 5 % return, no contributions: spending = 0.04 K 1.008^t, so the
    # smallest K covering a bill of 40 then 50 is max(40 / 0.04, 50 / (0.04 x 1.008))
    fs = settings(initial_capital=1.0, returns={"mean": 0.05},
                  spending={"rule": "fixed_share", "rate": 0.04})
    p = paths(fs, 1, 1.0, [40.0, 50.0])
    assert p.required[0] == pytest.approx(50 / (0.04 * 1.008), rel=1e-8)


def test_bonds_against_hand_schedule() -> None:
    years = np.arange(2025, 2031)
    s = bond_schedule([Bond(2026, 1000.0, 0.05, 3, 0.98, "fund"),
                       Bond(2029, 500.0, 0.1, 5, 1.0, "budget")], years)
    assert s.proceeds.tolist() == [0, 980, 0, 0, 500, 0]
    assert s.coupon["fund"].tolist() == [0, 0, 50, 50, 50, 0]
    assert s.principal["fund"].tolist() == [0, 0, 0, 0, 1000, 0]
    assert s.outstanding["fund"].tolist() == [0, 1000, 1000, 1000, 0, 0]
    assert s.coupon["budget"].tolist() == [0, 0, 0, 0, 0, 50]
    assert s.principal["budget"].tolist() == [0] * 6  # repaid after the horizon
    assert s.outstanding["budget"].tolist() == [0, 0, 0, 0, 500, 500]
    assert s.service("fund").tolist() == [0, 0, 50, 50, 1050, 0]


def test_fund_flows_pay_while_it_can() -> None:
    fs = settings(initial_capital=150.0, returns={"mean": 0.0}, pays={"viability": True},
                  contributions={"government": 10.0})
    need = np.array([100.0, 100.0, -20.0])
    f = fund_flows(fs, YEARS3, np.zeros((3, 1)), ["a"], need, np.zeros(3), np.ones(3))
    assert f.bill.tolist() == [100.0, 100.0, 0.0]
    assert f.paid.tolist() == [100.0, 70.0, 0.0]  # 60 + 10 left in the second year
    assert f.balance.tolist() == [150.0, 60.0, 0.0, 10.0]
    assert f.budget_charge().tolist() == [10.0, 10.0, 10.0]


# --- the Monte Carlo ----------------------------------------------------------------


def numpy_required(mean: float, vol: float, bill: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Independent simulation: numpy's own generator, lognormal 1 + r, closed form."""
    mu, sigma = lognormal_parameters(mean, vol)
    g = np.exp(mu + sigma * np.random.default_rng(seed).standard_normal((n, len(bill))))
    disc = np.concatenate([np.ones((n, 1)), np.cumprod(g, axis=1)[:, :-1]], axis=1)
    return np.maximum(0.0, np.cumsum(bill / disc, axis=1).max(axis=1))


def test_monte_carlo_quantile_matches_an_independent_simulation() -> None:
    bill = np.full(30, 100.0)
    n = 20_000
    fs = settings(returns={"mean": 0.05, "volatility": 0.12}, draws=n)
    kernel = quantile_at_least(paths(fs, n, 0.0, bill).required, 0.9)
    ref = numpy_required(0.05, 0.12, bill, n, 1)
    share = (ref <= kernel).mean()
    # the kernel's 90 % quantile leaves 90 % of independent paths solvent, within the
    # sampling error of both (4 standard errors of a share, doubled for two samples)
    assert abs(share - 0.9) < 4 * math.sqrt(2 * 0.9 * 0.1 / n)
    # the mean return is what was asked: E[1 + r] = 1.05 (kernel's factors)
    p = paths(settings(returns={"mean": 0.05, "volatility": 0.12}), n, 1.0, np.zeros(1))
    assert p.balance[:, 1].mean() == pytest.approx(1.05, abs=4 * 0.12 / math.sqrt(n))
    assert p.balance[:, 1].std() == pytest.approx(0.12, rel=0.05)


def test_solved_capital_keeps_paths_solvent_at_the_probability() -> None:
    bill = np.linspace(50, 150, 20)
    n = 5_000
    for prob in (0.5, 0.9, 0.99):
        fs = settings(returns={"mean": 0.04, "volatility": 0.1}, draws=n)
        k = quantile_at_least(paths(fs, n, 0.0, bill).required, prob)
        again = paths(fs, n, k, bill)
        assert (again.depleted < 0).mean() >= prob
        assert (again.depleted < 0).mean() < prob + 2 / n + 1e-12


def test_level_contribution_and_payout_share_solve_their_problems() -> None:
    bill = np.full(15, 100.0)
    n = 4_000
    fs = settings(returns={"mean": 0.05, "volatility": 0.1}, draws=n)
    p = paths(fs, n, 500.0, bill)
    x = quantile_at_least(p.level, 0.9)
    with_x = paths(fs, n, 500.0, bill, contrib=np.full(15, x))
    assert (with_x.depleted < 0).mean() >= 0.9
    k = largest_at_least(p.payshare, 0.9)
    assert 0 < k < 1
    scaled = paths(fs, n, 500.0, k * bill)
    assert (scaled.depleted < 0).mean() >= 0.9


def test_one_asset_portfolio_equals_single_asset() -> None:
    bill = np.full(10, 10.0)
    a = settings(returns={"mean": 0.06, "volatility": 0.15}, draws=500)
    b = settings(returns={"assets": {"x": {"weight": 1.0, "mean": 0.06, "volatility": 0.15}},
                          "correlation": [[1.0]]}, draws=500)
    pa, pb = paths(a, 500, 100.0, bill), paths(b, 500, 100.0, bill)
    np.testing.assert_array_equal(pa.balance, pb.balance)
    np.testing.assert_array_equal(pa.required, pb.required)


def test_portfolio_mean_and_correlation() -> None:
    n = 40_000
    fs = settings(returns={"assets": {"e": {"weight": 0.6, "mean": 0.08, "volatility": 0.2},
                                      "b": {"weight": 0.4, "mean": 0.03, "volatility": 0.05}},
                           "correlation": [[1.0, 0.5], [0.5, 1.0]]})
    p = paths(fs, n, 1.0, np.zeros(1))
    r = p.balance[:, 1] - 1.0
    assert r.mean() == pytest.approx(0.6 * 0.08 + 0.4 * 0.03, abs=4 * r.std() / math.sqrt(n))
    # sd of the mix with the normal-score correlation ~0.5 (lognormal: close to it)
    sd = math.sqrt(0.36 * 0.04 + 0.16 * 0.0025 + 2 * 0.6 * 0.4 * 0.5 * 0.2 * 0.05)
    assert r.std() == pytest.approx(sd, rel=0.05)


def test_ar1_keeps_marginals_and_correlates_years() -> None:
    n = 20_000
    fs = settings(returns={"mean": 0.05, "volatility": 0.1, "autocorrelation": 0.6})
    p = paths(fs, n, 1.0, np.zeros(3))
    g = p.balance[:, 1:] / p.balance[:, :-1]
    assert g[:, 2].mean() == pytest.approx(1.05, abs=0.004)
    assert g[:, 2].std() == pytest.approx(0.1, rel=0.05)
    assert np.corrcoef(np.log(g[:, 1]), np.log(g[:, 2]))[0, 1] == pytest.approx(0.6, abs=0.03)


def test_seed_reproducibility_and_path_identity() -> None:
    bill = np.full(5, 10.0)
    a = paths(settings(returns={"mean": 0.05, "volatility": 0.1}, seed=3), 1000, 50.0, bill)
    b = paths(settings(returns={"mean": 0.05, "volatility": 0.1}, seed=3), 1000, 50.0, bill)
    c = paths(settings(returns={"mean": 0.05, "volatility": 0.1}, seed=4), 1000, 50.0, bill)
    few = paths(settings(returns={"mean": 0.05, "volatility": 0.1}, seed=3), 100, 50.0, bill)
    np.testing.assert_array_equal(a.balance, b.balance)
    assert not np.array_equal(a.balance, c.balance)
    np.testing.assert_array_equal(a.balance[:100], few.balance)  # a path keeps its returns


def test_cost_draws_pair_with_their_own_paths() -> None:
    fs = settings(returns={"mean": 0.0})
    bills = np.array([[10.0, 10.0], [20.0, 20.0]])
    p = paths(fs, 4, 0.0, bills)
    assert p.required.tolist() == [20.0, 40.0, 20.0, 40.0]


# --- the kernel against a plain-Python reference (property test) ---------------------


def reference(seed, capital, mean, vol, phi, fee, bill, contrib, fixed, rule, rate, smoothing,
              infl):
    """Plain Python: the same normals (simulate.kernels.fund.normal), one asset."""
    mu, sigma = lognormal_parameters(mean, vol)
    n = len(bill)
    b, prev, y, scale = capital, 0.0, 0.0, abs(capital)
    balance, payout, dep = [b], [], -1
    for t in range(n):
        z = normal(np.uint64(seed), 0, t)
        y = z if t == 0 else phi * y + math.sqrt(1 - phi * phi) * z
        g = math.exp(mu + sigma * y) * (1 - fee)
        if rule == 0:
            out = bill[t] + fixed[t]
        else:
            base = max(b, 0.0)
            s = rate * base if (rule == 1 or t == 0) else (
                smoothing * prev * (1 + infl[t]) + (1 - smoothing) * rate * base)
            prev = s
            out = s + fixed[t]
        scale = max(scale, abs(b), contrib[t], out)
        if b + contrib[t] - out < -1e-9 * scale and dep < 0:
            dep = t
        payout.append(out)
        b = (b + contrib[t] - out) * g
        balance.append(b)
    return balance, payout, dep


amounts = st.lists(st.floats(0, 100), min_size=1, max_size=8)


@given(seed=st.integers(0, 2**32), capital=st.floats(0, 500), mean=st.floats(-0.05, 0.1),
       vol=st.floats(0, 0.3), phi=st.floats(-0.9, 0.9), fee=st.floats(0, 0.02), data=st.data(),
       rule=st.sampled_from(["bill", "fixed_share", "smoothed"]))
def test_kernel_matches_reference(seed, capital, mean, vol, phi, fee, data, rule) -> None:
    bill = np.array(data.draw(amounts))
    n = len(bill)
    contrib = np.array(data.draw(st.lists(st.floats(0, 50), min_size=n, max_size=n)))
    fixed = np.array(data.draw(st.lists(st.floats(0, 20), min_size=n, max_size=n)))
    infl = np.array(data.draw(st.lists(st.floats(0, 0.1), min_size=n, max_size=n)))
    spending = {"rule": rule, "rate": 0.04} if rule != "bill" else {}
    fs = settings(initial_capital=max(capital, 1.0), seed=seed, fee=fee, spending=spending,
                  returns={"mean": mean, "volatility": vol, "autocorrelation": phi})
    got = simulate_paths(fs, 1, capital, infl[None], contrib[None], bill[None], fixed[None],
                         np.arange(2025, 2025 + n))
    code = {"bill": 0, "fixed_share": 1, "smoothed": 2}[rule]
    bal, pay, dep = reference(seed, capital, mean, vol, phi, fee, bill, contrib, fixed, code,
                              0.04, 0.8, infl)
    np.testing.assert_allclose(got.balance[0], bal, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got.payout[0], pay, rtol=1e-9, atol=1e-9)
    assert got.depleted[0] == dep
    if rule == "bill":  # the closed form on the path's factors
        g = np.array([(bal[t + 1] / (bal[t] + contrib[t] - pay[t]))
                      for t in range(n) if abs(bal[t] + contrib[t] - pay[t]) > 1e-6])
        if len(g) == n:
            assert got.required[0] == pytest.approx(
                required_capital(bill + fixed, contrib, g), rel=1e-7, abs=1e-7)


def test_price_index_convention() -> None:
    p = price_index(np.array([[0.5, 0.1, 0.2]]))
    assert p[0].tolist() == pytest.approx([1.0, 1.1, 1.32, 1.584])


# --- scenarios: validation, bad input, the run ----------------------------------------

BASE = {
    "scenario": {"name": "fund test", "country": "lao", "start_year": 2025, "end_year": 2034,
                 "seed": 11},
    "population": {"records": 800},
    "programmes": {"cg": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
                          "benefit": {"amount": 150_000}}},
    "fiscal": {"financing": {"reallocation_pct_gdp": 0.0002}},
    "fund": {"contributions": {"government": 1.0e10, "donor_basket": {"2025": 5e10,
                                                                      "2028": 0.0}},
             "pays": {"viability": True},
             "returns": {"mean": 0.06, "volatility": 0.1},
             "bonds": [{"year": 2026, "amount": 1e11, "coupon": 0.07, "maturity_years": 5,
                        "serviced_by": "budget"}],
             "draws": 2000},
}


def doc(**changes) -> dict:
    d = copy.deepcopy(BASE)
    for path, value in changes.items():
        keys = path.split("__")
        node = d
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value
    return d


@pytest.mark.parametrize("path, value, key, expected", [
    ("fund__returns", {"mean": 0.05, "volatility": -0.1}, "fund.returns.volatility",
     "a number in [0, 2]"),
    ("fund__returns", {"assets": {"a": {"weight": 0.5, "mean": 0.05},
                                  "b": {"weight": 0.5, "mean": 0.05}},
                       "correlation": [[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]]},
     "fund.returns.correlation", "a 2 x 2 matrix"),
    ("fund__returns", {"assets": {"a": {"weight": 0.5, "mean": 0.05},
                                  "b": {"weight": 0.5, "mean": 0.05},
                                  "c": {"weight": 0.0, "mean": 0.05}},
                       "correlation": [[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]]},
     "fund.returns.correlation", "a positive semi-definite matrix"),
    ("fund__returns", {"assets": {"a": {"weight": 0.5, "mean": 0.05},
                                  "b": {"weight": 0.4, "mean": 0.05}}},
     "fund.returns.assets", "weights that sum to 1"),
    ("fund__target_probability", 1.5, "fund.target_probability", "a number in (0, 1)"),
    ("fund__pays", {"programme": "cgg"}, "fund.pays.programme",
     "one of the scenario's programmes"),
    ("fund__retruns", {"mean": 0.05}, "fund.retruns", "a known key"),
])
def test_bad_inputs_one_clear_error(path, value, key, expected) -> None:
    d = doc(**{path: value})
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    problems = [p for p in err.value.problems if p.key == key]
    assert len(problems) == 1, err.value.problems
    assert expected in problems[0].expected
    if path == "fund__retruns":
        assert "returns" in problems[0].hint
    if path == "fund__pays":
        assert "cg" in problems[0].hint


def test_bad_input_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(to_toml(doc(fund__returns={"mean": 0.05, "volatility": -1})))
    r = CliRunner().invoke(main, ["fund", str(path), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert r.output.count("error:") == 1 and "fund.returns.volatility" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def fund_run() -> xr.Dataset:
    return run(scenario_from_dict(doc()))


def test_run_viability_funding_closes_the_gap(fund_run: xr.Dataset) -> None:
    ds = fund_run
    without = run(scenario_from_dict({k: v for k, v in doc().items() if k != "fund"}))
    assert "fund" in ds["source"].values.tolist()
    paid = ds["financing"].sel(source="fund").values
    np.testing.assert_allclose(ds["financing_gap"].values,
                               without["financing_gap"].values - paid, rtol=1e-12, atol=1e-3)
    assert (paid <= np.maximum(without["financing_gap"].values, 0) + 1e-6).all()
    # the capital of the fiscal path is the closed form at the mean: the gap closes fully
    assert np.abs(np.minimum(ds["financing_gap"].values, 0)).sum() >= 0
    assert (ds["financing_gap"].values <= np.maximum(without["financing_gap"].values, 0)).all()
    pos = without["financing_gap"].values > 0
    np.testing.assert_allclose(ds["financing_gap"].values[pos], 0.0, atol=1e-3)


def test_run_has_the_plan_with_units(fund_run: xr.Dataset) -> None:
    ds = fund_run
    assert ds["fund_balance"].dims == ("year", "fund_draw")
    assert ds.sizes["fund_draw"] == 2000
    for name in ("fund_balance", "fund_required_capital", "fund_depletion_probability",
                 "fund_level_contribution", "fund_general_average_premium",
                 "fund_payg_cost_rate", "fund_sustainable_payout_share"):
        assert ds[name].attrs["units"], name
    assert ds["fund_required_capital"].attrs["units"] == "LAK"
    # no initial capital: the paths start with the required capital and are solvent
    # with the target probability (0.9 by default)
    assert float(ds["fund_simulated_capital"]) == float(ds["fund_required_capital"])
    assert 1 - float(ds["fund_depletion_probability_horizon"]) >= 0.9
    by = ds["fund_required_capital_by_probability"]
    assert (np.diff(by.values) >= 0).all()
    assert float(by.sel(fund_probability=0.9)) == float(ds["fund_required_capital"])
    assert (np.diff(ds["fund_depletion_probability"].values) >= 0).all()
    # budget-serviced bond: coupons in the debt interest, proceeds in the fund
    assert ds["fund_contributions"].sel(fund_source="bond_proceeds").sel(year=2026) == 1e11
    assert "draw" not in ds.dims


def test_fund_with_uncertainty_pairs_cost_draws(tmp_path: Path) -> None:
    d = doc(uncertainty={"draws": 4, "parameters": {
        "programmes.cg.take_up": {"distribution": "uniform", "low": 0.5, "high": 1.0}}})
    d["fund"]["draws"] = 10
    ds = run(scenario_from_dict(d))
    assert ds.sizes["draw"] == 4 and ds.sizes["fund_draw"] == 10
    assert ds["fund_cost_draw"].values.tolist() == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    from simulate.report.writer import write_run

    write_run(ds, tmp_path / "out")
    assert (tmp_path / "out" / "fund_balance.png").exists()
    assert (tmp_path / "out" / "uncertainty.csv").exists()


def test_spsim_fund_writes_the_plan(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(to_toml(doc()))
    out = tmp_path / "plan"
    r = CliRunner().invoke(main, ["fund", str(path), "--out", str(out), "--draws", "500",
                                  "--set", "fund.target_probability=0.95"])
    assert r.exit_code == 0, r.output
    names = {p.name for p in out.iterdir()}
    assert {"fund.txt", "fund_plan.csv", "fund_capital.csv", "fund_balance.png",
            "fund_capital.png", "results.nc"} <= names
    assert "solvent with probability 95% (target)" in r.output
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf")
    assert ds.sizes["fund_draw"] == 500
    plan = (out / "fund_plan.csv").read_text().splitlines()
    assert plan[0].startswith("year,contribution:government [LAK],"
                              "contribution:donor_basket [LAK],")
    assert len(plan) == 1 + 10


def test_spsim_fund_needs_a_fund(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(to_toml({k: v for k, v in doc().items() if k != "fund"}))
    r = CliRunner().invoke(main, ["fund", str(path)])
    assert r.exit_code == 1 and "a [fund] table" in r.output


def test_lao_nspf_scenario_plans(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["fund", str(ROOT / "scenarios" / "lao_nspf.toml"), "--out",
                                  str(tmp_path / "nspf"), "--draws", "1000", "--set",
                                  "population.records=2000", "-q"])
    assert r.exit_code == 0, r.output
    ds = xr.open_dataset(tmp_path / "nspf" / "results.nc", engine="h5netcdf")
    assert float(ds["fund_required_capital"]) > float(ds["fund_required_capital_deterministic"])
    assert ds["fund_contributions"].sel(fund_source="bond_proceeds").sum() == 2.0e12 * 0.98
    assert "fund" in ds["source"].values.tolist()


def test_budget_bonds_and_government_contributions_in_the_debt_path() -> None:
    base = doc()
    base["fiscal"].update(debt_pct_gdp=0.5, interest_rate=0.03)
    base["fund"] = {"returns": {"mean": 0.05}, "contributions": {"government": 2e9},
                    "bonds": [{"year": 2026, "amount": 1e11, "coupon": 0.07,
                               "maturity_years": 5, "serviced_by": "budget"}]}
    without = copy.deepcopy(base)
    del without["fund"]
    a, b = run(scenario_from_dict(base)), run(scenario_from_dict(without))
    diff = (a["debt"] - b["debt"]).values
    # 2025: the government's 2e9; 2026: + face 1e11 + 2e9 (+ interest on 2025's 2e9);
    # 2027: + coupon 7e9 + 2e9, all met by general borrowing at 3 %
    g25 = 2e9
    g26 = g25 * 1.03 + 2e9
    g27 = g26 * 1.03 + 2e9 + 7e9
    np.testing.assert_allclose(diff[:3], [g25, g26 + 1e11, g27 + 1e11], rtol=1e-9)
    assert (a["debt_interest"] - b["debt_interest"]).values[2] == pytest.approx(
        0.03 * g26 + 7e9, rel=1e-9)
    np.testing.assert_allclose(a["fund_bond_service_budget"].values[2:7], [7e9] * 4 + [1.07e11],
                               rtol=1e-12)
    # the bond is repaid in 2031: its face leaves the debt, the general borrowing stays
    assert a["fund_bond_outstanding"].sel(year=2031) == 0


def test_norway_endowment_run_with_real_returns() -> None:
    d = doc()
    d["fund"] = {"initial_capital": 1e12, "pays": {"programme": "cg"},
                 "returns": {"kind": "real", "mean": 0.04, "volatility": 0.1},
                 "spending": {"rule": "fixed_share", "rate": 0.03}, "draws": 500}
    ds = run(scenario_from_dict(d))
    infl = ds["inflation"].values
    g = ds["fund_return_expected"].values
    np.testing.assert_allclose(g, 1.04 * (1 + infl) - 1, rtol=1e-12)
    bal = ds["fund_balance_expected"].values
    np.testing.assert_allclose(ds["fund_payout"].values, 0.03 * bal, rtol=1e-12)
    assert np.isnan(float(ds["fund_level_contribution"]))
    # the required capital covers the programme's cost with the rule's spending
    assert float(ds["fund_required_capital"]) > 0
    assert 0 <= float(ds["fund_probability_real_balance_below"]) <= 1
    assert float(ds["fund_depletion_probability_horizon"]) == 0.0


def test_probability_outside_0_1_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(to_toml(doc()))
    r = CliRunner().invoke(main, ["fund", str(path), "--set", "fund.target_probability=0",
                                  "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and r.output.count("error:") == 1
    assert "fund.target_probability" in r.output and "(0, 1)" in r.output


def test_plan_tables_and_chart_data(fund_run: xr.Dataset) -> None:
    from simulate.report.fund import capital_table, fan_data, plan_table, plan_text

    ds = fund_run
    rows = plan_table(ds)
    assert [r["year"] for r in rows] == list(range(2025, 2035))
    assert rows[0]["balance_p50"] == float(ds["fund_simulated_capital"])
    assert rows[1]["contribution:bond_proceeds"] == 1e11
    fan = fan_data(ds)
    assert fan["year"].tolist() == list(range(2025, 2036))
    assert (fan["p5"] <= fan["p25"]).all() and (fan["p25"] <= fan["p50"]).all()
    assert (fan["p50"] <= fan["p75"]).all() and (fan["p75"] <= fan["p95"]).all()
    assert fan["p50"][-1] == float(ds["fund_balance_end_percentile"].sel(fund_percentile=50))
    cap = capital_table(ds)
    assert [round(r["probability"], 3) for r in cap][-1] == 0.99
    assert "(target)" in plan_text(ds)


def test_design_example_and_hand_case_to_the_unit() -> None:
    # DESIGN.md's [fund] example, as written there
    d = doc()
    d["programmes"] = {"mecg": d["programmes"]["cg"]}
    d["fund"] = {"initial_capital": 1.0e12, "contributions": {"2025": 2.0e11, "2026": 2.0e11},
                 "pays": {"programme": "mecg", "share": 0.5},
                 "returns": {"mean": 0.05, "volatility": 0.08}, "target_probability": 0.90}
    fs = scenario_from_dict(d).fund
    assert fs.contributions["other"].at(np.array([2025])) == [2.0e11]
    assert fs.programmes == ("mecg",) and fs.target_probability == 0.9
    # a declared bill of 100 a year, certain 10 %: B = 1000, 990, 979, ...; required
    # capital 100 x (1 - 1.1^-10) / (1 - 1 / 1.1) = 675.90
    d = doc()
    d["fund"] = {"initial_capital": 1000.0, "pays": {"amount": 100.0},
                 "returns": {"mean": 0.10}}
    ds = run(scenario_from_dict(d))
    assert ds.sizes["fund_draw"] == 1
    hand = [1000.0]
    for _ in range(9):
        hand.append((hand[-1] - 100.0) * 1.1)
    assert np.round(ds["fund_balance"].values[:, 0]).tolist() == np.round(hand).tolist()
    assert round(float(ds["fund_required_capital"]), 2) == 675.90
    assert round(float(ds["fund_required_capital_deterministic"]), 2) == 675.90
    assert ds["fund_payout"].values.tolist() == [100.0] * 10


NOJIT = """
import json, numpy as np
from simulate.scenario import scenario_from_dict
from simulate.fund import simulate_paths
doc = {"scenario": {"name": "t", "country": "lao", "start_year": 2025, "end_year": 2030},
       "programmes": {"a": {"benefit": {"amount": 1.0}}},
       "fund": {"returns": {"assets": {"x": {"weight": 0.7, "mean": 0.06, "volatility": 0.2},
                                       "y": {"weight": 0.3, "mean": 0.03, "volatility": 0.05}},
                            "correlation": [[1, 0.3], [0.3, 1]], "autocorrelation": 0.2},
                "fee": 0.01, "seed": 5}}
fs = scenario_from_dict(doc).fund
bill = np.array([[10.0, 20, 30, 40, 50, 60]]); z = np.zeros_like(bill)
p = simulate_paths(fs, 3, 100.0, z + 0.02, z + 5, bill, z, np.arange(2025, 2031))
print(json.dumps([p.balance.tolist(), p.required.tolist(), p.level.tolist(),
                  p.payshare.tolist(), p.depleted.tolist()]))
"""


def test_kernel_with_the_jit_off_gives_the_same_paths() -> None:
    import json
    import os
    import subprocess
    import sys

    def once(disable: str) -> list:
        env = {**os.environ, "NUMBA_DISABLE_JIT": disable}
        out = subprocess.run([sys.executable, "-W", "ignore", "-c", NOJIT], env=env,
                             capture_output=True, text=True, check=True, cwd=ROOT)
        return json.loads(out.stdout)

    plain, jitted = once("1"), once("0")
    for a, b in zip(plain, jitted, strict=True):
        np.testing.assert_allclose(np.array(a, dtype=float), np.array(b, dtype=float),
                                   rtol=1e-12, atol=1e-9)


def test_downside_metrics_on_hand_paths() -> None:
    # fixed share 4 %, a certain -20 % a year: B1 = 960 x 0.8 = 768 (76.8 % of the start),
    # B2 = 737.28 x 0.8 = 589.8 (below 75 %); spending 40 -> 30.72, a real cut of 23 %
    down = settings(initial_capital=1000.0, returns={"mean": -0.2},
                    spending={"rule": "fixed_share", "rate": 0.04},
                    downside={"balance_share": 0.75, "within_years": 2, "spending_drop": 0.2})
    p = paths(down, 1, 1000.0, [0.0, 0.0, 0.0])
    assert p.below[0] and p.dropped[0]
    one_year = settings(initial_capital=1000.0, returns={"mean": -0.2},
                        spending={"rule": "fixed_share", "rate": 0.04},
                        downside={"balance_share": 0.75, "within_years": 1,
                                  "spending_drop": 0.25})
    p = paths(one_year, 1, 1000.0, [0.0, 0.0, 0.0])
    assert not p.below[0] and not p.dropped[0]
    # in real terms: 10 % inflation makes a flat nominal payout a 9 % real cut
    flat = settings(initial_capital=1000.0, returns={"mean": 0.0},
                    downside={"spending_drop": 0.05})
    p = paths(flat, 1, 1000.0, [10.0, 10.0], inflation=np.array([[0.0, 0.1]]))
    assert p.dropped[0]
