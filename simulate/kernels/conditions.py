"""The eligibility conditions' helpers of the projection kernel
(:mod:`simulate.kernels.projection`): a condition on a value, the months of a year in
which an age or a pregnancy condition holds, the month of enrolment under a roll-out,
each programme's age window, and a chunk's table by age of what to do with each
programme. Hot loop only: nothing else of the package is imported.
"""

import numpy as np
from numba import njit

# condition variables (cond_var < 0); >= 0 indexes a row of `static`
VAR_AGE = -1
VAR_AGE_MONTHS = -2
VAR_PREGNANT = -3
VAR_DISABLED = -4
ALL_MONTHS = 0xFFF
PREGNANCY_MONTHS = 9
#: a bound beyond any age in years (the age windows' "unbounded")
WINDOW_INF = 1 << 40


@njit(cache=True)
def _holds(v, kind, lo, hi, mask):
    if kind == 0:
        return v >= lo and v < hi
    if v < 0.0 or v >= 63.0 or v != np.floor(v):
        return False
    return (mask >> np.int64(v)) & np.int64(1) == np.int64(1)


@njit(cache=True)
def _popcount12(mask):
    """The number of bits set among bits 0..11 of ``mask`` (months of a 12-bit mask),
    counted in parallel within the word (pairs, nibbles, bytes): the same integer as
    adding ``(mask >> t) & 1`` for t = 0..11, in a few operations that LLVM inlines into
    the monthly programme loop's draws (the loop was a call per paid draw there:
    docs/performance.md, "Round 9 (mc3)")."""
    v = mask & 0xFFF
    v = v - ((v >> 1) & 0x555)
    v = (v & 0x333) + ((v >> 2) & 0x333)
    v = (v + (v >> 4)) & 0x0F0F
    return (v + (v >> 8)) & 0x1F


