"""Draws until a stated precision: ``spsim run --precision REL [--output NAME]``.

The run's draws are repeated with more of them until the Monte Carlo standard error of
the output's mean, relative to the mean, is at most ``precision``:
``se = sd / sqrt(n)`` (the independent-draws formula; with a Latin hypercube the true
error is smaller, so the rule is conservative). Each round draws afresh with the new n
(a Latin hypercube of n points is not a prefix of one of 2n), n growing to the size
the last round's error implies (at least doubling) and at most ``max_draws``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..errors import Problem, ScenarioError

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from ..scenario import Scenario
    from .runner import DrawProgress

#: the most draws a run to precision takes, unless told
MAX_DRAWS = 20_000


def relative_se(y: np.ndarray) -> float:
    """sd / sqrt(n) / |mean| of the finite values of ``y`` (inf when the mean is 0)."""
    v = np.asarray(y, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return math.inf
    mean = float(v.mean())
    se = float(v.std(ddof=1)) / math.sqrt(len(v))
    return se / abs(mean) if mean != 0 else (0.0 if se == 0 else math.inf)


def run_to_precision(scenario: Scenario, precision: float, output: str | None = None,
                     max_draws: int = MAX_DRAWS, progress: DrawProgress | None = None,
                     scheduler: str | None = None) -> xr.Dataset:
    """The run with draws of ``scenario`` (as ``simulate.run``), its number of draws
    raised until the relative standard error of ``output``'s mean is at most
    ``precision``; the attributes ``precision_*`` say what was reached."""
    from ..fund import add_fund
    from .oneway import resolve_output
    from .risk import add_risk
    from .runner import run_uncertain, uncertainty_of

    if not 0 < precision < 1:
        raise ScenarioError(Problem("--precision", "precision", "a number in (0, 1) (the "
                                    "relative standard error of the mean, e.g. 0.01)",
                                    repr(precision)))
    spec = uncertainty_of(scenario)
    n = max(spec.draws, 8)
    while True:
        ds = run_uncertain(scenario, progress=progress, scheduler=scheduler, draws=n)
        out = resolve_output(scenario, output, ds.isel(draw=0))
        rel = relative_se(out.values(ds))
        if rel <= precision or n >= max_draws:
            break
        want = math.ceil(n * (rel / precision) ** 2 * 1.05) if math.isfinite(rel) else 2 * n
        n = min(max_draws, max(2 * n, want))
    ds.attrs.update({"precision_output": out.text, "precision_target": float(precision),
                     "precision_relative_se": float(rel),
                     "precision_reached": int(rel <= precision)})
    return add_fund(add_risk(ds, scenario), scenario)
