"""The validated ``[fund]`` table as a typed, immutable object, and its checks across keys.

The registry (:data:`simulate.scenario.schema.FUND`) checks each key on its own;
:func:`fund_problems` checks what needs several keys or the whole scenario (one
returns model, weights summing to 1, a positive semi-definite correlation matrix,
programme names, a spending rate for the rules, bond years in the horizon).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import Problem, did_you_mean
from .paths import YearPath

#: weights must sum to 1 within this
WEIGHT_TOLERANCE = 1e-6
#: smallest eigenvalue a correlation matrix may have (rounding of a semi-definite one)
EIGEN_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Bond:
    """A bullet bond issued for the fund (face ``amount``, proceeds amount x issue_price)."""

    year: int
    amount: float
    coupon: float
    maturity_years: int
    issue_price: float = 1.0
    serviced_by: str = "fund"
    label: str = ""


@dataclass(frozen=True)
class Asset:
    """An asset class: weight, mean and volatility of its yearly return."""

    name: str
    weight: float
    mean: float
    volatility: float


@dataclass(frozen=True)
class FundSettings:
    """Everything the fund's plan needs (DESIGN.md "Funds", docs/fund.md).

    ``pays_kind`` is "none", "programmes", "amount" or "viability"; ``assets`` holds one
    asset for ``returns = { mean, volatility }``; ``correlation`` the assets' matrix.
    """

    label: str
    initial_capital: float | None
    contributions: Mapping[str, YearPath]
    pays_kind: str
    programmes: tuple[str, ...]
    amount: YearPath | None
    share: YearPath
    returns_kind: str
    assets: tuple[Asset, ...]
    correlation: np.ndarray
    autocorrelation: float
    fee: float
    rule: str
    rate: YearPath | None
    smoothing: float
    band: tuple[float, float] | None
    bonds: tuple[Bond, ...]
    target_probability: float
    contribution_base: YearPath | None
    balance_share: float
    within_years: int
    spending_drop: float
    draws: int
    seed: int

    @property
    def stochastic(self) -> bool:
        """Whether the returns are uncertain (some volatility)."""
        return any(a.volatility > 0 for a in self.assets)


def fund_problems(v: Mapping[str, Any], programme_ids: list[str], start: int, end: int,
                  where) -> list[Problem]:
    """Every problem across the keys of the validated ``[fund]`` table ``v``; ``where``
    maps a key path to the file it came from."""
    problems: list[Problem] = []

    def bad(key: str, expected: str, found: Any, hint: str = "") -> None:
        problems.append(Problem(where(key), key, expected, str(found), hint))

    r = v.get("returns") or {}
    if r.get("mean") is None and not r.get("assets"):
        bad("fund.returns", "mean (one asset) or assets (a portfolio)", "neither")
    elif r.get("mean") is not None and r.get("assets"):
        bad("fund.returns", "mean (one asset) or assets (a portfolio)", "both")
    assets = r.get("assets") or {}
    if assets and all(a is not None for a in assets.values()):
        total = sum(a["weight"] for a in assets.values() if a["weight"] is not None)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            bad("fund.returns.assets", "weights that sum to 1", f"weights summing to {total:g}")
    corr = r.get("correlation")
    if corr is not None:
        n = len(assets)
        m = np.array(corr, dtype=float)
        if not assets:
            bad("fund.returns.correlation", "assets with it (a portfolio)", "no assets")
        elif m.shape != (n, n):
            bad("fund.returns.correlation", f"a {n} x {n} matrix (one row per asset)",
                f"{m.shape[0]} x {m.shape[1]}")
        elif not np.allclose(np.diag(m), 1.0) or not np.allclose(m, m.T):
            bad("fund.returns.correlation", "a symmetric matrix with 1 on the diagonal",
                "a matrix that is not")
        else:
            smallest = float(np.linalg.eigvalsh(m)[0])
            if smallest < -EIGEN_TOLERANCE:
                bad("fund.returns.correlation", "a positive semi-definite matrix",
                    f"a matrix with smallest eigenvalue {smallest:.3g}",
                    "lower the largest correlations or check their signs")
    pays = v.get("pays")
    if pays is not None:
        given = [k for k in ("programme", "programmes", "amount") if pays.get(k) is not None]
        if pays.get("viability"):
            given.append("viability")
        if len(given) != 1:
            bad("fund.pays", "exactly one of programme, programmes, amount or viability = true",
                ", ".join(given) if given else "none")
        names = ([pays["programme"]] if pays.get("programme") is not None else []) + list(
            pays.get("programmes") or ())
        for i, name in enumerate(names):
            key = ("fund.pays.programme" if pays.get("programme") is not None
                   else f"fund.pays.programmes[{i}]")
            if name not in programme_ids:
                bad(key, "one of the scenario's programmes", repr(name),
                    did_you_mean(name, programme_ids))
    s = v.get("spending") or {}
    if s.get("rule") in ("fixed_share", "smoothed") and s.get("rate") is None:
        bad("fund.spending.rate", f"a spending rate with rule = {s['rule']!r}", "nothing")
    if s.get("rule") in ("fixed_share", "smoothed") and v.get("initial_capital") is None:
        bad("fund.initial_capital", f"a capital with rule = {s['rule']!r} (an endowment's "
            "spending follows its balance)", "nothing")
    if s.get("band") is not None and s.get("rule") != "smoothed":
        bad("fund.spending.band", 'rule = "smoothed" with it', repr(s.get("rule")))
    for i, b in enumerate(v.get("bonds") or ()):
        if b and b.get("year") is not None and not start <= b["year"] <= end:
            bad(f"fund.bonds[{i}].year", f"a year in the scenario's horizon {start}-{end}",
                b["year"])
    return problems


def _path(value: Any) -> YearPath | None:
    return None if value is None else YearPath.from_value(value)


def fund_settings(v: Mapping[str, Any], seed: int) -> FundSettings:
    """The typed settings of a validated ``[fund]`` table without problems."""
    r = v["returns"]
    if r.get("assets"):
        assets = tuple(Asset(k, a["weight"], a["mean"], a["volatility"])
                       for k, a in r["assets"].items())
    else:
        assets = (Asset("fund", 1.0, r["mean"], r["volatility"]),)
    corr = (np.array(r["correlation"], dtype=float) if r.get("correlation") is not None
            else np.eye(len(assets)))
    pays = v.get("pays")
    if pays is None:
        kind, progs, amount = "none", (), None
    elif pays.get("viability"):
        kind, progs, amount = "viability", (), None
    elif pays.get("amount") is not None:
        kind, progs, amount = "amount", (), _path(pays["amount"])
    else:
        kind = "programmes"
        progs = ((pays["programme"],) if pays.get("programme") is not None
                 else tuple(pays["programmes"]))
        amount = None
    s = v["spending"]
    d = v["downside"]
    return FundSettings(
        label=v["label"],
        initial_capital=v["initial_capital"],
        contributions={k: YearPath.from_value(x) for k, x in (v["contributions"] or {}).items()},
        pays_kind=kind,
        programmes=progs,
        amount=amount,
        share=YearPath.from_value(pays["share"] if pays else 1.0),
        returns_kind=r["kind"],
        assets=assets,
        correlation=corr,
        autocorrelation=r["autocorrelation"],
        fee=v["fee"],
        rule=s["rule"],
        rate=_path(s["rate"]),
        smoothing=s["smoothing"],
        band=s["band"],
        bonds=tuple(Bond(**b) for b in v["bonds"] or ()),
        target_probability=v["target_probability"],
        contribution_base=_path(v["contribution_base"]),
        balance_share=d["balance_share"],
        within_years=d["within_years"],
        spending_drop=d["spending_drop"],
        draws=v["draws"],
        seed=seed if v["seed"] is None else v["seed"],
    )
