"""Projection benchmark: the engine against a minimal fused kernel and numpy.

Not part of the test suite (never run in CI). Run from the repository root:

    .venv/bin/python benchmarks/bench_projection.py [--records N] [--years Y] [--repeat R]
        [--quick] [--no-ablation] [--json FILE]

(``--quick``: 200,000 base records unless ``--records`` is given, no ablation.)

Defaults: 1,000,000 synthetic base records (Lao profile; births add records
for the later cohorts), 30 years (2025-2054), best of 3. Three programmes:

* child grant: age [0, 2), 150,000 a month, CPI-indexed, take-up 0.9,
  roll-out 0.2 in 2025 rising linearly to 1 in 2030;
* social pension: age [65, 200), 300,000 a month, take-up 0.95;
* school grant: age [6, 18) in the poorest 40% (welfare percentile), 500,000
  a year, take-up 0.8.

Measured in one run, so that the ratios compare like with like:

1. setup: synthetic population build, and the whole ``engine.prepare``;
2. ``engine.project_totals(prep)`` warm, best of R (and the part of it spent
   in ``welfare_percentile``/``quintile_group``), and ``simulate.run`` end to
   end (prepare + kernel + Dataset), best of R; all methods are timed in
   interleaved rounds so that other load on the machine hits them alike; the
   runs reuse the population the checks built (``engine._population``, as a
   repeated run in one process does), and ``simulate.run`` with the population
   built again (a process's first run) is timed apart;
3. compile time of the first ``project_totals`` call on a 1,000-record
   scenario in a fresh process, with an empty ``NUMBA_CACHE_DIR`` (cold) and
   again with the same directory (warm);
4. peak resident memory (VmHWM) of one ``simulate.run`` in a fresh process,
   bytes per record of the Population arrays, and the peak numpy allocation
   (tracemalloc) while ``project_totals`` runs;
5. a minimal hand-written fused numba kernel (hard-coded rules, only the draws
   this scenario needs, no population-by-age table) on the same arrays;
6. a numpy implementation vectorised over records, looping over years;
7. an ablation: the minimal kernel with optional extra work (all four draws
   per programme, a pregnancy draw per woman-year, population by sex and age)
   to price each (``--no-ablation`` skips it);
8. means-tested programmes (issue 3): the same population and horizon with a
   fourth, household programme added to the three above, in two variants
   timed in the same interleaved rounds: a GMI-style top-up (means test on
   the household's counted income with an equivalence scale, a disregard, a
   taper and a cap, poverty targeting with exclusion and inclusion errors)
   and, as a control, a flat household benefit with the same take-up and
   targeting. Reported as ratios to the categorical run: ``engine.prepare``,
   ``project_totals`` (and the part of it spent inside the numba kernel
   ``project_households``: the means test runs there, per household and
   year) and ``simulate.run``; the compile probe also calls the means-tested
   scenario after the categorical one and counts the kernel's compiled
   specialisations. The three categorical programmes must give the same
   totals in all three runs (asserted);
9. costs only: the categorical and the means-tested case again with ``[outputs]
   poverty = false, overlap = false`` (the kernel specialised without the poverty,
   Gini-histogram and overlap blocks: only the programme measures, the minimal
   kernel's work), ``project_totals`` and ``simulate.run`` in the same rounds; their
   programme totals must equal the full runs' to the bit, and the minimal kernel's
   (asserted), and their ratios to the minimal kernel are set against the same 5x /
   2x targets (rows beside the full-output ones).

Both references and the ablation must reproduce the engine's per-year
eligible, beneficiaries and transfers of every programme (asserted). Times are only compared as ratios
within one run; nothing asserts on absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numba  # noqa: E402
from numba import njit, prange  # noqa: E402

from simulate import engine  # noqa: E402
from simulate.kernels.projection import (  # noqa: E402
    BENEFICIARIES,
    ELIGIBLE,
    HOUSEHOLDS_BENEFICIARIES,
    HOUSEHOLDS_ELIGIBLE,
    TRANSFERS,
)
from simulate.kernels.rng import (  # noqa: E402
    EXCLUSION,
    INCLUSION,
    PREGNANCY,
    ROLLOUT,
    TAKE_UP,
    uniform,
)
from simulate.population.identity import record_key  # noqa: E402
from simulate.population.profiles import load_profile  # noqa: E402
from simulate.programmes.rules import (  # noqa: E402
    stream_of,
    welfare_percentile,
)
from simulate.scenario import scenario_from_dict  # noqa: E402

START_YEAR = 2025
MAX_AGE = 100
# programme order in the scenario (and in the minimal kernel)
CHILD, PENSION, SCHOOL = 0, 1, 2
POOR_PCT = 40.0
# issue 15's targets, as ratios measured in one run
TARGET_RUN_VS_MINIMAL = 5.0  # simulate.run (population included) / minimal kernel
TARGET_ENGINE_VS_MINIMAL = 2.0  # project_totals / minimal kernel
TARGET_VS_OPENFISCA = 20.0  # OpenFisca / simulate.run
#: (what, figure, target ratio, the figure must be at least the target)
TARGETS = (
    ("simulate.run within 5x of the minimal kernel", "ratio_run_minimal",
     TARGET_RUN_VS_MINIMAL, False),
    ("project_totals within 2x of the minimal kernel", "ratio_engine_minimal",
     TARGET_ENGINE_VS_MINIMAL, False),
    ("means-tested: simulate.run within 5x of the minimal kernel",
     "ratio_run_means_tested_minimal", TARGET_RUN_VS_MINIMAL, False),
    ("means-tested: project_totals within 2x of the minimal kernel",
     "ratio_engine_means_tested_minimal", TARGET_ENGINE_VS_MINIMAL, False),
    ("simulate.run at least 20x faster than OpenFisca", "ratio_openfisca_run",
     TARGET_VS_OPENFISCA, True),
    ("costs only ([outputs] poverty, overlap = false): simulate.run within 5x of the "
     "minimal kernel", "ratio_run_costs_minimal", TARGET_RUN_VS_MINIMAL, False),
    ("costs only: project_totals within 2x of the minimal kernel",
     "ratio_engine_costs_minimal", TARGET_ENGINE_VS_MINIMAL, False),
    ("costs only, means-tested: simulate.run within 5x of the minimal kernel",
     "ratio_run_means_tested_costs_minimal", TARGET_RUN_VS_MINIMAL, False),
    ("costs only, means-tested: project_totals within 2x of the minimal kernel",
     "ratio_engine_means_tested_costs_minimal", TARGET_ENGINE_VS_MINIMAL, False),
)
#: the variants also timed "costs only": [outputs] poverty = false, overlap = false (the
#: kernel computes the programme measures only, as the minimal kernel does)
COSTS_ONLY = ("categorical", "means_tested")
COSTS_OUTPUTS = {"poverty": False, "overlap": False}


def verdict(value: float, target: float, above: bool) -> str:
    """'met' or 'MISSED by F x' for a ratio against its target (nan: not measured)."""
    if value != value:
        return "not measured"
    if (value >= target) if above else (value <= target):
        return "met"
    return f"MISSED by {target / value if above else value / target:.1f}x"


# Lao poverty line (profile lao, welfare.poverty_line): LAK per person per year, 2025 prices
LAO_POVERTY_LINE = 7_926_000
VARIANTS = ("categorical", "flat_household", "means_tested")


def extra_programme(variant: str) -> dict:
    """The fourth, household programme of a variant (none for "categorical").

    Income for the means test: synthetic populations have no income column, so
    ``income = ["welfare"]`` is used, as in scenarios/ukr_gmi_hus.toml. ``welfare``
    is annual consumption per capita and the kernel sums the income column over
    the members weighted by their presence, so the counted income is the
    household's consumption (welfare x expected size, in current prices); the
    taper of 0.5 counts half of it (the declared share, say).
    """
    common = {
        "unit": "household",
        "take_up": 0.7,
        # poverty targeting with PMT-like errors: "truly eligible" below the poverty line
        "targeting": {"method": "poverty", "poverty_line": LAO_POVERTY_LINE,
                      "exclusion_error": 0.1, "inclusion_error": 0.2},
    }
    if variant == "means_tested":
        return {"gmi": {
            **common,
            "label": "Guaranteed minimum income (top-up)",
            "benefit": {
                "type": "top_up", "period": "month", "indexation": "cpi",
                "guaranteed_minimum": 330_000,  # half the poverty line per month
                "equivalence": {"first": 1.0, "other_adult": 0.7, "child": 0.5,
                                "child_age": 18},
                "income": ["welfare"],  # household consumption as the income proxy
                "disregard": 50_000,
                "taper": 0.5,
                "maximum": 2_000_000,
            },
        }}
    if variant == "flat_household":
        return {"household_grant": {
            **common,
            "label": "Flat household grant (control)",
            "benefit": {"amount": 330_000, "period": "month", "indexation": "cpi"},
        }}
    return {}


def scenario_doc(records: int, years: int, variant: str = "categorical",
                 costs_only: bool = False) -> dict:
    """The benchmark scenario as a document for ``scenario_from_dict``: the three
    categorical programmes, plus a household programme unless ``variant`` is
    "categorical"; ``costs_only``: without poverty and overlap (``[outputs]``)."""
    assert variant in VARIANTS
    return {
        **({"outputs": dict(COSTS_OUTPUTS)} if costs_only else {}),
        "scenario": {
            "name": "Benchmark: child grant, social pension, school grant"
                    + ("" if variant == "categorical" else f" + {variant}")
                    + (" (costs only)" if costs_only else ""),
            "id": "bench_projection" + ("" if variant == "categorical" else f"_{variant}")
                  + ("_costs" if costs_only else ""),
            "country": "lao",
            "start_year": START_YEAR,
            "end_year": START_YEAR + years - 1,
        },
        "population": {"source": "synthetic", "records": records},
        "demography": {"mortality": "profile", "births": "profile"},
        "programmes": {
            "child_grant": {
                "eligibility": {"age": [0, 2]},
                "benefit": {"amount": 150_000, "period": "month", "indexation": "cpi"},
                "take_up": 0.9,
                "rollout": {"2025": 0.2, "2030": 1.0},
            },
            "social_pension": {
                "eligibility": {"age": [65, 200]},
                "benefit": {"amount": 300_000, "period": "month"},
                "take_up": 0.95,
            },
            "school_grant": {
                "eligibility": {"age": [6, 18]},
                "targeting": {"method": "poverty", "welfare_percentile_max": POOR_PCT},
                "benefit": {"amount": 500_000, "period": "year"},
                "take_up": 0.8,
            },
            **extra_programme(variant),
        },
    }


# ---------------------------------------------------------------------------
# Inputs shared by the two reference implementations
# ---------------------------------------------------------------------------


def reference_inputs(prep) -> dict:
    """The arrays the references read (computed once, outside the timings).

    Rule parameters come from the scenario itself, not from the engine's rule
    tables, so that the references check the engine rather than share its
    preprocessing. Unit ids are the records' stable keys (``record_key``, as the
    engine's; simulate/population/identity.py).
    """
    s, pop, r = prep.scenario, prep.population, prep.rates
    years = r.years.astype(np.int64)
    progs = s.programmes
    assert [p.id for p in progs] == ["child_grant", "social_pension", "school_grant"]
    # what the references leave out must indeed be idle in this scenario
    for p in progs:
        assert p.targeting.exclusion_error == 0.0 and p.targeting.inclusion_error == 0.0
    assert np.all(progs[PENSION].rollout.at(years) >= 1.0)
    assert np.all(progs[SCHOOL].rollout.at(years) >= 1.0)
    price = np.asarray(prep.macro.price_index, dtype=np.float64)
    amount = np.array([p.benefit.amount * p.benefit.payments_per_year
                       * (price if p.benefit.indexation == "cpi" else 1.0) for p in progs])
    assert all(p.benefit.indexation == "cpi" for p in progs)
    pct = np.nan_to_num(welfare_percentile(pop), nan=np.inf)
    return dict(
        age0=pop.age,  # int16
        sex=pop.sex,  # int8
        entry_idx=(pop.entry_year - years[0]).astype(np.int16),
        weight0=pop.weight,
        percentile=pct,
        survival=r.survival,
        n_years=len(years),
        first_active=int(s.start_year - years[0]),
        take_up=np.array([p.take_up for p in progs], dtype=np.float64),
        rollout=np.vstack([p.rollout.at(years) for p in progs]),
        rollout_child=np.ascontiguousarray(progs[CHILD].rollout.at(years), dtype=np.float64),
        amount=amount,
        stream=np.array([stream_of(p.id) for p in progs], dtype=np.uint64),
        seed=np.uint64(s.seed),
        uid=record_key(pop),
    )


# ---------------------------------------------------------------------------
# (5) Minimal hand-written fused kernel
# ---------------------------------------------------------------------------


@njit(cache=True, parallel=True)
def minimal_kernel(age0, sex, entry_idx, weight0, percentile, survival, n_years, first_active,
                   take_up, rollout_child, amount, stream, seed, uid, n_blocks):
    """out[year, programme, measure]: eligible, beneficiaries, transfers.

    The rules of the benchmark scenario are hard-coded; draws are made only for
    the programmes a record can ever be eligible for and only for the purposes
    the scenario needs (take-up, and roll-out of the child grant).
    """
    n = age0.shape[0]
    buf = np.zeros((n_blocks, n_years, 3, 3))
    step = (n + n_blocks - 1) // n_blocks
    for b in prange(n_blocks):
        acc = buf[b]
        for i in range(b * step, min(n, (b + 1) * step)):
            uu = np.uint64(uid[i])
            e = np.int64(entry_idx[i])
            a0 = np.int64(age0[i])
            age_last = a0 + (n_years - 1 - e)
            poor = percentile[i] < 40.0
            child_ok = a0 < 2
            pension_ok = age_last >= 65
            school_ok = poor and a0 < 18 and age_last >= 6
            # 2.0 = "never reached" when the record can never be eligible
            uc_take = uniform(seed, uu, stream[0], np.uint64(TAKE_UP)) if child_ok else 2.0
            uc_roll = uniform(seed, uu, stream[0], np.uint64(ROLLOUT)) if child_ok else 2.0
            up_take = uniform(seed, uu, stream[1], np.uint64(TAKE_UP)) if pension_ok else 2.0
            us_take = uniform(seed, uu, stream[2], np.uint64(TAKE_UP)) if school_ok else 2.0
            w = weight0[i]
            sx = np.int64(sex[i])
            for y in range(e, n_years):
                age = a0 + (y - e)
                if y >= first_active:
                    if age < 2:
                        acc[y, 0, 0] += w
                        if uc_roll < rollout_child[y] and uc_take < take_up[0]:
                            acc[y, 0, 1] += w
                            acc[y, 0, 2] += w * amount[0, y]
                    elif age >= 65 and age < 200:
                        acc[y, 1, 0] += w
                        if up_take < take_up[1]:
                            acc[y, 1, 1] += w
                            acc[y, 1, 2] += w * amount[1, y]
                    elif poor and age >= 6 and age < 18:
                        acc[y, 2, 0] += w
                        if us_take < take_up[2]:
                            acc[y, 2, 1] += w
                            acc[y, 2, 2] += w * amount[2, y]
                w *= survival[y, sx, min(age, 100)]
    out = np.zeros((n_years, 3, 3))
    for b in range(n_blocks):
        out += buf[b]
    return out


@njit(cache=True, parallel=True)
def ablation_kernel(age0, sex, entry_idx, weight0, percentile, survival, fertility, years,
                    n_years, first_active, take_up, rollout, amount, stream, seed, uid, n_blocks,
                    all_draws, pregnancy_draws, pop_by_age):
    """The minimal kernel plus, switched on at run time, work a generic kernel may
    do whether or not the scenario needs it: 4 draws per programme and record
    (``all_draws``), a pregnancy draw per woman and year (``pregnancy_draws``),
    and the population by sex and age (``pop_by_age``). It prices each of them;
    for the analysis only."""
    n = age0.shape[0]
    buf = np.zeros((n_blocks, n_years, 3, 3))
    pop = np.zeros((n_blocks, n_years, 2, 101))
    step = (n + n_blocks - 1) // n_blocks
    for b in prange(n_blocks):
        acc = buf[b]
        u = np.empty((3, 4))
        for i in range(b * step, min(n, (b + 1) * step)):
            uu = np.uint64(uid[i])
            e = np.int64(entry_idx[i])
            a0 = np.int64(age0[i])
            age_last = a0 + (n_years - 1 - e)
            poor = percentile[i] < 40.0
            if all_draws:
                for p in range(3):
                    u[p, 0] = uniform(seed, uu, stream[p], np.uint64(TAKE_UP))
                    u[p, 1] = uniform(seed, uu, stream[p], np.uint64(ROLLOUT))
                    u[p, 2] = uniform(seed, uu, stream[p], np.uint64(EXCLUSION))
                    u[p, 3] = uniform(seed, uu, stream[p], np.uint64(INCLUSION))
            else:
                u[0, 0] = uniform(seed, uu, stream[0], np.uint64(TAKE_UP)) if a0 < 2 else 2.0
                u[0, 1] = uniform(seed, uu, stream[0], np.uint64(ROLLOUT)) if a0 < 2 else 2.0
                u[1, 0] = (uniform(seed, uu, stream[1], np.uint64(TAKE_UP))
                           if age_last >= 65 else 2.0)
                u[2, 0] = (uniform(seed, uu, stream[2], np.uint64(TAKE_UP))
                           if poor and a0 < 18 and age_last >= 6 else 2.0)
                u[1, 1] = 0.0
                u[2, 1] = 0.0
            w = weight0[i]
            sx = np.int64(sex[i])
            preg_count = 0
            for y in range(e, n_years):
                age = a0 + (y - e)
                a = min(age, 100)
                if pop_by_age:
                    pop[b, y, sx, a] += w
                if y >= first_active:
                    if pregnancy_draws and sx == 1:
                        if uniform(seed, uu, np.uint64(years[y]),
                                   np.uint64(PREGNANCY)) < fertility[y, a]:
                            preg_count += 1
                    if age < 2:
                        acc[y, 0, 0] += w
                        if u[0, 1] < rollout[0, y] and u[0, 0] < take_up[0]:
                            acc[y, 0, 1] += w
                            acc[y, 0, 2] += w * amount[0, y]
                    elif age >= 65 and age < 200:
                        acc[y, 1, 0] += w
                        if u[1, 1] < rollout[1, y] and u[1, 0] < take_up[1]:
                            acc[y, 1, 1] += w
                            acc[y, 1, 2] += w * amount[1, y]
                    elif poor and age >= 6 and age < 18:
                        acc[y, 2, 0] += w
                        if u[2, 1] < rollout[2, y] and u[2, 0] < take_up[2]:
                            acc[y, 2, 1] += w
                            acc[y, 2, 2] += w * amount[2, y]
                w *= survival[y, sx, a]
            # keep the pregnancy draws alive (not optimised away)
            acc[0, 0, 0] += 0.0 * preg_count
    out = np.zeros((n_years, 3, 3))
    for b in range(n_blocks):
        out += buf[b]
    return out, pop


def run_minimal(ref: dict) -> np.ndarray:
    return minimal_kernel(
        ref["age0"], ref["sex"], ref["entry_idx"], ref["weight0"], ref["percentile"],
        ref["survival"], ref["n_years"], ref["first_active"], ref["take_up"],
        ref["rollout_child"], ref["amount"], ref["stream"], ref["seed"], ref["uid"],
        numba.get_num_threads(),
    )


# ---------------------------------------------------------------------------
# (6) numpy, vectorised over records, one year at a time
# ---------------------------------------------------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix64_np(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on a uint64 array (wrapping arithmetic), in place."""
    z += _GOLDEN
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def uniform_np(seed: np.uint64, uid: np.ndarray, stream: np.uint64, purpose: int) -> np.ndarray:
    """``simulate.kernels.rng.uniform`` for an array of units."""
    h0 = _mix64_np(np.array([seed], dtype=np.uint64))[0]
    h = uid ^ h0
    _mix64_np(h)
    h ^= np.uint64(stream)
    _mix64_np(h)
    h ^= np.uint64(purpose)
    _mix64_np(h)
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def run_numpy(ref: dict) -> np.ndarray:
    """out[year, programme, measure], the same arithmetic as the kernels."""
    age0 = ref["age0"].astype(np.int64)
    sex = ref["sex"].astype(np.intp)
    entry = ref["entry_idx"].astype(np.int64)
    n_years, first = ref["n_years"], ref["first_active"]
    take_up, amount, stream, seed = ref["take_up"], ref["amount"], ref["stream"], ref["seed"]
    surv = ref["survival"]
    uid = ref["uid"].astype(np.uint64)
    # draws fixed over years: one vector each
    child_take = uniform_np(seed, uid, stream[CHILD], TAKE_UP) < take_up[CHILD]
    child_roll = uniform_np(seed, uid, stream[CHILD], ROLLOUT)
    pension_take = uniform_np(seed, uid, stream[PENSION], TAKE_UP) < take_up[PENSION]
    poor = ref["percentile"] < POOR_PCT
    school_take = uniform_np(seed, uid, stream[SCHOOL], TAKE_UP) < take_up[SCHOOL]
    w = ref["weight0"].copy()
    out = np.zeros((n_years, 3, 3))
    for y in range(n_years):
        age = age0 + (y - entry)
        alive = age >= age0  # entered (y >= entry)
        if y >= first:
            elig = alive & (age < 2)
            ben = elig & child_take & (child_roll < ref["rollout_child"][y])
            out[y, CHILD, 0] = w.sum(where=elig)
            out[y, CHILD, 1] = w.sum(where=ben)
            elig = alive & (age >= 65) & (age < 200)
            ben = elig & pension_take
            out[y, PENSION, 0] = w.sum(where=elig)
            out[y, PENSION, 1] = w.sum(where=ben)
            elig = alive & poor & (age >= 6) & (age < 18)
            ben = elig & school_take
            out[y, SCHOOL, 0] = w.sum(where=elig)
            out[y, SCHOOL, 1] = w.sum(where=ben)
            out[y, :, 2] = out[y, :, 1] * amount[:, y]
        a = np.clip(age, 0, MAX_AGE)
        w = np.where(alive, w * surv[y][sex, a], w)
    return out


