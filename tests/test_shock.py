"""Shock-responsive expansion ([programmes.<name>.shock_response], simulate/scenario/shock.py):
vertical top-ups pay the regular beneficiaries, horizontal expansions reach the newly
eligible only, in the chosen years, costed apart."""

from __future__ import annotations

import numpy as np
import pytest

import simulate
from simulate.engine import prepare
from simulate.errors import ScenarioError
from simulate.programmes.rules import welfare_percentile
from simulate.scenario import scenario_from_dict


def doc(shock: dict | None, targeting: dict | None = None, unit: str = "household",
        benefit: dict | None = None, extra: dict | None = None) -> dict:
    prog = {"unit": unit, "benefit": benefit or {"amount": 100, "indexation": "none"},
            "take_up": 0.8,
            "targeting": targeting or {"method": "poverty", "welfare_percentile_max": 18,
                                       "exclusion_error": 0.2, "inclusion_error": 0.05}}
    if shock is not None:
        prog["shock_response"] = shock
    return {"scenario": {"name": "x", "country": "khm", "start_year": 2025,
                         "end_year": 2027, "seed": 3},
            "population": {"records": 4000},
            "programmes": {"c": prog, **(extra or {})}}


def sel(ds, name, pid):
    return ds[name].sel(programme=pid).values


def test_vertical_top_up_pays_the_regular_beneficiaries_in_the_years() -> None:
    ds = simulate.run(scenario_from_dict(doc({"years": [2026], "vertical": {"amount": 50}})))
    reg, top = sel(ds, "households_beneficiaries", "c"), sel(
        ds, "households_beneficiaries", "c_shock_vertical")
    assert top[1] == pytest.approx(reg[1], rel=1e-12)   # exactly the same households
    assert top[0] == 0 and top[2] == 0                  # only in the response year
    # 50 a month, 12 months, to the currency unit
    assert sel(ds, "transfers", "c_shock_vertical")[1] == pytest.approx(top[1] * 600, abs=1)
    assert list(ds["programme_component"].values) == ["regular", "shock_vertical"]
    assert list(ds["programme_parent"].values) == ["c", "c"]
    parts = ds["cost_by_component"]
    assert np.allclose(parts.sum("component"), ds["total_cost"], rtol=1e-12)
    assert float(parts.sel(year=2026, component="shock_vertical")) == pytest.approx(
        float(ds["cost"].sel(year=2026, programme="c_shock_vertical")))
    # the regular programme is unchanged by its response
    plain = simulate.run(scenario_from_dict(doc(None)))
    assert np.array_equal(sel(plain, "transfers", "c"), sel(ds, "transfers", "c"))


def test_horizontal_reaches_the_band_between_the_two_thresholds() -> None:
    wide = {"method": "poverty", "welfare_percentile_max": 30}
    ds = simulate.run(scenario_from_dict(doc(
        {"years": [2025, 2026, 2027], "horizontal": {"welfare_percentile_max": 30}},
        extra={"w": {"unit": "household", "benefit": {"amount": 1}, "targeting": wide}})))
    # eligible: regular (below 18) + newly eligible (18 to 30) = everyone below 30
    both = sel(ds, "eligible", "c") + sel(ds, "eligible", "c_shock_horizontal")
    assert both == pytest.approx(sel(ds, "eligible", "w"), rel=1e-12)
    # nobody truly eligible for both (the overlap's eligible status)
    ov = ds["overlap"].sel(status="eligible")
    assert float(ov.sel(combination="c+c_shock_horizontal").sum()) == 0
    assert float(ov.sel(combination="c+w+c_shock_horizontal").sum()) == 0


def test_horizontal_from_a_shock_to_welfare() -> None:
    shock = 0.2
    sc = scenario_from_dict(doc({"years": [2025], "horizontal": {"welfare_shock": shock}},
                                targeting={"method": "poverty", "welfare_percentile_max": 18}))
    ds = simulate.run(sc)
    pop = prepare(sc).population
    alive = pop.entry_year <= pop.year
    after = welfare_percentile(pop, 1 - shock) < 18
    before = welfare_percentile(pop) < 18
    expected = pop.weight[alive & after & ~before].sum()
    assert expected > 0
    assert sel(ds, "eligible", "c_shock_horizontal")[0] == pytest.approx(expected, rel=1e-9)


