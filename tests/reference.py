"""Plain-Python references for the numba kernels (no numba, no vectorisation).

Written from the module docstrings of ``simulate/kernels/rng.py`` and
``simulate/kernels/projection.py``, loop by loop, so that a property test can
compare the compiled kernels with code a reader can check line by line.
"""

from __future__ import annotations

import math

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB

# purposes of draws (the fourth key), as in kernels/rng.py
TAKE_UP = 1
ROLLOUT = 2
EXCLUSION = 3
INCLUSION = 4
PREGNANCY = 5
DISABILITY = 6

# condition variables and measures, as in kernels/projection.py
VAR_AGE = -1
VAR_AGE_MONTHS = -2
VAR_PREGNANT = -3
VAR_DISABLED = -4
ELIGIBLE, BENEFICIARIES, TRANSFERS = 0, 1, 2
BENEFICIARIES_AT_BIRTH = 3
N_MEASURES = 4
MAX_AGE = 100


def mix64(z: int) -> int:
    """SplitMix64 finaliser on a Python int, wrapped to 64 bits."""
    z = (z + GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * M1) & MASK64
    z = ((z ^ (z >> 27)) * M2) & MASK64
    return z ^ (z >> 31)


def uniform(seed: int, a: int, b: int, c: int) -> float:
    """The draw keyed by (seed, a, b, c) in [0, 1): top 53 bits of the hash times 2**-53."""
    h = mix64(int(seed) & MASK64)
    h = mix64(h ^ (int(a) & MASK64))
    h = mix64(h ^ (int(b) & MASK64))
    h = mix64(h ^ (int(c) & MASK64))
    return (h >> 11) * 2.0**-53


def holds(v: float, kind: int, lo: float, hi: float, mask: int) -> bool:
    """A condition: range ``lo <= v < hi`` (kind 0) or an integer code in a bit mask."""
    if kind == 0:
        return lo <= v < hi
    if v != v or v < 0.0 or v >= 63.0 or v != math.floor(v):
        return False
    return (int(mask) >> int(v)) & 1 == 1


def project_records(
    age0, months, sex, entry_idx, weight0, uid, group, percentile, pregnant_data,
    disabled_data, static, survival, fertility, disability, years, first_active,
    has_pregnant_data, has_disabled_data,
    prog_group_start, group_cond_start, cond_var, cond_kind, cond_lo, cond_hi, cond_mask,
    take_up, rollout, amount, once, target_kind, target_pct, exclusion, inclusion, stream,
    seed, n_groups,
):
    """Totals ``[year, programme, group, measure]`` and weights alive ``[year, sex, age]``.

    Same arguments as the kernel, without chunking (``n_groups``: quintile groups).
    """
    n, n_years, n_prog = len(age0), len(years), len(take_up)
    out = np.zeros((n_years, n_prog, n_groups, N_MEASURES))
    pop = np.zeros((n_years, 2, MAX_AGE + 1))
    for i in range(n):
        u_take = [uniform(seed, uid[i], stream[p], TAKE_UP) for p in range(n_prog)]
        u_roll = [uniform(seed, uid[i], stream[p], ROLLOUT) for p in range(n_prog)]
        u_excl = [uniform(seed, uid[i], stream[p], EXCLUSION) for p in range(n_prog)]
        u_incl = [uniform(seed, uid[i], stream[p], INCLUSION) for p in range(n_prog)]
        paid = [False] * n_prog
        w = float(weight0[i])
        sx = int(sex[i])
        mo = int(months[i]) if months[i] >= 0 else 0
        for y in range(int(entry_idx[i]), n_years):
            age = int(age0[i]) + (y - int(entry_idx[i]))
            a = min(age, MAX_AGE)
            pop[y, sx, a] += w
            if y >= first_active:
                if has_pregnant_data and y == first_active:
                    preg = pregnant_data[i] == 1
                else:
                    preg = sx == 1 and uniform(seed, uid[i], years[y], PREGNANCY) < fertility[y, a]
                if has_disabled_data and entry_idx[i] == 0:
                    dis = disabled_data[i] == 1
                else:
                    dis = uniform(seed, uid[i], 0, DISABILITY) < disability[a]
                dynamic = {VAR_AGE: float(age), VAR_AGE_MONTHS: float(12 * age + mo),
                           VAR_PREGNANT: 1.0 if preg else 0.0, VAR_DISABLED: 1.0 if dis else 0.0}
                for p in range(n_prog):
                    eligible = False
                    for g in range(prog_group_start[p], prog_group_start[p + 1]):
                        all_hold = True
                        for q in range(group_cond_start[g], group_cond_start[g + 1]):
                            var = int(cond_var[q])
                            v = float(static[var, i]) if var >= 0 else dynamic[var]
                            if not holds(v, cond_kind[q], cond_lo[q], cond_hi[q], cond_mask[q]):
                                all_hold = False
                        if all_hold:
                            eligible = True
                    if not eligible:
                        continue
                    if target_kind[p] == 1:
                        if percentile[i] < target_pct[p]:  # poor
                            out[y, p, group[i], ELIGIBLE] += w
                            selected = u_excl[p] >= exclusion[p]
                        else:
                            selected = u_incl[p] < inclusion[p]
                    else:
                        out[y, p, group[i], ELIGIBLE] += w
                        selected = True
                    reached = u_roll[p] < rollout[p, y]
                    takes = u_take[p] < take_up[p]
                    if not (selected and reached and takes):
                        continue
                    if once[p]:
                        if paid[p]:
                            continue
                        paid[p] = True
                    out[y, p, group[i], BENEFICIARIES] += w
                    if age == 0:
                        out[y, p, group[i], BENEFICIARIES_AT_BIRTH] += w
                    out[y, p, group[i], TRANSFERS] += w * amount[p, y]
            w *= survival[y, sx, a]
    return out, pop
