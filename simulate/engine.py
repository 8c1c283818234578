"""The engine: one scenario -> population -> demography -> kernel -> results.

Data flow one way (DESIGN.md); this module wires the steps and is the only
caller of the kernels (coercing dtypes at the boundary so that numba's typing
errors never reach a user). It projects one scenario (or one block of parameter
draws sharing a population, for the analyses above it); which way a run goes
(local, draws, cluster) is decided above it, in :mod:`simulate.runs`
(docs/architecture.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numba
import numpy as np
import xarray as xr

from . import costing, returns
from .compile_ahead import wait as wait_ahead
from .demography.projection import N_AGES, Projection, Rates, add_birth_cohorts, rates
from .errors import InputWarning, Problem, ScenarioError, record, warn
from .fiscal import fiscal_results, macro_path
from .kernels.demography import population_chunks
from .kernels.projection import N_MEASURES, N_POV
from .kernels.reduction import HIST_BINS, histogram_rows, reduce_chunks, reduce_histogram
from .kernels.specialise import kernel as specialised_kernel
from .kernels.specialise import structure_flags
from .kernels.threads import run_threads
from .population.history import profile_for_year
from .population.identity import record_key
from .population.microdata import read_microdata
from .population.profiles import Profile, load_profile
from .population.records import CORE_DTYPES, Population
from .population.synthetic import disability_by_age, synthetic_population
from .prepared import MacroPath, Prepared, Totals  # noqa: F401  (MacroPath: re-exported)
from .present_values import present_value_results
from .programmes.rules import (
    PARAMETERS,
    RuleTables,
    clear_rule_caches,
    compile_rules,
    structure_key,
    take_ranking,
    welfare_group,
)
from .results import Results, build_dataset
from .scenario import Scenario
from .scenario.keys.outputs import wanted as wanted_outputs

#: records per chunk; fixed so results do not depend on threads or batches
CHUNK_SIZE = 4096
#: chunks per kernel call (a progress step)
CHUNKS_PER_BATCH = 16
#: the position of the welfare histogram among the kernel's outputs
HIST = 2
#: chunks per thread in one kernel call (results do not depend on it)
CHUNKS_PER_THREAD = 2

Progress = Callable[[int, int], None]


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
    return _with_parameters(scenario, *_population(scenario, profile))


_Built = tuple[Profile, Population, Rates, Projection, np.ndarray]

#: the last population built: (key, loaded profile, what it built, the warnings its build
#: reported); see :func:`_population`
_POPULATION: list[tuple[tuple, Profile, _Built, tuple[InputWarning, ...]] | None] = [None]


def _population(scenario: Scenario, loaded: Profile) -> _Built:
    """The (rebased) profile, the population with its birth cohorts, the rates, the
    projection and the disability prevalence of ``scenario``, remembered for the last
    :func:`population_key` in this process (repeated runs and variants of one scenario
    skip the build; nothing is written to disk).

    The key adds what the scenario's keys do not say: the loaded profile object
    (profiles are read once per process, ``profiles._load``) and, for microdata, the
    file's size and modification time, so an edited file is read again. The arrays
    are shared, never changed in place (a :class:`Population` is immutable)."""
    key = (population_key(scenario), _source_stamp(scenario))
    cached = _POPULATION[0]
    if cached is not None and cached[1] is loaded and _same_key(cached[0], key):
        warn(*cached[3])  # what the build warned of (microdata rows...) holds for this run too
        return cached[2]
    clear_rule_caches()  # the last population's ranking and rule tables: not reusable
    with record() as noted:
        # an earlier start year: the profile rebased from its [history]
        # (population/history.py)
        profile = profile_for_year(loaded, scenario.start_year,
                                   scenario.population_source == "synthetic",
                                   scenario.where("scenario.start_year"))
        pop = base_population(scenario, profile)
        disability = disability_by_age(profile.disability_prevalence, pop.age, pop.weight)
        years = np.arange(pop.year, scenario.end_year + 1)
        r = rates(profile, years, scenario.mortality, scenario.births)
        pop, projection = add_birth_cohorts(pop, r, scenario.seed)
        # households contiguous, newborns with their mothers' households (stable): as
        # pop.take(order), one column at a time, each unsorted column freed once its
        # sorted copy exists (only this name holds the population here)
        order = np.argsort(pop.household_id, kind="stable")
        for name in CORE_DTYPES:
            pop = replace(pop, **{name: getattr(pop, name)[order]})
        pop = replace(pop, extra={k: v[order] for k, v in pop.extra.items()})
        del order
    built = (profile, pop, r, projection, disability)
    _POPULATION[0] = (key, loaded, built, tuple(noted))
    return built


def _source_stamp(scenario: Scenario) -> tuple:
    """The microdata file's resolved path, size and modification time (``()`` for a
    synthetic population or a file that cannot be read: then no reuse)."""
    src = scenario.population_source
    if src == "synthetic":
        return ()
    path = Path(src)
    if not path.is_absolute():
        path = scenario.base_dir / path
    try:
        st = path.stat()
    except OSError:
        return (object(),)  # never equal: the build reports the problem
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _same_key(a: tuple, b: tuple) -> bool:
    """``a == b``, False where a value cannot be compared as a whole."""
    try:
        return bool(a == b)
    except (ValueError, TypeError):
        return False


def clear_population_cache() -> None:
    """Forget the remembered population (:func:`_population`), kernel inputs
    (:func:`record_arrays`), demography (:func:`demography_totals`), welfare ranking
    and population-dependent rule tables (``programmes.rules.ranking``,
    ``population_structure``), e.g. to free their memory."""
    _POPULATION[0] = None
    _RECORDS[0] = None
    _DEMOGRAPHY[0] = None
    clear_rule_caches()


def population_key(scenario: Scenario) -> tuple:
    """What the population, its projection and the rates depend on: scenarios with the
    same key share them (:func:`reprepare`); derived from the keys' roles
    (:func:`simulate.scenario.roles.population_key`)."""
    from .scenario.roles import population_key as derived

    return derived(scenario)


def reprepare(prep: Prepared, scenario: Scenario) -> Prepared:
    """``prep`` for ``scenario``, a variant of ``prep.scenario`` with the same
    :func:`population_key`: the population is reused; the macro path, the rule
    parameters and the poverty line are the variant's (the population-dependent rule
    tables are reused too when :func:`structure_key` agrees)."""
    if population_key(scenario) != population_key(prep.scenario):
        return prepare(scenario)
    structure = (prep.rules.structure()
                 if structure_key(scenario) == structure_key(prep.scenario) else None)
    return _with_parameters(scenario, prep.profile, prep.population, prep.rates,
                            prep.projection, prep.disability, structure)


def _with_parameters(scenario: Scenario, profile: Profile, pop: Population, r: Rates,
                     projection: Projection, disability: np.ndarray,
                     structure: dict | None = None) -> Prepared:
    years = r.years
    macro = macro_path(scenario, profile, years)
    rules = compile_rules(scenario, pop, years, macro.price_index, structure)
    line = scenario.section("poverty").get("line")
    if line is None:  # the profile's line, from its base year's prices to start_year's
        p = macro_path(scenario, profile, np.array([profile.base_year])).price_index[0]
        line = profile.poverty_line / p
    return Prepared(scenario, profile, pop, r, projection, macro, rules, disability,
                    float(line))


MAX_OVERLAP_PROGRAMMES = 12


def household_chunks(household_id: np.ndarray, chunk_size: int,
                     counted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Household start offsets (records sorted by household) and chunk boundaries in
    households: a chunk begins at the first household starting at or after each
    multiple of ``chunk_size`` counted records (fixed, whatever the threads).

    ``counted`` (default all records) marks the records that place the boundaries:
    the engine counts the base population's records only, so that birth cohorts
    added by a later end year do not move them (the same households are summed in
    the same order whatever the horizon)."""
    n = len(household_id)
    starts = np.flatnonzero(np.r_[True, household_id[1:] != household_id[:-1]])
    hh_start = np.r_[starts, n].astype(np.int64)
    offset, total = starts, n
    if counted is not None:
        cum = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counted, dtype=np.int64, out=cum[1:])
        offset, total = cum[starts], int(cum[-1])
    chunk_hh = np.unique(np.r_[np.searchsorted(offset, np.arange(0, total, chunk_size)),
                               len(starts)]).astype(np.int64)
    return hh_start, chunk_hh