def test_horizontal_second_pmt_cutoff_and_amount_default() -> None:
    pmt = {"method": "pmt", "coefficients": {"household_size": -1.0}, "intercept": 10,
           "cutoff": 5}
    ds = simulate.run(scenario_from_dict(doc({"years": [2025], "horizontal": {"cutoff": 7}},
                                             targeting=pmt)))
    n = sel(ds, "households_beneficiaries", "c_shock_horizontal")[0]
    assert n > 0
    assert sel(ds, "transfers", "c_shock_horizontal")[0] == pytest.approx(n * 1200, abs=1)


@pytest.mark.parametrize(("shock", "targeting", "benefit", "key"), [
    ({"years": [2025], "horizontal": {"welfare_percentile_max": 30}},
     {"method": "none"}, None, "shock_response.horizontal"),
    ({"years": [2025], "horizontal": {"welfare_percentile_max": 30, "cutoff": 1}},
     None, None, "shock_response.horizontal"),
    ({"years": [2025], "horizontal": {"cutoff": 1}}, None, None, "horizontal.cutoff"),
    ({"years": [2025], "vertical": {"amount": 1}}, None,
     {"amount": 5, "period": "once"}, "shock_response.vertical"),
    ({"years": [2025]}, None, None, "shock_response"),
    ({"years": [2025.5], "vertical": {"amount": 1}}, None, None, "shock_response.years"),
])
def test_bad_shock_response(shock, targeting, benefit, key) -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(doc(shock, targeting, benefit=benefit))
    assert key in str(err.value)


def test_name_clash_is_reported() -> None:
    d = doc({"years": [2025], "vertical": {"amount": 1}},
            extra={"c_shock_vertical": {"benefit": {"amount": 1}}})
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    assert "c_shock_vertical" in str(err.value)


def test_random_column_selects_a_stable_share() -> None:
    # random_<tag> = [0, p]: a share p of persons, the same persons every year and run
    d = doc(None, targeting={"method": "none"}, unit="person",
            extra={"r": {"eligibility": {"random_hiv": [0, 0.25]}, "benefit": {"amount": 1}}})
    ds = simulate.run(scenario_from_dict(d))
    share = sel(ds, "eligible", "r") / ds["population"].values
    assert share[0] == pytest.approx(0.25, abs=0.03)
    again = simulate.run(scenario_from_dict(d))
    assert np.array_equal(sel(again, "eligible", "r"), sel(ds, "eligible", "r"))
    other = dict(d, programmes={**d["programmes"], "r": {
        "eligibility": {"random_other": [0, 0.25]}, "benefit": {"amount": 1}}})
    assert sel(simulate.run(scenario_from_dict(other)), "eligible", "r")[0] != sel(
        ds, "eligible", "r")[0]


def test_cambodia_shock_scenario_runs_small() -> None:
    from pathlib import Path

    from simulate.scenario import load_scenario

    path = Path(__file__).resolve().parents[1] / "scenarios" / "khm_shock_response.toml"
    ds = simulate.run(load_scenario(path, {"population.records": 6000,
                                           "scenario.end_year": 2029}))
    comp = ds["cost_by_component"]
    assert int(ds.year[0]) == 2020  # the COVID-19 years, on the back-projected population
    years = [2020, 2021, 2022]
    assert (comp.sel(component="shock_vertical", year=years) > 0).all()
    assert (comp.sel(component="shock_horizontal", year=years) > 0).all()
    assert float(comp.sel(component="shock_vertical", year=[2023, 2029]).sum()) == 0
    assert np.nanmax(ds["coverage"].values) <= 1.0
    assert float(ds["eligible"].sel(programme="hiv", year=2029)) > 0
    # the planned transfers start in 2025 (HIV: few records at this size, so 2029)
    for p in ("hiv", "elderly"):
        assert float(ds["cost"].sel(programme=p, year=[2020, 2024]).sum()) == 0
    assert float(ds["cost"].sel(programme="elderly", year=2025)) > 0
    assert float(ds["cost"].sel(programme="hiv", year=2029)) > 0
    assert "stunting_cases_avoided" in ds
