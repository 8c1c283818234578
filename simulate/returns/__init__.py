"""Economic returns of a scenario: streams, channels, NPV, ERR, BCR, sensitivity cases.

:func:`add_returns` adds to a costing Dataset (when the scenario has a
``[returns]`` table): ``benefits`` (year, channel), ``economic_cost`` (year,
cost_item), ``net_benefits`` (year), and by ``sensitivity`` case (``"base"``
first) ``npv``, ``err``, ``err_roots``, ``bcr``, ``pv_benefits``, ``pv_costs``;
``pv_benefits_by_channel``; the switching values; and the stunting channel's
cohorts. Conventions: :mod:`simulate.finance` (discounting),
:mod:`.flows` (streams), :mod:`.stunting`, :mod:`.sensitivity`; the user's
guide is docs/returns.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from .. import finance
from ..variables import VARIABLES
from .flows import Flows, compute_flows
from .sensitivity import Indicators, all_cases
from .settings import ReturnsSettings, read_settings
from .stunting import cohort_survival

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Prepared
    from ..scenario import Scenario

__all__ = ["RETURN_VARIABLES", "add_returns", "check", "compute", "read_settings",
           "survival_for"]

#: every variable :func:`add_returns` may add (dropped before returns are recomputed)
RETURN_VARIABLES = (
    "benefits", "economic_cost", "net_benefits", "npv", "err", "err_roots", "bcr",
    "pv_benefits", "pv_costs", "pv_benefits_by_channel", "switching_value_costs",
    "switching_value_benefits", "stunting_covered_births", "stunting_prevalence_without",
    "stunting_prevalence_with", "stunting_cases_avoided",
)
_COORDS = ("channel", "cost_item", "sensitivity")


def check(scenario: Scenario) -> ReturnsSettings | None:
    """Validate the scenario's [returns] and [sensitivity] against the whole scenario
    (programme names, years, lengths, tornado parameters); raise every problem at once."""
    settings = read_settings(scenario)
    if settings is not None and settings.parameters_declared:
        from .variants import variants

        variants(scenario, settings)  # builds each one-way scenario: checks the values
    return settings


def survival_from_rates(survival: np.ndarray, rate_years: np.ndarray, scenario: Scenario,
                        sex_ratio_at_birth: float) -> np.ndarray:
    """Cohort survival ``S[k, a]`` on the scenario's years from ``Rates``-style tables."""
    first = int(scenario.start_year - rate_years[0])
    n = scenario.end_year - scenario.start_year + 1
    return cohort_survival(survival[first:first + n], sex_ratio_at_birth)


def survival_for(scenario: Scenario) -> np.ndarray:
    """Cohort survival for a scenario from its country profile (no population needed)."""
    from ..demography.projection import rates
    from ..population.profiles import load_profile

    profile = load_profile(scenario.country, scenario.base_dir,
                           scenario.where("scenario.country"))
    years = scenario.years
    r = rates(profile, years, scenario.mortality, scenario.births)
    return survival_from_rates(r.survival, r.years, scenario, r.sex_ratio_at_birth)


def add_returns(ds: xr.Dataset, scenario: Scenario, prep: Prepared | None = None) -> xr.Dataset:
    """``ds`` with the economic returns of ``scenario`` (unchanged without [returns]).

    ``prep`` (the run's prepared inputs) gives the life table; without it the
    profile's is used.
    """
    settings = read_settings(scenario)
    if settings is None:
        return ds
    survival = None
    if settings.stunting is not None:
        if prep is not None:
            r = prep.rates
            survival = survival_from_rates(r.survival, r.years, scenario, r.sex_ratio_at_birth)
        else:
            survival = survival_for(scenario)
    return compute(ds, settings, survival)


