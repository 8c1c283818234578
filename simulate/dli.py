"""Disbursement-linked indicators of seed 004 (Ukraine) that are read off results.

DLI 1-3 (caseload held for consecutive months) are results-based financing in the
scenario (``[fiscal.financing.results_based]`` with ``months``; simulate/financing.py).
DLI 4 is a targeting test: "a minimum 10 percent increase in the share of benefits
received by the poorest quintile". The seed does not say whether 10 percent is
relative (x 1.10) or percentage points (+10 points); :func:`targeting_test` reports
both and whether each reading passes, and :func:`targeting_sweep` runs a reform at
several sizes so that a report can say for which sizes it passes and fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xarray as xr

MINIMUM_INCREASE = 0.10  # seed 004, DLI 4: "a minimum 10 percent increase"


@dataclass(frozen=True)
class TargetingTest:
    """DLI 4 on one programme: shares are fractions (0.814 = 81.4 %)."""

    base_share: float
    reform_share: float

    @property
    def relative(self) -> float:
        """reform / base - 1 (0.129 = +12.9 %)."""
        return self.reform_share / self.base_share - 1.0

    @property
    def points(self) -> float:
        """reform - base, in percentage points (10.5 = +10.5 points)."""
        return 100.0 * (self.reform_share - self.base_share)

    @property
    def passes_relative(self) -> bool:
        """The relative reading: at least +10 %."""
        return self.relative >= MINIMUM_INCREASE

    @property
    def passes_points(self) -> bool:
        """The percentage-point reading: at least +10 points."""
        return self.points >= 100.0 * MINIMUM_INCREASE


def poorest_quintile_share(ds: xr.Dataset, programme: str, year: int) -> float:
    """Share of ``programme``'s transfers reaching the poorest quintile in ``year``."""
    return float(ds["share_to_poorest_quintile"].sel(programme=programme, year=year))


def targeting_test(base: xr.Dataset, reform: xr.Dataset, programme: str,
                   year: int) -> TargetingTest:
    """DLI 4 comparing two runs' poorest-quintile shares of ``programme`` in ``year``."""
    return TargetingTest(poorest_quintile_share(base, programme, year),
                         poorest_quintile_share(reform, programme, year))


def targeting_sweep(base_path: Path, reform_path: Path, key: str, values: Iterable[Any],
                    programme: str, year: int,
                    overrides: Mapping[str, Any] | None = None) -> list[tuple[Any, TargetingTest]]:
    """The reform at each ``values`` of ``key`` (a ``--set`` key path) against the base."""
    import simulate

    extra = dict(overrides or {})
    base = simulate.run(simulate.load_scenario(base_path, overrides=extra))
    out = []
    for v in values:
        reform = simulate.run(simulate.load_scenario(reform_path, overrides={**extra, key: v}))
        out.append((v, targeting_test(base, reform, programme, year)))
    return out
