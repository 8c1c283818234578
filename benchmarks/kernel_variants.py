"""`engine.project_totals` through variants of the projection kernel's template, side by
side in one process (docs/performance.md, "Round 9 (pm)"; the probe of "Round 7
(interp)").

Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/kernel_variants.py [--rounds 9] [--cases cat,catc,mt,lao] \\
        name=path/to/projection_variant.py ...

Each variant is a copy of ``simulate/kernels/projection.py`` (edited: a candidate change,
or an ablation); it is specialised to each case's structure as the engine does it
(``kernels/specialise.py``) and swapped in for ``engine.specialised_kernel``. A variant
may call only what the package's own ``projection`` module imports (the generated module
takes its globals from there). Cases: ``cat`` = ``bench_projection.scenario_doc(100_000,
30)``, ``catc`` = the same costs only (``[outputs]`` poverty, overlap = false), ``mt`` =
its ``means_tested`` variant, ``lao`` = ``scenarios/lao_mecg.toml``. Printed per case and
variant: a digest of its totals (``same`` when equal to the first variant's, bit for
bit; checked before any timing), then the best CPU time (``time.process_time``) of a
whole ``project_totals`` over shuffled rounds, and the sum over the kernel's calls of
each call's best thread CPU time, on one numba thread. Compare only within one run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

import bench_projection as bp  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
from draw_variants import load  # noqa: E402

from simulate import engine  # noqa: E402
from simulate.kernels import specialise  # noqa: E402
from simulate.scenario import load_scenario, scenario_from_dict  # noqa: E402


def case_scenario(name: str):
    """The scenario of a case (see the module docstring)."""
    if name == "lao":
        return load_scenario(ROOT / "scenarios" / "lao_mecg.toml")
    doc = bp.scenario_doc(100_000, 30, "means_tested" if name == "mt" else "categorical")
    if name == "catc":
        doc["outputs"] = {"poverty": False, "overlap": False}
    return scenario_from_dict(doc)


def load_variant(name: str, template: Path, flags: tuple[bool, ...], gen: Path):
    """The entry point of ``template`` specialised to ``flags`` (a module file in ``gen``,
    named by a hash of its text, so that numba's cache serves a later run), with the
    template's own helpers: ``draw_variants.load``."""
    return load(name, template, flags, gen)[0]


def totals_digest(totals) -> str:
    arrays = [np.ascontiguousarray(v) for v in vars(totals).values() if isinstance(v, np.ndarray)]
    return hashlib.sha256(b"".join(a.tobytes() for a in arrays)).hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--cases", default="cat,catc,mt,lao")
    parser.add_argument("--gen", type=Path, default=None,
                        help="directory of the generated modules (default: a new temporary one)")
    parser.add_argument("variants", nargs="+", help="name=path/to/projection_variant.py")
    args = parser.parse_args()
    numba.set_num_threads(1)
    gen = args.gen or Path(tempfile.mkdtemp(prefix="kernel-variants-"))
    gen.mkdir(parents=True, exist_ok=True)
    variants = [(n, Path(p)) for n, p in (v.split("=", 1) for v in args.variants)]
    cases = args.cases.split(",")
    preps = {c: engine.prepare(case_scenario(c)) for c in cases}
    current: dict = {}

    def swapped(flags):
        current["flags"] = flags
        return current["kernel"]

    engine.specialised_kernel = swapped
    kernels = {}
    for c in cases:
        current["kernel"] = None
        try:  # learn the flags the engine asks for
            engine.project_totals(preps[c])
        except TypeError:
            pass
        flags = current["flags"]
        print(c, specialise.describe(flags), flush=True)
        first = None
        for name, template in variants:
            t0 = time.process_time()
            current["kernel"] = kernels[c, name] = load_variant(name, template, flags, gen)
            digest = totals_digest(engine.project_totals(preps[c]))
            first = first or digest
            print(f"  {name}: first call {time.process_time() - t0:.1f} s CPU, digest {digest}"
                  f" {'same' if digest == first else 'DIFFERENT'}", flush=True)
    best = dict.fromkeys(kernels, float("inf"))
    piece: dict = {}

    def timed(key, fn):
        def call(*a):
            t0 = time.thread_time_ns()
            fn(*a)
            k = (key, current["call"])
            current["call"] += 1
            piece[k] = min(piece.get(k, 1 << 62), time.thread_time_ns() - t0)
        return call

    for _ in range(args.rounds):
        keys = list(kernels)
        random.shuffle(keys)
        for key in keys:
            current["kernel"], current["call"] = timed(key, kernels[key]), 0
            t0 = time.process_time()
            engine.project_totals(preps[key[0]])
            best[key] = min(best[key], time.process_time() - t0)
    print("load average", os.getloadavg())
    for c in cases:
        print(c, "best total:", "  ".join(f"{n}={best[c, n] * 1e3:.1f}ms" for n, _ in variants))
        sums = {n: sum(v for (k, _), v in piece.items() if k == (c, n)) / 1e6
                for n, _ in variants}
        print(c, "sum of best calls:", "  ".join(f"{n}={t:.1f}ms" for n, t in sums.items()))


if __name__ == "__main__":
    main()
