"""Global sensitivity: Sobol' indices of one result over the ``[uncertainty]`` parameters.

The design is Saltelli's (Saltelli et al. 2010, section 5), as
``scipy.stats.sobol_indices`` builds it: one scrambled Sobol' sequence of ``2k``
dimensions gives the ``[n, k]`` matrices of uniforms A (its first k columns) and B (its
last k); AB_i is A with column i taken from B. The ``n (k + 2)`` points are mapped to
parameter values by each distribution's inverse CDF and evaluated in **one**
:func:`~simulate.uncertainty.runner.run_values` call (the fused kernel, common random
numbers). ``scipy.stats.sobol_indices`` gives the indices from those evaluations:

* first order (Saltelli 2010): ``S_i = mean(f(B) (f(AB_i) - f(A))) / V``;
* total (Jansen 1999): ``ST_i = mean((f(A) - f(AB_i))^2) / (2 V)``;

with ``V`` the variance of the ``2n`` values f(A), f(B), after centring every value on
their mean. Confidence intervals are BCa bootstraps over the n rows (scipy's own
resampling, with a seeded generator so that they are reproducible). The indices assume
independent parameters: declared correlations are ignored, with a note. User's guide:
docs/uncertainty.md, "Global sensitivity".
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from ..errors import Problem, ScenarioError, did_you_mean
from .runner import DrawProgress, run_values, uncertainty_of
from .sampling import _TINY, _TOP, Distribution, UncertaintySpec, values_from_uniforms

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from ..scenario import Scenario

__all__ = ["DEFAULT_SAMPLES", "SOBOL_STREAM", "Output", "SobolResult", "default_output",
           "estimates", "parse_output", "saltelli_design", "sobol", "sobol_from_values"]

#: second word of the design's seed: a stream apart from the draws' (SAMPLING_STREAM)
SOBOL_STREAM = 0x50B017
#: default n: rows of A and B (a power of 2); the runs are n (k + 2)
DEFAULT_SAMPLES = 64
#: the smallest n accepted
MIN_SAMPLES = 8
#: bootstrap resamples of the confidence intervals
RESAMPLES = 999
#: where a bad --output or --samples is reported
OUTPUT_WHERE = "--output"
SAMPLES_WHERE = "--samples"
#: programme variables of unit "1" that are not shares of a common total cannot be summed
_ADDITIVE_SHARE = ("_pct_",)
_SYNTAX = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([^\]]*?)\s*\])?\s*"
                     r"(?:@\s*(\S+))?\s*$")
_EXAMPLES = "e.g. total_cost@2030, cost[mecg]@2030, financing_gap@2030, npv"


def _problem(expected: str, found: str, hint: str = "") -> ScenarioError:
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
        raise _problem(f"NAME, NAME@YEAR or NAME[LABEL]@YEAR ({_EXAMPLES})", repr(text))
    name, label_text, year_text = m.group(1), m.group(2), m.group(3)
    supported = _supported(ds_like)
    if name not in ds_like.data_vars or name not in supported:
        from ..variables import VARIABLES

        if name in ds_like.data_vars:
            dims = ", ".join(d for d in ds_like[name].dims if d != "draw")
            raise _problem("a variable of year and at most one other dimension",
                           f"{name!r} (dimensions {dims})")
        if name in VARIABLES:
            raise _problem("a variable this scenario produces", repr(name),
                           _needs(name))
        hint = did_you_mean(name, supported) or f"{_EXAMPLES}; docs/results.md"
        raise _problem("a result variable", repr(name), hint)
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
            raise _problem(f"a year: {name}@YEAR with YEAR in {span}, {name}@sum or "
                           f"{name}@pv", repr(text.strip()), f"e.g. {name}@{years[-1]}")
        if year_text in ("sum", "pv"):
            over = year_text
            if over == "pv" and rate is None:
                raise _problem("a discount rate for @pv: returns.discount_rate or "
                               "sensitivity.discount_rate in the scenario",
                               repr(text.strip()), "or use @sum or @YEAR")
            if units == "1" and not any(s in name for s in _ADDITIVE_SHARE):
                raise _problem(f"a variable that adds over the years for @{over}",
                               f"{name} (a rate, units 1)", f"e.g. {name}@{years[-1]}")
        else:
            try:
                year = int(year_text)
            except ValueError:
                year = None
            if year not in years:
                raise _problem(f"a year in {span} after {name}@", repr(year_text),
                               f"or {name}@sum, {name}@pv")
    elif year_text is not None:
        raise _problem(f"no year ({name} is one number for the whole horizon)",
                       repr(text.strip()), f"write {name}")
    others = [d for d in da.dims if d not in ("draw", "year")]
    dim = others[0] if others else None
    label: Any = None
    if dim is None:
        if label_text is not None:
            raise _problem(f"no [label] ({name} has no dimension besides year)",
                           repr(text.strip()))
    else:
        labels = _labels(ds_like, dim)
        shown = ", ".join(str(x) for x in labels)
        if label_text is not None:
            label = _match(label_text, labels)
            if label is None:
                raise _problem(f"a {dim} of {name} in [{shown}]", repr(label_text),
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
            raise _problem(f"a {dim} in [{shown}]{why}", repr(text.strip()),
                           f"e.g. {name}[{labels[0]}]{where}")
    canonical = name + (f"[{label}]" if label_text is not None else "") + \
        (f"@{year}" if year is not None else "") + (f"@{over}" if over else "")
    return Output(canonical, name, year, dim, label, long_name, units, over,
                  rate if over == "pv" else None, first_year)


def _needs(name: str) -> str:
    """Which table makes a registry variable appear."""
    from ..variables import VARIABLES

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


# --- the design and the estimators ----------------------------------------------------


def saltelli_design(n: int, k: int, rng: np.random.Generator | int | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Uniforms A, B (``[n, k]``) and AB (``[k, n, k]``, AB[i] = A with column i of B).

    A and B are the first and last k columns of ``n`` points of a scrambled Sobol'
    sequence in ``2k`` dimensions (``scipy.stats.qmc.Sobol(2k, bits=64)``), as
    ``scipy.stats.sobol_indices`` draws them: the same generator gives the same points.
    ``n`` must be a power of 2.
    """
    if n < 1 or n & (n - 1):
        raise ValueError(f"n expected a power of 2, found {n}")
    ab = stats.qmc.Sobol(d=2 * k, scramble=True, bits=64, rng=rng).random(n)
    a, b = ab[:, :k], ab[:, k:]
    pages = np.repeat(a[None], k, axis=0)
    idx = np.arange(k)
    pages[idx, :, idx] = b.T
    return a, b, pages


