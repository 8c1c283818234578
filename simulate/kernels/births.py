"""The yearly pass of the birth cohorts (demography/projection.py, ``add_birth_cohorts``):
age every record already in to the start of a year, apply the survival of the year
before to its weight, and give each woman alive her weight x fertility (the weights
by which that year's mothers are drawn).

One loop over the records instead of numpy's seven temporaries a year; the same
operations in the same order on each element (one multiplication each), so the
weights and mother weights are bit-identical to the numpy version
(:func:`age_year_reference`; tests/properties/test_births_kernel.py).

``add_birth_cohorts`` runs the pass over the women who may yet be mothers only
(:func:`age_year_women`, :func:`draw_mothers_among`, since round 8): a man's mother
weight is 0 and his weight is read by nothing else, and a woman past the oldest fertile
age never becomes a mother; the mother weights, the mothers drawn and the generator's
state are those of :func:`age_year` and :func:`draw_mothers`, bit for bit (the same
tests), in about two thirds of the time (docs/performance.md, "Round 8 (post)").
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def age_year(sex: np.ndarray, age: np.ndarray, entry: np.ndarray, weight: np.ndarray,
             size: int, year: int, survival: np.ndarray, fertility: np.ndarray,
             max_age: int, female: int, mother_weight: np.ndarray) -> None:
    """For the first ``size`` records, entered (``entry < year``) or not: multiply the
    weight in place by ``survival[sex, age at the start of year - 1]`` (ages capped at
    ``max_age``, floored at 0) and write to ``mother_weight`` the new weight x
    ``fertility[age at the start of year]`` for women (``sex == female``), else 0.

    ``survival[sex, age]`` and ``fertility[age]`` are the rates of the year before and
    of ``year``; ``age`` is the age in the record's entry year; weights in persons."""
    for i in range(size):
        e = entry[i]
        if e < year:
            a = min(age[i] + (year - 1 - e), max_age)
            w = weight[i] * survival[sex[i], max(a, 0)]
            weight[i] = w
            if sex[i] == female:
                a = min(age[i] + (year - e), max_age)
                mother_weight[i] = w * fertility[max(a, 0)]
            else:
                mother_weight[i] = 0.0
        else:
            mother_weight[i] = 0.0


def age_year_reference(sex: np.ndarray, age: np.ndarray, entry: np.ndarray,
                       weight: np.ndarray, size: int, year: int, survival: np.ndarray,
                       fertility: np.ndarray, max_age: int, female: int,
                       mother_weight: np.ndarray) -> None:
    """Plain numpy reference of :func:`age_year` (the former body of the yearly loop)."""
    sx, ag, en, wt = sex[:size], age[:size], entry[:size], weight[:size]
    alive = en < year
    a_prev = np.minimum(ag + (year - 1 - en), max_age)
    wt[:] = np.where(alive, wt * survival[sx, np.maximum(a_prev, 0)], wt)
    a_now = np.minimum(ag + (year - en), max_age)
    mother_weight[:size] = np.where(alive & (sx == female),
                                    wt * fertility[np.maximum(a_now, 0)], 0.0)


@njit(cache=True, nogil=True)
def cumulative_shares(p: np.ndarray, size: int, total: float, cdf: np.ndarray) -> None:
    """``cdf[:size]``: the running sum of ``p[:size] / total``, divided by its last
    value, as numpy's ``Generator.choice(size, n, p=p / total)`` computes it before
    drawing (``cumsum`` is a sequential sum: the same additions in the same order).
    ``size`` must be at least 1."""
    s = 0.0
    for i in range(size):
        s += p[i] / total
        cdf[i] = s
    last = cdf[size - 1]
    for i in range(size):
        cdf[i] /= last


def draw_mothers(rng: np.random.Generator, p: np.ndarray, n: int,
                 cdf: np.ndarray) -> np.ndarray:
    """``n`` indices into ``p`` drawn with probabilities ``p / p.sum()`` (``p >= 0``,
    positive sum): the indices and random numbers of ``rng.choice(len(p), size=n,
    p=p / p.sum())`` without its checks of ``p`` (``cdf`` a buffer of at least
    ``len(p)``)."""
    size = len(p)
    cumulative_shares(p, size, p.sum(), cdf)
    return np.searchsorted(cdf[:size], rng.random(n), side="right")


@njit(cache=True, nogil=True)
def age_year_women(sex: np.ndarray, age: np.ndarray, entry: np.ndarray, weight: np.ndarray,
                   active: np.ndarray, n_active: int, year: int, survival: np.ndarray,
                   fertility: np.ndarray, max_age: int, fertile_until: int,
                   mother_weight: np.ndarray) -> int:
    """:func:`age_year` for the records listed in ``active[:n_active]`` (increasing
    indices: the women who may yet be mothers), the others left as they are; returns
    the new count, the list compacted in place without the women past
    ``fertile_until`` (the oldest age with a fertility above 0 in any year: their
    mother weight, written 0 this year, stays 0).

    The records not listed are men, whose mother weight :func:`age_year` writes 0 and
    whose weights nothing else reads, and women past ``fertile_until``: so the mother
    weights of every record and the weights of the listed ones are those of
    :func:`age_year`, bit for bit (the same operations on the same elements), for
    weights and rates that are finite and not negative."""
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
    """``cdf[:n_active]``: :func:`cumulative_shares` of ``p`` at the indices
    ``active[:n_active]`` (increasing), where every other element of ``p`` is 0: the
    running sum skips only additions of 0.0, so each value is the full running sum's
    at that index, bit for bit. ``n_active`` must be at least 1."""
    s = 0.0
    for j in range(n_active):
        s += p[active[j]] / total
        cdf[j] = s
    last = cdf[n_active - 1]
    for j in range(n_active):
        cdf[j] /= last


def draw_mothers_among(rng: np.random.Generator, p: np.ndarray, active: np.ndarray,
                       n_active: int, n: int, cdf: np.ndarray) -> np.ndarray:
    """:func:`draw_mothers` where ``p`` is 0 outside ``active[:n_active]`` (increasing
    indices): the same indices and random numbers. The total is ``p.sum()`` over the
    whole array (numpy's pairwise sum: the same rounding); the first index whose
    running share exceeds a random number is one where the share grew, so listed."""
    cumulative_shares_among(p, active, n_active, p.sum(), cdf)
    return active[np.searchsorted(cdf[:n_active], rng.random(n), side="right")]
