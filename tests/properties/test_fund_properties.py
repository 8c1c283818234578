"""Properties of the fund's Monte Carlo that hold for any flows and returns: a path
started with its own required capital just stays solvent; more to pay never needs less
capital; the balance is linear in the capital (bill rule)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulate.fund import simulate_paths
from simulate.scenario import scenario_from_dict


def settings(vol: float, phi: float, seed: int):
    doc = {"scenario": {"name": "p", "country": "lao", "start_year": 2025, "end_year": 2040},
           "programmes": {"a": {"benefit": {"amount": 1.0}}},
           "fund": {"returns": {"mean": 0.04, "volatility": vol, "autocorrelation": phi},
                    "seed": seed}}
    return scenario_from_dict(doc).fund


def run(fs, capital, bill, contrib):
    n = len(bill)
    zero = np.zeros((1, n))
    return simulate_paths(fs, 16, capital, zero, contrib[None], bill[None], zero,
                          np.arange(2025, 2025 + n))


flows = st.lists(st.floats(0, 1000), min_size=1, max_size=12)


@given(bill=flows, data=st.data(), vol=st.floats(0, 0.4), phi=st.floats(-0.8, 0.8),
       seed=st.integers(0, 1000))
def test_required_capital_is_just_enough(bill, data, vol, phi, seed) -> None:
    bill = np.array(bill)
    contrib = np.array(data.draw(st.lists(st.floats(0, 500), min_size=len(bill),
                                          max_size=len(bill))))
    fs = settings(vol, phi, seed)
    need = run(fs, 0.0, bill, contrib).required
    for j in range(4):  # a path started with its own requirement is solvent; with 1 % less
        k = need[j]  # it is not (when it needs anything beyond rounding)
        again = run(fs, k, bill, contrib)
        assert again.depleted[j] == -1
        if k > 1e-4 * (1.0 + bill.sum()):
            assert run(fs, 0.99 * k, bill, contrib).depleted[j] >= 0


@given(bill=flows, extra=st.floats(0, 500), vol=st.floats(0, 0.4), seed=st.integers(0, 99))
def test_more_to_pay_needs_no_less_capital(bill, extra, vol, seed) -> None:
    bill = np.array(bill)
    zero = np.zeros(len(bill))
    fs = settings(vol, 0.0, seed)
    more = bill.copy()
    more[-1] += extra
    assert (run(fs, 0.0, more, zero).required >= run(fs, 0.0, bill, zero).required - 1e-9).all()


@given(bill=flows, k=st.floats(0, 1e4), vol=st.floats(0, 0.4), seed=st.integers(0, 99))
def test_balance_linear_in_capital(bill, k, vol, seed) -> None:
    bill = np.array(bill)
    zero = np.zeros(len(bill))
    fs = settings(vol, 0.0, seed)
    b0 = run(fs, 0.0, bill, zero).balance
    b1 = run(fs, 1.0, bill, zero).balance
    bk = run(fs, k, bill, zero).balance
    np.testing.assert_allclose(bk, b0 + k * (b1 - b0), rtol=1e-9, atol=1e-6 * (1 + k))
