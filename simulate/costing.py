"""From the kernel's totals to the labelled results Dataset.

Administration costs are computed here from the totals (they are linear in
transfers and beneficiaries); every variable is declared in
:mod:`simulate.variables` and gets its ``units`` and ``long_name`` here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import xarray as xr

from . import __version__
from .fiscal import MacroPath
from .kernels.projection import BENEFICIARIES, BENEFICIARIES_AT_BIRTH, ELIGIBLE, TRANSFERS
from .scenario import Programme, Scenario
from .variables import VARIABLES


def admin_cost(prog: Programme, years: np.ndarray, transfers: np.ndarray,
               beneficiaries: np.ndarray, price_index: np.ndarray,
               rollout: np.ndarray) -> np.ndarray:
    """Administration cost by year, nominal local currency (see the admin_cost variable)."""
    a = prog.admin
    fixed = a.fixed_year.at(years) * (rollout > 0)
    setup = np.zeros(len(years))
    for year, amount in a.setup:
        setup[years == year] += amount
    return (a.share_of_transfers * transfers
            + (a.per_beneficiary_year * beneficiaries + fixed + setup) * price_index)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def build_dataset(scenario: Scenario, macro: MacroPath, totals: np.ndarray,
                  population: np.ndarray, births: np.ndarray, rollout: np.ndarray,
                  n_quintiles: int, population_source: str, records: int) -> xr.Dataset:
    """The results Dataset for start_year..end_year.

    ``totals[year, programme, group, measure]`` and ``population[year, sex, age]`` cover
    the simulated years ``macro.years``; only the scenario's years are kept.
    """
    keep = macro.years >= scenario.start_year
    years = macro.years[keep]
    totals = totals[keep]
    pi = macro.price_index[keep]
    by_prog = totals.sum(axis=2)
    eligible = by_prog[:, :, ELIGIBLE]
    beneficiaries = by_prog[:, :, BENEFICIARIES]
    transfers = by_prog[:, :, TRANSFERS]
    admin = np.column_stack([
        admin_cost(p, years, transfers[:, j], beneficiaries[:, j], pi, rollout[j, keep])
        for j, p in enumerate(scenario.programmes)
    ])
    cost = transfers + admin
    gdp, revenue = macro.gdp[keep], macro.revenue[keep]
    data = {
        "eligible": eligible,
        "beneficiaries": beneficiaries,
        "beneficiaries_at_birth": by_prog[:, :, BENEFICIARIES_AT_BIRTH],
        "coverage": _ratio(beneficiaries, eligible),
        "transfers": transfers,
        "admin_cost": admin,
        "cost": cost,
        "cost_real": cost / pi[:, None],
        "cost_usd": cost / macro.exchange_rate[keep][:, None],
        "cost_pct_gdp": cost / gdp[:, None],
        "cost_pct_revenue": _ratio(cost, revenue[:, None]),
        "total_cost": cost.sum(axis=1),
        "total_cost_pct_gdp": cost.sum(axis=1) / gdp,
        "gdp": gdp,
        "revenue": revenue,
        "expenditure": macro.expenditure[keep],
        "price_index": pi,
        "exchange_rate": macro.exchange_rate[keep],
        "population": population[keep].sum(axis=(1, 2)),
        "births": births[keep],
        "population_by_age": population[keep],
    }
    if n_quintiles > 1:
        data["beneficiaries_by_quintile"] = totals[:, :, :, BENEFICIARIES]
        data["transfers_by_quintile"] = totals[:, :, :, TRANSFERS]
    currency = scenario.currency or ""
    coords = {
        "year": years,
        "programme": [p.id for p in scenario.programmes],
        "programme_label": ("programme", [p.label for p in scenario.programmes]),
        "sex": ["male", "female"],
        "age": np.arange(population.shape[2]),
    }
    if n_quintiles > 1:
        coords["quintile"] = np.arange(1, n_quintiles + 1)
    ds = xr.Dataset(coords=coords)
    for name, values in data.items():
        spec = VARIABLES[name]
        ds[name] = xr.DataArray(np.asarray(values, dtype=np.float64), dims=spec.dims, attrs={
            "units": spec.units.replace("{currency}", currency),
            "long_name": spec.long_name,
            "description": spec.description,
        })
    ds["year"].attrs.update(units="calendar year", long_name="year")
    ds["age"].attrs.update(units="years", long_name="age at the start of the year")
    ds.attrs.update({
        "title": scenario.name,
        "scenario_id": scenario.id,
        "description": scenario.description,
        "country": scenario.country,
        "currency": currency,
        "start_year": scenario.start_year,
        "end_year": scenario.end_year,
        "seed": scenario.seed,
        "population_source": population_source,
        "records": records,
        "scenario": scenario.text,
        "scenario_sha256": scenario.sha256,
        "simulate_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    })
    missing = [n for n, v in ds.data_vars.items() if "units" not in v.attrs]
    if missing:  # the registry guarantees this; a failure is a bug, not bad input
        raise AssertionError(f"variables without units: {missing}")
    return ds