@dataclass(frozen=True)
class DrawParameters:
    """What one parameter draw changes in the kernel: its rule parameters
    (:meth:`RuleTables.parameters`), price index [year] and poverty line [year]."""

    rules: RuleTables
    price_index: np.ndarray
    poverty_line: np.ndarray


def draw_parameters(prep: Prepared) -> DrawParameters:
    """The parameters of ``prep`` itself (a run without draws)."""
    n_years = len(prep.rates.years)
    return DrawParameters(prep.rules, prep.macro.price_index,
                          np.full(n_years, prep.poverty_line))


def _stack(draws: list[DrawParameters]) -> tuple[np.ndarray, ...]:
    """The kernel's parameter arguments, draws on the last axis (see kernels/projection.py)."""
    tables = [d.rules.parameters() for d in draws]
    out = [np.ascontiguousarray(np.stack([d.price_index for d in draws], axis=-1)),
           np.ascontiguousarray(np.stack([d.poverty_line for d in draws], axis=-1))]
    for name in PARAMETERS:
        arrays = [t[name] for t in tables]
        if any(a.shape != arrays[0].shape for a in arrays):
            raise ValueError(f"draws disagree on the shape of {name}")
        out.append(np.ascontiguousarray(np.stack(arrays, axis=-1)))
    return tuple(out)


