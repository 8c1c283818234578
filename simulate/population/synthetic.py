"""A synthetic population from a country profile, reproducible from the seed.

Method (docs/methods.md):

1. Households are drawn with size ``1 + Poisson(mean_size - 1)`` (at most 15).
   Each has a head (20-84, 80% men), a spouse of the other sex for most
   households of two or more, children aged 0-17 whose ages fit a mother aged
   15-49 at their birth, and further members (young adults and elderly
   relatives) drawn from the profile's age structure.
2. Household weights are calibrated by raking (Deville and Saerndal 1992,
   exponential distance) so that the weighted persons match the profile's
   population by sex and five-year age group exactly; all members of a
   household share its weight, so weights add up to the national population.
3. Region by household from the regional shares; urban by household with the
   urban share.
4. Welfare (annual consumption per capita, base-year local currency) is
   lognormal across households with ``sigma = sqrt(2) * Phi^-1((1 + gini) / 2)``,
   lower in larger and rural households, with its location set so that the
   weighted share of persons below the poverty line equals the profile's
   poverty rate.
5. Disability rises with age: ``p(age) = c * exp(0.035 * age)`` (at most 0.9),
   ``c`` chosen so the weighted prevalence equals the profile's (an inferred
   age pattern). A person is disabled while their own fixed uniform draw
   ``u(seed, record key, 0, DISABILITY)`` (simulate/population/identity.py) is
   below ``p(age)``, so the status persists and prevalence by age holds in
   every year (kernels/projection.py).
6. Months since the last birthday are uniform 0-11.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ..kernels.raking import jacobian
from ..kernels.rng import DISABILITY, uniform_units
from .identity import record_key
from .profiles import N_GROUPS, Profile
from .records import FEMALE, MALE, Population

MAX_SIZE = 15
_OLD_DECLINE = 0.82  # geometric decline of the 80+ group over single ages 80..99


def single_year_targets(profile: Profile) -> np.ndarray:
    """Persons by [sex, age 0..99]: groups spread evenly, 80+ declining geometrically."""
    out = np.zeros((2, 100))
    tail = _OLD_DECLINE ** np.arange(20)
    tail /= tail.sum()
    for sex, groups in ((MALE, profile.male), (FEMALE, profile.female)):
        for g in range(N_GROUPS - 1):
            out[sex, 5 * g:5 * g + 5] = groups[g] / 5.0
        out[sex, 80:] = groups[N_GROUPS - 1] * tail
    return out


def _draw_ages(rng: np.random.Generator, dist: np.ndarray, lo: int, hi: int, n: int) -> np.ndarray:
    p = dist[lo:hi] / dist[lo:hi].sum()
    return lo + rng.choice(hi - lo, size=n, p=p)


def _households(profile: Profile, n_records: int, rng: np.random.Generator):
    """Members of synthetic households: (household index, age, sex) arrays."""
    targets = single_year_targets(profile)
    both = targets.sum(axis=0)
    n_house = max(1, int(round(n_records / profile.mean_household_size)))
    size = np.minimum(1 + rng.poisson(max(0.0, profile.mean_household_size - 1), n_house),
                      MAX_SIZE)
    # heads
    head_age = _draw_ages(rng, both, 20, 85, n_house)
    # female headship rises with age (widowhood): 15% under 55, 45% from 75
    p_female_head = np.interp(head_age, [55, 75], [0.15, 0.45])
    head_sex = np.where(rng.random(n_house) < p_female_head, FEMALE, MALE)
    has_spouse = (size >= 2) & (rng.random(n_house) < 0.85) & (head_age < 80)
    spouse_sex = 1 - head_sex
    gap = np.round(rng.normal(3.0, 3.0, n_house)).astype(np.int64)
    spouse_age = np.clip(np.where(head_sex == MALE, head_age - gap, head_age + gap), 16, 95)
    # the woman of the couple (or a female head) bounds the children's ages
    mother_age = np.where(has_spouse, np.where(head_sex == FEMALE, head_age, spouse_age),
                          np.where(head_sex == FEMALE, head_age, head_age - 3))
    rest = size - 1 - has_spouse
    max_child = np.clip(mother_age - 15, -1, 17)
    # children's share of the members beyond head and spouse, from the profile's 0-17 share
    p_child = np.clip(both[:18].sum() / both.sum() * size.mean() / max(rest.mean(), 1e-9), 0, 1)
    n_child = np.where(max_child >= 0, rng.binomial(rest, p_child), 0)
    n_other = rest - n_child

    hh, ages, sexes = [np.arange(n_house)], [head_age], [head_sex]
    idx = np.nonzero(has_spouse)[0]
    hh.append(idx)
    ages.append(spouse_age[idx])
    sexes.append(spouse_sex[idx])
    # children: age uniform within the span the mother allows, weighted by the profile
    child_house = np.repeat(np.arange(n_house), n_child)
    span_hi = max_child[child_house]
    span_lo = np.maximum(0, mother_age[child_house] - 49)
    u = rng.random(len(child_house))
    child_age = np.minimum(span_lo + np.floor(u * (span_hi - span_lo + 1)).astype(np.int64),
                           span_hi)
    # re-draw a share of children from the national child age profile where it fits
    prof = _draw_ages(rng, both, 0, 18, len(child_house))
    fits = (prof >= span_lo) & (prof <= span_hi)
    child_age = np.where(fits, prof, child_age)
    hh.append(child_house)
    ages.append(child_age)
    sexes.append((rng.random(len(child_house)) < 1.0 / (1.0 + profile.sex_ratio_at_birth)).astype(np.int64))
    # other members (grandchildren, young adults, elderly relatives): drawn from what the
    # profile has and the members so far lack, by sex and single year of age
    other_house = np.repeat(np.arange(n_house), n_other)
    # members by sex and age (exact integer counts, as np.add.at of 1.0 gave them)
    have = np.bincount(np.concatenate(sexes).astype(np.intp) * 100
                       + np.minimum(np.concatenate(ages), 99).astype(np.intp),
                       minlength=200).astype(np.float64).reshape(2, 100)
    want = targets / targets.sum() * (have.sum() + len(other_house))
    residual = np.maximum(want - have, 0.0).ravel()
    if residual.sum() <= 0:
        residual = targets.ravel().copy()
    draws = rng.choice(residual.size, size=len(other_house), p=residual / residual.sum())
    hh.append(other_house)
    ages.append(draws % 100)
    sexes.append(draws // 100)
    house = np.concatenate(hh)
    order = np.argsort(house, kind="stable")
    return (house[order], np.concatenate(ages)[order].astype(np.int64),
            np.concatenate(sexes)[order].astype(np.int64), n_house, size)


def rake(counts: np.ndarray, targets: np.ndarray, base: np.ndarray,
         tol: float = 1e-10, max_iter: int = 100) -> np.ndarray:
    """Weights ``w = base * exp(counts @ lam)`` with ``w @ counts = targets`` (Newton).

    ``counts[h, c]`` is the number of members of household h in cell c. Raises
    ValueError when the targets cannot be met (a cell with no members).

    The sums run over the non-zero counts with ``np.bincount`` (sequential, in a fixed
    order), not through BLAS, whose threads change the rounding: the weights are the same
    bit for bit on every machine and thread count (a Dask worker builds the same
    population as this process).
    """
    if np.any((counts.sum(axis=0) == 0) & (targets > 0)):
        raise ValueError("a calibration cell has no records")
    n_house, n_cells = counts.shape
    h_idx, c_idx = np.nonzero(counts)  # row-major: grouped by household
    vals = counts[h_idx, c_idx].astype(np.float64)
    # each household's non-zero cells: the Jacobian sums over their ordered pairs
    # (kernels/raking.py, in the order of the former per-pair arrays)
    starts = np.r_[np.flatnonzero(np.r_[True, h_idx[1:] != h_idx[:-1]]), len(h_idx)]
    lam = np.zeros(n_cells)
    for _ in range(max_iter):
        eta = np.bincount(h_idx, weights=lam[c_idx] * vals, minlength=n_house)
        w = base * np.exp(np.clip(eta, -30, 30))
        resid = targets - np.bincount(c_idx, weights=w[h_idx] * vals, minlength=n_cells)
        if np.max(np.abs(resid) / np.maximum(targets, 1.0)) < tol:
            return w
        jac = jacobian(starts, h_idx, c_idx, vals, w, n_cells)
        step = np.linalg.solve(jac + 1e-9 * np.eye(n_cells), resid)
        lam += np.clip(step, -1.0, 1.0)
    raise ValueError("raking did not converge")


def _cells(house, cell, n_house, targets, n_cells):
    """Household-by-cell counts and targets, empty cells merged into the nearest
    non-empty cell of the same sex (small populations)."""
    present = np.bincount(cell, minlength=n_cells) > 0
    half = n_cells // 2
    merge = np.arange(n_cells)
    for c in np.nonzero(~present)[0]:
        s0 = (c // half) * half
        same = [s0 + g for g in range(half) if present[s0 + g]] or list(np.nonzero(present)[0])
        merge[c] = min(same, key=lambda d: (abs(d - c), d))
    merged = np.bincount(merge, weights=targets, minlength=n_cells)
    # members per household and cell are at most MAX_SIZE: uint8 (34 cells: 34 B a
    # household, not 272); rake reads them as float64, the same exact small integers
    counts = np.zeros((n_house, n_cells), dtype=np.uint8 if MAX_SIZE < 256 else np.float64)
    _count_cells(counts, house, cell)
    return (counts if present.all() else counts[:, present]), merged[present]


#: households per block of :func:`_count_cells` (its int64 counts: 8.9 MB at 34 cells)
COUNT_BLOCK = 1 << 15


def _count_cells(counts: np.ndarray, house: np.ndarray, cell: np.ndarray) -> None:
    """``counts[h, c] += 1`` for each member (``np.add.at(counts, (house, cell), 1)``):
    by ``np.bincount`` over blocks of :data:`COUNT_BLOCK` households when ``house`` is
    sorted (as :func:`_households` makes it), which is 15 times faster than ``add.at``
    and holds one block's int64 counts at a time; the same exact integer counts."""
    n_house, n_cells = counts.shape
    if len(house) and np.any(house[1:] < house[:-1]):
        np.add.at(counts, (house, cell), 1)
        return
    flat = counts.reshape(-1)
    bounds = np.searchsorted(house, np.arange(0, n_house + COUNT_BLOCK, COUNT_BLOCK))
    for k in range(len(bounds) - 1):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        if lo == hi:
            continue
        first = k * COUNT_BLOCK
        block = np.bincount((house[lo:hi] - first) * n_cells + cell[lo:hi],
                            minlength=min(COUNT_BLOCK, n_house - first) * n_cells)
        flat[first * n_cells:first * n_cells + len(block)] = block


