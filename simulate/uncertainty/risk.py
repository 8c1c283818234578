"""Risk outputs of a run with draws: exceedance probabilities by year, their Monte Carlo
standard errors, expected shortfall and expected excess (docs/sensitivity.md).

The risks are the thresholds a scenario declares, each by year:

* ``total_cost > envelope`` when [fiscal] has an envelope (each draw's own envelope);
* ``financing_gap > 0`` when the scenario has a financing gap;
* ``debt_pct_gdp > <ceiling>`` with ``uncertainty.risk.debt_ceiling_pct_gdp``;
* each ``[[uncertainty.risk.thresholds]]``: ``output`` above or below a number;

and, with [returns], ``npv < 0`` (one number for the horizon).

For a risk "X above T" in a year, over the n draws with a finite X:
``p = #(X > T) / n`` (standard error ``sqrt(p (1 - p) / n)``), the expected excess
``mean(max(X - T, 0))`` and the expected shortfall ``mean(X | X >= q_p)``, q_p the
``uncertainty.risk.percentile``-th percentile of X (the mean of the worst draws); for
"below", the mirror images (``X < T``, ``max(T - X, 0)``, the lower tail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from ..errors import Problem, ScenarioError

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario

__all__ = ["Risk", "add_risk", "declared_risks", "exceedance", "expected_shortfall"]

#: default percentile of the expected shortfall
DEFAULT_PERCENTILE = 95.0


@dataclass(frozen=True)
class Risk:
    """``output`` (an --output name without @YEAR) compared with ``threshold`` (a number,
    or the name of another variable by year, e.g. "envelope"); ``above`` True for the
    risk of exceeding it."""

    label: str
    output: str
    threshold: float | str
    above: bool


def declared_risks(scenario: Scenario, ds: xr.Dataset) -> list[Risk]:
    """The risks of ``scenario`` present in its results ``ds`` (module docstring)."""
    risks: list[Risk] = []
    if "envelope" in ds and "total_cost" in ds:
        risks.append(Risk("total_cost > envelope", "total_cost", "envelope", True))
    if "financing_gap" in ds:
        risks.append(Risk("financing_gap > 0", "financing_gap", 0.0, True))
    sec = scenario.section("uncertainty") or {}
    risk = sec.get("risk") or {}
    ceiling = risk.get("debt_ceiling_pct_gdp")
    if ceiling is not None:
        if "debt_pct_gdp" not in ds:
            raise ScenarioError(Problem(
                scenario.where("uncertainty.risk.debt_ceiling_pct_gdp"),
                "uncertainty.risk.debt_ceiling_pct_gdp", "a scenario with a debt path "
                "(fiscal.debt_pct_gdp and fiscal.interest_rate)", "no debt_pct_gdp"))
        risks.append(Risk(f"debt_pct_gdp > {ceiling:g}", "debt_pct_gdp", float(ceiling), True))
    for i, t in enumerate(risk.get("thresholds") or ()):
        where = f"uncertainty.risk.thresholds[{i}]"
        if (t["above"] is None) == (t["below"] is None):
            raise ScenarioError(Problem(scenario.where(where), f"{where}.above",
                                        "one of above or below", "both" if t["above"]
                                        is not None else "neither"))
        above = t["above"] is not None
        value = float(t["above"] if above else t["below"])
        _check_output(scenario, ds, t["output"], where)
        risks.append(Risk(f"{t['output']} {'>' if above else '<'} {value:g}", t["output"],
                          value, above))
    return risks


def _check_output(scenario: Scenario, ds: xr.Dataset, text: str, where: str) -> None:
    from .output_spec import parse_output

    years = ds["year"].values
    try:
        parse_output(f"{text}@{int(years[-1])}", ds)
    except ScenarioError as exc:
        p = exc.problems[0]
        raise ScenarioError(Problem(scenario.where(where), f"{where}.output",
                                    f"a result variable by year ({p.expected})", repr(text),
                                    p.hint)) from None


def _series(ds: xr.Dataset, name: str) -> np.ndarray:
    """``[draw, year]`` values of an output name (no @YEAR) in ``ds``."""
    from .output_spec import parse_output

    years = [int(y) for y in ds["year"].values]
    cols = [parse_output(f"{name}@{y}", ds).values(ds) for y in years]
    return np.column_stack(cols)


def exceedance(x: np.ndarray, threshold: np.ndarray | float, above: bool = True
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column of ``x`` ``[draw, year]``: the share of finite draws beyond
    ``threshold`` (a number or ``[draw, year]``), its standard error and the expected
    excess ``mean(max(x - t, 0))`` (``t - x`` below); NaN where no draw is finite."""
    x = np.asarray(x, dtype=float)
    t = np.broadcast_to(np.asarray(threshold, dtype=float), x.shape)
    ok = np.isfinite(x) & np.isfinite(t)
    n = ok.sum(axis=0)
    diff = np.where(ok, (x - t) if above else (t - x), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, (ok & (diff > 0)).sum(axis=0) / np.maximum(n, 1), np.nan)
        se = np.where(n > 0, np.sqrt(p * (1 - p) / np.maximum(n, 1)), np.nan)
        excess = np.where(n > 0, np.maximum(diff, 0.0).sum(axis=0) / np.maximum(n, 1),
                          np.nan)
    return p, se, excess


