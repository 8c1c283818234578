"""Present values of the cost and the financing gap (docs/sensitivity.md).

``total_cost_pv`` and ``financing_gap_pv`` discount each year's amount to start_year:
``sum_t x_t (1 + r)^-(t - start_year)`` over the scenario's years, ``r`` being
``returns.discount_rate`` (a scenario with [returns]) or else
``sensitivity.discount_rate``; a scenario with neither has no present values.
"""

from __future__ import annotations

import numpy as np

from .results import Results
from .scenario import Scenario


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


def present_value_results(results: Results, scenario: Scenario) -> Results:
    """``total_cost_pv`` and ``financing_gap_pv`` (when ``results`` has a gap) of the
    run's arrays so far, each with its ``discount_rate`` attribute; none without a
    rate."""
    out = Results(currency=results.currency)
    rate = discount_rate(scenario)
    if rate is None or "total_cost" not in results:
        return out
    years = np.asarray(results.coords["year"])
    for name, source in (("total_cost_pv", "total_cost"),
                         ("financing_gap_pv", "financing_gap")):
        if source in results:
            out.put(name, present_value(results[source], years, rate, scenario.start_year),
                    discount_rate=rate)
    return out