def calibrate(house, age, sex, n_house, targets, base) -> np.ndarray:
    """Household weights matching persons by sex x five-year group (``targets``: males'
    17 groups then females'). Small populations where that is infeasible fall back to
    sex x ten-year groups, then to the total alone."""
    group5 = np.minimum(age // 5, N_GROUPS - 1)
    for group, n_groups, tgt in (
        (group5, N_GROUPS, targets),
        (group5 // 2, (N_GROUPS + 1) // 2,
         np.bincount(np.r_[np.arange(N_GROUPS) // 2, 9 + np.arange(N_GROUPS) // 2],
                     weights=targets, minlength=18)),
    ):
        counts, tg = _cells(house, sex * n_groups + group, n_house, tgt, 2 * n_groups)
        try:
            return rake(counts, tg, base)
        except ValueError:
            continue
    return base * (targets.sum() / (base @ np.bincount(house, minlength=n_house)))


def disability_by_age(prevalence: float, age: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Prevalence of disability by age 0..100: ``min(0.9, c * exp(0.035 * age))`` with
    ``c`` such that the weighted prevalence over (``age``, ``weight``) is ``prevalence``.

    The weighted sum is numpy's (``np.sum``, as ``weight.sum()`` beside it), not a BLAS
    dot product, whose threads change its rounding (it differed in the last digit
    between ``OPENBLAS_NUM_THREADS=1`` and 2), and which took 6 ms at 100,000 records on
    a loaded 2-core machine, against 0.1 ms."""
    ages = np.arange(101)
    shape = np.exp(0.035 * ages)
    at = shape[np.minimum(age, 100)]
    at *= weight
    c = prevalence * weight.sum() / float(np.sum(at)) if weight.sum() > 0 else 0.0
    return np.minimum(0.9, c * shape)


def synthetic_population(profile: Profile, n_records: int, seed: int) -> Population:
    """About ``n_records`` person records for ``profile.base_year`` (see module docstring)."""
    rng = np.random.default_rng([seed, 0x5E7])
    house, age, sex, n_house, size = _households(profile, n_records, rng)
    base = np.full(n_house, profile.total_population / len(age))
    hweight = calibrate(house, age, sex, n_house, np.r_[profile.male, profile.female], base)
    weight = hweight[house]

    region_h = rng.choice(len(profile.region_names), size=n_house, p=profile.region_shares)
    urban_h = rng.random(n_house) < profile.urban_share
    # welfare: larger and rural households poorer (standardised score), lognormal level
    hsize = np.bincount(house, minlength=n_house).astype(np.float64)
    score = (rng.standard_normal(n_house) - 0.35 * (hsize - hsize.mean()) / max(hsize.std(), 1e-9)
             + 0.6 * (urban_h - urban_h.mean()))
    score = (score - score.mean()) / score.std()
    sigma = float(np.sqrt(2.0) * ndtri((1.0 + profile.gini) / 2.0))
    person_score = score[house]
    order = np.argsort(person_score, kind="stable")
    cum = np.cumsum(weight[order])
    cum /= weight.sum()
    # the person at that place in the sorted order (its score alone, not the sorted copy);
    # the ranking's arrays freed before the records are built
    z_p = person_score[order[np.searchsorted(cum, profile.poverty_rate)]]
    del person_score, order, cum
    mu = np.log(profile.poverty_line) - sigma * z_p
    welfare_h = np.exp(mu + sigma * score)

    n = len(age)
    pop = Population(
        year=profile.base_year,
        household_id=house.astype(np.int64, copy=False),
        age=age.astype(np.int16),
        months=rng.integers(0, 12, n).astype(np.int8),
        sex=sex.astype(np.int8),
        region=region_h[house].astype(np.int16),
        urban=urban_h[house].astype(np.int8),
        disabled=np.zeros(n, dtype=np.int8),
        pregnant=np.zeros(n, dtype=np.int8),
        welfare=welfare_h[house],
        weight=weight,
        entry_year=np.full(n, profile.base_year, dtype=np.int16),
        region_names=profile.region_names,
        has_pregnant=False,
        has_months=True,
        source=f"synthetic:{profile.code}",
    )
    # the same draw the kernel makes for a record without data (keyed by its identity)
    curve = disability_by_age(profile.disability_prevalence, age, weight)
    disabled = uniform_units(seed, record_key(pop), 0, DISABILITY) < curve[
        np.minimum(age, len(curve) - 1)]
    return pop.with_arrays(disabled=disabled.astype(np.int8))
