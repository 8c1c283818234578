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

and checks that the separate runs' costs equal the fused draws' bit for bit. Also timed:
**fused, costs only**, the same draws with ``[outputs] poverty = false, overlap = false``
(no poverty, Gini histogram or overlap in the kernel; its ``total_cost`` equal to the
fused run's bit for bit, asserted), reported against the fused run with every output and
against **separate, costs only** (the same separate runs with those outputs off, timed
alternately with the separate runs with every output; each run's ``total_cost``
asserted equal to its fused draw's). The ratio separate / fused is the figure of merit (issue 15's target: at least 30x for
1,000 draws). Times are compared only as ratios within one run. The fused run's time
is split into the kernel blocks (``blocks.run_block``: the fused kernel and each
draw's results) and the join along ``draw`` (``runner.combine``), wall and CPU
(``--json`` writes them, with the load average; benchmarks/run_all.py reads them).
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
from simulate import engine
from simulate.scenario.model import with_values
from simulate.uncertainty import runner
from simulate.uncertainty.sampling import read_uncertainty, sample

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "lao_mecg_uncertainty.toml"
#: issue 15: 1,000 draws at least this many times faster than 1,000 separate runs
TARGET = 30.0


class Timed:
    """Wall and CPU seconds spent inside ``module.name`` while installed."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name, self.wall, self.cpu = module, name, 0.0, 0.0
        self.inner = getattr(module, name)

    def __enter__(self) -> Timed:
        def timed(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return self.inner(*args, **kwargs)
            finally:
                self.wall += time.perf_counter() - t0
                self.cpu += time.process_time() - c0

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc) -> None:
        setattr(self.module, self.name, self.inner)


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
    tiny = simulate.load_scenario(SCENARIO, overrides={"uncertainty.draws": 4,
                                                        "population.records": 1000})
    simulate.run(tiny)  # compile (or load) the kernels of both paths before timing
    simulate.run(tiny, uncertainty=False)
    costs_only = {"outputs.poverty": False, "outputs.overlap": False}
    simulate.run(simulate.load_scenario(SCENARIO, overrides={
        "uncertainty.draws": 4, "population.records": 1000, **costs_only}))

    load_before = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    with Timed(runner, "run_block") as kernel_blocks, Timed(runner, "combine") as join, \
            Timed(engine, "project_draws") as kernel, Timed(engine, "results") as each, \
            Timed(engine, "reprepare") as reprepare:
        fused = simulate.run(sc)
    t_fused, c_fused = time.perf_counter() - t0, time.process_time() - c0
    print(f"fused:    {n:,} draws in {t_fused:8.1f} s  ({1000 * t_fused / n:7.1f} ms a draw)")

    # the same draws, costs only ([outputs]): the kernel without poverty and overlap
    sc_costs = simulate.load_scenario(SCENARIO, overrides={
        "uncertainty.draws": n, "population.records": args.records, **costs_only})
    t0, c0 = time.perf_counter(), time.process_time()
    fused_costs = simulate.run(sc_costs)
    t_costs, c_costs = time.perf_counter() - t0, time.process_time() - c0
    assert np.array_equal(fused_costs["total_cost"].values, fused["total_cost"].values)
    assert "poverty_headcount" not in fused_costs
    print(f"fused, costs only: {n:,} draws in {t_costs:8.1f} s  ({1000 * t_costs / n:7.1f} ms "
          f"a draw; {t_fused / t_costs:.2f}x faster wall, {c_fused / c_costs:.2f}x CPU than "
          "with every output; total_cost equal bit for bit)")
    costs_total = fused_costs["total_cost"].values
    del fused_costs

    # the same draws as separate runs, with every output and costs only, alternating
    # (each pair under the same load); each run's total_cost equals its fused draw's
    values = sample(read_uncertainty(sc))
    k = min(n, args.separate or n)
    t_sep = c_sep = t_sep_costs = c_sep_costs = 0.0
    for d in range(k):
        for scenario, expected, costs in ((sc, fused["total_cost"].isel(draw=d).values, False),
                                          (sc_costs, costs_total[d], True)):
            v = with_values(scenario, values[d], "uncertainty.parameters", quote=True)
            t0, c0 = time.perf_counter(), time.process_time()
            alone = simulate.run(v, uncertainty=False)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            assert np.array_equal(alone["total_cost"].values, expected), (d, costs)
            if costs:
                t_sep_costs, c_sep_costs = t_sep_costs + wall, c_sep_costs + cpu
            else:
                t_sep, c_sep = t_sep + wall, c_sep + cpu
    t_sep, c_sep = t_sep * n / k, c_sep * n / k
    t_sep_costs, c_sep_costs = t_sep_costs * n / k, c_sep_costs * n / k
    note = "" if k == n else f" (first {k:,} timed, extrapolated)"
    print(f"separate: {n:,} runs  in {t_sep:8.1f} s  ({1000 * t_sep / n:7.1f} ms a run){note}")
    print(f"separate, costs only: {n:,} runs  in {t_sep_costs:8.1f} s  "
          f"({1000 * t_sep_costs / n:7.1f} ms a run){note}")
    ratio = t_sep / t_fused
    ratio_costs = t_sep_costs / t_costs
    print(f"separate / fused: {ratio:.1f}x wall, {c_sep / c_fused:.1f}x CPU  (target >= "
          f"{TARGET:.0f}x); costs only: {ratio_costs:.1f}x wall, "
          f"{c_sep_costs / c_costs:.1f}x CPU; separate runs' total_cost equal the fused "
          f"draws' bit for bit ({k:,} checked, each with every output and costs only)")
    print(f"fused: kernel blocks {kernel_blocks.wall:.1f} s wall / {kernel_blocks.cpu:.1f} s "
          f"CPU, join along draw {join.wall:.1f} s / {join.cpu:.1f} s, the rest "
          f"{t_fused - kernel_blocks.wall - join.wall:.1f} s wall; in the blocks: the kernel "
          f"{kernel.cpu:.1f} s CPU, each draw's results {each.cpu:.1f} s, each draw's "
          f"rule tables (reprepare) {reprepare.cpu:.1f} s")
    if args.json:
        args.json.write_text(json.dumps({
            "draws": n, "records": args.records, "years": int(sc.end_year - sc.start_year + 1),
            "fused_s": t_fused, "separate_s": t_sep, "separate_timed": k, "ratio": ratio,
            "fused_cpu": c_fused, "separate_cpu": c_sep, "ratio_cpu": c_sep / c_fused,
            "fused_blocks_s": kernel_blocks.wall, "fused_blocks_cpu": kernel_blocks.cpu,
            "fused_join_s": join.wall, "fused_join_cpu": join.cpu, "target": TARGET,
            "fused_kernel_cpu": kernel.cpu, "fused_results_cpu": each.cpu,
            "fused_reprepare_cpu": reprepare.cpu,
            "fused_costs_s": t_costs, "fused_costs_cpu": c_costs,
            "ratio_fused_costs": t_fused / t_costs, "ratio_fused_costs_cpu": c_fused / c_costs,
            "separate_costs_s": t_sep_costs, "separate_costs_cpu": c_sep_costs,
            "ratio_costs": ratio_costs, "ratio_costs_cpu": c_sep_costs / c_costs,
            "threads": numba.get_num_threads(), "cpus": os.cpu_count(),
            "draw_block": runner.DRAW_BLOCK, "load_before": load_before,
            "load_after": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()
