"""One-way sensitivity (the tornado): the base NPV when one parameter takes its low or
its high value, every other parameter as in the scenario. An analysis above the
engine: a bar on a scenario key re-runs the engine (:func:`simulate.engine.run_local`);
the variants are built and checked by :mod:`simulate.returns.variants`.

Parameters are ``[sensitivity.parameters]`` entries ``"key.path" = [low, high]``:

* ``"costs"`` and ``"benefits"``: factors on the base flows (no re-run);
* a ``returns.*`` key: the returns are recomputed on the base costing;
* any other scenario key (``programmes.x.take_up``, ``macro.inflation``, ...): the
  scenario is run again with the key set (``--set`` semantics).

Without declared parameters: costs and benefits x [0.75, 1.25] and the discount
rate +-2 points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from .. import finance
from ..errors import Problem, ScenarioError
from ..returns import compute, survival_for
from ..returns.settings import ReturnsSettings, read_settings
from ..returns.variants import variants
from ..scenario import Scenario

OneWayProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class OneWay:
    """The base NPV with ``parameter`` at ``low`` and at ``high``."""

    parameter: str
    low: float
    high: float
    npv_low: float
    npv_high: float


def _npv(settings: ReturnsSettings, benefits: np.ndarray, costs: np.ndarray) -> float:
    h = settings.horizon_years
    return finance.npv(settings.discount_rate, (benefits - costs)[:h],
                       settings.discount_first_year)


def one_way(scenario: Scenario, ds: xr.Dataset, survival: np.ndarray | None = None,
            progress: OneWayProgress | None = None) -> list[OneWay]:
    """The tornado's one-way NPVs, in the order of the parameters.

    ``ds`` is the base run's Dataset (with returns); ``survival`` the cohorts'
    survival (computed from the profile when needed and not given).
    """
    from ..engine import run_local  # numba and the kernels: only when a bar re-runs

    settings = read_settings(scenario)
    if settings is None:
        raise ScenarioError(Problem(scenario.where("returns"), "returns",
                                    "a [returns] table (the tornado varies the NPV)", "nothing"))
    scenarios = variants(scenario, settings)
    benefits = ds["benefits"].sum("channel").values
    costs = ds["economic_cost"].sum("cost_item").values
    total = len(scenarios)
    results: dict[tuple[str, int], float] = {}
    for i, ((path, side), sc) in enumerate(scenarios.items()):
        if progress is not None:
            progress(i, total, path)
        value = settings.parameters[path][side]
        if sc is None:
            factor_b = value if path == "benefits" else 1.0
            factor_c = value if path == "costs" else 1.0
            results[(path, side)] = _npv(settings, benefits * factor_b, costs * factor_c)
            continue
        if path.startswith("returns."):
            s2 = read_settings(sc)
            if s2.stunting is not None and survival is None:
                survival = survival_for(scenario)
            out = compute(ds, s2, survival)
        else:
            out = run_local(sc, provenance=False)  # a bar: only its NPV is kept
        results[(path, side)] = float(out["npv"].sel(sensitivity="base"))
    if progress is not None:
        progress(total, total, "")
    return [OneWay(path, lo, hi, results[(path, 0)], results[(path, 1)])
            for path, (lo, hi) in settings.parameters.items()]
