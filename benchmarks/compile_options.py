"""Numba compile options of the projection kernel: the cold compile and the warm kernel
under each option, in fresh processes (docs/performance.md, "Round 8 (opts)").

A variant is a set of ``@njit`` options for the projection kernel and the helpers its
body calls (the functions of kernels/projection.py, rng.py, conditions.py,
reduction.py and of the generated module), applied by wrapping ``numba.njit`` in the
child before the package is imported, and/or environment variables of numba's config
(``NUMBA_LLVM_REFPRUNE_PASS``, ``NUMBA_OPT``, ...). Options cannot differ within one
process, so each measurement is a fresh child; the variants alternate, round after
round (the order shuffled in each round), and each child reports CPU
(``time.process_time``) and wall seconds.

* ``cold``: a new ``NUMBA_CACHE_DIR`` and ``XDG_CACHE_HOME`` per child, then
  ``kernel(flags).compile(argument_types())`` of the scenario's structure (what
  ``simulate.compile_ahead``'s child does: the entry and every helper it calls).
* ``inproc``: the entry alone compiled again and again in one process, its helpers
  compiled once beforehand (:func:`_inproc`): entry options only, no process noise.
* ``mc``: like ``warm``, a whole ``simulate.run`` of ``--scenario`` (a Monte Carlo
  one: its draws), best of R runs after a first.
* ``warm``: one cache per variant (compiled by its first child); in the child, one numba
  thread, ``engine.project_totals`` of ``bench_projection.scenario_doc(N, 30)`` with
  every output and costs only (``[outputs] poverty = false, overlap = false``), best of
  R calls each; the totals of every variant are checked equal to the first variant's.

Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/compile_options.py cold --variants base,numpy --rounds 2
    .venv/bin/python benchmarks/compile_options.py inproc --variants base,nocfunc --rounds 4
    .venv/bin/python benchmarks/compile_options.py warm --variants base,numpy --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the kernel's modules whose functions a variant's options apply to
MODULES = ("simulate.kernels.projection", "simulate.kernels.rng",
           "simulate.kernels.conditions", "simulate.kernels.reduction")
#: name -> (options of every kernel function, options of the helpers only, environment)
VARIANTS: dict[str, tuple[dict, dict, dict]] = {
    "base": ({}, {}, {}),
    "numpy": ({"error_model": "numpy"}, {}, {}),
    "inline": ({}, {"inline": "always"}, {}),
    "nocfunc": ({"no_cfunc_wrapper": True}, {}, {}),
    "numpy_nocfunc": ({"error_model": "numpy", "no_cfunc_wrapper": True}, {}, {}),
    "norefprune": ({}, {}, {"NUMBA_LLVM_REFPRUNE_PASS": "0"}),
    "prune_bbd": ({}, {}, {"NUMBA_LLVM_REFPRUNE_FLAGS": "per_bb,diamond"}),
    "opt2": ({}, {}, {"NUMBA_OPT": "2"}),
    "novec": ({}, {}, {"NUMBA_LOOP_VECTORIZE": "0"}),
}


def _patch(variant: str) -> None:
    """Wrap ``numba.njit`` so that the kernel's functions get the variant's options."""
    import numba

    every, helpers, _ = VARIANTS[variant]
    if not every and not helpers:
        return
    real = numba.njit

    def njit(*args, **kwargs):
        def decorate(fn):
            mod = fn.__module__
            if mod in MODULES or mod.startswith("simulate_kernel_"):
                extra = dict(every)
                if fn.__name__ not in ("project_households", "project_chunks"):
                    extra.update(helpers)
                return real(**{**kwargs, **extra})(fn)
            return real(**kwargs)(fn)

        if args and callable(args[0]):
            return decorate(args[0])
        return decorate

    numba.njit = njit


def _child_cold(variant: str, scenario: str) -> dict:
    _patch(variant)
    sys.path.insert(0, str(ROOT))
    from simulate.compile_ahead import argument_types
    from simulate.kernel_cache import scenario_flags
    from simulate.kernels.specialise import kernel
    from simulate.scenario import load_scenario

    flags = scenario_flags(load_scenario(ROOT / scenario))
    sig = argument_types()
    c0, w0 = time.process_time(), time.perf_counter()
    kernel(flags).compile(sig)
    return {"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0}


def _child_warm(variant: str, records: int, repeats: int) -> dict:
    _patch(variant)
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    import numba
    import numpy as np
    from bench_projection import scenario_doc

    from simulate import engine
    from simulate.scenario import scenario_from_dict

    numba.set_num_threads(1)
    out: dict = {}
    for case in ("costs", "all"):
        doc = scenario_doc(records, 30)
        if case == "costs":
            doc["outputs"] = {"poverty": False, "overlap": False}
        prep = engine.prepare(scenario_from_dict(doc))
        totals = engine.project_totals(prep)  # compiled or loaded from the cache
        best = float("inf")
        for _ in range(repeats):
            c0 = time.process_time()
            engine.project_totals(prep)
            best = min(best, time.process_time() - c0)
        out[case] = best
        arrays = [np.asarray(v) for v in vars(totals).values()
                  if isinstance(v, np.ndarray)]
        out[case + "_digest"] = __import__("hashlib").sha256(
            b"".join(a.tobytes() for a in arrays)).hexdigest()[:16]
    return out


def _inproc(variants: list[str], scenario: str, rounds: int) -> dict:
    """The entry alone compiled again and again in this process (its helpers compiled
    once, beforehand): a new uncached dispatcher of the generated entry's Python function
    per compile, with each variant's entry options and numba config (the environment
    variables of a variant set as ``numba.core.config`` attributes around the compile),
    the variants in a shuffled order in each round. Returns CPU seconds per compile."""
    sys.path.insert(0, str(ROOT))
    import numba
    from numba.core import config

    from simulate.compile_ahead import argument_types
    from simulate.kernel_cache import scenario_flags
    from simulate.kernels.specialise import ENTRY, module
    from simulate.scenario import load_scenario

    mod = module(scenario_flags(load_scenario(ROOT / scenario)))
    sig = argument_types()
    getattr(mod, ENTRY).compile(sig)  # the helpers, and numpy's overloads, once
    py_func = getattr(mod, ENTRY).py_func
    attrs = {"NUMBA_LLVM_REFPRUNE_PASS": ("LLVM_REFPRUNE_PASS", int),
             "NUMBA_LLVM_REFPRUNE_FLAGS": ("LLVM_REFPRUNE_FLAGS", str),
             "NUMBA_OPT": ("OPT", int), "NUMBA_LOOP_VECTORIZE": ("LOOP_VECTORIZE", int)}
    out: dict[str, list[float]] = {n: [] for n in variants}
    for r in range(rounds):
        order = variants[:]
        random.shuffle(order)
        for n in order:
            every, _, env = VARIANTS[n]
            saved = {attrs[k][0]: getattr(config, attrs[k][0]) for k in env}
            for k, v in env.items():
                setattr(config, attrs[k][0], attrs[k][1](v))
            try:
                disp = numba.njit(cache=False, nogil=True, **every)(py_func)
                c0 = time.process_time()
                disp.compile(sig)
                out[n].append(time.process_time() - c0)
            finally:
                for k, v in saved.items():
                    setattr(config, k, v)
            print(f"round {r} {n}: {out[n][-1]:.2f} s load {os.getloadavg()[0]:.2f}",
                  file=sys.stderr, flush=True)
    return out


def _child_mc(variant: str, scenario: str, repeats: int) -> dict:
    """``simulate.run`` of a scenario (its draws included), after a first run that
    compiles; best of ``repeats`` runs' CPU, one numba thread."""
    _patch(variant)
    sys.path.insert(0, str(ROOT))
    import numba

    import simulate

    numba.set_num_threads(1)
    sc = simulate.load_scenario(ROOT / scenario)
    simulate.run(sc)
    best = float("inf")
    for _ in range(repeats):
        c0 = time.process_time()
        simulate.run(sc)
        best = min(best, time.process_time() - c0)
    return {"run": best}


