"""Household programmes, means tests, targeting and poverty: hand-computed cases.

Three households (microdata, no deaths or births, so the composition is exact):

* H1: two adults (30, 28) and two children (5, 3), Central, rural; the first adult
  earns 24,000 a year; welfare 6,000 per person; weight 100; IDPoor level 1.
* H2: one adult aged 70, North, urban; income 10,000; welfare 15,000; weight 50; level 3.
* H3: one adult aged 40, Central, rural; income 100,000; welfare 200,000; weight 10; level 0.

Amounts below are worked out by hand in the comments and asserted to the unit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulate import ScenarioError, run
from simulate.costing import gini_from_histogram
from simulate.scenario import scenario_from_dict

ROWS = [
    # household_id, age, sex, weight, region, urban, welfare, income, idpoor
    ("H1", 30, "m", 100, "Central", 0, 6000, 24000, 1),
    ("H1", 28, "f", 100, "Central", 0, 6000, 0, 1),
    ("H1", 5, "f", 100, "Central", 0, 6000, 0, 1),
    ("H1", 3, "m", 100, "Central", 0, 6000, 0, 1),
    ("H2", 70, "f", 50, "North", 1, 15000, 10000, 3),
    ("H3", 40, "m", 10, "Central", 0, 200000, 100000, 0),
]
GMI = {"unit": "household",
       "benefit": {"type": "top_up", "guaranteed_minimum": 2000, "period": "month",
                   "equivalence": {"first": 1.0, "other_adult": 0.7, "child": 0.5}}}


@pytest.fixture(scope="module")
def survey(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hh") / "survey.csv"
    lines = ["household_id,age,sex,weight,region,urban,welfare,income,idpoor"]
    lines += [",".join(map(str, r)) for r in ROWS]
    path.write_text("\n".join(lines) + "\n")
    return path


def scenario(survey: Path, programmes: dict, inflation: float = 0.0, end_year: int = 2025,
             **extra):
    return scenario_from_dict({
        "scenario": {"name": "households", "country": "lao", "start_year": 2025,
                     "end_year": end_year, "seed": 1},
        "population": {"source": str(survey)},
        "demography": {"mortality": "none", "births": "none"},
        "macro": {"gdp": 1e9, "real_gdp_growth": 0.0, "inflation": inflation,
                  "exchange_rate": 10.0},
        "programmes": programmes,
        **extra,
    })


def merged(base: dict, **benefit) -> dict:
    return {**base, "benefit": {**base["benefit"], **benefit}}


def values(ds, name: str, pid: str, year: int = 2025) -> float:
    return float(ds[name].sel(programme=pid, year=year))


# ---------------------------------------------------------------- top-up (GMI)
def test_full_top_up(survey: Path) -> None:
    ds = run(scenario(survey, {"gmi": GMI}))
    # G = 2,000 x 12 = 24,000 a year per equivalent adult
    # H1: eq = 1 + 0.7 + 2 x 0.5 = 2.7 -> 64,800 - 24,000 = 40,800; H2: 24,000 - 10,000 = 14,000
    # H3: 24,000 - 100,000 < 0 -> not eligible
    assert values(ds, "transfers", "gmi") == pytest.approx(100 * 40_800 + 50 * 14_000, abs=0.5)
    assert values(ds, "households_beneficiaries", "gmi") == pytest.approx(150, abs=1e-9)
    assert values(ds, "households_eligible", "gmi") == pytest.approx(150, abs=1e-9)
    assert values(ds, "beneficiaries", "gmi") == pytest.approx(4 * 100 + 50, abs=1e-9)


@pytest.mark.parametrize(("benefit", "h1", "h2"), [
    ({"taper": 0.5}, 64_800 - 12_000, 24_000 - 5_000),            # half the income withdrawn
    ({"disregard": 500}, 64_800 - (24_000 - 6_000), 24_000 - 4_000),  # 6,000 a year ignored
    ({"maximum": 3000}, 36_000, 14_000),                           # capped at 36,000 a year
])
def test_top_up_variants(survey: Path, benefit: dict, h1: float, h2: float) -> None:
    ds = run(scenario(survey, {"gmi": merged(GMI, **benefit)}))
    assert values(ds, "transfers", "gmi") == pytest.approx(100 * h1 + 50 * h2, abs=0.5)


def test_top_up_indexed_with_income(survey: Path) -> None:
    # 10 % inflation: the guarantee and incomes both grow by 1.1 in 2026
    ds = run(scenario(survey, {"gmi": GMI}, inflation=0.10, end_year=2026))
    assert values(ds, "transfers", "gmi", 2026) == pytest.approx(
        1.1 * (100 * 40_800 + 50 * 14_000), abs=0.5)


def test_other_income_columns_and_child_age(survey: Path) -> None:
    # counting no income at all; children are under 4 only (the 5-year-old is an adult)
    gmi = merged(GMI, income=[], equivalence={"first": 1.0, "other_adult": 0.7, "child": 0.5,
                                              "child_age": 4})
    ds = run(scenario(survey, {"gmi": gmi}))
    # H1: eq = 1 + 0.7 x 2 + 0.5 = 2.9 -> 69,600; H2 and H3: 24,000 each
    assert values(ds, "transfers", "gmi") == pytest.approx(
        100 * 69_600 + 50 * 24_000 + 10 * 24_000, abs=0.5)


# ---------------------------------------------------------------- utility subsidy (HUS)
HUS = {"unit": "household",
       "benefit": {"type": "utility", "normative_cost": [1000, 1500, 1800, 2000],
                   "period": "month", "share_of_income": 0.15,
                   "region_factor": {"North": 1.2}}}


def test_utility_subsidy(survey: Path) -> None:
    ds = run(scenario(survey, {"hus": HUS}))
    # H1 (4 persons): 24,000 - 0.15 x 24,000 = 20,400
    # H2 (1 person, North): 12,000 x 1.2 - 0.15 x 10,000 = 12,900; H3: 12,000 - 15,000 -> none
    assert values(ds, "transfers", "hus") == pytest.approx(100 * 20_400 + 50 * 12_900, abs=0.5)
    assert values(ds, "households_beneficiaries", "hus") == pytest.approx(150, abs=1e-9)


def test_utility_subsidy_income_bands(survey: Path) -> None:
    hus = merged(HUS, share_of_income=None, income_bands=[1000], band_shares=[0.10, 0.20])
    hus["benefit"] = {k: v for k, v in hus["benefit"].items() if v is not None}
    ds = run(scenario(survey, {"hus": hus}))
    # band limit 1,000 a month per person = 12,000 a year; H1 6,000 and H2 10,000 per person
    # pay 10 %: H1 24,000 - 2,400 = 21,600; H2 14,400 - 1,000 = 13,400;
    # H3 pays 20 %: 12,000 - 20,000 -> none
    assert values(ds, "transfers", "hus") == pytest.approx(100 * 21_600 + 50 * 13_400, abs=0.5)


# ---------------------------------------------------------------- interactions
def test_child_grant_counts_in_the_means_test(survey: Path) -> None:
    grant = {"eligibility": {"age": [0, 18]}, "benefit": {"amount": 500, "period": "month"}}
    ds = run(scenario(survey, {"child_grant": grant,
                               "gmi": merged(GMI, income_from=["child_grant"])}))
    # H1 receives 2 x 6,000 = 12,000 of child grant: 64,800 - 36,000 = 28,800
    assert values(ds, "transfers", "child_grant") == pytest.approx(200 * 6_000, abs=0.5)
    assert values(ds, "transfers", "gmi") == pytest.approx(100 * 28_800 + 50 * 14_000, abs=0.5)


def test_income_from_must_be_an_earlier_programme(survey: Path) -> None:
    grant = {"eligibility": {"age": [0, 18]}, "benefit": {"amount": 500}}
    with pytest.raises(ScenarioError, match=r"programmes.gmi.benefit.income_from expected "
                                            r"programmes declared before this one"):
        scenario(survey, {"gmi": merged(GMI, income_from=["child_grant"]), "child_grant": grant})


# ---------------------------------------------------------------- targeting methods
def test_pmt_targeting(survey: Path) -> None:
    flat = {"unit": "household", "benefit": {"amount": 1000, "period": "year"},
            "targeting": {"method": "pmt", "intercept": 10.0,
                          "coefficients": {"urban": 1.0, "household_size": -0.5},
                          "cutoff": 9.0}}
    ds = run(scenario(survey, {"pmt": flat}))
    # scores: H1 10 - 2 = 8 (< 9, eligible); H2 10 + 1 - 0.5 = 10.5; H3 9.5
    assert values(ds, "transfers", "pmt") == pytest.approx(100 * 1000, abs=0.5)
    assert values(ds, "eligible", "pmt") == pytest.approx(400, abs=1e-9)


def test_registry_targeting_with_errors(survey: Path) -> None:
    flat = {"unit": "household", "benefit": {"amount": 1000, "period": "year"},
            "targeting": {"method": "registry", "column": "idpoor", "levels": [1, 2],
                          "inclusion_error": 1.0}}
    ds = run(scenario(survey, {"reg": flat}))
    # H1 is listed; with inclusion error 1 every other household is included too
    assert values(ds, "eligible", "reg") == pytest.approx(400, abs=1e-9)
    assert values(ds, "beneficiaries", "reg") == pytest.approx(460, abs=1e-9)
    assert values(ds, "inclusion_error_rate", "reg") == pytest.approx(60 / 460, abs=1e-12)
    assert values(ds, "exclusion_error_rate", "reg") == pytest.approx(0.0, abs=1e-12)


def test_take_up_by_group(survey: Path) -> None:
    prog = {"eligibility": {"age": [18, 200]}, "benefit": {"amount": 100, "period": "year"},
            "take_up": {"default": 0.0, "groups": [{"urban": True, "rate": 1.0}]}}
    ds = run(scenario(survey, {"p": prog}))
    assert values(ds, "eligible", "p") == pytest.approx(260, abs=1e-9)
    assert values(ds, "beneficiaries", "p") == pytest.approx(50, abs=1e-9)  # H2 only


# ---------------------------------------------------------------- poverty and inequality
def test_poverty_before_and_after(survey: Path) -> None:
    ds = run(scenario(survey, {"gmi": GMI}, poverty={"line": 20_000}))
    pov = {m: ds[m].sel(year=2025).values for m in
           ("poverty_headcount", "poverty_gap", "poverty_severity")}
    # before: H1 (400 persons) at 6,000 and H2 (50) at 15,000 are poor, of 460
    assert pov["poverty_headcount"][0] == pytest.approx(450 / 460, abs=1e-12)
    assert pov["poverty_gap"][0] == pytest.approx((400 * 0.7 + 50 * 0.25) / 460, abs=1e-12)
    assert pov["poverty_severity"][0] == pytest.approx((400 * 0.49 + 50 * 0.0625) / 460,
                                                       abs=1e-12)
    # after: H1 gets 40,800 / 4 = 10,200 each -> 16,200 (gap 0.19); H2 gets 14,000 -> 29,000
    assert pov["poverty_headcount"][1] == pytest.approx(400 / 460, abs=1e-12)
    assert pov["poverty_gap"][1] == pytest.approx(400 * 0.19 / 460, abs=1e-12)
    assert pov["poverty_severity"][1] == pytest.approx(400 * 0.19**2 / 460, abs=1e-12)


def _gini(x: np.ndarray, w: np.ndarray) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    p = np.r_[0, np.cumsum(w)] / w.sum()
    lz = np.r_[0, np.cumsum(w * x)] / (w * x).sum()
    return float(1 - np.sum(np.diff(p) * (lz[1:] + lz[:-1])))


def test_gini_before_and_after(survey: Path) -> None:
    ds = run(scenario(survey, {"gmi": GMI}, poverty={"line": 20_000}))
    w = np.array([400.0, 50.0, 10.0])
    before = _gini(np.array([6_000.0, 15_000.0, 200_000.0]), w)
    after = _gini(np.array([16_200.0, 29_000.0, 200_000.0]), w)
    g = ds["gini"].sel(year=2025).values
    assert g[0] == pytest.approx(before, abs=1e-12)
    assert g[1] == pytest.approx(after, abs=1e-12)
    assert g[1] < g[0]


def test_gini_from_histogram_treats_a_bin_as_equal() -> None:
    hist = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 3.0]])  # persons, welfare sums
    assert gini_from_histogram(hist) == pytest.approx(_gini(np.array([1.0, 3.0]),
                                                            np.array([1.0, 1.0])))


def test_quintiles_and_overlap(survey: Path) -> None:
    grant = {"eligibility": {"age": [0, 18]}, "benefit": {"amount": 500, "period": "month"}}
    ds = run(scenario(survey, {"child_grant": grant, "gmi": GMI}))
    # H1 is the poorest 400 of 460 persons: deciles 1-8 by the rank of its first member
    assert values(ds, "share_to_poorest_quintile", "child_grant") == pytest.approx(1.0)
    ov = ds["overlap"].sel(year=2025)
    # receiving both: H1's children (200); GMI only: H1's adults and H2 (250); none: H3 (10)
    assert float(ov.sel(combination="child_grant+gmi", status="receiving")) == pytest.approx(200)
    assert float(ov.sel(combination="gmi", status="receiving")) == pytest.approx(250)
    assert float(ov.sel(combination="(none)", status="receiving")) == pytest.approx(10)
    assert float(ov.sel(status="receiving").sum()) == pytest.approx(460)


# ---------------------------------------------------------------- bad parameters
@pytest.mark.parametrize(("change", "message"), [
    ({"guaranteed_minimum": -1}, "programmes.gmi.benefit.guaranteed_minimum expected a number "
                                 ">= 0"),
    ({"equivalence": {"other_adult": 0.7}}, "programmes.gmi.benefit.equivalence.first expected "
                                            "a number > 0"),
    ({"type": "top_up", "guaranteed_minimum": None}, "programmes.gmi.benefit.guaranteed_minimum "
                                                     "expected a value"),
    ({"band_shares": [0.1, 0.2]}, "programmes.gmi.benefit.band_shares expected 1 shares"),
])
def test_bad_means_test_parameters(survey: Path, change: dict, message: str) -> None:
    benefit = {k: v for k, v in {**GMI["benefit"], **change}.items() if v is not None}
    if "band_shares" in change:
        benefit = {"type": "utility", "normative_cost": [1], "band_shares": [0.1, 0.2]}
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(")):
        scenario(survey, {"gmi": {**GMI, "benefit": benefit}})


def test_top_up_needs_a_household_unit(survey: Path) -> None:
    with pytest.raises(ScenarioError, match=r"programmes.gmi.unit expected \"household\""):
        scenario(survey, {"gmi": {**GMI, "unit": "person"}})


def test_pmt_formula_naming_a_missing_column(survey: Path) -> None:
    flat = {"benefit": {"amount": 1.0},
            "targeting": {"method": "pmt", "coefficients": {"urbann": 1.0}, "cutoff": 1.0}}
    with pytest.raises(ScenarioError, match=r"programmes.p.targeting.coefficients.urbann "
                                            r"expected a column .*did you mean 'urban'"):
        run(scenario(survey, {"p": flat}))


def test_missing_income_column(survey: Path) -> None:
    with pytest.raises(ScenarioError, match=r"programmes.gmi.benefit.income expected an income "
                                            r"column of the population, found 'wages'"):
        run(scenario(survey, {"gmi": merged(GMI, income=["wages"])}))
