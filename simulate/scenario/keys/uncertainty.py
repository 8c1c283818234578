"""The keys of ``[uncertainty]``: distributions of scenario keys drawn together, rank
correlations, yearly stochastic paths and risk outputs (docs/uncertainty.md); role
``analysis``. The checks across its keys (correlations and paths against the declared
parameters, positive definite matrices) run as the table is parsed (``Table.checks``).
"""

from __future__ import annotations

from typing import Any

from ...errors import did_you_mean
from ..analysis_specs import (
    Distributions,
    KeyTables,
    quote_key,
    rank_to_pearson,
)
from ..distributions import Variant, distributions, range_problems
from ..specs import REQUIRED, Context, KeyPair, ListOf, Number, Table, Text, _num, reads

CORRELATION = Table(
    description="A rank correlation between two uncertain parameters.",
    fields={
        "parameters": KeyPair(default=REQUIRED,
                              description="Two parameters of [uncertainty.parameters]."),
        "rank": Number(min=-1, max=1, min_open=True, max_open=True, unit="1",
                       default=REQUIRED,
                       description="Spearman rank correlation of the two in the draws "
                       "(imposed by Iman-Conover)."),
    },
)


def check_paths(out: dict, ctx: Context, key: str, raw: Any = None) -> None:
    """[uncertainty.paths] across its fields: phi for ar1, low < high, correlations of
    declared paths, each pair once, a positive definite matrix."""
    paths = out.get("paths") or {}
    for path, p in paths.items():
        if p is None:
            continue
        name = f"{key}.paths.{quote_key(path)}"
        if p["process"] == "ar1" and p["phi"] is None:
            ctx.bad(f"{name}.phi", "a number in (-1, 1) (an ar1 process needs it)", "nothing",
                    raw=True)
        if p["low"] is not None and p["high"] is not None and p["low"] >= p["high"]:
            ctx.bad(f"{name}.high", f"a number > low ({_num(p['low'])})", p["high"])
        if (out.get("parameters") or {}).get(path) is not None:
            ctx.bad(name, "a key not also in [uncertainty.parameters]", path)
    corrs = out.get("path_correlations") or []
    names = list(paths)
    seen: set[frozenset[str]] = set()
    ok = True
    for i, c in enumerate(corrs):
        if c is None or c.get("paths") is None:
            ok = False
            continue
        a, b = c["paths"]
        for j, p in enumerate((a, b)):
            if p not in paths:
                ctx.bad(f"{key}.path_correlations[{i}].paths[{j}]",
                        "a key of [uncertainty.paths]", p, did_you_mean(p, names))
                ok = False
        pair = frozenset((a, b))
        if a == b or pair in seen:
            ctx.bad(f"{key}.path_correlations[{i}].paths", "two different paths, each pair "
                    "once", [a, b], raw=True)
            ok = False
        seen.add(pair)
    if ok and corrs:
        import numpy as np

        index = {p: i for i, p in enumerate(names)}
        m = np.eye(len(names))
        for c in corrs:
            i, j = (index[p] for p in c["paths"])
            m[i, j] = m[j, i] = c["correlation"]
        if np.linalg.eigvalsh(m)[0] <= 1e-10:
            ctx.bad(f"{key}.path_correlations", "correlations that form a positive definite "
                    "matrix", "a matrix that is not", raw=True)


def check_correlations(out: dict, ctx: Context, key: str, raw: Any = None) -> None:
    """[uncertainty] parameters or paths given; [[uncertainty.correlations]] naming
    declared, distinct parameters, each pair once, forming a positive definite matrix
    (of ranks and of their normal scores)."""
    params = out.get("parameters")
    corrs = out.get("correlations") or []
    if params is None:
        if not out.get("paths") and "parameters" not in (raw or {}):
            ctx.bad(f"{key}.parameters", "parameters or paths (at least one)", "nothing",
                    raw=True)
        return
    names = list(params)
    ok = True
    pairs: dict[frozenset[str], int] = {}
    for i, c in enumerate(corrs):
        ckey = f"{key}.correlations[{i}]"
        if c is None or c.get("parameters") is None:
            ok = False
            continue
        ok = ok and c.get("rank") is not None
        a, b = c["parameters"]
        for j, p in enumerate((a, b)):
            if p not in params:
                ctx.bad(f"{ckey}.parameters[{j}]", "a parameter of [uncertainty.parameters]",
                        p, did_you_mean(p, names))
                ok = False
        if a == b:
            ctx.bad(f"{ckey}.parameters", "two different parameters", [a, b], raw=True)
            ok = False
            continue
        pair = frozenset((a, b))
        if pair in pairs:
            ctx.bad(f"{ckey}.parameters", f"a pair not correlated before (in "
                    f"correlations[{pairs[pair]}])", [a, b], raw=True)
            ok = False
        pairs.setdefault(pair, i)
    if not ok or not corrs or any(params[p] is None for pr in pairs for p in pr):
        return
    import numpy as np

    index = {p: i for i, p in enumerate(names)}
    rank = np.eye(len(names))
    for c in corrs:
        i, j = (index[p] for p in c["parameters"])
        rank[i, j] = rank[j, i] = c["rank"]
    pearson = np.vectorize(rank_to_pearson)(rank)
    smallest = min(np.linalg.eigvalsh(rank)[0], np.linalg.eigvalsh(pearson)[0])
    if smallest <= 1e-10:
        ctx.bad(f"{key}.correlations", "rank correlations that form a positive definite "
                "matrix", f"a matrix with smallest eigenvalue {smallest:.3g}",
                "lower the largest correlations or check their signs", raw=True)


