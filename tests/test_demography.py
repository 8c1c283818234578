"""Demography: life tables, the cohort-component projection, the kernel's population
and the synthetic population's calibration to the country profile."""

from __future__ import annotations

import numpy as np
import pytest

import simulate
from simulate.demography import lifetable
from simulate.demography.projection import by_sex_age
from simulate.engine import prepare, project_totals
from simulate.population.profiles import N_GROUPS, available, load_profile
from simulate.population.records import FEMALE, MALE
from simulate.population.synthetic import synthetic_population
from simulate.scenario import scenario_from_dict

PROFILES = available()


def scenario(country: str = "lao", start: int = 2025, end: int = 2032, records: int = 3000,
             **demography):
    return scenario_from_dict({
        "scenario": {"name": "demography", "country": country, "start_year": start,
                     "end_year": end, "seed": 5},
        "population": {"records": records},
        "demography": demography,
        "programmes": {"kids": {"eligibility": {"age": [0, 5]}, "benefit": {"amount": 1}}},
    })


# ---------------------------------------------------------------- life tables
@pytest.mark.parametrize("code", PROFILES)
def test_life_table_reproduces_e0_and_q0(code: str) -> None:
    p = load_profile(code)
    for le, q0 in ((p.life_expectancy_female, p.infant_mortality_female),
                   (p.life_expectancy_male, p.infant_mortality_male)):
        e0 = float(le.at(p.base_year))
        base = lifetable.calibrate(e0, q0)
        assert base.life_expectancy() == pytest.approx(e0, abs=1e-6)
        assert 1.0 - base.survival()[0] == pytest.approx(q0, rel=1e-9)
        # later years: the scaled table matches each year's e0, infant mortality falls
        for year in (p.base_year + 5, p.base_year + 25):
            later = lifetable.scaled(base, float(le.at(year)))
            assert later.life_expectancy() == pytest.approx(float(le.at(year)), abs=1e-6)
            assert later.survival()[0] >= base.survival()[0]
        s = base.survival()
        assert s.shape == (lifetable.MAX_AGE + 1,)
        assert np.all((s > 0) & (s <= 1))
        assert np.all(np.diff(s[10:]) < 0)  # adult survival falls with age


def test_life_table_rejects_impossible_values() -> None:
    with pytest.raises(ValueError, match="no life table"):
        lifetable.calibrate(120.0, 0.2)


# ----------------------------------------------------------------- projection
@pytest.mark.parametrize("code", PROFILES)
def test_start_population_is_the_profile_total(code: str) -> None:
    profile = load_profile(code)
    ds = simulate.run(scenario(code, profile.base_year, profile.base_year + 3))
    assert ds.population.values[0] == pytest.approx(profile.total_population, rel=1e-6)


def test_kernel_population_equals_cohort_component_projection() -> None:
    prep = prepare(scenario())
    population = project_totals(prep, chunk_size=1000).population
    np.testing.assert_allclose(population.sum(axis=(1, 2)), prep.projection.total, rtol=1e-9)
    np.testing.assert_allclose(population, prep.projection.population, rtol=1e-9, atol=1e-6)
    # the population grows (Lao PDR, 2025-2032) and births replace age 0 every year
    assert np.all(np.diff(prep.projection.total) > 0)


def test_later_start_year_keeps_the_projection() -> None:
    prep = prepare(scenario(start=2027, end=2030))
    ds = simulate.run(scenario(start=2027, end=2030))
    assert ds.year.values.tolist() == [2027, 2028, 2029, 2030]
    np.testing.assert_allclose(ds.population.values, prep.projection.total[2:], rtol=1e-9)


def test_no_births_no_deaths_constant_population() -> None:
    ds = simulate.run(scenario(mortality="none", births="none"))
    # bit for bit by design: a year's population is summed household by household in
    # record order, the same order every year (the same weights, unchanged by a
    # survival of exactly 1); summing the shifting sex x age table instead paired
    # different cells each year and one year's total differed in the last bit
    assert np.all(ds.population.values == ds.population.values[0])
    assert np.all(ds.births.values[1:] == 0)
    pa = ds.population_by_age.values
    # everyone ages one year a year: the age profile shifts (100 is open)
    np.testing.assert_allclose(pa[1:, :, 1:100], pa[:-1, :, :99], rtol=1e-12)


def test_no_births_only_deaths_shrinks_population() -> None:
    ds = simulate.run(scenario(births="none"))
    assert np.all(np.diff(ds.population.values) < 0)


def test_births_match_the_projection_and_the_records() -> None:
    sc = scenario()
    prep = prepare(sc)
    ds = simulate.run(sc)
    births = prep.projection.births.sum(axis=1)
    np.testing.assert_allclose(ds.births.values, births, rtol=1e-12)
    pop = prep.population
    years = prep.rates.years
    pa = ds.population_by_age.values
    for k in range(1, len(years)):
        entering = pop.entry_year == years[k]
        assert pop.weight[entering].sum() == pytest.approx(births[k], rel=1e-12)
        # newborns are age 0 in their birth year ...
        assert pa[k, :, 0].sum() == pytest.approx(births[k], rel=1e-9)
        # ... born to the women alive at the start of the year
        assert births[k] == pytest.approx(pa[k, FEMALE] @ prep.rates.fertility[k], rel=1e-9)
        # and split by the sex ratio at birth
        assert pa[k, MALE, 0] / pa[k, FEMALE, 0] == pytest.approx(
            prep.profile.sex_ratio_at_birth, rel=1e-9)
    assert births.sum() > 0


