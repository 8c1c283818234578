"""The fund's Monte Carlo and solvers: return paths, depletion, required capital.

:func:`add_fund` takes a results Dataset that holds the fund's flows (put there by
:mod:`simulate.fiscal`: ``fund_bill``, ``fund_contributions``, ``fund_bond_service``,
``inflation``), simulates ``fund.draws`` return paths with the numba kernel
(:mod:`simulate.kernels.fund`) and adds the plan's variables (docs/fund.md,
docs/results.md). Return paths lie on their own dimension ``fund_draw``; with
``[uncertainty]`` each path is paired with one cost draw (path j with draw j mod
n_draws, coordinate ``fund_cost_draw``), so the quantiles cover both risks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..kernels.fund import BILL, FIXED_SHARE, SMOOTHED, simulate_fund
from ..scenario import Scenario
from ..scenario.fund import FundSettings
from ..variables import variable

#: percentiles of the balance reported (fund_percentile)
PERCENTILES = (5, 25, 50, 75, 95)
#: probabilities of the required-capital curve (fund_probability); the target is added
PROBABILITIES = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99)
#: the probabilities of the plan's headline table
HEADLINE_PROBABILITIES = (0.5, 0.9, 0.95, 0.99)
RULES = {"bill": BILL, "fixed_share": FIXED_SHARE, "smoothed": SMOOTHED}


@dataclass(frozen=True)
class ReturnModel:
    """The kernel's return parameters: log-return mean and sd per asset, weights, a
    lower-triangular factor of the correlation matrix, the AR(1) coefficient."""

    mu: np.ndarray
    sigma: np.ndarray
    weights: np.ndarray
    factor: np.ndarray
    phi: float
    real: bool
    fee: float


def lognormal_parameters(mean: float, sd: float) -> tuple[float, float]:
    """(mu, sigma) of log(1 + r) when 1 + r is lognormal with mean 1 + ``mean`` and
    standard deviation ``sd``: sigma^2 = log(1 + sd^2 / (1 + mean)^2), mu = log(1 + mean)
    - sigma^2 / 2."""
    s2 = math.log1p(sd * sd / (1.0 + mean) ** 2)
    return math.log1p(mean) - s2 / 2.0, math.sqrt(s2)


def correlation_factor(corr: np.ndarray) -> np.ndarray:
    """Lower-triangular L with L L' = corr (a semi-definite matrix is nudged by 1e-12 on
    the diagonal and its rows renormalised)."""
    n = corr.shape[0]
    try:
        return np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        low = np.linalg.cholesky(corr + 1e-12 * np.eye(n))
        return low / np.sqrt((low ** 2).sum(axis=1))[:, None]


def return_model(fs: FundSettings) -> ReturnModel:
    """The kernel's parameters of ``fs``'s returns."""
    params = [lognormal_parameters(a.mean, a.volatility) for a in fs.assets]
    return ReturnModel(
        mu=np.array([p[0] for p in params]), sigma=np.array([p[1] for p in params]),
        weights=np.array([a.weight for a in fs.assets], dtype=np.float64),
        factor=np.ascontiguousarray(correlation_factor(fs.correlation)),
        phi=float(fs.autocorrelation), real=fs.returns_kind == "real", fee=float(fs.fee))


@dataclass(frozen=True)
class Paths:
    """The kernel's outputs by path (see :func:`simulate.kernels.fund.simulate_fund`)."""

    balance: np.ndarray  # [path, year index 0..T]
    payout: np.ndarray  # [path, year index]
    depleted: np.ndarray  # first year index of depletion, -1 none
    required: np.ndarray
    level: np.ndarray
    payshare: np.ndarray
    below: np.ndarray
    dropped: np.ndarray


def price_index(inflation: np.ndarray) -> np.ndarray:
    """Consumer prices [cost draw, T + 1] from inflation [cost draw, T]: 1 in start_year,
    times 1 + the year's inflation after; the end continues the last year's inflation."""
    steps = np.concatenate([np.ones((inflation.shape[0], 1)), 1.0 + inflation[:, 1:],
                            1.0 + inflation[:, -1:]], axis=1)
    return np.cumprod(steps, axis=1)


