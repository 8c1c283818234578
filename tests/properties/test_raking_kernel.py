"""The raking Jacobian (simulate/kernels/raking.py): the numba kernel gives bit for bit
the sums of its numpy reference (the former per-pair arrays summed by np.bincount), for
any household-by-cell counts and weights."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate.kernels.raking import jacobian, jacobian_reference


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 12),
       st.floats(0.05, 0.9))
def test_kernel_matches_reference_bit_for_bit(seed: int, n_house: int, n_cells: int,
                                              density: float) -> None:
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 4, (n_house, n_cells)) * (rng.random((n_house, n_cells))
                                                        < density)
    counts = counts.astype(np.float64)
    h_idx, c_idx = np.nonzero(counts)
    vals = counts[h_idx, c_idx]
    starts = np.r_[np.flatnonzero(np.r_[True, h_idx[1:] != h_idx[:-1]]), len(h_idx)]
    if len(h_idx) == 0:
        starts = np.array([0, 0])
    w = rng.random(n_house) * 10.0 ** rng.integers(-5, 6, n_house)
    got = jacobian(starts, h_idx, c_idx, vals, w, n_cells)
    expected = jacobian_reference(starts, h_idx, c_idx, vals, w, n_cells)
    assert got.tobytes() == expected.tobytes()


def test_hand_computed_case() -> None:
    """Two households: cells {0: 2 members, 1: 1} with weight 3, cell {1: 1} with 5."""
    h_idx, c_idx = np.array([0, 0, 1]), np.array([0, 1, 1])
    vals, w = np.array([2.0, 1.0, 1.0]), np.array([3.0, 5.0])
    jac = jacobian(np.array([0, 2, 3]), h_idx, c_idx, vals, w, 2)
    assert jac.tolist() == [[12.0, 6.0], [6.0, 3.0 + 5.0]]