# ---------------------------------------------------------------------------
# (9) OpenFisca-Core: the same rules in the country package benchmarks/openfisca_sp
# ---------------------------------------------------------------------------


def openfisca_system(prep, ref: dict):
    """The openfisca_sp system with the scenario's CPI and roll-out paths, or None when
    OpenFisca-Core is not installed (the ``bench`` extra)."""
    sys.path.insert(0, str(ROOT / "benchmarks" / "openfisca_sp"))
    try:
        import openfisca_sp
    except ImportError:
        return None
    finally:
        sys.path.pop(0)
    tbs = openfisca_sp.system()
    years = prep.rates.years.astype(np.int64)
    price = np.asarray(prep.macro.price_index, dtype=np.float64)
    first = ref["first_active"]
    # the engine's years before start_year are demography only: no rule is evaluated
    openfisca_sp.set_paths(tbs, years[first:], price[first:], ref["rollout_child"][first:])
    return tbs


def run_openfisca(ref: dict, tbs) -> np.ndarray:
    """out[year, programme, measure] with OpenFisca evaluating the three rules for each
    person and year; the demography (ageing, entry, survival-weighted weights) and the
    counter-based draws are computed as in :func:`run_numpy`, the weighted sums in
    float64. One simulation a year (OpenFisca would otherwise keep every year)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    age0 = ref["age0"].astype(np.int64)
    sex = ref["sex"].astype(np.intp)
    entry = ref["entry_idx"].astype(np.int64)
    n_years, first = ref["n_years"], ref["first_active"]
    stream, seed, surv = ref["stream"], ref["seed"], ref["survival"]
    uid = ref["uid"].astype(np.uint64)
    draws = {"u_child_take_up": uniform_np(seed, uid, stream[CHILD], TAKE_UP),
             "u_child_rollout": uniform_np(seed, uid, stream[CHILD], ROLLOUT),
             "u_pension_take_up": uniform_np(seed, uid, stream[PENSION], TAKE_UP),
             "u_school_take_up": uniform_np(seed, uid, stream[SCHOOL], TAKE_UP)}
    percentile = ref["percentile"]
    n = len(age0)
    w = ref["weight0"].copy()
    out = np.zeros((n_years, 3, 3))
    names = ("child_grant", "social_pension", "school_grant")
    for y in range(n_years):
        age = age0 + (y - entry)
        alive = age >= age0
        if y >= first:
            period = str(START_YEAR + y - first)
            sim = SimulationBuilder().build_default_simulation(tbs, count=n)
            sim.set_input("age", period, age)
            sim.set_input("present", period, alive)
            sim.set_input("welfare_percentile", period, percentile)
            for name, u in draws.items():
                sim.set_input(name, period, u)
            for j, name in enumerate(names):
                out[y, j, 0] = w.sum(where=sim.calculate(f"{name}_eligible", period))
                out[y, j, 1] = w.sum(where=sim.calculate(f"{name}_receives", period))
                out[y, j, 2] = w @ sim.calculate(name, period)
        a = np.clip(age, 0, MAX_AGE)
        w = np.where(alive, w * surv[y][sex, a], w)
    return out


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def best_of(fn, repeat: int):
    """(best seconds, last result) of ``repeat`` calls."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_rss_bytes() -> int:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss on Linux, it
    does not carry the parent's peak over fork + exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def current_rss_bytes() -> int:
    try:
        import psutil

        return psutil.Process().memory_info().rss
    except ImportError:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# functions project_totals may call to rank records by welfare (names over versions)
