"""Months within the year (simulate/timing.py): hand cases to the currency unit, the
kernel against the plain-Python reference, and scenarios end to end.

Hand cases use one person of weight 1 who never dies, a benefit of LAK 150,000 a month
(1,800,000 a year) and a person key chosen so that the drawn month of birth (or of a
pregnancy's birth) is the one the case needs.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
from test_kernel import run_kernel

from simulate.errors import ScenarioError
from simulate.kernels import projection as kp
from simulate.scenario import scenario_from_dict

SEED = 11
MONTH = 150_000.0
YEARS = np.array([2030, 2031, 2032], dtype=np.int64)


def uid_born_in(month: int, start: int = 1) -> int:
    """The first person key from ``start`` whose birth month is ``month`` (0 = January)."""
    k = start
    while int(12.0 * ref.uniform(SEED, k, 0, ref.BIRTH_MONTH)) != month:
        k += 1
    return k


def uid_giving_birth(year: int, month: int) -> int:
    """The first person key whose birth drawn in ``year`` falls in ``month``."""
    k = 1
    while int(12.0 * ref.uniform(SEED, k, year, ref.BIRTH_IN_YEAR)) != month:
        k += 1
    return k


def case(uid: int, *, sex: int = 0, age0: int = 0, cond: tuple = (kp.VAR_AGE_MONTHS, 0, 12),
         pay_every: int = 1, preg_reg: int = 0, window: tuple[int, int] = (0, 0),
         rollout=(1.0, 1.0, 1.0), fertility_by_year=(0.0, 0.0, 0.0)) -> dict:
    """One person (weight 1, survival 1) and one monthly person programme with one
    condition ``cond`` = (variable, lo, hi) (pregnant: lo = 1, hi = 2)."""
    n_years = len(YEARS)
    var, lo, hi = cond
    return dict(
        hh_start=np.array([0, 1], dtype=np.int64), age0=np.array([age0], dtype=np.int64),
        months=np.array([-1], dtype=np.int64), sex=np.array([sex], dtype=np.int64),
        entry_idx=np.array([0], dtype=np.int64), weight0=np.array([1.0]),
        uid=np.array([uid], dtype=np.int64), group=np.array([0], dtype=np.int64),
        pregnant_data=np.array([0], dtype=np.int64), disabled_data=np.array([0], dtype=np.int64),
        static=np.zeros((0, 1)), welfare=np.array([np.nan]), target_value=np.zeros((0, 1)),
        income=np.zeros((0, 1)), survival=np.ones((n_years, 2, 101)),
        fertility=np.repeat(np.asarray(fertility_by_year, dtype=float)[:, None], 101, axis=1),
        disability=np.zeros(101), years=YEARS, first_active=0, has_pregnant_data=False,
        has_disabled_data=False, price_index=np.ones(n_years), poverty_line=np.zeros(n_years),
        prog_group_start=np.array([0, 1], dtype=np.int64),
        group_cond_start=np.array([0, 1], dtype=np.int64),
        cond_var=np.array([var], dtype=np.int64), cond_kind=np.array([0], dtype=np.int64),
        cond_lo=np.array([float(lo)]), cond_hi=np.array([float(hi)]),
        cond_mask=np.array([0], dtype=np.int64),
        unit=np.array([kp.UNIT_PERSON], dtype=np.int64),
        kind=np.array([kp.KIND_FLAT], dtype=np.int64), take_up=np.ones((1, 1)),
        rollout=np.array([rollout], dtype=float), amount=np.full((1, n_years), 12 * MONTH),
        once=np.array([False]), target_row=np.array([-1], dtype=np.int64),
        target_threshold=np.zeros(1), exclusion=np.zeros(1), inclusion=np.zeros(1),
        stream=np.array([7], dtype=np.uint64), income_row=np.array([-1], dtype=np.int64),
        income_from=np.zeros(1, dtype=np.int64), disregard=np.zeros((1, n_years)),
        taper=np.ones(1), cap=np.full((1, n_years), np.inf), eq_first=np.ones(1),
        eq_other=np.ones(1), eq_child=np.ones(1), child_age=np.full(1, 18, dtype=np.int64),
        norm_cost=np.zeros((1, n_years, 1)), region_factor=np.ones((1, 1)),
        band_upper=np.full((1, 1), np.inf), band_share=np.zeros((1, 1)),
        region=np.array([0], dtype=np.int64), seed=SEED,
        monthly=np.array([True]), pay_every=np.array([pay_every], dtype=np.int64),
        preg_reg=np.array([preg_reg], dtype=np.int64),
        enrol_lo=np.array([window[0]], dtype=np.int64),
        enrol_hi=np.array([window[1]], dtype=np.int64),
    )


def measures(c: dict) -> dict[str, np.ndarray]:
    """Per year: cash, due, person-months, beneficiaries; the kernel and the reference
    agree (to 1e-12 relative)."""
    got = run_kernel(c, 1, 1, [0, 1])["programmes"][:, 0, 0]
    want = ref.project_households(**c, n_groups=1, n_combos=1)["programmes"][:, 0, 0]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    return {"cash": got[:, kp.TRANSFERS], "due": got[:, kp.TRANSFERS_DUE],
            "months": got[:, kp.BENEFICIARY_MONTHS], "persons": got[:, kp.BENEFICIARIES],
            "eligible_months": got[:, kp.ELIGIBLE_MONTHS]}


def assert_lak(got: np.ndarray, want: list[float]) -> None:
    np.testing.assert_allclose(got, want, rtol=0, atol=0.5)  # to the currency unit


def test_child_born_in_july_is_paid_six_months_in_each_year() -> None:
    m = measures(case(uid_born_in(6)))  # born July 2030, paid until the first birthday
    np.testing.assert_array_equal(m["months"], [6, 6, 0])
    np.testing.assert_array_equal(m["persons"], [1, 1, 0])
    assert_lak(m["due"], [900_000, 900_000, 0])
    # monthly cycle: December 2030 is paid in January 2031
    assert_lak(m["cash"], [750_000, 1_050_000, 0])


def test_two_monthly_cycle_moves_november_and_december_to_january() -> None:
    m = measures(case(uid_born_in(6), pay_every=2))
    assert_lak(m["cash"], [600_000, 1_200_000, 0])
    assert_lak(m["due"], [900_000, 900_000, 0])


def test_quarterly_cycle_and_yearly_cycle() -> None:
    q = measures(case(uid_born_in(6), pay_every=3))  # Oct-Dec paid in January
    assert_lak(q["cash"], [450_000, 1_350_000, 0])
    y = measures(case(uid_born_in(6), pay_every=12))  # the whole year paid next January
    assert_lak(y["cash"], [0, 900_000, 900_000])


def test_child_born_in_january_and_in_december() -> None:
    jan = measures(case(uid_born_in(0)))
    np.testing.assert_array_equal(jan["months"], [12, 0, 0])
    dec = measures(case(uid_born_in(11)))
    np.testing.assert_array_equal(dec["months"], [1, 11, 0])
    # December 2030 is paid in January 2031 with January-November 2031
    assert_lak(dec["cash"], [0, 12 * MONTH, 0])


def test_enrolment_window_after_roll_out() -> None:
    # the district is reached in 2031: a child born in July 2030 is 6 months old in
    # January 2031, still inside the window [0, 7): enrolled then, paid January-June
    july = measures(case(uid_born_in(6), window=(0, 7), rollout=(0.0, 1.0, 1.0)))
    np.testing.assert_array_equal(july["months"], [0, 6, 0])
    # born in May 2030: 8 months old in January 2031, never enrolled
    may = measures(case(uid_born_in(4), window=(0, 7), rollout=(0.0, 1.0, 1.0)))
    np.testing.assert_array_equal(may["months"], [0, 0, 0])
    # without a window the same child is paid from January 2031 to its birthday
    free = measures(case(uid_born_in(4), rollout=(0.0, 1.0, 1.0)))
    np.testing.assert_array_equal(free["months"], [0, 4, 0])
    # enrolled (reached) in 2030: paid through 2031 even if the roll-out fell back
    kept = measures(case(uid_born_in(6), window=(0, 7), rollout=(1.0, 0.0, 0.0)))
    np.testing.assert_array_equal(kept["months"], [6, 6, 0])


def test_pregnancy_by_month_across_the_year() -> None:
    # a birth in March 2031: pregnant June 2030 - February 2031 (9 months)
    uid = uid_giving_birth(2031, 2)
    whole = measures(case(uid, sex=1, age0=25, cond=(kp.VAR_PREGNANT, 1, 2),
                          fertility_by_year=(0.0, 1.0, 0.0)))
    np.testing.assert_array_equal(whole["months"], [7, 2, 0])
    # registered in the fourth month (paid from month 3 of the pregnancy): 6 months
    reg = measures(case(uid, sex=1, age0=25, cond=(kp.VAR_PREGNANT, 1, 2), preg_reg=3,
                        fertility_by_year=(0.0, 1.0, 0.0)))
    np.testing.assert_array_equal(reg["months"], [4, 2, 0])
    assert_lak(reg["due"], [600_000, 300_000, 0])
    np.testing.assert_array_equal(reg["eligible_months"], [4, 2, 0])
    # men are never pregnant
    man = measures(case(uid, sex=0, age0=25, cond=(kp.VAR_PREGNANT, 1, 2),
                        fertility_by_year=(1.0, 1.0, 1.0)))
    np.testing.assert_array_equal(man["months"], [0, 0, 0])


def test_age_in_years_by_month() -> None:
    # age [1, 2): a child born in July 2030 is 1 from July 2031 to June 2032
    m = measures(case(uid_born_in(6), cond=(kp.VAR_AGE, 1, 2)))
    np.testing.assert_array_equal(m["months"], [0, 6, 6])


def test_birth_months_are_spread_uniformly() -> None:
    counts = np.bincount([int(12.0 * ref.uniform(SEED, k, 0, ref.BIRTH_MONTH))
                          for k in range(12_000)], minlength=12)
    assert counts.min() > 850 and counts.max() < 1150  # 1,000 expected each


# ------------------------------------------------------------------ scenarios
BASE = {
    "scenario": {"name": "months", "country": "lao", "start_year": 2025, "end_year": 2027,
                 "seed": 5},
    "population": {"records": 3000},
}


def _run(programme: dict):
    from simulate.runs import run

    return run(scenario_from_dict({**BASE, "programmes": {"g": programme}}, "<test>"))


def test_whole_year_programme_reports_months_consistently() -> None:
    ds = _run({"eligibility": {"age_months": [0, 12]}, "benefit": {"amount": MONTH}})
    g = ds.sel(programme="g")
    np.testing.assert_allclose(g.beneficiary_months, 12 * g.beneficiaries, rtol=1e-12)
    np.testing.assert_allclose(g.beneficiary_years, g.beneficiaries, rtol=1e-12)
    np.testing.assert_allclose(g.transfers_due, g.transfers, rtol=0)
    assert ds.beneficiary_months.attrs["units"] == "person-months"
    assert ds.beneficiary_years.attrs["units"] == "person-years"


def test_monthly_programme_end_to_end() -> None:
    """A child under one paid by month: about six months a year on average, cash behind
    what is due by the last cycle; the whole-year variant pays twice as many months."""
    timed = _run({"eligibility": {"age_months": [0, 12]},
                  "benefit": {"amount": MONTH, "indexation": "none"},
                  "timing": {"payment_every": 2}}).sel(programme="g")
    whole = _run({"eligibility": {"age_months": [0, 12]},
                  "benefit": {"amount": MONTH, "indexation": "none"}}).sel(programme="g")
    months_per_child = float(timed.beneficiary_months[1] / timed.beneficiaries[1])
    assert 5.0 < months_per_child < 7.0  # 12 months spread over two calendar years
    # every month paid is worth the monthly amount
    np.testing.assert_allclose(timed.transfers_due, MONTH * timed.beneficiary_months,
                               rtol=1e-12)
    # the year's last cycle moves to January: the first year pays less than is due
    assert float(timed.transfers[0]) < float(timed.transfers_due[0])
    # children under one at a point in time ~ person-years of children under one
    ratio = float(timed.beneficiary_years[1] / whole.beneficiaries[1])
    assert 0.85 < ratio < 1.15


@pytest.mark.parametrize("timing, key", [
    ({"payment_every": 5}, "payment_every"),
    ({"enrolment_age_months": [0.5, 7]}, "enrolment_age_months"),
    ({"pregnancy_paid_from": 9}, "pregnancy_paid_from"),
    ({"every": 2}, "every"),
])
def test_bad_timing_is_one_clear_message(timing: dict, key: str) -> None:
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict({**BASE, "programmes": {"g": {
            "benefit": {"amount": 1.0}, "timing": timing}}}, "<test>")
    assert f"programmes.g.timing.{key}" in str(e.value)


def test_timing_needs_a_person_programme_with_a_flat_benefit() -> None:
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict({**BASE, "programmes": {"g": {
            "unit": "household", "benefit": {"amount": 1.0}, "timing": {}}}}, "<test>")
    assert "programmes.g.timing" in str(e.value)
