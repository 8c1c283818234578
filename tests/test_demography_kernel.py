"""The demography kernel (kernels/demography.py: population by sex and age, persons by
welfare group) against its plain-Python reference, and the engine's reuse of its
result (engine.demography_totals)."""

from __future__ import annotations

import numba
import numpy as np
import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate import engine
from simulate.kernels import demography as kd
from simulate.kernels import reduction as kr
from simulate.scenario import scenario_from_dict


@st.composite
def households(draw):
    """Records sorted by household (some members entering in a later year, some before
    the first, ages past MAX_AGE), a survival table, the first active year, the groups
    and chunk bounds."""
    n_years = draw(st.integers(1, 6))
    n_hh = draw(st.integers(1, 12))
    n_groups = draw(st.sampled_from([1, 10]))
    sizes = draw(st.lists(st.integers(1, 4), min_size=n_hh, max_size=n_hh))
    n = sum(sizes)
    hh_start = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    entry = np.array(draw(st.lists(st.integers(-2, n_years), min_size=n, max_size=n)),
                     dtype=np.int16)
    age0 = np.array(draw(st.lists(st.integers(0, 110), min_size=n, max_size=n)),
                    dtype=np.int16)
    age0[entry > 0] = 0  # newborns enter at age 0
    sex = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.int8)
    weight = np.array(draw(st.lists(st.floats(0.0, 1e4), min_size=n, max_size=n)))
    hh_group = draw(st.lists(st.integers(0, n_groups - 1), min_size=n_hh, max_size=n_hh))
    group = np.repeat(np.array(hh_group, dtype=np.int8), sizes)
    seed = draw(st.integers(0, 2**32 - 1))
    survival = np.random.default_rng(seed).uniform(0.5, 1.0, (n_years, 2, kd.MAX_AGE + 1))
    first_active = draw(st.integers(0, n_years))
    split = draw(st.lists(st.integers(1, n_hh), max_size=4))
    chunk_hh = np.array(sorted({0, n_hh, *split}), dtype=np.int64)
    return (hh_start, chunk_hh, sex, age0, entry, weight, group, survival, first_active,
            n_groups)


def kernel_chunks(case, threads: int) -> tuple[np.ndarray, np.ndarray]:
    hh_start, chunk_hh, sex, age0, entry, weight, group, survival, first_active, n_groups = \
        case
    k, n_years = len(chunk_hh) - 1, len(survival)
    pop = np.zeros((k, n_years, 2, kd.MAX_AGE + 1))
    grp = np.zeros((k, n_years, n_groups))
    kd.population_chunks(hh_start, chunk_hh, sex, age0, entry, weight, group, survival,
                         first_active, pop, grp, threads)
    return pop, grp


@settings(max_examples=150, deadline=None)
@given(households())
def test_kernel_equals_reference_bit_for_bit(case) -> None:
    """Every chunk's population by age and persons by group are the reference's, to the
    last bit, on one thread and on every thread."""
    want_pop, want_grp = ref.population_chunks(*case)
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        pop, grp = kernel_chunks(case, threads)
        np.testing.assert_array_equal(pop, want_pop)
        np.testing.assert_array_equal(grp, want_grp)


