"""The birth cohorts' yearly pass (simulate/kernels/births.py): the numba kernel gives
bit for bit the weights and mothers' weights of its plain numpy reference, for any
records, ages, entry years and rates; the pass over the women who may yet be mothers
only (``age_year_women``, ``draw_mothers_among``) gives the mother weights and the
mothers of the pass over every record, year after year, bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate.kernels.births import (
    age_year,
    age_year_reference,
    age_year_women,
    draw_mothers,
    draw_mothers_among,
)

MAX_AGE = 100


@st.composite
def cases(draw):
    n = draw(st.integers(0, 40))
    size = draw(st.integers(0, n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    year = draw(st.integers(2000, 2060))
    sex = rng.integers(0, 2, n).astype(np.int8)
    # ages past the cap and entry years after `year` (birth cohorts not yet born)
    age = rng.integers(0, 130, n).astype(np.int64) * (rng.random(n) < 0.8)
    entry = year + rng.integers(-40, 5, n).astype(np.int64)
    weight = rng.random(n) * draw(st.sampled_from([1.0, 1e-300, 1e6]))
    survival = rng.random((2, MAX_AGE + 1))
    fertility = rng.random(MAX_AGE + 1) * (rng.random(MAX_AGE + 1) < 0.5)
    return sex, age, entry, weight, size, year, survival, fertility


@settings(max_examples=200, deadline=None)
@given(cases())
def test_kernel_matches_reference_bit_for_bit(case) -> None:
    sex, age, entry, weight, size, year, survival, fertility = case
    w_kernel, w_ref = weight.copy(), weight.copy()
    m_kernel, m_ref = np.full(len(weight), -1.0), np.full(len(weight), -1.0)
    age_year(sex, age, entry, w_kernel, size, year, survival, fertility, MAX_AGE, 1, m_kernel)
    age_year_reference(sex, age, entry, w_ref, size, year, survival, fertility, MAX_AGE, 1,
                       m_ref)
    assert w_kernel.tobytes() == w_ref.tobytes()  # bit for bit, beyond size untouched
    assert m_kernel.tobytes() == m_ref.tobytes()


def test_hand_computed_case() -> None:
    """A woman aged 30 who entered in 2020, a man, and a birth cohort record of 2026,
    aged into 2025: her weight x survival at 34, her mother weight x fertility at 35."""
    sex = np.array([1, 0, 1], dtype=np.int8)
    age = np.array([30, 70, 0], dtype=np.int64)
    entry = np.array([2020, 2020, 2026], dtype=np.int64)
    weight = np.array([100.0, 50.0, 7.0])
    survival = np.full((2, MAX_AGE + 1), 0.5)
    survival[1, 34] = 0.9
    fertility = np.zeros(MAX_AGE + 1)
    fertility[35] = 0.1
    mother = np.zeros(3)
    age_year(sex, age, entry, weight, 3, 2025, survival, fertility, MAX_AGE, 1, mother)
    assert weight.tolist() == [90.0, 25.0, 7.0]
    assert mother.tolist() == [90.0 * 0.1, 0.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000), st.integers(1, 400),
       st.sampled_from([1.0, 1e-200, 1e200]), st.floats(0.01, 1.0))
def test_mothers_drawn_as_numpy_choice_draws_them(seed: int, m: int, n: int, scale: float,
                                                  share: float) -> None:
    """The same indices as ``Generator.choice(m, n, p=p / p.sum())`` and the generator
    left in the same state (its next number equal)."""
    g = np.random.default_rng(seed)
    p = g.random(m) * (g.random(m) < share) * scale
    if not p.sum() > 0:
        p[g.integers(0, m)] = scale
    a, b = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 1])
    expected = a.choice(m, size=n, p=p / p.sum())
    got = draw_mothers(b, p, n, np.empty(m + 3))
    assert np.array_equal(got, expected)
    assert a.random() == b.random()


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(-1, MAX_AGE))
def test_women_only_pass_matches_the_full_pass(case, fertile_until: int) -> None:
    """Every record's mother weight and the listed women's weights as :func:`age_year`
    gives them (fertility 0 past ``fertile_until``); the list keeps, in order, the
    women not past it."""
    sex, age, entry, weight, size, year, survival, fertility = case
    fertility[fertile_until + 1:] = 0.0
    w_full, w_women = weight.copy(), weight.copy()
    m_full, m_women = np.zeros(len(weight)), np.zeros(len(weight))
    age_year(sex, age, entry, w_full, size, year, survival, fertility, MAX_AGE, 1, m_full)
    women = np.flatnonzero(sex[:size] == 1)
    active = np.r_[women, -np.ones(3, dtype=np.int64)]
    kept = age_year_women(sex, age, entry, w_women, active, len(women), year, survival,
                          fertility, MAX_AGE, fertile_until, m_women)
    assert m_women.tobytes() == m_full.tobytes()
    assert w_women[women].tobytes() == w_full[women].tobytes()
    now = np.minimum(age + (year - entry), MAX_AGE)
    stay = women[(entry[women] >= year) | (now[women] <= fertile_until)]
    assert active[:kept].tolist() == stay.tolist()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000), st.integers(1, 400),
       st.sampled_from([1.0, 1e-200, 1e200]), st.floats(0.01, 1.0))
def test_mothers_drawn_among_the_listed_as_over_all(seed: int, m: int, n: int,
                                                    scale: float, share: float) -> None:
    """p zero outside a list of increasing indices (some listed ones zero too): the
    mothers and the generator's state of :func:`draw_mothers` over the whole array."""
    g = np.random.default_rng(seed)
    listed = np.flatnonzero(g.random(m) < share)
    if len(listed) == 0:
        listed = np.array([g.integers(0, m)])
    p = np.zeros(m)
    p[listed] = g.random(len(listed)) * (g.random(len(listed)) < 0.8) * scale
    if not p.sum() > 0:
        p[listed[-1]] = scale
    a, b = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 1])
    expected = draw_mothers(a, p, n, np.empty(m))
    got = draw_mothers_among(b, p, listed, len(listed), n, np.empty(m))
    assert np.array_equal(got, expected)
    assert a.random() == b.random()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(2, 25))
