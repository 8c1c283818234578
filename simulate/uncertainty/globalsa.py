"""Global sensitivity beyond Sobol': Morris screening and two moment-independent
measures (Borgonovo's delta, PAWN), designed and analysed by SALib, evaluated by the
engine in one fused pass (``spsim sensitivity --global --method morris|delta|pawn``;
docs/sensitivity.md). PAWN's interval is a bootstrap of its median over the runs
(``PAWN_RESAMPLES``), as SALib gives none.

SALib works on the unit hypercube: its points are quantiles of each parameter's
distribution, mapped to values by the inverse CDF (:meth:`Distribution.values_at`).
A Morris grid point 0 or 1 is the lowest or highest value of a bounded distribution
and the 0.5th or 99.5th percentile of an unbounded one, so that an elementary effect
is the change of the output over a step of 2/3 of each parameter's range. The
design's seed is ``uncertainty.seed`` (default ``scenario.seed``) on a stream of its
own: the same scenario, seed and size give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Problem, ScenarioError
from .sampling import _TINY, _TOP, UncertaintySpec, values_from_uniforms

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario
    from .runner import DrawProgress

__all__ = ["GLOBAL_STREAM", "METHODS", "GlobalResult", "analyse", "global_sensitivity",
           "quantiles", "rank_warning"]

#: second word of the designs' seed
GLOBAL_STREAM = 0x6C0BA1
#: methods of --method besides "sobol" (simulate.uncertainty.sobol)
METHODS = ("morris", "delta", "pawn")
#: default size: Morris trajectories r (r (k + 1) runs); delta, PAWN samples n (n runs)
DEFAULT_SIZE = {"morris": 20, "delta": 512, "pawn": 512}
#: bootstrap resamples of delta (SALib's KDE is slow) and of PAWN's median
DELTA_RESAMPLES = 20
PAWN_RESAMPLES = 100
#: conditioning slices of PAWN
PAWN_SLICES = 10
MORRIS_LEVELS = 4
#: quantile range of an unbounded distribution on the Morris grid
UNBOUNDED_TAIL = 0.005

Evaluate = Callable[[list[dict[str, Any]]], np.ndarray]


@dataclass(frozen=True)
class GlobalResult:
    """Indices of one output by ``method``: ``columns`` (name -> ``[k]``, e.g. mu_star,
    sigma; delta, S1) and their confidence half-widths (``conf``), per parameter in
    declaration order; the number of runs and the design's size."""

    method: str
    output: str
    output_title: str
    units: str
    parameters: tuple[str, ...]
    columns: dict[str, np.ndarray]
    conf: dict[str, np.ndarray]
    runs: int
    size: int
    seed: int
    rank_by: str
    notes: tuple[str, ...] = field(default=())

    def order(self) -> list[int]:
        """Parameter indices, most influential first (by ``rank_by``)."""
        v = self.columns[self.rank_by]
        return sorted(range(len(self.parameters)), key=lambda i: -float(v[i]))


def _problem(spec: UncertaintySpec) -> dict[str, Any]:
    k = len(spec.parameters)
    return {"num_vars": k, "names": list(spec.keys()), "bounds": [[0.0, 1.0]] * k}


def quantiles(spec: UncertaintySpec, x: np.ndarray, method: str) -> np.ndarray:
    """SALib's unit-cube points ``x`` as quantiles of each distribution (module
    docstring), strictly inside (0, 1)."""
    q = np.array(x, dtype=float)
    if method == "morris":
        for j, d in enumerate(spec.parameters):
            lo, hi = d.support() if d.numeric else (0.0, 1.0)
            if not (np.isfinite(lo) and np.isfinite(hi)):
                q[:, j] = UNBOUNDED_TAIL + (1 - 2 * UNBOUNDED_TAIL) * q[:, j]
    return np.clip(q, _TINY, _TOP)


def design(spec: UncertaintySpec, method: str, size: int, seed: int) -> np.ndarray:
    """SALib's points in the unit cube ``[runs, k]``."""
    problem = _problem(spec)
    rng = np.random.default_rng([seed, GLOBAL_STREAM])
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, size, num_levels=MORRIS_LEVELS, seed=rng)
    if method in ("delta", "pawn"):
        from SALib.sample import latin

        return latin.sample(problem, size, seed=rng)
    raise ValueError(f"unknown method {method!r}")


