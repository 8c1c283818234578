"""Shared test settings: floating-point errors raise; hypothesis sized for kernel tests."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, max_examples=100, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _raise_on_floating_point_errors():
    """Division by zero, overflow and invalid operations are errors in every test."""
    old = np.seterr(all="raise", under="ignore")  # underflow to 0 is correct (survival)
    try:
        yield
    finally:
        np.seterr(**old)
