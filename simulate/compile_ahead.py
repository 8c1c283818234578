"""The projection kernel compiled in a second process while the run builds its population.

A cold first run (empty numba cache) spends most of its time compiling the projection
kernel specialised to the scenario's structure (kernels/specialise.py), on one core,
after ``prepare`` (the population, the rule tables and the population's small kernels)
on the same core. The structure is known from the scenario alone
(:func:`simulate.kernel_cache.scenario_flags`) and the kernel's argument types from the
engine's code (:func:`argument_types`), so :func:`start` launches a child process (``python
-m simulate.compile_ahead``) that compiles the kernel into numba's on-disk cache while
this process prepares; :func:`wait`, called by the engine just before the kernel's first
call, waits for the child, and numba then loads the compiled kernel from the cache
instead of compiling it (docs/performance.md, "Round 8 (cold)").

Only where it can pay and cannot hurt: the kernel is not compiled or cached yet, numba's
cache directory can be written (the child's work reaches this process through it), the
machine gives this process two CPUs or more, and ``SPSIM_COMPILE_AHEAD`` is not ``0``;
unless it is ``1``, also only when a CPU is idle (:func:`simulate.kernel_cache.ahead_enabled`:
on a machine busy with other work the second process was measured to cost, not save).
Whatever happens to the child, the results are this process's: when the child fails (its
message is shown as a warning) or compiled another signature, numba compiles the kernel
here, as without a child. :func:`ahead` (used by :func:`simulate.runs.run`, for a
process's first run only) ends a child still running when the run stops early (an
error, Ctrl-C): no process is left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .kernel_cache import AHEAD_ENV, ahead_enabled

#: the environment variable that turns compiling ahead off (``0``, ``no``, ``false``, ``off``)
ENV = AHEAD_ENV
#: whether compiling ahead may be used here (``ENV`` and the CPUs)
enabled = ahead_enabled
#: seconds to wait for the child to end after it is told to stop
_STOP_WAIT = 5.0
_LOCK = threading.Lock()
#: the children running or done in this process, by structure flags
_CHILDREN: dict[tuple[bool, ...], _Child] = {}
_EXIT_HOOK: list[bool] = []
#: the last child waited for: seconds from its start to the wait and to its end, and its
#: exit status (benchmarks/bench_first_run.py reports them)
TIMES: dict[str, float] = {}


class _Child:
    """A ``python -m simulate.compile_ahead FLAGS`` child (or ``argv``) and its stderr
    (a temporary file)."""

    def __init__(self, flags: tuple[bool, ...], argv: list[str] | None = None) -> None:
        self.flags = flags
        self.lock = threading.Lock()
        self.err = tempfile.TemporaryFile()
        code = "".join("1" if f else "0" for f in flags)
        argv = argv or [sys.executable, "-m", "simulate.compile_ahead", code]
        # this package first on the child's path, as it is imported here
        root = str(Path(__file__).resolve().parent.parent)
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        self.started = time.perf_counter()
        self.proc: subprocess.Popen | None = subprocess.Popen(
            argv, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.err,
            close_fds=True)

    def wait(self) -> None:
        """Wait for the child to end; warn with its message when it failed (once: the
        threads of a run that wait together wait for the first)."""
        with self.lock:
            self._wait()

    def _wait(self) -> None:
        proc = self.proc
        if proc is None:
            return
        waited, before = time.perf_counter(), _children_cpu()
        try:
            code = proc.wait()
        except BaseException:
            self.stop()
            raise
        self.proc = None
        end = time.perf_counter()
        # seconds from the child's start: when this process began to wait, when it ended;
        # the CPU of the children reaped meanwhile (this one)
        TIMES.update(waited=waited - self.started, ended=end - self.started, status=code,
                     cpu=_children_cpu() - before)
        if code != 0:
            self.err.seek(0)
            lines = self.err.read().decode(errors="replace").strip().splitlines()
            why = lines[-1] if lines else f"exit status {code}"
            warnings.warn(f"compiling the projection kernel in a second process failed "
                          f"({why}); compiling it in this process", RuntimeWarning,
                          stacklevel=3)
        self.err.close()

    def stop(self) -> None:
        """End the child if it still runs, and reap it."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(_STOP_WAIT)
        self.err.close()


