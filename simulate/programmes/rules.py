"""Benefit rules compiled into the plain tables the kernel reads.

Eligibility groups become rows of condition tables (variable, kind, bounds or
code mask); amounts, guarantees, caps and normative costs become nominal
annual values per programme and year; targeting becomes a per-record value
compared with a threshold; take-up becomes a rate per programme and record.
Everything that can be wrong about a rule given the population (a column the
data do not have, a region that does not exist, poverty targeting without
welfare) is reported here as a ScenarioError naming the scenario file and key.

The per-draw parameter tables of a single key are declared at the key
(``kernel=Kernel(...)`` in :mod:`simulate.scenario.keys.programmes`; :data:`DECLARED`)
and built by one loop (:func:`declared_tables`): a new one is a field of
:class:`RuleTables` with no edit here. The irregular ones, several keys or a shape of
their own (take-up rates by group, targeting thresholds, equivalence weights,
normative costs by size, region factors, income bands), are built by hand in
:func:`_parameters`. :data:`PARAMETERS` is the kernel's own argument order.
"""

from __future__ import annotations

import inspect
import zlib
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from ..errors import Problem, ScenarioError, did_you_mean
from ..kernels.generic import project_households
from ..kernels.projection import (
    KIND_FLAT,
    KIND_TOP_UP,
    KIND_UTILITY,
    UNIT_HOUSEHOLD,
    UNIT_PERSON,
    VAR_AGE,
    VAR_AGE_MONTHS,
    VAR_DISABLED,
    VAR_PREGNANT,
)
from ..population.records import Population
from ..scenario import Condition, Programme, Scenario, YearPath
from ..scenario.keys.programmes import PROGRAMME
from ..scenario.model import conditions
from ..scenario.specs import Table
from ..scenario.typed import Kernel
from ..timing import timing_tables

N_QUINTILES = 5
N_DECILES = 10
DYNAMIC = {"age": VAR_AGE, "age_months": VAR_AGE_MONTHS, "pregnant": VAR_PREGNANT,
           "disabled": VAR_DISABLED}
HOUSEHOLD_SIZE = "household_size"  # a virtual column: members in the first year
#: a virtual column "targeted:<programme>": 1 where the record passes that programme's
#: targeting test (no errors), 0 elsewhere (a shock-responsive expansion's newly eligible
#: are those at 0; simulate/scenario/shock.py)
TARGETED = "targeted:"
#: a virtual column "random_<tag>": a uniform draw in [0, 1) per person, fixed over the
#: years, keyed by the seed, the record's identity and the column's name; a condition
#: ``random_<tag> = [0, p]`` selects a stable share p of persons (a prevalence the data
#: do not carry, e.g. living with HIV)
RANDOM = "random_"
RANDOM_PURPOSE = 101  # the draws' purpose key, apart from the kernel's (kernels/rng.py)
KINDS = {"flat": KIND_FLAT, "top_up": KIND_TOP_UP, "utility": KIND_UTILITY}


class Declared(NamedTuple):
    """A key that fills a per-draw kernel table: its path below ``programmes.<name>``,
    its :class:`~simulate.scenario.typed.Kernel`, and when it applies: the values of
    its table's selector (path ``selector``, e.g. ``benefit.type``) it is read for
    (``applies``; empty: always)."""

    path: str
    kernel: Kernel
    applies: tuple[str, ...] = ()
    selector: str = ""


