"""A block of Monte Carlo draws through variants of the projection kernel's template, side
by side in one process (docs/performance.md, "Round 8 (mc)").

Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/draw_variants.py [--rounds 6] [--draws 128] \\
        [--records 50000] [--costs-only] name=path/to/projection_variant.py ...

Each variant is a copy of ``simulate/kernels/projection.py`` (edited: one piece of
per-draw work removed for an ablation, or a candidate change); it is specialised to the
scenario's structure as the engine does it (``kernels/specialise.py``) and swapped in
for ``engine.specialised_kernel``. A variant file may define helpers of its own (its
module-level functions replace the package's of the same name in the generated module)
and a histogram layout of its own (``histogram_rows`` and ``reduce_histogram`` defined in
it are swapped into the engine while it runs). The draws are those of
``scenarios/lao_mecg_uncertainty.toml``, prepared as ``uncertainty.blocks.run_block``
prepares them (one block). Printed per variant: a digest of its totals (``same`` when
equal to the first variant's, bit for bit), then the best CPU time
(``time.process_time``) of ``engine.project_draws`` over shuffled rounds and the CPU
time inside the kernel's calls (the calling thread's), on one numba thread unless
``--threads``. Compare only within one run.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

import simulate
from simulate import engine
from simulate.kernels import projection, reduction, specialise
from simulate.uncertainty import blocks
from simulate.uncertainty.sampling import read_uncertainty, sample

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "lao_mecg_uncertainty.toml"


def load(name: str, template: Path, flags: tuple[bool, ...], folder: Path):
    """The entry point of ``template`` specialised to ``flags`` (a module of its own)."""
    real = projection.__file__
    projection.__file__ = str(template)
    try:
        text = specialise.source(flags)
    finally:
        projection.__file__ = real
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    file = folder / f"variant_{name}_{digest}.py"
    if not file.exists():
        file.write_text(text)
    spec = importlib.util.spec_from_file_location(file.stem, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[file.stem] = module
    spec.loader.exec_module(module)
    # the generated module takes its globals from the real projection module; a variant's
    # own helpers (and its histogram's allocation and reduction, below) come from the
    # template itself, imported as a module of the package (its relative imports work)
    own = template_module(name, template)
    vars(module).update({k: v for k, v in vars(own).items()
                         if not k.startswith("__") and not k.startswith("S_")
                         and k not in ("household_chunk", "project_chunks", specialise.ENTRY)})
    return getattr(module, specialise.ENTRY), own


def template_module(name: str, template: Path):
    """``template`` imported as ``simulate.kernels._variant_<name>``."""
    if template.resolve() == Path(projection.__file__).resolve():
        return projection
    full = f"simulate.kernels._variant_{name}"
    spec = importlib.util.spec_from_file_location(full, template)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


def histogram_functions(own) -> tuple:
    """The variant's ``histogram_rows`` and ``reduce_histogram`` (a layout of its own),
    else those of kernels/reduction.py."""
    return (getattr(own, "histogram_rows", reduction.histogram_rows),
            getattr(own, "reduce_histogram", reduction.reduce_histogram))


def digest(totals: engine.Totals) -> str:
    arrays = [v for v in vars(totals).values() if isinstance(v, np.ndarray)]
    return hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes()
                                   for a in arrays)).hexdigest()[:12]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variants", nargs="+", help="name=template.py")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--draws", type=int, default=128)
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--threads", type=int, default=1, help="numba threads (default 1)")
    ap.add_argument("--costs-only", action="store_true",
                    help="[outputs] poverty = false, overlap = false")
    args = ap.parse_args()
    numba.set_num_threads(args.threads)
    overrides = {"uncertainty.draws": args.draws, "population.records": args.records}
    if args.costs_only:
        overrides.update({"outputs.poverty": False, "outputs.overlap": False})
    sc = simulate.load_scenario(SCENARIO, overrides=overrides)
    cache = blocks.PreparedCache()
    preps = [cache.get(s) for s in blocks.draw_scenarios(sc, sample(read_uncertainty(sc)))]
    params = [engine.draw_parameters(p) for p in preps]
    t = preps[0].rules
    flags = specialise.structure_flags(t.unit, t.kind, t.once.astype(bool), t.target_row,
                                       t.cond_var, t.monthly, not args.costs_only,
                                       not args.costs_only)
    print(f"{specialise.describe(flags)}; {args.draws} draws; load {os.getloadavg()}")
    current: dict = {}
    engine.specialised_kernel = lambda flags: current["kernel"]
    kernels, first, hist = {}, None, {}
    folder = Path(tempfile.mkdtemp(prefix="draw-variants-"))

    def use(name: str) -> None:  # the variant's histogram layout in the engine
        engine.histogram_rows, engine.reduce_histogram = hist[name]

    for item in args.variants:
        name, template = item.split("=", 1)
        current["kernel"], own = load(name, Path(template), flags, folder)
        kernels[name] = current["kernel"]
        hist[name] = histogram_functions(own)
        use(name)
        found = digest(engine.project_draws(preps[0], params,
                                            hist_bins=blocks.DRAW_HIST_BINS))
        first = first or found
        print(f"  {name}: totals {found} {'same' if found == first else 'DIFFERENT'}",
              flush=True)
    best = dict.fromkeys(kernels, float("inf"))
    inner = dict.fromkeys(kernels, float("inf"))
    spent = [0]

    def timed(kernel):
        def call(*a):
            t0 = time.thread_time_ns()
            kernel(*a)
            spent[0] += time.thread_time_ns() - t0
        return call

    for _ in range(args.rounds):
        names = list(kernels)
        random.shuffle(names)
        for name in names:
            current["kernel"], spent[0] = timed(kernels[name]), 0
            use(name)
            c0 = time.process_time()
            engine.project_draws(preps[0], params, hist_bins=blocks.DRAW_HIST_BINS)
            best[name] = min(best[name], time.process_time() - c0)
            inner[name] = min(inner[name], spent[0] / 1e9)
    print(f"load {os.getloadavg()}")
    for name in kernels:
        print(f"{name:>14}: project_draws {1000 * best[name]:8.1f} ms CPU "
              f"({1000 * best[name] / args.draws:6.2f} ms a draw), in the kernel "
              f"{1000 * inner[name]:8.1f} ms")


if __name__ == "__main__":
    main()
