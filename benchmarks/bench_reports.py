"""Reports benchmark: what the files for people (charts, tables.xlsx, report.html) add
to a run of the default scenario.

Not part of the test suite (never run in CI). Run from the repository root:

    .venv/bin/python benchmarks/bench_reports.py [--scenario scenarios/lao_mecg.toml]
        [--records N] [--json FILE] [--writers [--rounds R] [--compute S]]

Measured in one process, after a warm-up run (kernels compiled, matplotlib imported):

1. ``simulate.run`` of the scenario (the projection);
2. ``write_run`` with every file, split into the files it always wrote (results.nc,
   the CSV tables, summary.txt, scenario.toml) and the files for people (the
   charts, tables.xlsx, report.html, the provenance files).

With ``--writers``, instead: where ``write_run`` spends its time, as in ``spsim run``
(the standby chart child forked, then ``--compute`` seconds standing for the run's
computation, then the writing; matplotlib not imported in this process): each writer's
start, wall and CPU in this process, the chart child's CPU (reaped at the end), when
this process began and ended waiting for the child's drawings, and the whole
``write_run``; ``--rounds`` times, each printed (docs/performance.md, "Round 9 (write)").

Target (a ratio, as every performance target of the project): the files for people
take at most half the time of the projection of the default scenario (200,000
records), i.e. a few seconds on a laptop.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 0.5


def writers(scenario: str, records: int | None, rounds: int, compute: float) -> list[dict]:
    """Each writer of ``write_run`` timed, as ``spsim run`` writes (module doc)."""
    import resource
    import sys

    import simulate
    from simulate.report import charts, outfolder, writer

    overrides = {"population.records": records} if records else None
    ds = simulate.run(simulate.load_scenario(scenario, overrides=overrides))
    assert "matplotlib" not in sys.modules  # as in spsim run: only the child imports it
    origin = [0.0]
    rows: list[dict] = []
    real_folder, real_collect = outfolder.write_folder, charts.ChartSet._collect

    def timed_folder(target, ws, **kw):  # noqa: ANN001, ANN202
        def timed(name, write):  # noqa: ANN001, ANN202
            def run(path):  # noqa: ANN001, ANN202
                t0, c0 = time.perf_counter(), time.process_time()
                write(path)
                rows.append({"file": name, "start": round(t0 - origin[0], 3),
                             "wall": round(time.perf_counter() - t0, 3),
                             "cpu": round(time.process_time() - c0, 3)})
            return run
        return real_folder(target, {n: timed(n, w) for n, w in ws.items()}, **kw)

    def timed_collect(self):  # noqa: ANN001, ANN202
        t0 = time.perf_counter()
        real_collect(self)
        rows.append({"file": "(waiting for the chart child)", "start": round(
            t0 - origin[0], 3), "wall": round(time.perf_counter() - t0, 3), "cpu": 0.0})

    writer.write_folder = timed_folder
    charts.ChartSet._collect = timed_collect
    out = []
    try:
        for _ in range(rounds):
            rows.clear()
            with tempfile.TemporaryDirectory() as tmp, charts.standing_by():
                time.sleep(compute)  # the run's computation in spsim run
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                origin[0], c0 = time.perf_counter(), time.process_time()
                writer.write_run(ds, Path(tmp) / "out")
                wall, cpu = time.perf_counter() - origin[0], time.process_time() - c0
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            child = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
            out.append({"write_run_wall": round(wall, 3), "write_run_cpu": round(cpu, 3),
                        "chart_child_cpu": round(child, 3), "writers": list(rows)})
            print(json.dumps(out[-1]), flush=True)
    finally:
        writer.write_folder, charts.ChartSet._collect = real_folder, real_collect
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/lao_mecg.toml")
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--json", default=None)
    parser.add_argument("--writers", action="store_true",
                        help="each writer of write_run timed, as spsim run writes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compute", type=float, default=1.0)
    args = parser.parse_args()
    if args.writers:
        found = writers(args.scenario, args.records, args.rounds, args.compute)
        if args.json:
            Path(args.json).write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        return

    import simulate
    from simulate.report import writer
    from simulate.report.outputs import provenance_files, report_files

    overrides = {"population.records": args.records} if args.records else None
    sc = simulate.load_scenario(args.scenario, overrides=overrides)
    simulate.run(sc)  # warm-up: numba's cache, imports
    start = time.perf_counter()
    ds = simulate.run(sc)
    t_run = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        report_files(ds)["chart_cost_share.png"](Path(tmp) / "warm.png")  # import matplotlib
        people = {**provenance_files(ds), **report_files(ds)}
        start = time.perf_counter()
        for name, write in people.items():
            write(Path(tmp) / name)
        t_people = time.perf_counter() - start
        start = time.perf_counter()
        writer.write_run(ds, Path(tmp) / "run")
        t_all = time.perf_counter() - start
    result = {"scenario": args.scenario, "records": int(ds.attrs["records"]),
              "run_s": round(t_run, 3), "write_run_s": round(t_all, 3),
              "people_files_s": round(t_people, 3),
              "ratio_people_to_run": round(t_people / t_run, 3),
              "target_ratio": TARGET_RATIO, "met": t_people / t_run <= TARGET_RATIO}
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
