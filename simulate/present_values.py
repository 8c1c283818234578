"""Present values of the cost and the financing gap (docs/sensitivity.md).

``total_cost_pv`` and ``financing_gap_pv`` discount each year's amount to start_year:
``sum_t x_t (1 + r)^-(t - start_year)`` over the scenario's years, ``r`` being
``returns.discount_rate`` (a scenario with [returns]) or else
``sensitivity.discount_rate``; a scenario with neither has no present values.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .scenario import Scenario
from .variables import variable


def discount_rate(scenario: Scenario) -> float | None:
    """The rate of the present values: returns.discount_rate, else
    sensitivity.discount_rate, else None."""
    ret = scenario.section("returns")
    if ret and ret.get("discount_rate") is not None:
        return float(ret["discount_rate"])
    sens = scenario.section("sensitivity")
    if sens and sens.get("discount_rate") is not None:
        return float(sens["discount_rate"])
    return None


def present_value(values: np.ndarray, years: np.ndarray, rate: float, first: int
                  ) -> float:
    """``sum_t values_t (1 + rate)^-(years_t - first)``."""
    t = np.asarray(years, dtype=float) - float(first)
    return float(np.sum(np.asarray(values, dtype=float) * (1.0 + rate) ** -t))


def add_present_values(ds: xr.Dataset, scenario: Scenario) -> xr.Dataset:
    """``ds`` with ``total_cost_pv`` and ``financing_gap_pv`` (when it has a gap), each
    with its ``discount_rate`` attribute; unchanged without a rate."""
    rate = discount_rate(scenario)
    if rate is None or "total_cost" not in ds:
        return ds
    currency = str(ds.attrs.get("currency", ""))
    years = ds["year"].values
    for name, source in (("total_cost_pv", "total_cost"),
                         ("financing_gap_pv", "financing_gap")):
        if source in ds:
            ds[name] = variable(name, present_value(ds[source].values, years, rate,
                                                    scenario.start_year), currency)
            ds[name].attrs["discount_rate"] = rate
    return ds
