"""One-way sensitivity of any output, and switching values (docs/sensitivity.md).

Each parameter takes its low and then its high value, every other key as in the
scenario; all ``1 + 2k`` runs are evaluated in one fused :func:`run_values` call (one
pass of the kernel over the households, common random numbers). The parameters and
their low/high values come from, in order of precedence:

* ``[sensitivity.parameters]`` ``"key" = [low, high]`` and ``[sensitivity.swings]``
  ``"key" = percent`` (the key's own value times 1 -/+ percent/100, every year of a
  year path); "costs" and "benefits" (factors on the returns' flows) are left out;
* else ``[uncertainty.parameters]``: the bounds of a uniform, triangular or beta
  distribution, the 5th and 95th percentiles of a normal or lognormal, the smallest
  and largest value of a discrete distribution of numbers.

A switching value is the value of one parameter at which the output equals a threshold
(a number, or another output such as ``envelope@2030``): a grid of ``GRID`` values over
[low, high] for every parameter (one fused pass) brackets the first crossing, then the
Illinois variant of regula falsi narrows every bracket at once, one fused pass an
iteration, until it is ``XTOL`` of the range wide or the output is within ``FTOL`` of
the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Problem, ScenarioError
from .output_spec import Output, default_output, parse_output
from .runner import DrawProgress, run_values
from .sampling import Distribution, read_uncertainty

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from ..scenario import Scenario

__all__ = ["GRID", "OneWayOutput", "Swing", "Switch", "find_switch", "one_way_output",
           "resolve_output", "swings", "switching_values"]

#: values of the switching-value grid per parameter
GRID = 9
#: bracket width at which the switching value is taken (share of [low, high])
XTOL = 1e-6
#: relative distance to the threshold at which it is taken
FTOL = 1e-10
MAX_ITER = 60
#: flows of the returns (factors), not scenario keys
FLOW_PARAMETERS = ("costs", "benefits")

Evaluate = Callable[[list[dict[str, Any]]], np.ndarray]


@dataclass(frozen=True)
class Swing:
    """One parameter of the one-way analysis: ``low`` and ``high`` values (numbers or,
    for a percent swing of a year path, ``{"year": value}``) and where they come from."""

    parameter: str
    low: Any
    high: Any
    source: str


@dataclass(frozen=True)
class OneWayOutput:
    """The one-way results of one output: the base value and, per swing (largest
    swing first), the output at low and high."""

    output: Output
    base: float
    rows: tuple[dict[str, Any], ...]
    notes: tuple[str, ...]


def _range(d: Distribution) -> tuple[float, float, str] | None:
    if not d.numeric:
        return None
    if d.kind in ("uniform", "triangular", "beta", "discrete"):
        lo, hi = d.support()
        return lo, hi, f"{d.kind} bounds"
    lo, hi = (float(x) for x in d.ppf(np.array([0.05, 0.95])))
    return lo, hi, f"{d.kind} 5th-95th percentiles"


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, dict):
        return {str(k): float(v) * factor for k, v in value.items()}
    return float(value) * factor


def swings(scenario: Scenario) -> tuple[list[Swing], list[str]]:
    """The parameters of the one-way analysis (module docstring) and notes on what was
    left out. Raises :class:`ScenarioError` when the scenario declares none."""
    from .paths import _doc_value, base_path

    sens = scenario.section("sensitivity") or {}
    out: list[Swing] = []
    notes: list[str] = []
    for key, (lo, hi) in (sens.get("parameters") or {}).items():
        if key in FLOW_PARAMETERS:
            notes.append(f"{key} (a factor on the returns' flows) is left out: it changes "
                         "only the NPV of spsim sensitivity without --output")
            continue
        out.append(Swing(key, lo, hi, "sensitivity.parameters"))
    for key, pct in (sens.get("swings") or {}).items():
        value = _doc_value(scenario, key)
        if value is None:
            years = np.arange(scenario.start_year, scenario.end_year + 1)
            path = base_path(scenario, key, years)  # the profile's path, or an error
            value = {str(int(y)): float(v) for y, v in zip(years, path, strict=True)}
        if not (isinstance(value, int | float) and not isinstance(value, bool)) and not (
                isinstance(value, dict) and all(isinstance(v, int | float)
                                                for v in value.values())):
            raise ScenarioError(Problem(
                scenario.where("sensitivity.swings"), f'sensitivity.swings."{key}"',
                "a key whose value is a number or a year path", repr(value)))
        out.append(Swing(key, _scaled(value, 1 - pct / 100), _scaled(value, 1 + pct / 100),
                         f"swing {pct:g}%"))
    if out:
        return out, notes
    spec = read_uncertainty(scenario)
    for d in spec.parameters if spec else ():
        r = _range(d)
        if r is None:
            notes.append(f"{d.key} (a discrete distribution of non-numbers) is left out")
            continue
        out.append(Swing(d.key, r[0], r[1], r[2]))
    if not out:
        raise ScenarioError(Problem(
            scenario.where("sensitivity"), "sensitivity.parameters",
            'parameters to vary: [sensitivity.parameters] "key" = [low, high], '
            '[sensitivity.swings] "key" = percent, or [uncertainty.parameters]', "nothing"))
    return out, notes


def resolve_output(scenario: Scenario, output: str | None, base_ds: xr.Dataset) -> Output:
    """The output named by ``output`` (default :func:`default_output`) checked against a
    base run; ``@pv`` discounts at returns.discount_rate or sensitivity.discount_rate."""
    from ..present_values import discount_rate

    return parse_output(output or default_output(scenario), base_ds, discount_rate(scenario))


def _threshold(text: str | float | None, base_ds: xr.Dataset, scenario: Scenario
               ) -> float | Output | None:
    if text is None or isinstance(text, int | float):
        return text
    try:
        return float(text)
    except ValueError:
        pass
    from ..present_values import discount_rate

    try:
        return parse_output(text, base_ds, discount_rate(scenario))
    except ScenarioError as exc:
        p = exc.problems[0]
        raise ScenarioError(Problem("--threshold", "threshold", "a number or an output "
                                    f"(NAME@YEAR): {p.expected}", p.found, p.hint)) from None


def one_way_output(scenario: Scenario, output: str | None = None,
                   progress: DrawProgress | None = None) -> OneWayOutput:
    """The one-way analysis of ``output`` (module docstring) in one fused pass."""
    items, notes = swings(scenario)
    values: list[dict[str, Any]] = [{}]
    for s in items:
        values += [{s.parameter: s.low}, {s.parameter: s.high}]
    _check_values(scenario, values)
    ds = run_values(scenario, values, progress)
    out = resolve_output(scenario, output, ds.isel(draw=0))
    y = out.values(ds)
    base = float(y[0])
    rows = []
    for i, s in enumerate(items):
        lo, hi = float(y[1 + 2 * i]), float(y[2 + 2 * i])
        rows.append({"parameter": s.parameter, "low": s.low, "high": s.high,
                     "source": s.source, "output_low": lo, "output_high": hi,
                     "change_low": lo - base, "change_high": hi - base,
                     "swing": abs(hi - lo), "base": base})
    rows.sort(key=lambda r: -float(r["swing"]) if np.isfinite(r["swing"]) else 0.0)
    return OneWayOutput(out, base, tuple(rows), tuple(notes))


def _check_values(scenario: Scenario, values: Sequence[dict[str, Any]]) -> None:
    """Every low/high value valid for its key; problems named after [sensitivity]."""
    from ..scenario.model import with_values

    problems: list[Problem] = []
    for v in values[1:]:
        try:
            with_values(scenario, v, "sensitivity.parameters", quote=True)
        except ScenarioError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise ScenarioError(problems)


@dataclass(frozen=True)
class Switch:
    """The switching value of ``parameter``: the value at which the output reaches the
    threshold (None when it does not within [low, high]), the runs it took and the
    output's range over the grid."""

    parameter: str
    low: float
    high: float
    value: float | None
    runs: int
    output_min: float
    output_max: float


