"""The caseload transition funnel (simulate/transition.py): hand cases, seed 003's rules
as property tests, and the [transition] table end to end."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulate
from simulate.errors import ScenarioError
from simulate.scenario import scenario_from_dict
from simulate.transition import FLOWS, STAGES, Funnel, run_funnel

S = {name: k for k, name in enumerate(STAGES)}
F = {name: k for k, name in enumerate(FLOWS)}


def funnel(capacity, exit_, caseload=1000.0, consent=1.0, documented=1.0, assist=0.0,
           referral=1.0, passing=1.0) -> Funnel:
    n = len(capacity)
    return Funnel(caseload, consent, documented, np.full(n, assist), np.full(n, referral),
                  passing, np.asarray(capacity, dtype=float), np.asarray(exit_, dtype=float))


def test_hand_case_consent_documents_capacity() -> None:
    # 1000 households, half consent, 80 % documented, half pass; closed, then 100, then 1000
    res = run_funnel(funnel([0, 100, 1000], [0, 0.1, 0], consent=0.5, documented=0.8,
                            passing=0.5))
    st0, st1, st2 = res.stocks
    assert st0[S["not_referred"]] == pytest.approx(1000) and st0[S["enrolled"]] == 0
    # year 1: 10 % leave (100 exited); 360 consenting documented referred; 180 pass
    assert res.flows[1, F["left_humanitarian"]] == pytest.approx(100)
    assert res.flows[1, F["referred"]] == pytest.approx(360)
    assert res.flows[1, F["passed"]] == pytest.approx(180)
    assert res.flows[1, F["enrolled"]] == pytest.approx(100)
    assert st1[S["waiting_list"]] == pytest.approx(80)
    assert st1[S["not_eligible"]] == pytest.approx(180)
    assert st1[S["not_referred"]] == pytest.approx(540)
    assert st1[S["exited"]] == pytest.approx(100)
    assert res.humanitarian_receiving[1] == pytest.approx(800)
    assert res.humanitarian_eligible[1] == pytest.approx(900)
    # year 2: the waiting list is absorbed; nobody new is referrable
    assert st2[S["enrolled"]] == pytest.approx(180)
    assert st2[S["waiting_list"]] == pytest.approx(0, abs=1e-9)


def test_hand_case_gap() -> None:
    # everyone referred and passing in year 0; 10 places a year; half lose humanitarian
    # cash in year 1: 45 waiting move into the gap, then 10 enrolled in proportion
    res = run_funnel(funnel([10, 10], [0, 0.5], caseload=100))
    assert res.stocks[0, S["waiting_list"]] == pytest.approx(90)
    assert res.stocks[1, S["gap"]] == pytest.approx(40)
    assert res.stocks[1, S["waiting_list"]] == pytest.approx(40)
    assert res.stocks[1, S["enrolled"]] == pytest.approx(20)
    assert res.humanitarian_receiving[1] == pytest.approx(40)


shares = st.floats(0.0, 1.0)
years = st.integers(1, 8)


@st.composite
def funnels(draw):
    n = draw(years)
    cap = draw(st.lists(st.one_of(st.just(0.0), st.floats(0.0, 5000.0)), min_size=n,
                        max_size=n))
    ex = draw(st.lists(shares, min_size=n, max_size=n))
    assist = draw(st.lists(shares, min_size=n, max_size=n))
    ref = draw(st.lists(shares, min_size=n, max_size=n))
    return Funnel(draw(st.floats(0.0, 1e5)), draw(shares), draw(shares), np.array(assist),
                  np.array(ref), draw(shares), np.array(cap), np.array(ex))


@settings(max_examples=200, deadline=None)
@given(funnels())
def test_stocks_add_up_and_stay_non_negative(f: Funnel) -> None:
    res = run_funnel(f)
    assert np.allclose(res.stocks.sum(axis=1), f.caseload, rtol=1e-9, atol=1e-6)
    assert (res.stocks >= -1e-6).all() and (res.flows >= -1e-6).all()
    assert (res.stocks[:, S["gap"]] <= res.stocks[:, S["waiting_list"]]
            + res.stocks[:, S["gap"]] + 1e-9).all()


@settings(max_examples=200, deadline=None)
@given(funnels())
def test_no_enrolment_or_referral_while_capacity_is_zero(f: Funnel) -> None:
    res = run_funnel(f)
    closed = f.capacity <= 0
    assert (res.flows[closed, F["enrolled"]] == 0).all()
    assert (res.flows[closed, F["referred"]] == 0).all()
    assert (res.flows[:, F["enrolled"]] <= np.maximum(f.capacity, 0) + 1e-9).all()


@settings(max_examples=200, deadline=None)
@given(funnels())
def test_referral_requires_reassessment(f: Funnel) -> None:
    res = run_funnel(f)
    referred = np.cumsum(res.flows[:, F["referred"]])
    reassessed = np.cumsum(res.flows[:, F["reassessed"]])
    passed = np.cumsum(res.flows[:, F["passed"]])
    enrolled = np.cumsum(res.flows[:, F["enrolled"]])
    assert np.allclose(reassessed, referred)   # every referral is re-assessed
    assert (enrolled <= passed + 1e-6).all()    # nobody enrolled without passing it
    if f.reassessment_pass == 0:
        assert (res.stocks[:, S["enrolled"]] == 0).all()


@settings(max_examples=200, deadline=None)
@given(funnels(), shares)
def test_consent_never_changes_humanitarian_eligibility(f: Funnel, other: float) -> None:
    a = run_funnel(f)
    b = run_funnel(Funnel(f.caseload, other, *list(f.__dict__.values())[2:]))
    assert np.array_equal(a.humanitarian_eligible, b.humanitarian_eligible)
    expected = f.caseload * np.cumprod(1.0 - f.humanitarian_exit)
    assert np.allclose(a.humanitarian_eligible, expected, rtol=1e-12, atol=1e-9)


def doc(transition: dict) -> dict:
    return {
        "scenario": {"name": "t", "country": "irq", "start_year": 2025, "end_year": 2027,
                     "seed": 7},
        "population": {"records": 3000},
        "programmes": {
            "mpca": {"unit": "household", "benefit": {"amount": 480_000},
                     "targeting": {"method": "pmt", "coefficients": {"welfare": 1e-6},
                                   "cutoff": 1.5}},
            "spn": {"unit": "household", "benefit": {"amount": 420_000},
                    "targeting": {"method": "pmt", "coefficients": {"welfare": 1e-6,
                                                                     "household_size": -0.1},
                                  "cutoff": 1.0}},
        },
        "transition": {"from": "mpca", "to": "spn", **transition},
    }


def test_transition_end_to_end_costs_and_overlap() -> None:
    sc = scenario_from_dict(doc({"caseload": 1000, "capacity": {"2025": 0, "2026": 300},
                                 "humanitarian_exit": 0.1, "consent": 0.5}))
    ds = simulate.run(sc)
    stocks = ds["transition_households"]
    assert np.allclose(stocks.sum("funnel_stage"), 1000)
    assert float(stocks.sel(year=2025, funnel_stage="enrolled")) == 0
    # costs by payer, to the currency unit (price index of each year)
    pi = ds["price_index"].values
    hum = ds["transition_humanitarian_receiving"].values * 480_000 * 12 * pi
    gov = stocks.sel(funnel_stage="enrolled").values * 420_000 * 12 * pi
    assert ds["transition_cost"].sel(payer="humanitarian").values == pytest.approx(hum,
                                                                                  abs=1)
    assert ds["transition_cost"].sel(payer="government").values == pytest.approx(gov, abs=1)
    share = ds["transition_cost_share"].sum("payer").values
    assert share == pytest.approx(np.ones(3))
    # the overlap grid: every first-year household in exactly one status; a stricter
    # national cut-off never adds households passing it
    grid = ds["pmt_overlap"]
    totals = grid.sum("overlap_status").values
    assert np.allclose(totals, totals[0, 0])
    to_pass = (grid.sel(overlap_status="both") + grid.sel(overlap_status="to_only")).values
    assert (np.diff(to_pass, axis=1) >= 0).all()
    centre = grid.sel(factor_from=1.0, factor_to=1.0)
    expected = float(centre.sel(overlap_status="both") / (
        centre.sel(overlap_status="both") + centre.sel(overlap_status="from_only")))
    assert float(ds["transition_reassessment_pass"]) == pytest.approx(expected)


def test_aligned_values_pay_the_humanitarian_value() -> None:
    base = {"caseload": 100, "capacity": 50}
    a = simulate.run(scenario_from_dict(doc(base)))
    b = simulate.run(scenario_from_dict(doc({**base, "aligned": True})))
    ga = a["transition_cost"].sel(payer="government").values
    gb = b["transition_cost"].sel(payer="government").values
    assert gb == pytest.approx(ga * 480_000 / 420_000, rel=1e-12)


@pytest.mark.parametrize(("change", "key"), [
    ({"from": "nope"}, "transition.from"),
    ({"overlap_factors": [0.9, 1.1]}, "transition.overlap_factors"),
    ({"to": "mpca"}, "transition.to"),
])
def test_bad_transition_input(change: dict, key: str) -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(doc({"capacity": 10, **change}))
    assert key in str(err.value)


def test_person_programme_refused() -> None:
    d = doc({"capacity": 10})
    d["programmes"]["spn"]["unit"] = "person"
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    assert "transition.to" in str(err.value) and "household" in str(err.value)


@pytest.mark.parametrize("name", ["irq_mpca_spn.toml", "irq_cash_transfer.toml"])
def test_iraq_scenarios_coverage_at_most_one(name: str) -> None:
    from pathlib import Path

    from simulate.scenario import load_scenario

    path = Path(__file__).resolve().parents[1] / "scenarios" / name
    sc = load_scenario(path, {"population.records": 8000, "scenario.end_year": 2029})
    ds = simulate.run(sc)
    cov = ds["coverage"].values
    assert np.nanmax(cov) <= 1.0 + 1e-12
    parts = ds["beneficiaries_eligible"] + ds["beneficiaries_not_eligible"]
    assert np.allclose(parts.values, ds["beneficiaries"].values, rtol=1e-12)
    if "transition_households" in ds:
        caseload = float(ds["households_beneficiaries"].sel(programme="mpca")[0])
        assert np.allclose(ds["transition_households"].sum("funnel_stage"), caseload)
        assert float(ds["transition_households"].sel(year=2025, funnel_stage="enrolled")) == 0


def test_transition_csv_and_summary(tmp_path) -> None:
    import csv

    from simulate.report.writer import run_summary, write_run

    ds = simulate.run(scenario_from_dict(doc({"caseload": 1000, "capacity": {
        "2025": 0, "2026": 100}, "humanitarian_exit": 0.5})))
    out = write_run(ds, tmp_path / "out")
    rows = list(csv.DictReader((out / "transition.csv").open()))
    assert [int(r["year"]) for r in rows] == [2025, 2026, 2027]
    stages = sum(float(rows[1][f"households_{s}"]) for s in STAGES)
    assert stages == pytest.approx(1000)
    assert float(rows[0]["flow_enrolled"]) == 0
    text = run_summary(ds)
    assert "Caseload transition (mpca -> spn" in text and "initial caseload 1,000" in text
