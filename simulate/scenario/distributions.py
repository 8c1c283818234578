"""The distribution of one uncertain scenario key (``[uncertainty.parameters]``): its
inverse CDF, and the values at which the scenario is checked over its range when it is
built (:func:`range_problems`; ``keys.uncertainty.check_ranges``).

Part of the scenario layer so that the build can check every uncertain key over its
whole range; the draws themselves (Latin hypercube, Iman-Conover) are
:mod:`simulate.uncertainty.sampling`'s, which re-exports :class:`Distribution`.
scipy is imported only when a quantile needs it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import Problem, ScenarioError
from .analysis_specs import lognormal_log_params

#: ``with_values(scenario, values, section, quote=...)``: how a variant is made
#: (:func:`simulate.scenario.model.with_values`, passed in: the model imports this module)
Variant = Callable[..., Any]


@dataclass(frozen=True)
class Distribution:
    """One uncertain scenario key and its distribution.

    ``kind`` and ``params`` (floats unless said otherwise):

    * ``uniform``: low, high;
    * ``triangular``: low, mode, high;
    * ``normal``: mean, sd; optional low, high truncate it;
    * ``lognormal``: mean, sd of the variable itself (not of its log); optional low,
      high truncate it (a low <= 0 truncates nothing);
    * ``beta``: alpha, beta; low, high (0, 1 by default) rescale it to [low, high];
    * ``discrete``: values (a tuple of numbers, strings, lists or tables), weights (a tuple
      summing to 1).

    A truncated distribution's mean and sd are those of the untruncated one.
    """

    key: str
    kind: str
    params: Mapping[str, Any]

    @property
    def numeric(self) -> bool:
        """True unless a discrete distribution has a value that is not a number."""
        if self.kind != "discrete":
            return True
        return all(isinstance(v, int | float) and not isinstance(v, bool)
                   for v in self.params["values"])

    def support(self) -> tuple[float, float]:
        """The smallest and largest values it can take (-inf / inf when unbounded);
        for a discrete distribution of numbers their min and max."""
        p = self.params
        if self.kind == "discrete":
            if not self.numeric:
                raise ValueError(f"{self.key}: a discrete distribution of non-numbers")
            return float(min(p["values"])), float(max(p["values"]))
        lo, hi = p.get("low"), p.get("high")
        lo = -math.inf if lo is None else float(lo)
        hi = math.inf if hi is None else float(hi)
        if self.kind == "lognormal":
            lo = max(lo, 0.0)
        return lo, hi

    def index(self, u: np.ndarray) -> np.ndarray:
        """Discrete only: the index of the value drawn at each uniform u (value i when
        w_0 + ... + w_(i-1) <= u < w_0 + ... + w_i)."""
        cum = np.cumsum(np.asarray(self.params["weights"], dtype=float))
        cum[-1] = 1.0
        idx = np.searchsorted(cum, np.asarray(u, dtype=float), side="right")
        return np.minimum(idx, len(cum) - 1)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF at ``u`` in (0, 1): a float array, or for a discrete
        distribution an array of its values (float when all are numbers, else object).

        A truncated normal is ``scipy.stats.truncnorm``; a truncated lognormal is exp of
        a truncated normal on log X between log(low) and log(high).
        """
        from scipy import special, stats

        u = np.asarray(u, dtype=float)
        p = self.params
        kind = self.kind
        if kind == "uniform":
            return p["low"] + u * (p["high"] - p["low"])
        if kind == "triangular":
            lo, mode, hi = p["low"], p["mode"], p["high"]
            c = (mode - lo) / (hi - lo)
            left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
            return np.where(u < c, left, right)
        if kind in ("normal", "lognormal"):
            if kind == "normal":
                mu, sigma = p["mean"], p["sd"]
                lo, hi = p.get("low"), p.get("high")
            else:
                mu, sigma = lognormal_log_params(p["mean"], p["sd"])
                lo = p.get("low")
                lo = None if lo is None or lo <= 0 else math.log(lo)
                hi = None if p.get("high") is None else math.log(p["high"])
            if lo is None and hi is None:
                z = mu + sigma * special.ndtri(u)
            else:
                a = -np.inf if lo is None else (lo - mu) / sigma
                b = np.inf if hi is None else (hi - mu) / sigma
                z = mu + sigma * stats.truncnorm.ppf(u, a, b)
                z = np.clip(z, -np.inf if lo is None else lo, np.inf if hi is None else hi)
            return np.exp(z) if kind == "lognormal" else z
        if kind == "beta":
            x = special.betaincinv(p["alpha"], p["beta"], u)
            return p["low"] + x * (p["high"] - p["low"])
        if kind == "discrete":
            values = np.empty(len(p["values"]), dtype=float if self.numeric else object)
            for i, v in enumerate(p["values"]):  # one by one: a value may be a list
                values[i] = v
            return values[self.index(u)]
        raise ValueError(f"unknown distribution {kind!r}")

    def median(self) -> Any:
        """The value at u = 0.5: a float, or for a discrete distribution one of its values."""
        if self.kind == "discrete":
            return self.params["values"][int(self.index(np.array([0.5]))[0])]
        return float(self.ppf(np.array([0.5]))[0])

    def values_at(self, u: np.ndarray) -> list[Any]:
        """:meth:`ppf` as Python values: floats, or the declared discrete values."""
        if self.kind == "discrete":
            vals = self.params["values"]
            return [vals[i] for i in self.index(u).tolist()]
        return [float(x) for x in self.ppf(u)]


