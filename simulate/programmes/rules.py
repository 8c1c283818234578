"""Benefit rules compiled into the plain tables the kernel reads.

Eligibility groups become rows of condition tables (variable, kind, bounds or
code mask); amounts become a nominal annual amount per programme and year;
roll-out becomes a share per programme and year. Everything that can be wrong
about a rule given the population (a column the data do not have, a region
that does not exist, poverty targeting without welfare) is reported here as a
ScenarioError naming the scenario file and key.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from ..errors import Problem, ScenarioError, did_you_mean
from ..kernels.projection import VAR_AGE, VAR_AGE_MONTHS, VAR_DISABLED, VAR_PREGNANT
from ..population.records import Population
from ..scenario import Condition, Programme, Scenario

N_QUINTILES = 5
DYNAMIC = {"age": VAR_AGE, "age_months": VAR_AGE_MONTHS, "pregnant": VAR_PREGNANT,
           "disabled": VAR_DISABLED}


@dataclass(frozen=True)
class RuleTables:
    """Kernel inputs describing the programmes (see kernels/projection.py)."""

    prog_group_start: np.ndarray
    group_cond_start: np.ndarray
    cond_var: np.ndarray
    cond_kind: np.ndarray
    cond_lo: np.ndarray
    cond_hi: np.ndarray
    cond_mask: np.ndarray
    static: np.ndarray
    static_names: tuple[str, ...]
    take_up: np.ndarray
    rollout: np.ndarray
    amount: np.ndarray
    once: np.ndarray
    target_kind: np.ndarray
    target_pct: np.ndarray
    exclusion: np.ndarray
    inclusion: np.ndarray
    stream: np.ndarray


def welfare_percentile(pop: Population) -> np.ndarray:
    """Percent of persons (weighted, alive in ``pop.year``) with lower welfare; NaN if unknown.

    A person is among the poorest P percent exactly when this is below P.
    """
    alive = (pop.entry_year <= pop.year) & ~np.isnan(pop.welfare)
    w = pop.welfare[alive]
    if len(w) == 0:
        return np.full(pop.n, np.nan)
    order = np.argsort(w, kind="stable")
    sorted_w = w[order]
    cum = np.r_[0.0, np.cumsum(pop.weight[alive][order])]
    below = cum[np.searchsorted(sorted_w, pop.welfare, side="left")]
    pct = 100.0 * below / cum[-1]
    return np.where(np.isnan(pop.welfare), np.nan, pct)


def share_below(pop: Population, line: float) -> float:
    """Percent of persons (weighted, alive in ``pop.year``) with welfare below ``line``."""
    alive = (pop.entry_year <= pop.year) & ~np.isnan(pop.welfare)
    return 100.0 * float(pop.weight[alive][pop.welfare[alive] < line].sum()) / float(
        pop.weight[alive].sum()
    )


def quintile_group(pct: np.ndarray) -> tuple[np.ndarray, int]:
    """Welfare quintile 0 (poorest) .. 4 per record, or all 0 when welfare is unknown."""
    if np.all(np.isnan(pct)):
        return np.zeros(len(pct), dtype=np.int16), 1
    q = np.where(np.isnan(pct), 0, np.minimum(N_QUINTILES - 1, pct // 20.0))
    return q.astype(np.int16), N_QUINTILES


def stream_of(pid: str) -> int:
    """A stable draw stream for a programme, from its name (adding a programme
    elsewhere in the file leaves this one's draws unchanged)."""
    return zlib.crc32(pid.encode())


def _column_values(pop: Population, cond: Condition, scenario: Scenario) -> np.ndarray:
    name = cond.column
    if name == "weight" or name == "entry_year" or name == "household_id":
        raise ScenarioError(Problem(scenario.where(cond.key), cond.key,
                                    "a condition on a person attribute", repr(name)))
    try:
        return pop.column(name).astype(np.float64)
    except KeyError:
        raise ScenarioError(Problem(
            scenario.where(cond.key), cond.key, "a condition key or a column of the population",
            repr(name), did_you_mean(name, [*DYNAMIC, *pop.columns()]),
        )) from None


def _codes(pop: Population, cond: Condition, scenario: Scenario) -> list[int]:
    """Integer codes for the values of a set condition (region names, text labels)."""
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
            codes.append(labels.index(v))
        else:
            codes.append(v)
    return codes


def compile_rules(scenario: Scenario, pop: Population, years: np.ndarray,
                  price_index: np.ndarray) -> RuleTables:
    """Kernel tables for ``scenario.programmes`` on ``pop`` over ``years``.

    ``price_index[k]`` is consumer prices in ``years[k]`` relative to start_year.
    """
    static_names: list[str] = []
    static_rows: list[np.ndarray] = []
    prog_group_start = [0]
    group_cond_start = [0]
    var, kind, lo, hi, mask = [], [], [], [], []
    pct = welfare_percentile(pop)
    n_prog = len(scenario.programmes)
    target_kind = np.zeros(n_prog, dtype=np.int8)
    target_pct = np.zeros(n_prog)
    for p, prog in enumerate(scenario.programmes):
        for group in prog.eligibility:
            for cond in group:
                if cond.column in DYNAMIC:
                    v = DYNAMIC[cond.column]
                else:
                    if cond.column not in static_names:
                        static_names.append(cond.column)
                        static_rows.append(_column_values(pop, cond, scenario))
                    v = static_names.index(cond.column)
                var.append(v)
                if cond.values:
                    codes = _codes(pop, cond, scenario)
                    if all(float(c).is_integer() and 0 <= c < 63 for c in codes):
                        kind.append(1)
                        lo.append(0.0)
                        hi.append(0.0)
                        mask.append(int(sum(1 << int(c) for c in set(codes))))
                    elif len(codes) == 1:  # equality on a non-integer value
                        kind.append(0)
                        lo.append(float(codes[0]))
                        hi.append(float(np.nextafter(codes[0], np.inf)))
                        mask.append(0)
                    else:
                        raise ScenarioError(Problem(
                            scenario.where(cond.key), cond.key,
                            "a single value, a [lo, hi) range or names", repr(cond.values)))
                else:
                    kind.append(0)
                    lo.append(cond.lo)
                    hi.append(cond.hi)
                    mask.append(0)
            group_cond_start.append(len(var))
        prog_group_start.append(len(group_cond_start) - 1)
        target_kind[p], target_pct[p] = _targeting(prog, pop, pct, scenario, price_index[0])

    n_years = len(years)
    amount = np.zeros((n_prog, n_years))
    for p, prog in enumerate(scenario.programmes):
        b = prog.benefit
        if b.indexation == "cpi":
            index = price_index
        elif b.indexation == "none":
            index = np.ones(n_years)
        else:
            index = (1.0 + float(b.indexation)) ** (years - scenario.start_year)
        amount[p] = b.amount * b.payments_per_year * index
    static = (np.vstack(static_rows) if static_rows else np.zeros((0, pop.n)))
    return RuleTables(
        prog_group_start=np.asarray(prog_group_start, dtype=np.int64),
        group_cond_start=np.asarray(group_cond_start, dtype=np.int64),
        cond_var=np.asarray(var, dtype=np.int64),
        cond_kind=np.asarray(kind, dtype=np.int64),
        cond_lo=np.asarray(lo, dtype=np.float64),
        cond_hi=np.asarray(hi, dtype=np.float64),
        cond_mask=np.asarray(mask, dtype=np.int64),
        static=np.ascontiguousarray(static, dtype=np.float64),
        static_names=tuple(static_names),
        take_up=np.array([p.take_up for p in scenario.programmes]),
        rollout=np.vstack([p.rollout.at(years) for p in scenario.programmes]),
        amount=amount,
        once=np.array([p.benefit.period == "once" for p in scenario.programmes]),
        target_kind=target_kind,
        target_pct=target_pct,
        exclusion=np.array([p.targeting.exclusion_error for p in scenario.programmes]),
        inclusion=np.array([p.targeting.inclusion_error for p in scenario.programmes]),
        stream=np.array([stream_of(p.id) for p in scenario.programmes], dtype=np.uint64),
    )


def _targeting(prog: Programme, pop: Population, pct: np.ndarray, scenario: Scenario,
               pop_year_prices: float) -> tuple[int, float]:
    """(kind, percentile threshold); a poverty line in start_year prices is moved to the
    population's year prices (``pop_year_prices`` = P(pop.year) / P(start_year))."""
    t = prog.targeting
    if t.method == "none":
        return 0, 0.0
    key = f"programmes.{prog.id}.targeting"
    if np.all(np.isnan(pct)):
        raise ScenarioError(Problem(scenario.where(key), key,
                                    "a population with welfare for poverty targeting",
                                    f"no welfare in {pop.source or 'the population'}"))
    if t.welfare_percentile_max is not None:
        return 1, float(t.welfare_percentile_max)
    return 1, share_below(pop, float(t.poverty_line) * pop_year_prices)