def compute(ds: xr.Dataset, settings: ReturnsSettings,
            survival: np.ndarray | None = None) -> xr.Dataset:
    """The returns of ``settings`` on costing results ``ds`` (earlier returns replaced)."""
    ds = ds.drop_vars([v for v in (*RETURN_VARIABLES, *_COORDS) if v in ds.variables])
    flows = compute_flows(ds, settings, survival)
    cases = all_cases(flows.total_benefits, flows.total_costs, settings)
    return _dataset(ds, settings, flows, cases)


def _units(ds: xr.Dataset, spec_units: str, settings: ReturnsSettings) -> str:
    """Units of a returns variable: ``{currency} of start_year`` (constant prices) or
    ``{currency}`` (``returns.prices = "nominal"``)."""
    units = spec_units.replace("{currency}", str(ds.attrs.get("currency", "")))
    return units.replace(" of start_year", "") if settings.prices == "nominal" else units


def _dataset(ds: xr.Dataset, s: ReturnsSettings, flows: Flows,
             cases: list[Indicators]) -> xr.Dataset:
    n = len(flows.years)
    channels = list(flows.benefits)
    items = list(flows.costs)
    first = s.start_year
    last = s.start_year + s.horizon_years - 1
    sw = finance.switching_values(s.discount_rate, flows.total_benefits[: s.horizon_years],
                                  flows.total_costs[: s.horizon_years], s.discount_first_year)
    pv_by_channel = [finance.pv(s.discount_rate, flows.benefits[ch][: s.horizon_years],
                                s.discount_first_year) for ch in channels]
    data: dict[str, Any] = {
        "benefits": np.column_stack([flows.benefits[ch] for ch in channels])
        if channels else np.zeros((n, 0)),
        "economic_cost": np.column_stack([flows.costs[c] for c in items])
        if items else np.zeros((n, 0)),
        "net_benefits": flows.total_benefits - flows.total_costs,
        "npv": [c.npv for c in cases],
        "err": [np.nan if c.err is None else c.err for c in cases],
        "err_roots": [len(c.err_roots) for c in cases],
        "bcr": [c.bcr for c in cases],
        "pv_benefits": [c.pv_benefits for c in cases],
        "pv_costs": [c.pv_costs for c in cases],
        "pv_benefits_by_channel": pv_by_channel,
        "switching_value_costs": sw.costs,
        "switching_value_benefits": sw.benefits,
    }
    st = flows.stunting
    if st is not None:
        data.update({
            "stunting_covered_births": st.covered,
            "stunting_prevalence_without": st.prevalence_without,
            "stunting_prevalence_with": st.prevalence_with,
            "stunting_cases_avoided": st.avoided,
        })
    out = ds.assign_coords(channel=channels, cost_item=items,
                           sensitivity=[c.case for c in cases])
    out["channel"].attrs.update(long_name="economic benefit channel")
    out["cost_item"].attrs.update(long_name="economic cost item (programme, stream or "
                                  "activity)")
    out["sensitivity"].attrs.update(long_name="sensitivity case (base: none)")
    counted = {
        "discount_rate": s.discount_rate,
        "years_counted": f"{first}-{last}",
        "discount_first_year": int(s.discount_first_year),
        "prices": s.prices,
    }
    many = "; ".join(f"{c.case}: " + ", ".join(f"{r:.6g}" for r in c.err_roots)
                     for c in cases if len(c.err_roots) > 1)
    for name, values in data.items():
        spec = VARIABLES[name]
        attrs = {"units": _units(ds, spec.units, s), "long_name": spec.long_name,
                 "description": spec.description}
        if name in ("npv", "err", "bcr", "pv_benefits", "pv_costs", "pv_benefits_by_channel",
                    "switching_value_costs", "switching_value_benefits"):
            attrs.update(counted)
        if name == "err" and many:
            attrs["several_rates"] = many
        dtype = np.int64 if name == "err_roots" else np.float64
        out[name] = xr.DataArray(np.asarray(values, dtype=dtype), dims=spec.dims, attrs=attrs)
    return out
