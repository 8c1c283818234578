"""The warm run outside the kernel, before and after a change, side by side in one
process (docs/performance.md, "Round 8 (post)").

CPU time (``time.process_time``) of a warm ``simulate.run`` (the population reused, as
a repeated run in one process does), of ``engine.project_totals`` (the kernel's part)
and of the run with the population built again (a process's first run), on
``bench_projection.py``'s case (``scenario_doc(N, 30)``) with every output and costs
only (``[outputs] poverty = false, overlap = false``), categorical and with the
means-tested top-up; one numba thread, every variant once in each of R rounds in a
shuffled order, best of R. "outside" is the run less ``project_totals`` (best less
best); on a loaded machine the kernel's noise swamps that difference, so
``--outside`` times the run with ``engine.project_totals`` replaced by the totals it
returned (computed once, before the timings) and ``engine.record_arrays`` (the kernel's
inputs, its welfare groups, made as before): everything a run does outside the kernels.
Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/before_after.py export --commit COMMIT --to /tmp/before
    .venv/bin/python benchmarks/warm_run.py --before /tmp/before [--rounds 9]
        [--records 100000] [--cases all,costs,mt,mt_costs] [--first] [--outside]

Without ``--before`` only this tree is timed. Before anything is timed, every result
variable and attribute of the two versions' runs is checked equal (NaN equal to NaN);
the Dataset's ``created`` time, if any, excepted.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {"all": ("categorical", False), "costs": ("categorical", True),
         "mt": ("means_tested", False), "mt_costs": ("means_tested", True)}
#: Dataset attributes that differ between two runs by design (times, versions)
VOLATILE = ("created", "version", "software", "commit")


def _doc(case: str, records: int) -> dict:
    from bench_projection import scenario_doc

    variant, costs = CASES[case]
    doc = scenario_doc(records, 30, variant)
    if costs:
        doc["outputs"] = {"poverty": False, "overlap": False}
    return doc


def same_dataset(a, b) -> list[str]:
    """The variables, coordinates and attributes in which two result Datasets differ."""
    import numpy as np

    out = []
    if list(a.data_vars) != list(b.data_vars):
        out.append("variable names or order")
    for name in set(a.variables) | set(b.variables):
        if name not in a.variables or name not in b.variables:
            out.append(f"{name}: in one only")
            continue
        va, vb = a.variables[name], b.variables[name]
        if va.dims != vb.dims or va.dtype != vb.dtype:
            out.append(f"{name}: dims or dtype")
        elif va.dtype.kind in "fc":
            if va.values.tobytes() != vb.values.tobytes() and not np.array_equal(
                    va.values, vb.values, equal_nan=True):
                out.append(f"{name}: values")
        elif not np.array_equal(va.values, vb.values):
            out.append(f"{name}: values")
        if repr(dict(va.attrs)) != repr(dict(vb.attrs)):
            out.append(f"{name}: attrs")
    for k in set(a.attrs) | set(b.attrs):
        if k not in VOLATILE and repr(a.attrs.get(k)) != repr(b.attrs.get(k)):
            out.append(f"attrs[{k}]")
    return out


def _without_kernels(pkg, sc, totals):
    """``pkg.run(sc)`` with ``engine.project_totals`` returning ``totals`` after making
    the kernel's record arrays (``engine.record_arrays``)."""
    engine = pkg.engine

    def stub(prep, progress=None, chunk_size=engine.CHUNK_SIZE):
        engine.record_arrays(prep.population, int(prep.rates.years[0]), chunk_size)
        return totals

    def run():
        real = engine.project_totals
        engine.project_totals = stub
        try:
            return pkg.run(sc)
        finally:
            engine.project_totals = real

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--cases", default="all,costs,mt,mt_costs")
    ap.add_argument("--first", action="store_true",
                    help="also time the run with the population built again")
    ap.add_argument("--outside", action="store_true",
                    help="time the runs without the kernels (see the docstring)")
    a = ap.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    if a.before:
        sys.path.insert(0, str(a.before))
    import numba

    import simulate

    numba.set_num_threads(1)
    packages = {"after": simulate}
    if a.before:
        import simulate_before  # type: ignore[import-not-found]

        packages = {"before": simulate_before, "after": simulate}
    variants = {}
    for case in a.cases.split(","):
        doc = _doc(case, a.records)
        runs = {}
        for tag, pkg in packages.items():
            sc = pkg.scenario.scenario_from_dict(doc)
            prep = pkg.engine.prepare(sc)
            runs[tag] = pkg.run(sc)
            run = functools.partial(pkg.run, sc)
            if a.outside:
                run = _without_kernels(pkg, sc, pkg.engine.project_totals(prep))
            variants[f"{case} run {tag}"] = run
            if not a.outside:
                variants[f"{case} project_totals {tag}"] = (
                    lambda pkg=pkg, prep=prep: pkg.engine.project_totals(prep))
            if a.first:
                variants[f"{case} first run {tag}"] = (
                    lambda pkg=pkg, run=run: (pkg.engine.clear_population_cache(), run()))
        if "before" in runs:
            diff = same_dataset(runs["before"], runs["after"])
            if diff:
                raise SystemExit(f"{case}: before and after differ: {diff}")
    from before_after import shuffled_best

    best, load = shuffled_best(variants, a.rounds)
    ms = {k: round(v * 1e3, 1) for k, v in best.items()}
    outside = {}
    for case in a.cases.split(",") if not a.outside else ():
        for tag in packages:
            outside[f"{case} outside {tag}"] = round(
                ms[f"{case} run {tag}"] - ms[f"{case} project_totals {tag}"], 1)
    print(json.dumps({"records": a.records, "rounds": a.rounds, "load": load,
                      "best_cpu_ms": ms, "run_less_project_totals_ms": outside}, indent=1))


if __name__ == "__main__":
    main()
