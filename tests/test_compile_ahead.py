"""The projection kernel compiled in a second process while the run prepares
(simulate/compile_ahead.py): the argument types it compiles for are a run's, it starts
only where it pays and is safe, a failing child is reported and a stopped one reaped.
The cold run through it (the parent loading the child's kernel) is
tests/test_specialise.py::test_compile_notice_reads_the_specialised_kernels_cache."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from simulate import compile_ahead, engine, kernel_cache
from simulate.kernels import specialise
from simulate.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
FLAGS = (True,) * 3


@pytest.mark.parametrize("name", ["lao_mecg", "ukr_gmi_hus"])
def test_argument_types_are_a_runs(name: str) -> None:
    """The types compiled ahead are those the engine calls the kernel with (else the
    run would compile a second signature itself)."""
    sc = replace(load_scenario(ROOT / "scenarios" / f"{name}.toml"), records=200,
                 end_year=2027)
    engine.project_totals(engine.prepare(sc))
    project = specialise.kernel(kernel_cache.scenario_flags(sc))
    assert project.signatures == [compile_ahead.argument_types()]


def test_not_started_when_off_cached_or_unshareable(monkeypatch) -> None:
    sc = load_scenario(ROOT / "scenarios" / "lao_mecg.toml")
    started: list = []
    monkeypatch.setattr(compile_ahead, "_Child", lambda flags: started.append(flags))
    monkeypatch.setattr(compile_ahead, "_CHILDREN", {})
    monkeypatch.setattr(compile_ahead, "_cache_writable", lambda k: True)
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: True)  # warm: nothing to do
    assert compile_ahead.start(sc) is False
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: None)  # cannot tell
    assert compile_ahead.start(sc) is False
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: False)
    monkeypatch.setattr(compile_ahead, "_cache_writable", lambda k: False)  # not shareable
    assert compile_ahead.start(sc) is False
    monkeypatch.setattr(compile_ahead, "_cache_writable", lambda k: True)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    for off in ("0", "off", "false"):
        monkeypatch.setenv(compile_ahead.ENV, off)
        assert compile_ahead.start(sc) is False
        assert kernel_cache.compile_notice(sc) is not None  # the notice stays
    assert started == []
    monkeypatch.setenv(compile_ahead.ENV, "1")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert compile_ahead.start(sc) is False  # one CPU: nothing to overlap
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.delenv(compile_ahead.ENV)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert compile_ahead.start(sc) is False  # the other CPU busy: it would only compete
    monkeypatch.setattr(os, "getloadavg", lambda: (0.9, 1.0, 1.0))
    assert compile_ahead.start(sc) is True
    assert compile_ahead.start(sc) is True  # once per structure
    assert started == [kernel_cache.scenario_flags(sc)]


def test_unshareable_where_the_generated_module_is_private(monkeypatch, tmp_path) -> None:
    """A kernel whose module went to this process's temporary directory (no kernel
    directory writable) cannot be compiled by another process."""
    from simulate.kernels import projection

    project = specialise.kernel(kernel_cache.scenario_flags(
        load_scenario(ROOT / "scenarios" / "lao_mecg.toml")))
    assert compile_ahead._cache_writable(project)
    here = Path(project.py_func.__code__.co_filename).parent
    monkeypatch.setattr(specialise, "_TEMP", [here])
    assert not compile_ahead._cache_writable(project)
    assert not compile_ahead._cache_writable(projection.project_chunks.py_func)  # no cache


def test_a_failing_child_is_reported() -> None:
    child = compile_ahead._Child(FLAGS, [sys.executable, "-c",
                                         "import sys; sys.exit('no compiler today')"])
    with pytest.warns(RuntimeWarning, match="no compiler today.*in this process"):
        child.wait()
    assert child.proc is None


def test_threads_waiting_together() -> None:
    """The threads of one run (draws, variants) may wait for the same child: each
    returns once it ended, and its failure is reported once."""
    from concurrent.futures import ThreadPoolExecutor

    child = compile_ahead._Child(FLAGS, [sys.executable, "-c",
                                         "import sys, time; time.sleep(0.5); sys.exit('x')"])
    with pytest.warns(RuntimeWarning) as caught, ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: child.wait(), range(4)))
    assert len([w for w in caught if "second process failed" in str(w.message)]) == 1
    assert child.proc is None


def test_a_stopped_child_is_killed_and_reaped(monkeypatch) -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(compile_ahead, "_CHILDREN", {})
    monkeypatch.setattr(compile_ahead, "_RAN", [])  # as in a process's first run
    monkeypatch.setattr(compile_ahead, "start", lambda sc: compile_ahead._CHILDREN.setdefault(
        FLAGS, compile_ahead._Child(FLAGS, sleeper)) is not None)
    with pytest.raises(KeyError), compile_ahead.ahead(None):  # a run that fails early
        proc = compile_ahead._CHILDREN[FLAGS].proc
        assert proc is not None and proc.poll() is None
        raise KeyError("the run failed")
    assert compile_ahead._CHILDREN == {}
    assert proc.returncode is not None  # reaped: no zombie
    with pytest.raises(ChildProcessError):
        os.waitpid(proc.pid, os.WNOHANG)


def test_notice_estimate_with_the_kernel_compiled_ahead(monkeypatch) -> None:
    """On idle CPUs the projection kernel's compile runs beside the others: the wait is
    the longer; on busy CPUs the sum, as without."""
    names = ["project_households", "jacobian", "record_keys"]
    big = kernel_cache.COMPILE_SECONDS["project_households"]
    rest = kernel_cache.COMPILE_SECONDS["jacobian"] + kernel_cache.COMPILE_SECONDS["record_keys"]
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert kernel_cache.estimate_seconds(names, ahead=True) == pytest.approx(big)
    assert kernel_cache.estimate_seconds(names) == pytest.approx(big + rest)
    assert kernel_cache.estimate_seconds(names[1:], ahead=True) == pytest.approx(rest)
    cpus = os.cpu_count() or 1
    monkeypatch.setattr(os, "getloadavg", lambda: (2.0 * cpus, 0.0, 0.0))
    assert kernel_cache.estimate_seconds(names, ahead=True) == pytest.approx(2 * (big + rest))


def test_only_a_process_first_run_compiles_ahead(monkeypatch) -> None:
    """simulate.run's ``ahead`` starts a child for the process's first run only: later
    runs have nothing left to overlap with it (docs/performance.md, Round 8
    (coordinator))."""
    calls = []
    monkeypatch.setattr(compile_ahead, "start", lambda sc: calls.append(sc) or False)
    monkeypatch.setattr(compile_ahead, "_RAN", [])
    with compile_ahead.ahead("first"):
        pass
    with compile_ahead.ahead("second"):
        pass
    assert calls == ["first"]