def find_switch(evaluate: Evaluate, keys: Sequence[str], ranges: Sequence[tuple[float, float]],
                grid: int = GRID, xtol: float = XTOL, ftol: float = FTOL,
                max_iter: int = MAX_ITER) -> list[tuple[float | None, int, float, float]]:
    """Roots of g_j(x) = 0 for each key j within its range, every evaluation fused:
    ``evaluate(values)`` returns g for a list of override dicts ``{key: x}``. Per key:
    (root or None, evaluations, min and max of g over the grid)."""
    k = len(keys)
    xs = [np.linspace(lo, hi, grid) for lo, hi in ranges]
    g = np.asarray(evaluate([{key: float(x)} for key, row in zip(keys, xs, strict=True)
                             for x in row]), dtype=float).reshape(k, grid)
    runs = [grid] * k
    result: list[float | None] = [None] * k
    brackets: dict[int, list[float]] = {}
    for j in range(k):
        for i in range(grid):
            if g[j, i] == 0:
                result[j] = float(xs[j][i])
                break
            if i + 1 < grid and np.sign(g[j, i]) * np.sign(g[j, i + 1]) < 0:
                brackets[j] = [float(xs[j][i]), float(xs[j][i + 1]), float(g[j, i]),
                               float(g[j, i + 1]), 0]
                break
    scale = np.nanmax(np.abs(g), axis=1) if k else np.array([])
    for _ in range(max_iter):
        todo = [j for j, (a, b, *_r) in brackets.items()
                if abs(b - a) > xtol * abs(ranges[j][1] - ranges[j][0])]
        if not todo:
            break
        trial = {}
        for j in todo:
            a, b, ga, gb, _side = brackets[j]
            trial[j] = b - gb * (b - a) / (gb - ga)
            if not a < trial[j] < b:
                trial[j] = 0.5 * (a + b)
        gv = np.asarray(evaluate([{keys[j]: trial[j]} for j in todo]), dtype=float)
        for j, gx in zip(todo, gv, strict=True):
            runs[j] += 1
            a, b, ga, gb, side = brackets[j]
            x = trial[j]
            if gx == 0 or abs(gx) <= ftol * max(scale[j], 1e-300):
                brackets[j] = [x, x, gx, gx, 0]
                continue
            if np.sign(gx) == np.sign(ga):  # Illinois: halve the stale end's value
                brackets[j] = [x, b, gx, gb * 0.5 if side == -1 else gb, -1]
            else:
                brackets[j] = [a, x, ga * 0.5 if side == 1 else ga, gx, 1]
    for j, (a, b, ga, gb, _side) in brackets.items():
        result[j] = a if a == b else (b - gb * (b - a) / (gb - ga) if gb != ga
                                      else 0.5 * (a + b))
    return [(result[j], runs[j], float(np.nanmin(g[j])), float(np.nanmax(g[j])))
            for j in range(k)]


