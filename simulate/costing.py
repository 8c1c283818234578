"""From the kernel's totals to the costing's named result arrays.

Administration costs are computed here from the totals (they are linear in
transfers and beneficiaries). :func:`costing_results` returns the arrays as a
:class:`~simulate.results.Results` (every variable declared in
:mod:`simulate.variables`, which gives it its dims, ``units`` and ``long_name``
when the Dataset is built, once, from all the steps' arrays).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from ._version import __version__
from .kernels.projection import (
    BENEFICIARIES,
    BENEFICIARIES_AT_BIRTH,
    BENEFICIARIES_ELIGIBLE,
    BENEFICIARY_MONTHS,
    ELIGIBLE,
    ELIGIBLE_MONTHS,
    HOUSEHOLDS_BENEFICIARIES,
    HOUSEHOLDS_ELIGIBLE,
    POV_GAP,
    POV_PERSONS,
    POV_POOR,
    POV_SEVERITY,
    TRANSFERS,
    TRANSFERS_DUE,
)
from .provenance import provenance_attrs
from .results import Results
from .scenario import Programme, Scenario
from .scenario.keys.outputs import off_attrs

if TYPE_CHECKING:
    from .prepared import Prepared, Totals


#: the parts of a programme's cost: regular, and a shock response's top-up and expansion
COMPONENTS = ("regular", "shock_vertical", "shock_horizontal")


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


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` where ``den > 0``, NaN elsewhere (a share or a per-unit figure is
    undefined without a positive denominator: no eligible people, no GDP); the one
    ratio of the results layer (costing, fiscal space)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def gini_from_histogram(hist: np.ndarray) -> float | np.ndarray:
    """Gini from a histogram of welfare sorted ascending: ``hist[..., bin] = (persons,
    welfare sum)``, treating persons within a bin as equal (bins are 0.8 % wide in
    welfare); one Gini per leading index (a float for one histogram), NaN when there
    are no persons or no welfare."""
    weights, sums = hist[..., 0], hist[..., 1]
    total_w = weights.sum(axis=-1, keepdims=True)
    total_s = sums.sum(axis=-1, keepdims=True)
    ok = (total_w > 0) & (total_s > 0)
    zero = np.zeros((*weights.shape[:-1], 1))
    p = np.concatenate([zero, np.cumsum(weights, axis=-1)], axis=-1) / np.where(ok, total_w, 1)
    lorenz = np.concatenate([zero, np.cumsum(sums, axis=-1)], axis=-1) / np.where(ok, total_s,
                                                                                  1)
    gini = 1.0 - np.sum(np.diff(p, axis=-1) * (lorenz[..., 1:] + lorenz[..., :-1]), axis=-1)
    gini = np.where(ok[..., 0], gini, np.nan)
    return float(gini) if gini.ndim == 0 else gini


def combination_labels(programmes: list[str], n_combos: int) -> list[str]:
    """``a+b`` for the bit mask of programmes a and b; ``(none)`` for 0 (not a valid
    programme name, so it cannot clash with one)."""
    labels = []
    for k in range(n_combos):
        names = [programmes[j] for j in range(len(programmes)) if k >> j & 1]
        labels.append("+".join(names) if names else "(none)")
    return labels


def costing_results(scenario: Scenario, prep: Prepared, totals: Totals,
                    provenance: bool = True) -> Results:
    """The costing's result arrays for start_year..end_year from the kernel's totals
    (with the coordinates and the Dataset's attributes).

    Totals cover the simulated years ``prep.macro.years`` (which may start before
    start_year); only the scenario's years are kept. ``provenance``: whether the
    attributes carry the scenario's provenance (:func:`provenance_of`); a Monte Carlo
    draw's and a tornado bar's results do not (the draws' Dataset takes the base
    scenario's: :func:`with_provenance`), so no variant writes its scenario's text.
    """
    macro = prep.macro
    keep = macro.years >= scenario.start_year
    years = macro.years[keep]
    t = totals.programmes[keep]
    pi = macro.price_index[keep]
    by_prog = t.sum(axis=2)
    eligible = by_prog[:, :, ELIGIBLE]
    beneficiaries = by_prog[:, :, BENEFICIARIES]
    transfers = by_prog[:, :, TRANSFERS]
    rightly = by_prog[:, :, BENEFICIARIES_ELIGIBLE]
    rollout = prep.rules.rollout[:, keep]
    person_years = by_prog[:, :, BENEFICIARY_MONTHS] / 12.0
    # per beneficiary-year costs: persons for whole-year programmes, person-years for monthly
    counted = np.where(prep.rules.monthly[None, :], person_years, beneficiaries)
    admin = np.column_stack([
        admin_cost(p, years, transfers[:, j], counted[:, j], pi, rollout[j])
        for j, p in enumerate(scenario.programmes)
    ])
    cost = transfers + admin
    gdp, revenue = macro.gdp[keep], macro.revenue[keep]
    household = np.array([p.unit == "household" for p in scenario.programmes])
    population = totals.population[keep]
    data = {
        "eligible": eligible,
        "beneficiaries": beneficiaries,
        "beneficiaries_at_birth": by_prog[:, :, BENEFICIARIES_AT_BIRTH],
        "households_eligible": np.where(household, by_prog[:, :, HOUSEHOLDS_ELIGIBLE], np.nan),
        "households_beneficiaries": np.where(household,
                                             by_prog[:, :, HOUSEHOLDS_BENEFICIARIES], np.nan),
        # coverage of the eligible: only the truly eligible among the beneficiaries count,
        # so it never exceeds 1; inclusion-error entrants are counted apart
        # (docs/methods.md, "Coverage and inclusion errors")
        "coverage": ratio(rightly, eligible),
        "beneficiaries_eligible": rightly,
        "beneficiaries_not_eligible": np.maximum(beneficiaries - rightly, 0.0),
        "inclusion_error_rate": 1.0 - ratio(rightly, beneficiaries),
        "exclusion_error_rate": 1.0 - ratio(rightly, eligible),
        "transfers": transfers,
        "transfers_due": by_prog[:, :, TRANSFERS_DUE],
        "beneficiary_months": by_prog[:, :, BENEFICIARY_MONTHS],
        "beneficiary_years": person_years,
        "eligible_months": by_prog[:, :, ELIGIBLE_MONTHS],
        "admin_cost": admin,
        "cost": cost,
        "cost_real": cost / pi[:, None],
        "cost_usd": cost / macro.exchange_rate[keep][:, None],
        "cost_pct_gdp": cost / gdp[:, None],
        "cost_pct_revenue": ratio(cost, revenue[:, None]),
        "total_cost": cost.sum(axis=1),
        "cost_by_component": np.column_stack([
            cost[:, [p.component == c for p in scenario.programmes]].sum(axis=1)
            for c in COMPONENTS]),
        "total_cost_pct_gdp": cost.sum(axis=1) / gdp,
        "total_cost_real": cost.sum(axis=1) / pi,
        "total_cost_usd": cost.sum(axis=1) / macro.exchange_rate[keep],
        "gdp": gdp,
        "revenue": revenue,
        "expenditure": macro.expenditure[keep],
        "price_index": pi,
        "exchange_rate": macro.exchange_rate[keep],
        # persons alive, summed household by household in record order (the kernel's
        # per-group totals): every year adds in the same order, whereas summing the
        # sex x age table pairs different cells as the ages shift (the totals of a
        # constant population then differed in the last bit)
        "population": totals.groups[keep].sum(axis=1),
        "births": prep.projection.births.sum(axis=1)[keep],
        "population_by_age": population,
    }
    coords = {
        "year": years,
        "programme": [p.id for p in scenario.programmes],
        "programme_label": ("programme", [p.label for p in scenario.programmes]),
        # regular, or a shock response's part and the programme it expands
        # (simulate/scenario/shock.py)
        "programme_component": ("programme", [p.component for p in scenario.programmes]),
        "programme_parent": ("programme", [p.parent or p.id for p in scenario.programmes]),
        "component": list(COMPONENTS),
        "sex": ["male", "female"],
        "age": np.arange(population.shape[2]),
    }
    if totals.n_groups > 1:
        deciles = t[..., [BENEFICIARIES, TRANSFERS]]
        quint = deciles.reshape(*deciles.shape[:2], 5, 2, 2).sum(axis=3)
        persons_q = totals.groups[keep].reshape(len(years), 5, 2).sum(axis=2)
        data.update({
            "beneficiaries_by_decile": deciles[..., 0],
            "transfers_by_decile": deciles[..., 1],
            "beneficiaries_by_quintile": quint[..., 0],
            "transfers_by_quintile": quint[..., 1],
            "persons_by_decile": totals.groups[keep],
            "persons_by_quintile": persons_q,
            "share_to_poorest_quintile": ratio(quint[:, :, 0, 1], transfers),
            "coverage_poorest_quintile": ratio(quint[:, :, 0, 0], persons_q[:, :1]),
        })
        coords["decile"] = np.arange(1, 11)
        coords["quintile"] = np.arange(1, 6)
    # [outputs] poverty = false: the kernel computed none of it (its outputs are empty)
    if totals.n_groups > 1 and totals.poverty.shape[1] > 0:
        pov = totals.poverty[keep]
        persons = pov[..., POV_PERSONS]
        data.update({
            "poverty_line": np.full(len(years), prep.poverty_line),
            "poverty_headcount": ratio(pov[..., POV_POOR], persons),
            "poverty_gap": ratio(pov[..., POV_GAP], persons),
            "poverty_severity": ratio(pov[..., POV_SEVERITY], persons),
            "poor_persons": pov[..., POV_POOR],
            "gini": gini_from_histogram(totals.histogram[keep]),
        })
        coords["stage"] = ["before", "after"]
    if totals.overlap.shape[1] > 1:
        data["overlap"] = totals.overlap[keep]
        coords["combination"] = combination_labels(coords["programme"], totals.overlap.shape[1])
        coords["status"] = ["eligible", "receiving"]
    currency = scenario.currency or ""
    out = Results(currency=currency)
    for name, values in data.items():
        out.put(name, values)
    out.coords.update(coords)
    out.coord_attrs["year"] = {"units": "calendar year", "long_name": "year"}
    out.coord_attrs["age"] = {"units": "years", "long_name": "age at the start of the year"}
    out.attrs.update({
        "title": scenario.name,
        "scenario_id": scenario.id,
        "description": scenario.description,
        "country": scenario.country,
        "currency": currency,
        "start_year": scenario.start_year,
        "end_year": scenario.end_year,
        "seed": scenario.seed,
        "population_source": prep.population.source,
        "records": prep.population.n,
        **off_attrs(scenario.section("outputs")),  # [outputs] switched off, if any
    })
    if provenance:
        out.attrs.update(provenance_of(scenario))
    return out


#: the attributes of :func:`costing_results` that name the run, before its provenance
RUN_ATTRS = ("title", "scenario_id", "description", "country", "currency", "start_year",
             "end_year", "seed", "population_source", "records")


def provenance_of(scenario: Scenario) -> dict[str, Any]:
    """The attributes that trace results to ``scenario``: its rerunnable text
    (``scenario``, :attr:`Scenario.text`) and the text's sha256, the program version, the
    time (ISO 8601, seconds, UTC) and the scenario files as written
    (:func:`simulate.provenance.provenance_attrs`)."""
    return {
        "scenario": scenario.text,
        "scenario_sha256": scenario.sha256,
        "simulate_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **provenance_attrs(scenario.path),
    }


def with_provenance(attrs: Mapping[str, Any], scenario: Scenario) -> dict[str, Any]:
    """``attrs`` (of results built with ``provenance=False``) with ``scenario``'s
    provenance (:func:`provenance_of`) where :func:`costing_results` puts it: after the
    run's own attributes (:data:`RUN_ATTRS`), before those of the later steps; a
    provenance attribute already in ``attrs`` is replaced."""
    prov = provenance_of(scenario)
    head = {k: attrs[k] for k in RUN_ATTRS if k in attrs}
    return {**head, **prov, **{k: v for k, v in attrs.items()
                               if k not in head and k not in prov}}
