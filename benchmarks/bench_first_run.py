"""First run: a cold ``spsim run`` of the default scenario, phase by phase.

Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/bench_first_run.py [--scenario scenarios/lao_mecg.toml]
        [--json FILE] [--compare-ahead]

It runs a fresh process with an empty numba cache (``NUMBA_CACHE_DIR`` set to a new
temporary folder, so the repository's own cache is neither used nor touched) and
times, inside it: the imports, loading the scenario, ``engine.prepare``, the first
``project_totals`` (compile + run), a second ``project_totals`` (run only: the
difference is the compile time), the Dataset (``engine.finish``, ``add_fund``) and
``write_run`` into a temporary folder (with the chart child that ``spsim run`` forks
before ``prepare``: simulate/report/charts.py ``standing_by``; it is reaped in
``write_run``, whose CPU holds its import of matplotlib). As ``simulate.run`` does, it
starts compiling a cold projection kernel in a second process before ``prepare``
(simulate/compile_ahead.py;
``SPSIM_COMPILE_AHEAD``: ``1`` always, ``0`` never, unset only when a CPU is idle): then
the first ``project_totals`` holds the wait for it and its CPU (the child is reaped
there), and the JSON's ``compile_ahead`` says when the wait began and when the child
ended (seconds from its start); ``--compare-ahead`` adds a cold run without it
(``cold_no_ahead``, after the warm one, in a new cache). Then a second fresh process on the same
(now warm) cache does the same, so the cold-cache cost is cold minus warm.
Wall and CPU time are reported for each phase: ``time.process_time`` (all threads)
plus the CPU of child processes that ended in it (``write_run`` draws the charts in a
forked child while it writes the other files: simulate/report/forked.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds() -> float:
    """CPU seconds of this process (all threads) and of its children that ended."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + r.ru_utime + r.ru_stime


def phases(scenario: str) -> dict:
    """Time the phases of one run in this process (wall, CPU) in seconds."""
    out: dict = {}

    def mark(name, t0, c0):
        out[name] = {"wall": time.perf_counter() - t0, "cpu": cpu_seconds() - c0}
        return time.perf_counter(), cpu_seconds()

    t, c = time.perf_counter(), cpu_seconds()
    from simulate import compile_ahead, engine
    from simulate.fund import add_fund
    from simulate.report.charts import standing_by
    from simulate.report.writer import write_run
    from simulate.scenario import load_scenario
    t, c = mark("imports", t, c)
    sc = load_scenario(ROOT / scenario)
    t, c = mark("load_scenario", t, c)
    # as simulate.run does: a cold projection kernel compiled in a second process while
    # the population is built (simulate/compile_ahead.py; SPSIM_COMPILE_AHEAD=0: not)
    compile_ahead.start(sc)
    # as spsim run does: a child that imports matplotlib meanwhile and then draws the
    # charts (charts.standing_by); its CPU counts in write_run, where it is reaped
    standby = standing_by()
    standby.__enter__()
    prep = engine.prepare(sc)
    t, c = mark("prepare", t, c)
    totals = engine.project_totals(prep)  # waits for the child compiling ahead, if any
    t, c = mark("project_totals_first", t, c)
    compile_ahead.stop()
    if compile_ahead.TIMES:  # the child's: from its start to this process's wait, to its end
        out["compile_ahead"] = dict(compile_ahead.TIMES)
    engine.project_totals(prep)
    t, c = mark("project_totals_second", t, c)
    ds = add_fund(engine.finish(prep, totals), sc)
    t, c = mark("dataset", t, c)
    with tempfile.TemporaryDirectory() as tmp:
        write_run(ds, Path(tmp) / "out")
        standby.__exit__(None, None, None)
        t, c = mark("write_run", t, c)
    out["records"] = int(prep.population.n)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/lao_mecg.toml")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--compare-ahead", action="store_true",
                    help="also a cold run with SPSIM_COMPILE_AHEAD=0 (JSON: cold_no_ahead)")
    ap.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._child:
        print(json.dumps(phases(a.scenario)))
        return
    fig: dict = {"scenario": a.scenario, "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        for tag in ("cold", "warm"):
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--_child", "--scenario",
                                   a.scenario], capture_output=True, text=True, cwd=ROOT,
                                  env={**os.environ, "NUMBA_CACHE_DIR": cache})
            if proc.returncode:
                sys.stderr.write(proc.stdout + proc.stderr)
                raise SystemExit(f"the {tag} run failed")
            fig[tag] = json.loads(proc.stdout.strip().splitlines()[-1])
            fig[tag]["process_wall"] = time.perf_counter() - t0
    if a.compare_ahead:  # the same cold run without the second process, a new cache
        with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--_child", "--scenario",
                                   a.scenario], capture_output=True, text=True, cwd=ROOT,
                                  env={**os.environ, "NUMBA_CACHE_DIR": cache,
                                       "SPSIM_COMPILE_AHEAD": "0"})
            if proc.returncode:
                sys.stderr.write(proc.stdout + proc.stderr)
                raise SystemExit("the cold run without compiling ahead failed")
            fig["cold_no_ahead"] = json.loads(proc.stdout.strip().splitlines()[-1])
            fig["cold_no_ahead"]["process_wall"] = time.perf_counter() - t0
    fig["load_after"] = os.getloadavg()
    for tag in ("cold", "warm", "cold_no_ahead"):
        if tag not in fig:
            continue
        p = fig[tag]
        p["compile"] = p["project_totals_first"]["wall"] - p["project_totals_second"]["wall"]
    print(json.dumps(fig, indent=2))
    if a.json:
        a.json.write_text(json.dumps(fig, indent=2) + "\n")


if __name__ == "__main__":
    main()