_KERNEL_LOCK = threading.Lock()

#: memory for the per-chunk outputs of one kernel call (bytes): bounds how many chunks
#: run at once when draws multiply the outputs (results do not depend on it)
CALL_MEMORY = 512 * 2**20


def project_totals(prep: Prepared, progress: Progress | None = None,
                   chunk_size: int = CHUNK_SIZE) -> Totals:
    """Run the kernel over every household and year and return its totals."""
    totals = project_draws(prep, [draw_parameters(prep)], progress, chunk_size)
    return totals.draw(0)


def project_draws(prep: Prepared, draws: list[DrawParameters],
                  progress: Progress | None = None, chunk_size: int = CHUNK_SIZE,
                  hist_bins: int = HIST_BINS) -> Totals:
    """Run the kernel once for every household and year, evaluating every parameter draw
    on the same members, composition and random numbers; totals carry the draws on their
    last axis (``Totals.draw(d)`` gives one).

    Summation is fixed: chunks of ``chunk_size`` records (at household boundaries) are
    added in order within batches of CHUNKS_PER_BATCH chunks, and the batches' sums in
    order; results depend neither on the thread count, nor on how many draws run
    together, nor on which machine computes a batch.
    """
    return sum_totals(batch_totals(prep, draws, None, progress, chunk_size, hist_bins))


def sum_totals(parts: Iterable[Totals]) -> Totals:
    """The batches' totals added in the order given (the fixed order of the batches)."""
    total: Totals | None = None
    for part in parts:
        total = part if total is None else total.add(part)
    assert total is not None
    return total


@dataclass(frozen=True)
class RecordArrays:
    """The kernel's per-record inputs derived from a population: welfare groups (int8),
    columns (the population's narrow integer dtypes, entry index int16), household
    starts and chunk boundaries."""

    group: np.ndarray
    n_groups: int
    columns: tuple[np.ndarray, ...]  # age, months, sex, entry index, weight, record key
    flags: tuple[np.ndarray, ...]  # pregnant, disabled, region
    hh_start: np.ndarray
    chunk_hh: np.ndarray


_RECORDS: list[tuple[Population, int, int, RecordArrays] | None] = [None]