def distributions(section: Mapping[str, Any] | None) -> tuple[Distribution, ...]:
    """The distributions of a validated ``[uncertainty]`` table, in declaration order
    (none without the table)."""
    if not section:
        return ()
    return tuple(
        Distribution(key, d["distribution"], {k: v for k, v in d.items() if k != "distribution"})
        for key, d in (section["parameters"] or {}).items()
    )


def range_problems(scenario: Any, parameters: Iterable[Distribution],
                   variant: Variant) -> list[Problem]:
    """The problems of ``scenario`` (a built :class:`~simulate.scenario.model.Scenario`;
    this module is below the model, which imports it) with each parameter set, one at a time, to its
    median, then its lowest and highest values (the 0.1th / 99.9th percentiles when
    unbounded) and a value in between; for a discrete distribution to each of its
    values (:func:`check_points`). The first value of a parameter that fails is
    reported, as ``uncertainty.parameters."<key>" expected ..., found ...`` with the
    schema's did-you-mean hints and which value it was; every parameter's problem."""
    problems: list[Problem] = []
    for d in parameters:
        for value, label in check_points(d):
            try:
                variant(scenario, {d.key: value}, "uncertainty.parameters", quote=True)
            except ScenarioError as exc:
                for p in exc.problems:
                    if label:  # which value of the distribution it was
                        hint = "; ".join(h for h in (p.hint, label) if h)
                        p = Problem(p.where, p.key, p.expected, p.found, hint)
                    if p not in problems:
                        problems.append(p)
                break
    return problems


def check_points(d: Distribution) -> list[tuple[Any, str]]:
    """The values of ``d`` checked against the scenario: the median first, then its
    extremes (bounds, or the 0.1th and 99.9th percentiles) and one value in between."""
    if d.kind == "discrete":
        return [(d.median(), "")] + [(v, "at one of its values") for v in d.params["values"]]
    lo, hi = d.support()

    def at(q: float) -> float:  # a percentile, to 6 digits for the message
        return float(f"{d.values_at(np.array([q]))[0]:.6g}")

    out: list[tuple[Any, str]] = [(d.median(), "")]
    bounded_below = math.isfinite(lo) and (d.kind != "lognormal" or lo > 0)
    out.append((lo, "at its lowest value") if bounded_below
               else (at(0.001), "at its 0.1th percentile; truncate it with low"))
    out.append((hi, "at its highest value") if math.isfinite(hi)
               else (at(0.999), "at its 99.9th percentile; truncate it with high"))
    out.append((at(0.37), "at its 37th percentile"))
    return out