def declared(spec: Table = PROGRAMME) -> dict[str, tuple[Declared, ...]]:
    """The per-draw kernel tables declared at the keys of a programme: table name ->
    the keys that fill it, in registry order. Raises TypeError when keys filling one
    table disagree on its ``per`` or ``fill``, or a key that fills one is not a
    parameter (a draw would change a table the population-dependent structure was
    built with)."""
    out: dict[str, list[Declared]] = {}

    def visit(table: Table, prefix: str, role: str) -> None:
        for key, sub in table.fields.items():
            path, sub_role = f"{prefix}{key}", sub.role or role
            if isinstance(sub, Table):
                visit(sub, f"{path}.", sub_role)
            k = sub.kernel
            if k is None:
                continue
            if sub_role != "parameter":
                raise TypeError(f"programmes.<name>.{path}: a kernel table's key must have "
                                f"role 'parameter', not {sub_role!r}")
            same = out.setdefault(k.table, [])
            if same and (same[0].kernel.per, same[0].kernel.fill) != (k.per, k.fill):
                raise TypeError(f"programmes.<name>.{path}: table {k.table!r} is declared "
                                f"with per={same[0].kernel.per!r}, "
                                f"fill={same[0].kernel.fill!r} at {same[0].path}")
            selector = f"{prefix}{table.selector}" if sub.applies else ""
            if sub.applies and not table.selector:
                raise TypeError(f"programmes.<name>.{path}: 'applies' in a table without "
                                "a selector")
            same.append(Declared(path, k, sub.applies, selector))

    visit(spec, "", spec.role)
    return {name: tuple(keys) for name, keys in out.items()}


#: the per-draw tables declared at their keys (:func:`declared`); each is a field of
#: :class:`RuleTables` built by :func:`declared_tables`
DECLARED = declared()


def _kernel_parameters() -> tuple[str, ...]:
    """The kernel's parameter tables in the order of its arguments: those of
    ``kernels.generic.project_households`` after the draw's ``price_index`` and
    ``poverty_line`` and before its outputs (``out`` ...)."""
    names = list(inspect.signature(project_households).parameters)
    return tuple(names[names.index("poverty_line") + 1:names.index("out")])


def _with_declared(cls: type) -> type:
    """``cls`` with a field (an array) for every :data:`DECLARED` table it does not
    write by hand."""
    own = dict(cls.__dict__.get("__annotations__", {}))
    cls.__annotations__ = {**own, **{name: "np.ndarray" for name in DECLARED
                                     if name not in own}}
    return cls


@dataclass(frozen=True)
@_with_declared
class RuleTables:
    """Kernel inputs describing the programmes (see kernels/projection.py); besides the
    fields below, one per-draw table for each table declared at a key
    (:data:`DECLARED`: ``amount``, ``rollout``, ``taper``, ...)."""

    prog_group_start: np.ndarray
    group_cond_start: np.ndarray
    cond_var: np.ndarray
    cond_kind: np.ndarray
    cond_lo: np.ndarray
    cond_hi: np.ndarray
    cond_mask: np.ndarray
    static: np.ndarray
    static_names: tuple[str, ...]
    unit: np.ndarray
    kind: np.ndarray
    take_up_code: np.ndarray  # [programme, record]: row of take_up_rate (0 default, k+1 group k),
    # int8 from compile_rules (int64 where rates are per record: with_take_up)
    take_up_rate: np.ndarray  # [programme, code]
    once: np.ndarray
    target_row: np.ndarray
    target_threshold: np.ndarray
    target_value: np.ndarray  # [row, record]
    stream: np.ndarray
    income_row: np.ndarray
    income: np.ndarray  # [row, record], annual, start_year prices
    income_from: np.ndarray
    eq_first: np.ndarray
    eq_other: np.ndarray
    eq_child: np.ndarray
    child_age: np.ndarray
    norm_cost: np.ndarray  # [programme, year, size]
    region_factor: np.ndarray  # [programme, region]
    band_upper: np.ndarray  # [programme, band], annual per person, start_year prices
    band_share: np.ndarray
    # months within the year (see simulate/timing.py): per programme
    monthly: np.ndarray  # bool: eligibility and payment month by month
    pay_every: np.ndarray  # months per payment cycle (cash timing)
    preg_reg: np.ndarray  # month of pregnancy from which a pregnancy is paid
    enrol_lo: np.ndarray  # enrolment window in age months [lo, hi); lo == hi: none
    enrol_hi: np.ndarray

    @property
    def take_up(self) -> np.ndarray:
        """Take-up rate per programme and record."""
        return np.take_along_axis(self.take_up_rate, self.take_up_code, axis=1)

    def with_take_up(self, rate: np.ndarray) -> RuleTables:
        """These tables with take-up rates given per programme and record."""
        rate = np.ascontiguousarray(rate, dtype=np.float64)
        code = np.broadcast_to(np.arange(rate.shape[1], dtype=np.int64), rate.shape)
        return replace(self, take_up_code=np.ascontiguousarray(code), take_up_rate=rate)

    def structure(self) -> dict[str, np.ndarray]:
        """The tables that depend on the population (shared by parameter draws)."""
        return {name: getattr(self, name) for name in STRUCTURE}

    def parameters(self) -> dict[str, np.ndarray]:
        """The tables that a parameter draw may change (no per-record arrays)."""
        return {name: getattr(self, name) for name in PARAMETERS}


