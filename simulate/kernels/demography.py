"""The population by year, sex and age and the persons by welfare group, per chunk of
households: demography, the same for every programme, parameter draw and variant of a
scenario with the same population (the engine computes it once per population and
survival table, ``engine.demography_totals``).

Hot loop only: plain arrays in, preallocated arrays out; nothing else of the package is
imported (the threads' helper :func:`~simulate.kernels.projection.run_threads` and
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

from .projection import MAX_AGE, run_threads

__all__ = ["MAX_AGE", "demography_chunks", "population_chunks", "run_threads"]


@njit(cache=True, nogil=True)
def demography_chunks(first, step, hh_start, chunk_hh, sex, age0, entry_idx, weight0, group,
                      survival, first_active, max_members, pop_out, group_out):
    """Chunks ``first, first + step, ...`` of ``chunk_hh``, each into its own slices
    ``pop_out[c]`` (``[year, sex, age]``, persons) and ``group_out[c]`` (``[year,
    group]``, persons), which start at zero; without the GIL, so that
    :func:`~simulate.kernels.projection.run_threads` runs one call per thread."""
    n_years = survival.shape[0]
    w = np.empty(max(max_members, 1))
    for c in range(first, chunk_hh.shape[0] - 1, step):
        for h in range(chunk_hh[c], chunk_hh[c + 1]):
            start = hh_start[h]
            n_mem = hh_start[h + 1] - start
            for m in range(n_mem):
                w[m] = weight0[start + m]
            grp_h = group[start]
            for y in range(n_years):
                persons = 0.0
                for m in range(n_mem):
                    i = start + m
                    if y < entry_idx[i]:
                        continue
                    age = age0[i] + (y - entry_idx[i])
                    pop_out[c, y, sex[i], min(age, MAX_AGE)] += w[m]
                    persons += w[m]
                if y >= first_active and persons > 0.0:
                    group_out[c, y, grp_h] += persons
                # survival to the next year
                for m in range(n_mem):
                    i = start + m
                    if y >= entry_idx[i]:
                        age = age0[i] + (y - entry_idx[i])
                        w[m] *= survival[y, sex[i], min(age, MAX_AGE)]


def population_chunks(hh_start, chunk_hh, sex, age0, entry_idx, weight0, group, survival,
                      first_active: int, max_members: int, pop_out: np.ndarray,
                      group_out: np.ndarray, threads: int) -> None:
    """:func:`demography_chunks` over every chunk of ``chunk_hh`` on up to ``threads``
    threads (thread k takes chunks k, k + T, ...; each chunk writes only its own slices,
    so the results do not depend on the threads). ``pop_out[chunk, year, sex, age]``
    and ``group_out[chunk, year, group]`` must be zero on entry."""
    run_threads(demography_chunks, chunk_hh.shape[0] - 1, threads, hh_start, chunk_hh, sex,
                age0, entry_idx, weight0, group, survival, np.int64(first_active),
                np.int64(max_members), pop_out, group_out)