def argument_types() -> tuple | None:
    """The numba types of the specialised kernel's arguments, as
    :func:`simulate.engine.batch_totals` passes them (``run_threads(project, ...)``:
    first chunk, step, household starts, chunk boundaries, then the bundles records,
    demography, rules, parameters, outputs, settings; kernels/projection.py). The same
    for every structure. None when a parameter table is not one this function knows
    (then nothing is compiled ahead; tests/test_compile_ahead.py checks these types
    against those of a run)."""
    import numpy as np
    from numba import from_dtype, types

    from .population.records import CORE_DTYPES
    from .programmes.rules import PARAMETERS

    def arr(dtype: Any, ndim: int = 1) -> types.Array:
        return types.Array(from_dtype(np.dtype(dtype)), ndim, "C")

    i8, i16, i32, i64 = np.int8, np.int16, np.int32, np.int64
    f64, u64, b1 = np.float64, np.uint64, np.bool_
    # the parameter tables (programmes/rules.py, RuleTables): dtype and dimensions before
    # the draws' axis
    tables = {"take_up_rate": (f64, 2), "rollout": (f64, 2), "amount": (f64, 2),
              "target_threshold": (f64, 1), "exclusion": (f64, 1), "inclusion": (f64, 1),
              "disregard": (f64, 2), "taper": (f64, 1), "cap": (f64, 2),
              "eq_first": (f64, 1), "eq_other": (f64, 1), "eq_child": (f64, 1),
              "child_age": (i64, 1), "norm_cost": (f64, 3), "region_factor": (f64, 2),
              "band_upper": (f64, 2), "band_share": (f64, 2)}
    if any(name not in tables for name in PARAMETERS):
        return None
    pop = CORE_DTYPES
    # engine.record_arrays: age, months, sex, entry index (int16), weight, record key;
    # welfare group (int8), pregnant, disabled; the rule tables' static columns, welfare
    # (start_year prices), target values, incomes; region
    records = types.Tuple((arr(pop["age"]), arr(pop["months"]), arr(pop["sex"]), arr(i16),
                           arr(f64), arr(i64), arr(i8), arr(pop["pregnant"]),
                           arr(pop["disabled"]), arr(f64, 2), arr(f64), arr(f64, 2),
                           arr(f64, 2), arr(pop["region"])))
    demography = types.Tuple((arr(f64, 3), arr(f64, 2), arr(f64), arr(i64)))
    # prog_group_start ... cond_hi, cond_mask, unit, kind, once, target_row, stream,
    # income_row, income_from, take_up_code, monthly, pay_every, preg_reg, enrol_lo/hi
    rules = types.Tuple((arr(i64), arr(i64), arr(i64), arr(i64), arr(f64), arr(f64),
                         arr(i64), arr(i64), arr(i64), arr(b1), arr(i64), arr(u64),
                         arr(i64), arr(i64), arr(i8, 2), arr(b1), arr(i64), arr(i64),
                         arr(i64), arr(i64)))
    # price index and poverty line [year, draw], then each table with the draws' axis
    parameters = types.Tuple((arr(f64, 2), arr(f64, 2),
                              *(arr(tables[n][0], tables[n][1] + 1) for n in PARAMETERS)))
    # per chunk: by programme, by poverty, the histogram's rows, by combination
    outputs = types.Tuple((arr(f64, 6), arr(f64, 5),
                           types.Tuple((arr(i32, 2), arr(f64, 4), arr(i64))), arr(f64, 5)))
    settings = types.Tuple((types.int64, types.boolean, types.boolean, types.uint64,
                            types.int64, types.int64))
    return (types.int64, types.int64, arr(i64), arr(i64), records, demography, rules,
            parameters, outputs, settings)


def _children_cpu() -> float:
    """CPU seconds of this process's children that ended (0 where not known)."""
    try:
        import resource

        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime
    except (ImportError, OSError):
        return 0.0


def _cache_writable(kernel: Any) -> bool:
    """Whether a child can leave ``kernel`` where this process finds it: numba can write
    its on-disk cache, and its generated module is not in this process's own temporary
    directory (kernels/specialise.py, when no kernel directory can be written)."""
    from .kernels import specialise

    try:
        if Path(kernel.py_func.__code__.co_filename).parent in specialise._TEMP:
            return False
        return os.access(kernel._cache._cache_path, os.W_OK)
    except Exception:  # no cache (JIT disabled), another numba: nothing can be shared
        return False


def start(scenario: Any) -> bool:
    """Start compiling ``scenario``'s projection kernel in a child process when it pays
    and is safe (module doc); True when a child runs (or ran) for its structure."""
    if not enabled():
        return False
    try:
        from .kernel_cache import is_cached, scenario_flags
        from .kernels.specialise import kernel

        flags = scenario_flags(scenario)
        with _LOCK:
            if flags in _CHILDREN:
                return True
            project = kernel(flags)  # writes the generated module before the child reads it
            if (is_cached(project) is not False or not _cache_writable(project)
                    or argument_types() is None):
                return False
            if not _CHILDREN and not _EXIT_HOOK:
                atexit.register(stop)  # a run that ends the process early leaves none
                _EXIT_HOOK.append(True)
            _CHILDREN[flags] = _Child(flags)
            return True
    except Exception:  # compiling ahead is an optimisation: the run compiles as before
        return False


def wait(flags: tuple[bool, ...]) -> None:
    """Wait for the child compiling the kernel of ``flags``, if one was started in this
    process (nothing otherwise); the kernel's first call then loads it from the cache."""
    with _LOCK:
        child = _CHILDREN.get(tuple(bool(f) for f in flags))
    if child is not None:
        child.wait()


def stop() -> None:
    """End every child still running (a run that stopped before its kernel's call) and
    forget them all."""
    with _LOCK:
        children = list(_CHILDREN.values())
        _CHILDREN.clear()
    for child in children:
        child.stop()


#: whether a run of this process came through :func:`ahead` already
_RAN: list[bool] = []


@contextlib.contextmanager
def ahead(scenario: Any) -> Iterator[None]:
    """Compile ``scenario``'s projection kernel ahead (:func:`start`) while the block
    runs, for the process's first run only; a child still running when the block ends
    is stopped. A later run has no imports and no small kernels' compile left to
    overlap, often not even a population to build, so the child's own start (a Python
    process importing the package, about 2 s) would come on top of the compile: the
    suite of shipped scenarios run in one process, cold, took 203 s with a child per
    structure against 173 s without (docs/performance.md, "Round 8 (coordinator)")."""
    started = start(scenario) if not _RAN else False
    _RAN.append(True)
    try:
        yield
    finally:
        if started:
            stop()


def _compile(code: str) -> None:
    """In the child: compile the kernel of the structure ``code`` (flags as 0/1) for
    :func:`argument_types` into numba's cache."""
    import signal

    from .kernels.specialise import kernel

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C on the terminal: end quietly
    flags = tuple(c == "1" for c in code)
    sig = argument_types()
    if sig is None:
        raise SystemExit("the kernel's argument types are not known")
    kernel(flags).compile(sig)


if __name__ == "__main__":
    _compile(sys.argv[1])
