"""The macro-fiscal path: GDP, prices, exchange rate, revenue and expenditure.

Conventions (DESIGN.md): nominal GDP grows by (1 + real_gdp_growth) *
(1 + inflation) a year, the rates of year t applying from t-1 to t. The
profile's GDP is that of its base year; ``[macro] gdp`` in a scenario is the
GDP of start_year. Consumer prices are 1 in start_year. Revenue and
expenditure are their shares of GDP times GDP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .population.profiles import Profile
from .scenario import Scenario, YearPath


@dataclass(frozen=True)
class MacroPath:
    """Yearly macro figures for ``years`` (calendar years); money in nominal local currency."""

    years: np.ndarray
    gdp: np.ndarray
    real_gdp_growth: np.ndarray
    inflation: np.ndarray
    price_index: np.ndarray
    exchange_rate: np.ndarray
    revenue: np.ndarray
    expenditure: np.ndarray


def _path(scenario_value, profile_value: YearPath) -> YearPath:
    return profile_value if scenario_value is None else YearPath.from_value(scenario_value)


def macro_path(scenario: Scenario, profile: Profile, years: np.ndarray) -> MacroPath:
    """The macro path over ``years`` (which may start before start_year, at the
    population's year); GDP and prices are anchored as the module docstring says."""
    years = np.asarray(years)
    first = min(int(years[0]), profile.base_year, scenario.start_year)
    span = np.arange(first, int(years[-1]) + 1)
    growth = _path(scenario.macro.get("real_gdp_growth"), profile.real_gdp_growth).at(span)
    inflation = _path(scenario.macro.get("inflation"), profile.inflation).at(span)
    step = (1.0 + growth) * (1.0 + inflation)
    step[0] = 1.0
    cum_nominal = np.cumprod(step)  # relative to `first`
    prices = np.cumprod(np.r_[1.0, 1.0 + inflation[1:]])
    s = scenario.start_year - first
    if "gdp" in scenario.macro:
        gdp = scenario.macro["gdp"] * cum_nominal / cum_nominal[s]
    else:
        b = profile.base_year - first
        gdp = profile.gdp * cum_nominal / cum_nominal[b]
    prices = prices / prices[s]
    pick = years - first
    revenue_share = _path(scenario.fiscal.get("revenue_pct_gdp"), profile.revenue_pct_gdp)
    spending_share = _path(scenario.fiscal.get("expenditure_pct_gdp"),
                           profile.expenditure_pct_gdp)
    fx = _path(scenario.macro.get("exchange_rate"), profile.exchange_rate)
    return MacroPath(
        years=years,
        gdp=gdp[pick],
        real_gdp_growth=growth[pick],
        inflation=inflation[pick],
        price_index=prices[pick],
        exchange_rate=fx.at(years),
        revenue=gdp[pick] * revenue_share.at(years),
        expenditure=gdp[pick] * spending_share.at(years),
    )
