"""Hand-computed cases: tiny household files whose costs can be worked out on paper.

Every case holds the population fixed but for ageing (mortality and births
"none"), with round macro figures (inflation 10 %, no real growth unless
stated), so each figure below is a short calculation, asserted to the currency
unit or better.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import reference as ref

import simulate
from simulate.programmes.rules import stream_of
from simulate.scenario import YearPath, scenario_from_dict

HEADER = "household_id,age,sex,weight"
YEARS = [2025, 2026, 2027, 2028]
PI = np.array([1.0, 1.1, 1.21, 1.331])  # price index at 10 % inflation


def make(tmp_path: Path, rows: list[str], programmes: dict, header: str = HEADER,
         start: int = 2025, end: int = 2028, macro: dict | None = None, seed: int = 1):
    """A scenario on the household file ``rows`` (no deaths, no births)."""
    path = tmp_path / "people.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    doc = {
        "scenario": {"name": "hand case", "country": "lao", "start_year": start,
                     "end_year": end, "currency": "LAK", "seed": seed},
        "population": {"source": str(path)},
        "demography": {"mortality": "none", "births": "none"},
        "macro": {"gdp": 1.0e9, "real_gdp_growth": 0.0, "inflation": 0.10,
                  "exchange_rate": 1000.0, **(macro or {})},
        "fiscal": {"revenue_pct_gdp": 0.2},
        "programmes": programmes,
    }
    return scenario_from_dict(doc)


def values(ds, name: str, programme: str) -> np.ndarray:
    return ds[name].sel(programme=programme).values


# ------------------------------------------------------------------ (a) ageing
def test_ageing_through_eligibility_windows(tmp_path: Path) -> None:
    sc = make(tmp_path, ["1,0,f,10", "2,63,m,5"], {
        "child": {"eligibility": {"age": [0, 2]},
                  "benefit": {"amount": 100, "indexation": "none"}},
        "pension": {"eligibility": {"age": [65, 200]},
                    "benefit": {"amount": 1000, "period": "year", "indexation": "none"}},
    })
    ds = simulate.run(sc)
    assert ds.year.values.tolist() == YEARS
    assert values(ds, "eligible", "child") == pytest.approx([10, 10, 0, 0], abs=1e-9)
    assert values(ds, "transfers", "child") == pytest.approx([12_000, 12_000, 0, 0], abs=0.5)
    assert values(ds, "eligible", "pension") == pytest.approx([0, 0, 5, 5], abs=1e-9)
    assert values(ds, "transfers", "pension") == pytest.approx([0, 0, 5_000, 5_000], abs=0.5)
    assert ds.population.values == pytest.approx([15, 15, 15, 15], abs=1e-9)
    assert ds.population_by_age.sel(sex="female", age=2).values.tolist() == [0, 0, 10, 0]


def test_age_in_months(tmp_path: Path) -> None:
    # months past the birthday: 6 -> 6 months in 2025, 18 in 2026; empty -> 0
    sc = make(tmp_path, ["1,0,f,3,6", "2,0,m,4,", "3,1,m,5,11"], {
        "baby": {"eligibility": {"age_months": [0, 18]},
                 "benefit": {"amount": 10, "indexation": "none"}},
    }, header=HEADER + ",months")
    ds = simulate.run(sc)
    # 2025: 6, 0 and 23 months; 2026: 18, 12 and 35 months
    assert values(ds, "eligible", "baby") == pytest.approx([7, 4, 0, 0], abs=1e-9)
    assert values(ds, "transfers", "baby") == pytest.approx([840, 480, 0, 0], abs=1e-6)


# ------------------------------------------------------------- (b) indexation
def test_indexation_and_periods(tmp_path: Path) -> None:
    sc = make(tmp_path, ["1,30,f,2"], {
        "cpi": {"eligibility": {"age": [0, 200]}, "benefit": {"amount": 100}},
        "flat": {"eligibility": {"age": [0, 200]},
                 "benefit": {"amount": 500, "period": "year", "indexation": "none"}},
        "fixed": {"eligibility": {"age": [0, 200]},
                  "benefit": {"amount": 1000, "period": "year", "indexation": 0.05}},
        "grant": {"eligibility": {"age": [0, 200]},
                  "benefit": {"amount": 700, "period": "once"}},
        "late": {"eligibility": {"age": [32, 200]},
                 "benefit": {"amount": 700, "period": "once"}},
    })
    ds = simulate.run(sc)
    k = np.arange(4)
    assert values(ds, "transfers", "cpi") == pytest.approx(2 * 100 * 12 * 1.1**k, abs=0.01)
    assert values(ds, "transfers", "flat") == pytest.approx([1000] * 4, abs=0.01)
    assert values(ds, "transfers", "fixed") == pytest.approx(2 * 1000 * 1.05**k, abs=0.01)
    # once: paid in the first year the person is a beneficiary, counted only then
    assert values(ds, "transfers", "grant") == pytest.approx([1400, 0, 0, 0], abs=0.01)
    assert values(ds, "beneficiaries", "grant") == pytest.approx([2, 0, 0, 0], abs=1e-12)
    assert values(ds, "eligible", "grant") == pytest.approx([2, 2, 2, 2], abs=1e-12)
    assert values(ds, "transfers", "late") == pytest.approx([0, 0, 1400 * 1.21, 0], abs=0.01)
    assert ds.price_index.values == pytest.approx(PI, rel=1e-12)


def test_once_waits_for_rollout(tmp_path: Path) -> None:
    sc = make(tmp_path, ["1,0,f,3"], {
        "grant": {"eligibility": {"age": [0, 5]},
                  "benefit": {"amount": 100, "period": "once", "indexation": "none"},
                  "rollout": {"2025": 0.0, "2026": 0.0, "2027": 1.0}},
    })
    ds = simulate.run(sc)
    assert values(ds, "beneficiaries", "grant") == pytest.approx([0, 0, 3, 0], abs=1e-12)
    assert values(ds, "transfers", "grant") == pytest.approx([0, 0, 300, 0], abs=1e-9)


# ------------------------------------------------------------------ (c) admin
def test_admin_costs(tmp_path: Path) -> None:
    sc = make(tmp_path, ["1,40,m,4"], {
        "p": {"eligibility": {"age": [18, 65]},
              "benefit": {"amount": 100, "indexation": "none"},
              "rollout": {"2025": 0.0, "2026": 0.0, "2027": 1.0},
              "admin": {"share_of_transfers": 0.1, "per_beneficiary_year": 50,
                        "fixed_year": 1000, "setup": {"2026": 5000}}},
    })
    ds = simulate.run(sc)
    assert values(ds, "transfers", "p") == pytest.approx([0, 0, 4800, 4800], abs=1e-9)
    assert values(ds, "beneficiaries", "p") == pytest.approx([0, 0, 4, 4], abs=1e-12)
    # 2026: set-up 5000 x 1.1; 2027: 480 + (50 x 4 + 1000) x 1.21; 2028: x 1.331
    expected = [0.0, 5500.0, 480.0 + 1452.0, 480.0 + 1597.2]
    assert values(ds, "admin_cost", "p") == pytest.approx(expected, abs=1e-6)
    assert values(ds, "cost", "p") == pytest.approx(
        np.array([0, 0, 4800, 4800]) + expected, abs=1e-6)


def test_fixed_admin_path_and_zero_rollout(tmp_path: Path) -> None:
    sc = make(tmp_path, ["1,40,m,4"], {
        "p": {"eligibility": {"age": [18, 65]}, "benefit": {"amount": 0},
              "rollout": {"2025": 0.0, "2026": 0.5, "2027": 0.0},
              "admin": {"fixed_year": {"2025": 100, "2028": 400}}},
    })
    ds = simulate.run(sc)
    # fixed 100, 200, 300, 400 in start_year prices, charged while roll-out > 0 (2026 only)
    assert values(ds, "admin_cost", "p") == pytest.approx([0, 220, 0, 0], abs=1e-9)


# ------------------------------------------------------------- (d) roll-out
def test_yearpath_interpolation() -> None:
    path = YearPath.from_value({2025: 0.0, 2029: 1.0})
    years = np.arange(2020, 2035)
    expected = np.clip((years - 2025) / 4.0, 0.0, 1.0)
    assert np.array_equal(path.at(years), expected)
    assert path.at(2027) == 0.5
    steps = YearPath.from_value({2030: 3.0, 2020: 1.0, 2025: 2.0})  # order of keys irrelevant
    assert steps.at(np.array([2010, 2020, 2022, 2025, 2026, 2030, 2040])).tolist() == pytest.approx(
        [1.0, 1.0, 1.4, 2.0, 2.2, 3.0, 3.0], abs=1e-15)
    assert YearPath.from_value(0.7).at(np.array([1900, 2300])).tolist() == [0.7, 0.7]


def test_rollout_reaches_the_interpolated_share(tmp_path: Path) -> None:
    n = 2000
    rows = [f"{i},30,f,1" for i in range(1, n + 1)]
    sc = make(tmp_path, rows, {
        "p": {"eligibility": {"age": [18, 65]}, "benefit": {"amount": 1},
              "rollout": {"2025": 0.0, "2029": 1.0}},
    }, end=2030, seed=42)
    ds = simulate.run(sc)
    share = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 1.0])
    ben = values(ds, "beneficiaries", "p")
    assert values(ds, "eligible", "p") == pytest.approx([n] * 6, abs=1e-9)
    # within binomial sampling error of the interpolated share
    assert np.all(np.abs(ben / n - share) <= 4 * np.sqrt(share * (1 - share) / n) + 1e-12)
    # and exactly the records whose own roll-out draw is below the share; a record's
    # draw is keyed by its household (codes in the sorted order of the ids, as text),
    # its entry year and its rank in the household (simulate/population/identity.py)
    s = stream_of("p")
    code = {hid: k for k, hid in enumerate(sorted(str(i) for i in range(1, n + 1)))}
    keys = [ref.record_key(code[str(i)], 2025, 0) for i in range(1, n + 1)]
    u = np.array([ref.uniform(42, key, s, ref.ROLLOUT) for key in keys])
    assert ben.tolist() == [float((u < x).sum()) for x in share]
    assert np.all(np.diff(ben) >= 0)


# ------------------------------------------------------------------ (e) weights
def test_eligible_is_the_sum_of_eligible_weights(tmp_path: Path) -> None:
    r = np.random.default_rng(3)
    n = 40
    age = r.integers(0, 80, n)
    sex = r.choice(["f", "m"], n)
    weight = np.round(r.uniform(1, 500, n), 2)
    disabled = r.integers(0, 2, n)
    region = r.choice(["east", "west"], n)
    enrolled = r.choice(["yes", "no"], n)
    rows = [f"{i // 2},{age[i]},{sex[i]},{weight[i]},{disabled[i]},{region[i]},{enrolled[i]}"
            for i in range(n)]
    sc = make(tmp_path, rows, {
        "p": {"eligibility": [{"age": [18, 60], "sex": "f", "disabled": True},
                              {"region": "east", "age": [0, 5]},
                              {"enrolled": True, "age": [6, 12]}],
              "benefit": {"amount": 10, "indexation": "none"}},
    }, header=HEADER + ",disabled,region,enrolled")
    ds = simulate.run(sc)
    for k, year in enumerate(YEARS):
        a = age + k
        ok = (((a >= 18) & (a < 60) & (sex == "f") & (disabled == 1))
              | ((region == "east") & (a < 5))
              | ((enrolled == "yes") & (a >= 6) & (a < 12)))
        assert ds.eligible.sel(year=year, programme="p").item() == pytest.approx(
            weight[ok].sum(), rel=1e-13, abs=1e-9)
        assert ds.transfers.sel(year=year, programme="p").item() == pytest.approx(
            120 * weight[ok].sum(), abs=1e-6)
    assert ds.population.values == pytest.approx([weight.sum()] * 4, rel=1e-13)
    assert ds.eligible.values.min() > 0


# ------------------------------------------------------------- (f) targeting
WELFARE_ROWS = [  # household, age, sex, weight, welfare -> weighted percentile
    "1,30,f,1,100", "1,31,m,1,100",  # 0 (2 of 8 persons below the next value)
    "2,40,f,1,200",                  # 25
    "3,40,m,1,200",                  # 25 (a tie)
    "4,50,f,2,300",                  # 50
    "5,50,m,2,400",                  # 75
    "6,50,m,3,",                     # unknown welfare: never poor
]


@pytest.mark.parametrize(("targeting", "poor_weight"), [
    ({"welfare_percentile_max": 40}, 4.0),
    ({"welfare_percentile_max": 25}, 2.0),     # strictly below: the tie at 25 is out
    ({"welfare_percentile_max": 25.0001}, 4.0),
    ({"welfare_percentile_max": 100}, 8.0),
    ({"poverty_line": 300}, 4.0),               # 50 % have welfare < 300
    ({"poverty_line": 300.5}, 6.0),
])
def test_poverty_targeting_selects_the_poorest(tmp_path: Path, targeting, poor_weight) -> None:
    sc = make(tmp_path, WELFARE_ROWS, {
        "p": {"eligibility": {"age": [18, 65]}, "benefit": {"amount": 1, "indexation": "none"},
              "targeting": {"method": "poverty", **targeting}},
    }, header=HEADER + ",welfare", end=2025)
    ds = simulate.run(sc)
    assert values(ds, "eligible", "p") == pytest.approx([poor_weight], abs=1e-12)
    assert values(ds, "beneficiaries", "p") == pytest.approx([poor_weight], abs=1e-12)


def test_targeting_errors_at_their_limits(tmp_path: Path) -> None:
    sc = make(tmp_path, WELFARE_ROWS, {
        "p": {"eligibility": {"age": [18, 65]}, "benefit": {"amount": 1, "indexation": "none"},
              "targeting": {"method": "poverty", "welfare_percentile_max": 40,
                            "exclusion_error": 1.0, "inclusion_error": 1.0}},
    }, header=HEADER + ",welfare", end=2025)
    ds = simulate.run(sc)
    # every poor person excluded, every other included (unknown welfare counts as not poor)
    assert values(ds, "eligible", "p") == pytest.approx([4.0], abs=1e-12)
    assert values(ds, "beneficiaries", "p") == pytest.approx([7.0], abs=1e-12)
    # coverage counts the eligible beneficiaries only: never above 1 (docs/methods.md)
    assert values(ds, "coverage", "p") == pytest.approx([0.0], abs=1e-12)
    assert values(ds, "beneficiaries_eligible", "p") == pytest.approx([0.0], abs=1e-12)
    assert values(ds, "beneficiaries_not_eligible", "p") == pytest.approx([7.0], abs=1e-12)


# ---------------------------------------------------------------- (g) macro
def test_macro_identities(tmp_path: Path) -> None:
    sc = make(tmp_path, ["1,30,f,10"], {
        "p": {"eligibility": {"age": [18, 65]}, "benefit": {"amount": 100},
              "admin": {"share_of_transfers": 0.05}},
        "q": {"eligibility": {"age": [0, 18]}, "benefit": {"amount": 100}},
    }, macro={"real_gdp_growth": 0.03, "exchange_rate": {"2025": 1000, "2028": 1300}})
    ds = simulate.run(sc)
    k = np.arange(4)
    gdp = 1.0e9 * (1.03 * 1.10) ** k
    cost = 10 * 1200 * PI * 1.05
    assert ds.gdp.values == pytest.approx(gdp, rel=1e-12)
    assert ds.revenue.values == pytest.approx(0.2 * gdp, rel=1e-12)
    assert ds.price_index.values == pytest.approx(PI, rel=1e-12)
    assert ds.exchange_rate.values == pytest.approx([1000, 1100, 1200, 1300], rel=1e-12)
    assert values(ds, "cost", "p") == pytest.approx(cost, abs=0.01)
    assert values(ds, "cost_real", "p") == pytest.approx([12_600] * 4, abs=0.01)
    assert values(ds, "cost_usd", "p") == pytest.approx(cost / [1000, 1100, 1200, 1300],
                                                        rel=1e-12)
    assert values(ds, "cost_pct_gdp", "p") == pytest.approx(cost / gdp, rel=1e-12)
    assert values(ds, "cost_pct_revenue", "p") == pytest.approx(cost / (0.2 * gdp), rel=1e-12)
    assert ds.total_cost.values == pytest.approx(cost, abs=0.01)  # q has nobody
    assert ds.total_cost_pct_gdp.values == pytest.approx(cost / gdp, rel=1e-12)
    assert np.isnan(values(ds, "coverage", "q")).all()
    assert values(ds, "coverage", "p") == pytest.approx([1.0] * 4)


def test_macro_anchored_at_a_later_start_year(tmp_path: Path) -> None:
    # the profile's base year is 2025; GDP and prices are anchored at start_year 2027
    sc = make(tmp_path, ["1,30,f,1"], {
        "p": {"eligibility": {"age": [0, 200]}, "benefit": {"amount": 1}},
    }, start=2027, end=2029, macro={"real_gdp_growth": 0.02})
    ds = simulate.run(sc)
    assert ds.year.values.tolist() == [2027, 2028, 2029]
    assert ds.gdp.values == pytest.approx(1e9 * (1.02 * 1.1) ** np.arange(3), rel=1e-12)
    assert ds.price_index.values == pytest.approx([1.0, 1.1, 1.21], rel=1e-12)
    assert values(ds, "transfers", "p") == pytest.approx([12, 13.2, 14.52], abs=1e-9)
