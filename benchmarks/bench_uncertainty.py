"""Uncertainty benchmark: N draws fused in the kernel against the same N draws as
separate runs.

Not part of the test suite (never run in CI). Run from the repository root:

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_uncertainty.py \\
        [--draws 1000] [--records 200000] [--separate N] [--json FILE]

The scenario is ``scenarios/lao_mecg_uncertainty.toml`` (MECG national scale-up,
2025-2054: 30 years) with ``--records`` synthetic base records and ``--draws``
draws of its four parameters (take-up, benefit amount, inflation, real growth).

* **fused**: ``simulate.run`` on the scenario: the population is built once and
  the draws run in blocks of ``DRAW_BLOCK`` inside the fused kernel, then each
  draw's Dataset is built and all are concatenated along ``draw``;
* **separate**: for each of the same draws, ``simulate.run`` on the scenario with
  that draw's values set (``with_values``) and no [uncertainty]: the population is
  built, projected and costed again, as a loop of ``spsim run --set ...`` would
  (without the process start-up and compile); ``--separate N`` times only the first
  N draws and extrapolates to all (say so when reporting);

and checks that the separate runs' costs equal the fused draws' bit for bit. The
ratio separate / fused is the figure of merit (target: at least 10x). Times are
compared only as ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numba
import numpy as np

import simulate
from simulate import runs
from simulate.scenario.model import with_values
from simulate.uncertainty import runner
from simulate.uncertainty.sampling import read_uncertainty, sample

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "lao_mecg_uncertainty.toml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--separate", type=int, default=None,
                    help="time only the first N separate runs and extrapolate")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    n = args.draws
    sc = simulate.load_scenario(SCENARIO, overrides={"uncertainty.draws": n,
                                                     "population.records": args.records})
    print(f"simulate {simulate.__version__}; Python {platform.python_version()}; numba "
          f"{numba.__version__}, {numba.get_num_threads()} threads; CPUs {os.cpu_count()}; "
          f"{args.records:,} base records, {sc.start_year}-{sc.end_year}, {n:,} draws, "
          f"draw block {runner.DRAW_BLOCK}")
    runs.warmup()
    simulate.run(simulate.load_scenario(SCENARIO, overrides={  # compile the draw path too
        "uncertainty.draws": 4, "population.records": 1000}))

    t0 = time.perf_counter()
    fused = simulate.run(sc)
    t_fused = time.perf_counter() - t0
    print(f"fused:    {n:,} draws in {t_fused:8.1f} s  ({1000 * t_fused / n:7.1f} ms a draw)")

    values = sample(read_uncertainty(sc))
    k = min(n, args.separate or n)
    t0 = time.perf_counter()
    for d in range(k):
        v = with_values(sc, values[d], "uncertainty.parameters", quote=True)
        alone = simulate.run(v, uncertainty=False)
        assert np.array_equal(alone["total_cost"].values,
                              fused["total_cost"].isel(draw=d).values), d
    t_sep = (time.perf_counter() - t0) * n / k
    note = "" if k == n else f" (first {k:,} timed, extrapolated)"
    print(f"separate: {n:,} runs  in {t_sep:8.1f} s  ({1000 * t_sep / n:7.1f} ms a run){note}")
    ratio = t_sep / t_fused
    print(f"separate / fused: {ratio:.1f}x  (target >= 10x); separate runs' total_cost equal "
          f"the fused draws' bit for bit ({k:,} checked)")
    if args.json:
        args.json.write_text(json.dumps({
            "draws": n, "records": args.records, "years": int(sc.end_year - sc.start_year + 1),
            "fused_s": t_fused, "separate_s": t_sep, "separate_timed": k, "ratio": ratio,
            "threads": numba.get_num_threads(), "cpus": os.cpu_count(),
            "draw_block": runner.DRAW_BLOCK}, indent=2))


if __name__ == "__main__":
    main()
