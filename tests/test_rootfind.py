"""simulate.rootfind.brentq returns what scipy.optimize.brentq returns, bit for bit
(it replaces it on every run's path so that scipy.optimize is not imported)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq as scipy_brentq

from simulate.rootfind import brentq

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


def _both(f, a, b, **kw):
    try:
        expected = scipy_brentq(f, a, b, **kw)
    except (ValueError, RuntimeError) as exc:
        with pytest.raises(type(exc)):
            brentq(f, a, b, **kw)
        return None
    got = brentq(f, a, b, **kw)
    assert got == expected and math.copysign(1, got) == math.copysign(1, expected), \
        (got, expected)
    return got


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=2, max_size=6), finite, finite,
       st.sampled_from([2e-12, 1e-12, 1e-6, 1e-300]))
def test_polynomials_same_root_as_scipy(coefs, a, b, xtol):
    """Polynomials of degree 1 to 5 on any bracket (with or without a sign change)."""
    def f(x):
        return float(np.polyval(coefs, x))

    _both(f, a, b, xtol=xtol)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 20), st.floats(-3, 3), st.floats(0.1, 5), st.floats(-10, -0.01),
       st.floats(0.01, 10))
def test_transcendental_same_root_as_scipy(scale, shift, rate, lo, hi):
    def f(x):
        return scale * (math.exp(rate * (x - shift)) - 1.0) + math.sin(x)

    _both(f, lo, hi)
    _both(lambda x: math.tanh(x - shift) * scale, lo + shift, hi + shift, xtol=1e-12)


def test_life_tables_same_as_scipy(monkeypatch):
    """The life tables of a range of e0 and q0, calibrated with both root finders."""
    from simulate.demography import lifetable

    def tables():
        out = []
        for e0 in np.linspace(45.0, 85.0, 17):
            for q0 in (0.003, 0.01, 0.02, 0.04, 0.06, 0.1):
                try:
                    out.append(lifetable.calibrate.__wrapped__(float(e0), q0))
                except ValueError:  # no such life table: the same with both
                    out.append(None)
        base = lifetable.calibrate.__wrapped__(65.0, 0.03)
        out += [lifetable.scaled.__wrapped__(base, float(e0))
                for e0 in np.linspace(50.0, 80.0, 13)]
        return out

    ours = tables()
    assert sum(t is not None for t in ours) >= 60
    monkeypatch.setattr(lifetable, "brentq", scipy_brentq)
    assert ours == tables()


def test_errors_as_scipy():
    with pytest.raises(ValueError, match="different signs"):
        brentq(lambda x: x * x + 1, -1.0, 1.0)
    with pytest.raises(ValueError, match="NaN"):
        brentq(lambda x: math.nan, -1.0, 1.0)
    with pytest.raises(ValueError, match="xtol"):
        brentq(lambda x: x, -1.0, 1.0, xtol=0)
    with pytest.raises(ValueError, match="rtol"):
        brentq(lambda x: x, -1.0, 1.0, rtol=1e-17)
    with pytest.raises(RuntimeError, match="converge"):
        brentq(lambda x: x ** 3 - 2, 0.0, 5.0, maxiter=2)
    assert brentq(lambda x: x, 0.0, 1.0) == 0.0 and brentq(lambda x: x - 1, 0.0, 1.0) == 1.0


def test_a_run_imports_no_scipy_optimize():
    """The default scenario's run path (a small population) leaves scipy.optimize out."""
    code = ("import sys, simulate\n"
            "from dataclasses import replace\n"
            "from simulate.report.writer import write_run\n"
            "sc = simulate.load_scenario('scenarios/lao_mecg.toml')\n"
            "simulate.run(replace(sc, records=300, end_year=sc.start_year + 2))\n"
            "print('scipy.optimize' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip().splitlines()[-1] == "False"