@njit(cache=True)
def _age_mask(age, birth_month, kind, lo, hi, cmask, in_months):
    """Months t (bits 0..11) of the year in which a person aged ``age`` on their
    birthday in the year (born in month ``birth_month``) meets an age condition: age in
    completed months ``12 age + t - birth_month`` (``in_months``) or completed years."""
    first = 12 * age - birth_month  # age in months in January
    if kind == 0 and first >= 0:
        # a range: the year's ages all inside it, or all outside (most persons)
        v0 = float(first) if in_months else float(first // 12)
        v1 = float(first + 11) if in_months else float((first + 11) // 12)
        if v0 >= lo and v1 < hi:
            return ALL_MONTHS
        if v1 < lo or v0 >= hi:
            return 0
    out = 0
    for t in range(12):
        am = 12 * age + t - birth_month
        if am < 0:
            continue
        v = float(am) if in_months else float(am // 12)
        if _holds(v, kind, lo, hi, cmask):
            out |= 1 << t
    return out


@njit(cache=True)
def _pregnancy_mask(birth_this, month_this, birth_next, month_next, registered):
    """Months of the year paid for pregnancies: a birth in month b (of this year, or
    of the next as b + 12) is preceded by PREGNANCY_MONTHS months of pregnancy, paid
    from month ``registered`` of the pregnancy (0 = from conception) to the month
    before the birth."""
    out = 0
    for k in range(2):
        if k == 0 and not birth_this:
            continue
        if k == 1 and not birth_next:
            continue
        b = month_this if k == 0 else month_next + 12
        for t in range(b - PREGNANCY_MONTHS + registered, b):
            if 0 <= t < 12:
                out |= 1 << t
    return out


@njit(cache=True)
def _enrolled_from(age, birth_month, lo, hi, u_roll, rollout_p, y, d):
    """The first month (relative to January of year ``y``; may be negative or past
    11) in which a person is enrolled: aged ``lo <= months < hi`` and reached by the
    roll-out of that month's year (years outside the run read the nearest run year);
    a large number if never."""
    n_years = rollout_p.shape[0]
    for am in range(lo, hi):
        t = am + birth_month - 12 * age
        yi = y + (t // 12)
        yi = min(max(yi, 0), n_years - 1)
        if u_roll < rollout_p[yi, d]:
            return t
    return 1 << 30


@njit(cache=True)
def _age_windows(prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi):
    """Per programme, ages in years ``[lo, hi)`` outside which a member meets none of its
    groups in any month of the year: the hull over its groups of each group's age and
    age-in-months ranges, widened by a year on each side (so that it holds for ages in
    completed months ``12 age + m``, ``m`` in -11..11, as well as in years). A programme
    without groups has an empty window; one with a group without an age range, none."""
    n_prog = prog_group_start.shape[0] - 1
    win = np.empty((n_prog, 2), dtype=np.int64)
    for p in range(n_prog):
        lo_p = WINDOW_INF
        hi_p = -WINDOW_INF
        for g in range(prog_group_start[p], prog_group_start[p + 1]):
            glo = -WINDOW_INF
            ghi = WINDOW_INF
            for q in range(group_cond_start[g], group_cond_start[g + 1]):
                var = cond_var[q]
                if cond_kind[q] != 0 or (var != VAR_AGE and var != VAR_AGE_MONTHS):
                    continue
                lo = cond_lo[q]
                hi = cond_hi[q]
                if lo != lo or hi != hi:  # NaN: the condition never holds
                    glo = WINDOW_INF
                    continue
                lo = min(max(lo, -1e6), 1e6)
                hi = min(max(hi, -1e6), 1e6)
                if var == VAR_AGE:
                    glo = max(glo, int(np.floor(lo)) - 1)
                    ghi = min(ghi, int(np.ceil(hi)) + 1)
                else:
                    glo = max(glo, int(np.floor((lo - 11.0) / 12.0)) - 1)
                    ghi = min(ghi, int(np.ceil((hi + 11.0) / 12.0)) + 1)
            lo_p = min(lo_p, glo)
            hi_p = max(hi_p, ghi)
        win[p, 0] = lo_p
        win[p, 1] = hi_p
    return win


#: what :func:`_age_lookup` says of a programme at an age
LOOK_SKIP = 0  # not eligible: not looked at
LOOK_ELIGIBLE = 1  # eligible (decided by the age alone)
LOOK_EVALUATE = 2  # to be evaluated (inside the programme's age window)


@njit(cache=True)
def _age_lookup(age0, entry_idx, first, last, n_years, prog_group_start, group_cond_start,
                cond_var, cond_kind, cond_lo, cond_hi, monthly):
    """What to do with each programme for the records ``first`` to ``last - 1`` (a
    chunk), by age in years: ``(look, age_first)``, ``look[r, p]`` for a member aged
    ``a = age_first + r`` whose months are in 0..11 (the age windows hold) and
    ``look[n_rows + r, p]`` for the others (windows not applied), ``n_rows`` covering
    every age the records reach over the ``n_years`` years.

    A programme by whole years each of whose groups holds only ranges on the age in
    years (``VAR_AGE``, kind 0; a group without conditions holds at every age) is
    decided by the age alone: ``LOOK_ELIGIBLE`` at the ages at which one of its groups
    holds (each range tested on ``float(a)`` as the kernel tests it), else
    ``LOOK_SKIP``. Any other programme is ``LOOK_EVALUATE`` at the ages inside its
    window (:func:`_age_windows`), or at every age in the second half, else
    ``LOOK_SKIP``."""
    age_first = 1 << 40
    age_last = -(1 << 40)
    for i in range(first, last):
        if entry_idx[i] < n_years:  # present in some year: ages from its first year on
            age_first = min(age_first, age0[i] + max(entry_idx[i], 0) - entry_idx[i])
            age_last = max(age_last, age0[i] + n_years - 1 - entry_idx[i])
    win = _age_windows(prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo,
                       cond_hi)
    n_prog = prog_group_start.shape[0] - 1
    n_rows = max(age_last - age_first + 1, 0)
    look = np.zeros((2 * n_rows, n_prog), dtype=np.uint8)
    for p in range(n_prog):
        exact = not monthly[p]
        for q in range(group_cond_start[prog_group_start[p]],
                       group_cond_start[prog_group_start[p + 1]]):
            if cond_var[q] != VAR_AGE or cond_kind[q] != 0:
                exact = False
        for r in range(n_rows):
            a = age_first + r
            if exact:
                v = float(a)
                for g in range(prog_group_start[p], prog_group_start[p + 1]):
                    ok = True
                    for q in range(group_cond_start[g], group_cond_start[g + 1]):
                        if not _holds(v, 0, cond_lo[q], cond_hi[q], 0):
                            ok = False
                            break
                    if ok:
                        look[r, p] = LOOK_ELIGIBLE
                        look[n_rows + r, p] = LOOK_ELIGIBLE
                        break
            else:
                if a >= win[p, 0] and a < win[p, 1]:
                    look[r, p] = LOOK_EVALUATE
                look[n_rows + r, p] = LOOK_EVALUATE
    return look, age_first


@njit(cache=True)
def _reach_rows(look, n_rows):
    """Per row ``r`` of an :func:`_age_lookup` table and programme ``p``, the first row
    ``r2 >= r`` of the same half (rows ``0..n_rows - 1``, or ``n_rows..2 n_rows - 1``)
    at which ``p`` is not ``LOOK_SKIP``, else ``2 n_rows``: a member whose years read the
    rows ``r..r_last`` (one half: its ages over the horizon) is looked at for ``p`` in
    some year only if ``reach[r, p] <= r_last``."""
    n_prog = look.shape[1]
    reach = np.empty(look.shape, dtype=np.int64)
    for half in range(2):
        for p in range(n_prog):
            nxt = 2 * n_rows
            for r in range(half * n_rows + n_rows - 1, half * n_rows - 1, -1):
                if look[r, p] != LOOK_SKIP:
                    nxt = r
                reach[r, p] = nxt
    return reach