def expected_shortfall(x: np.ndarray, percentile: float, above: bool = True) -> np.ndarray:
    """Per column of ``x`` ``[draw, year]``: the mean of the finite draws at or beyond
    the ``percentile``-th percentile (at or below the (100 - percentile)-th when not
    ``above``)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape[1], np.nan)
    for j in range(x.shape[1]):
        v = x[np.isfinite(x[:, j]), j]
        if len(v) == 0:
            continue
        if above:
            q = np.percentile(v, percentile)
            out[j] = v[v >= q].mean()
        else:
            q = np.percentile(v, 100.0 - percentile)
            out[j] = v[v <= q].mean()
    return out


def add_risk(ds: xr.Dataset, scenario: Scenario) -> xr.Dataset:
    """``ds`` (with draws) with the risk variables: ``exceedance_probability``,
    ``exceedance_probability_se``, ``expected_excess`` and ``expected_shortfall``
    ``[risk, year]`` and, with returns, ``probability_npv_negative``; unchanged
    without draws or risks."""
    from ..variables import variable

    if "draw" not in ds.dims:
        return ds
    risks = declared_risks(scenario, ds)
    sec = scenario.section("uncertainty") or {}
    pct = float((sec.get("risk") or {}).get("percentile") or DEFAULT_PERCENTILE)
    currency = str(ds.attrs.get("currency", ""))
    out = ds
    if risks:
        n_years = ds.sizes["year"]
        arrays = {k: np.full((len(risks), n_years), np.nan) for k in (
            "exceedance_probability", "exceedance_probability_se", "expected_excess",
            "expected_shortfall")}
        units = []
        for i, r in enumerate(risks):
            x = _series(ds, r.output)
            t = _series(ds, r.threshold) if isinstance(r.threshold, str) else r.threshold
            p, se, excess = exceedance(x, t, r.above)
            arrays["exceedance_probability"][i] = p
            arrays["exceedance_probability_se"][i] = se
            arrays["expected_excess"][i] = excess
            arrays["expected_shortfall"][i] = expected_shortfall(x, pct, r.above)
            units.append(str(ds[r.output].attrs.get("units", "")))
        out = out.assign_coords(risk=[r.label for r in risks])
        out["risk"].attrs.update(long_name="risk: an output beyond a threshold")
        out = out.assign_coords(risk_units=("risk", units))
        for name, values in arrays.items():
            out[name] = variable(name, values, currency)
        out["expected_shortfall"].attrs["percentile"] = pct
    if "npv" in ds and "sensitivity" in ds["npv"].dims:
        npv = ds["npv"].sel(sensitivity="base").values.reshape(ds.sizes["draw"], 1)
        p, se, _ = exceedance(npv, 0.0, above=False)
        out["probability_npv_negative"] = variable("probability_npv_negative", p[0],
                                                   currency)
        out["probability_npv_negative"].attrs["standard_error"] = float(se[0])
    return out
