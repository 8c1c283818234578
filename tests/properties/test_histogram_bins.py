"""The projection kernel's shortcuts for the welfare histogram and the months paid: each
gives what the plain computation gives, for any input (kernels/reduction.py
``_bin_bounds``, ``_new_row``; kernels/conditions.py ``_popcount12``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulate.kernels.conditions import _popcount12
from simulate.kernels.reduction import (
    HIST_BINS,
    HIST_LOG_MAX,
    HIST_LOG_MIN,
    _bin,
    _bin_bounds,
    _new_row,
    histogram_rows,
)

#: the bins of single runs and of runs with draws (uncertainty.blocks.DRAW_HIST_BINS)
N_BINS = (HIST_BINS, 256)


def _inside(lo: float, hi: float, t: float) -> float:
    """A double strictly inside (lo, hi), log-spaced by t in [0, 1]."""
    x = math.exp(math.log(lo) + t * (math.log(hi) - math.log(lo)))
    return min(max(x, math.nextafter(lo, math.inf)), math.nextafter(hi, 0.0))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(N_BINS), st.integers(0, HIST_BINS - 1),
       st.floats(-30.0, 30.0), st.floats(0.0, 1.0))
def test_welfare_inside_the_bounds_has_the_bin(n_bins, b, log_z, t) -> None:
    """Every x with lo < x < hi is binned b at line z: at both ends' nearest doubles and
    anywhere between (the kernel then skips the logarithm)."""
    b = b % n_bins
    z = math.exp(log_z)
    lo, hi = _bin_bounds(b, z, n_bins)
    assert 0.0 < lo < hi
    hi_finite = hi if math.isfinite(hi) else lo * 1e6
    for x in (math.nextafter(lo, math.inf), math.nextafter(hi_finite, 0.0),
              _inside(lo, hi_finite, t)):
        assert _bin(x / z, n_bins) == b, (x, z, b)
    if math.isfinite(hi):
        assert _bin(hi * (1.0 + 1e-6) / z, n_bins) == b + 1
    if b > 0:
        assert _bin(lo * (1.0 - 1e-6) / z, n_bins) == b - 1


@pytest.mark.parametrize("n_bins", N_BINS)
def test_bounds_cover_almost_the_whole_bin(n_bins) -> None:
    """The bounds are the bin's edges moved a relative 1e-9 inwards (so nearly every x of
    the bin takes the shortcut); the last bin is open above; no line, no interval."""
    z = 7_926_000.0
    width = (HIST_LOG_MAX - HIST_LOG_MIN) / n_bins
    for b in range(n_bins):
        lo, hi = _bin_bounds(b, z, n_bins)
        assert lo == pytest.approx(math.exp(HIST_LOG_MIN + b * width) * z, rel=2e-9)
        if b < n_bins - 1:
            assert hi == pytest.approx(math.exp(HIST_LOG_MIN + (b + 1) * width) * z,
                                       rel=2e-9)
        else:
            assert hi == math.inf
    assert _bin_bounds(3, 0.0, n_bins) == (0.0, 0.0)
    assert _bin_bounds(3, -1.0, n_bins) == (0.0, 0.0)
    assert _bin_bounds(3, math.nan, n_bins) == (0.0, 0.0)


def test_popcount_of_every_month_mask() -> None:
    for mask in range(4096):
        assert _popcount12(np.int64(mask)) == bin(mask).count("1"), mask


@given(st.integers(-(2**63), 2**63 - 1))
def test_popcount_counts_bits_0_to_11_of_any_integer(mask) -> None:
    assert _popcount12(np.int64(mask)) == sum((mask >> t) & 1 for t in range(12))


def test_new_row_enters_the_cell_zeroed_and_refuses_past_the_rows() -> None:
    keys, values, counts = histogram_rows(2, 3, 4)
    values[:] = np.nan  # uninitialised rows: a new one must be zero
    slot = np.full(10, -1, dtype=np.int32)
    r, n = _new_row(1, 7, slot, (keys, values, counts), 0)
    assert (r, n) == (0, 1) and slot[7] == 0 and keys[1, 0] == 7
    assert (values[1, 0] == 0.0).all() and np.isnan(values[0]).all()
    r, n = _new_row(1, 2, slot, (keys, values, counts), n)
    assert (r, n) == (1, 2) and slot[2] == 1 and keys[1, 1] == 2
    _new_row(1, 3, slot, (keys, values, counts), 2)
    with pytest.raises(ValueError, match="rows of a chunk exhausted"):
        _new_row(1, 4, slot, (keys, values, counts), 3)
