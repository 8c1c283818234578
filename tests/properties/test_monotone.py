"""Properties of the projection that hold for any parameters: coupled draws make cost
monotone in take-up and roll-out; eligibility does not depend on the order of households
or of their members."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulate.engine import prepare, project_totals
from simulate.kernels.projection import (
    BENEFICIARIES,
    ELIGIBLE,
    HOUSEHOLDS_BENEFICIARIES,
    HOUSEHOLDS_ELIGIBLE,
    TRANSFERS,
)
from simulate.population.records import Population
from simulate.programmes.rules import compile_rules
from simulate.scenario import scenario_from_dict

SCENARIO = {
    "scenario": {"name": "properties", "country": "lao", "start_year": 2025, "end_year": 2029,
                 "seed": 11},
    "population": {"records": 2000},
    "programmes": {
        "child": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
                  "benefit": {"amount": 150_000}, "take_up": 0.8,
                  "rollout": {"2025": 0.2, "2029": 1.0}},
        "pension": {"eligibility": {"age": [65, 200]},
                    "benefit": {"amount": 300_000, "indexation": 0.03},
                    "targeting": {"method": "poverty", "welfare_percentile_max": 40,
                                  "exclusion_error": 0.2, "inclusion_error": 0.1}},
        "school": {"eligibility": {"age": [6, 12], "region": ["North", "South"]},
                   "benefit": {"amount": 500_000, "period": "once"}, "take_up": 0.6},
        "family": {"unit": "household", "eligibility": {"age": [0, 6]},
                   "benefit": {"amount": 200_000}, "take_up": 0.7,
                   "targeting": {"method": "poverty", "welfare_percentile_max": 50,
                                 "exclusion_error": 0.1, "inclusion_error": 0.2}},
    },
}
STATIC = {  # no pregnancy or disability condition (both are per-person draws keyed by the
    # record's id): eligibility is free of random draws
    **SCENARIO,
    "programmes": {
        "child": {"eligibility": [{"age_months": [0, 24]}, {"age": [60, 200], "sex": "f"}],
                  "benefit": {"amount": 1.0}},
        "urban": {"eligibility": {"urban": True, "region": "Central"},
                  "benefit": {"amount": 1.0}},
        "poor": {"eligibility": {"age": [0, 18]}, "benefit": {"amount": 1.0},
                 "targeting": {"method": "poverty", "welfare_percentile_max": 30}},
        "family": {"unit": "household", "eligibility": {"age": [0, 6]},
                   "benefit": {"amount": 1.0}},
    },
}


@pytest.fixture(scope="module")
def prep():
    return prepare(scenario_from_dict(SCENARIO))


def totals_with(prep, take_up=None, **rule_arrays) -> np.ndarray:
    rules = replace(prep.rules, **rule_arrays)
    if take_up is not None:
        rules = rules.with_take_up(take_up)
    p = replace(prep, rules=rules)
    return project_totals(p, chunk_size=512).programmes.sum(axis=2)  # [year, programme, measure]


def take_up_at(prep, rate: float) -> np.ndarray:
    """Take-up ``rate`` for every programme and record (``take_up[programme, record]``)."""
    return np.full_like(prep.rules.take_up, rate)


shares = st.floats(0.0, 1.0)


@given(a=shares, b=shares)
def test_cost_monotone_in_take_up(prep, a, b) -> None:
    lo, hi = sorted((a, b))
    t_lo = totals_with(prep, take_up=take_up_at(prep, lo))
    t_hi = totals_with(prep, take_up=take_up_at(prep, hi))
    assert np.array_equal(t_lo[..., ELIGIBLE], t_hi[..., ELIGIBLE])
    assert (t_lo[..., BENEFICIARIES] <= t_hi[..., BENEFICIARIES]).all()
    assert (t_lo[..., TRANSFERS] <= t_hi[..., TRANSFERS]).all()
    assert (t_lo[..., HOUSEHOLDS_BENEFICIARIES] <= t_hi[..., HOUSEHOLDS_BENEFICIARIES]).all()


@given(a=shares, b=shares)
def test_cost_monotone_in_rollout(prep, a, b) -> None:
    lo, hi = sorted((a, b))
    shape = prep.rules.rollout.shape
    t_lo = totals_with(prep, rollout=np.full(shape, lo))
    t_hi = totals_with(prep, rollout=np.full(shape, hi))
    assert np.array_equal(t_lo[..., ELIGIBLE], t_hi[..., ELIGIBLE])
    # a once-only benefit paid earlier is not paid again later, so only the recurrent
    # programmes are monotone year by year; the once-only one is monotone in total
    once = prep.rules.once
    assert (t_lo[:, ~once, BENEFICIARIES] <= t_hi[:, ~once, BENEFICIARIES]).all()
    assert (t_lo[:, ~once, TRANSFERS] <= t_hi[:, ~once, TRANSFERS]).all()
    assert (t_lo[:, once, BENEFICIARIES].sum(axis=0)
            <= t_hi[:, once, BENEFICIARIES].sum(axis=0)).all()


def test_cost_monotone_along_a_grid(prep) -> None:
    """Beneficiaries strictly rise with take-up on a grid (the property is not vacuous)."""
    ben = [totals_with(prep, take_up=take_up_at(prep, t))[..., BENEFICIARIES].sum()
           for t in (0.0, 0.3, 0.6, 1.0)]
    assert ben[0] == 0.0
    assert ben[0] < ben[1] < ben[2] < ben[3]


def test_full_take_up_and_rollout_reach_every_eligible(prep) -> None:
    t = totals_with(prep, take_up=take_up_at(prep, 1.0), rollout=np.ones_like(prep.rules.rollout))
    # the child grant has no targeting errors: beneficiaries = eligible
    assert np.allclose(t[:, 0, BENEFICIARIES], t[:, 0, ELIGIBLE], rtol=1e-12)
    # a once-only benefit pays each person at most once
    assert (t[:, 2, BENEFICIARIES] <= t[:, 2, ELIGIBLE]).all()
    assert t[:, 2, BENEFICIARIES].sum() > 0
    # the household programme counts every member of a beneficiary household
    assert (t[:, 3, BENEFICIARIES] > t[:, 3, HOUSEHOLDS_BENEFICIARIES]).all()
    assert (t[:, 3, HOUSEHOLDS_BENEFICIARIES] > 0).all()


@pytest.fixture(scope="module")
def static_prep():
    return prepare(scenario_from_dict(STATIC))


def shuffle_households(pop: Population, r: np.random.Generator) -> Population:
    """Households in a random order (members kept together, as the kernel needs) and
    members shuffled within each; those present in the first year stay ahead of the
    newborns (a household's weight is its first record's)."""
    starts = np.flatnonzero(np.r_[True, pop.household_id[1:] != pop.household_id[:-1]])
    ends = np.r_[starts[1:], pop.n]
    order: list[int] = []
    for h in r.permutation(len(starts)):
        members = np.arange(starts[h], ends[h])
        present = pop.entry_year[members] <= pop.year
        order += [*r.permutation(members[present]), *r.permutation(members[~present])]
    return pop.take(np.array(order))


@given(st.integers(0, 2**32 - 1))
def test_eligible_invariant_under_household_permutation(static_prep, perm_seed) -> None:
    prep = static_prep
    pop = shuffle_households(prep.population, np.random.default_rng(perm_seed))
    assert not np.array_equal(pop.age, prep.population.age)
    rules = compile_rules(prep.scenario, pop, prep.rates.years, prep.macro.price_index)
    permuted = replace(prep, population=pop, rules=rules)
    a = project_totals(prep, chunk_size=700)
    b = project_totals(permuted, chunk_size=700)
    t0, pop0, t1, pop1 = a.programmes, a.population, b.programmes, b.population
    np.testing.assert_allclose(t1[..., ELIGIBLE], t0[..., ELIGIBLE], rtol=1e-12, atol=0)
    np.testing.assert_allclose(t1[..., HOUSEHOLDS_ELIGIBLE], t0[..., HOUSEHOLDS_ELIGIBLE],
                               rtol=1e-12, atol=0)
    np.testing.assert_allclose(pop1, pop0, rtol=1e-12, atol=1e-9)
    # with take-up and roll-out 1 and no targeting errors everyone eligible benefits
    np.testing.assert_allclose(t1[..., BENEFICIARIES], t0[..., BENEFICIARIES], rtol=1e-12)
    np.testing.assert_allclose(t1[..., TRANSFERS], t0[..., TRANSFERS], rtol=1e-12)
    # persons by welfare group, poverty and overlap do not depend on the order either
    for name in ("groups", "poverty", "histogram", "overlap"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-12, atol=1e-9,
                                   err_msg=name)
    assert (t0[..., ELIGIBLE].sum(axis=(0, 2)) > 0).all()
    assert t0[:, 3, :, HOUSEHOLDS_ELIGIBLE].sum() > 0
