"""The birth cohorts' yearly pass (simulate/kernels/births.py): the pass over the women
who may yet be mothers only (``age_year_women``, ``draw_mothers_among``) gives, bit for
bit, the mother weights of the plain numpy pass over every record
(:func:`age_year_reference`, the former body of the yearly loop) and the mothers and
generator state of ``Generator.choice``, for any records, ages, entry years and rates,
year after year."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate.kernels.births import age_year_women, draw_mothers_among

MAX_AGE = 100


def age_year_reference(sex: np.ndarray, age: np.ndarray, entry: np.ndarray,
                       weight: np.ndarray, size: int, year: int, survival: np.ndarray,
                       fertility: np.ndarray, max_age: int, female: int,
                       mother_weight: np.ndarray) -> None:
    """Plain numpy: for the first ``size`` records, those entered (``entry < year``)
    have their weight multiplied by ``survival[sex, age at the start of year - 1]``
    (ages capped at ``max_age``, floored at 0); each record's mother weight is its new
    weight x ``fertility[age at the start of year]`` for an entered woman, else 0."""
    sx, ag, en, wt = sex[:size], age[:size], entry[:size], weight[:size]
    alive = en < year
    a_prev = np.minimum(ag + (year - 1 - en), max_age)
    wt[:] = np.where(alive, wt * survival[sx, np.maximum(a_prev, 0)], wt)
    a_now = np.minimum(ag + (year - en), max_age)
    mother_weight[:size] = np.where(alive & (sx == female),
                                    wt * fertility[np.maximum(a_now, 0)], 0.0)


def choice(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """The mothers as numpy draws them: ``n`` indices with probabilities ``p / p.sum()``."""
    return rng.choice(len(p), size=n, p=p / p.sum())


def women_pass(sex, age, entry, weight, size, year, survival, fertility, mother,
               fertile_until=MAX_AGE):
    """``age_year_women`` over every woman among the first ``size`` records; returns the
    women and the compacted list's length."""
    women = np.flatnonzero(sex[:size] == 1)
    active = np.r_[women, -np.ones(3, dtype=np.int64)]
    kept = age_year_women(sex, age, entry, weight, active, len(women), year, survival,
                          fertility, MAX_AGE, fertile_until, mother)
    return women, active, kept


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
    """Every woman listed: the women's weights and every record's mother weight (the
    men's left at the caller's zeros) are the reference's; nothing else is touched."""
    sex, age, entry, weight, size, year, survival, fertility = case
    w_kernel, w_ref = weight.copy(), weight.copy()
    m_kernel, m_ref = np.zeros(len(weight)), np.full(len(weight), -1.0)
    m_ref[size:] = 0.0
    women, _, _ = women_pass(sex, age, entry, w_kernel, size, year, survival, fertility,
                             m_kernel)
    age_year_reference(sex, age, entry, w_ref, size, year, survival, fertility, MAX_AGE, 1,
                       m_ref)
    assert w_kernel[women].tobytes() == w_ref[women].tobytes()
    others = np.setdiff1d(np.arange(len(weight)), women)
    assert w_kernel[others].tobytes() == weight[others].tobytes()  # men, beyond size
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
    women, active, kept = women_pass(sex, age, entry, weight, 3, 2025, survival, fertility,
                                     mother)
    assert weight.tolist() == [90.0, 50.0, 7.0]  # the man's weight is not read: untouched
    assert mother.tolist() == [90.0 * 0.1, 0.0, 0.0]
    assert active[:kept].tolist() == [0, 2]
    # a year on she is 36, past the oldest fertile age (35 here): her weight x
    # survival at 35, her mother weight 0, and she leaves the list
    kept = age_year_women(sex, age, entry, weight, active, kept, 2026, survival, fertility,
                          MAX_AGE, 35, mother)
    assert weight.tolist() == [45.0, 50.0, 7.0]
    assert mother.tolist() == [0.0, 0.0, 0.0]
    assert active[:kept].tolist() == [2]


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
    got = draw_mothers_among(b, p, np.arange(m), m, n, np.empty(m + 3))
    assert np.array_equal(got, expected)
    assert a.random() == b.random()


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(-1, MAX_AGE))
def test_women_only_pass_matches_the_full_pass(case, fertile_until: int) -> None:
    """Every record's mother weight and the listed women's weights as the pass over
    every record gives them (fertility 0 past ``fertile_until``); the list keeps, in order, the
    women not past it."""
    sex, age, entry, weight, size, year, survival, fertility = case
    fertility[fertile_until + 1:] = 0.0
    w_full, w_women = weight.copy(), weight.copy()
    m_full, m_women = np.zeros(len(weight)), np.zeros(len(weight))
    age_year_reference(sex, age, entry, w_full, size, year, survival, fertility, MAX_AGE, 1,
                       m_full)
    women, active, kept = women_pass(sex, age, entry, w_women, size, year, survival,
                                     fertility, m_women, fertile_until)
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
    mothers and the generator's state of numpy's choice over the whole array."""
    g = np.random.default_rng(seed)
    listed = np.flatnonzero(g.random(m) < share)
    if len(listed) == 0:
        listed = np.array([g.integers(0, m)])
    p = np.zeros(m)
    p[listed] = g.random(len(listed)) * (g.random(len(listed)) < 0.8) * scale
    if not p.sum() > 0:
        p[listed[-1]] = scale
    a, b = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 1])
    expected = choice(a, p, n)
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
        age_year_reference(sex, age, entry, full[0], size, year, survival[k - 1],
                           fertility[k], MAX_AGE, 1, full[1])
        n_active = age_year_women(sex, age, entry, women[0], active, n_active, year,
                                  survival[k - 1], fertility[k], MAX_AGE, fertile_until,
                                  women[1])
        assert women[1][:size].tobytes() == full[1][:size].tobytes()
        if not full[1][:size].sum() > 0:
            continue
        got = draw_mothers_among(women[2], women[1][:size], active, n_active, 4,
                                 np.empty(cap))
        assert np.array_equal(got, choice(full[2], full[1][:size], 4))
        sex[size:size + 4] = (0, 0, 1, 1)
        entry[size:size + 4] = year
        full[0][size:size + 4] = women[0][size:size + 4] = 1.0
        active[n_active:n_active + 2] = (size + 2, size + 3)
        n_active += 2
        size += 4