WELFARE_GROUPING = ("welfare_percentile", "quintile_group", "welfare_group")


def programme_totals(result) -> np.ndarray:
    """[year, programme, measure] from what ``project_totals`` returns, summed over
    welfare groups (a ``Totals`` with ``programmes``, or a tuple whose first item is
    the programme totals)."""
    prog = result.programmes if hasattr(result, "programmes") else result[0]
    return prog.sum(axis=2)


# the engine's numba projection kernel (names over versions)
KERNELS = ("run_threads", "project_households", "project_records")


class Inside:
    """While active, ``spent`` accumulates the time spent in the functions ``names``
    of ``module`` (those it has), timed by wrapping them in place."""

    def __init__(self, module, names):
        self.module, self.spent = module, 0.0
        self.saved = {k: getattr(module, k) for k in names if hasattr(module, k)}

    def __enter__(self):
        def wrap(f):
            def timed(*args, **kwargs):
                t0 = time.perf_counter()
                try:
                    return f(*args, **kwargs)
                finally:
                    self.spent += time.perf_counter() - t0
            return timed

        for k, f in self.saved.items():
            setattr(self.module, k, wrap(f))
        return self

    def __exit__(self, *exc):
        for k, f in self.saved.items():
            setattr(self.module, k, f)


def time_inside(module, names, fn, repeat: int) -> float:
    """Least time (over ``repeat`` calls of ``fn``) spent in the functions ``names``
    of ``module`` (those it has), timed by wrapping them for the duration."""
    best = float("inf")
    with Inside(module, names) as inside:
        for _ in range(repeat):
            inside.spent = 0.0
            fn()
            best = min(best, inside.spent)
    return best


