"""Draws of the ``[uncertainty]`` parameters: distributions, Latin hypercube or random
uniforms, rank correlation by Iman-Conover.

Conventions (docs/uncertainty.md):

* a draw is a dict ``{key.path: value}`` of scenario overrides (``--set`` semantics);
  values are Python floats, or for a discrete distribution the declared values (str,
  int, float, bool);
* uniforms are an ``[n, k]`` array in the open interval (0, 1), one column per
  parameter in declaration order; a parameter's value is its distribution's inverse
  CDF (:meth:`Distribution.ppf`) at its uniform;
* the random stream is ``numpy.random.default_rng([seed, SAMPLING_STREAM])``, the seed
  being ``uncertainty.seed`` (default ``scenario.seed``): the same seed and number of
  draws give the same numbers, and draw d depends only on (seed, n, d);
* correlations are Spearman rank correlations, imposed on the uniforms by Iman-Conover
  (each column only reordered, so every marginal is exactly as sampled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import special

from ..errors import ScenarioError
from ..scenario.distributions import Distribution, distributions, range_problems
from ..scenario.schema import rank_to_pearson

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario

__all__ = ["SAMPLING_STREAM", "Distribution", "UncertaintySpec", "check_keys",
           "read_uncertainty", "sample", "uniforms", "values_from_uniforms"]

#: second word of the sampling stream's seed, so that it differs from the population's
#: and the demography's streams drawn from the same scenario seed
SAMPLING_STREAM = 0x5A3B1E
#: uniforms are kept in [_TINY, 1 - 2**-53]: strictly inside (0, 1)
_TINY = 2.0**-54
_TOP = 1.0 - 2.0**-53


@dataclass(frozen=True, eq=False)
class UncertaintySpec:
    """The ``[uncertainty]`` table, read: ``draws`` (default number of draws), ``seed``,
    ``sampling`` ("latin_hypercube" or "random"), the ``parameters`` in declaration order
    and ``correlation``, their k x k target Spearman rank-correlation matrix (identity
    when none is declared)."""

    draws: int
    seed: int
    sampling: str
    parameters: tuple[Distribution, ...]
    correlation: np.ndarray

    def keys(self) -> tuple[str, ...]:
        """The parameters' key paths, in column order."""
        return tuple(d.key for d in self.parameters)

    @property
    def correlated(self) -> bool:
        """True when some pair of parameters has a non-zero rank correlation."""
        k = len(self.parameters)
        return bool(np.any(self.correlation != np.eye(k)))


def read_uncertainty(scenario: Scenario) -> UncertaintySpec | None:
    """The scenario's ``[uncertainty]`` table (validated by the schema), or None when
    absent. Key paths are not checked against the scenario here: see :func:`check_keys`."""
    sec = scenario.section("uncertainty")
    if not sec:
        return None
    params = distributions(sec)
    index = {d.key: i for i, d in enumerate(params)}
    corr = np.eye(len(params))
    for c in sec["correlations"] or ():
        i, j = (index[p] for p in c["parameters"])
        corr[i, j] = corr[j, i] = c["rank"]
    seed = sec["seed"] if sec["seed"] is not None else scenario.seed
    return UncertaintySpec(int(sec["draws"]), int(seed), sec["sampling"], params, corr)


def check_keys(scenario: Scenario, spec: UncertaintySpec) -> None:
    """Check that every parameter is a key the scenario accepts, over its whole range.

    The scenario is built with each key set, one at a time, to its median, then its
    lowest and highest values (the 0.1th / 99.9th percentiles when unbounded) and a value
    in between; for a discrete distribution to each of its values. The first value that
    fails is reported, as ``uncertainty.parameters."<key>" expected ..., found ...`` with
    the schema's did-you-mean hints. Raises :class:`ScenarioError` with every problem.

    The build runs the same check on the scenario's own [uncertainty] table
    (``scenario.keys.uncertainty.check_ranges``): a built Scenario has passed it.
    """
    from ..scenario.model import with_values

    problems = range_problems(scenario, spec.parameters, with_values)
    if problems:
        raise ScenarioError(problems)