def analyse(spec: UncertaintySpec, method: str, x: np.ndarray, y: np.ndarray, seed: int
            ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], str]:
    """SALib's analysis of outputs ``y`` at points ``x``: (columns, confidence
    half-widths, the column that ranks)."""
    import contextlib
    import io
    import warnings

    problem = _problem(spec)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if method == "morris":
            from SALib.analyze import morris

            r = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, num_resamples=1000,
                               seed=int(seed % 2**32))
            cols = {k: np.asarray(r[k], dtype=float) for k in ("mu", "mu_star", "sigma")}
            return cols, {"mu_star": np.asarray(r["mu_star_conf"], dtype=float)}, "mu_star"
        from SALib.analyze import delta

        if method == "pawn":
            from SALib.analyze import pawn

            def medians(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                r = pawn.analyze(problem, x[rows], y[rows], S=PAWN_SLICES,
                                 seed=int(seed % 2**32))
                return (np.asarray(r["median"], dtype=float),
                        np.asarray(r["maximum"], dtype=float))

            med, mx = medians(np.arange(len(y)))
            rng = np.random.default_rng([seed, GLOBAL_STREAM, 1])
            boot = np.array([medians(rng.integers(0, len(y), len(y)))[0]
                             for _ in range(PAWN_RESAMPLES)])
            half = 1.959964 * boot.std(axis=0, ddof=1)
            return {"pawn_median": med, "pawn_max": mx}, {"pawn_median": half}, "pawn_median"

        seed32 = int(seed % 2**32)
        with contextlib.redirect_stdout(io.StringIO()):  # SALib prints bias notices
            r = delta.analyze(problem, x, y, num_resamples=DELTA_RESAMPLES, seed=seed32,
                              method="delta")
            s1 = delta.analyze(problem, x, y, num_resamples=DELTA_RESAMPLES, seed=seed32,
                               method="sobol")
        # SALib >= 1.6 names Borgonovo's estimate delta_raw (beside two variants)
        name = "delta" if "delta" in r else "delta_raw"
        cols = {"delta": np.asarray(r[name], dtype=float),
                "S1": np.asarray(s1["S1"], dtype=float)}
        return cols, {"delta": np.asarray(r[f"{name}_conf"], dtype=float),
                      "S1": np.asarray(s1["S1_conf"], dtype=float)}, "delta"


def rank_warning(parameters: tuple[str, ...], value: np.ndarray, half: np.ndarray
                 ) -> str | None:
    """A warning when the intervals ``value +- half`` of two parameters next in rank
    overlap (their order is not settled), else None."""
    order = sorted(range(len(parameters)), key=lambda i: -float(value[i]))
    pairs = [(a, b) for a, b in zip(order, order[1:], strict=False)
             if value[a] - half[a] <= value[b] + half[b] and value[a] > 0]
    if not pairs:
        return None
    shown = "; ".join(f"{parameters[a]} ~ {parameters[b]}" for a, b in pairs)
    return ("intervals too wide to rank these parameters (their confidence intervals "
            f"overlap): {shown}; a larger design (--samples) narrows them")


def run_design(spec: UncertaintySpec, method: str, size: int, seed: int, evaluate: Evaluate
               ) -> tuple[np.ndarray, np.ndarray]:
    """SALib's design, mapped to parameter values and evaluated in one call of
    ``evaluate`` (a list of override dicts -> outputs)."""
    x = design(spec, method, size, seed)
    values = values_from_uniforms(spec, quantiles(spec, x, method))
    return x, np.asarray(evaluate(values), dtype=float)


def global_sensitivity(scenario: Scenario, method: str, output: str | None = None,
                       size: int | None = None, progress: DrawProgress | None = None,
                       scheduler: str | None = None) -> GlobalResult:
    """Morris or delta indices of ``output`` over ``scenario``'s [uncertainty]
    parameters: the whole design in one fused :func:`run_values` call."""
    from .oneway import resolve_output
    from .runner import run_values, uncertainty_of

    if method not in METHODS:
        raise ScenarioError(Problem("--method", "method", "sobol, morris, delta or pawn",
                                    repr(method)))
    size = DEFAULT_SIZE[method] if size is None else int(size)
    if size < 2:
        raise ScenarioError(Problem("--samples", "samples", "an integer >= 2", repr(size)))
    spec = uncertainty_of(scenario)
    if not spec.parameters:
        raise ScenarioError(Problem(scenario.where("uncertainty"), "uncertainty.parameters",
                                    "parameters to analyse", "nothing"))
    base_ds = run_values(scenario, [{}])
    out = resolve_output(scenario, output, base_ds.isel(draw=0))

    def evaluate(values: list[dict[str, Any]]) -> np.ndarray:
        return out.values(run_values(scenario, values, progress, scheduler))

    x, y = run_design(spec, method, size, spec.seed, evaluate)
    bad = ~np.isfinite(y)
    if bad.any():
        raise ScenarioError(Problem(OUTPUT, "output", "a result that is a number in every "
                                    "run", f"{out.text} = {y[bad][0]} in {int(bad.sum())} "
                                    f"of {len(y)} runs"))
    cols, conf, rank_by = analyse(spec, method, x, y, spec.seed)
    notes = []
    warn = rank_warning(spec.keys(), cols[rank_by], conf[rank_by])
    if warn:
        notes.append(warn)
    if spec.correlated:
        notes.append("the declared rank correlations were ignored: the design draws each "
                     "parameter from its own distribution")
    return GlobalResult(method, out.text, out.title, out.units, spec.keys(), cols, conf,
                        len(y), size, spec.seed, rank_by, tuple(notes))


OUTPUT = "--output"
