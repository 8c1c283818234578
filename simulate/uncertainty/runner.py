"""Monte Carlo over scenario parameters: every draw's results, with a ``draw`` dimension.

The population is built once for all draws that share it (:func:`engine.population_key`);
draws that share the population-dependent rule tables (:func:`rules.structure_key`) are
evaluated together, in one pass of the fused kernel over the households, in blocks of
``DRAW_BLOCK`` draws: each household's members, composition, eligibility and random
numbers are computed once and every draw's parameters (take-up, roll-out, amounts,
thresholds, errors, prices, poverty line) are applied to them. The random numbers are
common to all draws (a unit that takes up at rate 0.6 also takes up at 0.7), so the
spread of the results is the parameters' uncertainty, not fresh sampling noise.

Draw d's numbers depend only on the scenario, its seed and d: not on the block size,
the thread count, nor on which Dask worker ran it (:mod:`simulate.uncertainty.cluster`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from .. import engine
from ..costing import with_provenance
from ..errors import Problem, ScenarioError
from ..programmes.rules import structure_key
from ..results import Results, build_draws, merge_draw_attrs
from ..scenario import Scenario
from ..variables import VARIABLES
from .blocks import PreparedCache, draw_scenarios, run_block
from .sampling import UncertaintySpec, read_uncertainty, sample

#: draws evaluated together in one kernel pass (memory grows with it; results do not)
DRAW_BLOCK = 128
DrawProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Plan:
    """Which draws run together: blocks of draw indices, each sharing a population and
    the population-dependent rule tables."""

    scenarios: tuple[Scenario, ...]
    values: tuple[dict[str, Any], ...]
    blocks: tuple[tuple[int, ...], ...]


def plan(scenario: Scenario, values: Sequence[dict[str, Any]],
         block: int = DRAW_BLOCK) -> Plan:
    """Group the draws by population and rule structure, in blocks of at most ``block``."""
    scenarios = draw_scenarios(scenario, values)
    _check_shape(scenario, scenarios, values)
    groups: dict[tuple, list[int]] = {}
    for d, sc in enumerate(scenarios):
        groups.setdefault((engine.population_key(sc), structure_key(sc)), []).append(d)
    blocks = tuple(tuple(ds[i:i + block]) for ds in groups.values()
                   for i in range(0, len(ds), block))
    return Plan(tuple(scenarios), tuple(dict(v) for v in values), blocks)


#: what every draw must share with the scenario, for the draws to line up along ``draw``
SHAPE = {"scenario.start_year": lambda s: s.start_year, "scenario.end_year": lambda s: s.end_year,
         "scenario.country": lambda s: s.country,
         "programmes": lambda s: tuple(p.id for p in s.programmes)}


def _check_shape(scenario: Scenario, scenarios: Sequence[Scenario],
                 values: Sequence[dict[str, Any]]) -> None:
    """Draws may not change the years, the country or the programmes (their results could
    not be joined along ``draw``): one message naming the key that does."""
    for what, get in SHAPE.items():
        for sc, v in zip(scenarios, values, strict=True):
            if get(sc) != get(scenario):
                keys = [k for k in v if k == what or k.startswith(what + ".")] or list(v)
                raise ScenarioError(Problem(
                    scenario.where("uncertainty.parameters"),
                    f'uncertainty.parameters."{keys[0]}"',
                    f"a parameter that keeps {what} as in the scenario "
                    f"({get(scenario)!r}: draws are joined along draw)", repr(get(sc))))


def run_values(scenario: Scenario, values: Sequence[dict[str, Any]],
               progress: DrawProgress | None = None, scheduler: str | None = None,
               block: int = DRAW_BLOCK) -> xr.Dataset:
    """Results of ``scenario`` with each ``values[d]`` (key path -> value) set, along a
    ``draw`` dimension (0..n-1)."""
    p = plan(scenario, values, block)
    n = len(p.scenarios)
    if scheduler is not None:
        from .cluster import run_blocks

        blocks = run_blocks(scenario, p, scheduler)
    else:
        blocks = _run_here(p)
    results: list[Results | None] = [None] * n
    done = 0
    for block_ids, parts in blocks:
        for d, part in zip(block_ids, parts, strict=True):
            results[d] = part
        done += len(block_ids)
        if progress is not None:
            progress(done, n)
    return combine(scenario, [r for r in results if r is not None], p.values)


def _run_here(p: Plan) -> Iterator[tuple[tuple[int, ...], list[Results]]]:
    """Each block of ``p`` computed in this process: (draw indices, their results)."""
    cache = PreparedCache()
    for block_ids in p.blocks:
        yield block_ids, run_block([p.scenarios[d] for d in block_ids], cache)


def combine(scenario: Scenario, draws: Sequence[Results],
            values: Sequence[dict[str, Any]]) -> xr.Dataset:
    """The draws' results in one Dataset along ``draw`` (:func:`results.build_draws`),
    with each parameter's drawn value (``parameter_value[draw, parameter]``) and the
    base scenario's provenance (the draws' results carry none:
    :func:`.blocks.run_block`)."""
    from .paths import is_path_value

    ds = build_draws(list(draws))
    ds = ds.assign_coords(draw=np.arange(len(draws)))
    # every key set in some draw (a one-way run sets one key a draw; a key a draw does
    # not set has the scenario's own value there: NaN in parameter_value)
    keys = list(dict.fromkeys(k for v in values for k in v))
    path_keys = [k for k in keys if all(is_path_value(v[k]) for v in values if k in v)]
    keys = [k for k in keys if k not in path_keys]
    extra = Results(currency=str(ds.attrs.get("currency", "")))
    if path_keys:  # each draw's own year path (docs/sensitivity.md)
        years = [str(int(y)) for y in ds["year"].values]
        extra.put("path_value", [[[float(v[k].get(y, np.nan)) if k in v else np.nan
                                   for y in years] for k in path_keys] for v in values])
        extra.coord("path", path_keys)
    numeric = np.array([[_number(v.get(k)) for k in keys] for v in values]).reshape(
        len(values), len(keys))
    extra.put("parameter_value", numeric)
    extra.coord("parameter", keys)
    if any(not isinstance(v[k], int | float) for v in values for k in keys if k in v):
        extra.put("parameter_text", np.array([[str(v.get(k, "")) for k in keys]
                                              for v in values], dtype=object))
    ds = ds.assign_coords(extra.coords)
    for name in extra.data:  # the registry's dims and attributes (results.Results)
        ds[name] = xr.Variable(VARIABLES[name].dims, extra[name],
                               attrs=extra.var_attributes(name))
    ds.attrs = with_provenance(ds.attrs, scenario)  # the base's, once for all draws
    ds.attrs["draws"] = len(draws)
    return ds


def per_draw_attrs(name: str, datasets: Sequence[xr.Dataset]) -> dict[str, Any]:
    """The attributes of variable ``name`` over the draws' Datasets
    (:func:`results.merge_draw_attrs`)."""
    return merge_draw_attrs([ds[name].attrs for ds in datasets])


def _number(v: Any) -> float:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    return float("nan")


def run_uncertain(scenario: Scenario, progress: DrawProgress | None = None,
                  scheduler: str | None = None, draws: int | None = None) -> xr.Dataset:
    """The draws of ``scenario``'s ``[uncertainty]`` (``draws`` overrides their number)."""
    from .paths import path_draws

    spec = uncertainty_of(scenario)
    values = sample(spec, draws)
    paths = path_draws(scenario, len(values), spec.seed)
    values = [{**v, **p} for v, p in zip(values, paths, strict=True)]
    return run_values(scenario, values, progress, scheduler)


def uncertainty_of(scenario: Scenario) -> UncertaintySpec:
    """The scenario's ``[uncertainty]``; an error without one. Its parameters were
    checked over their ranges when the Scenario was built
    (``scenario.keys.uncertainty.check_ranges``), the tornado's too."""
    spec = read_uncertainty(scenario)
    if spec is None:
        raise ScenarioError(Problem(scenario.where("uncertainty"), "uncertainty",
                                    "an [uncertainty] table with parameters", "nothing"))
    return spec
