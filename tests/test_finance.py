"""simulate.finance: discounting conventions, IRR edge cases, BCR, switching values,
annuities; checked by hand and against numpy-financial."""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulate import finance as F

# ------------------------------------------------------------------ discounting


def test_npv_by_hand() -> None:
    # -1000 now, 600 in a year, 600 in two years at 10 %
    assert F.npv(0.10, [-1000, 600, 600]) == pytest.approx(-1000 + 600 / 1.1 + 600 / 1.21,
                                                           abs=1e-9)
    # first year discounted too (Excel's NPV): every term one year more
    assert F.npv(0.10, [-1000, 600, 600], discount_first_year=True) == pytest.approx(
        -1000 / 1.1 + 600 / 1.21 + 600 / 1.331, abs=1e-9)
    assert F.npv(0.0, [1, 2, 3]) == 6.0
    assert F.npv(0.06, []) == 0.0


def test_discount_factors() -> None:
    assert F.discount_factors(0.06, 3).tolist() == pytest.approx([1.0, 1 / 1.06, 1 / 1.06**2])
    assert F.discount_factors(0.06, 2, True).tolist() == pytest.approx([1 / 1.06, 1 / 1.06**2])
    with pytest.raises(ValueError, match="> -1"):
        F.discount_factors(-1.0, 3)


@given(st.floats(-0.5, 1.0), st.lists(st.floats(-1e9, 1e9), min_size=1, max_size=40))
def test_npv_matches_numpy_financial(rate: float, flows: list[float]) -> None:
    expected = npf.npv(rate, flows)
    assert F.npv(rate, flows) == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert F.npv(rate, flows, True) == pytest.approx(expected / (1 + rate), rel=1e-9, abs=1e-6)


@given(st.floats(0.0, 0.3), st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20),
       st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20), st.floats(-3, 3))
def test_npv_is_linear(rate: float, a: list[float], b: list[float], c: float) -> None:
    n = min(len(a), len(b))
    x, y = np.array(a[:n]), np.array(b[:n])
    assert F.npv(rate, x + c * y) == pytest.approx(F.npv(rate, x) + c * F.npv(rate, y),
                                                   rel=1e-9, abs=1e-3)


# ------------------------------------------------------------------ IRR


@pytest.mark.parametrize("flows", [
    [-100, 39, 59, 55, 20],
    [-100, 0, 0, 74],
    [-100, 100, 0, 7],
    [-1_000_000] + [100_000] * 30,
    [-5, -5, 3, 3, 3, 3],
    [0, 0, -10, 0, 11],          # leading zeros
    [-10, 11, 0, 0, 0],          # trailing zeros
    [100, -120],                 # a loan: positive first
    [-1, 0.001],                 # rate near -100 %: -99.9 %
    [-1, 1e-5],                  # -99.999 %
    [-1, 5000],                  # +499,900 %
])
def test_irr_matches_numpy_financial(flows: list[float]) -> None:
    rate = F.irr(flows)
    assert rate is not None
    assert rate == pytest.approx(npf.irr(flows), rel=1e-9, abs=1e-12)
    assert abs(F.npv(rate, flows)) <= 1e-8 * max(abs(x) for x in flows) * len(flows)


def test_irr_near_minus_100_percent() -> None:
    assert F.irr([-1, 0.001]) == pytest.approx(-0.999, abs=1e-12)
    assert F.irr([-1, 0, 1e-6]) == pytest.approx(-0.999, abs=1e-9)  # (1+r)^2 = 1e-6


@pytest.mark.parametrize("flows", [
    [1, 2, 3],            # all benefits: NPV > 0 at every rate
    [-1, -2, -3],         # all costs
    [0, 0, 0],            # zero flows: every rate "works", none is reported
    [],
    [5],
    [0, -3, 0],
])
def test_irr_none_without_a_sign_change(flows: list[float]) -> None:
    assert F.irr(flows) is None
    assert F.irr_all(flows) == []