def record_arrays(pop: Population, first_year: int, chunk_size: int) -> RecordArrays:
    """:class:`RecordArrays` of ``pop``, remembered for the last population object
    (runs with draws and repeated runs rank and convert it once; a population is not
    changed in place)."""
    cached = _RECORDS[0]
    if (cached is not None and cached[0] is pop and cached[1] == first_year
            and cached[2] == chunk_size):
        return cached[3]
    # the ranking the rule tables' targeting made (programmes.rules.ranking), if any:
    # one ranking per population
    group, n_groups = welfare_group(take_ranking(pop), dtype=np.int8)
    hh_start, chunk_hh = household_chunks(pop.household_id, chunk_size,
                                          pop.entry_year <= pop.year)
    # the population's own narrow integer columns, not widened (numba computes with
    # int64 whatever the arrays' width: the same results, 46 B a record less held);
    # the entry index's range checked on the population's column, then made int16 at once
    lo = int(pop.entry_year.min(initial=first_year)) - first_year
    hi = int(pop.entry_year.max(initial=first_year)) - first_year
    if min(lo, 0) < np.iinfo(np.int16).min or max(hi, 0) > np.iinfo(np.int16).max:
        raise ValueError("entry years too far from the first year")
    entry = np.subtract(pop.entry_year, np.int16(first_year), dtype=np.int16)
    arrays = RecordArrays(
        group, n_groups,
        (pop.age, pop.months, pop.sex, entry,
         pop.weight.astype(np.float64, copy=False), record_key(pop)),
        (pop.pregnant, pop.disabled, pop.region),
        hh_start, chunk_hh)
    _RECORDS[0] = (pop, first_year, chunk_size, arrays)
    return arrays


@dataclass(frozen=True)
class BatchDemography:
    """The demography of a population, batch by batch (the batches of
    :func:`batch_totals`): ``population[batch, year, sex, age]`` and ``groups[batch,
    year, group]`` (persons), each batch the sum of its chunks in chunk order
    (kernels/demography.py)."""

    population: np.ndarray
    groups: np.ndarray


#: the last demography computed: (population, first year, chunk size, first active year,
#: survival table, result); see :func:`demography_totals`
_DEMOGRAPHY: list[tuple[Population, int, int, int, np.ndarray, BatchDemography] | None] = [None]
_DEMOGRAPHY_LOCK = threading.Lock()
#: memory for the per-chunk demography of one kernel call (bytes; results do not depend on it)
DEMOGRAPHY_MEMORY = 16 * 2**20


def demography_totals(pop: Population, first_year: int, survival: np.ndarray,
                      first_active: int, chunk_size: int = CHUNK_SIZE) -> BatchDemography:
    """The population by year, sex and age and the persons by welfare group of ``pop``
    for each batch of chunks, remembered for the last population object, first year,
    chunk size, first active year and survival table (by content): a repeated run, a
    variant with the same population, a tornado bar and every block of draws reuse it.
    Outside the projection kernel since round 7; the same additions in the same order
    (docs/architecture.md)."""
    with _DEMOGRAPHY_LOCK:
        cached = _DEMOGRAPHY[0]
        if (cached is not None and cached[0] is pop and cached[1] == first_year
                and cached[2] == chunk_size and cached[3] == first_active
                and (cached[4] is survival or np.array_equal(cached[4], survival))):
            return cached[5]
        _DEMOGRAPHY[0] = None  # the last population's is not held while this one's is made
        result = _compute_demography(pop, first_year, survival, first_active, chunk_size)
        _DEMOGRAPHY[0] = (pop, first_year, chunk_size, first_active, survival.copy(), result)
        return result