def test_years_of_births_women_only_as_over_everyone(seed: int, n: int, years: int) -> None:
    """The yearly loop of ``add_birth_cohorts`` both ways (newborn girls joining the
    list, women dropped past their fertility): the same mothers every year."""
    g = np.random.default_rng(seed)
    cap = n + 4 * years
    sex = np.zeros(cap, dtype=np.int8)
    sex[:n] = g.integers(0, 2, n)
    age = np.zeros(cap, dtype=np.int64)
    age[:n] = g.integers(0, 101, n)
    entry = np.full(cap, 2000, dtype=np.int64)
    weight = np.zeros(cap)
    weight[:n] = g.random(n) * 100
    survival = 0.9 + 0.1 * g.random((years, 2, MAX_AGE + 1))
    fertility = np.zeros((years, MAX_AGE + 1))
    fertility[:, 15:g.integers(16, 60)] = g.random((years, 1)) * 0.2
    fertile_until = int(np.flatnonzero(fertility.any(axis=0))[-1])
    full = (weight.copy(), np.zeros(cap), np.random.default_rng(seed))
    women = (weight.copy(), np.zeros(cap), np.random.default_rng(seed))
    active = np.empty(cap, dtype=np.int32)  # as add_birth_cohorts lists them
    listed = np.flatnonzero(sex[:n] == 1)
    n_active = len(listed)
    active[:n_active] = listed
    size = n
    for k in range(1, years):
        year = 2000 + k
        age_year(sex, age, entry, full[0], size, year, survival[k - 1], fertility[k],
                 MAX_AGE, 1, full[1])
        n_active = age_year_women(sex, age, entry, women[0], active, n_active, year,
                                  survival[k - 1], fertility[k], MAX_AGE, fertile_until,
                                  women[1])
        assert women[1][:size].tobytes() == full[1][:size].tobytes()
        if not full[1][:size].sum() > 0:
            continue
        got = draw_mothers_among(women[2], women[1][:size], active, n_active, 4,
                                 np.empty(cap))
        assert np.array_equal(got, draw_mothers(full[2], full[1][:size], 4, np.empty(cap)))
        sex[size:size + 4] = (0, 0, 1, 1)
        entry[size:size + 4] = year
        full[0][size:size + 4] = women[0][size:size + 4] = 1.0
        active[n_active:n_active + 2] = (size + 2, size + 3)
        n_active += 2
        size += 4
