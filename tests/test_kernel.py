"""The numba kernels against the plain-Python references in tests/reference.py."""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate.kernels import projection as kp
from simulate.kernels import rng

U64 = st.integers(min_value=0, max_value=2**64 - 1)


# ------------------------------------------------------------------------ rng
def test_uniform_known_keys() -> None:
    keys = [(0, 0, 0, 0), (1, 2, 3, 4), (2**64 - 1, 2**63, 12345, 5), (20250, 7, 2025, 5)]
    for k in keys:
        expected = ref.uniform(*k)
        got = rng.uniform(*(np.uint64(x) for x in k))
        assert got == expected
        assert 0.0 <= got < 1.0


@given(st.lists(st.tuples(U64, U64, U64, U64), min_size=1, max_size=50))
def test_uniform_matches_reference(keys) -> None:
    for k in keys:
        assert rng.uniform(*(np.uint64(x) for x in k)) == ref.uniform(*k)


def test_mix64_matches_reference() -> None:
    for z in [0, 1, 2**32, 2**63, 2**64 - 1, 0x9E3779B97F4A7C15]:
        assert int(rng.mix64(np.uint64(z))) == ref.mix64(z)


def test_uniform_is_roughly_uniform() -> None:
    u = np.array([ref.uniform(7, i, 3, 1) for i in range(4000)])
    assert abs(u.mean() - 0.5) < 0.02
    assert np.histogram(u, bins=4, range=(0, 1))[0].min() > 900


