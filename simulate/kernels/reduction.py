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
def _new_row(c, cell, slot, hist_out, n_cells):
    """A new row of chunk ``c``'s compact histogram (``hist_out``: keys, values, counts,
    :func:`histogram_rows`) for ``cell``, the chunk's ``n_cells``-th: entered in the
    calling thread's ``slot`` map and in the keys, its values zero (each row is the
    chunk's sum from zero, in household order, as a dense histogram's cell would be).
    Returns the row and the rows now in use; raises if the chunk's rows are exhausted.
    The kernel looks an existing row up inline (``slot[cell] >= 0``) and calls this
    only for a new one."""
    hist_key, hist_value, _ = hist_out
    r = n_cells
    if r >= hist_key.shape[1]:
        raise ValueError("histogram rows of a chunk exhausted")
    slot[cell] = r
    hist_key[c, r] = cell
    for j in range(hist_value.shape[2]):
        for d in range(hist_value.shape[3]):
            hist_value[c, r, j, d] = 0.0
    return r, n_cells + 1


@njit(cache=True)
def _bin_bounds(b, z, n_bins=HIST_BINS):
    """Welfare ``(lo, hi)`` such that every ``x`` with ``lo < x < hi`` has
    ``_bin(x / z, n_bins) == b``: bin ``b``'s edges at line ``z`` (``exp`` of the nominal
    log-edges times ``z``), each moved a relative 1e-9 inwards, so that the rounding of
    ``exp``, ``x / z``, ``log`` and the bin's arithmetic (each a few 1e-16 relative)
    cannot carry such an ``x`` across an edge; ``hi`` infinite for the last bin (the
    bin is clamped there). An empty interval ``(0, 0)`` where ``z`` is not positive. A
    sufficient test only: an ``x`` outside is binned by :func:`_bin` (the kernel's
    paid household-years, where most draws stay in the bin of welfare before
    transfers, skip the logarithm for those inside; docs/performance.md, "Round 9
    (mc3)")."""
    if not z > 0.0:
        return 0.0, 0.0
    width = (HIST_LOG_MAX - HIST_LOG_MIN) / n_bins
    lo = np.exp(HIST_LOG_MIN + b * width) * z * (1.0 + 1e-9)
    hi = np.exp(HIST_LOG_MIN + (b + 1) * width) * z * (1.0 - 1e-9) if b < n_bins - 1 \
        else np.inf
    return lo, hi


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
