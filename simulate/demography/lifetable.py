"""Model life tables from life expectancy at birth and infant mortality.

Profiles give e0 by sex and year and the infant mortality rate q0 of the base
year. The engine builds single-year life tables from a Siler (1979)
competing-hazards model:

    mu(x) = a1 * exp(-b1 * x) + k * (a2 + a3 * exp(b3 * x))

with shape parameters fixed (b1 = 1.5, a2 = 7.5e-4, a3 = 5e-5, b3 = 0.09: an
early-life hazard falling by e^-1.5 a year, a constant background and a
Gompertz senescent term doubling every 7.7 years). In the base year, ``k`` and
``a1`` are solved so that q0 and e0 match the profile exactly. In later years,
the whole base-year hazard is scaled by one factor so that e0 matches that
year's value (proportional hazards), so infant mortality falls as e0 rises.
These shape parameters are an inference (plausible for the four countries),
not a published model table; see docs/methods.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..rootfind import brentq  # scipy.optimize's, without importing it (rootfind.py)

B1 = 1.5
A2 = 7.5e-4
A3 = 5.0e-5
B3 = 0.09
MAX_AGE = 100  # ages >= 100 share the last row
_GRID = np.linspace(0.0, 130.0, 13001)


@dataclass(frozen=True)
class Hazard:
    """Siler hazard parameters: mu(x) = m * (a1 e^{-b1 x} + k (a2 + a3 e^{b3 x}))."""

    a1: float
    k: float
    m: float = 1.0

    def cumulative(self, x: np.ndarray) -> np.ndarray:
        """H(x) = integral of mu from 0 to x."""
        x = np.asarray(x, dtype=np.float64)
        infant = self.a1 / B1 * (1.0 - np.exp(-B1 * x))
        adult = self.k * (A2 * x + A3 / B3 * (np.exp(B3 * x) - 1.0))
        return self.m * (infant + adult)

    def life_expectancy(self) -> float:
        """e0 = integral of survival exp(-H(x)), years."""
        with np.errstate(under="ignore"):  # survival to 130 underflows to 0, as it should
            s = np.exp(-self.cumulative(_GRID))
        return float(np.sum((s[1:] + s[:-1]) * 0.5 * np.diff(_GRID)))

    def survival(self) -> np.ndarray:
        """P(alive at x+1 | alive at x) for x = 0..MAX_AGE (the last row is the open age)."""
        ages = np.arange(MAX_AGE + 2, dtype=np.float64)
        h = self.cumulative(ages)
        with np.errstate(under="ignore"):
            return np.exp(-(h[1:] - h[:-1]))


def _adult_h1(k: float) -> float:
    return k * (A2 + A3 / B3 * (np.exp(B3) - 1.0))


@lru_cache(maxsize=256)
def calibrate(e0: float, q0: float) -> Hazard:
    """The base hazard whose infant mortality is ``q0`` and life expectancy ``e0``."""
    target_h1 = -np.log1p(-q0)
    infant_share = (1.0 - np.exp(-B1)) / B1

    def hazard(k: float) -> Hazard:
        a1 = max(0.0, (target_h1 - _adult_h1(k)) / infant_share)
        return Hazard(a1=a1, k=k)

    def gap(log_k: float) -> float:
        return hazard(float(np.exp(log_k))).life_expectancy() - e0

    lo, hi = np.log(1e-4), np.log(min(1e4, target_h1 / _adult_h1(1.0)))
    if gap(lo) < 0 or gap(hi) > 0:
        raise ValueError(f"no life table with e0 = {e0} and q0 = {q0}")
    return hazard(float(np.exp(brentq(gap, lo, hi, xtol=1e-12))))


@lru_cache(maxsize=4096)
def scaled(base: Hazard, e0: float) -> Hazard:
    """``base`` with every hazard multiplied by the factor that gives life expectancy e0."""

    def gap(log_m: float) -> float:
        return Hazard(base.a1, base.k, float(np.exp(log_m))).life_expectancy() - e0

    lo, hi = np.log(1e-3), np.log(1e2)
    if gap(lo) < 0 or gap(hi) > 0:
        raise ValueError(f"cannot reach e0 = {e0} by scaling the base life table")
    return Hazard(base.a1, base.k, float(np.exp(brentq(gap, lo, hi, xtol=1e-12))))


def survival_table(e0_by_year: np.ndarray, e0_base: float, q0_base: float) -> np.ndarray:
    """Survival probabilities [year, age 0..MAX_AGE] for one sex.

    Row k gives P(alive at age x+1 in year k+1 | alive at age x in year k).
    """
    base = calibrate(round(float(e0_base), 6), round(float(q0_base), 8))
    rows = [scaled(base, round(float(e), 6)).survival() for e in e0_by_year]
    return np.vstack(rows)