def transient_bytes(fn) -> tuple[int, object]:
    """Peak bytes allocated (numpy arrays included) while ``fn`` runs, above what
    was held before, by tracemalloc."""
    import tracemalloc

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        return tracemalloc.get_traced_memory()[1] - before, result
    finally:
        tracemalloc.stop()


def per_record_bytes(obj, n: int) -> int:
    """Bytes of the numpy arrays among ``obj``'s attributes with one entry per record
    (last axis of length ``n``): the rule tables' per-record columns."""
    arrays = [v for v in vars(obj).values() if isinstance(v, np.ndarray)]
    return sum(v.nbytes for v in arrays if v.ndim >= 1 and v.shape[-1] == n)


def population_bytes(pop) -> int:
    from simulate.population.records import CORE_DTYPES

    return sum(getattr(pop, k).nbytes for k in CORE_DTYPES) + sum(
        v.nbytes for v in pop.extra.values())


def child(args: list[str], env: dict | None = None) -> dict:
    """Run this script in a fresh process; its last stdout line is JSON."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=str(ROOT))
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"child {args} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# Child-process probes
# ---------------------------------------------------------------------------


def first_and_second(fn) -> tuple[float, float]:
    """Seconds of a first and a second call of ``fn``."""
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times[0], times[1]


def probe_compile(years: int) -> dict:
    """Time the first project_totals (and minimal kernel) call on 1,000 records."""
    s = scenario_from_dict(scenario_doc(1000, years))
    prep = engine.prepare(s)
    first, second = first_and_second(lambda: engine.project_totals(prep))
    ref = reference_inputs(prep)
    t0 = time.perf_counter()
    run_minimal(ref)
    minimal_first = time.perf_counter() - t0
    # the means-tested scenario next: a kernel specialised to its structure (a household
    # top-up) is compiled for it (kernels/specialise.py)
    from simulate.kernels import specialise

    def compiled() -> int:
        return sum(len(getattr(m, specialise.ENTRY).signatures)
                   for m in specialise._MODULES.values())

    signatures = compiled()
    prep_m = engine.prepare(scenario_from_dict(scenario_doc(1000, years, "means_tested")))
    means_first, means_second = first_and_second(lambda: engine.project_totals(prep_m))
    return {"engine_first": first, "engine_second": second, "minimal_first": minimal_first,
            "means_first": means_first, "means_second": means_second,
            "signatures_categorical": signatures,
            "signatures_both": compiled()}


def probe_peak(records: int, years: int) -> dict:
    """Peak RSS of one simulate.run (kernels loaded from a warm cache first)."""
    import simulate

    small = scenario_from_dict(scenario_doc(1000, years))
    simulate.run(small)  # load compiled kernels, import everything
    base = current_rss_bytes()
    base_peak = peak_rss_bytes()
    s = scenario_from_dict(scenario_doc(records, years))
    t0 = time.perf_counter()
    simulate.run(s)
    wall = time.perf_counter() - t0
    return {"baseline_rss": base, "baseline_peak": base_peak, "peak_rss": peak_rss_bytes(),
            "wall": wall}


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def compare(name: str, engine_out: np.ndarray, ref_out: np.ndarray) -> None:
    for m, label in ((1, "beneficiaries"), (2, "transfers"), (0, "eligible")):
        if not np.allclose(engine_out[..., m], ref_out[..., m], rtol=1e-9, atol=1e-6):
            diff = np.abs(engine_out[..., m] - ref_out[..., m]).max()
            raise AssertionError(f"{name}: {label} differ from the engine (max {diff:g})")


def fmt_s(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=None,
                    help="base records (default 1,000,000; 100,000 with --quick)")
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=None,
                    help="timed rounds, the best of them kept (default 3; 2 with --quick)")
    ap.add_argument("--no-ablation", action="store_true",
                    help="skip the breakdown of the engine's extra work")
    ap.add_argument("--quick", action="store_true",
                    help="for checks during development (under a minute): 100,000 base "
                    "records (unless --records), best of 2 (unless --repeat), no ablation, "
                    "no compile or fresh-process memory probes")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--_probe", choices=("compile", "peak"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.records is None:
        a.records = 100_000 if a.quick else 1_000_000
    if a.repeat is None:
        a.repeat = 2 if a.quick else 3
    if a.quick:
        a.no_ablation = True

    if a._probe == "compile":
        print(json.dumps(probe_compile(a.years)))
        return
    if a._probe == "peak":
        print(json.dumps(probe_peak(a.records, a.years)))
        return

    R = a.repeat
    fig: dict = {"load_before": os.getloadavg()}
    print(f"numba {numba.__version__}, numpy {np.__version__}, python "
          f"{platform.python_version()}; numba threads {numba.get_num_threads()}, "
          f"CPUs {os.cpu_count()}")

    # (1) setup; (8) the same population and horizon with a household programme
    # added: prepare of the three variants in interleaved rounds
    scen = {v: scenario_from_dict(scenario_doc(a.records, a.years, v)) for v in VARIANTS}
    s = scen["categorical"]
    profile = load_profile(s.country, s.base_dir)
    preps = {v: engine.prepare(scen[v]) for v in VARIANTS}  # untimed: checks come first
    prep = preps.pop("categorical")
    pop = prep.population
    assert all(pv.population.n == pop.n for pv in preps.values())
    fig["base_records"] = a.records
    fig["records"] = pop.n
    fig["years"] = len(prep.rates.years)

    # (2), (5), (6) and the ablation, timed in interleaved rounds so that other
    # load on the machine hits every method alike; best of R rounds each
    import simulate

    ref = reference_inputs(prep)
    abl = [ref["age0"], ref["sex"], ref["entry_idx"], ref["weight0"], ref["percentile"],
           ref["survival"], prep.rates.fertility, prep.rates.years.astype(np.int64),
           ref["n_years"], ref["first_active"], ref["take_up"], ref["rollout"], ref["amount"],
           ref["stream"], ref["seed"], ref["uid"], numba.get_num_threads()]
    methods = {
        "engine": lambda: engine.project_totals(prep),
        "minimal": lambda: run_minimal(ref),
        "numpy": lambda: run_numpy(ref),
        "run": lambda: simulate.run(s),
    }
    tbs = openfisca_system(prep, ref)
    if tbs is not None:
        methods["openfisca"] = lambda: run_openfisca(ref, tbs)
    for v in VARIANTS[1:]:
        methods[f"engine_{v}"] = lambda v=v: engine.project_totals(preps[v])
        methods[f"run_{v}"] = lambda v=v: simulate.run(scen[v])
    # costs only ([outputs] poverty, overlap = false): the same population (reused)
    scen_costs = {v: scenario_from_dict(scenario_doc(a.records, a.years, v, True))
                  for v in COSTS_ONLY}
    preps_costs = {v: engine.prepare(scen_costs[v]) for v in COSTS_ONLY}
    for v in COSTS_ONLY:
        tag = "" if v == "categorical" else f"_{v}"
        methods[f"engine{tag}_costs"] = lambda v=v: engine.project_totals(preps_costs[v])
        methods[f"run{tag}_costs"] = lambda v=v: simulate.run(scen_costs[v])
    if not a.no_ablation:
        for key, flags in (("abl_none", (False, False, False)),
                           ("abl_draws", (True, False, False)),
                           ("abl_preg", (False, True, False)),
                           ("abl_pop", (False, False, True)),
                           ("abl_all", (True, True, True))):
            methods[key] = lambda flags=flags: ablation_kernel(*abl, *flags)[0]
    results = {k: f() for k, f in methods.items()}  # compile / load, and check
    # over quintiles: [year, programme, (eligible, beneficiaries, transfers)]
    engine_out = programme_totals(results["engine"])[..., [ELIGIBLE, BENEFICIARIES, TRANSFERS]]
    for k in ("minimal", "numpy", *(k for k in methods if k.startswith("abl_"))):
        compare(k, engine_out, results[k])
    if "openfisca" in methods:
        compare("openfisca", engine_out, results["openfisca"])
    # costs only: the minimal kernel's totals, and the full run's programme totals to
    # the bit (the same kernel arithmetic for the programme measures)
    for v in COSTS_ONLY:
        tag = "" if v == "categorical" else f"_{v}"
        full, costs = results[f"engine{tag}"], results[f"engine{tag}_costs"]
        assert np.array_equal(full.programmes, costs.programmes), f"{v}: costs only differ"
        assert costs.histogram.size == 0 and costs.poverty.size == 0
        assert "poverty_headcount" not in results[f"run{tag}_costs"]
        compare(f"engine{tag} costs only", engine_out,
                programme_totals(costs)[:, :3][..., [ELIGIBLE, BENEFICIARIES, TRANSFERS]])
    # the household programme leaves the three categorical ones as they were
    for v in VARIANTS[1:]:
        out_v = programme_totals(results[f"engine_{v}"])
        compare(f"engine {v} (categorical programmes)", engine_out,
                out_v[:, :3][..., [ELIGIBLE, BENEFICIARIES, TRANSFERS]])
        hh = out_v[:, 3]
        first = int(s.start_year - prep.rates.years[0])
        assert hh[first, HOUSEHOLDS_BENEFICIARIES] > 0, f"{v}: no beneficiary households"
        fig[f"{v}_persons_first"] = results[f"engine_{v}"].population[first].sum()
        fig[f"{v}_persons_eligible_first"] = hh[first, ELIGIBLE]
        fig[f"{v}_households_eligible_first"] = hh[first, HOUSEHOLDS_ELIGIBLE]
        fig[f"{v}_households_beneficiaries_first"] = hh[first, HOUSEHOLDS_BENEFICIARIES]
        fig[f"{v}_transfers_first"] = hh[first, TRANSFERS]
        fig[f"{v}_transfers_share_first"] = (hh[first, TRANSFERS]
                                             / out_v[first, :, TRANSFERS].sum())
    del results
    print("totals agree: engine = minimal kernel = numpy"
          + (" = OpenFisca" if "openfisca" in methods else " (OpenFisca not installed)")
          + "; now timing", flush=True)
    # (1) setup timed, after the checks: population build, prepare of the three
    # variants in interleaved rounds
    fig["population_build"], _ = best_of(lambda: engine.base_population(s, profile), min(R, 2))
    # the build included: the population remembered from an earlier run is forgotten
    # first (engine._population), and restored after so that the runs below reuse it
    remembered = engine._POPULATION[0], engine._RECORDS[0]
    prep_time = dict.fromkeys(VARIANTS, float("inf"))
    for _ in range(min(R, 2)):
        for v in VARIANTS:
            engine.clear_population_cache()
            t, _ = best_of(lambda v=v: engine.prepare(scen[v]), 1)
            prep_time[v] = min(prep_time[v], t)
    engine._POPULATION[0], engine._RECORDS[0] = remembered
    fig["prepare"] = prep_time["categorical"]
    for v in VARIANTS[1:]:
        fig[f"prepare_{v}"] = prep_time[v]
    # prepare of a scenario whose population was built by an earlier run (a repeated
    # run, a variant with the same population_key)
    fig["prepare_reused"], _ = best_of(lambda: engine.prepare(s), min(R, 2))

    # (3) compile time, in fresh processes (cold, then warm cache), after the checks
    if not a.quick:
        with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
            env = {"NUMBA_CACHE_DIR": cache}
            cold = child(["--_probe", "compile", "--years", str(a.years)], env)
            warm = child(["--_probe", "compile", "--years", str(a.years)], env)
        fig["compile_cold"] = cold["engine_first"] - cold["engine_second"]
        fig["compile_warm"] = warm["engine_first"] - warm["engine_second"]
        fig["first_call_cold"] = cold["engine_first"]
        fig["first_call_warm"] = warm["engine_first"]
        fig["second_call_cold"] = cold["engine_second"]
        fig["second_call_warm"] = warm["engine_second"]
        fig["minimal_first_cold"] = cold["minimal_first"]
        fig["minimal_first_warm"] = warm["minimal_first"]
        for tag, probe in (("cold", cold), ("warm", warm)):
            fig[f"means_first_{tag}"] = probe["means_first"]
            fig[f"means_second_{tag}"] = probe["means_second"]
            fig[f"compile_means_{tag}"] = probe["means_first"] - probe["means_second"]
        fig["kernel_signatures_categorical"] = cold["signatures_categorical"]
        fig["kernel_signatures_both"] = cold["signatures_both"]

    best = dict.fromkeys(methods, float("inf"))
    in_kernel = dict.fromkeys(methods, float("inf"))
    # the engine's numba kernel is wrapped (one Python call per batch of chunks) so
    # that each round also gives the time spent inside it
    with Inside(engine, KERNELS) as kernel:
        for _ in range(R):
            for k, f in methods.items():
                kernel.spent = 0.0
                t0 = time.perf_counter()
                f()
                best[k] = min(best[k], time.perf_counter() - t0)
                in_kernel[k] = min(in_kernel[k], kernel.spent)
    fig.update(best)
    fig["engine_in_kernel"] = in_kernel["engine"]
    fig["engine_costs_in_kernel"] = in_kernel["engine_costs"]
    for v in VARIANTS[1:]:
        fig[f"engine_{v}_in_kernel"] = in_kernel[f"engine_{v}"]
    fig["engine_percentile"] = time_inside(engine, WELFARE_GROUPING,
                                           lambda: engine.project_totals(prep), R)
    # the whole run with the population built again (a first run in a process): the
    # timed runs above reuse the population built by the checks (engine._population)
    remembered = engine._POPULATION[0], engine._RECORDS[0]
    fig["run_population_built"] = float("inf")
    for _ in range(min(R, 2)):
        engine.clear_population_cache()
        t, _ = best_of(lambda: simulate.run(s), 1)
        fig["run_population_built"] = min(fig["run_population_built"], t)
    engine._POPULATION[0], engine._RECORDS[0] = remembered
    fig["load_after"] = os.getloadavg()

    # (4) memory
    fig["population_bytes_per_record"] = population_bytes(pop) / pop.n
    fig["rules_bytes_per_record"] = per_record_bytes(prep.rules, pop.n) / pop.n
    fig["engine_transient_bytes_per_record"] = transient_bytes(
        lambda: engine.project_totals(prep))[0] / pop.n
    fig["rules_means_tested_bytes_per_record"] = per_record_bytes(
        preps["means_tested"].rules, pop.n) / pop.n
    fig["engine_means_tested_transient_bytes_per_record"] = transient_bytes(
        lambda: engine.project_totals(preps["means_tested"]))[0] / pop.n
    fig["minimal_transient_bytes_per_record"] = transient_bytes(
        lambda: run_minimal(ref))[0] / pop.n
    fig["minimal_input_bytes_per_record"] = sum(
        ref[k].nbytes for k in ("age0", "sex", "entry_idx", "weight0", "percentile")) / pop.n
    fig["peak_rss_this_process"] = peak_rss_bytes()
    if not a.quick:
        peak = child(["--_probe", "peak", "--records", str(a.records), "--years",
                      str(a.years)])
        fig["run_peak_rss"] = peak["peak_rss"]
        fig["run_baseline_rss"] = peak["baseline_rss"]
        fig["run_peak_over_baseline_per_record"] = (
            (peak["peak_rss"] - peak["baseline_rss"]) / pop.n)

    fig["ratio_engine_minimal"] = fig["engine"] / fig["minimal"]
    fig["ratio_numpy_engine"] = fig["numpy"] / fig["engine"]
    fig["ratio_run_minimal"] = fig["run"] / fig["minimal"]
    fig["ratio_run_built_minimal"] = fig["run_population_built"] / fig["minimal"]
    fig["ratio_numpy_run"] = fig["numpy"] / fig["run"]
    if "openfisca" in fig:
        fig["ratio_openfisca_run"] = fig["openfisca"] / fig["run"]
        fig["ratio_openfisca_engine"] = fig["openfisca"] / fig["engine"]
    fig["ratio_run_means_tested_minimal"] = fig["run_means_tested"] / fig["minimal"]
    fig["ratio_engine_means_tested_minimal"] = fig["engine_means_tested"] / fig["minimal"]
    for tag in ("", "_means_tested"):
        fig[f"ratio_run{tag}_costs_minimal"] = fig[f"run{tag}_costs"] / fig["minimal"]
        fig[f"ratio_engine{tag}_costs_minimal"] = fig[f"engine{tag}_costs"] / fig["minimal"]
        fig[f"ratio_engine{tag}_costs_full"] = fig[f"engine{tag}_costs"] / fig[f"engine{tag}"]
        fig[f"ratio_run{tag}_costs_full"] = fig[f"run{tag}_costs"] / fig[f"run{tag}"]
    fig["quick"] = a.quick
    fig["repeat"] = R
    fig["cpu_seconds"] = time.process_time()
    for v in VARIANTS[1:]:
        fig[f"ratio_prepare_{v}"] = fig[f"prepare_{v}"] / fig["prepare"]
        fig[f"ratio_engine_{v}"] = fig[f"engine_{v}"] / fig["engine"]
        fig[f"ratio_kernel_{v}"] = fig[f"engine_{v}_in_kernel"] / fig["engine_in_kernel"]
        fig[f"ratio_run_{v}"] = fig[f"run_{v}"] / fig["run"]
    fig["ratio_engine_means_flat"] = fig["engine_means_tested"] / fig["engine_flat_household"]
    fig["ratio_run_means_flat"] = fig["run_means_tested"] / fig["run_flat_household"]
    fig["threads"] = numba.get_num_threads()
    fig["threading_layer"] = numba.threading_layer()
    fig["cpus"] = os.cpu_count()

    mib = 1024 * 1024
    d = defaultdict(lambda: float("nan"), fig)  # quick: probes skipped (nan)
    rows = [
        ("records (base -> with birth cohorts)", f"{a.records:,} -> {pop.n:,}"),
        ("years", f"{d['years']}"),
        (f"setup: synthetic population build (best of {min(R, 2)})",
         fmt_s(d["population_build"])),
        (f"setup: engine.prepare, build included (best of {min(R, 2)})", fmt_s(d["prepare"])),
        (f"engine.project_totals warm (best of {R})", fmt_s(d["engine"])),
        ("  of which in welfare percentile and groups", fmt_s(d["engine_percentile"])),
        (f"simulate.run end to end warm, population reused (best of {R})", fmt_s(d["run"])),
        ("simulate.run end to end, population built", fmt_s(d["run_population_built"])),
        ("setup: engine.prepare, population reused", fmt_s(d["prepare_reused"])),
        (f"minimal fused numba kernel warm (best of {R})", fmt_s(d["minimal"])),
        ("numpy vectorised per year", fmt_s(d["numpy"])),
        ("ratio engine / minimal", f"{d['ratio_engine_minimal']:.2f}x"),
        ("ratio numpy / engine", f"{d['ratio_numpy_engine']:.2f}x"),
        ("ratio simulate.run / minimal", f"{d['ratio_run_minimal']:.2f}x"),
        ("ratio numpy / simulate.run", f"{d['ratio_numpy_run']:.2f}x"),
        ("compile, cold cache (first call - second call)", fmt_s(d["compile_cold"])),
        ("  first call / second call, cold cache",
         f"{fmt_s(d['first_call_cold'])} / {fmt_s(d['second_call_cold'])}"),
        ("compile, warm cache (first call - second call)", fmt_s(d["compile_warm"])),
        ("  first call / second call, warm cache",
         f"{fmt_s(d['first_call_warm'])} / {fmt_s(d['second_call_warm'])}"),
        ("minimal kernel first call, cold / warm cache",
         f"{fmt_s(d['minimal_first_cold'])} / {fmt_s(d['minimal_first_warm'])}"),
        ("peak RSS of this benchmark process", f"{d['peak_rss_this_process'] / mib:.0f} MiB"),
        ("peak RSS of one simulate.run (fresh process)", f"{d['run_peak_rss'] / mib:.0f} MiB"),
        ("  above the process after imports and a warm-up",
         f"{d['run_peak_over_baseline_per_record']:.0f} B/record"),
        ("Population arrays", f"{d['population_bytes_per_record']:.0f} B/record"),
        ("rule tables' per-record arrays (held)",
         f"{d['rules_bytes_per_record']:.0f} B/record"),
        ("project_totals: peak allocated while it runs",
         f"{d['engine_transient_bytes_per_record']:.0f} B/record"),
        ("minimal kernel inputs (held)", f"{d['minimal_input_bytes_per_record']:.0f} B/record"),
        ("minimal kernel: peak allocated while it runs",
         f"{d['minimal_transient_bytes_per_record']:.0f} B/record"),
        ("OpenFisca-Core, the same rules (benchmarks/openfisca_sp)",
         fmt_s(d["openfisca"]) if "openfisca" in fig else "not installed"),
        ("ratio OpenFisca / simulate.run", f"{d['ratio_openfisca_run']:.2f}x"),
        ("ratio OpenFisca / project_totals", f"{d['ratio_openfisca_engine']:.2f}x"),
        ("ratio means-tested: simulate.run / minimal",
         f"{d['ratio_run_means_tested_minimal']:.2f}x"),
        ("ratio means-tested: project_totals / minimal",
         f"{d['ratio_engine_means_tested_minimal']:.2f}x"),
        ("costs only ([outputs] poverty, overlap = false): project_totals / simulate.run",
         f"{fmt_s(d['engine_costs'])} / {fmt_s(d['run_costs'])}"),
        ("  ratio costs only: project_totals / minimal, simulate.run / minimal",
         f"{d['ratio_engine_costs_minimal']:.2f}x, {d['ratio_run_costs_minimal']:.2f}x"),
        ("  ratio costs only / all outputs: project_totals, simulate.run",
         f"{d['ratio_engine_costs_full']:.2f}x, {d['ratio_run_costs_full']:.2f}x"),
        ("  means-tested, costs only: project_totals / simulate.run",
         f"{fmt_s(d['engine_means_tested_costs'])} / {fmt_s(d['run_means_tested_costs'])}"),
        ("  ratio means-tested costs only: project_totals / minimal, simulate.run / minimal",
         f"{d['ratio_engine_means_tested_costs_minimal']:.2f}x, "
         f"{d['ratio_run_means_tested_costs_minimal']:.2f}x"),
        *((f"target: {name}", verdict(d[key], target, above))
          for name, key, target, above in TARGETS),
    ]
    pct = 100.0 * d["means_tested_persons_eligible_first"] / d["means_tested_persons_first"]
    rows += [
        ("means-tested (issue 3): + a household GMI top-up, in the fused kernel", ""),
        ("  GMI, first year: households passing the test and poor / receiving",
         f"{d['means_tested_households_eligible_first']:,.0f} / "
         f"{d['means_tested_households_beneficiaries_first']:,.0f}"),
        ("  GMI, first year: persons in households passing the test and poor",
         f"{pct:.1f}% of the population"),
        ("  GMI share of the first year's transfers",
         f"{100 * d['means_tested_transfers_share_first']:.1f}%"),
        ("  categorical / flat household / means-tested: prepare",
         " / ".join(fmt_s(d[k]) for k in ("prepare", "prepare_flat_household",
                                             "prepare_means_tested"))),
        ("  ... project_totals warm",
         " / ".join(fmt_s(d[k]) for k in ("engine", "engine_flat_household",
                                             "engine_means_tested"))),
        ("  ... of which inside the numba kernel project_households",
         " / ".join(fmt_s(d[k]) for k in ("engine_in_kernel",
                                             "engine_flat_household_in_kernel",
                                             "engine_means_tested_in_kernel"))),
        ("  ... simulate.run end to end warm",
         " / ".join(fmt_s(d[k]) for k in ("run", "run_flat_household",
                                             "run_means_tested"))),
        ("  ratio prepare: means-tested / categorical",
         f"{d['ratio_prepare_means_tested']:.2f}x"),
        ("  ratio project_totals: means-tested / categorical",
         f"{d['ratio_engine_means_tested']:.2f}x"),
        ("  ratio kernel (project_households): means-tested / categorical",
         f"{d['ratio_kernel_means_tested']:.2f}x"),
        ("  ratio simulate.run: means-tested / categorical",
         f"{d['ratio_run_means_tested']:.2f}x"),
        ("  ratio project_totals: flat household / categorical",
         f"{d['ratio_engine_flat_household']:.2f}x"),
        ("  ratio simulate.run: flat household / categorical",
         f"{d['ratio_run_flat_household']:.2f}x"),
        ("  ratio project_totals: means-tested / flat household (the test)",
         f"{d['ratio_engine_means_flat']:.2f}x"),
        ("  ratio simulate.run: means-tested / flat household",
         f"{d['ratio_run_means_flat']:.2f}x"),
        ("  means-tested first call after categorical, cold cache (- second)",
         f"{fmt_s(d['means_first_cold'])} ({fmt_s(d['compile_means_cold'])})"),
        ("  means-tested first call after categorical, warm cache (- second)",
         f"{fmt_s(d['means_first_warm'])} ({fmt_s(d['compile_means_warm'])})"),
        ("  kernel specialisations: after categorical / after both",
         f"{d['kernel_signatures_categorical']} / {d['kernel_signatures_both']}"),
        ("  rule tables' per-record arrays (held), means-tested",
         f"{d['rules_means_tested_bytes_per_record']:.0f} B/record"),
        ("  project_totals: peak allocated while it runs, means-tested",
         f"{d['engine_means_tested_transient_bytes_per_record']:.0f} B/record"),
    ]
    if not a.no_ablation:
        rows[8:8] = [
            ("ablation: minimal (runtime flags)", fmt_s(d["abl_none"])),
            ("  + 4 draws per programme per record (12)", fmt_s(d["abl_draws"])),
            ("  + a pregnancy draw per woman-year", fmt_s(d["abl_preg"])),
            ("  + population by sex and age", fmt_s(d["abl_pop"])),
            ("  + all three", fmt_s(d["abl_all"])),
        ]
    width = max(len(k) for k, _ in rows)
    print()
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for k, v in rows:
        print(f"| {k:<{width}} | {v} |")
    print()
    print("totals agree (checked before any timing): engine = minimal kernel = numpy"
          + (" = OpenFisca" if "openfisca" in fig else "")
          + " (eligible, beneficiaries, transfers per year and programme)")
    print("the categorical programmes' totals are the same with the household programme added; "
          "the means test (income, equivalence, disregard, taper, cap) runs per household and "
          "year inside project_households, with no Python-level per-household work")
    before = " ".join(f"{x:.2f}" for x in fig["load_before"])
    after = " ".join(f"{x:.2f}" for x in fig["load_after"])
    print(f"load average (1, 5, 15 min) before: {before}; after the timings: {after}")
    print(f"numba threads {fig['threads']}, threading layer {fig['threading_layer']}, "
          f"CPUs {fig['cpus']}")
    if a.json:
        a.json.write_text(json.dumps(fig, indent=2))


if __name__ == "__main__":
    main()
