"""Economic returns of a scenario: streams, channels, NPV, ERR, BCR, sensitivity cases.

:func:`returns_results` computes from the costing's arrays (when the scenario has a
``[returns]`` table), as named arrays (:class:`~simulate.results.Results`): ``benefits`` (year, channel), ``economic_cost`` (year,
cost_item), ``net_benefits`` (year), and by ``sensitivity`` case (``"base"``
first) ``npv``, ``err``, ``err_roots``, ``bcr``, ``pv_benefits``, ``pv_costs``;
``pv_benefits_by_channel``; the switching values; and the stunting channel's
cohorts. Conventions: :mod:`simulate.finance` (discounting),
:mod:`.flows` (streams), :mod:`.stunting`, :mod:`.sensitivity`; the user's
guide is docs/returns.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from .. import finance
from ..results import Results, build_dataset
from ..variables import units_of
from .flows import Flows, compute_flows
from .sensitivity import Indicators, all_cases
from .settings import ReturnsSettings, read_settings
from .stunting import cohort_survival

if TYPE_CHECKING:  # pragma: no cover
    from ..prepared import Prepared
    from ..scenario import Scenario

__all__ = ["RETURN_VARIABLES", "check", "compute", "compute_results", "read_settings",
           "returns_results", "survival_for"]

#: every variable :func:`returns_results` may add (dropped before returns are recomputed)
RETURN_VARIABLES = (
    "benefits", "economic_cost", "net_benefits", "npv", "err", "err_roots", "bcr",
    "pv_benefits", "pv_costs", "pv_benefits_by_channel", "switching_value_costs",
    "switching_value_benefits", "stunting_covered_births", "stunting_prevalence_without",
    "stunting_prevalence_with", "stunting_cases_avoided",
)
_COORDS = ("channel", "cost_item", "sensitivity")


def check(scenario: Scenario) -> ReturnsSettings | None:
    """The scenario's returns settings. Everything about them was checked when the
    Scenario was built: [returns] and [sensitivity] against the rest of the scenario
    (:func:`simulate.scenario.keys.returns.check_returns`) and each declared tornado
    parameter at its low and high values (``keys.returns.check_tornado``, a variant
    built for each)."""
    return read_settings(scenario)


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


def returns_results(results: Results, scenario: Scenario,
                    prep: Prepared | None = None) -> Results:
    """The economic returns of ``scenario`` from the costing's arrays ``results`` (none
    without [returns]).

    ``prep`` (the run's prepared inputs) gives the life table; without it the
    profile's is used.
    """
    settings = read_settings(scenario)
    if settings is None:
        return Results(currency=results.currency)
    survival = None
    if settings.stunting is not None:
        if prep is not None:
            r = prep.rates
            survival = survival_from_rates(r.survival, r.years, scenario, r.sex_ratio_at_birth)
        else:
            survival = survival_for(scenario)
    return compute_results(results.data, results.labels("programme"), results.currency,
                           settings, survival)


#: the costing's arrays the returns read
_INPUTS = ("price_index", "cost", "transfers", "beneficiaries", "beneficiaries_at_birth")


def compute(ds: xr.Dataset, settings: ReturnsSettings,
            survival: np.ndarray | None = None) -> xr.Dataset:
    """``ds`` (a run's results) with the returns of ``settings`` in place of its own."""
    ds = ds.drop_vars([v for v in (*RETURN_VARIABLES, *_COORDS) if v in ds.variables])
    part = compute_results({k: ds[k].values for k in _INPUTS},
                           [str(p) for p in ds["programme"].values],
                           str(ds.attrs.get("currency", "")), settings, survival)
    new = build_dataset(part)
    return ds.assign_coords(new.coords).assign(new.data_vars)


def compute_results(arrays: Mapping[str, np.ndarray], programmes: list[str], currency: str,
                    settings: ReturnsSettings, survival: np.ndarray | None = None
                    ) -> Results:
    """The returns of ``settings`` on the costing's arrays (named arrays; the
    programme axis labelled by ``programmes``; money in ``currency``)."""
    flows = compute_flows(arrays, programmes, settings, survival)
    cases = all_cases(flows.total_benefits, flows.total_costs, settings)
    return _results(currency, settings, flows, cases)


#: the variables whose attributes say which years are counted and how they are discounted
_COUNTED = ("npv", "err", "bcr", "pv_benefits", "pv_costs", "pv_benefits_by_channel",
            "switching_value_costs", "switching_value_benefits")


def _results(currency: str, s: ReturnsSettings, flows: Flows,
             cases: list[Indicators]) -> Results:
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
    out = Results(currency=currency)
    out.coord("channel", channels, long_name="economic benefit channel")
    out.coord("cost_item", items,
              long_name="economic cost item (programme, stream or activity)")
    out.coord("sensitivity", [c.case for c in cases],
              long_name="sensitivity case (base: none)")
    counted = {
        "discount_rate": s.discount_rate,
        "years_counted": f"{first}-{last}",
        "discount_first_year": int(s.discount_first_year),
        "prices": s.prices,
    }
    many = "; ".join(f"{c.case}: " + ", ".join(f"{r:.6g}" for r in c.err_roots)
                     for c in cases if len(c.err_roots) > 1)
    nominal = s.prices == "nominal"
    for name, values in data.items():
        # units in current prices replace the registry's constant ones
        attrs: dict[str, Any] = {"units": units_of(name, currency, True)} if nominal else {}
        if name in _COUNTED:
            attrs.update(counted)
        if name == "err" and many:
            attrs["several_rates"] = many
        out.put(name, values, **attrs)
    return out
