"""Memory phase by phase: the arrays (numpy's allocations, traced by ``tracemalloc``)
held after and at the peak of each step of one run of the projection benchmark's
scenario, per record with birth cohorts (docs/performance.md, "Round 6 (mem)").

Not part of the test suite; run from the repository root (about 20 s at 1,000,000
base records):

    .venv/bin/python benchmarks/memory_phases.py [--records 1000000] [--years 30]

Steps: ``engine._population`` (records, births, sort), ``engine._with_parameters``
(rule tables), ``engine.record_arrays``, ``engine.project_totals``, ``engine.finish``;
then the per-record rows of the rule tables and the population's arrays.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_projection import scenario_doc  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--years", type=int, default=30)
    a = ap.parse_args()

    import numpy as np

    import simulate
    from simulate import engine
    from simulate.population.profiles import load_profile
    from simulate.population.records import CORE_DTYPES
    from simulate.scenario import scenario_from_dict

    simulate.run(scenario_from_dict(scenario_doc(1000, a.years)))  # warm-up
    engine.clear_population_cache()
    gc.collect()
    sc = scenario_from_dict(scenario_doc(a.records, a.years))
    profile = load_profile(sc.country, sc.base_dir, sc.where("scenario.country"))
    rows = []

    def phase(name, f):
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        out = f()
        rows.append((name, before, *tracemalloc.get_traced_memory()))
        return out

    tracemalloc.start()
    built = phase("_population", lambda: engine._population(sc, profile))
    prep = phase("_with_parameters", lambda b=built: engine._with_parameters(sc, *b))
    pop = prep.population
    phase("record_arrays", lambda: engine.record_arrays(pop, int(prep.rates.years[0]),
                                                        engine.CHUNK_SIZE))
    totals = phase("project_totals", lambda: engine.project_totals(prep))
    ds = phase("finish", lambda: engine.finish(prep, totals))
    tracemalloc.stop()
    n = pop.n
    print(f"records with birth cohorts: {n:,}; B/record:")
    for name, before, after, peak in rows:
        print(f"  {name:17s} held before {before / n:6.1f}  after {after / n:6.1f}  "
              f"peak {peak / n:6.1f}")
    t = prep.rules
    print("  rule tables' rows:", {k: f"{getattr(t, k).dtype} {getattr(t, k).nbytes / n:.1f}"
                                    for k in ("static", "take_up_code", "target_value",
                                              "income")})
    print("  population:", {k: getattr(pop, k).nbytes / n for k in CORE_DTYPES})
    print(f"  first year's total cost {float(np.asarray(ds['total_cost']).ravel()[0]):.6e}")


if __name__ == "__main__":
    main()
