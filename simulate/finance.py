"""Discounting, rates of return, benefit-cost ratios, switching values, annuities.

Plain functions on plain arrays: no xarray, no scenario. The conventions are the
ones DESIGN.md promises and the tests check:

* **Year index.** ``flows[k]`` is the flow of year index k = year - start_year
  (k = 0, 1, ...). Flows are net of sign: benefits positive, costs negative,
  unless a function takes benefits and costs separately (then both are given as
  positive amounts).
* **Discounting.** :func:`npv` discounts the flow of year index k by
  ``(1 + r) ** -k``: the first year is not discounted (numpy-financial's
  ``npv``). Spreadsheet analyses that discount the first year too (Excel's
  ``NPV``) are reproduced with ``discount_first_year=True``, which uses
  ``(1 + r) ** -(k + 1)``, i.e. ``npv(r, f, True) == npv(r, f) / (1 + r)``.
* **IRR.** :func:`irr` is the rate r > -1 at which ``npv(r, flows) = 0`` (the
  same rate under either discounting convention). It is found with Brent's
  method (``scipy.optimize.brentq``) on brackets where the NPV changes sign,
  searched over r in (-99.9999 %, 999,900 %]. Without a sign change there is no
  rate: ``None``. When the NPV changes sign more than once there are several
  rates; :func:`irr` says so (a :class:`MultipleIRRWarning` listing them, or
  ``None``, or an error, as ``multiple`` asks) and :func:`irr_all` lists them.
  A rate where the NPV touches zero without changing sign (a double root) is
  not reported.
* **Benefit-cost ratio** is PV(benefits) / PV(costs), NaN when PV(costs) = 0.
* **Switching values** are the relative changes that bring NPV to zero: costs
  by ``+NPV / PV(costs)``, benefits by ``-NPV / PV(benefits)``.
* **Annuities** are paid at the end of each period unless ``due=True`` (start).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MultipleIRRError",
    "MultipleIRRWarning",
    "SwitchingValues",
    "annuity_factor",
    "annuity_payment",
    "bcr",
    "discount_factors",
    "irr",
    "irr_all",
    "npv",
    "present_value",
    "pv",
    "switching_value",
    "switching_values",
]

#: range of 1/(1+r) searched for rates of return: r in (-0.999999, 9999]
_V_MIN, _V_MAX = 1.0e-4, 1.0e6
_GRID = 4001


class MultipleIRRWarning(UserWarning):
    """The flows have several internal rates of return."""


class MultipleIRRError(ValueError):
    """The flows have several internal rates of return (``irr(..., multiple="raise")``)."""


def _flows(flows: Sequence[float] | np.ndarray) -> np.ndarray:
    a = np.asarray(flows, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"flows must be one-dimensional, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("flows must be finite numbers")
    return a


def _check_rate(rate: float) -> float:
    rate = float(rate)
    if not rate > -1.0 or not math.isfinite(rate):
        raise ValueError(f"a discount rate must be a finite number > -1, got {rate}")
    return rate


def discount_factors(rate: float, n: int, discount_first_year: bool = False) -> np.ndarray:
    """``(1 + rate) ** -k`` for k = 0..n-1, or ``** -(k + 1)`` with ``discount_first_year``."""
    rate = _check_rate(rate)
    k = np.arange(n, dtype=np.float64) + (1.0 if discount_first_year else 0.0)
    return (1.0 + rate) ** -k


def npv(rate: float, flows: Sequence[float] | np.ndarray,
        discount_first_year: bool = False) -> float:
    """Net present value of ``flows`` (year index 0, 1, ...) at ``rate``.

    ``sum(flows[k] * (1 + rate) ** -k)``; with ``discount_first_year`` every
    flow is discounted one year more (Excel's NPV).
    """
    f = _flows(flows)
    return float(np.dot(f, discount_factors(rate, len(f), discount_first_year)))


def pv(rate: float, flows: Sequence[float] | np.ndarray,
       discount_first_year: bool = False) -> float:
    """Present value of a stream (the same sum as :func:`npv`; a name for one-sided streams)."""
    return npv(rate, flows, discount_first_year)


def _scaled(f: np.ndarray, v: np.ndarray | float) -> np.ndarray | float:
    """Numbers with the sign (and zeros) of sum(f[k] v^k), computed without overflow.

    For v <= 1 the sum itself; for v > 1 the sum times v^-(n-1) (Horner in 1/v).
    """
    v = np.asarray(v, dtype=np.float64)
    low = v <= 1.0
    x = np.where(low, v, 1.0 / np.where(low, 1.0, v))
    acc_low = np.zeros_like(x)
    acc_high = np.zeros_like(x)
    for a, b in zip(f[::-1], f, strict=True):
        acc_low = acc_low * x + a
        acc_high = acc_high * x + b
    out = np.where(low, acc_low, acc_high)
    return float(out) if out.ndim == 0 else out


def _trim(f: np.ndarray) -> np.ndarray:
    """Flows without trailing zeros (they do not change any rate)."""
    nz = np.flatnonzero(f)
    return f[: nz[-1] + 1] if len(nz) else f[:0]


def irr_all(flows: Sequence[float] | np.ndarray) -> list[float]:
    """Every rate r > -1 at which the NPV of ``flows`` changes sign, ascending.

    Empty when there is none (no sign change in the flows, or all flows zero).
    Each root is polished by brentq on a bracket where the NPV changes sign.
    """
    f = _trim(_flows(flows))
    nz = np.flatnonzero(f)
    if len(nz) == 0:
        return []
    f = f[nz[0]:]  # leading zeros only multiply the NPV by (1+r)^-m
    if len(f) < 2 or np.all(f >= 0) or np.all(f <= 0):
        return []
    # candidate points: a log grid in v = 1/(1+r), plus the neighbourhoods of the
    # polynomial's real positive roots (so close roots are not missed by the grid)
    grid = np.geomspace(_V_MIN, _V_MAX, _GRID)
    with np.errstate(all="ignore"):
        roots = np.roots(f[::-1] / np.max(np.abs(f)))
    real = roots[(np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real)))
                 & (roots.real > 0)].real
    real = real[(real > _V_MIN) & (real < _V_MAX)]
    extra = np.concatenate([real * (1 - 1e-7), real * (1 + 1e-7)]) if len(real) else []
    pts = np.unique(np.concatenate([grid, extra]))
    with np.errstate(under="ignore"):
        vals = _scaled(f, pts)
    # roots between consecutive points of opposite sign; a run of exact zeros between
    # them is a root (the middle one); zeros between points of one sign only touch
    nonzero = np.flatnonzero(vals != 0.0)
    out: list[float] = []
    for i, j in zip(nonzero[:-1], nonzero[1:], strict=True):
        if vals[i] * vals[j] > 0.0:
            continue
        if j == i + 1:
            from scipy.optimize import brentq  # here: a run without returns never needs it

            v = brentq(lambda x: _scaled(f, x), pts[i], pts[j], xtol=1e-300, maxiter=200)
        else:
            v = pts[(i + j + 1) // 2]
        out.append(float(1.0 / v - 1.0))
    return sorted(set(out))


def irr(flows: Sequence[float] | np.ndarray, multiple: str = "warn") -> float | None:
    """The internal (economic) rate of return of ``flows``: npv(irr, flows) == 0.

    Returns ``None`` when no rate exists (the NPV never changes sign: all flows of
    one sign, or all zero). When several rates exist, ``multiple`` decides:
    ``"warn"`` warns (:class:`MultipleIRRWarning`, listing every rate) and returns
    the rate closest to zero (numpy-financial's choice); ``"none"`` returns
    ``None``; ``"raise"`` raises :class:`MultipleIRRError`.
    """
    if multiple not in ("warn", "none", "raise"):
        raise ValueError(f"multiple must be 'warn', 'none' or 'raise', got {multiple!r}")
    rates = irr_all(flows)
    if not rates:
        return None
    if len(rates) == 1:
        return rates[0]
    listed = ", ".join(f"{r:.6g}" for r in rates)
    if multiple == "raise":
        raise MultipleIRRError(f"the flows have {len(rates)} rates of return: {listed}")
    if multiple == "none":
        return None
    closest = min(rates, key=abs)
    warnings.warn(f"the flows have {len(rates)} rates of return ({listed}); returning "
                  f"{closest:.6g}, the one closest to zero", MultipleIRRWarning, stacklevel=2)
    return closest


def _pair(benefits: Sequence[float] | np.ndarray,
          costs: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b, c = _flows(benefits), _flows(costs)
    n = max(len(b), len(c))
    return np.pad(b, (0, n - len(b))), np.pad(c, (0, n - len(c)))


def bcr(rate: float, benefits: Sequence[float] | np.ndarray,
        costs: Sequence[float] | np.ndarray, discount_first_year: bool = False) -> float:
    """Benefit-cost ratio PV(benefits) / PV(costs); NaN when PV(costs) is 0.

    Both streams are positive amounts by year index; the shorter is padded with 0.
    """
    b, c = _pair(benefits, costs)
    pvc = pv(rate, c, discount_first_year)
    if pvc == 0.0:
        return float("nan")
    return pv(rate, b, discount_first_year) / pvc


@dataclass(frozen=True)
class SwitchingValues:
    """Relative changes that bring NPV to zero: ``costs`` (e.g. 0.35 = costs +35 %)
    and ``benefits`` (e.g. -0.26 = benefits -26 %); NaN when the PV is 0."""

    costs: float
    benefits: float


def switching_values(rate: float, benefits: Sequence[float] | np.ndarray,
                     costs: Sequence[float] | np.ndarray,
                     discount_first_year: bool = False) -> SwitchingValues:
    """The change in costs and the change in benefits that each bring NPV to zero.

    With B = PV(benefits), C = PV(costs), NPV = B - C: costs x (1 + s_c) with
    ``s_c = NPV / C``; benefits x (1 + s_b) with ``s_b = -NPV / B``.
    """
    b, c = _pair(benefits, costs)
    pvb = pv(rate, b, discount_first_year)
    pvc = pv(rate, c, discount_first_year)
    value = pvb - pvc
    return SwitchingValues(
        costs=value / pvc if pvc != 0.0 else float("nan"),
        benefits=-value / pvb if pvb != 0.0 else float("nan"),
    )


def switching_value(rate: float, benefits: Sequence[float] | np.ndarray,
                    costs: Sequence[float] | np.ndarray, which: str = "costs",
                    discount_first_year: bool = False) -> float:
    """One switching value: ``which="costs"`` or ``"benefits"`` (see :func:`switching_values`)."""
    if which not in ("costs", "benefits"):
        raise ValueError(f"which must be 'costs' or 'benefits', got {which!r}")
    return getattr(switching_values(rate, benefits, costs, discount_first_year), which)


def annuity_factor(rate: float, n: int, due: bool = False) -> float:
    """Present value of 1 a period for ``n`` periods: ``(1 - (1 + r)^-n) / r`` (n at r = 0);
    times (1 + r) when payments are at the start of each period (``due``)."""
    rate = _check_rate(rate)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    # -expm1(-n log1p(r)) / r == (1 - (1 + r)^-n) / r, accurate for tiny r too
    factor = float(n) if rate == 0.0 else float(-np.expm1(-n * np.log1p(rate)) / rate)
    return factor * (1.0 + rate) if due else factor


def present_value(rate: float, payment: float, n: int, due: bool = False) -> float:
    """Present value of ``payment`` a period for ``n`` periods (an annuity)."""
    return payment * annuity_factor(rate, n, due)


def annuity_payment(rate: float, n: int, present: float, due: bool = False) -> float:
    """The constant payment a period for ``n`` periods whose present value is ``present``
    (e.g. the yearly cost of a capital outlay over its life)."""
    if n <= 0:
        raise ValueError(f"n must be >= 1, got {n}")
    return present / annuity_factor(rate, n, due)