def switching_values(scenario: Scenario, output: str | None, threshold: str | float,
                     progress: DrawProgress | None = None) -> tuple[Output, Any, list[Switch]]:
    """The switching value of every numeric one-way parameter (module docstring): the
    value at which ``output`` equals ``threshold`` (a number or an output name)."""
    items, _notes = swings(scenario)
    items = [s for s in items if not isinstance(s.low, dict)]
    base_ds = run_values(scenario, [{}])
    out = resolve_output(scenario, output, base_ds.isel(draw=0))
    thr = _threshold(threshold, base_ds.isel(draw=0), scenario)

    def evaluate(values: list[dict[str, Any]]) -> np.ndarray:
        ds = run_values(scenario, values, progress)
        t = thr.values(ds) if isinstance(thr, Output) else float(thr)
        return out.values(ds) - t

    ranges = [(float(min(s.low, s.high)), float(max(s.low, s.high))) for s in items]
    found = find_switch(evaluate, [s.parameter for s in items], ranges)
    t0 = thr.values(base_ds)[0] if isinstance(thr, Output) else float(thr)
    switches = [Switch(s.parameter, r[0], r[1], v, n, gmin + t0, gmax + t0)
                for s, r, (v, n, gmin, gmax) in zip(items, ranges, found, strict=True)]
    return out, thr, switches


def finite(x: float | None) -> bool:
    """Whether ``x`` is a finite number."""
    return x is not None and math.isfinite(x)
