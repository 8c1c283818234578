"""The output an analysis studies: one number of the results per run, named on the
command line (``--output total_cost@2030``, ``cost[mecg]@2030``, ``npv``).

:func:`parse_output` reads the name against a results Dataset and returns an
:class:`Output` that picks that number out of any run (or every draw); shared by
Sobol' indices (:mod:`.sobol`), one-way and global sensitivity (:mod:`.oneway`,
:mod:`.globalsa`), risks (:mod:`.risk`) and convergence (:mod:`.convergence`).
:mod:`.sobol` re-exports the names it always had.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import Problem, ScenarioError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from ..scenario import Scenario

#: where a bad --output is reported
OUTPUT_WHERE = "--output"
#: programme variables of unit "1" that are not shares of a common total cannot be summed
_ADDITIVE_SHARE = ("_pct_",)
_SYNTAX = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([^\]]*?)\s*\])?\s*"
                     r"(?:@\s*(\S+))?\s*$")
_EXAMPLES = "e.g. total_cost@2030, cost[mecg]@2030, financing_gap@2030, npv"


def output_problem(expected: str, found: str, hint: str = "") -> ScenarioError:
    return ScenarioError(Problem(OUTPUT_WHERE, "output", expected, found, hint))


@dataclass(frozen=True)
class Output:
    """One number per run, read from a results Dataset: ``variable`` (in ``year`` when it
    has a year dimension), at ``label`` along its other dimension (``dim``), or summed
    over the programmes when ``label`` is None and ``dim`` is "programme"."""

    text: str
    variable: str
    year: int | None
    dim: str | None
    label: Any
    long_name: str
    units: str
    #: "sum" (over the years) or "pv" (present value at ``rate`` to start_year) or None
    over_years: str | None = None
    rate: float | None = None
    start_year: int | None = None

    def values(self, ds: xr.Dataset) -> np.ndarray:
        """The output of every draw of ``ds`` (a 1-d float array; one value without a
        ``draw`` dimension)."""
        da = ds[self.variable]
        if self.year is not None:
            da = da.sel(year=self.year)
        elif self.over_years == "sum":
            da = da.sum("year", skipna=False)
        elif self.over_years == "pv":
            t = ds["year"].values.astype(float) - float(self.start_year or ds["year"].values[0])
            factor = xr.DataArray((1.0 + float(self.rate or 0.0)) ** -t, dims=("year",),
                                  coords={"year": ds["year"].values})
            da = (da * factor).sum("year", skipna=False)
        if self.dim is not None:
            da = da.sum(self.dim, skipna=False) if self.label is None else \
                da.sel({self.dim: self.label})
        return np.atleast_1d(np.asarray(da.values, dtype=float))

    @property
    def title(self) -> str:
        """``long_name`` with the label and the year, e.g. "total cost of all programmes,
        2030"."""
        parts = [self.long_name]
        if self.label is not None:
            parts.append(str(self.label))
        elif self.dim == "programme":
            parts.append("all programmes")
        if self.year is not None:
            parts.append(str(self.year))
        elif self.over_years == "sum":
            parts.append("sum over the years")
        elif self.over_years == "pv":
            parts.append(f"present value at {100 * float(self.rate or 0):g}% to "
                         f"{self.start_year}")
        return ", ".join(parts)


def default_output(scenario: Scenario) -> str:
    """``total_cost_pct_gdp@<end_year>``: the cost of all programmes as a share of GDP in
    the scenario's last year (a nominal amount that far out mostly follows inflation)."""
    return f"total_cost_pct_gdp@{scenario.end_year}"


def _labels(ds: xr.Dataset, dim: str) -> list[Any]:
    return [x.item() if hasattr(x, "item") else x for x in ds[dim].values]


def _match(text: str, labels: Sequence[Any]) -> Any:
    for x in labels:
        if str(x) == text:
            return x
    return None


def _supported(ds: xr.Dataset) -> list[str]:
    """Variables with at most one dimension besides ``draw`` and ``year``."""
    out = []
    for name, da in ds.data_vars.items():
        dims = [d for d in da.dims if d not in ("draw", "year")]
        if len(dims) <= 1 and np.issubdtype(da.dtype, np.number) and name != "parameter_value":
            out.append(str(name))
    return out