#: RuleTables fields computed from the population: shared by every parameter draw
STRUCTURE = ("prog_group_start", "group_cond_start", "cond_var", "cond_kind", "cond_lo",
             "cond_hi", "cond_mask", "static", "static_names", "unit", "kind", "take_up_code",
             "once", "target_row", "target_value", "stream", "income_row", "income",
             "income_from", "monthly", "pay_every", "preg_reg", "enrol_lo", "enrol_hi")
#: RuleTables fields a parameter draw may change (per programme, year, size, band, region),
#: in the order the kernel takes them (:func:`_kernel_parameters`): the declared tables
#: (:data:`DECLARED`) and the irregular ones of :func:`_parameters`
PARAMETERS = _kernel_parameters()


def structure_key(scenario: Scenario) -> str:
    """What the population-dependent rule tables depend on besides the population: two
    scenarios with the same key share :meth:`RuleTables.structure`; derived from the
    keys' roles (:func:`simulate.scenario.roles.structure_key`)."""
    from ..scenario.roles import structure_key as derived

    return derived(scenario)


def welfare_percentile(pop: Population, scale: float = 1.0) -> np.ndarray:
    """Percent of persons (weighted, alive in ``pop.year``) with lower welfare; NaN if unknown.

    A person is among the poorest P percent exactly when this is below P. ``scale``:
    the percentile of ``scale`` x the record's welfare in the unscaled distribution (a
    shock to welfare: scale = 1 - the share lost).
    """
    # each temporary dropped as soon as it is used and the last steps done in place (the
    # same operations in the same order: the same bits; about 40 B a record less at the
    # peak than the expression-by-expression form)
    unknown = np.isnan(pop.welfare)
    alive = pop.entry_year <= pop.year
    alive &= ~unknown
    w = pop.welfare[alive]
    if len(w) == 0:
        return np.full(pop.n, np.nan)
    order = np.argsort(w, kind="stable")
    sorted_w = w[order]
    del w
    weights = pop.weight[alive][order]
    del order, alive
    cum = np.empty(len(weights) + 1)
    cum[0] = 0.0
    np.cumsum(weights, out=cum[1:])
    del weights
    at = np.searchsorted(sorted_w, pop.welfare if scale == 1.0 else pop.welfare * scale,
                         side="left")
    del sorted_w
    pct = cum[at]
    del at
    pct *= 100.0
    pct /= cum[-1]
    pct[unknown] = np.nan
    return pct


#: the last population's welfare percentiles: (population, {scale: percentiles}); see
#: :func:`ranking`
_RANKING: list[tuple[Population, dict[float, np.ndarray]] | None] = [None]


def ranking(pop: Population, scale: float = 1.0) -> np.ndarray:
    """:func:`welfare_percentile` of ``pop`` at ``scale``, remembered for the last
    population object: the rule tables' targeting and the kernel's welfare groups
    (``engine.record_arrays``) rank a population once. The key is the population
    object itself (a :class:`Population` is never changed in place: a scenario whose
    population differs has another object) and the scale. Read only: the array is
    shared. :func:`take_ranking` hands it on and forgets it."""
    cached = _RANKING[0]
    if cached is None or cached[0] is not pop:
        cached = _RANKING[0] = (pop, {})
    pct = cached[1].get(scale)
    if pct is None:
        pct = welfare_percentile(pop, scale)
        pct.flags.writeable = False
        cached[1][scale] = pct
    return pct


def take_ranking(pop: Population) -> np.ndarray:
    """:func:`ranking` of ``pop`` (scale 1) for a last use, and the population's
    remembered percentiles forgotten: they (8 B a record each) are not held beyond the
    run's first ranking of the kernel's welfare groups."""
    pct = ranking(pop)
    _RANKING[0] = None
    return pct


