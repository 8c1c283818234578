"""Economic returns: hand-computed streams and NPVs on a tiny household file, the
Dataset's variables, and bad [returns] input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import simulate
from simulate import finance
from simulate.errors import ScenarioError
from simulate.scenario import scenario_from_dict

PI = np.array([1.0, 1.1, 1.21, 1.331])  # 10 % inflation


def make(tmp_path: Path, returns: dict, sensitivity: dict | None = None,
         programmes: dict | None = None):
    """One adult (weight 4) paid 100 a month, not indexed, admin 10 %: cost 5,280 nominal
    a year; 2025-2028, 10 % inflation; no deaths, no births."""
    path = tmp_path / "people.csv"
    path.write_text("household_id,age,sex,weight\n1,40,f,4\n", encoding="utf-8")
    doc = {
        "scenario": {"name": "returns hand case", "country": "lao", "start_year": 2025,
                     "end_year": 2028, "currency": "LAK", "seed": 1},
        "population": {"source": str(path)},
        "demography": {"mortality": "none", "births": "none"},
        "macro": {"gdp": 1.0e9, "real_gdp_growth": 0.0, "inflation": 0.10,
                  "exchange_rate": 1000.0},
        "programmes": programmes or {
            "p": {"eligibility": {"age": [18, 65]},
                  "benefit": {"amount": 100, "indexation": "none"},
                  "admin": {"share_of_transfers": 0.1}}},
        "returns": returns,
    }
    if sensitivity is not None:
        doc["sensitivity"] = sensitivity
    return scenario_from_dict(doc)


COST_REAL = 5280.0 / PI                          # programme cost, constant 2025 prices
STREAM = np.array([0, 6000, 6000, 6000]) * 0.99  # cf 0.9 x (1 + 0.5 x (1.2 - 1))
ACT_COSTS = np.array([100.0, 60.0, 5.0, 0.0])    # units [2, 1] x success 0.5 * [100, 10]
ACT_BENEFITS = np.array([0.0, 20.0, 30.0, 10.0])  # ... * [0, 50, 50] x outreach 0.4

RETURNS = {
    "discount_rate": 0.06,
    "shadow_exchange_rate_factor": 1.2,
    "streams": [{"name": "yields", "kind": "benefit", "values": [0, 6000, 6000, 6000],
                 "conversion_factor": 0.9, "foreign_exchange_share": 0.5}],
    "activities": {"stoves": {"unit_costs": [100, 10], "unit_benefits": [0, 50, 50],
                              "units": [2, 1], "success_rate": 0.5, "outreach": 0.4}},
}


def test_streams_and_npv_by_hand(tmp_path: Path) -> None:
    ds = simulate.run(make(tmp_path, RETURNS))
    assert ds["cost"].sel(programme="p").values == pytest.approx([5280] * 4, abs=1e-9)
    assert list(ds["cost_item"].values) == ["p", "stoves"]
    assert list(ds["channel"].values) == ["yields", "stoves"]
    cost = ds["economic_cost"]
    assert cost.sel(cost_item="p").values == pytest.approx(COST_REAL, abs=1e-9)
    assert cost.sel(cost_item="stoves").values == pytest.approx(ACT_COSTS, abs=1e-9)
    ben = ds["benefits"]
    assert ben.sel(channel="yields").values == pytest.approx(STREAM, abs=1e-9)
    assert ben.sel(channel="stoves").values == pytest.approx(ACT_BENEFITS, abs=1e-9)
    net = STREAM + ACT_BENEFITS - COST_REAL - ACT_COSTS
    assert ds["net_benefits"].values == pytest.approx(net, abs=1e-9)
    # NPV to the kip: -5380 + (5940 + 20 - 4800 - 60)/1.06 + (5940 + 30 - 4363.64 - 5)/1.06^2
    # + (5940 + 10 - 3966.94)/1.06^3
    hand = sum(net[k] / 1.06**k for k in range(4))
    npv = float(ds["npv"].sel(sensitivity="base"))
    assert npv == pytest.approx(hand, abs=1e-6)
    assert round(npv) == round(hand)
    pvb = sum((STREAM + ACT_BENEFITS)[k] / 1.06**k for k in range(4))
    pvc = sum((COST_REAL + ACT_COSTS)[k] / 1.06**k for k in range(4))
    assert float(ds["bcr"].sel(sensitivity="base")) == pytest.approx(pvb / pvc, rel=1e-12)
    assert float(ds["pv_benefits"].sel(sensitivity="base")) == pytest.approx(pvb, rel=1e-12)
    assert float(ds["err"].sel(sensitivity="base")) == pytest.approx(finance.irr(net),
                                                                     rel=1e-12)
    assert int(ds["err_roots"].sel(sensitivity="base")) == 1
    assert float(ds["switching_value_costs"]) == pytest.approx((pvb - pvc) / pvc, rel=1e-12)
    assert float(ds["switching_value_benefits"]) == pytest.approx(-(pvb - pvc) / pvb,
                                                                  rel=1e-12)
    assert ds["pv_benefits_by_channel"].sel(channel="yields").item() == pytest.approx(
        sum(STREAM[k] / 1.06**k for k in range(4)), rel=1e-12)
    # World Bank cases by default, base first
    assert list(ds["sensitivity"].values) == ["base", "costs+10%", "costs+25%",
                                              "benefits-10%", "benefits-25%", "delay+1"]


def test_discounting_options_and_horizon(tmp_path: Path) -> None:
    base = simulate.run(make(tmp_path, RETURNS))
    first = simulate.run(make(tmp_path, {**RETURNS, "discount_first_year": True,
                                         "horizon_years": 3}))
    net = base["net_benefits"].values
    assert float(first["npv"].sel(sensitivity="base")) == pytest.approx(
        sum(net[k] / 1.06 ** (k + 1) for k in range(3)), rel=1e-12)
    assert first["npv"].attrs["years_counted"] == "2025-2027"
    assert first["npv"].attrs["discount_first_year"] == 1
    # the streams still cover every year
    assert first["net_benefits"].values == pytest.approx(net, rel=1e-12)


def test_nominal_prices(tmp_path: Path) -> None:
    ds = simulate.run(make(tmp_path, {**RETURNS, "prices": "nominal"}))
    assert ds["economic_cost"].sel(cost_item="p").values == pytest.approx([5280] * 4)
    assert ds["benefits"].sel(channel="yields").values == pytest.approx(STREAM * PI)
    assert ds["benefits"].sel(channel="stoves").values == pytest.approx(ACT_BENEFITS * PI)
    assert ds["npv"].attrs["units"] == "LAK"
    const = simulate.run(make(tmp_path, RETURNS))
    assert const["npv"].attrs["units"] == "LAK of start_year"


def test_nominal_stream_is_deflated(tmp_path: Path) -> None:
    r = {"discount_rate": 0.06, "costs": {"programmes": []},
         "streams": [{"name": "grant", "kind": "benefit", "values": {"2026": 1100},
                      "prices": "nominal"},
                     {"name": "works", "kind": "cost", "values": [500, 500], "start": 2027}]}
    ds = simulate.run(make(tmp_path, r))
    assert ds["benefits"].sel(channel="grant").values == pytest.approx([0, 1000, 0, 0])
    assert ds["economic_cost"].sel(cost_item="works").values == pytest.approx([0, 0, 500, 500])
    assert list(ds["cost_item"].values) == ["works"]


def test_programme_cost_conversion(tmp_path: Path) -> None:
    r = {"discount_rate": 0.0, "shadow_exchange_rate_factor": 1.5,
         "costs": {"conversion_factor": 0.8, "foreign_exchange_share": 0.2}}
    ds = simulate.run(make(tmp_path, r))
    assert ds["economic_cost"].sel(cost_item="p").values == pytest.approx(
        COST_REAL * 0.8 * 1.1, rel=1e-12)
    # no benefits at all: NPV = -PV(costs), no ERR, BCR 0
    assert ds.sizes["channel"] == 0
    assert float(ds["npv"][0]) == pytest.approx(-(COST_REAL * 0.88).sum(), rel=1e-12)
    assert np.isnan(ds["err"][0]) and int(ds["err_roots"][0]) == 0
    assert float(ds["bcr"][0]) == 0.0


def test_multiplier_and_mortality_channels(tmp_path: Path) -> None:
    r = {"discount_rate": 0.06,
         "consumption_multiplier": {"multiplier": 1.5, "count_transfer": False},
         "mortality": {"programme": "p", "deaths_avoided_per_beneficiary": 0.01,
                       "value_per_death_avoided": 1000}}
    ds = simulate.run(make(tmp_path, r))
    assert ds["benefits"].sel(channel="consumption_multiplier").values == pytest.approx(
        0.5 * 4800 / PI, rel=1e-12)
    assert ds["benefits"].sel(channel="avoided_mortality").values == pytest.approx(
        [40.0] * 4, rel=1e-12)
    r["consumption_multiplier"]["count_transfer"] = True
    ds = simulate.run(make(tmp_path, r))
    assert ds["benefits"].sel(channel="consumption_multiplier").values == pytest.approx(
        1.5 * 4800 / PI, rel=1e-12)


def test_no_returns_table_no_variables(tmp_path: Path) -> None:
    sc = make(tmp_path, {"discount_rate": 0.06})
    plain = scenario_from_dict({
        "scenario": {"name": "x", "country": "lao", "start_year": 2025, "end_year": 2026},
        "population": {"records": 300},
        "programmes": {"p": {"benefit": {"amount": 1}}}})
    ds = simulate.run(plain)
    assert "npv" not in ds and "channel" not in ds.dims
    assert "npv" in simulate.run(sc)


def test_every_returns_variable_has_units_and_survives_netcdf(tmp_path: Path) -> None:
    ds = simulate.run(make(tmp_path, {**RETURNS, "consumption_multiplier": {"multiplier": 2}}))
    from simulate.returns import RETURN_VARIABLES

    for name in RETURN_VARIABLES:
        if name in ds:
            assert ds[name].attrs["units"], name
            assert ds[name].attrs["long_name"], name
    path = tmp_path / "r.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        assert list(back["sensitivity"].values) == list(ds["sensitivity"].values)
        assert back["npv"].values == pytest.approx(ds["npv"].values)
        assert back["benefits"].dims == ("year", "channel")


def test_empty_channel_survives_netcdf(tmp_path: Path) -> None:
    ds = simulate.run(make(tmp_path, {"discount_rate": 0.06}))
    assert ds.sizes["channel"] == 0
    path = tmp_path / "e.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        assert back.sizes["channel"] == 0


# ------------------------------------------------------------------ bad input

STUNT = {"programme": "p", "baseline_prevalence": 0.33,
         "decline_per_year": {"with": 0.025, "without": 0.0035},
         "health_cost_year": {"stunted": 600_000, "not_stunted": 300_000}}


@pytest.mark.parametrize(("returns", "sensitivity", "message"), [
    ({"discount_rate": 0.06, "stunting": {**STUNT, "programme": "q"}}, None,
     "returns.stunting.programme expected a programme of the scenario, found 'q' "
     "(valid: p)"),
    ({"discount_rate": 0.06, "stunting": {**STUNT, "adoption": 1.2}}, None,
     "returns.stunting.adoption expected a number in [0, 1], found 1.2"),
    ({"discount_rate": 0.06, "streams": [{"name": "s", "kind": "cost",
                                          "values": [1, 2, 3, 4, 5]}]}, None,
     "returns.streams[0].values expected at most 4 values (one a year, 2025..2028), "
     "found 5 values"),
    ({"discount_rate": 0.06, "streams": [{"name": "s", "kind": "cost", "values": [1, 2],
                                          "start": 2028}]}, None,
     "returns.streams[0].values expected at most 1 values (one a year, 2028..2028), "
     "found 2 values"),
    ({"discount_rate": 0.06, "streams": [{"name": "s", "kind": "gain", "values": [1]}]},
     None, "returns.streams[0].kind expected one of 'cost', 'benefit', found 'gain'"),
    ({"discount_rate": 0.06, "horizon_years": 5}, None,
     "returns.horizon_years expected at most 4 (the years 2025..2028 of the scenario), "
     "found 5"),
    ({"discount_rate": 0.06, "discount_rat": 0.1}, None,
     "returns.discount_rat expected a known key, found an unknown key (did you mean "
     "'discount_rate'?)"),
    ({"horizon_years": 3}, None, "returns.discount_rate expected a number in [0, 1]"),
    ({"discount_rate": 0.06, "stunting": {**STUNT, "adult_earnings_year": 100}}, None,
     "returns.stunting.earnings_penalty expected a value (adult_earnings_year and "
     "earnings_penalty go together), found nothing"),
    ({"discount_rate": 0.06, "stunting": {**STUNT, "effect_starts": 2030}}, None,
     "returns.stunting.effect_starts expected a year in 2025..2028"),
    ({"discount_rate": 0.06, "costs": {"programmes": ["pp"]}}, None,
     "returns.costs.programmes[0] expected a programme of the scenario, found 'pp' "
     "(did you mean 'p'?)"),
    ({"discount_rate": 0.06, "streams": [{"name": "p", "kind": "cost", "values": [1]}]},
     None, "returns.streams[0].name expected a name not used by a programme, found 'p'"),
    ({"discount_rate": 0.06}, {"cases": ["costs+10%", "cost-5%"]},
     "sensitivity.cases[1] expected a case such as 'costs+10%', 'benefits-25%' or "
     "'delay+1' (parts joined by '&'), found 'cost-5%'"),
    ({"discount_rate": 0.06}, {"parameters": {"returns.discount_rate": [0.02, 1.5]}},
     "sensitivity.parameters.returns.discount_rate expected a number in [0, 1] "
     "(1 per year), found 1.5"),
    ({"discount_rate": 0.06}, {"parameters": {"programmes.q.take_up": [0.5, 1]}},
     "sensitivity.parameters.programmes.q.take_up expected a programme of the scenario, "
     "found 'q' (valid: p)"),
    ({"discount_rate": 0.06}, {"parameters": {"returns.discount": [0.02, 0.1]}},
     "sensitivity.parameters.returns.discount expected a known key, found an unknown key "
     "(did you mean 'discount_rate'?)"),
    ({"discount_rate": 0.06}, {"parameters": {"retuns.discount_rate": [0.02, 0.1]}},
     "sensitivity.parameters.retuns.discount_rate expected a scenario key path or "
     "'costs'/'benefits', found 'retuns.discount_rate' (did you mean 'returns'?)"),
    ({"discount_rate": 0.06}, {"parameters": {"costs": 0.9}},
     "sensitivity.parameters.costs expected a pair [low, high] of numbers, found 0.9"),
])
def test_bad_returns_input(tmp_path: Path, returns: dict, sensitivity: dict | None,
                           message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        simulate.run(make(tmp_path, returns, sensitivity))
    assert message in str(err.value), str(err.value)
    assert str(err.value).startswith("<scenario>: ")


def test_sensitivity_without_returns(tmp_path: Path) -> None:
    # refused when the scenario is built (the one validation pass)
    with pytest.raises(ScenarioError, match="returns expected a \\[returns\\] table"):
        sc = scenario_from_dict({
            "scenario": {"name": "x", "country": "lao", "start_year": 2025, "end_year": 2026},
            "population": {"records": 300}, "programmes": {"p": {"benefit": {"amount": 1}}},
            "sensitivity": {"cases": ["costs+10%"]}})
        simulate.run(sc)


def test_validate_catches_returns_problems(tmp_path: Path) -> None:
    from simulate.runs import check

    with pytest.raises(ScenarioError, match="returns.stunting.programme"):
        check(make(tmp_path, {"discount_rate": 0.06, "stunting": {**STUNT, "programme": "x"}}))