def design_points(a: np.ndarray, b: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """The ``[n (k + 2), k]`` points in run order: A's rows, B's, then AB_0's ... AB_(k-1)'s."""
    return np.concatenate([a, b, ab.reshape(-1, a.shape[1])])


def split_runs(y: np.ndarray, n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f(A) ``[n]``, f(B) ``[n]``, f(AB) ``[k, n]`` from the outputs in run order."""
    y = np.asarray(y, dtype=float)
    return y[:n], y[n:2 * n], y[2 * n:].reshape(k, n)


def estimates(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen) indices of outputs already centred on
    the mean of f(A) and f(B): ``mean(f_B (f_AB - f_A)) / V`` and ``mean((f_A - f_AB)^2) /
    (2 V)``, ``V = var(f_A, f_B)``; zero where V is 0 (as ``scipy.stats.sobol_indices``)."""
    var = np.var(np.concatenate([f_a, f_b]))
    if not var > 0:
        k = f_ab.shape[0]
        return np.zeros(k), np.zeros(k)
    first = np.mean(f_b * (f_ab - f_a), axis=-1) / var
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var
    return first, total


@dataclass(frozen=True)
class SobolResult:
    """Sobol' indices of one output: per parameter (declaration order) the first-order and
    total indices and their ``confidence_level`` bootstrap intervals (``[k, 2]``: low,
    high); the output's mean and variance over the 2n runs of A and B, and its value with
    the scenario's own values (``base``)."""

    title: str
    output: str
    output_title: str
    units: str
    parameters: tuple[str, ...]
    distributions: tuple[str, ...]
    first: np.ndarray
    total: np.ndarray
    first_ci: np.ndarray
    total_ci: np.ndarray
    n: int
    runs: int
    mean: float
    variance: float
    base: float
    confidence_level: float
    resamples: int
    seed: int
    notes: tuple[str, ...] = ()

    def order(self) -> list[int]:
        """Parameter indices, largest total index first (ties keep the declared order)."""
        return sorted(range(len(self.parameters)), key=lambda i: -float(self.total[i]))


def _interval(low: np.ndarray, high: np.ndarray, dist: np.ndarray, estimate: np.ndarray,
              level: float) -> np.ndarray:
    """``[k, 2]`` intervals from the BCa bounds; where BCa is undefined (a bootstrap
    distribution of one value, as for a parameter with no effect) the distribution's
    percentile interval, else the estimate itself."""
    low, high = np.array(low, dtype=float), np.array(high, dtype=float)
    bad = ~(np.isfinite(low) & np.isfinite(high))
    if bad.any():
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q = np.nanquantile(dist[bad], [(1 - level) / 2, (1 + level) / 2], axis=-1)
        low[bad], high[bad] = q[0], q[1]
    still = ~(np.isfinite(low) & np.isfinite(high))
    low[still], high[still] = estimate[still], estimate[still]
    return np.column_stack([low, high])


def sobol_from_values(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray, *,
                      confidence_level: float = 0.95, resamples: int = RESAMPLES,
                      rng: np.random.Generator | int | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """First-order and total indices (``scipy.stats.sobol_indices``) of one output's
    f(A) ``[n]``, f(B) ``[n]`` and f(AB) ``[k, n]``, and their BCa bootstrap intervals
    ``[k, 2]`` over the n rows (``scipy.stats.bootstrap``, seeded by ``rng``)."""
    f_a, f_b, f_ab = (np.asarray(x, dtype=float) for x in (f_a, f_b, f_ab))
    n = f_a.shape[0]
    k = f_ab.shape[0]
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.sobol_indices(func={"f_A": f_a[None], "f_B": f_b[None],
                                        "f_AB": f_ab[:, None, :]}, n=n)
    first = np.asarray(res.first_order, dtype=float).reshape(k)
    total = np.asarray(res.total_order, dtype=float).reshape(k)
    # the bootstrap of scipy's SobolResult.bootstrap (rows resampled, BCa), seeded
    mean = np.mean(np.concatenate([f_a, f_b]))
    ca, cb, cab = f_a - mean, f_b - mean, f_ab - mean

    def statistic(idx: np.ndarray) -> np.ndarray:
        s, st = estimates(ca[idx], cb[idx], cab[:, idx])
        return np.stack([s, st])

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        boot = stats.bootstrap([np.arange(n)], statistic, method="BCa",
                               n_resamples=resamples, confidence_level=confidence_level,
                               vectorized=False, rng=rng)
    low = np.asarray(boot.confidence_interval.low, dtype=float).reshape(2, k)
    high = np.asarray(boot.confidence_interval.high, dtype=float).reshape(2, k)
    dist = np.asarray(boot.bootstrap_distribution, dtype=float).reshape(2, k, -1)
    return (first, total, _interval(low[0], high[0], dist[0], first, confidence_level),
            _interval(low[1], high[1], dist[1], total, confidence_level))


def _describe(d: Distribution) -> str:
    if d.kind == "discrete":
        return f"discrete{list(d.params['values'])}"
    fields = ", ".join(f"{k}={v:g}" for k, v in d.params.items()
                       if isinstance(v, int | float) and not isinstance(v, bool))
    return f"{d.kind}({fields})"


def check_samples(n: int) -> int:
    """``n`` when it is a power of 2 >= MIN_SAMPLES; else a ScenarioError."""
    if not (isinstance(n, int | np.integer) and n >= MIN_SAMPLES and not n & (n - 1)):
        raise ScenarioError(Problem(SAMPLES_WHERE, "samples", f"a power of 2 >= {MIN_SAMPLES} "
                                    "(Sobol' points balance only in powers of 2: 8, 16, 32, "
                                    "64, 128, ...)", repr(n)))
    return int(n)


def _constant(out: Output, y: np.ndarray, spec: UncertaintySpec) -> ScenarioError:
    keys = ", ".join(spec.keys())
    return _problem(f"a result that varies with the [uncertainty] parameters ({keys})",
                    f"{out.text} = {y[0]:.6g} in every run",
                    "none of them changes it; choose another output or year")


def sobol(scenario: Scenario, output: str | None = None, n: int = DEFAULT_SAMPLES,
          progress: DrawProgress | None = None, scheduler: str | None = None, *,
          confidence_level: float = 0.95, resamples: int = RESAMPLES) -> SobolResult:
    """Sobol' indices of ``output`` (:func:`parse_output`; default
    :func:`default_output`) over ``scenario``'s ``[uncertainty]`` parameters, from the
    Saltelli design of ``n`` rows (a power of 2): ``n (k + 2)`` runs in one fused
    :func:`run_values` call (``progress(done, total)`` after each block of runs).

    The seed is ``uncertainty.seed`` (default ``scenario.seed``): the same scenario, seed
    and n give the same indices and intervals. Raises :class:`ScenarioError` for a
    scenario without ``[uncertainty]``, a bad ``output`` or ``n``, and an output that no
    parameter changes or that is not a number in some run.
    """
    n = check_samples(n)
    spec = uncertainty_of(scenario)
    base_ds = run_values(scenario, [{}])  # the scenario's own values: checks the output
    out = parse_output(output or default_output(scenario), base_ds)
    base = float(out.values(base_ds)[0])
    if not np.isfinite(base):
        raise _problem("a result that is a number", f"{out.text} = {base} with the "
                       "scenario's own values")
    k = len(spec.parameters)
    a, b, ab = saltelli_design(n, k, np.random.default_rng([spec.seed, SOBOL_STREAM]))
    points = np.clip(design_points(a, b, ab), _TINY, _TOP)
    ds = run_values(scenario, values_from_uniforms(spec, points), progress, scheduler)
    y = out.values(ds)
    bad = ~np.isfinite(y)
    if bad.any():
        raise _problem("a result that is a number in every run",
                       f"{out.text} = {y[bad][0]} in {int(bad.sum())} of {len(y)} runs")
    if np.ptp(y) <= 1e-12 * max(float(np.max(np.abs(y))), 1e-300):
        raise _constant(out, y, spec)
    f_a, f_b, f_ab = split_runs(y, n, k)
    first, total, first_ci, total_ci = sobol_from_values(
        f_a, f_b, f_ab, confidence_level=confidence_level, resamples=resamples,
        rng=np.random.default_rng([spec.seed, SOBOL_STREAM, 1]))
    notes = []
    if spec.correlated:
        pairs = [f"{spec.keys()[i]} ~ {spec.keys()[j]} ({spec.correlation[i, j]:g})"
                 for i in range(k) for j in range(i + 1, k) if spec.correlation[i, j] != 0]
        notes.append("the declared rank correlations were ignored (" + "; ".join(pairs) +
                     "): Sobol' indices assume independent parameters, so each was drawn "
                     "from its own distribution alone")
    from .globalsa import rank_warning

    warn = rank_warning(spec.keys(), total, np.maximum(total_ci[:, 1] - total,
                                                       total - total_ci[:, 0]))
    if warn:
        notes.append(warn)
    fa_fb = np.concatenate([f_a, f_b])
    return SobolResult(
        title=str(base_ds.attrs.get("title", scenario.name)), output=out.text,
        output_title=out.title, units=out.units, parameters=spec.keys(),
        distributions=tuple(_describe(d) for d in spec.parameters),
        first=first, total=total, first_ci=first_ci, total_ci=total_ci, n=n,
        runs=len(y), mean=float(fa_fb.mean()), variance=float(fa_fb.var()), base=base,
        confidence_level=confidence_level, resamples=resamples, seed=spec.seed,
        notes=tuple(notes))
