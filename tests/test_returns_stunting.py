"""The stunting channel against a plain-Python reference of DESIGN.md's conventions,
by hand on a small case, and end to end through simulate.run."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import simulate
from simulate import finance
from simulate.engine import prepare
from simulate.returns.settings import Stunting
from simulate.returns.stunting import cohort_survival, prevalence, stunting_channel
from simulate.scenario import scenario_from_dict


def reference(p: Stunting, covered: list[float], surv_male: list[list[float]],
              surv_female: list[list[float]], srb: float, start_year: int):
    """The conventions, literally: loops over cohorts b and years t.

    surv_<sex>[t][age] = P(alive at age+1 in t+1 | alive at age in t).
    """
    n = len(covered)
    health, earnings, avoided = [0.0] * n, [0.0] * n, [0.0] * n
    male = srb / (1 + srb)
    for b in range(n):
        if p.kind == "relative":
            without = p.baseline_prevalence * (1 - p.decline_without) ** b
            with_ = p.baseline_prevalence * (1 - p.decline_with) ** b
        else:
            without = max(0.0, p.baseline_prevalence - p.decline_without * b)
            with_ = max(0.0, p.baseline_prevalence - p.decline_with * b)
        a_b = 0.0
        if start_year + b >= p.effect_starts:
            a_b = p.adoption * p.attribution * (without - with_) * covered[b]
        avoided[b] = a_b
        for t in range(b, n):
            age = t - b
            sm = sf = 1.0
            for j in range(age):
                sm *= surv_male[b + j][min(j, 100)]
                sf *= surv_female[b + j][min(j, 100)]
            alive = male * sm + (1 - male) * sf
            lo, hi = p.health_ages
            if p.health_stunted is not None and lo <= age < hi:
                health[t] += a_b * alive * (p.health_stunted - p.health_not_stunted)
            end = p.earnings_end_age if p.earnings_end_age is not None else 10**9
            if p.adult_earnings_year is not None and p.earnings_start_age <= age < end:
                earnings[t] += (a_b * alive * p.earnings_penalty * p.adult_earnings_year
                                * (1 + p.real_earnings_growth) ** t)
    return health, earnings, avoided


PAPER = Stunting(  # the PRF III values (seed 001, Annex 1)
    programme="p", baseline_prevalence=0.33, decline_with=0.025, decline_without=0.0035,
    kind="points", adoption=0.6, attribution=1.0, effect_starts=2027,
    health_stunted=600_000, health_not_stunted=300_000, health_ages=(0.0, 2.0),
    adult_earnings_year=20_546_346, earnings_penalty=0.198, earnings_start_age=15,
)


def test_small_case_by_hand() -> None:
    p = Stunting(programme="p", baseline_prevalence=0.3, decline_with=0.05,
                 decline_without=0.0, kind="points", adoption=0.5, effect_starts=2025,
                 health_stunted=600, health_not_stunted=300, health_ages=(0, 2),
                 adult_earnings_year=1000, earnings_penalty=0.2, earnings_start_age=2)
    res = stunting_channel(p, np.full(5, 1000.0), np.ones((5, 5)), 2025)
    # avoided_k = 0.5 x (0.3 - (0.3 - 0.05 k)) x 1000 = 25 k
    assert res.avoided.tolist() == pytest.approx([0, 25, 50, 75, 100], abs=1e-9)
    assert res.prevalence_with.tolist() == pytest.approx([0.3, 0.25, 0.2, 0.15, 0.1])
    # ages 0 and 1 save 300 each: t1: 25; t2: 25 + 50; t3: 50 + 75; t4: 75 + 100
    assert res.health.tolist() == pytest.approx([0, 7_500, 22_500, 37_500, 52_500], abs=1e-6)
    # from age 2: 0.2 x 1000 = 200 a year: t3: cohort 1; t4: cohorts 1 and 2
    assert res.earnings.tolist() == pytest.approx([0, 0, 0, 5_000, 15_000], abs=1e-6)
    flows = res.health + res.earnings
    assert finance.npv(0.10, flows) == pytest.approx(
        7_500 / 1.1 + 22_500 / 1.21 + 42_500 / 1.331 + 67_500 / 1.4641, abs=1e-6)


def test_relative_decline_effect_start_attribution_and_end_age() -> None:
    p = replace(PAPER, kind="relative", effect_starts=2026, attribution=0.5,
                adult_earnings_year=1000.0, earnings_penalty=0.5, earnings_start_age=1,
                earnings_end_age=3, real_earnings_growth=0.1)
    res = stunting_channel(p, np.array([100.0, 100.0, 100.0, 100.0]), np.ones((4, 4)), 2025)
    gap = 0.33 * (0.9965 ** np.arange(4) - 0.975 ** np.arange(4))
    expected_avoided = 0.6 * 0.5 * gap * 100
    expected_avoided[0] = 0.0  # born before effect_starts (and no gap anyway)
    assert res.avoided == pytest.approx(expected_avoided, rel=1e-12)
    # earnings at ages 1 and 2 only, 500 x 1.1^t
    a = expected_avoided
    assert res.earnings == pytest.approx(
        [0, 0, a[1] * 500 * 1.21, (a[1] + a[2]) * 500 * 1.331], rel=1e-12)


def test_prevalence_floors_at_zero_in_points() -> None:
    assert prevalence(0.33, 0.025, np.array([0, 13, 14, 30]), "points").tolist() == \
        pytest.approx([0.33, 0.005, 0.0, 0.0])
    with pytest.raises(ValueError):
        prevalence(0.3, 0.1, np.arange(3), "percent")


def test_paper_gain_per_avoided_case() -> None:
    # LAK 20,546,346 - 16,478,170 = 4,068,176 a year (Annex 1 para 27); the penalty of
    # 19.8 % gives 4,068,176.5: the paper rounded the stunted earnings (16,478,169.5)
    gain = PAPER.earnings_penalty * PAPER.adult_earnings_year
    assert abs(gain - (20_546_346 - 16_478_170)) <= 0.51


@st.composite
def cases(draw):
    n = draw(st.integers(1, 25))
    kind = draw(st.sampled_from(["relative", "points"]))
    lo = draw(st.integers(0, 3))
    start_age = draw(st.integers(0, 20))
    p = Stunting(
        programme="p", baseline_prevalence=draw(st.floats(0, 1)),
        decline_with=draw(st.floats(0, 0.2)), decline_without=draw(st.floats(0, 0.2)),
        kind=kind, adoption=draw(st.floats(0, 1)), attribution=draw(st.floats(0, 1)),
        effect_starts=2025 + draw(st.integers(0, n)),
        health_stunted=draw(st.one_of(st.none(), st.floats(0, 1e6))),
        health_not_stunted=draw(st.floats(0, 1e6)),
        health_ages=(float(lo), float(lo + draw(st.integers(1, 4)))),
        adult_earnings_year=draw(st.one_of(st.none(), st.floats(0, 1e8))),
        earnings_penalty=draw(st.floats(0, 1)), earnings_start_age=start_age,
        earnings_end_age=draw(st.one_of(st.none(), st.integers(start_age + 1, 40))),
        real_earnings_growth=draw(st.floats(-0.05, 0.05)),
    )
    covered = draw(st.lists(st.floats(0, 1e5), min_size=n, max_size=n))
    surv = draw(st.lists(st.floats(0.5, 1.0), min_size=2 * n * 101, max_size=2 * n * 101))
    srb = draw(st.floats(0.9, 1.2))
    return p, covered, np.array(surv).reshape(n, 2, 101), srb


@given(cases())
def test_channel_equals_the_reference(case) -> None:
    p, covered, surv, srb = case
    res = stunting_channel(p, np.array(covered), cohort_survival(surv, srb), 2025)
    health, earnings, avoided = reference(p, covered, surv[:, 0, :].tolist(),
                                          surv[:, 1, :].tolist(), srb, 2025)
    assert res.avoided == pytest.approx(avoided, rel=1e-12, abs=1e-9)
    assert res.health == pytest.approx(health, rel=1e-10, abs=1e-6)
    assert res.earnings == pytest.approx(earnings, rel=1e-10, abs=1e-6)


def test_end_to_end_against_the_reference() -> None:
    doc = {
        "scenario": {"name": "stunting e2e", "country": "lao", "start_year": 2025,
                     "end_year": 2049, "seed": 11},
        "population": {"records": 3000},
        "programmes": {"nut": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
                               "benefit": {"amount": 10_000}, "take_up": 0.8,
                               "rollout": {"2025": 0.2, "2028": 1.0}}},
        "returns": {"discount_rate": 0.06, "costs": {"programmes": []},
                    "stunting": {"programme": "nut", "baseline_prevalence": 0.33,
                                 "decline_per_year": {"with": 0.025, "without": 0.0035},
                                 "adoption": 0.6, "effect_starts": 2027,
                                 "health_cost_year": {"stunted": 600_000,
                                                      "not_stunted": 300_000},
                                 "adult_earnings_year": 20_546_346,
                                 "earnings_penalty": 0.198, "real_earnings_growth": 0.01}},
    }
    sc = scenario_from_dict(doc)
    ds = simulate.run(sc)
    covered = ds["beneficiaries_at_birth"].sel(programme="nut").values
    assert ds["stunting_covered_births"].values.tolist() == covered.tolist()
    assert covered[3:].min() > 0
    r = prepare(sc).rates
    k0 = int(sc.start_year - r.years[0])
    surv = r.survival[k0:]
    p = replace(PAPER, kind="relative", real_earnings_growth=0.01)
    health, earnings, avoided = reference(p, covered.tolist(), surv[:, 0, :].tolist(),
                                          surv[:, 1, :].tolist(), r.sex_ratio_at_birth, 2025)
    got_h = ds["benefits"].sel(channel="stunting_health").values
    got_e = ds["benefits"].sel(channel="stunting_earnings").values
    assert got_h == pytest.approx(health, rel=1e-10, abs=1e-3)
    assert got_e == pytest.approx(earnings, rel=1e-10, abs=1e-3)
    assert sum(earnings) > 0
    assert ds["stunting_cases_avoided"].values == pytest.approx(avoided, rel=1e-12)
    # no costs counted: NPV = PV of the benefits, first year undiscounted
    total = np.array(health) + np.array(earnings)
    assert float(ds["npv"].sel(sensitivity="base")) == pytest.approx(
        sum(total[k] / 1.06**k for k in range(25)), rel=1e-12)
