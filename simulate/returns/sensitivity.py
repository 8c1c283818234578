"""Indicators of a pair of streams, and the deterministic sensitivity cases.

A case changes the flows, not the scenario (the World Bank convention):
``costs+10%`` multiplies every cost by 1.10, ``benefits-25%`` every benefit by
0.75, ``delay+1`` moves every benefit one year later (nothing in the first year;
the benefit of the last counted year moves out of the horizon, the one of the
year before the horizon in). Parts joined by ``&`` apply together. Each case
is counted over the first ``horizon_years`` years with the settings'
discounting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import finance
from .settings import ReturnsSettings, parse_case


@dataclass(frozen=True)
class Indicators:
    """NPV, ERR (None unless exactly one rate), BCR and the PVs of one case."""

    case: str
    npv: float
    err: float | None
    err_roots: tuple[float, ...]
    bcr: float
    pv_benefits: float
    pv_costs: float


def shift(x: np.ndarray, years: int) -> np.ndarray:
    """``x`` moved ``years`` later, zeros in front, same length."""
    if years <= 0:
        return x.copy()
    out = np.zeros_like(x)
    if years < len(x):
        out[years:] = x[: len(x) - years]
    return out


def indicators(case: str, benefits: np.ndarray, costs: np.ndarray,
               s: ReturnsSettings) -> Indicators:
    """The indicators of a case on total benefit and cost streams (all scenario years)."""
    cost_factor, benefit_factor, delay = parse_case(case)
    h = s.horizon_years
    b = (shift(benefits, delay) * benefit_factor)[:h]
    c = (costs * cost_factor)[:h]
    r, first = s.discount_rate, s.discount_first_year
    roots = tuple(finance.irr_all(b - c))
    return Indicators(
        case=case,
        npv=finance.npv(r, b - c, first),
        err=roots[0] if len(roots) == 1 else None,
        err_roots=roots,
        bcr=finance.bcr(r, b, c, first),
        pv_benefits=finance.pv(r, b, first),
        pv_costs=finance.pv(r, c, first),
    )


def all_cases(benefits: np.ndarray, costs: np.ndarray, s: ReturnsSettings) -> list[Indicators]:
    """The base and every case of the settings, in order."""
    return [indicators(case, benefits, costs, s) for case in ("base", *s.cases)]
