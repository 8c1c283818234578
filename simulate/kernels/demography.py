"""The population by year, sex and age and the persons by welfare group, per chunk of
households: demography, the same for every programme, parameter draw and variant of a
scenario with the same population (the engine computes it once per population and
survival table, ``engine.demography_totals``).

Hot loop only: plain arrays in, preallocated arrays out; nothing else of the package is
imported (the threads' helper :func:`~simulate.kernels.threads.run_threads` and
``MAX_AGE`` are the projection kernel's own).

Records are sorted by household (``hh_start[h]`` is the first record of household h)
and split into the projection's chunks of households (``chunk_hh``). For each household
and year y, each member i present (``y >= entry_idx[i]``) at age ``a = age0[i] + y -
entry_idx[i]`` (ages above ``MAX_AGE`` read as ``MAX_AGE``) with weight ``w_i``
(``weight0[i]`` in the first year it is present, then times ``survival[y, sex, a]``
after each year it is present):

* ``pop_out[chunk, y, sex[i], min(a, MAX_AGE)] += w_i``;
* ``group_out[chunk, y, group[first record]] += persons`` where ``persons`` is the sum
  of the present members' ``w_i`` in record order, for ``y >= first_active`` and
  ``persons > 0``.

The additions are those the projection kernel made before round 7, in the same order
(households in order within a chunk, members in record order), so that the chunks'
sums, added in chunk order, are bit-identical to its outputs.
"""

import numpy as np
from numba import njit

from .projection import MAX_AGE
from .threads import run_threads

__all__ = ["MAX_AGE", "demography_chunks", "population_chunks", "run_threads"]


@njit(cache=True, nogil=True)
def demography_chunks(first, step, hh_start, chunk_hh, sex, age0, entry_idx, weight0, group,
                      survival, first_active, pop_out, group_out):
    """Chunks ``first, first + step, ...`` of ``chunk_hh``, each into its own slices
    ``pop_out[c]`` (``[year, sex, age]``, persons) and ``group_out[c]`` (``[year,
    group]``, persons), which start at zero; without the GIL, so that
    :func:`~simulate.kernels.threads.run_threads` runs one call per thread."""
    n_years = survival.shape[0]
    persons = np.empty(n_years)  # the household's persons by year
    for c in range(first, chunk_hh.shape[0] - 1, step):
        for h in range(chunk_hh[c], chunk_hh[c + 1]):
            for y in range(n_years):
                persons[y] = 0.0
            # member by member, each through its years: every cell still receives the
            # household's members in record order (a cell is one year), so the sums are
            # those of a loop over years outside and members inside
            for i in range(hh_start[h], hh_start[h + 1]):
                s = sex[i]
                w = weight0[i]
                y0 = max(entry_idx[i], 0)  # the first year present
                age = age0[i] + (y0 - entry_idx[i])  # int64, as the projection's age
                for y in range(y0, n_years):
                    a = min(age, MAX_AGE)
                    pop_out[c, y, s, a] += w
                    persons[y] += w
                    w *= survival[y, s, a]  # survival to the next year
                    age += 1
            grp_h = group[hh_start[h]]
            for y in range(max(first_active, 0), n_years):
                if persons[y] > 0.0:
                    group_out[c, y, grp_h] += persons[y]


def population_chunks(hh_start, chunk_hh, sex, age0, entry_idx, weight0, group, survival,
                      first_active: int, pop_out: np.ndarray, group_out: np.ndarray,
                      threads: int) -> None:
    """:func:`demography_chunks` over every chunk of ``chunk_hh`` on up to ``threads``
    threads (thread k takes chunks k, k + T, ...; each chunk writes only its own slices,
    so the results do not depend on the threads). ``pop_out[chunk, year, sex, age]``
    and ``group_out[chunk, year, group]`` must be zero on entry."""
    run_threads(demography_chunks, chunk_hh.shape[0] - 1, threads, hh_start, chunk_hh, sex,
                age0, entry_idx, weight0, group, survival, np.int64(first_active), pop_out,
                group_out)
