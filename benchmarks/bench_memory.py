"""Memory at scale: one ``simulate.run`` of the projection benchmark's scenario at a
large size (default 10,000,000 base records over 30 years), time and peak memory.

Not part of the test suite. Run it once, from the repository root (a few minutes and a
few GB on a 2-core, 24 GB machine):

    .venv/bin/python benchmarks/bench_memory.py [--records 10000000] [--years 30]
        [--json benchmarks/results/memory.json]

After a small warm-up run (kernels loaded, modules imported) it records the resident
memory (baseline), runs once, and reports: wall and CPU time (all threads), peak
resident memory (VmHWM) and its part above the baseline, the size of the results
Dataset (the outputs), and per record (with birth cohorts): the peak above the
baseline less the outputs (memory held beyond the outputs while the run works), and
the arrays still held after the run (the Population and the kernel's per-record
inputs that ``engine.record_arrays`` remembers for a repeated run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_projection import (  # noqa: E402
    current_rss_bytes,
    peak_rss_bytes,
    population_bytes,
    scenario_doc,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000_000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()

    import numpy as np

    import simulate
    from simulate import engine
    from simulate.population.records import CORE_DTYPES
    from simulate.scenario import scenario_from_dict

    simulate.run(scenario_from_dict(scenario_doc(1000, a.years)))  # warm-up
    fig: dict = {"base_records": a.records, "years": a.years,
                 "load_before": os.getloadavg(), "baseline_rss": current_rss_bytes(),
                 "baseline_peak": peak_rss_bytes()}
    sc = scenario_from_dict(scenario_doc(a.records, a.years))
    t0, c0 = time.perf_counter(), time.process_time()
    ds = simulate.run(sc)
    fig["wall"] = time.perf_counter() - t0
    fig["cpu"] = time.process_time() - c0
    fig["load_after"] = os.getloadavg()
    fig["peak_rss"] = peak_rss_bytes()
    fig["outputs_bytes"] = int(ds.nbytes)
    cached = engine._RECORDS[0]
    pop, arrays = cached[0], cached[3]
    n = pop.n
    fig["records"] = n
    fig["population_bytes"] = population_bytes(pop)
    # the kernel inputs that are not the population's own arrays (narrow columns are
    # passed as they are since perf2: counted once, with the population)
    shared = [getattr(pop, name) for name in CORE_DTYPES]
    fig["record_arrays_bytes"] = int(sum(x.nbytes for x in (
        arrays.group, *arrays.columns, *arrays.flags, arrays.hh_start, arrays.chunk_hh)
        if not any(x is y for y in shared)))
    above = fig["peak_rss"] - fig["baseline_rss"]
    fig["peak_above_baseline"] = above
    fig["held_beyond_outputs_per_record"] = (above - fig["outputs_bytes"]) / n
    fig["population_per_record"] = fig["population_bytes"] / n
    fig["record_arrays_per_record"] = fig["record_arrays_bytes"] / n
    fig["total_cost_first_year"] = float(np.asarray(ds["total_cost"]).ravel()[0])
    print(json.dumps(fig, indent=2))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(fig, indent=2) + "\n")


if __name__ == "__main__":
    main()