PATH_PROCESS = Table(
    description="A yearly stochastic process around a year path (docs/sensitivity.md).",
    fields={
        "process": Text(choices=("iid", "ar1", "random_walk"), default=REQUIRED,
                        description='"iid": independent yearly shocks; "ar1": deviations '
                        'd_t = phi d_(t-1) + sd e_t; "random_walk": d_t = d_(t-1) + sd e_t; '
                        "the value is the path plus d_t."),
        "sd": Number(min=0, min_open=True, default=REQUIRED, unit="as the key",
                     description="Standard deviation of the yearly shock e_t (normal)."),
        "phi": Number(min=-1, max=1, min_open=True, max_open=True, default=None, unit="1",
                      description="Persistence of an ar1 process (required for it)."),
        "from_year": Number(min=1900, max=2300, integer=True, default=None, unit="year",
                            description="First year with a shock (default start_year); "
                            "earlier years keep the path."),
        "low": Number(default=None, description="Values below it are set to it."),
        "high": Number(default=None, description="Values above it are set to it."),
    },
)

PATH_CORRELATION = Table(
    description="A correlation between the yearly shocks of two paths.",
    fields={
        "paths": KeyPair(default=REQUIRED, description="Two keys of [uncertainty.paths]."),
        "correlation": Number(min=-1, max=1, min_open=True, max_open=True, unit="1",
                              default=REQUIRED,
                              description="Correlation of their shocks in the same year."),
    },
)

THRESHOLD = Table(
    description="A threshold whose exceedance probability is reported by year.",
    fields={
        "output": Text(default=REQUIRED, description="A result variable by year "
                       "(NAME or NAME[LABEL], as --output without @YEAR)."),
        "above": Number(default=None, description="The risk is the output above it."),
        "below": Number(default=None, description="The risk is the output below it."),
    },
)

RISK = Table(
    default=None,
    description="Risk outputs of a run with draws (docs/sensitivity.md).",
    fields={
        "percentile": Number(min=50, max=100, max_open=True, default=95, unit="%",
                             description="Expected shortfall: the mean of the draws beyond "
                             "this percentile (the worst 100 - p %)."),
        "debt_ceiling_pct_gdp": Number(min=0, default=None, unit="1",
                                       description="Debt ceiling: P(debt_pct_gdp above it)."),
        "thresholds": ListOf(item=THRESHOLD, default=(),
                             description="More thresholds ([[uncertainty.risk.thresholds]])."),
    },
)


UNCERTAINTY = Table(
    role="analysis",
    checks=(check_paths, check_correlations),
    default=None,
    description="Probabilistic sensitivity: distributions of scenario keys, drawn "
    "together (docs/uncertainty.md).",
    fields={
        "draws": Number(min=1, max=10_000_000, integer=True, default=100, unit="draws",
                        description="Number of draws (scenario runs)."),
        "seed": Number(min=0, max=2**63 - 1, integer=True, default=None,
                       description="Seed of the draws (default: scenario.seed)."),
        "sampling": Text(choices=("latin_hypercube", "random"), default="latin_hypercube",
                         description='"latin_hypercube": each parameter\'s n draws fall one '
                         'in each of n equal-probability strata; "random": independent '
                         "draws."),
        "parameters": Distributions(
            default=None,
            description='"key.path" = { distribution = "uniform" (low, high), "triangular" '
            '(low, mode, high), "normal" (mean, sd; low, high truncate), "lognormal" (mean, '
            'sd of the variable; low, high truncate), "beta" (alpha, beta; low, high '
            'rescale, default 0, 1) or "discrete" (values; weights, default equal) }.',
        ),
        "correlations": ListOf(
            item=CORRELATION, default=(),
            description="Rank correlations between parameters ([[uncertainty.correlations]]); "
            "others are independent.",
        ),
        "paths": KeyTables(
            item=PATH_PROCESS, default=None,
            description='Yearly stochastic paths: "key.path" = { process = "iid", "ar1" or '
            '"random_walk", sd, phi } around a year path (macro.inflation, '
            "macro.real_gdp_growth, macro.exchange_rate, a roll-out, ...); each draw "
            "carries its own path.",
        ),
        "path_correlations": ListOf(
            item=PATH_CORRELATION, default=(),
            description="Correlations between the yearly shocks of two paths.",
        ),
        "risk": RISK,
    },
)


#: [uncertainty]'s checks run inside the table (UNCERTAINTY.checks); none after it
checks = ()


@reads("uncertainty.parameters")
def check_ranges(scenario: Any, ctx: Context, variant: Variant) -> None:
    """Each uncertain parameter is a key the scenario accepts over its whole range: the
    scenario built with it set, one at a time, to its median, its lowest and highest
    values (0.1th / 99.9th percentiles when unbounded) and a value between; a discrete
    one to each of its values (:func:`simulate.scenario.distributions.range_problems`).
    Keys only; it builds variants, so it runs on the built Scenario, and a variant that
    leaves [uncertainty.parameters] as it was (a draw, a tornado bar, ``--draws``)
    keeps the verdict."""
    for p in range_problems(scenario, distributions(scenario.section("uncertainty")),
                            variant):
        if p not in ctx.problems:
            ctx.problems.append(p)


#: checks that build variants of the built Scenario: ``check(scenario, ctx, variant)``
variant_checks = (check_ranges,)
