"""openfisca_sp: an OpenFisca country package with the three rules of
benchmarks/bench_projection.py (child grant under 2, social pension 65+, school grant
for the poorest 40%), for the speed comparison of docs/performance.md. Not a
dependency of simulate: installed only for the benchmark (``pip install -e
benchmarks/openfisca_sp``, or the ``bench`` extra).

OpenFisca keeps ``float`` variables in float32; this package keeps them in float64
(:func:`system`) so that its totals can be asserted equal to the engine's to 1e-9.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from . import variables
from .entities import entities

PARAMETERS = Path(__file__).parent / "parameters"


class CountryTaxBenefitSystem(TaxBenefitSystem):
    """The three rules and their parameters."""

    def __init__(self) -> None:
        super().__init__(entities)
        self.add_variables(*variables.ALL)
        self.load_parameters(str(PARAMETERS))
        for variable in self.variables.values():
            if variable.value_type is float:
                variable.dtype = np.float64


def system() -> CountryTaxBenefitSystem:
    return CountryTaxBenefitSystem()


def set_paths(tbs: TaxBenefitSystem, years, price_index, rollout_child) -> None:
    """Set the year-by-year paths: CPI (1 in the first year) and the child grant's
    roll-out share, from the same arrays the engine uses."""
    for year, price, roll in zip(years, price_index, rollout_child, strict=True):
        tbs.parameters.price_index.update(period=f"year:{int(year)}", value=float(price))
        tbs.parameters.child_grant.rollout.update(period=f"year:{int(year)}",
                                                  value=float(roll))
