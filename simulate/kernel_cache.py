"""Whether the numba kernels a scenario uses are already compiled for this machine.

numba compiles a kernel on its first call and keeps the machine code in its
on-disk cache (``cache=True``: ``__pycache__`` beside the kernel's source, or
``NUMBA_CACHE_DIR``). The projection kernel is compiled per structure of the
scenario (a generated module per structure, kernels/specialise.py), so its cache is
looked up in the module of the scenario's structure. The first run after installation (or after a kernel's
source changed) therefore waits for the compiler; :func:`compile_notice` says so
before the run starts (``spsim run`` and ``spsim fund`` print it on a terminal;
docs/performance.md, "First run").

The check reads numba's cache index of each kernel (the ``.nbi`` file, keyed by
the kernel source's modification time and size): a kernel is *cold* when the
index is missing, stale, or holds no version compiled for this CPU and the
kernel's current bytecode. Loading
the kernel modules imports numba, which every run does anyway.
"""

from __future__ import annotations

import os
from typing import Any

#: seconds to compile each kernel with an empty cache on an idle machine
#: (benchmarks/bench_first_run.py; docs/performance.md, "Round 6 (cold)")
COMPILE_SECONDS = {
    # the default scenario's specialisation, its first call: 18.3 s of CPU before round
    # 6, 21.4 s after the kernel's round 6, 19.0 to 20.6 s with the body fused into the
    # entry (load 1.1, 2026-11-30; docs/performance.md, "Round 6 (coordinator)"), less
    # about 1 s of the call itself; means tests compile larger ones
    "project_households": 18.5,
    "reduce_chunks": 0.2,
    "reduce_histogram": 0.2,  # as small as reduce_chunks (inferred: not yet timed cold)
    # the population by age and persons by group (kernels/demography.py): 0.90 to 0.95 s
    # of CPU at load 2.4 on 2 CPUs, with numba's own set-up already paid
    # (docs/performance.md, "Round 7 (demog)")
    "demography_chunks": 0.8,
    "simulate_fund": 10.0,
    # the population's small kernels: 2.4 s together (prepare cold 3.3 s against warm
    # 0.9 s at load 1.0), shared out by each one's compile time under load
    "jacobian": 0.8,
    "record_keys": 0.5,
    "uniform_units": 0.5,
    # the births' pass over the women who may yet be mothers (round 8, post): 0.28 and
    # 0.38 s of CPU alone, fresh cache, load 3.5 (0.42 and 0.58 for the former pass over
    # every record beside them)
    "age_year_women": 0.45,
    "cumulative_shares_among": 0.2,
}


def scenario_flags(scenario: Any) -> tuple[bool, ...]:
    """The structure flags of ``scenario``'s programmes (kernels/specialise.py), read
    from the scenario alone (the engine reads the same from the rule tables)."""
    from .kernels.projection import UNIT_HOUSEHOLD, UNIT_PERSON
    from .kernels.specialise import structure_flags
    from .programmes.rules import DYNAMIC, KINDS
    from .scenario.keys.outputs import wanted

    progs = list(getattr(scenario, "programmes", None) or ())
    section = getattr(scenario, "section", None)
    poverty, overlap = wanted(section("outputs") if section is not None else None)
    return structure_flags(
        unit=[UNIT_HOUSEHOLD if p.unit == "household" else UNIT_PERSON for p in progs],
        kind=[KINDS[p.benefit.type] for p in progs],
        once=[p.benefit.period == "once" for p in progs],
        target_row=[-1 if p.targeting.method == "none" else 0 for p in progs],
        cond_var=[DYNAMIC.get(c.column, 0) for p in progs for g in p.eligibility for c in g],
        monthly=[getattr(p, "timing", None) is not None for p in progs],
        poverty=poverty, overlap=overlap)


def scenario_kernels(scenario: Any) -> list[Any]:
    """The numba dispatchers a run of ``scenario`` calls: the projection kernel
    specialised to its structure (its generated module is written if missing), the
    reductions (chunk totals, histogram rows) and the demography (population by age,
    persons by group) always, the population's kernels (the birth cohorts' yearly pass and
    mothers' draw, the records' keys; for a synthetic population also the raking's
    Jacobian and the counter-based uniforms), the fund's Monte Carlo only with
    ``[fund]``."""
    from .kernels.births import age_year_women, cumulative_shares_among
    from .kernels.demography import demography_chunks
    from .kernels.reduction import reduce_chunks, reduce_histogram
    from .kernels.rng import record_keys
    from .kernels.specialise import kernel

    kernels = [kernel(scenario_flags(scenario)), reduce_chunks, reduce_histogram,
               demography_chunks, age_year_women, cumulative_shares_among, record_keys]
    if getattr(scenario, "population_source", "synthetic") == "synthetic":
        from .kernels.raking import jacobian
        from .kernels.rng import uniform_units

        kernels += [jacobian, uniform_units]
    if getattr(scenario, "fund", None) is not None:
        from .kernels.fund import simulate_fund

        kernels.append(simulate_fund)
    return kernels