def _lhs(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A Latin hypercube: in each column, one point in each of the strata [i/n, (i+1)/n),
    uniform within it, the strata in random order (scipy.stats.qmc.LatinHypercube with
    scramble, written out so that the numbers do not change with scipy's version)."""
    u = np.empty((n, k))
    for j in range(k):
        u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return u


def _iman_conover(u: np.ndarray, rank: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column of ``u`` so that its rank correlations approach ``rank``.

    Van der Waerden scores Phi^-1(i / (n + 1)) are permuted at random in each column
    (S); with E = Q Q' the Cholesky factorisation of S's actual correlation and
    C = P P' that of the target (the Pearson correlation 2 sin(pi r / 6) of normal scores
    whose Spearman correlation is r), T = S (Q')^-1 P' has exactly correlation C. Each
    column of ``u`` is then sorted into the ranks of T's column: the marginals are
    unchanged and the rank correlations are those of T.
    """
    n, k = u.shape
    if k < 2 or n <= k + 1:
        return u
    target = np.vectorize(rank_to_pearson)(rank)
    np.fill_diagonal(target, 1.0)
    scores = special.ndtri(np.arange(1, n + 1) / (n + 1))
    s = np.column_stack([rng.permutation(scores) for _ in range(k)])
    try:
        q = np.linalg.cholesky(np.corrcoef(s, rowvar=False))
        p = np.linalg.cholesky(target)
    except np.linalg.LinAlgError:  # pragma: no cover - scores of n > k + 1 rows are PD
        return u
    t = s @ np.linalg.solve(q.T, p.T)
    out = np.empty_like(u)
    for j in range(k):
        ranks = np.argsort(np.argsort(t[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(u[:, j])[ranks]
    return out


def uniforms(spec: UncertaintySpec, n: int | None = None) -> np.ndarray:
    """``[n, k]`` uniforms in (0, 1), one column per parameter: a Latin hypercube or
    independent draws (``spec.sampling``), then, when correlations are declared, the
    rank correlations imposed by Iman-Conover. ``n`` defaults to ``spec.draws``.
    Deterministic: the stream is ``default_rng([spec.seed, SAMPLING_STREAM])``."""
    n = spec.draws if n is None else int(n)
    if n < 1:
        raise ValueError(f"n expected an integer >= 1, found {n}")
    k = len(spec.parameters)
    rng = np.random.default_rng([spec.seed, SAMPLING_STREAM])
    if spec.sampling == "latin_hypercube":
        u = _lhs(rng, n, k)
    elif spec.sampling == "random":
        u = rng.random((n, k))
    else:
        raise ValueError(f"unknown sampling {spec.sampling!r}")
    if spec.correlated:
        u = _iman_conover(u, spec.correlation, rng)
    return np.clip(u, _TINY, _TOP)


def values_from_uniforms(spec: UncertaintySpec, u: np.ndarray) -> list[dict[str, Any]]:
    """One override dict ``{key: value}`` per row of ``u`` (``[n, k]`` in (0, 1)): column
    j through parameter j's inverse CDF; floats, or the declared discrete values."""
    u = np.atleast_2d(np.asarray(u, dtype=float))
    k = len(spec.parameters)
    if u.shape[1] != k:
        raise ValueError(f"u expected {k} columns (one a parameter), found {u.shape[1]}")
    if k == 0:  # only yearly paths are uncertain
        return [{} for _ in range(u.shape[0])]
    columns: Sequence[list[Any]] = [d.values_at(u[:, j]) for j, d in enumerate(spec.parameters)]
    keys = spec.keys()
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def sample(spec: UncertaintySpec, n: int | None = None) -> list[dict[str, Any]]:
    """The draws: one override dict ``{key: value}`` per draw (``n`` defaults to
    ``spec.draws``); ``values_from_uniforms(spec, uniforms(spec, n))``."""
    return values_from_uniforms(spec, uniforms(spec, n))