def parse_output(text: str, ds_like: xr.Dataset, rate: float | None = None) -> Output:
    """The output named by ``text``, checked against a results Dataset (any run of the
    scenario: its variables, years and labels).

    ``NAME@YEAR`` for a variable by year (``total_cost@2030``, ``financing_gap@2030``);
    ``NAME`` for one with no year (``npv``: the base case of the ``sensitivity``
    dimension); ``NAME[LABEL]`` picks a label of the variable's other dimension
    (``cost[mecg]@2030``, ``poverty_headcount[after]@2030``, ``npv[costs+10%]``).
    ``NAME@sum`` sums a variable by year over the years; ``NAME@pv`` is its present value
    to the first year at the discount rate ``rate`` (sum of x_t (1 + rate)^-(t - t0)). Without a
    label, a programme variable is summed over programmes (``cost@2030``; not a rate such
    as coverage), ``sensitivity`` is ``base`` and a dimension of one label is that label.
    Raises :class:`ScenarioError` (``--output: output expected ..., found ...``).
    """
    m = _SYNTAX.match(text or "")
    if not m:
        raise output_problem(f"NAME, NAME@YEAR or NAME[LABEL]@YEAR ({_EXAMPLES})", repr(text))
    name, label_text, year_text = m.group(1), m.group(2), m.group(3)
    supported = _supported(ds_like)
    if name not in ds_like.data_vars or name not in supported:
        from ..variables import VARIABLES

        if name in ds_like.data_vars:
            dims = ", ".join(d for d in ds_like[name].dims if d != "draw")
            raise output_problem("a variable of year and at most one other dimension",
                           f"{name!r} (dimensions {dims})")
        if name in VARIABLES:
            raise output_problem("a variable this scenario produces", repr(name),
                           _needs(name))
        hint = did_you_mean(name, supported) or f"{_EXAMPLES}; docs/results.md"
        raise output_problem("a result variable", repr(name), hint)
    da = ds_like[name]
    units = str(da.attrs.get("units", ""))
    long_name = str(da.attrs.get("long_name", name))
    year: int | None = None
    over: str | None = None
    first_year: int | None = None
    if "year" in da.dims:
        years = [int(y) for y in ds_like["year"].values]
        first_year = years[0]
        span = f"{years[0]}..{years[-1]}"
        if year_text is None:
            raise output_problem(f"a year: {name}@YEAR with YEAR in {span}, {name}@sum or "
                           f"{name}@pv", repr(text.strip()), f"e.g. {name}@{years[-1]}")
        if year_text in ("sum", "pv"):
            over = year_text
            if over == "pv" and rate is None:
                raise output_problem("a discount rate for @pv: returns.discount_rate or "
                               "sensitivity.discount_rate in the scenario",
                               repr(text.strip()), "or use @sum or @YEAR")
            if units == "1" and not any(s in name for s in _ADDITIVE_SHARE):
                raise output_problem(f"a variable that adds over the years for @{over}",
                               f"{name} (a rate, units 1)", f"e.g. {name}@{years[-1]}")
        else:
            try:
                year = int(year_text)
            except ValueError:
                year = None
            if year not in years:
                raise output_problem(f"a year in {span} after {name}@", repr(year_text),
                               f"or {name}@sum, {name}@pv")
    elif year_text is not None:
        raise output_problem(f"no year ({name} is one number for the whole horizon)",
                       repr(text.strip()), f"write {name}")
    others = [d for d in da.dims if d not in ("draw", "year")]
    dim = others[0] if others else None
    label: Any = None
    if dim is None:
        if label_text is not None:
            raise output_problem(f"no [label] ({name} has no dimension besides year)",
                           repr(text.strip()))
    else:
        labels = _labels(ds_like, dim)
        shown = ", ".join(str(x) for x in labels)
        if label_text is not None:
            label = _match(label_text, labels)
            if label is None:
                raise output_problem(f"a {dim} of {name} in [{shown}]", repr(label_text),
                               did_you_mean(label_text, [str(x) for x in labels]))
        elif dim == "sensitivity" and "base" in labels:
            label = "base"
        elif len(labels) == 1:
            label = labels[0]
        elif dim == "programme" and (units != "1" or any(s in name for s in _ADDITIVE_SHARE)):
            label = None  # summed over programmes
        else:
            where = f"@{year}" if year is not None else ""
            why = f"; {name} cannot be summed over programmes" if dim == "programme" else ""
            raise output_problem(f"a {dim} in [{shown}]{why}", repr(text.strip()),
                           f"e.g. {name}[{labels[0]}]{where}")
    canonical = name + (f"[{label}]" if label_text is not None else "") + \
        (f"@{year}" if year is not None else "") + (f"@{over}" if over else "")
    return Output(canonical, name, year, dim, label, long_name, units, over,
                  rate if over == "pv" else None, first_year)


def _needs(name: str) -> str:
    """Which table makes a registry variable appear."""
    from ..scenario.keys.outputs import VARIABLES as OPTIONAL
    from ..variables import VARIABLES

    for switch, names in OPTIONAL.items():
        if name in names:
            needs = "a population with welfare" if switch == "poverty" else \
                "at most 12 programmes"
            return f"{name} needs outputs.{switch} = true (the default) and {needs}"
    if VARIABLES[name].dims in (("sensitivity",), ("channel",), ()) or name in (
            "benefits", "economic_cost", "net_benefits") or name.startswith("stunting_"):
        return f"{name} needs a [returns] table"
    if "financing" in name or name.startswith("loan_") or name in (
            "results_based_disbursement", "debt_service"):
        return f"{name} needs a [fiscal.financing] table"
    if "envelope" in name:
        return f"{name} needs fiscal.envelope or fiscal.envelope_pct_gdp"
    if "debt" in name or "balance" in name:
        return f"{name} needs fiscal.debt_pct_gdp"
    return "docs/results.md"
