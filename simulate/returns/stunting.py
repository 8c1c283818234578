"""The stunting channel: avoided stunting -> health-cost savings and adult earnings.

Conventions (DESIGN.md, "Stunting channel"), for scenario years y = start_year + t,
birth cohorts b = start_year + k (k = 0, 1, ...):

* covered children of cohort k: the programme's weighted beneficiaries aged 0 in
  year k (``beneficiaries_at_birth``);
* prevalence of cohort k without / with the programme:
  ``baseline * (1 - d)^k`` ("relative") or ``max(0, baseline - d * k)`` ("points");
* avoided cases ``A_k = adoption * attribution * (without_k - with_k) * covered_k``,
  0 for cohorts born before ``effect_starts``;
* the cohort's survival from birth to age a, ``S_k(a)`` (life table, both sexes
  mixed by the sex ratio at birth; 1 at age 0);
* health savings in year t: ``sum_k A_k S_k(t-k) (stunted - not_stunted)`` over the
  cohorts whose age a = t - k lies in [lo, hi);
* earnings in year t: ``sum_k A_k S_k(t-k) penalty * earnings * (1 + g)^t`` over the
  cohorts with ``start_age <= a < end_age``.

Amounts are in start_year prices; the caller converts to nominal prices when
``returns.prices = "nominal"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .settings import Stunting


@dataclass(frozen=True)
class StuntingResult:
    """The channel by scenario year (index t) and its intermediate quantities."""

    prevalence_without: np.ndarray  # of the cohort born in year t
    prevalence_with: np.ndarray
    covered: np.ndarray  # covered births of year t
    avoided: np.ndarray  # avoided stunting cases of the cohort born in year t
    health: np.ndarray  # savings in year t (start_year prices)
    earnings: np.ndarray  # earnings gains in year t (start_year prices)


def prevalence(baseline: float, decline: float, k: np.ndarray, kind: str) -> np.ndarray:
    """Prevalence of the cohorts with birth-year index ``k``."""
    k = np.asarray(k, dtype=np.float64)
    if kind == "relative":
        return baseline * (1.0 - decline) ** k
    if kind == "points":
        return np.maximum(0.0, baseline - decline * k)
    raise ValueError(f"kind must be 'relative' or 'points', got {kind!r}")


def cohort_survival(survival: np.ndarray, sex_ratio_at_birth: float) -> np.ndarray:
    """``S[k, a]``: P(a child born in year index k is alive at age a at the start of year k+a).

    ``survival[t, sex, age]`` is P(alive at age+1 in t+1 | alive at age in t) for the
    scenario's years (sex 0 male, 1 female); the sexes are mixed by the sex ratio at
    birth (males per female). Entries with k + a beyond the years are 0 (unused).
    """
    n = survival.shape[0]
    w_male = sex_ratio_at_birth / (1.0 + sex_ratio_at_birth)
    out = np.zeros((n, n))
    for k in range(n):
        alive = np.array([w_male, 1.0 - w_male])
        for a in range(n - k):
            out[k, a] = alive.sum()
            age = min(a, survival.shape[2] - 1)
            alive = alive * survival[k + a, :, age]
    return out


def stunting_channel(params: Stunting, covered: np.ndarray, survival: np.ndarray,
                     start_year: int) -> StuntingResult:
    """The channel over the scenario's years (see the module docstring).

    ``covered[k]`` covered births of year index k; ``survival[k, a]`` as
    :func:`cohort_survival` returns.
    """
    covered = np.asarray(covered, dtype=np.float64)
    n = len(covered)
    k = np.arange(n)
    without = prevalence(params.baseline_prevalence, params.decline_without, k, params.kind)
    with_ = prevalence(params.baseline_prevalence, params.decline_with, k, params.kind)
    eligible = (start_year + k) >= params.effect_starts
    avoided = np.where(eligible, params.adoption * params.attribution * (without - with_)
                       * covered, 0.0)
    t = k[:, None]  # rows: year t; columns: cohort k
    age = t - k[None, :]
    alive = np.zeros((n, n))
    born = age >= 0
    alive[born] = survival[np.nonzero(born)[1], age[born]]
    weight = avoided[None, :] * alive  # surviving avoided cases by (year, cohort)
    health = np.zeros(n)
    if params.health_stunted is not None:
        lo, hi = params.health_ages
        in_ages = born & (age >= lo) & (age < hi)
        saving = params.health_stunted - params.health_not_stunted
        health = (weight * in_ages).sum(axis=1) * saving
    earnings = np.zeros(n)
    if params.adult_earnings_year is not None:
        end = np.inf if params.earnings_end_age is None else params.earnings_end_age
        working = born & (age >= params.earnings_start_age) & (age < end)
        gain = (params.earnings_penalty * params.adult_earnings_year
                * (1.0 + params.real_earnings_growth) ** k.astype(np.float64))
        earnings = (weight * working).sum(axis=1) * gain
    return StuntingResult(without, with_, covered, avoided, health, earnings)
