"""The yearly pass of the birth cohorts (demography/projection.py, ``add_birth_cohorts``):
age every record already in to the start of a year, apply the survival of the year
before to its weight, and give each woman alive her weight x fertility (the weights
by which that year's mothers are drawn).

The pass goes over the women who may yet be mothers only (:func:`age_year_women`,
:func:`draw_mothers_among`, since round 8): a man's mother weight is 0 and his weight is
read by nothing else, and a woman past the oldest fertile age never becomes a mother.
One loop over them instead of numpy's seven temporaries a year; the same operations in
the same order on each element (one multiplication each), so the mother weights, the
mothers drawn and the generator's state are bit for bit those of the plain numpy pass
over every record and of ``Generator.choice`` (``age_year_reference`` in
tests/reference.py; tests/properties/test_births_kernel.py), in about two thirds of
the time of a pass over every record (docs/performance.md, "Round 8 (post)").
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def age_year_women(sex: np.ndarray, age: np.ndarray, entry: np.ndarray, weight: np.ndarray,
                   active: np.ndarray, n_active: int, year: int, survival: np.ndarray,
                   fertility: np.ndarray, max_age: int, fertile_until: int,
                   mother_weight: np.ndarray) -> int:
    """For the records listed in ``active[:n_active]`` (increasing indices: the women
    who may yet be mothers), the others left as they are: those entered (``entry <
    year``) have their weight multiplied in place by ``survival[sex, age at the start
    of year - 1]`` (ages capped at ``max_age``, floored at 0) and their mother weight
    set to the new weight x ``fertility[age at the start of year]``; those not yet
    entered get a mother weight of 0. ``survival[sex, age]`` and ``fertility[age]`` are
    the rates of the year before and of ``year``; ``age`` is the age in the record's
    entry year; weights in persons. Returns the new count, the list compacted in place
    without the women past ``fertile_until`` (the oldest age with a fertility above 0
    in any year: their mother weight, written 0 this year, stays 0).

    The records not listed are men, whose mother weight is 0 (the caller's zeros) and
    whose weights nothing else reads, and women past ``fertile_until``: so the mother
    weights of every record and the weights of the listed ones are those of the pass
    over every record, bit for bit, for weights and rates that are finite and not
    negative."""
    kept = 0
    for j in range(n_active):
        i = active[j]
        e = entry[i]
        if e < year:
            a = min(age[i] + (year - 1 - e), max_age)
            w = weight[i] * survival[sex[i], max(a, 0)]
            weight[i] = w
            a = min(age[i] + (year - e), max_age)
            mother_weight[i] = w * fertility[max(a, 0)]
            if a > fertile_until:
                continue  # past every year's fertility: never a mother again
        else:
            mother_weight[i] = 0.0
        active[kept] = i
        kept += 1
    return kept


@njit(cache=True, nogil=True)
def cumulative_shares_among(p: np.ndarray, active: np.ndarray, n_active: int, total: float,
                            cdf: np.ndarray) -> None:
    """``cdf[:n_active]``: the running sum of ``p / total`` at the indices
    ``active[:n_active]`` (increasing), divided by its last value, where every other
    element of ``p`` is 0. ``Generator.choice(len(p), n, p=p / total)`` computes the
    same over the whole array before drawing (``cumsum`` is a sequential sum); the
    running sum here skips only additions of 0.0, so each value is the full running
    sum's at that index, bit for bit. ``n_active`` must be at least 1."""
    s = 0.0
    for j in range(n_active):
        s += p[active[j]] / total
        cdf[j] = s
    last = cdf[n_active - 1]
    for j in range(n_active):
        cdf[j] /= last


def draw_mothers_among(rng: np.random.Generator, p: np.ndarray, active: np.ndarray,
                       n_active: int, n: int, cdf: np.ndarray) -> np.ndarray:
    """``n`` indices into ``p`` drawn with probabilities ``p / p.sum()`` (``p >= 0``,
    positive sum, 0 outside ``active[:n_active]``, increasing indices): the indices
    and random numbers of ``rng.choice(len(p), size=n, p=p / p.sum())`` without its
    checks of ``p`` (``cdf`` a buffer of at least ``n_active``). The total is
    ``p.sum()`` over the whole array (numpy's pairwise sum: the same rounding); the
    first index whose running share exceeds a random number is one where the share
    grew, so listed."""
    cumulative_shares_among(p, active, n_active, p.sum(), cdf)
    return active[np.searchsorted(cdf[:n_active], rng.random(n), side="right")]
