"""Global sensitivity: Sobol' indices of one result over the ``[uncertainty]`` parameters.

The design is Saltelli's (Saltelli et al. 2010, section 5), as
``scipy.stats.sobol_indices`` builds it: one scrambled Sobol' sequence of ``2k``
dimensions gives the ``[n, k]`` matrices of uniforms A (its first k columns) and B (its
last k); AB_i is A with column i taken from B. The ``n (k + 2)`` points are mapped to
parameter values by each distribution's inverse CDF and evaluated in **one**
:func:`~simulate.uncertainty.runner.run_values` call (the fused kernel, common random
numbers). ``scipy.stats.sobol_indices`` gives the indices from those evaluations:

* first order (Saltelli 2010): ``S_i = mean(f(B) (f(AB_i) - f(A))) / V``;
* total (Jansen 1999): ``ST_i = mean((f(A) - f(AB_i))^2) / (2 V)``;

with ``V`` the variance of the ``2n`` values f(A), f(B), after centring every value on
their mean. Confidence intervals are BCa bootstraps over the n rows (scipy's own
resampling, with a seeded generator so that they are reproducible). The indices assume
independent parameters: declared correlations are ignored, with a note. User's guide:
docs/uncertainty.md, "Global sensitivity".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from ..errors import Problem, ScenarioError
from .output_spec import Output, default_output, output_problem, parse_output
from .runner import DrawProgress, run_values, uncertainty_of
from .sampling import _TINY, _TOP, Distribution, UncertaintySpec, values_from_uniforms

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario

__all__ = ["DEFAULT_SAMPLES", "SOBOL_STREAM", "Output", "SobolResult", "default_output",
           "estimates", "parse_output", "saltelli_design", "sobol", "sobol_from_values"]

#: second word of the design's seed: a stream apart from the draws' (SAMPLING_STREAM)
SOBOL_STREAM = 0x50B017
#: default n: rows of A and B (a power of 2); the runs are n (k + 2)
DEFAULT_SAMPLES = 64
#: the smallest n accepted
MIN_SAMPLES = 8
#: bootstrap resamples of the confidence intervals
RESAMPLES = 999
#: where a bad --samples is reported
SAMPLES_WHERE = "--samples"


# --- the design and the estimators ----------------------------------------------------


def saltelli_design(n: int, k: int, rng: np.random.Generator | int | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Uniforms A, B (``[n, k]``) and AB (``[k, n, k]``, AB[i] = A with column i of B).

    A and B are the first and last k columns of ``n`` points of a scrambled Sobol'
    sequence in ``2k`` dimensions (``scipy.stats.qmc.Sobol(2k, bits=64)``), as
    ``scipy.stats.sobol_indices`` draws them: the same generator gives the same points.
    ``n`` must be a power of 2.
    """
    if n < 1 or n & (n - 1):
        raise ValueError(f"n expected a power of 2, found {n}")
    ab = stats.qmc.Sobol(d=2 * k, scramble=True, bits=64, rng=rng).random(n)
    a, b = ab[:, :k], ab[:, k:]
    pages = np.repeat(a[None], k, axis=0)
    idx = np.arange(k)
    pages[idx, :, idx] = b.T
    return a, b, pages


