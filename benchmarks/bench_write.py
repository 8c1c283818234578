"""A warm ``spsim run`` as the user sees it, before and after a change, alternately.

Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/before_after.py export --commit 744bbf1 --to /tmp/before
    .venv/bin/python benchmarks/bench_write.py cli --before /tmp/before [--rounds 7]
    .venv/bin/python benchmarks/bench_write.py phases --before /tmp/before [--rounds 7]
    .venv/bin/python benchmarks/bench_write.py write --before /tmp/before [--rounds 7]

``cli``: fresh processes of ``spsim run SCENARIO --out TMP -q`` (this package's and the
exported one's ``simulate.cli``), in a shuffled order in each round, after one warm-up
run of each (numba's cache warm, for the exported package its own): wall time and CPU
(the process and its children: the chart child, the compile-ahead child) of each, best
and median over the rounds.

``phases``: fresh processes of both packages alternately, each timing a warm run's
phases as ``spsim run`` goes through them (imports, load_scenario, prepare,
project_totals, the Dataset, write_run with the standby chart child where the package
has one, the printed summary), wall and CPU with the reaped children's; best and median.

``write``: in one process, after one run of the scenario with each package (the same
results, checked), ``write_run`` of each alternately in a shuffled order: wall and CPU
(this process and the reaped children). For this package the standby child of
``spsim run`` is forked first (``charts.standing_by``) and given ``--compute`` seconds
(default 1.0: about what the warm run computes between the fork and the writing) before
the clock starts, as it is in the command; the exported package is timed as it writes.

The machine is shared: compare only figures from one invocation, and state the load
(printed before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _summary(times: dict[str, list[tuple[float, float]]]) -> dict:
    out = {}
    for k, v in times.items():
        walls, cpus = [w for w, _ in v], [c for _, c in v]
        out[k] = {"wall_best": round(min(walls), 3), "wall_median": round(
            statistics.median(walls), 3), "cpu_best": round(min(cpus), 3),
            "cpu_median": round(statistics.median(cpus), 3), "n": len(v)}
    return out


def _alternately(once, rounds: int) -> tuple[dict[str, list], list]:
    """``once("before")`` and ``once("after")`` once each (warm-up: each package's numba
    cache), then ``rounds`` rounds calling both in a shuffled order: each one's results
    in call order, and the load average before and after the rounds."""
    got: dict[str, list] = {"before": [], "after": []}
    for which in got:
        once(which)
    load = [os.getloadavg()]
    for _ in range(rounds):
        order = list(got)
        random.shuffle(order)
        for which in order:
            got[which].append(once(which))
    load.append(os.getloadavg())
    return got, load


def cli(before: Path, scenario: str, rounds: int) -> dict:
    """Fresh ``spsim run`` processes of both packages, alternately (module doc)."""
    env = {**os.environ, "SPSIM_COMPILE_AHEAD": "0",
           "PYTHONPATH": os.pathsep.join([str(before), os.environ.get("PYTHONPATH", "")])}
    code = "import sys; from {pkg}.cli import main; main(sys.argv[1:], prog_name='spsim')"

    def once(which: str) -> tuple[float, float]:
        pkg = "simulate_before" if which == "before" else "simulate"
        with tempfile.TemporaryDirectory() as tmp:
            c0, t0 = _children_cpu(), time.perf_counter()
            subprocess.run([sys.executable, "-c", code.format(pkg=pkg), "run", scenario,
                            "--out", f"{tmp}/out", "-q"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            return time.perf_counter() - t0, _children_cpu() - c0

    times, load = _alternately(once, rounds)
    return {"mode": "cli", "scenario": scenario, "rounds": rounds, "load": load,
            "times": _summary(times)}


PHASES = """
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
pkg = sys.argv[1]
out = {}
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + r.ru_utime + r.ru_stime
def mark(name, t0, c0):
    out[name] = [time.perf_counter() - t0, cpu() - c0]
    return time.perf_counter(), cpu()
