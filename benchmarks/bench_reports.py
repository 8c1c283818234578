"""Reports benchmark: what the files for people (charts, tables.xlsx, report.html) add
to a run of the default scenario.

Not part of the test suite (never run in CI). Run from the repository root:

    .venv/bin/python benchmarks/bench_reports.py [--scenario scenarios/lao_mecg.toml]
        [--records N] [--json FILE]

Measured in one process, after a warm-up run (kernels compiled, matplotlib imported):

1. ``simulate.run`` of the scenario (the projection);
2. ``write_run`` with every file, split into the files it always wrote (results.nc,
   the CSV tables, summary.txt, scenario.toml) and the files for people (the
   charts, tables.xlsx, report.html, the provenance files).

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/lao_mecg.toml")
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

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