def clear_rule_caches() -> None:
    """Forget the remembered ranking (:func:`ranking`), population-dependent tables
    (:func:`population_structure`) and shares below a line (:func:`_share_below`)."""
    _RANKING[0] = None
    _STRUCTURE[0] = None
    _SHARES[0] = None


#: the last population's shares below a poverty line: (population, {line: percent})
_SHARES: list[tuple[Population, dict[float, float]] | None] = [None]


def _share_below(pop: Population, line: float) -> float:
    """:func:`share_below`, remembered for the last population object and each line (a
    targeting threshold by poverty line, in every run of a scenario)."""
    cached = _SHARES[0]
    if cached is None or cached[0] is not pop:
        cached = _SHARES[0] = (pop, {})
    share = cached[1].get(line)
    if share is None:
        if len(cached[1]) >= 64:  # draws of the line: each new, none held for long
            cached[1].clear()
        share = cached[1][line] = share_below(pop, line)
    return share


def share_below(pop: Population, line: float) -> float:
    """Percent of persons (weighted, alive in ``pop.year``) with welfare below ``line``."""
    alive = (pop.entry_year <= pop.year) & ~np.isnan(pop.welfare)
    return 100.0 * float(pop.weight[alive][pop.welfare[alive] < line].sum()) / float(
        pop.weight[alive].sum()
    )


def welfare_group(pct: np.ndarray, n_groups: int = N_DECILES,
                  dtype: type = np.int64) -> tuple[np.ndarray, int]:
    """Welfare group 0 (poorest) .. n_groups-1 per record (as ``dtype``), or all 0 when
    welfare is unknown."""
    unknown = np.isnan(pct)
    if np.all(unknown):
        return np.zeros(len(pct), dtype=dtype), 1
    width = 100.0 / n_groups
    q = pct // width
    np.minimum(q, n_groups - 1, out=q)
    q[unknown] = 0
    return q.astype(dtype), n_groups


def stream_of(pid: str) -> int:
    """A stable draw stream for a programme, from its name (adding a programme
    elsewhere in the file leaves this one's draws unchanged)."""
    return zlib.crc32(pid.encode())


def household_size(pop: Population) -> np.ndarray:
    """Members of each record's household alive in the population's first year."""
    alive = pop.entry_year <= pop.year
    _, inverse = np.unique(pop.household_id, return_inverse=True)
    return np.bincount(inverse, weights=alive.astype(np.float64))[inverse]


def _column(pop: Population, name: str, key: str, scenario: Scenario,
            expected: str = "a column of the population",
            pop_year_prices: float = 1.0) -> np.ndarray:
    if name.startswith(RANDOM) and name not in pop.columns():
        from ..kernels.rng import uniform_units
        from ..population.identity import record_key

        return uniform_units(np.uint64(scenario.seed), record_key(pop), np.uint64(stream_of(name)),
                             np.uint64(RANDOM_PURPOSE))
    if name.startswith(TARGETED):
        return _targeted(pop, scenario.programme(name[len(TARGETED):]), scenario,
                         pop_year_prices)
    if name == HOUSEHOLD_SIZE:
        return household_size(pop)
    try:
        return pop.column(name).astype(np.float64)
    except KeyError:
        raise ScenarioError(Problem(
            scenario.where(key), key, expected, repr(name),
            did_you_mean(name, [*DYNAMIC, *pop.columns(), HOUSEHOLD_SIZE]),
        )) from None