def simulate_paths(fs: FundSettings, n_paths: int, capital: float, inflation: np.ndarray,
                   contrib: np.ndarray, bill: np.ndarray, fixed: np.ndarray,
                   years: np.ndarray) -> Paths:
    """Run the kernel: ``n_paths`` paths, path j with cost draw j mod n_draws; arrays
    [cost draw, year] (coerced to contiguous float64 here)."""
    def arr(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.atleast_2d(x), dtype=np.float64)

    inflation, contrib, bill, fixed = arr(inflation), arr(contrib), arr(bill), arr(fixed)
    n_cost, n_years = bill.shape
    m = return_model(fs)
    rate = (fs.rate.at(years) if fs.rate is not None else np.zeros(n_years)).astype(np.float64)
    band = fs.band or (0.0, 0.0)
    cost_draw = (np.arange(n_paths) % n_cost).astype(np.int64)
    out = Paths(np.empty((n_paths, n_years + 1)), np.empty((n_paths, n_years)),
                np.empty(n_paths, dtype=np.int64), np.empty(n_paths), np.empty(n_paths),
                np.empty(n_paths), np.empty(n_paths, dtype=np.bool_),
                np.empty(n_paths, dtype=np.bool_))
    simulate_fund(np.uint64(fs.seed), float(capital), cost_draw, m.factor, m.mu, m.sigma,
                  m.weights, m.phi, m.real, m.fee, inflation, price_index(inflation), contrib,
                  bill, fixed, RULES[fs.rule], np.ascontiguousarray(rate), float(fs.smoothing),
                  float(band[0]), float(band[1]), fs.band is not None,
                  bool(fs.rule != "bill" and bill.any()), float(fs.balance_share),
                  int(fs.within_years), float(fs.spending_drop),
                  out.balance, out.payout, out.depleted, out.required, out.level,
                  out.payshare, out.below, out.dropped)
    return out


def quantile_at_least(values: np.ndarray, p: float) -> float:
    """Smallest x with share(values <= x) >= p (the inverted CDF): a capital that keeps at
    least a share p of the paths solvent."""
    return quantiles_at_least(np.sort(values), [p])[0]


def quantiles_at_least(ordered: np.ndarray, ps) -> list[float]:
    """:func:`quantile_at_least` at each of ``ps`` from values sorted ascending."""
    n = len(ordered)
    return [float(ordered[max(0, math.ceil(p * n - 1e-9) - 1)]) for p in ps]


def largest_at_least(values: np.ndarray, p: float) -> float:
    """Largest x with share(values >= x) >= p."""
    v = np.sort(values)
    return float(v[len(v) - max(1, math.ceil(p * len(v) - 1e-9))])


def n_paths_of(fs: FundSettings, n_cost: int) -> int:
    """Paths simulated: fund.draws (one when returns are certain), at least one per cost
    draw."""
    return max(fs.draws if fs.stochastic else 1, n_cost)


def _by_draw(ds: xr.Dataset, name: str) -> np.ndarray:
    da = ds[name]
    if "fund_source" in da.dims:
        da = da.sum("fund_source")
    if "draw" in da.dims:
        return da.transpose("draw", "year").values
    return da.values[None, :]