# ------------------------------------------------------------- projection kernel
@st.composite
def kernel_cases(draw):
    """A random small population, rule tables and demographic rates (kernel arguments)."""
    n = draw(st.integers(1, 60))
    n_years = draw(st.integers(1, 6))
    first_active = draw(st.integers(0, min(2, n_years - 1)))
    n_q = draw(st.integers(1, 5))
    n_static = draw(st.integers(0, 3))
    r = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    static_pool = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 2.5, 62.0, 63.0, np.nan])
    no_months = draw(st.sampled_from([0.0, 0.3, 1.0]))  # share of records without months
    fert_scale = draw(st.sampled_from([0.0, 0.5, 1.0]))
    case = dict(
        age0=r.integers(0, 106, n).astype(np.int64),
        months=np.where(r.random(n) < no_months, -1, r.integers(0, 12, n)).astype(np.int64),
        sex=r.integers(0, 2, n).astype(np.int64),
        entry_idx=np.where(r.random(n) < 0.7, 0, r.integers(0, n_years, n)).astype(np.int64),
        weight0=r.uniform(0.1, 1e4, n),
        uid=r.integers(0, 2**40, n).astype(np.int64),
        group=r.integers(0, n_q, n).astype(np.int64),
        percentile=np.where(r.random(n) < 0.2, np.inf, r.uniform(0, 100, n)),
        pregnant_data=r.integers(0, 2, n).astype(np.int64),
        disabled_data=r.integers(0, 2, n).astype(np.int64),
        static=np.ascontiguousarray(static_pool[r.integers(0, len(static_pool), (n_static, n))]),
        survival=np.where(r.random((n_years, 2, 101)) < 0.2, 1.0,
                          r.uniform(0.0, 1.0, (n_years, 2, 101))),
        fertility=fert_scale * r.uniform(0.0, 1.0, (n_years, 101)),
        disability=draw(st.sampled_from([0.0, 0.5, 1.0])) * r.uniform(0.0, 1.0, 101),
        years=(draw(st.integers(1990, 2100)) + np.arange(n_years)).astype(np.int64),
        first_active=first_active,
        has_pregnant_data=draw(st.booleans()),
        has_disabled_data=draw(st.booleans()),
    )
    # rule tables; bounds are drawn near the records' own values so that boundaries
    # (lo <= v < hi, months, codes 0 and 62) are hit often
    n_prog = draw(st.integers(1, 3))
    prog_group_start, group_cond_start = [0], [0]
    var, kind, lo, hi, mask = [], [], [], [], []
    dyn = [kp.VAR_AGE, kp.VAR_AGE_MONTHS, kp.VAR_PREGNANT, kp.VAR_DISABLED]
    codes_pool = st.sets(st.sampled_from([0, 1, 2, 3, 62]), max_size=4)
    for _ in range(n_prog):
        for _ in range(draw(st.integers(1, 3))):
            for _ in range(draw(st.integers(0, 2))):
                v = draw(st.sampled_from(dyn + list(range(n_static))))
                j = draw(st.integers(0, n - 1))  # a record whose value the bounds are near
                k = draw(st.integers(0, n_years - 1))
                age_j = int(case["age0"][j]) + k
                var.append(v)
                if v in (kp.VAR_PREGNANT, kp.VAR_DISABLED):
                    kind.append(draw(st.integers(0, 1)))
                    pair = draw(st.sampled_from([(1, 2), (0, 1), (0, 2)]))
                    lo.append(float(pair[0]) if kind[-1] == 0 else 0.0)
                    hi.append(float(pair[1]) if kind[-1] == 0 else 0.0)
                    mask.append(0 if kind[-1] == 0 else sum(1 << c for c in range(*pair)))
                elif draw(st.booleans()):  # a code set (bit mask)
                    kind.append(1)
                    lo.append(0.0)
                    hi.append(0.0)
                    codes = draw(codes_pool)
                    if v == kp.VAR_AGE and age_j < 63:
                        codes |= {age_j}
                    mask.append(sum(1 << c for c in codes))
                else:
                    kind.append(0)
                    if v == kp.VAR_AGE_MONTHS:
                        a = 12 * age_j + max(0, int(case["months"][j])) + draw(st.sampled_from([0, -1, 1]))
                        width = draw(st.sampled_from([1, 2, 12, 24, 600]))
                    elif v == kp.VAR_AGE:
                        a = age_j + draw(st.integers(-1, 1))
                        width = draw(st.sampled_from([1, 2, 5, 200]))
                    else:
                        a = draw(st.sampled_from([-1, 0, 1, 2, 62]))
                        width = draw(st.sampled_from([1, 2, 100]))
                    lo.append(float(a))
                    hi.append(float(a + width) + draw(st.sampled_from([0.0, 0.5, np.inf])))
                    mask.append(0)
            group_cond_start.append(len(var))
        prog_group_start.append(len(group_cond_start) - 1)
    share = st.one_of(st.just(1.0), st.just(1.0), st.floats(0.0, 1.0), st.just(0.0))
    case.update(
        prog_group_start=np.array(prog_group_start, dtype=np.int64),
        group_cond_start=np.array(group_cond_start, dtype=np.int64),
        cond_var=np.array(var, dtype=np.int64),
        cond_kind=np.array(kind, dtype=np.int64),
        cond_lo=np.array(lo, dtype=np.float64),
        cond_hi=np.array(hi, dtype=np.float64),
        cond_mask=np.array(mask, dtype=np.int64),
        take_up=np.array([draw(share) for _ in range(n_prog)]),
        rollout=np.array([[draw(share) for _ in range(n_years)] for _ in range(n_prog)]),
        amount=r.uniform(0.0, 1e6, (n_prog, n_years)),
        once=np.array([draw(st.booleans()) for _ in range(n_prog)]),
        target_kind=np.array([draw(st.integers(0, 1)) for _ in range(n_prog)], dtype=np.int64),
        target_pct=np.array([draw(st.floats(0.0, 100.0)) for _ in range(n_prog)]),
        exclusion=np.array([draw(share) for _ in range(n_prog)]),
        inclusion=np.array([draw(share) for _ in range(n_prog)]),
        stream=np.array([draw(st.integers(0, 2**64 - 1)) for _ in range(n_prog)],
                        dtype=np.uint64),
        seed=draw(st.integers(0, 2**63 - 1)),
    )
    return case, n_q