def design_points(a: np.ndarray, b: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """The ``[n (k + 2), k]`` points in run order: A's rows, B's, then AB_0's ... AB_(k-1)'s."""
    return np.concatenate([a, b, ab.reshape(-1, a.shape[1])])


def split_runs(y: np.ndarray, n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f(A) ``[n]``, f(B) ``[n]``, f(AB) ``[k, n]`` from the outputs in run order."""
    y = np.asarray(y, dtype=float)
    return y[:n], y[n:2 * n], y[2 * n:].reshape(k, n)


def estimates(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen) indices of outputs already centred on
    the mean of f(A) and f(B): ``mean(f_B (f_AB - f_A)) / V`` and ``mean((f_A - f_AB)^2) /
    (2 V)``, ``V = var(f_A, f_B)``; zero where V is 0 (as ``scipy.stats.sobol_indices``)."""
    var = np.var(np.concatenate([f_a, f_b]))
    if not var > 0:
        k = f_ab.shape[0]
        return np.zeros(k), np.zeros(k)
    first = np.mean(f_b * (f_ab - f_a), axis=-1) / var
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var
    return first, total


@dataclass(frozen=True)
class SobolResult:
    """Sobol' indices of one output: per parameter (declaration order) the first-order and
    total indices and their ``confidence_level`` bootstrap intervals (``[k, 2]``: low,
    high); the output's mean and variance over the 2n runs of A and B, and its value with
    the scenario's own values (``base``)."""

    title: str
    output: str
    output_title: str
    units: str
    parameters: tuple[str, ...]
    distributions: tuple[str, ...]
    first: np.ndarray
    total: np.ndarray
    first_ci: np.ndarray
    total_ci: np.ndarray
    n: int
    runs: int
    mean: float
    variance: float
    base: float
    confidence_level: float
    resamples: int
    seed: int
    notes: tuple[str, ...] = ()

    def order(self) -> list[int]:
        """Parameter indices, largest total index first (ties keep the declared order)."""
        return sorted(range(len(self.parameters)), key=lambda i: -float(self.total[i]))


def _interval(low: np.ndarray, high: np.ndarray, dist: np.ndarray, estimate: np.ndarray,
              level: float) -> np.ndarray:
    """``[k, 2]`` intervals from the BCa bounds; where BCa is undefined (a bootstrap
    distribution of one value, as for a parameter with no effect) the distribution's
    percentile interval, else the estimate itself."""
    low, high = np.array(low, dtype=float), np.array(high, dtype=float)
    bad = ~(np.isfinite(low) & np.isfinite(high))
    if bad.any():
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q = np.nanquantile(dist[bad], [(1 - level) / 2, (1 + level) / 2], axis=-1)
        low[bad], high[bad] = q[0], q[1]
    still = ~(np.isfinite(low) & np.isfinite(high))
    low[still], high[still] = estimate[still], estimate[still]
    return np.column_stack([low, high])


def sobol_from_values(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray, *,
                      confidence_level: float = 0.95, resamples: int = RESAMPLES,
                      rng: np.random.Generator | int | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """First-order and total indices (``scipy.stats.sobol_indices``) of one output's
    f(A) ``[n]``, f(B) ``[n]`` and f(AB) ``[k, n]``, and their BCa bootstrap intervals
    ``[k, 2]`` over the n rows (``scipy.stats.bootstrap``, seeded by ``rng``)."""
    f_a, f_b, f_ab = (np.asarray(x, dtype=float) for x in (f_a, f_b, f_ab))
    n = f_a.shape[0]
    k = f_ab.shape[0]
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.sobol_indices(func={"f_A": f_a[None], "f_B": f_b[None],
                                        "f_AB": f_ab[:, None, :]}, n=n)
    first = np.asarray(res.first_order, dtype=float).reshape(k)
    total = np.asarray(res.total_order, dtype=float).reshape(k)
    # the bootstrap of scipy's SobolResult.bootstrap (rows resampled, BCa), seeded
    mean = np.mean(np.concatenate([f_a, f_b]))
    ca, cb, cab = f_a - mean, f_b - mean, f_ab - mean

    def statistic(idx: np.ndarray) -> np.ndarray:
        s, st = estimates(ca[idx], cb[idx], cab[:, idx])
        return np.stack([s, st])

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        boot = stats.bootstrap([np.arange(n)], statistic, method="BCa",
                               n_resamples=resamples, confidence_level=confidence_level,
                               vectorized=False, rng=rng)
    low = np.asarray(boot.confidence_interval.low, dtype=float).reshape(2, k)
    high = np.asarray(boot.confidence_interval.high, dtype=float).reshape(2, k)
    dist = np.asarray(boot.bootstrap_distribution, dtype=float).reshape(2, k, -1)
    return (first, total, _interval(low[0], high[0], dist[0], first, confidence_level),
            _interval(low[1], high[1], dist[1], total, confidence_level))


def _describe(d: Distribution) -> str:
    if d.kind == "discrete":
        return f"discrete{list(d.params['values'])}"
    fields = ", ".join(f"{k}={v:g}" for k, v in d.params.items()
                       if isinstance(v, int | float) and not isinstance(v, bool))
    return f"{d.kind}({fields})"


def check_samples(n: int) -> int:
    """``n`` when it is a power of 2 >= MIN_SAMPLES; else a ScenarioError."""
    if not (isinstance(n, int | np.integer) and n >= MIN_SAMPLES and not n & (n - 1)):
        raise ScenarioError(Problem(SAMPLES_WHERE, "samples", f"a power of 2 >= {MIN_SAMPLES} "
                                    "(Sobol' points balance only in powers of 2: 8, 16, 32, "
                                    "64, 128, ...)", repr(n)))
    return int(n)


def _constant(out: Output, y: np.ndarray, spec: UncertaintySpec) -> ScenarioError:
    keys = ", ".join(spec.keys())
    return output_problem(f"a result that varies with the [uncertainty] parameters ({keys})",
                    f"{out.text} = {y[0]:.6g} in every run",
                    "none of them changes it; choose another output or year")


def sobol(scenario: Scenario, output: str | None = None, n: int = DEFAULT_SAMPLES,
          progress: DrawProgress | None = None, scheduler: str | None = None, *,
          confidence_level: float = 0.95, resamples: int = RESAMPLES) -> SobolResult:
    """Sobol' indices of ``output`` (:func:`parse_output`; default
    :func:`default_output`) over ``scenario``'s ``[uncertainty]`` parameters, from the
    Saltelli design of ``n`` rows (a power of 2): ``n (k + 2)`` runs in one fused
    :func:`run_values` call (``progress(done, total)`` after each block of runs).

    The seed is ``uncertainty.seed`` (default ``scenario.seed``): the same scenario, seed
    and n give the same indices and intervals. Raises :class:`ScenarioError` for a
    scenario without ``[uncertainty]``, a bad ``output`` or ``n``, and an output that no
    parameter changes or that is not a number in some run.
    """
    n = check_samples(n)
    spec = uncertainty_of(scenario)
    base_ds = run_values(scenario, [{}])  # the scenario's own values: checks the output
    out = parse_output(output or default_output(scenario), base_ds)
    base = float(out.values(base_ds)[0])
    if not np.isfinite(base):
        raise output_problem("a result that is a number", f"{out.text} = {base} with the "
                       "scenario's own values")
    k = len(spec.parameters)
    a, b, ab = saltelli_design(n, k, np.random.default_rng([spec.seed, SOBOL_STREAM]))
    points = np.clip(design_points(a, b, ab), _TINY, _TOP)
    ds = run_values(scenario, values_from_uniforms(spec, points), progress, scheduler)
    y = out.values(ds)
    bad = ~np.isfinite(y)
    if bad.any():
        raise output_problem("a result that is a number in every run",
                       f"{out.text} = {y[bad][0]} in {int(bad.sum())} of {len(y)} runs")
    if np.ptp(y) <= 1e-12 * max(float(np.max(np.abs(y))), 1e-300):
        raise _constant(out, y, spec)
    f_a, f_b, f_ab = split_runs(y, n, k)
    first, total, first_ci, total_ci = sobol_from_values(
        f_a, f_b, f_ab, confidence_level=confidence_level, resamples=resamples,
        rng=np.random.default_rng([spec.seed, SOBOL_STREAM, 1]))
    notes = []
    if spec.correlated:
        pairs = [f"{spec.keys()[i]} ~ {spec.keys()[j]} ({spec.correlation[i, j]:g})"
                 for i in range(k) for j in range(i + 1, k) if spec.correlation[i, j] != 0]
        notes.append("the declared rank correlations were ignored (" + "; ".join(pairs) +
                     "): Sobol' indices assume independent parameters, so each was drawn "
                     "from its own distribution alone")
    from .globalsa import rank_warning

    warn = rank_warning(spec.keys(), total, np.maximum(total_ci[:, 1] - total,
                                                       total - total_ci[:, 0]))
    if warn:
        notes.append(warn)
    fa_fb = np.concatenate([f_a, f_b])
    return SobolResult(
        title=str(base_ds.attrs.get("title", scenario.name)), output=out.text,
        output_title=out.title, units=out.units, parameters=spec.keys(),
        distributions=tuple(_describe(d) for d in spec.parameters),
        first=first, total=total, first_ci=first_ci, total_ci=total_ci, n=n,
        runs=len(y), mean=float(fa_fb.mean()), variance=float(fa_fb.var()), base=base,
        confidence_level=confidence_level, resamples=resamples, seed=spec.seed,
        notes=tuple(notes))
