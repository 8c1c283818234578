"""The reduction of the projection kernel's outputs (:mod:`simulate.kernels.projection`): the welfare
histogram's bins (log-spaced, of welfare / poverty line, for the Gini) and its compact
per-chunk rows, and the reductions that add the chunks' outputs in chunk order, so that
results do not depend on the number of threads. Hot loop only: nothing else of the
package is imported.
"""

import numpy as np
from numba import njit

HIST_BINS = 2048
HIST_LOG_MIN = -8.0
HIST_LOG_MAX = 8.0


@njit(cache=True)
def _bin(x, n_bins=HIST_BINS):
    if x <= 0.0:
        return 0
    b = int((np.log(x) - HIST_LOG_MIN) / (HIST_LOG_MAX - HIST_LOG_MIN) * n_bins)
    return min(n_bins - 1, max(0, b))


@njit(cache=True)
def reduce_chunks(chunks, total):
    """Add ``chunks[c]`` into ``total`` in chunk order (deterministic summation)."""
    flat_total = total.reshape(-1)
    for c in range(chunks.shape[0]):
        flat = chunks[c].reshape(-1)
        for j in range(flat.shape[0]):
            flat_total[j] += flat[j]


def histogram_rows(n_chunks: int, rows: int, n_draws: int) -> tuple[np.ndarray, ...]:
    """The kernel's compact per-chunk welfare histogram: ``keys[chunk, row]`` (the cell
    ``(year * 2 + before/after) * n_bins + bin``), ``values[chunk, row, weight/welfare,
    d]`` and ``counts[chunk]`` (rows in use). A chunk writes only the cells its
    households reach, each row its sum from zero in household order; ``rows`` must be
    at least the cells a chunk can reach (``n_years * 2 * min(n_bins, households x
    draws)``; the kernel raises if not). Left uninitialised: the kernel writes every
    row it counts."""
    return (np.empty((n_chunks, rows), dtype=np.int32),
            np.empty((n_chunks, rows, 2, n_draws)),
            np.zeros(n_chunks, dtype=np.int64))


@njit(cache=True)
def reduce_histogram(keys, values, counts, total):
    """Add each chunk's compact histogram rows into ``total[cell, weight/welfare, d]``,
    in chunk order. Bit-identical to adding dense per-chunk histograms in chunk order
    (:func:`reduce_chunks`): a cell's total is the same sums in the same order, and the
    cells a chunk does not reach would only have added +0.0 (``total`` starts at +0.0
    and is never -0.0, so adding +0.0 leaves it unchanged)."""
    for c in range(keys.shape[0]):
        for r in range(counts[c]):
            cell = keys[c, r]
            for j in range(values.shape[2]):
                for d in range(values.shape[3]):
                    total[cell, j, d] += values[c, r, j, d]


@njit(cache=True)
def expand_histogram(keys, values, counts, dense):
    """Write each chunk's compact histogram into ``dense[chunk, cell, weight/welfare,
    d]`` (zero where the chunk reaches no household): the per-chunk layout of
    :func:`project_households`'s ``hist_out``."""
    for c in range(keys.shape[0]):
        for r in range(counts[c]):
            cell = keys[c, r]
            for j in range(values.shape[2]):
                for d in range(values.shape[3]):
                    dense[c, cell, j, d] = values[c, r, j, d]