@settings(max_examples=60, deadline=None)
@given(households())
def test_chunks_sum_to_every_person_year(case) -> None:
    """Whatever the chunks, the totals are each present member's weight, survived year
    by year: the chunk sums added in chunk order agree with one chunk to 1e-12."""
    pop, grp = kernel_chunks(case, 1)
    whole = (*case[:1], np.array([0, len(case[0]) - 1], dtype=np.int64), *case[2:])
    one_pop, one_grp = kernel_chunks(whole, 1)
    total_pop, total_grp = np.zeros(pop.shape[1:]), np.zeros(grp.shape[1:])
    kr.reduce_chunks(pop, total_pop)
    kr.reduce_chunks(grp, total_grp)
    np.testing.assert_allclose(total_pop, one_pop[0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(total_grp, one_grp[0], rtol=1e-12, atol=0)
    first_active = case[8]
    np.testing.assert_allclose(total_grp.sum(axis=1)[first_active:],
                               total_pop.sum(axis=(1, 2))[first_active:], rtol=1e-12)
    assert not total_grp[:first_active].any()


def test_hand_computed_household() -> None:
    """A couple aged 30 and 101 (read as 100) weighted 10, and a child born in the second
    year weighted 4; survival 0.9 for men, 0.5 for women."""
    hh_start = np.array([0, 3], dtype=np.int64)
    sex = np.array([0, 1, 1], dtype=np.int8)
    age0 = np.array([30, 101, 0], dtype=np.int16)
    entry = np.array([0, 0, 1], dtype=np.int16)
    weight = np.array([10.0, 10.0, 4.0])
    survival = np.empty((3, 2, kd.MAX_AGE + 1))
    survival[:, 0], survival[:, 1] = 0.9, 0.5
    case = (hh_start, np.array([0, 1], dtype=np.int64), sex, age0, entry, weight,
            np.array([3, 3, 3], dtype=np.int8), survival, 1, 10)
    pop, grp = kernel_chunks(case, 1)
    assert pop[0, 0, 0, 30] == 10.0 and pop[0, 0, 1, 100] == 10.0
    assert pop[0, 1, 0, 31] == 9.0 and pop[0, 1, 1, 100] == 5.0 and pop[0, 1, 1, 0] == 4.0
    assert pop[0, 2, 0, 32] == 8.1 and pop[0, 2, 1, 100] == 2.5 and pop[0, 2, 1, 1] == 2.0
    assert pop.sum() == 20.0 + 18.0 + 12.6
    assert grp[0, :, 3].tolist() == [0.0, 18.0, 12.6] and grp.sum() == 30.6


def doc(amount: float = 100.0) -> dict:
    return {"scenario": {"name": "demog", "country": "lao", "start_year": 2025,
                         "end_year": 2029, "seed": 5},
            "population": {"records": 1500},
            "programmes": {"kids": {"eligibility": {"age": [0, 5]},
                                    "benefit": {"amount": amount}}}}


def test_engine_batches_equal_the_reference_in_batch_order(monkeypatch) -> None:
    """The engine's totals (many chunks, several batches) are the reference's chunks added
    in chunk order within each batch and the batches in order, bit for bit; the result is
    computed once per population and reused by a variant of the scenario."""
    engine.clear_population_cache()
    prep = engine.prepare(scenario_from_dict(doc()))
    chunk = 32
    totals = engine.project_draws(prep, [engine.draw_parameters(prep)], chunk_size=chunk)
    rec = engine.record_arrays(prep.population, int(prep.rates.years[0]), chunk)
    age, _, sex, entry, weight, _ = rec.columns
    first_active = int(prep.scenario.start_year - prep.rates.years[0])
    pop, grp = ref.population_chunks(rec.hh_start, rec.chunk_hh, sex, age, entry, weight,
                                     rec.group, prep.rates.survival, first_active,
                                     rec.n_groups)
    n_chunks = len(rec.chunk_hh) - 1
    assert n_chunks > 2 * engine.CHUNKS_PER_BATCH
    want_pop = want_grp = None
    for b in range(0, n_chunks, engine.CHUNKS_PER_BATCH):
        bp, bg = np.zeros(pop.shape[1:]), np.zeros(grp.shape[1:])
        for c in range(b, min(n_chunks, b + engine.CHUNKS_PER_BATCH)):
            bp += pop[c]
            bg += grp[c]
        want_pop = bp if want_pop is None else want_pop + bp
        want_grp = bg if want_grp is None else want_grp + bg
    np.testing.assert_array_equal(totals.population, want_pop)
    np.testing.assert_array_equal(totals.groups, want_grp)
    # reused: a variant (a parameter only) does not call the kernel again
    calls = []
    monkeypatch.setattr(engine, "population_chunks",
                        lambda *a: calls.append(a) or kd.population_chunks(*a))
    variant = engine.reprepare(prep, scenario_from_dict(doc(amount=300.0)))
    again = engine.project_draws(variant, [engine.draw_parameters(variant)], chunk_size=chunk)
    assert calls == []
    np.testing.assert_array_equal(again.population, totals.population)
    assert again.population is not totals.population  # a copy: the cache cannot be edited
    # another chunk size: computed again
    engine.project_draws(prep, [engine.draw_parameters(prep)], chunk_size=128)
    assert len(calls) == 1
    # one batch per kernel call instead of all: the same sums
    monkeypatch.setattr(engine, "DEMOGRAPHY_MEMORY", 1)
    engine._DEMOGRAPHY[0] = None
    apart = engine.project_draws(prep, [engine.draw_parameters(prep)], chunk_size=chunk)
    assert len(calls) == 1 + -(-n_chunks // engine.CHUNKS_PER_BATCH)
    np.testing.assert_array_equal(apart.population, totals.population)
    np.testing.assert_array_equal(apart.groups, totals.groups)


def test_survival_is_part_of_the_key() -> None:
    """The same population with another survival table (by content, not identity) is
    computed again; an equal copy of the table is not."""
    engine.clear_population_cache()
    prep = engine.prepare(scenario_from_dict(doc()))
    pop, first = prep.population, int(prep.rates.years[0])
    surv = prep.rates.survival
    a = engine.demography_totals(pop, first, surv, 0)
    assert engine.demography_totals(pop, first, surv.copy(), 0) is a
    lower = surv * 0.5
    b = engine.demography_totals(pop, first, lower, 0)
    assert b is not a
    assert (b.population[:, 1:].sum() < a.population[:, 1:].sum())
    assert np.array_equal(b.population[:, 0], a.population[:, 0])  # the first year: no survival
    assert engine.demography_totals(pop, first, lower, 1) is not b  # first active year
    engine.clear_population_cache()
    assert engine._DEMOGRAPHY[0] is None
