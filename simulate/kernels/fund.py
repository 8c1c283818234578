"""Monte Carlo of a fund's balance over return paths: one pass per path, in parallel.

Conventions (DESIGN.md "Funds", docs/fund.md): contributions C[t] and payouts P[t]
of year t happen at its start; the balance then earns that year's return net of
fees: B[t+1] = (B[t] + C[t] - P[t]) * g[t], g[t] = (1 + r[t]) * (1 - fee), B[0] =
capital. The fund is depleted in the first year with B[t] + C[t] - P[t] < 0; a bill
fund's balance then carries the shortfall (negative) at the same factor, so that the
balance stays linear in the capital.

Returns: each asset's log gross return is mu + sigma * y[t] with y a stationary
AR(1) of unit variance, y[0] = e[0], y[t] = phi * y[t-1] + sqrt(1 - phi^2) * e[t],
e[t] = L z[t] correlated standard normals (L a factor of the correlation matrix, z
independent); with phi = 0 years are independent and 1 + r is lognormal. The
portfolio is rebalanced yearly: r = sum_i w_i r_i. Real returns (``real``) become
nominal with the year's inflation: (1 + r) * (1 + inflation[t]) - 1.

Normals are counter-based: the uniforms of path j are SplitMix64 hashes of (seed, j,
k) and pairs of them give two normals (Box-Muller); a path's returns do not depend on
the number of paths, threads or cost draws.

Rules (``rule``): 0 pays the bill P = bill + fixed; 1 fixed share: P = rate[t] *
max(B, 0) + fixed; 2 smoothed (Yale): S[0] = rate[0] * max(B[0], 0), S[t] =
smoothing * S[t-1] * (1 + inflation[t]) + (1 - smoothing) * rate[t] * max(B[t], 0),
clipped to [band_lo, band_hi] * max(B[t], 0) when ``has_band``; P = S + fixed.

This module imports nothing else of the package but the hash of kernels/rng.py.
"""

import math

import numpy as np
from numba import njit, prange

from .rng import _S11, _TO_UNIT, mix64

#: a shortfall within this share of the largest balance or flow so far is rounding, not
#: depletion (a path started with exactly its required capital reaches 0 give or take
#: the last bits)
ROUNDING = 1e-9

BILL = 0
FIXED_SHARE = 1
SMOOTHED = 2


@njit(cache=True)
def path_key(seed, path):
    """The hash key of one path's uniforms."""
    return mix64(mix64(np.uint64(seed)) ^ np.uint64(path))


@njit(cache=True)
def _unit(key, k):
    """The uniform number k of a path, in (0, 1]."""
    return (float(mix64(key ^ np.uint64(k)) >> _S11) + 1.0) * _TO_UNIT


@njit(cache=True)
def normal(seed, path, index):
    """Standard normal ``index`` of ``path``: Box-Muller on the uniforms 2m and 2m + 1
    of the path (m = index // 2), the cosine for an even index, the sine for an odd one."""
    key = path_key(seed, path)
    m = index // 2
    r = math.sqrt(-2.0 * math.log(_unit(key, 2 * m)))
    angle = 2.0 * math.pi * _unit(key, 2 * m + 1)
    return r * math.cos(angle) if index % 2 == 0 else r * math.sin(angle)