def run_kernel(case: dict, n_q: int, chunk_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's totals, reduced over chunks as the engine does."""
    n = len(case["age0"])
    n_years, n_prog = len(case["years"]), len(case["take_up"])
    n_chunks = (n + chunk_size - 1) // chunk_size
    out = np.zeros((n_chunks, n_years, n_prog, n_q, kp.N_MEASURES))
    pop_out = np.zeros((n_chunks, n_years, 2, kp.MAX_AGE + 1))
    args = {**case, "seed": np.uint64(case["seed"])}
    kp.project_records(**args, chunk_size=chunk_size, out=out, pop_out=pop_out)
    totals = np.zeros(out.shape[1:])
    population = np.zeros(pop_out.shape[1:])
    kp.reduce_chunks(out, totals)
    kp.reduce_chunks(pop_out, population)
    return totals, population


# cheap examples: more of them, so that rare branches (first-year pregnancy flags, records
# without months, code 62) are reached in every run
@settings(max_examples=max(300, settings.default.max_examples))
@given(kernel_cases())
def test_kernel_matches_reference(data) -> None:
    case, n_q = data
    expected, expected_pop = ref.project_records(**case, n_groups=n_q)
    for chunk_size in (1, 3, 4096):
        totals, population = run_kernel(case, n_q, chunk_size)
        np.testing.assert_allclose(totals, expected, rtol=1e-12, atol=0)
        np.testing.assert_allclose(population, expected_pop, rtol=1e-12, atol=0)


def test_kernel_reference_nontrivial() -> None:
    """A fixed case where every branch contributes (guards against a vacuous property)."""
    n, n_years = 400, 4
    r = np.random.default_rng(5)
    case = dict(
        age0=r.integers(0, 60, n).astype(np.int64), months=r.integers(-1, 12, n).astype(np.int64),
        sex=r.integers(0, 2, n).astype(np.int64), entry_idx=r.integers(0, 4, n).astype(np.int64),
        weight0=r.uniform(1, 10, n), uid=np.arange(n, dtype=np.int64),
        group=r.integers(0, 5, n).astype(np.int64), percentile=r.uniform(0, 100, n),
        pregnant_data=r.integers(0, 2, n).astype(np.int64),
        disabled_data=r.integers(0, 2, n).astype(np.int64),
        disability=np.linspace(0.0, 0.6, 101),
        static=np.ascontiguousarray(r.integers(0, 3, (1, n)).astype(np.float64)),
        survival=np.full((n_years, 2, 101), 0.9), fertility=np.full((n_years, 101), 0.2),
        years=np.arange(2025, 2025 + n_years, dtype=np.int64), first_active=1,
        has_pregnant_data=True, has_disabled_data=False,
        # programme 0: pregnant or age < 5 (group 0), or static code in {1} (group 1)
        # programme 1: age_months in [0, 600) with poverty targeting, once
        prog_group_start=np.array([0, 2, 3]), group_cond_start=np.array([0, 1, 2, 3, 4]),
        cond_var=np.array([kp.VAR_PREGNANT, 0, kp.VAR_AGE_MONTHS, kp.VAR_AGE]),
        cond_kind=np.array([0, 1, 0, 0]), cond_lo=np.array([1.0, 0, 0, 0]),
        cond_hi=np.array([2.0, 0, 600, 200]), cond_mask=np.array([0, 2, 0, 0]),
        take_up=np.array([0.7, 0.9]), rollout=np.array([[0.2, 0.5, 0.8, 1.0], [1, 1, 1, 1.0]]),
        amount=np.array([[10.0, 11, 12, 13], [100, 100, 100, 100]]),
        once=np.array([False, True]), target_kind=np.array([0, 1]),
        target_pct=np.array([0.0, 40.0]), exclusion=np.array([0.0, 0.2]),
        inclusion=np.array([0.0, 0.1]), stream=np.array([11, 22], dtype=np.uint64), seed=99,
    )
    case = {k: (np.asarray(v, dtype=np.int64) if k in ("prog_group_start", "group_cond_start",
                                                        "cond_var", "cond_kind", "cond_mask",
                                                        "target_kind") else v)
            for k, v in case.items()}
    expected, expected_pop = ref.project_records(**case, n_groups=5)
    totals, population = run_kernel(case, 5, 64)
    np.testing.assert_allclose(totals, expected, rtol=1e-12)
    np.testing.assert_allclose(population, expected_pop, rtol=1e-12)
    by_prog = totals.sum(axis=2)
    assert (by_prog[1:, :, kp.BENEFICIARIES] > 0).all()
    assert (by_prog[1:, :, kp.ELIGIBLE] > by_prog[1:, :, kp.BENEFICIARIES]).all()
    assert (by_prog[0] == 0).all()  # before first_active nothing is counted
    # once: programme 1 pays each person at most once, so beneficiaries fall over time
    assert by_prog[2, 1, kp.BENEFICIARIES] < by_prog[1, 1, kp.BENEFICIARIES]


# ----------------------------------------------------------------- reduce_chunks
@pytest.mark.parametrize("shape", [(1, 3), (7, 2, 3), (50, 4, 2, 5)])
def test_reduce_chunks_adds_in_chunk_order(shape) -> None:
    r = np.random.default_rng(len(shape))
    # magnitudes that make floating-point addition order visible
    chunks = r.standard_normal(shape) * 10.0 ** r.integers(-8, 9, shape)
    total = np.zeros(shape[1:])
    kp.reduce_chunks(chunks, total)
    expected = np.zeros(shape[1:])
    for c in range(shape[0]):
        expected = expected + chunks[c]
    assert np.array_equal(total, expected)
    again = np.zeros(shape[1:])
    kp.reduce_chunks(chunks, again)
    assert np.array_equal(total, again)


def test_reduce_chunks_accumulates_into_total() -> None:
    chunks = np.arange(12.0).reshape(3, 2, 2)
    total = np.ones((2, 2))
    kp.reduce_chunks(chunks, total)
    assert np.array_equal(total, 1.0 + chunks.sum(axis=0))