def _spawn(args: list[str], env: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    if proc.returncode:
        raise SystemExit(f"child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("cold", "warm", "inproc", "mc", "_cold", "_warm", "_mc"))
    ap.add_argument("--variants", default="base,numpy")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--scenario", default="scenarios/lao_mecg.toml")
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--variant", default="base")
    a = ap.parse_args()
    if a.mode == "_cold":
        print(json.dumps(_child_cold(a.variant, a.scenario)))
        return
    if a.mode == "_mc":
        print(json.dumps(_child_mc(a.variant, a.scenario, a.repeats)))
        return
    if a.mode == "_warm":
        print(json.dumps(_child_warm(a.variant, a.records, a.repeats)))
        return
    names = a.variants.split(",")
    for n in names:
        if n not in VARIANTS:
            raise SystemExit(f"unknown variant {n!r}: one of {', '.join(VARIANTS)}")
    if a.mode == "inproc":
        print(json.dumps(_inproc(names, a.scenario, a.rounds), indent=1))
        return
    base_env = {**os.environ, "SPSIM_COMPILE_AHEAD": "0"}
    warm_dirs = {n: tempfile.mkdtemp(prefix=f"opts-warm-{n}-") for n in names}
    results: dict[str, list] = {n: [] for n in names}
    for r in range(a.rounds):
        order = names[:]
        random.shuffle(order)
        for n in order:
            env = {**base_env, **VARIANTS[n][2]}
            if a.mode == "cold":
                d = tempfile.mkdtemp(prefix=f"opts-cold-{n}-")
                env.update(NUMBA_CACHE_DIR=f"{d}/numba", XDG_CACHE_HOME=f"{d}/xdg")
                res = _spawn(["_cold", "--variant", n, "--scenario", a.scenario], env)
            elif a.mode == "mc":
                d = warm_dirs[n]
                env.update(NUMBA_CACHE_DIR=f"{d}/numba", XDG_CACHE_HOME=f"{d}/xdg")
                res = _spawn(["_mc", "--variant", n, "--scenario", a.scenario,
                              "--repeats", str(a.repeats)], env)
            else:
                d = warm_dirs[n]
                env.update(NUMBA_CACHE_DIR=f"{d}/numba", XDG_CACHE_HOME=f"{d}/xdg")
                res = _spawn(["_warm", "--variant", n, "--records", str(a.records),
                              "--repeats", str(a.repeats)], env)
            res["load"] = round(os.getloadavg()[0], 2)
            results[n].append(res)
            print(f"round {r} {n}: {json.dumps(res)}", file=sys.stderr, flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
