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

from . import costing, returns
from .demography.projection import N_AGES, Projection, Rates, add_birth_cohorts, rates
from .errors import Problem, ScenarioError
from .fiscal import MacroPath, add_fiscal, macro_path
from .kernels.projection import (
    HIST_BINS,
    N_MEASURES,
    N_POV,
    project_households,
    reduce_chunks,
)
from .population.microdata import read_microdata
from .population.profiles import Profile, load_profile
from .population.records import Population
from .population.synthetic import disability_by_age, synthetic_population
from .programmes.rules import RuleTables, compile_rules, welfare_group, welfare_percentile
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
    poverty_line: float  # per person per year, start_year prices


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
    # households contiguous, newborns with their mothers' households (stable: reproducible)
    pop = pop.take(np.argsort(pop.household_id, kind="stable"))
    macro = macro_path(scenario, profile, years)
    rules = compile_rules(scenario, pop, years, macro.price_index)
    line = scenario.section("poverty").get("line")
    if line is None:  # the profile's line, from its base year's prices to start_year's
        p = macro_path(scenario, profile, np.array([profile.base_year])).price_index[0]
        line = profile.poverty_line / p
    return Prepared(scenario, profile, pop, r, projection, macro, rules, disability,
                    float(line))


@dataclass(frozen=True)
class Totals:
    """What the kernel accumulated, summed over chunks (see kernels/projection.py).

    ``programmes[year, programme, decile, measure]``, ``population[year, sex, age]``,
    ``poverty[year, before/after, measure]``, ``histogram[year, before/after, bin, 2]``,
    ``overlap[year, combination, eligible/receiving]``, ``groups[year, decile]`` (persons);
    ``n_groups`` is 10 (welfare deciles)
    or 1 when the population has no welfare.
    """

    programmes: np.ndarray
    population: np.ndarray
    poverty: np.ndarray
    histogram: np.ndarray
    overlap: np.ndarray
    groups: np.ndarray
    n_groups: int


MAX_OVERLAP_PROGRAMMES = 12


def household_chunks(household_id: np.ndarray, chunk_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Household start offsets (records sorted by household) and chunk boundaries in
    households: a chunk begins at the first household starting at or after each
    multiple of ``chunk_size`` records (fixed, whatever the threads)."""
    n = len(household_id)
    starts = np.flatnonzero(np.r_[True, household_id[1:] != household_id[:-1]])
    hh_start = np.r_[starts, n].astype(np.int64)
    chunk_hh = np.unique(np.r_[np.searchsorted(starts, np.arange(0, n, chunk_size)),
                               len(starts)]).astype(np.int64)
    return hh_start, chunk_hh


def project_totals(prep: Prepared, progress: Progress | None = None,
                   chunk_size: int = CHUNK_SIZE) -> Totals:
    """Run the kernel over every household and year and return its totals."""
    pop, r, t, sc = prep.population, prep.rates, prep.rules, prep.scenario
    group, n_groups = welfare_group(welfare_percentile(pop))
    years = r.years.astype(np.int64)
    n_years, n_prog = len(years), len(t.unit)
    first_active = int(sc.start_year - years[0])
    hh_start, chunk_hh = household_chunks(pop.household_id, chunk_size)
    max_members = int(np.diff(hh_start).max()) if len(hh_start) > 1 else 1
    n_combos = 2 ** n_prog if n_prog <= MAX_OVERLAP_PROGRAMMES else 1
    # welfare in start_year prices (the population's own year may be earlier)
    welfare = pop.welfare / prep.macro.price_index[0]
    line = np.full(n_years, prep.poverty_line)
    arrays = (
        pop.age.astype(np.int64), pop.months.astype(np.int64), pop.sex.astype(np.int64),
        (pop.entry_year.astype(np.int64) - years[0]), pop.weight.astype(np.float64),
        np.arange(pop.n, dtype=np.int64), group, pop.pregnant.astype(np.int64),
        pop.disabled.astype(np.int64), t.static, welfare, t.target_value, t.income,
        r.survival, r.fertility, prep.disability, years, first_active, bool(pop.has_pregnant),
        bool(pop.has_disabled), prep.macro.price_index, line,
        t.prog_group_start, t.group_cond_start, t.cond_var, t.cond_kind, t.cond_lo, t.cond_hi,
        t.cond_mask, t.unit, t.kind, t.take_up, t.rollout, t.amount, t.once.astype(np.bool_),
        t.target_row, t.target_threshold, t.exclusion, t.inclusion, t.stream, t.income_row,
        t.income_from, t.disregard, t.taper, t.cap, t.eq_first, t.eq_other, t.eq_child,
        t.child_age, t.norm_cost, t.region_factor, t.band_upper, t.band_share,
        pop.region.astype(np.int64), np.uint64(sc.seed), max_members,
    )
    totals = Totals(
        programmes=np.zeros((n_years, n_prog, n_groups, N_MEASURES)),
        population=np.zeros((n_years, 2, N_AGES)),
        poverty=np.zeros((n_years, 2, N_POV)),
        histogram=np.zeros((n_years, 2, HIST_BINS, 2)),
        overlap=np.zeros((n_years, n_combos, 2)),
        groups=np.zeros((n_years, n_groups)),
        n_groups=n_groups,
    )
    n_chunks = len(chunk_hh) - 1
    for start in range(0, n_chunks, CHUNKS_PER_BATCH):
        stop = min(n_chunks, start + CHUNKS_PER_BATCH)
        k = stop - start
        outs = (np.zeros((k, *totals.programmes.shape)), np.zeros((k, *totals.population.shape)),
                np.zeros((k, *totals.poverty.shape)), np.zeros((k, *totals.histogram.shape)),
                np.zeros((k, *totals.overlap.shape)), np.zeros((k, *totals.groups.shape)))
        project_households(hh_start, np.ascontiguousarray(chunk_hh[start:stop + 1]), *arrays,
                           *outs)
        for part, total in zip(outs, (totals.programmes, totals.population, totals.poverty,
                                      totals.histogram, totals.overlap, totals.groups),
                               strict=True):
            reduce_chunks(part, total)
        if progress is not None:
            progress(stop, n_chunks)
    return totals


def run(scenario: Scenario, progress: Progress | None = None) -> xr.Dataset:
    """Project ``scenario`` and return its results Dataset (see docs/results.md)."""
    returns.check(scenario)  # before the kernel: bad [returns] input fails fast
    prep = prepare(scenario)
    totals = project_totals(prep, progress)
    if scenario.currency is None:
        scenario = replace(scenario, currency=prep.profile.currency)
    ds = costing.build_dataset(scenario, prep, totals)
    ds = add_fiscal(ds, scenario, prep.macro)
    return returns.add_returns(ds, scenario, prep)


def check(scenario: Scenario) -> None:
    """Validate everything a run would need (profile, population, rules) without projecting.

    A synthetic population is built small (the columns do not depend on its size).
    """
    if scenario.population_source == "synthetic":
        scenario = replace(scenario, records=min(scenario.records, 2000))
    returns.check(scenario)
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