def is_cached(kernel: Any) -> bool | None:
    """True when numba's on-disk cache holds a version of ``kernel`` compiled for this
    CPU and its current source; False when not; None when it cannot tell (no cache,
    JIT disabled, a numba whose cache layout differs)."""
    if kernel.signatures:  # compiled (or loaded) in this process already
        return True
    try:
        cache = kernel._cache
        index = cache._cache_file._load_index()  # {} when missing or stale
        codegen = kernel.targetctx.codegen()
        # numba's own key: (signature, this CPU and OS, hashes of the bytecode)
        return any(cache._index_key(key[0], codegen) == key for key in index)
    except Exception:  # numba internals: say nothing rather than something wrong
        return None


def cold_kernels(scenario: Any) -> list[str]:
    """Names of the kernels ``scenario`` uses that numba will have to compile."""
    return [k.__name__ for k in scenario_kernels(scenario) if is_cached(k) is False]


def compile_notice(scenario: Any, ahead: bool = True) -> str | None:
    """One line saying that kernels will be compiled first and about how long it
    takes, or None when every kernel the scenario uses is compiled already. ``ahead``:
    the run may compile the projection kernel in a second process (:func:`ahead_enabled`;
    not on a cluster)."""
    cold = cold_kernels(scenario)
    if not cold:
        return None
    seconds = estimate_seconds(cold, ahead=ahead and ahead_enabled())
    about = f"about {seconds:.0f} s" if seconds < 120 else f"about {seconds / 60:.0f} min"
    return (f"compiling the kernels for this machine, once ({about}; "
            "`spsim warmup` does it ahead)")


def estimate_seconds(names: list[str], ahead: bool = False) -> float:
    """Seconds to compile the kernels ``names``: the idle-machine figures of
    :data:`COMPILE_SECONDS` stretched by how busy the CPUs are (1-minute load average
    per CPU; the compiler runs on one thread).

    ``ahead``: the projection kernel is compiled in a second process beside the others
    (simulate/compile_ahead.py): on idle CPUs the wait is the longer of the two, on CPUs
    busy with other work (load per CPU 1 or more) the sum, as without; linear between."""
    try:
        busy = os.getloadavg()[0] / (os.cpu_count() or 1)
    except OSError:
        busy = 0.0
    seconds = [COMPILE_SECONDS.get(name, 5.0) for name in names]
    total = sum(seconds)
    if ahead and ENTRY_NAME in names:
        big = COMPILE_SECONDS.get(ENTRY_NAME, 5.0)
        longer = max(big, total - big)
        total = longer + (total - longer) * min(1.0, busy)
    return total * max(1.0, busy)


#: the environment variable that turns compiling the projection kernel in a second
#: process off (``0``, ``no``, ``false``, ``off``; simulate/compile_ahead.py)
AHEAD_ENV = "SPSIM_COMPILE_AHEAD"
#: the projection kernel's name (kernels/specialise.py, ENTRY)
ENTRY_NAME = "project_households"


def ahead_enabled() -> bool:
    """Whether a cold projection kernel is compiled in a second process while the run
    prepares (simulate/compile_ahead.py). :data:`AHEAD_ENV` ``0`` (``no``, ``false``,
    ``off``): never; ``1`` (``yes``, ``true``, ``on``): with two CPUs or more for this
    process; unset: also only when a CPU is idle besides this process (1-minute load
    average at most the CPUs less one: on CPUs busy with other work the second process
    only competes with them; docs/performance.md, "Round 8 (cold)")."""
    setting = os.environ.get(AHEAD_ENV, "").strip().lower()
    if setting in ("0", "no", "false", "off"):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return False
    if setting in ("1", "yes", "true", "on"):
        return True
    try:
        return os.getloadavg()[0] <= cpus - 1
    except (AttributeError, OSError):  # no load average (Windows): assume idle
        return True