@njit(cache=True)
def path_normals(seed, path, out):
    """Fill ``out`` with the path's normals 0 .. len(out) - 1 (as :func:`normal`)."""
    key = path_key(seed, path)
    n = out.shape[0]
    for m in range((n + 1) // 2):
        r = math.sqrt(-2.0 * math.log(_unit(key, 2 * m)))
        angle = 2.0 * math.pi * _unit(key, 2 * m + 1)
        out[2 * m] = r * math.cos(angle)
        if 2 * m + 1 < n:
            out[2 * m + 1] = r * math.sin(angle)


@njit(cache=True)
def path_factors(seed, path, n_years, factor, mu, sigma, weights, phi, inflation, real,
                 fee, out):
    """Write the gross factors g[t] = (1 + r[t]) (1 - fee) of one path into ``out``;
    asset a's normal of year t is the path's normal t x n_assets + a."""
    n_assets = mu.shape[0]
    e = np.empty(n_years * n_assets)
    path_normals(seed, path, e)
    y = np.zeros(n_assets)
    innov = math.sqrt(1.0 - phi * phi)
    for t in range(n_years):
        r = 0.0
        base = t * n_assets
        for a in range(n_assets):
            z = 0.0
            for b in range(a + 1):
                z += factor[a, b] * e[base + b]
            y[a] = z if t == 0 else phi * y[a] + innov * z
            r += weights[a] * (math.exp(mu[a] + sigma[a] * y[a]) - 1.0)
        if real:
            r = (1.0 + r) * (1.0 + inflation[t]) - 1.0
        out[t] = (1.0 + r) * (1.0 - fee)


@njit(cache=True)
def _spend(rule, t, balance, prev, rate, smoothing, band_lo, band_hi, has_band, inflation):
    """The rule's spending of year t from the balance at its start (rules 1 and 2)."""
    base = balance if balance > 0.0 else 0.0
    if rule == FIXED_SHARE:
        return rate[t] * base
    if t == 0:
        s = rate[0] * base
    else:
        s = smoothing * prev * (1.0 + inflation[t]) + (1.0 - smoothing) * rate[t] * base
    if has_band:
        lo = band_lo * base
        hi = band_hi * base
        if s < lo:
            s = lo
        if s > hi:
            s = hi
    return s


@njit(cache=True)
def _rule_covers(capital, g, contrib, bill, fixed, rate, smoothing, band_lo, band_hi,
                 has_band, inflation, rule):
    """Whether a rule fund started with ``capital`` spends at least the bill every year
    and never runs dry (fixed outflows included)."""
    b = capital
    prev = 0.0
    for t in range(g.shape[0]):
        s = _spend(rule, t, b, prev, rate, smoothing, band_lo, band_hi, has_band, inflation)
        if s < bill[t] * (1.0 - 1e-12) or b + contrib[t] - s - fixed[t] < 0.0:
            return False
        b = (b + contrib[t] - s - fixed[t]) * g[t]
        prev = s
    return True


@njit(cache=True)
def _rule_capital(g, contrib, bill, fixed, rate, smoothing, band_lo, band_hi, has_band,
                  inflation, rule):
    """Smallest capital (relative precision 1e-9) with which a rule fund covers its bill:
    bisection (spending rises with the capital); inf when no capital does."""
    if _rule_covers(0.0, g, contrib, bill, fixed, rate, smoothing, band_lo, band_hi,
                    has_band, inflation, rule):
        return 0.0
    hi = 1.0
    for _ in range(200):
        if _rule_covers(hi, g, contrib, bill, fixed, rate, smoothing, band_lo, band_hi,
                        has_band, inflation, rule):
            break
        hi *= 4.0
    else:
        return np.inf
    lo = 0.0
    while hi - lo > 1e-9 * hi:
        mid = 0.5 * (lo + hi)
        if _rule_covers(mid, g, contrib, bill, fixed, rate, smoothing, band_lo, band_hi,
                        has_band, inflation, rule):
            hi = mid
        else:
            lo = mid
    return hi


@njit(parallel=True, cache=True)
def simulate_fund(seed, capital, cost_draw, factor, mu, sigma, weights, phi, real, fee,
                  inflation, price, contrib, bill, fixed, rule, rate, smoothing, band_lo,
                  band_hi, has_band, solve_rule, below_share, within_years, drop_share,
                  balance, payout, depleted, required, level, payshare, below, dropped):
    """Simulate every path ``j`` (paired with cost draw ``cost_draw[j]``).

    Inputs by cost draw c and year t: ``inflation[c, t]``, ``price[c, t]`` (consumer
    prices, start_year = 1, with one more year at the end), ``contrib[c, t]``,
    ``bill[c, t]`` (what the fund is asked to pay), ``fixed[c, t]`` (bond service the
    fund pays). ``rate[t]`` the rule's spending rate.

    Outputs by path: ``balance[j, t]`` (t = 0..T, start of each year, then the end),
    ``payout[j, t]`` (what it pays in year t: bill or rule spending, plus fixed),
    ``depleted[j]`` (first year index with B + C - P < 0, -1 when none), ``required[j]``
    (smallest solvent capital; for rules, the smallest that spends at least the bill),
    ``level[j]`` (smallest level contribution added every year that keeps the path
    solvent with ``capital``; bill rule), ``payshare[j]`` (largest multiple of the bill
    the path can pay with ``capital``; bill rule), ``below[j]`` (real balance below
    ``below_share`` x capital in some year 1..within_years), ``dropped[j]`` (real payout,
    bond service apart, fell by more than ``drop_share`` from one year to the next).
    """
    n_paths = balance.shape[0]
    n_years = balance.shape[1] - 1
    for j in prange(n_paths):
        c = cost_draw[j]
        g = np.empty(n_years)
        path_factors(seed, j, n_years, factor, mu, sigma, weights, phi, inflation[c], real,
                     fee, g)
        b = capital
        balance[j, 0] = b
        disc = 1.0  # D[t] = prod_{s<t} g[s]
        s_net = 0.0  # sum (P - C) / D
        s_one = 0.0  # sum 1 / D
        s_cf = 0.0  # sum (C - fixed) / D
        s_bill = 0.0  # sum bill / D
        worst = 0.0
        lev = 0.0
        share = np.inf
        dep = -1
        prev = 0.0
        prev_paid = 0.0
        scale = abs(capital)  # largest balance or flow so far (for rounding)
        is_below = False
        is_drop = False
        for t in range(n_years):
            if rule == BILL:
                out = bill[c, t] + fixed[c, t]
            else:
                out = _spend(rule, t, b, prev, rate, smoothing, band_lo, band_hi, has_band,
                             inflation[c]) + fixed[c, t]
            avail = b + contrib[c, t] - out
            scale = max(scale, abs(b), contrib[c, t], out)
            if avail < -ROUNDING * scale and dep < 0:
                dep = t
            # what reaches the bill or the rule's spending (bond service apart)
            spend = out - fixed[c, t]
            paid = spend if avail >= 0.0 else max(0.0, min(spend, b + contrib[c, t] - fixed[c, t]))
            payout[j, t] = out
            if t > 0 and prev_paid > 0.0:
                if paid / price[c, t] < (1.0 - drop_share) * prev_paid / price[c, t - 1]:
                    is_drop = True
            prev_paid = paid
            prev = out - fixed[c, t]
            s_net += (out - contrib[c, t]) / disc
            if s_net > worst:
                worst = s_net
            s_one += 1.0 / disc
            x = (s_net - capital) / s_one
            if x > lev:
                lev = x
            s_cf += (contrib[c, t] - fixed[c, t]) / disc
            s_bill += bill[c, t] / disc
            if s_bill > 0.0:
                k = (capital + s_cf) / s_bill
                if k < share:
                    share = k
            b = avail * g[t]
            disc *= g[t]
            balance[j, t + 1] = b
            if t + 1 <= within_years and b / price[c, t + 1] < below_share * capital:
                is_below = True
        depleted[j] = dep
        below[j] = is_below
        dropped[j] = is_drop
        if rule == BILL:
            required[j] = worst
            level[j] = lev
            payshare[j] = share if share > 0.0 else 0.0
        else:
            required[j] = (_rule_capital(g, contrib[c], bill[c], fixed[c], rate, smoothing,
                                         band_lo, band_hi, has_band, inflation[c], rule)
                           if solve_rule else np.nan)
            level[j] = np.nan
            payshare[j] = np.nan
