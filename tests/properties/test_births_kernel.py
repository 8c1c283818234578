"""The birth cohorts' yearly pass (simulate/kernels/births.py): the numba kernel gives
bit for bit the weights and mothers' weights of its plain numpy reference, for any
records, ages, entry years and rates."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate.kernels.births import age_year, age_year_reference, draw_mothers

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
