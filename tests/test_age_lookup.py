"""The projection kernel's table of what to do with each programme per age
(kernels/conditions.py, ``_age_lookup``) against plain-Python definitions."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate.kernels import conditions as kc
from simulate.kernels import projection as kp

_BOUND = st.one_of(st.integers(-3, 130).map(float), st.floats(-5.0, 130.0),
                   st.just(np.inf), st.just(-np.inf), st.just(np.nan))
#: a condition: variable, kind (0 range, 1 codes), lo, hi
_COND = st.tuples(st.sampled_from([kp.VAR_AGE, kp.VAR_AGE, kp.VAR_AGE, kp.VAR_AGE_MONTHS,
                                   kp.VAR_PREGNANT, kp.VAR_DISABLED, 0]),
                  st.sampled_from([0, 0, 0, 1]), _BOUND, _BOUND)
_PROGRAMMES = st.lists(st.tuples(st.booleans(),  # monthly
                                 st.lists(st.lists(_COND, max_size=3), max_size=3)),
                       min_size=1, max_size=5)


def _tables(programmes):
    """The rule tables of ``programmes`` (monthly flag, groups of conditions)."""
    prog_start, cond_start, conds = [0], [0], []
    for _, groups in programmes:
        for g in groups:
            conds.extend(g)
            cond_start.append(len(conds))
        prog_start.append(len(cond_start) - 1)
    return dict(
        prog_group_start=np.array(prog_start, dtype=np.int64),
        group_cond_start=np.array(cond_start, dtype=np.int64),
        cond_var=np.array([c[0] for c in conds], dtype=np.int64),
        cond_kind=np.array([c[1] for c in conds], dtype=np.int64),
        cond_lo=np.array([c[2] for c in conds], dtype=np.float64),
        cond_hi=np.array([c[3] for c in conds], dtype=np.float64),
        monthly=np.array([m for m, _ in programmes], dtype=np.bool_),
    )


def _lookup(t: dict, first: int, n_ages: int):
    """``_age_lookup`` for one record aged ``first`` present from the first of
    ``n_ages`` years (so ages ``first`` to ``first + n_ages - 1``)."""
    return kc._age_lookup(np.array([first], dtype=np.int64), np.zeros(1, dtype=np.int64),
                          0, 1, n_ages, t["prog_group_start"], t["group_cond_start"],
                          t["cond_var"], t["cond_kind"], t["cond_lo"], t["cond_hi"],
                          t["monthly"])


@given(_PROGRAMMES, st.integers(0, 60), st.integers(1, 80))
@settings(max_examples=300, deadline=None)
def test_age_lookup_marks_exactly_the_programmes_to_evaluate(programmes, first,
                                                              n_ages) -> None:
    """A programme by whole years with only age ranges in years is eligible at exactly
    the ages at which one of its groups holds (each range tested on ``float(age)``, as
    the interpreter does), in both halves, and skipped elsewhere; any other programme is
    evaluated at the ages inside its window (first half) and at every age (second
    half), skipped elsewhere."""
    t = _tables(programmes)
    look, age_first = _lookup(t, first, n_ages)
    win = kc._age_windows(t["prog_group_start"], t["group_cond_start"], t["cond_var"],
                          t["cond_kind"], t["cond_lo"], t["cond_hi"])
    assert age_first == first and look.shape == (2 * n_ages, len(programmes))

    def holds(p: int, age: int) -> bool:
        return any(all(float(age) >= lo and float(age) < hi for _, _, lo, hi in g)
                   for g in programmes[p][1])

    exact = [not monthly and all(v == kp.VAR_AGE and k == 0 for g in groups
                                 for v, k, _, _ in g) for monthly, groups in programmes]
    for half in range(2):
        for r in range(n_ages):
            age = first + r
            got = list(look[half * n_ages + r])
            want = [(kc.LOOK_ELIGIBLE if holds(p, age) else kc.LOOK_SKIP) if exact[p] else
                    kc.LOOK_EVALUATE if half == 1 or win[p, 0] <= age < win[p, 1] else
                    kc.LOOK_SKIP for p in range(len(programmes))]
            assert got == want, (half, age)


def test_age_lookup_covers_the_chunks_ages() -> None:
    """The table's ages run from the youngest age any record has in a year it is present
    to the oldest: a record entering in year 2 at age 0, one aged 40 present from the
    start (entry index -3: already there), one never present (entry after the run)."""
    t = _tables([(False, [[(kp.VAR_AGE, 0, 0.0, 2.0)]])])
    look, age_first = kc._age_lookup(
        np.array([0, 40, 7], dtype=np.int64), np.array([2, -3, 9], dtype=np.int64), 0, 3, 5,
        t["prog_group_start"], t["group_cond_start"], t["cond_var"], t["cond_kind"],
        t["cond_lo"], t["cond_hi"], t["monthly"])
    # ages 0..2 (the newborn's years 2..4) and 43..47 (the other's years 0..4)
    assert age_first == 0 and look.shape == (2 * 48, 1)
    assert list(look[:3, 0]) == [kc.LOOK_ELIGIBLE, kc.LOOK_ELIGIBLE, kc.LOOK_SKIP]


def test_age_lookup_hand_case() -> None:
    """A child grant [0, 2), a pension [65, inf) and a grant with a disability condition:
    at ages 1, 30 and 70 the child grant, nothing and the pension are eligible (the third
    evaluated only inside its window, ages 4 to 18, or for everybody in the second
    half)."""
    programmes = [(False, [[(kp.VAR_AGE, 0, 0.0, 2.0)]]),
                  (False, [[(kp.VAR_AGE, 0, 65.0, np.inf)]]),
                  (False, [[(kp.VAR_AGE, 0, 5.0, 18.0), (kp.VAR_DISABLED, 0, 1.0, 2.0)]])]
    t = _tables(programmes)
    look, age_first = _lookup(t, 0, 81)
    assert age_first == 0

    def at(age: int, half: int = 0) -> str:  # skip ".", eligible "E", evaluate "?"
        return "".join(".E?"[k] for k in look[age + half * 81])

    assert (at(1), at(2), at(30), at(64), at(70)) == ("E..", "...", "...", "...", ".E.")
    assert (at(3), at(4), at(18), at(19)) == ("...", "..?", "..?", "...")
    assert (at(1, 1), at(30, 1), at(70, 1)) == ("E.?", "..?", ".E?")


@given(_PROGRAMMES, st.integers(0, 60), st.integers(1, 80), st.data())
@settings(max_examples=200, deadline=None)
def test_reach_rows_finds_the_first_row_that_looks_at_each_programme(programmes, first,
                                                                     n_ages, data) -> None:
    """``_reach_rows``: a span of rows within one half of the table reaches a programme
    (``reach[r_lo, p] <= r_hi``) exactly when one of its rows is not ``LOOK_SKIP`` for it
    (the kernel's test of whether a member's draws for the programme can be read), and
    the rows of one half never report the other half's."""
    t = _tables(programmes)
    look, _ = _lookup(t, first, n_ages)
    n_rows = look.shape[0] // 2
    reach = kc._reach_rows(look, n_rows)
    half = data.draw(st.integers(0, 1))
    r_lo = data.draw(st.integers(0, n_rows - 1))
    r_hi = data.draw(st.integers(r_lo, n_rows - 1))
    lo, hi = half * n_rows + r_lo, half * n_rows + r_hi
    for p in range(look.shape[1]):
        expected = any(look[r, p] != kc.LOOK_SKIP for r in range(lo, hi + 1))
        assert (reach[lo, p] <= hi) == expected
        assert reach[lo, p] >= lo
        assert reach[lo, p] == 2 * n_rows or reach[lo, p] < (half + 1) * n_rows


def test_reach_rows_hand_case() -> None:
    """Rows 0..3 of a child grant [0, 2) and a pension [65, inf) at ages 0..3: the grant
    is looked at from rows 0 and 1, the pension never (``2 n_rows``); in the second half
    the same."""
    t = _tables([(False, [[(kp.VAR_AGE, 0, 0.0, 2.0)]]),
                 (False, [[(kp.VAR_AGE, 0, 65.0, np.inf)]])])
    look, _ = _lookup(t, 0, 4)
    reach = kc._reach_rows(look, 4)
    assert list(reach[:, 0]) == [0, 1, 8, 8, 4, 5, 8, 8]
    assert list(reach[:, 1]) == [8] * 8
