"""First run: the notice that kernels will be compiled (simulate.kernel_cache) and a
progress bar whose time left ignores the compile (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from simulate import cli, kernel_cache

TINY = textwrap.dedent("""
    from numba import njit

    @njit(cache=True)
    def tiny(x):
        return x + 1
""")

PROBE = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from tinykernel import tiny
    from simulate.kernel_cache import is_cached
    before = is_cached(tiny)
    tiny(1)
    print(json.dumps([before, is_cached(tiny)]))
""")


def _probe(folder: Path, cache: Path) -> list:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    proc = subprocess.run([sys.executable, "-c", PROBE, str(folder)], capture_output=True,
                          text=True, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_is_cached_follows_numbas_cache(tmp_path: Path) -> None:
    """Cold before the first compile, warm in the next process; stale (cold again)
    when the kernel's source changes."""
    (tmp_path / "tinykernel.py").write_text(TINY)
    cache = tmp_path / "cache"
    assert _probe(tmp_path, cache) == [False, True]
    assert _probe(tmp_path, cache) == [True, True]
    source = tmp_path / "tinykernel.py"
    source.write_text(TINY.replace("x + 1", "x + 2"))
    later = time.time() + 5  # a different stamp even on coarse file-system clocks
    os.utime(source, (later, later))
    assert _probe(tmp_path, cache) == [False, True]


POPULATION_KERNELS = ["age_year_women", "cumulative_shares_among", "record_keys"]
SYNTHETIC_KERNELS = ["jacobian", "uniform_units"]


def test_scenario_kernels_fund_only_with_fund() -> None:
    names = [k.__name__ for k in kernel_cache.scenario_kernels(SimpleNamespace(fund=None))]
    assert names == ["project_households", "reduce_chunks", "reduce_histogram", "demography_chunks",
                     *POPULATION_KERNELS,
                     *SYNTHETIC_KERNELS]
    with_fund = kernel_cache.scenario_kernels(SimpleNamespace(fund=object()))
    assert [k.__name__ for k in with_fund][-1] == "simulate_fund"


def test_scenario_kernels_population_kernels_by_source() -> None:
    """The raking and the synthetic draws only for a synthetic population; every kernel
    named has an idle-machine compile time of its own in the estimate."""
    micro = SimpleNamespace(fund=None, population_source="households.csv")
    names = [k.__name__ for k in kernel_cache.scenario_kernels(micro)]
    assert names == ["project_households", "reduce_chunks", "reduce_histogram", "demography_chunks",
                     *POPULATION_KERNELS]
    everything = kernel_cache.scenario_kernels(SimpleNamespace(fund=object()))
    assert {k.__name__ for k in everything} <= set(kernel_cache.COMPILE_SECONDS)


def test_estimate_counts_the_small_kernels_when_cold(monkeypatch) -> None:
    """Only the population's kernels cold (the projection kernel warm): a notice whose
    estimate is the sum of theirs; all cold: the projection kernel's added."""
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    sc = SimpleNamespace(fund=None)
    small = POPULATION_KERNELS + SYNTHETIC_KERNELS
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: k.__name__ not in small)
    assert kernel_cache.cold_kernels(sc) == small
    seconds = sum(kernel_cache.COMPILE_SECONDS[n] for n in small)
    notice = kernel_cache.compile_notice(sc)
    assert notice is not None and f"about {seconds:.0f} s;" in notice
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: False)
    total = seconds + kernel_cache.COMPILE_SECONDS["project_households"] \
        + kernel_cache.COMPILE_SECONDS["reduce_chunks"] \
        + kernel_cache.COMPILE_SECONDS["reduce_histogram"] \
        + kernel_cache.COMPILE_SECONDS["demography_chunks"]
    assert kernel_cache.estimate_seconds(kernel_cache.cold_kernels(sc)) == pytest.approx(total)


def test_compile_notice_names_cold_kernels_and_time(monkeypatch) -> None:
    kernels = [SimpleNamespace(__name__="project_households"),
               SimpleNamespace(__name__="reduce_chunks")]
    monkeypatch.setattr(kernel_cache, "scenario_kernels", lambda sc: kernels)
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: k.__name__ == "reduce_chunks")
    notice = kernel_cache.compile_notice(None)
    assert notice is not None and "\n" not in notice
    assert kernel_cache.cold_kernels(None) == ["project_households"]
    assert len(notice) < 100  # one line on a terminal
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    quiet = kernel_cache.compile_notice(None)
    assert f"about {kernel_cache.COMPILE_SECONDS['project_households']:.0f} s;" in quiet
    monkeypatch.setattr(os, "getloadavg", lambda: (4.0 * (os.cpu_count() or 1), 0.0, 0.0))
    busy = kernel_cache.estimate_seconds(["project_households"])
    assert busy == 4 * kernel_cache.COMPILE_SECONDS["project_households"]
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: True)
    assert kernel_cache.compile_notice(None) is None
    monkeypatch.setattr(kernel_cache, "is_cached", lambda k: None)  # cannot tell: silent
    assert kernel_cache.compile_notice(None) is None


@pytest.mark.parametrize("cold", [True, False])
def test_notice_printed_once_before_the_bar_on_a_terminal(monkeypatch, capsys, cold) -> None:
    monkeypatch.setattr(kernel_cache, "compile_notice",
                        lambda sc: "compiling the simulation kernels" if cold else None)
    with cli._progress("projecting", quiet=False, scenario=object()) as progress:
        assert progress is None  # pytest's stderr is no terminal: neither notice nor bar
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: True)
    with cli._progress("projecting", quiet=True, scenario=object()) as progress:
        assert progress is None
    assert capsys.readouterr().err == ""
    with cli._progress("projecting", quiet=False, scenario=object()) as progress:
        progress(1, 2)
        progress(2, 2)
    err = capsys.readouterr().err
    assert err.count("compiling the simulation kernels") == (1 if cold else 0)
    if cold:
        assert err.index("compiling") < err.index("projecting")
    assert "0/1" not in err and "2/2" in err


def test_time_left_ignores_the_first_step(monkeypatch, capsys) -> None:
    """A first step of 300 s (the compile) then steps of 1 s: after 4 of 10 steps the
    bar says about 6 s left, not minutes."""
    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: True)
    with cli._progress("projecting", quiet=False) as progress:
        clock[0] += 300
        progress(1, 10)
        for done in range(2, 5):
            clock[0] += 1
            progress(done, 10)
        err = capsys.readouterr().err
    assert "4/10" in err
    assert err.rstrip().endswith("00:00:06"), err[-80:]
