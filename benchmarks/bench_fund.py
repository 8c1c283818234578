"""Fund benchmark: the Monte Carlo and its solvers on N return paths x T years, warm,
against the same computation written in plain numpy.

Not part of the test suite (never run in CI). Run from the repository root:

    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=2 .venv/bin/python benchmarks/bench_fund.py \\
        [--paths 100000] [--years 30] [--repeat 5] [--json FILE]

* **kernel**: :func:`simulate.fund.plan.solve_plan`, what ``spsim fund`` runs: the
  kernel (numba, ``prange`` over paths) with a three-asset correlated portfolio,
  AR(1) returns, fees, contributions, a bill and bond service, then the solvers: the
  required capital at 13 probabilities, the level contribution, the payout share,
  percentiles of the balance, the depletion probability by year. The
  first call (compile or load from numba's cache) is timed apart; the figure is
  the best of ``--repeat`` warm calls.
* **numpy**: the same model vectorised over paths in plain numpy (normals from
  numpy's generator, Cholesky factor, AR(1), the closed forms as cumulative sums),
  with the same solvers.

The target (issue 11): 100,000 paths x 30 years with the solver well under one
second on this machine's two cores, warm. Times are compared only as ratios
within one run; the absolute figures are printed for the record, with the process's
CPU time (all threads) and the load average: on a shared machine the wall time
includes waiting for the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import replace

import numba
import numpy as np

from simulate.fund.plan import (
    PERCENTILES,
    PROBABILITIES,
    largest_at_least,
    quantile_at_least,
    quantiles_at_least,
    return_model,
    solve_plan,
)
from simulate.scenario import scenario_from_dict

FUND = {
    "initial_capital": 5.0e12,
    "contributions": {"government": 1.0e11, "donor_basket": {"2025": 2.0e11, "2032": 0.0}},
    "pays": {"programme": "a"},
    "fee": 0.003,
    "returns": {
        "autocorrelation": 0.1,
        "correlation": [[1.0, 0.2, 0.3], [0.2, 1.0, 0.4], [0.3, 0.4, 1.0]],
        "assets": {"bonds": {"weight": 0.5, "mean": 0.08, "volatility": 0.03},
                   "equity": {"weight": 0.3, "mean": 0.11, "volatility": 0.22},
                   "usd": {"weight": 0.2, "mean": 0.07, "volatility": 0.10}},
    },
}


def settings(years: int):
    doc = {"scenario": {"name": "bench", "country": "lao", "start_year": 2025,
                        "end_year": 2024 + years},
           "programmes": {"a": {"benefit": {"amount": 1.0}}}, "fund": FUND}
    return scenario_from_dict(doc).fund


def solve(balance, depleted, required, level, payshare, n_years):
    """The plan's solvers and summaries on the numpy version's outputs (as solve_plan)."""
    caps = quantiles_at_least(np.sort(required), PROBABILITIES)
    lev = quantile_at_least(level, 0.9)
    share = largest_at_least(payshare, 0.9)
    pct = np.percentile(np.ascontiguousarray(balance.T), PERCENTILES, axis=1)
    counts = np.bincount(depleted[depleted >= 0], minlength=n_years)
    dep = np.cumsum(counts[:n_years]) / len(depleted)
    return caps, lev, share, pct, dep


def numpy_version(fs, n, capital, inflation, contrib, bill, fixed, seed=1):
    """The same model in plain numpy (vectorised over paths)."""
    m = return_model(fs)
    t_years = bill.shape[1]
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, t_years, len(m.mu))) @ m.factor.T
    y = np.empty_like(z)
    y[:, 0] = z[:, 0]
    for t in range(1, t_years):
        y[:, t] = m.phi * y[:, t - 1] + np.sqrt(1 - m.phi ** 2) * z[:, t]
    r = (np.exp(m.mu + m.sigma * y) - 1.0) @ m.weights
    g = (1.0 + r) * (1.0 - m.fee)
    out = bill[0] + fixed[0]
    c = contrib[0]
    disc = np.concatenate([np.ones((n, 1)), np.cumprod(g, axis=1)[:, :-1]], axis=1)
    s_net = np.cumsum((out - c) / disc, axis=1)
    required = np.maximum(0.0, s_net.max(axis=1))
    level = np.maximum(0.0, ((s_net - capital) / np.cumsum(1.0 / disc, axis=1)).max(axis=1))
    payshare = np.maximum(0.0, ((capital + np.cumsum((c - fixed[0]) / disc, axis=1))
                                / np.cumsum(bill[0] / disc, axis=1)).min(axis=1))
    balance = np.empty((n, t_years + 1))
    balance[:, 0] = b = capital
    depleted = np.full(n, -1)
    for t in range(t_years):
        avail = b + c[t] - out[t]
        depleted[(avail < 0) & (depleted < 0)] = t
        b = avail * g[:, t]
        balance[:, t + 1] = b
    return balance, depleted, required, level, payshare


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    fs = settings(a.years)
    years = np.arange(2025, 2025 + a.years)
    bill = np.linspace(2e11, 1e12, a.years)[None]
    contrib = (1e11 + np.interp(years, [2025, 2032], [2e11, 0.0]))[None]
    fixed = np.zeros_like(bill)
    fixed[0, 5] = 5e10
    inflation = np.full_like(bill, 0.05)

    fs = replace(fs, draws=a.paths)

    def kernel_once():
        values, _ = solve_plan(fs, years, bill, contrib, fixed, inflation)
        return values["fund_required_capital_by_probability"], values

    def numpy_once():
        out = numpy_version(fs, a.paths, fs.initial_capital, inflation, contrib, bill, fixed)
        return solve(*out, a.years)

    t0 = time.perf_counter()
    kernel_once()
    first = time.perf_counter() - t0
    kernel, kernel_cpu = min(_timed(kernel_once) for _ in range(a.repeat))
    numpy_t, numpy_cpu = min(_timed(numpy_once) for _ in range(max(1, a.repeat // 2)))
    k_caps = kernel_once()[0]
    n_caps = numpy_once()[0]
    result = {
        "paths": a.paths, "years": a.years, "threads": numba.get_num_threads(),
        "cpus": os.cpu_count(), "machine": platform.processor() or platform.machine(),
        "first_call_s": round(first, 3), "kernel_warm_s": round(kernel, 4),
        "kernel_warm_cpu_s": round(kernel_cpu, 4),
        "numpy_s": round(numpy_t, 4), "numpy_cpu_s": round(numpy_cpu, 4),
        "ratio_numpy_over_kernel": round(numpy_t / kernel, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "required_capital_90_kernel": k_caps[PROBABILITIES.index(0.9)],
        "required_capital_90_numpy": n_caps[PROBABILITIES.index(0.9)],
    }
    for k, v in result.items():
        print(f"{k:>28}: {v}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(result, fh, indent=2)


def _timed(fn) -> tuple[float, float]:
    """Wall time and the process's CPU time (all threads) of one call: on a busy machine
    the CPU time / threads estimates the wall time the call would take alone."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


if __name__ == "__main__":
    main()
