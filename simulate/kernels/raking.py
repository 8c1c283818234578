"""The Jacobian of the synthetic population's raking (population/synthetic.py, ``rake``):
``jac[c, d] = sum over households h of w[h] * (counts[h, c] * counts[h, d])``, summed
household by household and, within one, over the pairs of its non-zero cells in
row-major order: the order in which ``np.bincount`` summed the former per-pair arrays,
so the sums are bit-identical (:func:`jacobian_reference`) without the pair arrays
(about five pairs a record, 40 B each: the peak memory of a synthetic build).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def jacobian(starts: np.ndarray, h_idx: np.ndarray, c_idx: np.ndarray, vals: np.ndarray,
             w: np.ndarray, n_cells: int) -> np.ndarray:
    """``jac[n_cells, n_cells]`` from the non-zero counts grouped by household
    (``starts``: offset of each household's first non-zero cell in ``h_idx``,
    ``c_idx``, ``vals``; then ``len(h_idx)``); ``w`` the household weights."""
    jac = np.zeros(n_cells * n_cells)
    for k in range(len(starts) - 1):
        lo, hi = starts[k], starts[k + 1]
        for a in range(lo, hi):
            wa = w[h_idx[a]]
            row = c_idx[a] * n_cells
            va = vals[a]
            for b in range(lo, hi):
                jac[row + c_idx[b]] += wa * (va * vals[b])
    return jac.reshape(n_cells, n_cells)


def jacobian_reference(starts: np.ndarray, h_idx: np.ndarray, c_idx: np.ndarray,
                       vals: np.ndarray, w: np.ndarray, n_cells: int) -> np.ndarray:
    """Plain numpy reference of :func:`jacobian` (the former per-pair arrays)."""
    first = starts[:-1]
    lens = np.diff(starts)
    rep = np.repeat(lens, lens)
    a = np.repeat(np.arange(len(h_idx)), rep)
    b = np.repeat(np.repeat(first, lens), rep) + (np.arange(len(a))
                                                  - np.repeat(np.cumsum(rep) - rep, rep))
    pair_h, pair_cell, pair_val = h_idx[a], c_idx[a] * n_cells + c_idx[b], vals[a] * vals[b]
    return np.bincount(pair_cell, weights=w[pair_h] * pair_val,
                       minlength=n_cells * n_cells).reshape(n_cells, n_cells)
