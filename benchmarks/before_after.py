"""Before and after a change, side by side in one process (docs/performance.md, "Round 7
(demog)"): CPU time of ``engine.project_totals`` and ``simulate.run`` on
``bench_projection.py``'s case, one numba thread, best of R shuffled rounds; and the
cold first call in a fresh process with an empty numba cache.

Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/before_after.py export --commit 5105732 --to /tmp/before
    .venv/bin/python benchmarks/before_after.py side --before /tmp/before [--rounds 15]
    .venv/bin/python benchmarks/before_after.py cold --before /tmp/before [--pairs 2]

``export`` writes the package of ``--commit`` to ``DIR/simulate_before`` (``git
archive``, its absolute imports renamed), so that both versions load in one process;
the machine is shared and noisy, so only figures from one process are compared. The
totals of the two versions are checked bit-identical before anything is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARRAYS = ("programmes", "population", "poverty", "histogram", "overlap", "groups")


def export(commit: str, to: Path) -> None:
    """The package at ``commit`` as ``to/simulate_before`` (refuses an existing folder)."""
    target = to / "simulate_before"
    if target.exists():
        raise SystemExit(f"{target} exists: remove it or export elsewhere")
    to.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "simulate"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(to)], input=archive, check=True)
    (to / "simulate").rename(target)
    for path in target.rglob("*.py"):
        text = path.read_text()
        new = re.sub(r"\bfrom simulate(\.| import)", r"from simulate_before\1", text)
        new = re.sub(r"\bimport simulate\b", "import simulate_before", new)
        if new != text:
            path.write_text(new)


def shuffled_best(variants: dict, rounds: int) -> tuple[dict[str, float], list[float]]:
    """Each variant called once (warm), then ``rounds`` rounds calling every variant
    once in a shuffled order: the best CPU seconds of each, and the 1-minute load
    before and after the rounds."""
    for f in variants.values():
        f()
    best = dict.fromkeys(variants, float("inf"))
    load = [os.getloadavg()[0]]
    for _ in range(rounds):
        order = list(variants)
        random.shuffle(order)
        for k in order:
            t0 = time.process_time()
            variants[k]()
            best[k] = min(best[k], time.process_time() - t0)
    load.append(os.getloadavg()[0])
    return best, load


def side(before: Path, rounds: int) -> dict:
    """Best CPU of each variant over ``rounds`` shuffled rounds, in this process."""
    sys.path[:0] = [str(before), str(ROOT / "benchmarks")]
    import numba
    import simulate_before  # type: ignore[import-not-found]
    from bench_projection import scenario_doc

    import simulate

    numba.set_num_threads(1)
    doc = scenario_doc(100_000, 30)
    sa = simulate.scenario.scenario_from_dict(doc)
    sb = simulate_before.scenario.scenario_from_dict(doc)
    ea, eb = simulate.engine, simulate_before.engine
    pa, pb = ea.prepare(sa), eb.prepare(sb)
    ta, tb = ea.project_totals(pa), eb.project_totals(pb)
    for name in ARRAYS:
        if getattr(ta, name).tobytes() != getattr(tb, name).tobytes():
            raise SystemExit(f"before and after differ in {name}")
    first_year = int(pa.rates.years[0])
    first_active = int(sa.start_year - first_year)

    def forget() -> None:
        ea._DEMOGRAPHY[0] = None

    variants = {
        "project_totals before": lambda: eb.project_totals(pb),
        "project_totals after (demography reused)": lambda: ea.project_totals(pa),
        "project_totals after (demography computed)":
            lambda: (forget(), ea.project_totals(pa)),
        "demography_totals alone": lambda: (forget(), ea.demography_totals(
            pa.population, first_year, pa.rates.survival, first_active)),
        "run before (population reused)": lambda: simulate_before.run(sb),
        "run after (population reused)": lambda: simulate.run(sa),
    }
    best, load = shuffled_best(variants, rounds)
    return {"records": pa.population.n, "rounds": rounds, "load": load,
            "best_cpu_ms": {k: round(v * 1e3, 1) for k, v in best.items()}}


PROBE = """
import json, sys, time
sys.path[:0] = [sys.argv[2], sys.argv[3]]
import importlib
import numba
from bench_projection import scenario_doc
pkg = importlib.import_module(sys.argv[1])
numba.set_num_threads(1)
sc = pkg.scenario.scenario_from_dict(scenario_doc(100_000, 30))
prep = pkg.engine.prepare(sc)
cpu = []
for _ in range(2):
    t0 = time.process_time()
    pkg.engine.project_totals(prep)
    cpu.append(time.process_time() - t0)
print(json.dumps(cpu))
"""


def cold(before: Path, pairs: int) -> list[dict]:
    """CPU of the first and second ``project_totals`` in fresh processes with an empty
    numba cache and kernel folder, before and after alternately."""
    out = []
    for _ in range(pairs):
        for pkg in ("simulate_before", "simulate"):
            with tempfile.TemporaryDirectory(prefix="cold-") as d:
                env = {**os.environ, "NUMBA_CACHE_DIR": f"{d}/numba",
                       "XDG_CACHE_HOME": f"{d}/xdg"}
                load = os.getloadavg()[0]
                res = subprocess.run([sys.executable, "-c", PROBE, pkg, str(before),
                                      str(ROOT / "benchmarks")], env=env, check=True,
                                     capture_output=True, text=True)
                first, second = json.loads(res.stdout.strip().splitlines()[-1])
                out.append({"package": pkg, "load": load, "first_s": round(first, 2),
                            "second_s": round(second, 3)})
                print(json.dumps(out[-1]), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    e = sub.add_parser("export")
    e.add_argument("--commit", required=True)
    e.add_argument("--to", type=Path, required=True)
    for name in ("side", "cold"):
        p = sub.add_parser(name)
        p.add_argument("--before", type=Path, required=True)
    sub.choices["side"].add_argument("--rounds", type=int, default=15)
    sub.choices["cold"].add_argument("--pairs", type=int, default=2)
    a = ap.parse_args()
    if a.what == "export":
        export(a.commit, a.to)
    elif a.what == "side":
        print(json.dumps(side(a.before, a.rounds), indent=1))
    else:
        cold(a.before, a.pairs)


if __name__ == "__main__":
    main()
