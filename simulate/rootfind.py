"""Brent's root finder, as ``scipy.optimize.brentq`` computes it, without importing
``scipy.optimize``.

Every run calibrates its life tables by Brent's method
(:mod:`simulate.demography.lifetable`), and ``import scipy.optimize`` brings in
``scipy.linalg``, ``scipy.sparse``, ``scipy.spatial``, ``scipy.fft`` and the rest of the
optimisers: about 0.2 to 0.3 s of CPU on every ``spsim run`` (docs/performance.md,
"Round 9 (write)"), for one function of 40 lines. :func:`brentq` takes the same steps
as SciPy's C implementation (``scipy/optimize/Zeros/brentq.c``: inverse quadratic
interpolation or the secant when it is a good short step, else bisection; the same
tolerance ``(xtol + rtol*|x|)/2`` and the same order of the floating-point operations),
so it returns the same root, bit for bit (tests/test_rootfind.py compares the two on
random functions and brackets and on the life tables).
"""

from __future__ import annotations

import math
from collections.abc import Callable

#: scipy.optimize.brentq's defaults: relative tolerance 4 machine epsilons, 100 steps
RTOL = 4 * 2.220446049250313e-16
MAXITER = 100


def _div(x: float, y: float) -> float:
    """``x / y`` as C computes it: a division by zero gives an infinity or NaN (IEEE 754),
    where Python raises."""
    if y != 0:
        return x / y
    if x == 0 or math.isnan(x):
        return math.nan
    return math.copysign(math.inf, x) * math.copysign(1.0, y)


def brentq(f: Callable[[float], float], a: float, b: float, xtol: float = 2e-12,
           rtol: float = RTOL, maxiter: int = MAXITER) -> float:
    """A root of ``f`` in ``[a, b]`` (``f(a)`` and ``f(b)`` of opposite signs) to within
    ``xtol + rtol*|root|``, as ``scipy.optimize.brentq(f, a, b, xtol=xtol, rtol=rtol,
    maxiter=maxiter)`` returns it. ValueError for a bracket without a sign change, an
    ``f`` value that is NaN or a tolerance below SciPy's; RuntimeError after ``maxiter``
    steps without convergence."""
    if xtol <= 0:
        raise ValueError(f"xtol too small ({xtol:g} <= 0)")
    if rtol < RTOL:
        raise ValueError(f"rtol too small ({rtol:g} < {RTOL:g})")

    def value(x: float) -> float:
        y = float(f(x))
        if math.isnan(y):
            raise ValueError("The function value is NaN; solver cannot continue")
        return y

    xpre, xcur = float(a), float(b)
    fpre, fcur = value(xpre), value(xcur)
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1.0, fpre) == math.copysign(1.0, fcur):
        raise ValueError("f(a) and f(b) must have different signs")
    xblk = fblk = spre = scur = 0.0
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate (secant)
                stry = _div(-fcur * (xcur - xpre), fcur - fpre)
            else:  # extrapolate (inverse quadratic)
                dpre = _div(fpre - fcur, xpre - xcur)
                dblk = _div(fblk - fcur, xblk - xcur)
                stry = _div(-fcur * (fblk * dblk - fpre * dpre), dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):  # good short step
                spre, scur = scur, stry
            else:  # bisect
                spre = scur = sbis
        else:  # bisect
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        if abs(scur) > delta:
            xcur += scur
        else:
            xcur += delta if sbis > 0 else -delta
        fcur = value(xcur)
    raise RuntimeError(f"Failed to converge after {maxiter} iterations, value is {xcur}")