# ------------------------------------------------------- synthetic population
@pytest.mark.parametrize("code", PROFILES)
def test_synthetic_population_matches_profile(code: str) -> None:
    profile = load_profile(code)
    pop = synthetic_population(profile, 5000, seed=3)
    assert pop.year == profile.base_year
    # persons by sex and five-year group: exact (raking)
    table = by_sex_age(pop)
    groups = np.zeros((2, N_GROUPS))
    for g in range(N_GROUPS - 1):
        groups[:, g] = table[:, 5 * g:5 * g + 5].sum(axis=1)
    groups[:, -1] = table[:, 5 * (N_GROUPS - 1):].sum(axis=1)
    np.testing.assert_allclose(groups[MALE], profile.male, rtol=1e-8)
    np.testing.assert_allclose(groups[FEMALE], profile.female, rtol=1e-8)
    assert pop.total == pytest.approx(profile.total_population, rel=1e-9)
    # household members share the household weight and welfare
    for name in ("weight", "welfare", "region", "urban"):
        v = getattr(pop, name)
        first = np.r_[True, pop.household_id[1:] != pop.household_id[:-1]]
        starts = np.cumsum(first) - 1
        assert np.array_equal(v, v[first][starts])
    # poverty rate within half a point, Gini within 0.02
    poor = pop.weight[pop.welfare < profile.poverty_line].sum() / pop.weight.sum()
    assert poor == pytest.approx(profile.poverty_rate, abs=0.005)
    assert weighted_gini(pop.welfare, pop.weight) == pytest.approx(profile.gini, abs=0.02)
    # disability is a draw around the profile's prevalence (sampling error at 5000 records)
    disabled = pop.weight[pop.disabled == 1].sum() / pop.weight.sum()
    assert disabled == pytest.approx(profile.disability_prevalence, abs=0.015)
    assert set(np.unique(pop.months)) <= set(range(12))


def test_synthetic_population_is_reproducible() -> None:
    profile = load_profile("lao")
    a = synthetic_population(profile, 1000, seed=9)
    b = synthetic_population(profile, 1000, seed=9)
    c = synthetic_population(profile, 1000, seed=10)
    assert np.array_equal(a.weight, b.weight) and np.array_equal(a.welfare, b.welfare)
    assert not (a.n == c.n and np.array_equal(a.age, c.age))


def weighted_gini(x: np.ndarray, w: np.ndarray) -> float:
    """Gini of ``x`` over persons weighted by ``w`` (area under the Lorenz curve)."""
    order = np.argsort(x)
    x, w = x[order], w[order]
    share_people = np.r_[0.0, np.cumsum(w) / w.sum()]
    share_income = np.r_[0.0, np.cumsum(w * x) / (w * x).sum()]
    return float(1.0 - np.sum(np.diff(share_people) * (share_income[1:] + share_income[:-1])))


def test_weighted_gini_helper() -> None:
    assert weighted_gini(np.ones(10), np.ones(10)) == pytest.approx(0.0, abs=1e-12)
    # two people, one has everything: Gini of the discrete distribution is 1/2
    assert weighted_gini(np.array([0.0, 1.0]), np.ones(2)) == pytest.approx(0.5)


@pytest.mark.parametrize("records", [100, 300])
def test_small_synthetic_population_keeps_the_national_total(records: int) -> None:
    profile = load_profile("lao")
    pop = synthetic_population(profile, records, seed=1)
    assert pop.total == pytest.approx(profile.total_population, rel=1e-9)
    assert np.all(pop.weight > 0)


def test_disability_prevalence_holds_for_later_birth_cohorts() -> None:
    """Children born during the projection become disabled at the profile's rates:
    the caseload of disabled children under six does not fade as the first-year
    cohorts age out (with a static flag it fell to zero by the sixth year)."""
    from simulate import run
    from simulate.scenario import scenario_from_dict

    sc = scenario_from_dict({
        "scenario": {"name": "disability", "country": "ukr", "start_year": 2025,
                     "end_year": 2040, "seed": 3},
        "population": {"records": 40_000},
        "programmes": {"dis": {"eligibility": {"age": [0, 6], "disabled": True},
                               "benefit": {"amount": 1.0}}},
    })
    ds = run(sc)
    by_age = ds["population_by_age"].isel(age=slice(0, 6)).sum(dim="sex").values
    # the profile's prevalence by age, weighted by each year's children under six
    expected = by_age @ prepare(sc).disability[:6] / by_age.sum(axis=1)
    ratio = ds["eligible"].sel(programme="dis").values / by_age.sum(axis=1) / expected
    # a few dozen disabled records a year: one year is noisy (0.4..1.5 of the
    # expectation across seeds); the later cohorts' mean is not, and never fades
    assert ratio[0] > 0
    assert 0.7 < ratio[6:].mean() < 1.3
    assert ratio[6:].min() > 0.4