def _compute_demography(pop: Population, first_year: int, survival: np.ndarray,
                        first_active: int, chunk_size: int) -> BatchDemography:
    """:func:`demography_totals` computed: per-chunk slices for as many whole batches as
    fit in :data:`DEMOGRAPHY_MEMORY`, each batch's chunks added in chunk order."""
    rec = record_arrays(pop, first_year, chunk_size)
    age, _months, sex, entry, weight, _key = rec.columns
    hh_start, chunk_hh = rec.hh_start, rec.chunk_hh
    survival = np.ascontiguousarray(survival, dtype=np.float64)
    n_years = survival.shape[0]
    n_chunks = len(chunk_hh) - 1
    n_batch = -(-n_chunks // CHUNKS_PER_BATCH)
    population = np.zeros((n_batch, n_years, 2, N_AGES))
    groups = np.zeros((n_batch, n_years, rec.n_groups))
    per_batch = 8 * CHUNKS_PER_BATCH * n_years * (2 * N_AGES + rec.n_groups)
    step = max(1, DEMOGRAPHY_MEMORY // per_batch)  # batches per call
    threads = numba.get_num_threads()
    for b0 in range(0, n_batch, step):
        b1 = min(n_batch, b0 + step)
        start, stop = b0 * CHUNKS_PER_BATCH, min(n_chunks, b1 * CHUNKS_PER_BATCH)
        pop_out = np.zeros((stop - start, n_years, 2, N_AGES))
        group_out = np.zeros((stop - start, n_years, rec.n_groups))
        with _KERNEL_LOCK:  # one call at a time: its threads use every core
            population_chunks(hh_start, np.ascontiguousarray(chunk_hh[start:stop + 1]), sex,
                              age, entry, weight, rec.group, survival, first_active, pop_out,
                              group_out, threads)
        for b in range(b0, b1):  # each batch's chunks in chunk order, from zero
            lo = b * CHUNKS_PER_BATCH - start
            hi = min(stop, (b + 1) * CHUNKS_PER_BATCH) - start
            reduce_chunks(pop_out[lo:hi].reshape(hi - lo, -1), population[b].reshape(-1))
            reduce_chunks(group_out[lo:hi].reshape(hi - lo, -1), groups[b].reshape(-1))
    return BatchDemography(population, groups)


def n_batches(prep: Prepared, chunk_size: int = CHUNK_SIZE) -> int:
    """Batches of CHUNKS_PER_BATCH chunks the population's records make."""
    rec = record_arrays(prep.population, int(prep.rates.years[0]), chunk_size)
    return -(-(len(rec.chunk_hh) - 1) // CHUNKS_PER_BATCH)


def batch_totals(prep: Prepared, draws: list[DrawParameters], batches: range | None = None,
                 progress: Progress | None = None, chunk_size: int = CHUNK_SIZE,
                 hist_bins: int = HIST_BINS) -> Iterator[Totals]:
    """The totals of each batch in ``batches`` (default all), in order (see
    :func:`project_draws`); a cluster computes batches apart and adds them in order."""
    pop, r, t, sc = prep.population, prep.rates, prep.rules, prep.scenario
    years = r.years.astype(np.int64)
    rec = record_arrays(pop, int(years[0]), chunk_size)
    group, n_groups, hh_start, chunk_hh = rec.group, rec.n_groups, rec.hh_start, rec.chunk_hh
    n_years, n_prog, n_draws = len(years), len(t.unit), len(draws)
    first_active = int(sc.start_year - years[0])
    max_members = int(np.diff(hh_start).max()) if len(hh_start) > 1 else 1
    # [outputs]: poverty (with the Gini's histogram) and overlap only when asked for;
    # off, the kernel has neither block and their outputs are empty
    poverty, overlap = wanted_outputs(sc.section("outputs"))
    n_combos = 2 ** n_prog if overlap and n_prog <= MAX_OVERLAP_PROGRAMMES else 1
    hist_bins = hist_bins if poverty else 0
    # welfare in start_year prices (the population's own year may be earlier)
    welfare = pop.welfare / prep.macro.price_index[0]
    pregnant, disabled, region = rec.flags
    # the kernel's named bundles (kernels/projection.py, project_chunks)
    records = (*rec.columns, group, pregnant, disabled, t.static, welfare, t.target_value,
               t.income, region)
    demography = (r.survival, r.fertility, prep.disability, years)
    once = t.once.astype(np.bool_)
    rules = (t.prog_group_start, t.group_cond_start, t.cond_var, t.cond_kind, t.cond_lo,
             t.cond_hi, t.cond_mask, t.unit, t.kind, once, t.target_row, t.stream,
             t.income_row, t.income_from, t.take_up_code, t.monthly, t.pay_every, t.preg_reg,
             t.enrol_lo, t.enrol_hi)
    settings = (first_active, bool(pop.has_pregnant), bool(pop.has_disabled),
                np.uint64(sc.seed), max_members, hist_bins)
    parameters = _stack(draws)
    # compiled for the scenario's structure only (kernels/specialise.py)
    flags = structure_flags(t.unit, t.kind, once, t.target_row, t.cond_var, t.monthly,
                            poverty, overlap)
    project = specialised_kernel(flags)
    shapes = ((n_years, n_prog, n_groups, N_MEASURES, n_draws),
              (n_years, 2 if poverty else 0, N_POV, n_draws),
              (n_years, 2, hist_bins, 2, n_draws),
              (n_years, n_combos, 2, n_draws))
    # the population by age and the persons by group: computed once per population
    # (kernels/demography.py), batch by batch as the kernel's outputs are
    demog = demography_totals(pop, int(years[0]), r.survival, first_active, chunk_size)
    # the kernel compiled in a second process while the population was built, if it was
    # (compile_ahead.py): waited for here, its first call below loads it from the cache
    wait_ahead(flags)
    # the histogram is written compactly per chunk (kernels/projection.py,
    # histogram_rows): at most 2 cells per household, year and draw, and at most the
    # dense histogram's cells
    rows = n_years * 2 * min(hist_bins, int(np.diff(chunk_hh).max(initial=1)) * n_draws)
    per_chunk = 8 * sum(int(np.prod(s)) for i, s in enumerate(shapes) if i != HIST) + \
        rows * (4 + 16 * n_draws)
    threads = numba.get_num_threads()
    # two chunks a thread per call (the threads share them out; more only held more
    # output memory: 212 -> 91 B/record at 100,000 base records, the same time), fewer
    # when draws make the outputs large
    per_call = max(1, min(CHUNKS_PER_BATCH, CHUNKS_PER_THREAD * threads,
                          CALL_MEMORY // per_chunk))
    n_chunks = len(chunk_hh) - 1
    todo = range(-(-n_chunks // CHUNKS_PER_BATCH)) if batches is None else batches
    reused = CallOutputs(shapes, min(per_call, n_chunks), rows, n_draws)
    for done, batch in enumerate(todo):
        partial = [np.zeros(s) for s in shapes]
        first, last = batch * CHUNKS_PER_BATCH, min(n_chunks, (batch + 1) * CHUNKS_PER_BATCH)
        for start in range(first, last, per_call):
            stop = min(last, start + per_call)
            outs = reused.take(stop - start)
            with _KERNEL_LOCK:  # one call at a time: its threads use every core
                run_threads(project, stop - start, threads, hh_start,
                            np.ascontiguousarray(chunk_hh[start:stop + 1]), records,
                            demography, rules, parameters, tuple(outs), settings)
            for i, (part, total) in enumerate(zip(outs, partial, strict=True)):
                if i == HIST:  # the chunks' rows into their cells, in chunk order
                    reduce_histogram(*part, total.reshape(-1, 2, n_draws))
                    continue
                # as (chunk, element) views: one compiled specialisation, not one per rank
                reduce_chunks(part.reshape(len(part), -1), total.reshape(-1))
        if progress is not None:
            progress(done + 1, len(todo))
        by_programme, by_poverty, histogram, by_combination = partial
        yield Totals(by_programme, demog.population[batch].copy(), by_poverty, histogram,
                     by_combination, demog.groups[batch].copy(), n_groups=n_groups)


class CallOutputs:
    """The per-chunk outputs of the kernel's calls, allocated once for up to ``n`` chunks
    and reused by every call of a :func:`batch_totals` (``shapes`` as there; the
    histogram as its compact rows, :func:`histogram_rows`, ``rows`` a chunk).

    Fresh arrays for every call were paged in and cleared by the operating system at
    their first touch, call after call (about 6 % of the CPU of a block of 128 draws:
    docs/performance.md, "Round 9 (mc3)"). :meth:`take` zeroes the dense outputs of the
    first ``k`` chunks, as ``np.zeros`` gave them; the histogram's rows need no clearing
    (the kernel zeroes a row at its first use and writes each chunk's row count), so a
    call's outputs are those of fresh arrays and the results the same."""

    def __init__(self, shapes: Sequence[tuple[int, ...]], n: int, rows: int,
                 n_draws: int) -> None:
        n = max(1, n)
        self.arrays = [np.empty((n, *s)) if i != HIST else histogram_rows(n, rows, n_draws)
                       for i, s in enumerate(shapes)]

    def take(self, k: int) -> tuple:
        """The outputs of a call over ``k`` chunks (C-contiguous views of the first
        ``k``), the dense ones zeroed."""
        outs: list = []
        for i, a in enumerate(self.arrays):
            if i == HIST:
                outs.append(tuple(part[:k] for part in a))
            else:
                view = a[:k]
                view.fill(0.0)
                outs.append(view)
        return tuple(outs)


def run_local(scenario: Scenario, progress: Progress | None = None,
              strict: bool = False, provenance: bool = True) -> xr.Dataset:
    """Results of ``scenario`` at its own values, in this process: :func:`project` with
    the plausibility checks before, during and after (:mod:`simulate.plausibility`; the
    warnings in ``ds.attrs["warnings"]``, errors under ``strict``).

    What an analysis re-runs for one variant (a tornado bar, with ``provenance=False``:
    see :func:`results`) and where :func:`simulate.runs.run` sends a run without draws
    or cluster.
    """
    from .plausibility import run_checked

    if not provenance:
        return run_checked(scenario, strict,
                           lambda: project(scenario, progress, provenance=False))
    return run_checked(scenario, strict, lambda: project(scenario, progress))


def project(scenario: Scenario, progress: Progress | None = None,
            provenance: bool = True) -> xr.Dataset:
    """Project one scenario at its own values in this process: prepare, run the kernel,
    build the results (:func:`finish`) and the fund's plan (no plausibility checks:
    :func:`run_local` adds them)."""
    from .fund import add_fund  # the fund's Monte Carlo runs once, on the whole result

    prep = prepare(scenario)
    return add_fund(finish(prep, project_totals(prep, progress), provenance), scenario)


def finish(prep: Prepared, totals: Totals, provenance: bool = True) -> xr.Dataset:
    """The results Dataset of a prepared scenario from the kernel's totals (one build
    from :func:`results`)."""
    return build_dataset(results(prep, totals, provenance))


def results(prep: Prepared, totals: Totals, provenance: bool = True) -> Results:
    """The named result arrays of a prepared scenario from the kernel's totals: costing,
    fiscal space and financing, caseload transition, present values, economic returns
    (each step arrays in, named arrays out; :mod:`simulate.variables`).

    ``provenance``: whether the attributes carry the scenario's text, its sha256 and
    its files (:func:`simulate.costing.provenance_of`); a variant's results (a draw, a
    tornado bar) leave them out, and the scenario's text is never written for it."""
    scenario = prep.scenario
    if scenario.currency is None:
        scenario = replace(scenario, currency=prep.profile.currency)
    from .transition import transition_results  # [transition]: post-kernel caseload funnel

    out = costing.costing_results(scenario, prep, totals, provenance)
    out.merge(fiscal_results(out, scenario, prep.macro))
    out.merge(transition_results(out, scenario, prep))
    out.merge(present_value_results(out, scenario))
    return out.merge(returns.returns_results(out, scenario, prep))