def test_irr_several_sign_changes() -> None:
    flows = [-100, 230, -132]  # (1.1)(1.2): rates 10 % and 20 %
    assert F.irr_all(flows) == pytest.approx([0.10, 0.20], abs=1e-12)
    with pytest.warns(F.MultipleIRRWarning, match="2 rates of return"):
        assert F.irr(flows) == pytest.approx(0.10, abs=1e-12)  # closest to zero
    assert F.irr(flows, multiple="none") is None
    with pytest.raises(F.MultipleIRRError, match="0.1, 0.2"):
        F.irr(flows, multiple="raise")
    # three roots: -87 %, 8.9 %, 71 % (numpy-financial's doc example)
    three = [-5, 10.5, 1, -8, 1]
    roots = F.irr_all(three)
    assert len(roots) == 3
    for r in roots:
        assert F.npv(r, three) == pytest.approx(0.0, abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", F.MultipleIRRWarning)
        assert F.irr(three) == pytest.approx(npf.irr(three), rel=1e-9)


def test_irr_close_roots_are_both_found() -> None:
    # rates 5 % and 5.01 %: closer than the search grid's spacing
    a, b = 1.05, 1.0501
    flows = [-1.0, a + b, -a * b]
    assert F.irr_all(flows) == pytest.approx([0.05, 0.0501], abs=1e-10)


def test_irr_touching_zero_is_not_a_rate() -> None:
    # NPV = -(1 - v)^2 <= 0 touches zero at r = 0 without changing sign
    assert F.irr_all([-1, 2, -1]) == []


def test_irr_is_the_same_under_both_discounting_conventions() -> None:
    flows = [-300, 100, 100, 100, 100]
    r = F.irr(flows)
    assert F.npv(r, flows, discount_first_year=True) == pytest.approx(0, abs=1e-9)


def test_irr_bad_argument() -> None:
    with pytest.raises(ValueError, match="multiple"):
        F.irr([-1, 2], multiple="pick")
    with pytest.raises(ValueError, match="finite"):
        F.irr([-1, float("nan")])


@given(st.floats(-0.9, 2.0), st.integers(1, 30), st.floats(1.0, 1e6))
def test_irr_recovers_the_rate_of_an_investment(rate: float, n: int, outlay: float) -> None:
    # -outlay, then the annuity that repays it at `rate`: one sign change, one rate
    pay = F.annuity_payment(rate, n, outlay)
    flows = [-outlay] + [pay] * n
    assert F.irr(flows) == pytest.approx(rate, rel=1e-7, abs=1e-9)


# ------------------------------------------------------------------ BCR, switching values


def test_bcr_and_switching_values_by_hand() -> None:
    benefits = [0, 500, 500, 500]
    costs = [1000, 50, 50, 50]
    r = 0.10
    pvb = 500 / 1.1 + 500 / 1.21 + 500 / 1.331           # 1243.426...
    pvc = 1000 + 50 / 1.1 + 50 / 1.21 + 50 / 1.331       # 1124.342...
    assert F.bcr(r, benefits, costs) == pytest.approx(pvb / pvc, rel=1e-12)
    sv = F.switching_values(r, benefits, costs)
    assert sv.costs == pytest.approx((pvb - pvc) / pvc, rel=1e-12)
    assert sv.benefits == pytest.approx(-(pvb - pvc) / pvb, rel=1e-12)
    # applying each switching value brings NPV to zero
    b, c = np.array(benefits, float), np.array(costs, float)
    assert F.npv(r, b - c * (1 + sv.costs)) == pytest.approx(0, abs=1e-9)
    assert F.npv(r, b * (1 + sv.benefits) - c) == pytest.approx(0, abs=1e-9)
    assert F.switching_value(r, benefits, costs, "costs") == sv.costs
    assert F.switching_value(r, benefits, costs, "benefits") == sv.benefits
    # discounting the first year changes the PVs (not the ratio of a single-year stream)
    assert F.bcr(r, [0, 110], [100], discount_first_year=True) == pytest.approx(1.0)


def test_bcr_without_costs_is_nan() -> None:
    assert math.isnan(F.bcr(0.06, [1, 2], [0, 0]))
    sv = F.switching_values(0.06, [1, 2], [])
    assert math.isnan(sv.costs) and sv.benefits == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="which"):
        F.switching_value(0.06, [1], [1], "both")


# ------------------------------------------------------------------ annuities


@pytest.fixture
def _lenient():
    # numpy-financial divides by the rate before choosing the rate = 0 branch
    with np.errstate(divide="ignore", invalid="ignore"):
        yield


@pytest.mark.usefixtures("_lenient")
def test_annuities_match_numpy_financial() -> None:
    for rate, n in ((0.06, 20), (0.10, 1), (0.0, 12), (0.25, 7)):
        assert F.annuity_factor(rate, n) == pytest.approx(npf.pv(rate, n, -1.0), rel=1e-12)
        assert F.annuity_factor(rate, n, due=True) == pytest.approx(
            npf.pv(rate, n, -1.0, when="begin"), rel=1e-12)
        assert F.present_value(rate, 250.0, n) == pytest.approx(npf.pv(rate, n, -250.0),
                                                                rel=1e-12)
        assert F.annuity_payment(rate, n, 1000.0) == pytest.approx(-npf.pmt(rate, n, 1000.0),
                                                                   rel=1e-12)
        assert F.annuity_payment(rate, n, 1000.0, due=True) == pytest.approx(
            -npf.pmt(rate, n, 1000.0, when="begin"), rel=1e-12)
    # by hand: 100 a year for 3 years at 10 %
    assert F.present_value(0.10, 100, 3) == pytest.approx(100 / 1.1 + 100 / 1.21 + 100 / 1.331)
    assert F.annuity_factor(0.06, 0) == 0.0
    with pytest.raises(ValueError):
        F.annuity_payment(0.06, 0, 100)
