"""The run: scenario -> population -> demography -> kernel -> results.

Data flow one way (DESIGN.md); this module wires the steps and is the only
caller of the kernels (coercing dtypes at the boundary so that numba's typing
errors never reach a user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import xarray as xr

from . import costing
from .demography.projection import N_AGES, Projection, Rates, add_birth_cohorts, rates
from .errors import Problem, ScenarioError
from .fiscal import MacroPath, macro_path
from .kernels.projection import N_MEASURES, project_records, reduce_chunks
from .population.microdata import read_microdata
from .population.profiles import Profile, load_profile
from .population.records import Population
from .population.synthetic import disability_by_age, synthetic_population
from .programmes.rules import RuleTables, compile_rules, quintile_group, welfare_percentile
from .scenario import Scenario

#: records per chunk; fixed so results do not depend on threads or batches
CHUNK_SIZE = 4096
#: chunks per kernel call (a progress step)
CHUNKS_PER_BATCH = 16

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Prepared:
    """Everything the kernel needs for one scenario (reusable across parameter draws)."""

    scenario: Scenario
    profile: Profile
    population: Population
    rates: Rates
    projection: Projection
    macro: MacroPath
    rules: RuleTables
    disability: np.ndarray  # prevalence by age 0..100 for records without data


def base_population(scenario: Scenario, profile: Profile) -> Population:
    """The records of the scenario's first population year (synthetic or microdata)."""
    src = scenario.population_source
    if src == "synthetic":
        return synthetic_population(profile, scenario.records, scenario.seed)
    path = Path(src)
    if not path.is_absolute():
        path = scenario.base_dir / path
    return read_microdata(path, scenario.start_year)


def prepare(scenario: Scenario) -> Prepared:
    """Build the population, projection, macro path and rule tables of ``scenario``."""
    where = scenario.where("scenario.country")
    profile = load_profile(scenario.country, scenario.base_dir, where)
    if scenario.currency and scenario.currency != profile.currency:
        raise ScenarioError(Problem(scenario.where("scenario.currency"), "scenario.currency",
                                    f"{profile.currency!r} (the currency of profile "
                                    f"{profile.code!r})", repr(scenario.currency)))
    if scenario.start_year < profile.base_year:
        raise ScenarioError(Problem(
            scenario.where("scenario.start_year"), "scenario.start_year",
            f"a year >= {profile.base_year} (the base year of profile {profile.code!r}, {where})",
            scenario.start_year))
    pop = base_population(scenario, profile)
    disability = disability_by_age(profile.disability_prevalence, pop.age, pop.weight)
    years = np.arange(pop.year, scenario.end_year + 1)
    r = rates(profile, years, scenario.mortality, scenario.births)
    pop, projection = add_birth_cohorts(pop, r, scenario.seed)
    macro = macro_path(scenario, profile, years)
    rules = compile_rules(scenario, pop, years, macro.price_index)
    return Prepared(scenario, profile, pop, r, projection, macro, rules, disability)


def project_totals(prep: Prepared, progress: Progress | None = None,
                   chunk_size: int = CHUNK_SIZE) -> tuple[np.ndarray, np.ndarray, int]:
    """Run the kernel: totals[year, programme, quintile, measure], population[year, sex, age],
    and the number of quintile groups."""
    pop, r, t = prep.population, prep.rates, prep.rules
    pct = welfare_percentile(pop)
    group, n_groups = quintile_group(pct)
    years = r.years.astype(np.int64)
    n_years, n_prog = len(years), len(t.take_up)
    first_active = int(prep.scenario.start_year - years[0])
    entry_idx = (pop.entry_year.astype(np.int64) - years[0]).astype(np.int64)
    args = dict(
        age0=pop.age.astype(np.int64), months=pop.months.astype(np.int64),
        sex=pop.sex.astype(np.int64), entry_idx=entry_idx,
        weight0=pop.weight.astype(np.float64),
        group=group.astype(np.int64), percentile=np.nan_to_num(pct, nan=np.inf),
        pregnant_data=pop.pregnant.astype(np.int64),
        disabled_data=pop.disabled.astype(np.int64),
    )
    totals = np.zeros((n_years, n_prog, n_groups, N_MEASURES))
    population = np.zeros((n_years, 2, N_AGES))
    n_chunks = (pop.n + chunk_size - 1) // chunk_size
    for start in range(0, n_chunks, CHUNKS_PER_BATCH):
        stop = min(n_chunks, start + CHUNKS_PER_BATCH)
        lo, hi = start * chunk_size, min(pop.n, stop * chunk_size)
        out = np.zeros((stop - start, n_years, n_prog, n_groups, N_MEASURES))
        pop_out = np.zeros((stop - start, n_years, 2, N_AGES))
        part = {k: np.ascontiguousarray(v[lo:hi]) for k, v in args.items()}
        project_records(
            part["age0"], part["months"], part["sex"], part["entry_idx"], part["weight0"],
            np.arange(lo, hi, dtype=np.int64),  # unit id: the record's index
            part["group"], part["percentile"], part["pregnant_data"], part["disabled_data"],
            np.ascontiguousarray(t.static[:, lo:hi]),
            r.survival, r.fertility, prep.disability, years, first_active,
            bool(pop.has_pregnant), bool(pop.has_disabled),
            t.prog_group_start, t.group_cond_start, t.cond_var, t.cond_kind, t.cond_lo,
            t.cond_hi, t.cond_mask, t.take_up, t.rollout, t.amount, t.once.astype(np.bool_),
            t.target_kind.astype(np.int64), t.target_pct, t.exclusion, t.inclusion, t.stream,
            np.uint64(prep.scenario.seed), chunk_size, out, pop_out,
        )
        reduce_chunks(out, totals)
        reduce_chunks(pop_out, population)
        if progress is not None:
            progress(stop, n_chunks)
    return totals, population, n_groups


def run(scenario: Scenario, progress: Progress | None = None) -> xr.Dataset:
    """Project ``scenario`` and return its results Dataset (see docs/results.md)."""
    prep = prepare(scenario)
    totals, population, n_groups = project_totals(prep, progress)
    births = prep.projection.births.sum(axis=1)
    if scenario.currency is None:
        scenario = replace(scenario, currency=prep.profile.currency)
    return costing.build_dataset(
        scenario, prep.macro, totals, population, births, prep.rules.rollout, n_groups,
        prep.population.source, prep.population.n,
    )


def check(scenario: Scenario) -> None:
    """Validate everything a run would need (profile, population, rules) without projecting.

    A synthetic population is built small (the columns do not depend on its size).
    """
    if scenario.population_source == "synthetic":
        scenario = replace(scenario, records=min(scenario.records, 2000))
    prepare(scenario)


WARMUP_SCENARIO = {
    "scenario": {"name": "warm-up", "country": "lao", "start_year": 2025, "end_year": 2027},
    "population": {"records": 300},
    "programmes": {
        "a": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
              "benefit": {"amount": 1.0}, "rollout": {"2025": 0.5, "2027": 1.0}},
        "b": {"eligibility": {"age": [6, 18], "region": "North", "sex": "f"},
              "benefit": {"amount": 1.0, "period": "once"},
              "targeting": {"method": "poverty", "welfare_percentile_max": 40}},
    },
}


def warmup() -> None:
    """Compile every kernel on a tiny scenario (fills numba's on-disk cache)."""
    from .scenario import scenario_from_dict

    run(scenario_from_dict(WARMUP_SCENARIO, "<warm-up>"))
