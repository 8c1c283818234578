"""The yearly pass of the birth cohorts (demography/projection.py, ``add_birth_cohorts``):
age every record already in to the start of a year, apply the survival of the year
before to its weight, and give each woman alive her weight x fertility (the weights
by which that year's mothers are drawn).

One loop over the records instead of numpy's seven temporaries a year; the same
operations in the same order on each element (one multiplication each), so the
weights and mother weights are bit-identical to the numpy version
(:func:`age_year_reference`; tests/properties/test_births_kernel.py).
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
