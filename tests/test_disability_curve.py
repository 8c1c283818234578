"""The disability curve by age (population/synthetic.py, ``disability_by_age``) is the
same whatever the BLAS threads: its weighted sum is numpy's, not a BLAS dot product,
whose threads change the last digit (the curve is a kernel input: a Dask worker or
another machine must draw the same disabled persons)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from simulate.population.synthetic import disability_by_age

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import sys
import numpy as np
from simulate.population.synthetic import disability_by_age
for n in (20_000, 1_000_000):  # sizes at which the BLAS dot's last digit moved
    g = np.random.default_rng(5)
    age = g.integers(0, 110, n).astype(np.int16)
    weight = g.random(n) * 1000.0
    sys.stdout.write(disability_by_age(0.05, age, weight).tobytes().hex())
"""


def _curve(threads: int) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads),
           "MKL_NUM_THREADS": str(threads), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", PROBE], env=env, check=True,
                          capture_output=True, text=True).stdout


def test_the_curve_does_not_depend_on_blas_threads() -> None:
    assert _curve(1) == _curve(2)


def test_hand_computed_curve() -> None:
    """Two persons aged 0 and 20, weights 1 and 3: c = p x 4 / (1 + 3 e^0.7)."""
    curve = disability_by_age(0.1, np.array([0, 20], dtype=np.int16), np.array([1.0, 3.0]))
    c = 0.1 * 4.0 / (1.0 + 3.0 * np.exp(0.035 * 20))
    assert curve[0] == c
    assert curve[20] == c * np.exp(0.035 * 20)
    assert curve[100] == min(0.9, c * np.exp(3.5))
