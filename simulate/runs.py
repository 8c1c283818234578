"""Which way a run goes: local, with draws, or on a Dask cluster, decided here only.

:func:`run` is ``simulate.run``: the one entry point of a run, above the engine (which
projects one scenario: :mod:`simulate.engine`) and above the analyses that re-run it
(:mod:`simulate.uncertainty`: Monte Carlo draws, the cluster). :func:`route` names the
way; every way ends the same: the fund's plan on the whole result, the plausibility
checks around it (:mod:`simulate.plausibility`), the warnings in
``ds.attrs["warnings"]``.

=========  ===============================================  ===============================
way        when                                             computed by
=========  ===============================================  ===============================
draws      ``[uncertainty]`` and ``uncertainty=True``        uncertainty.runner (blocks here
                                                            or on the cluster), risk, fund
cluster    no draws, a ``scheduler`` address                 uncertainty.cluster, fund
local      otherwise                                         engine.project (fund included)
=========  ===============================================  ===============================

:func:`check` validates everything a run would need without projecting (``spsim
validate``); :func:`warmup` compiles every kernel (``spsim warmup``).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Literal

import xarray as xr

from . import engine
from .compile_ahead import ahead
from .engine import Progress
from .scenario import Scenario

Way = Literal["local", "draws", "cluster"]


def route(scenario: Scenario, scheduler: str | None = None, uncertainty: bool = True) -> Way:
    """The way a run of ``scenario`` goes (module doc): ``"draws"`` when it has an
    ``[uncertainty]`` table and ``uncertainty`` is on, else ``"cluster"`` with a
    ``scheduler``, else ``"local"``."""
    if uncertainty and scenario.section("uncertainty"):
        return "draws"
    return "cluster" if scheduler is not None else "local"


def run(scenario: Scenario, progress: Progress | None = None,
        scheduler: str | None = None, uncertainty: bool = True,
        strict: bool = False) -> xr.Dataset:
    """Project ``scenario`` and return its results Dataset (see docs/results.md).

    A scenario with ``[uncertainty]`` runs its draws (a ``draw`` dimension; see
    :mod:`simulate.uncertainty`) unless ``uncertainty`` is False (one run at the
    scenario's own values). ``scheduler``: the address of a Dask scheduler
    (``tcp://host:8786``) to run on; without it, in this process. ``progress(done,
    total)`` is called as the work advances.

    Plausibility checks run before, during and after (:mod:`simulate.plausibility`);
    the warnings are kept in ``ds.attrs["warnings"]`` (one per line); ``strict`` makes
    them errors.
    """
    way = route(scenario, scheduler, uncertainty)
    # a cold projection kernel compiled in a second process while the population is
    # built (compile_ahead.py); not for a cluster, whose workers compile their own
    with ahead(scenario) if scheduler is None else nullcontext():
        if way == "local":
            return engine.run_local(scenario, progress, strict)

        from .plausibility import run_checked

        return run_checked(scenario, strict, lambda: _run_away(way, scenario, progress,
                                                               scheduler))


def _run_away(way: Way, scenario: Scenario, progress: Progress | None,
              scheduler: str | None) -> xr.Dataset:
    """The results of a run with draws or on a cluster (without the checks of
    :func:`run`)."""
    from .fund import add_fund  # the fund's Monte Carlo runs once, on the whole result

    if way == "draws":
        from .uncertainty.risk import add_risk
        from .uncertainty.runner import run_uncertain

        ds = run_uncertain(scenario, progress=progress, scheduler=scheduler)
        return add_fund(add_risk(ds, scenario), scenario)
    from .uncertainty.cluster import run_on_cluster

    assert scheduler is not None
    return add_fund(run_on_cluster(scenario, scheduler, progress), scenario)


def check(scenario: Scenario, strict: bool = False) -> list:
    """Validate everything a run would need (profile, population, rules, draws) without
    projecting; return the warnings (:class:`~simulate.errors.InputWarning`), or with
    ``strict`` raise them as errors.

    A synthetic population is built small (the columns do not depend on its size).
    """
    from . import returns
    from .errors import InputError
    from .plausibility import collect, preflight

    found = [*scenario.warnings, *preflight(scenario)]
    if strict and found:
        raise InputError(found)
    if scenario.population_source == "synthetic":
        scenario = replace(scenario, records=min(scenario.records, 2000))
    with collect(strict) as during:
        returns.check(scenario)
        if scenario.section("uncertainty"):
            from .uncertainty.runner import uncertainty_of

            uncertainty_of(scenario)
        engine.prepare(scenario)
    return found + [w for w in during if w not in found]


WARMUP_SCENARIO = {
    "scenario": {"name": "warm-up", "country": "lao", "start_year": 2025, "end_year": 2027},
    "population": {"records": 300},
    "programmes": {
        "a": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
              "benefit": {"amount": 1.0}, "rollout": {"2025": 0.5, "2027": 1.0}},
        "b": {"eligibility": {"age": [6, 18], "region": "North", "sex": "f"},
              "benefit": {"amount": 1.0, "period": "once"},
              "targeting": {"method": "poverty", "welfare_percentile_max": 40}},
    },
}


#: a fund on the warm-up scenario: compiles the fund's kernel too
WARMUP_FUND = {"pays": {"programme": "a"}, "returns": {"mean": 0.05, "volatility": 0.1},
               "draws": 10}


#: the scenarios of a source checkout, whose kernels :func:`warmup` compiles too
SHIPPED_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def warmup(scenarios: Iterable[Path] | None = None) -> None:
    """Compile every kernel on a tiny scenario (fills numba's on-disk cache), and the
    projection kernel specialised to the structure of each of ``scenarios`` (default:
    the ``*.toml`` of :data:`SHIPPED_SCENARIOS`, when present): each structure has its
    own kernel (kernels/specialise.py), compiled here with the warm-up's argument types
    without running it."""
    from .kernel_cache import scenario_flags
    from .kernels.specialise import kernel as specialised_kernel
    from .scenario import load_scenario, scenario_from_dict

    run(scenario_from_dict({**WARMUP_SCENARIO, "fund": WARMUP_FUND}, "<warm-up>"))
    if scenarios is None:
        scenarios = sorted(SHIPPED_SCENARIOS.glob("*.toml"))
    compiled = [sig for m in _specialised_modules() for sig in m.signatures]
    if not compiled:
        return
    for path in scenarios:
        try:
            flags = scenario_flags(load_scenario(path))
        except Exception:  # a scenario that does not load is reported by its own run
            continue
        project = specialised_kernel(flags)
        if compiled[0] not in project.signatures:
            project.compile(compiled[0])


def _specialised_modules() -> list:
    from .kernels import specialise

    return [getattr(m, specialise.ENTRY) for m in list(specialise._MODULES.values())]