def _targeted(pop: Population, prog: Programme, scenario: Scenario,
              pop_year_prices: float) -> np.ndarray:
    """1.0 where a record passes ``prog``'s targeting test at the scenario's values (no
    errors), else 0.0; a household programme's test is its first record's, for every
    member (as the kernel reads it)."""
    value = _target_value(prog, pop, None, scenario)
    if value is None:
        return np.ones(pop.n)
    hit = (value < _target_threshold(prog, pop, pop_year_prices)).astype(np.float64)
    if prog.unit == "household":
        starts = np.r_[True, pop.household_id[1:] != pop.household_id[:-1]]
        hit = hit[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    return hit


def _codes(pop: Population, cond: Condition, scenario: Scenario) -> list[float]:
    """Numeric codes for the values of a set condition (region names, text labels)."""
    labels: tuple[str, ...] | None = None
    if cond.column == "region":
        labels = pop.region_names
    elif cond.column in pop.extra_labels:
        labels = pop.extra_labels[cond.column]
    codes = []
    for v in cond.values:
        if isinstance(v, str):
            if labels is None or v not in labels:
                raise ScenarioError(Problem(
                    scenario.where(cond.key), cond.key,
                    f"a value of column {cond.column!r}", repr(v),
                    did_you_mean(v, list(labels or ())),
                ))
            codes.append(float(labels.index(v)))
        else:
            codes.append(float(v))
    return codes


def _condition_row(pop: Population, cond: Condition,
                   scenario: Scenario) -> tuple[int, float, float, int]:
    """(kind, lo, hi, mask) of one condition."""
    if not cond.values:
        return 0, cond.lo, cond.hi, 0
    codes = _codes(pop, cond, scenario)
    if all(c.is_integer() and 0 <= c < 63 for c in codes):
        return 1, 0.0, 0.0, int(sum(1 << int(c) for c in set(codes)))
    if len(codes) == 1:  # equality on a non-integer value
        return 0, codes[0], float(np.nextafter(codes[0], np.inf)), 0
    raise ScenarioError(Problem(scenario.where(cond.key), cond.key,
                                "a single value, a [lo, hi) range or names", repr(cond.values)))


def _static_mask(pop: Population, group: tuple[Condition, ...], scenario: Scenario) -> np.ndarray:
    """Records meeting every (time-invariant) condition of a group."""
    ok = np.ones(pop.n, dtype=bool)
    for cond in group:
        values = _column(pop, cond.column, cond.key, scenario)
        kind, lo, hi, mask = _condition_row(pop, cond, scenario)
        if kind == 0:
            ok &= (values >= lo) & (values < hi)
        else:
            integral = np.isfinite(values) & (values >= 0) & (values < 63) & (
                values == np.floor(values))
            bits = np.where(integral, values, 0).astype(np.int64)
            ok &= integral & (((mask >> bits) & 1) == 1)
    return ok


def _take_up_code(prog: Programme, pop: Population, scenario: Scenario) -> np.ndarray:
    """Per record: 0 (the default rate) or k + 1 (the first take-up group k it is in);
    int8 (1 B a record; the kernel indexes with it as int64 whatever its width) unless
    there are 127 groups or more."""
    t = prog.take_up
    n_groups = len(t["groups"]) if isinstance(t, dict) else 0
    code = np.zeros(pop.n, dtype=np.int8 if n_groups < 127 else np.int64)
    if not isinstance(t, dict):
        return code
    for k, (conds, _share) in enumerate(t["groups"]):
        key = f"programmes.{prog.id}.take_up.groups[{k}]"
        group = conditions([conds], key)[0]
        hit = _static_mask(pop, group, scenario) & (code == 0)
        code[hit] = k + 1
    return code


def _take_up_rates(prog: Programme) -> list[float]:
    """The default rate, then each group's."""
    t = prog.take_up
    if not isinstance(t, dict):
        return [float(t)]
    return [float(t["default"])] + [float(share) for _, share in t["groups"]]


def _index(b, years: np.ndarray, start_year: int, price_index: np.ndarray) -> np.ndarray:
    if b.indexation == "cpi":
        return price_index
    if b.indexation == "none":
        return np.ones(len(years))
    return (1.0 + float(b.indexation)) ** (years - start_year)


def compile_rules(scenario: Scenario, pop: Population, years: np.ndarray,
                  price_index: np.ndarray,
                  structure: dict[str, np.ndarray] | None = None) -> RuleTables:
    """Kernel tables for ``scenario.programmes`` on ``pop`` over ``years``.

    ``price_index[k]`` is consumer prices in ``years[k]`` relative to start_year.
    ``structure``: the population-dependent tables of a scenario with the same
    :func:`structure_key` (from :meth:`RuleTables.structure`), reused as they are.
    """
    shared = (structure if structure is not None
              else population_structure(scenario, pop, float(price_index[0])))
    return RuleTables(**shared, **_parameters(scenario, pop, years, price_index))


#: the last population-dependent tables built: (population, programmes, seed, prices of
#: the population's year, tables); see :func:`population_structure`
_STRUCTURE: list[tuple[Population, tuple[Programme, ...], int, float,
                       dict[str, np.ndarray]] | None] = [None]


def population_structure(scenario: Scenario, pop: Population,
                         pop_year_prices: float = 1.0) -> dict[str, np.ndarray]:
    """The population-dependent tables (:func:`_structure`) of ``scenario`` on ``pop``,
    remembered for the last population object with everything they are built from:
    the programmes (equal as typed values: conditions, targeting, benefit type and
    income, take-up groups, timing, ...), the seed (the ``random_`` columns) and
    ``pop_year_prices`` (a ``targeted:`` column's poverty line). A repeated run of a
    scenario, or another with equal programmes on the same population, reuses them;
    any change of a programme builds them again (a stricter key than
    :func:`structure_key`, which :func:`simulate.engine.reprepare` trusts for a
    variant's parameters). The arrays are shared, never changed in place."""
    progs, seed = scenario.programmes, int(scenario.seed)
    cached = _STRUCTURE[0]
    if (cached is not None and cached[0] is pop and cached[2] == seed
            and cached[3] == pop_year_prices and _equal(cached[1], progs)):
        return cached[4]
    _STRUCTURE[0] = None  # the last population's tables are not held while these are built
    built = _structure(scenario, pop, pop_year_prices)
    _STRUCTURE[0] = (pop, progs, seed, pop_year_prices, built)
    return built


def _equal(a: Any, b: Any) -> bool:
    """``a == b``, False where the values cannot be compared as a whole."""
    try:
        return a is b or bool(a == b)
    except (ValueError, TypeError):
        return False


def _structure(scenario: Scenario, pop: Population,
               pop_year_prices: float = 1.0) -> dict[str, np.ndarray]:
    """The population-dependent tables: conditions, per-record columns and codes."""
    static_names: list[str] = []
    static_rows: list[np.ndarray] = []
    prog_group_start = [0]
    group_cond_start = [0]
    var, kind, lo, hi, mask = [], [], [], [], []
    progs = scenario.programmes
    n_prog = len(progs)
    for prog in progs:
        for group in prog.eligibility:
            for cond in group:
                if cond.column in DYNAMIC:
                    v = DYNAMIC[cond.column]
                else:
                    if cond.column not in static_names:
                        static_names.append(cond.column)
                        static_rows.append(_column(pop, cond.column, cond.key, scenario,
                                                   "a condition key or a column of the "
                                                   "population", pop_year_prices))
                    v = static_names.index(cond.column)
                var.append(v)
                k, a, b, m = _condition_row(pop, cond, scenario)
                kind.append(k)
                lo.append(a)
                hi.append(b)
                mask.append(m)
            group_cond_start.append(len(var))
        prog_group_start.append(len(group_cond_start) - 1)

    target_rows: list[np.ndarray] = []
    target_row = np.full(n_prog, -1, dtype=np.int64)
    income_rows: dict[tuple[str, ...], int] = {}
    income_arrays: list[np.ndarray] = []
    income_row = np.full(n_prog, -1, dtype=np.int64)
    income_from = np.zeros(n_prog, dtype=np.int64)
    names = [p.id for p in progs]
    for p, prog in enumerate(progs):
        value = _target_value(prog, pop, None, scenario)
        if value is not None:
            target_row[p] = len(target_rows)
            target_rows.append(value)
        b = prog.benefit
        if b.type == "flat":
            continue
        cols = tuple(b.income)
        if cols:
            if cols not in income_rows:
                total = np.zeros(pop.n)
                for col in cols:
                    values = _column(pop, col, f"programmes.{prog.id}.benefit.income", scenario,
                                     "an income column of the population")
                    total += np.nan_to_num(values, nan=0.0)
                income_rows[cols] = len(income_arrays)
                income_arrays.append(total)
            income_row[p] = income_rows[cols]
        for q in b.income_from:
            income_from[p] |= 1 << names.index(q)
    static = np.vstack(static_rows) if static_rows else np.zeros((0, pop.n))
    return dict(
        prog_group_start=np.asarray(prog_group_start, dtype=np.int64),
        group_cond_start=np.asarray(group_cond_start, dtype=np.int64),
        cond_var=np.asarray(var, dtype=np.int64),
        cond_kind=np.asarray(kind, dtype=np.int64),
        cond_lo=np.asarray(lo, dtype=np.float64),
        cond_hi=np.asarray(hi, dtype=np.float64),
        cond_mask=np.asarray(mask, dtype=np.int64),
        static=np.ascontiguousarray(static, dtype=np.float64),
        static_names=tuple(static_names),
        unit=np.array([UNIT_HOUSEHOLD if p.unit == "household" else UNIT_PERSON for p in progs],
                      dtype=np.int64),
        kind=np.array([KINDS[p.benefit.type] for p in progs], dtype=np.int64),
        take_up_code=np.ascontiguousarray(np.vstack([_take_up_code(p, pop, scenario)
                                                     for p in progs])),
        once=np.array([p.benefit.period == "once" for p in progs]),
        target_row=target_row,
        target_value=np.ascontiguousarray(np.vstack(target_rows) if target_rows
                                          else np.zeros((0, pop.n))),
        # a shock top-up shares its regular programme's draws: the same beneficiaries
        stream=np.array([stream_of(p.draws_of or p.id) for p in progs], dtype=np.uint64),
        income_row=income_row,
        income=np.ascontiguousarray(np.vstack(income_arrays) if income_arrays
                                    else np.zeros((0, pop.n))),
        income_from=income_from,
        **timing_tables(progs),
    )


def _parameters(scenario: Scenario, pop: Population, years: np.ndarray,
                price_index: np.ndarray) -> dict[str, np.ndarray]:
    """The tables a parameter draw may change: rates, amounts, thresholds (no records);
    those of one key each from their declarations (:func:`declared_tables`), the
    irregular ones here."""
    progs = scenario.programmes
    n_prog, n_years = len(progs), len(years)
    eq = np.ones((n_prog, 3))
    child_age = np.full(n_prog, 18, dtype=np.int64)
    max_sizes = max([len(p.benefit.normative_cost) for p in progs] + [1])
    max_bands = max([len(p.benefit.band_shares) for p in progs] + [1])
    norm_cost = np.zeros((n_prog, n_years, max_sizes))
    region_factor = np.ones((n_prog, len(pop.region_names)))
    band_upper = np.full((n_prog, max_bands), np.inf)
    band_share = np.zeros((n_prog, max_bands))
    rates = [_take_up_rates(p) for p in progs]
    take_up_rate = np.zeros((n_prog, max(len(r) for r in rates)))
    target_threshold = np.zeros(n_prog)
    for p, prog in enumerate(progs):
        take_up_rate[p, :len(rates[p])] = rates[p]
        target_threshold[p] = _target_threshold(prog, pop, price_index[0])
        b = prog.benefit
        key = f"programmes.{prog.id}.benefit"
        if b.type == "top_up":
            eq[p] = b.equivalence[:3]
            child_age[p] = b.equivalence[3]
        elif b.type == "utility":
            per_year = b.payments_per_year * _index(b, years, scenario.start_year, price_index)
            sizes = list(b.normative_cost)
            sizes += [sizes[-1]] * (max_sizes - len(sizes))  # larger households: the last cost
            norm_cost[p] = per_year[:, None] * np.asarray(sizes)[None, :]
            for region, factor in b.region_factor.items():
                if region not in pop.region_names:
                    raise ScenarioError(Problem(
                        scenario.where(f"{key}.region_factor"), f"{key}.region_factor.{region}",
                        "a region of the population", repr(region),
                        did_you_mean(region, list(pop.region_names))))
                region_factor[p, pop.region_names.index(region)] = factor
            shares = list(b.band_shares)
            uppers = [u * b.payments_per_year for u in b.income_bands] + [np.inf]
            shares += [shares[-1]] * (max_bands - len(shares))
            uppers += [np.inf] * (max_bands - len(uppers))
            band_share[p] = shares
            band_upper[p] = uppers
    return dict(
        take_up_rate=take_up_rate,
        target_threshold=target_threshold,
        eq_first=np.ascontiguousarray(eq[:, 0]),
        eq_other=np.ascontiguousarray(eq[:, 1]),
        eq_child=np.ascontiguousarray(eq[:, 2]),
        child_age=child_age,
        norm_cost=norm_cost,
        region_factor=region_factor,
        band_upper=band_upper,
        band_share=band_share,
        **declared_tables(progs, years, scenario.start_year, price_index),
    )


def declared_tables(progs: tuple[Programme, ...], years: np.ndarray, start_year: int,
                    price_index: np.ndarray,
                    tables: dict[str, tuple[Declared, ...]] | None = None,
                    ) -> dict[str, np.ndarray]:
    """The per-draw tables declared at their keys (``tables``, default
    :data:`DECLARED`), float64: each programme's typed value at the key's path where the
    key applies (see :class:`simulate.scenario.typed.Kernel` for ``per`` and ``fill``).
    ``price_index[k]``: consumer prices in ``years[k]`` relative to start_year."""
    n_prog, n_years = len(progs), len(years)
    per_year = [p.benefit.payments_per_year * _index(p.benefit, years, start_year, price_index)
                for p in progs]
    out: dict[str, np.ndarray] = {}
    for name, keys in (DECLARED if tables is None else tables).items():
        first = keys[0].kernel
        table = np.full((n_prog,) if first.per == "programme" else (n_prog, n_years),
                        float(first.fill))
        for path, k, applies, selector in keys:
            for p, prog in enumerate(progs):
                if applies and _value_at(prog, selector) not in applies:
                    continue
                value = _value_at(prog, path)
                if value is None:
                    continue
                if k.per == "programme":
                    table[p] = value
                elif k.per == "year":
                    table[p] = YearPath.from_value(value).at(years)
                else:  # an amount per period: annual, nominal
                    table[p] = value * per_year[p]
        out[name] = table
    return out


def _value_at(prog: Programme, path: str) -> Any:
    """The typed programme's value at a key path below ``programmes.<name>``."""
    value: Any = prog
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _target_value(prog: Programme, pop: Population, pct: np.ndarray | None,
                  scenario: Scenario) -> np.ndarray | None:
    """Per record, the value compared with the threshold: truly eligible where value <
    threshold (welfare percentile, PMT score, 0 listed / 1 not); None without targeting.
    ``pct``: the population's :func:`welfare_percentile` (None: :func:`ranking`'s)."""
    t = prog.targeting
    key = f"programmes.{prog.id}.targeting"
    if t.method == "none":
        return None
    if t.method == "poverty":
        if pct is None:
            pct = ranking(pop)
        if np.all(np.isnan(pct)):
            raise ScenarioError(Problem(scenario.where(key), key,
                                        "a population with welfare for poverty targeting",
                                        f"no welfare in {pop.source or 'the population'}"))
        if t.welfare_shock:  # the percentile of welfare after the shock
            pct = ranking(pop, 1.0 - t.welfare_shock)
        return np.nan_to_num(pct, nan=np.inf)
    if t.method == "pmt":
        score = np.full(pop.n, float(t.intercept))
        for col, coef in t.coefficients.items():
            score += coef * _column(pop, col, f"{key}.coefficients.{col}", scenario,
                                    "a column of the population for the PMT formula")
        return np.nan_to_num(score, nan=np.inf)
    values = _column(pop, t.column, f"{key}.column", scenario, "a registry column")
    listed = np.isin(values, np.asarray(t.levels, dtype=np.float64))
    return np.where(listed, 0.0, 1.0)


def _target_threshold(prog: Programme, pop: Population, pop_year_prices: float) -> float:
    """The threshold of :func:`_target_value` (0 without targeting).

    A poverty line in start_year prices is moved to the population's year prices
    (``pop_year_prices`` = P(pop.year) / P(start_year)).
    """
    t = prog.targeting
    if t.method == "poverty":
        if t.welfare_percentile_max is not None:
            return float(t.welfare_percentile_max)
        return _share_below(pop, float(t.poverty_line) * pop_year_prices)
    if t.method == "pmt":
        return float(t.cutoff)
    return 0.5 if t.method == "registry" else 0.0
