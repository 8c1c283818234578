"""Yearly stochastic paths: a year path (inflation, real growth, the exchange rate, a
roll-out, ...) that each draw perturbs year by year (``[uncertainty.paths]``).

Conventions (docs/sensitivity.md):

* the path's own values ``x_t`` (the scenario's key, or the country profile's path for a
  ``macro.*`` or ``fiscal.*_pct_gdp`` key the scenario leaves out) get a deviation
  ``d_t``: the draw's value is ``x_t + d_t``, clipped to ``[low, high]`` when given;
* shocks ``e_t`` are standard normal, independent over years and draws; in the same
  year the shocks of two paths have the declared correlation (a Cholesky factor);
* ``iid``: ``d_t = sd e_t``; ``ar1``: ``d_t = phi d_(t-1) + sd e_t``; ``random_walk``:
  ``d_t = d_(t-1) + sd e_t``; ``d`` is 0 before ``from_year`` (default start_year), so
  that ``Var d_t = sd^2 (1 - phi^(2 m)) / (1 - phi^2)`` (ar1) and ``m sd^2`` (random
  walk) in the m-th year with shocks;
* the stream is ``default_rng([seed, PATHS_STREAM])`` with the draws' seed: the same
  seed and number of draws give the same paths.

A draw carries its path as an override ``{key: {year: value}}`` (``--set`` semantics),
so it reaches the kernel's per-draw parameter tables and the macro path like any other
drawn value, in the same fused pass over the households (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Problem, ScenarioError
from ..scenario.paths import YearPath

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario

__all__ = ["PATHS_STREAM", "PathProcess", "base_path", "deviations", "path_draws",
           "read_paths"]

#: second word of the paths' seed: a stream apart from the parameters' draws
PATHS_STREAM = 0x9A7E5


@dataclass(frozen=True)
class PathProcess:
    """One key's yearly process: ``kind`` "iid", "ar1" or "random_walk", the shock's
    ``sd`` (the key's units), ``phi`` (ar1), the first shocked year and optional clips."""

    key: str
    kind: str
    sd: float
    phi: float | None
    from_year: int
    low: float | None
    high: float | None


def read_paths(scenario: Scenario) -> tuple[tuple[PathProcess, ...], np.ndarray]:
    """The scenario's ``[uncertainty.paths]`` (declaration order) and the correlation
    matrix of their shocks (identity when none is declared); ``((), [])`` without."""
    sec = scenario.section("uncertainty")
    paths = (sec.get("paths") or {}) if sec else {}
    procs = tuple(
        PathProcess(key, p["process"], float(p["sd"]),
                    None if p["phi"] is None else float(p["phi"]),
                    int(p["from_year"] if p["from_year"] is not None else scenario.start_year),
                    p["low"], p["high"])
        for key, p in paths.items())
    corr = np.eye(len(procs))
    index = {p.key: i for i, p in enumerate(procs)}
    for c in (sec.get("path_correlations") or ()) if sec else ():
        i, j = (index[k] for k in c["paths"])
        corr[i, j] = corr[j, i] = c["correlation"]
    return procs, corr


def deviations(procs: Sequence[PathProcess], corr: np.ndarray, n: int, years: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """``[n, len(procs), len(years)]`` deviations d_t of each draw and path (module
    docstring), 0 before each path's ``from_year``."""
    k, t = len(procs), len(years)
    out = np.zeros((n, k, t))
    if k == 0 or n == 0:
        return out
    z = rng.standard_normal((n, t, k)) @ np.linalg.cholesky(corr).T  # [n, year, path]
    for j, p in enumerate(procs):
        d = np.zeros(n)
        for i, year in enumerate(years):
            if year < p.from_year:
                continue
            e = p.sd * z[:, i, j]
            if p.kind == "iid":
                d = e
            elif p.kind == "ar1":
                d = float(p.phi) * d + e
            else:  # random_walk
                d = d + e
            out[:, j, i] = d
    return out


def _doc_value(scenario: Scenario, key: str) -> Any:
    node: Any = scenario.doc  # the resolved document (no TOML parse)
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def base_path(scenario: Scenario, key: str, years: np.ndarray) -> np.ndarray:
    """The values of ``key`` in ``years``: the scenario's number or year path, else (for a
    key of [macro] or a share of GDP of [fiscal]) the country profile's path."""
    value = _doc_value(scenario, key)
    if value is None:
        attr = key.split(".")[-1]
        if key.split(".")[0] in ("macro", "fiscal"):
            from ..population.profiles import load_profile

            profile = load_profile(scenario.country, scenario.base_dir,
                                   scenario.where("scenario.country"))
            value = getattr(profile, attr, None)
        if value is None:
            raise ScenarioError(Problem(
                scenario.where("uncertainty.paths"), f'uncertainty.paths."{key}"',
                "a key with a value in the scenario (a number or a year path) to vary "
                "around", "no value"))
    if isinstance(value, dict) and not all(str(y).isdigit() for y in value):
        raise ScenarioError(Problem(
            scenario.where("uncertainty.paths"), f'uncertainty.paths."{key}"',
            "a key whose value is a number or a year path {year = number}", repr(value)))
    try:
        return YearPath.from_value(value).at(years)
    except (TypeError, ValueError):
        raise ScenarioError(Problem(
            scenario.where("uncertainty.paths"), f'uncertainty.paths."{key}"',
            "a key whose value is a number or a year path {year = number}",
            repr(value))) from None


def path_years(scenario: Scenario, key: str) -> np.ndarray:
    """The years a drawn path gives: the horizon, from 5 years before the profile's base
    year for a key of [macro] (the macro path may start there)."""
    first = scenario.start_year
    if key.startswith("macro."):
        from ..population.profiles import load_profile

        profile = load_profile(scenario.country, scenario.base_dir,
                               scenario.where("scenario.country"))
        first = min(first, profile.base_year) - 5
    return np.arange(first, scenario.end_year + 1)


def path_draws(scenario: Scenario, n: int, seed: int) -> list[dict[str, dict[str, float]]]:
    """Each draw's paths as overrides ``{key: {"year": value}}`` ([] entries of ``{}``
    without [uncertainty.paths])."""
    procs, corr = read_paths(scenario)
    if not procs:
        return [{} for _ in range(n)]
    years = np.arange(min(int(path_years(scenario, p.key)[0]) for p in procs),
                      scenario.end_year + 1)
    dev = deviations(procs, corr, n, years, np.random.default_rng([seed, PATHS_STREAM]))
    out: list[dict[str, dict[str, float]]] = [{} for _ in range(n)]
    for j, p in enumerate(procs):
        own = path_years(scenario, p.key)
        keep = np.isin(years, own)
        base = base_path(scenario, p.key, years[keep])
        values = base[None, :] + dev[:, j, keep]
        if p.low is not None or p.high is not None:
            values = np.clip(values, p.low, p.high)
        for d in range(n):
            out[d][p.key] = {str(int(y)): float(v) for y, v in zip(years[keep], values[d],
                                                                    strict=True)}
    return out


def is_path_value(value: Any) -> bool:
    """Whether a drawn value is a path ``{"year": number}``."""
    return isinstance(value, dict) and bool(value) and all(
        str(k).isdigit() and isinstance(v, int | float) for k, v in value.items())