def solve_plan(fs: FundSettings, years: np.ndarray, bill: np.ndarray, contrib: np.ndarray,
               fixed: np.ndarray, inflation: np.ndarray) -> tuple[dict[str, object], bool]:
    """The Monte Carlo and the solvers on arrays [cost draw, year]: the plan's values by
    variable name (arrays by path are [year, path]), and whether the capital was solved
    (no ``initial_capital``)."""
    n_cost = bill.shape[0]
    n = n_paths_of(fs, n_cost)
    p = fs.target_probability
    capital = fs.initial_capital
    first = None
    if capital is None:  # bill rule (spending rules need a capital): solve first
        first = simulate_paths(fs, n, 0.0, inflation, contrib, bill, fixed, years)
        capital = quantile_at_least(first.required, p)
    paths = simulate_paths(fs, n, capital, inflation, contrib, bill, fixed, years)
    # the level contribution and the payout share are for the declared capital, or for
    # none when the capital is solved (with the solved one they would be trivial)
    given = paths if first is None else first
    required = paths.required
    probs = probabilities(p)
    by_prob = (quantiles_at_least(np.sort(required), probs) if not np.isnan(required).any()
               else [np.nan] * len(probs))
    depleted = paths.depleted
    counts = np.bincount(depleted[depleted >= 0], minlength=len(years))
    by_year = np.ascontiguousarray(paths.balance.T)  # [year index 0..T, path]
    pct = np.percentile(by_year, PERCENTILES, axis=1)  # [percentile, T + 1]
    bill_rule = fs.rule == "bill"
    values: dict[str, object] = {
        "fund_balance": by_year[:-1],
        "fund_balance_end": by_year[-1],
        "fund_balance_percentile": pct[:, :-1].T,
        "fund_balance_end_percentile": pct[:, -1],
        "fund_depletion_probability": np.cumsum(counts[:len(years)]) / n,
        "fund_depletion_probability_horizon": float((depleted >= 0).mean()),
        "fund_depletion_year": np.where(depleted >= 0, years[0] + depleted, np.nan),
        "fund_path_required_capital": required,
        "fund_simulated_capital": float(capital),
        "fund_required_capital": by_prob[probs.index(p)],
        "fund_required_capital_by_probability": by_prob,
        "fund_level_contribution": (quantile_at_least(given.level, p) if bill_rule
                                    else np.nan),
        "fund_sustainable_payout_share": (largest_at_least(given.payshare, p)
                                          if bill_rule and bill.any() else np.nan),
        "fund_probability_real_balance_below": (float(paths.below.mean()) if capital > 0
                                                else np.nan),
        "fund_probability_spending_drop": float(paths.dropped.mean()),
    }
    return values, first is not None


def probabilities(target: float) -> list[float]:
    """The probabilities of the required-capital curve, the target included."""
    return sorted(set(PROBABILITIES) | {target})


def add_fund(ds: xr.Dataset, scenario: Scenario) -> xr.Dataset:
    """``ds`` with the fund's Monte Carlo and solvers (no change without ``[fund]``)."""
    fs = scenario.fund
    if fs is None or "fund_bill" not in ds:
        return ds
    years = ds["year"].values
    bill = _by_draw(ds, "fund_bill")
    values, solved = solve_plan(fs, years, bill, _by_draw(ds, "fund_contributions"),
                                _by_draw(ds, "fund_bond_service"), _by_draw(ds, "inflation"))
    n_cost = bill.shape[0]
    n = n_paths_of(fs, n_cost)
    currency = ds.attrs.get("currency", "")
    new = {name: variable(name, value, currency) for name, value in values.items()}
    out = ds.assign_coords(fund_draw=np.arange(n), fund_percentile=list(PERCENTILES),
                           fund_probability=probabilities(fs.target_probability))
    if "draw" in ds.dims:
        out = out.assign_coords(fund_cost_draw=("fund_draw", np.arange(n) % n_cost))
        out["fund_cost_draw"].attrs.update(long_name="cost draw paired with the return path")
    out["fund_draw"].attrs.update(long_name="fund return path (Monte Carlo)")
    out["fund_percentile"].attrs.update(long_name="percentile over the fund's paths",
                                        units="%")
    out["fund_probability"].attrs.update(long_name="probability of solvency", units="1")
    out = out.assign(new)
    out.attrs.update(fund_paths=n, fund_seed=int(fs.seed),
                     fund_target_probability=fs.target_probability, fund_rule=fs.rule,
                     fund_pays=fs.pays_kind, fund_capital_solved=int(solved))
    return out