t, c = time.perf_counter(), cpu()
import importlib
cli = importlib.import_module(pkg + ".cli")
engine = importlib.import_module(pkg + ".engine")
add_fund = importlib.import_module(pkg + ".fund").add_fund
load_scenario = importlib.import_module(pkg + ".scenario").load_scenario
writer = importlib.import_module(pkg + ".report.writer")
charts = importlib.import_module(pkg + ".report.charts")
t, c = mark("imports", t, c)
sc = load_scenario(sys.argv[3])
t, c = mark("load_scenario", t, c)
standby = getattr(charts, "standing_by", None)
standby = standby() if standby else None
if standby:
    standby.__enter__()
prep = engine.prepare(sc)
t, c = mark("prepare", t, c)
totals = engine.project_totals(prep)
t, c = mark("project_totals", t, c)
ds = add_fund(engine.finish(prep, totals), sc)
t, c = mark("dataset", t, c)
with tempfile.TemporaryDirectory() as tmp:
    writer.write_run(ds, Path(tmp) / "out")
    if standby:
        standby.__exit__(None, None, None)
    t, c = mark("write_run", t, c)
    if hasattr(charts, "standing_by"):  # after: the summary printed as written
        text = (Path(tmp) / "out" / "summary.txt").read_text()
    else:
        text = writer.run_summary(ds)
    t, c = mark("print_summary", t, c)
print(json.dumps(out))
"""


def phases(before: Path, scenario: str, rounds: int) -> dict:
    """A warm run's phases in fresh processes of both packages, alternately: as
    ``spsim run`` does them (the standby chart child where the package has it), wall
    and CPU (with reaped children) of each phase; best over the rounds."""
    env = {**os.environ, "SPSIM_COMPILE_AHEAD": "0"}

    def once(which: str) -> dict:
        pkg = "simulate_before" if which == "before" else "simulate"
        res = subprocess.run([sys.executable, "-c", PHASES, pkg, str(before), scenario],
                             cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        return json.loads(res.stdout.strip().splitlines()[-1])

    got, load = _alternately(once, rounds)
    best = {w: {ph: {"wall": round(min(r[ph][0] for r in runs), 3),
                     "cpu": round(min(r[ph][1] for r in runs), 3),
                     "wall_median": round(statistics.median(r[ph][0] for r in runs), 3),
                     "cpu_median": round(statistics.median(r[ph][1] for r in runs), 3)}
                for ph in runs[0]} for w, runs in got.items()}
    return {"mode": "phases", "scenario": scenario, "rounds": rounds, "load": load,
            "phases": best}


def write(before: Path, scenario: str, rounds: int, compute: float) -> dict:
    """``write_run`` of both packages in this process, alternately (module doc)."""
    sys.path.insert(0, str(before))
    import simulate_before  # type: ignore[import-not-found]
    from simulate_before.report.writer import write_run as write_before

    import simulate
    from simulate.report.charts import standing_by
    from simulate.report.writer import write_run as write_after

    ds_a = simulate.run(simulate.load_scenario(ROOT / scenario))
    ds_b = simulate_before.run(simulate_before.load_scenario(ROOT / scenario))
    for name in ds_a.variables:
        if ds_a[name].values.tobytes() != ds_b[name].values.tobytes():
            raise SystemExit(f"before and after differ in {name}")

    def once(which: str) -> tuple[float, float]:
        with tempfile.TemporaryDirectory() as tmp:
            if which == "before":
                c0, t0 = time.process_time() + _children_cpu(), time.perf_counter()
                write_before(ds_b, Path(tmp) / "out")
            else:
                with standing_by():
                    time.sleep(compute)  # the run's computation, in spsim run
                    c0, t0 = time.process_time() + _children_cpu(), time.perf_counter()
                    write_after(ds_a, Path(tmp) / "out")
            return time.perf_counter() - t0, time.process_time() + _children_cpu() - c0

    times, load = _alternately(once, rounds)
    return {"mode": "write", "scenario": scenario, "rounds": rounds, "compute_s": compute,
            "load": load, "times": _summary(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("cli", "phases", "write"))
    ap.add_argument("--before", type=Path, required=True)
    ap.add_argument("--scenario", default="scenarios/lao_mecg.toml")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--compute", type=float, default=1.0)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    if a.mode == "cli":
        out = cli(a.before, a.scenario, a.rounds)
    elif a.mode == "phases":
        out = phases(a.before, a.scenario, a.rounds)
    else:
        out = write(a.before, a.scenario, a.rounds, a.compute)
    print(json.dumps(out, indent=1))
    if a.json:
        a.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
