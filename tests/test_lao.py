"""Lao PDR (seed 000): the MECG pilot and the national design set against the seed's
figures; the numbers docs/lao.md reports are the ones the scenarios produce."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulate
from simulate.runs import check

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

#: the seed's pilot figures (000_19603064edc13ec3.txt)
SEED_ENROLLED, SEED_PREGNANT, SEED_CHILDREN, SEED_PAID = 2_596, 524, 2_072, 1_410
#: the seed's national figure: "almost 0.5 million mothers and children"
SEED_NATIONAL = 500_000
#: stated tolerance of the pilot's total enrolled: the roll-out share is calibrated to it
#: on the run's own draws (docs/lao.md), so this checks the calibration
PILOT_TOLERANCE = 0.02
#: stated tolerance of the number paid at 54 % completion: 200,000 records leave the
#: pilot about 70 records (sampling error ~10-15 %)
PAID_TOLERANCE = 0.15
#: the pilot's enrolment year, whose counts are set against the seed's
PILOT_YEAR = 2021

#: what docs/lao.md reports (persons, 2021 for the pilot, 2030 for the national design)
DOC = {
    "pilot_pregnant": 775.4,
    "pilot_children": 1_819.7,
    "national_beneficiaries_2030": 460_619,
    "national_person_years_2030": 213_829,
}


def _pilot(take_up: float):
    sc = simulate.load_scenario(SCENARIOS / "lao_mecg_pilot.toml", overrides={
        "programmes.mecg_pregnant.take_up": take_up,
        "programmes.mecg_children.take_up": take_up})
    ds = simulate.run(sc)
    assert int(ds.year[0]) == PILOT_YEAR  # the pilot's own years, back-projected population
    return ds.sel(year=PILOT_YEAR)


@pytest.fixture(scope="module")
def enrolled():
    return _pilot(1.0)


def test_pilot_enrolment_within_the_stated_tolerance(enrolled) -> None:
    b = enrolled.beneficiaries
    total = float(b.sum())
    assert abs(total / SEED_ENROLLED - 1) < PILOT_TOLERANCE
    # the split is a result, not tuned: docs/lao.md gives its distance from 524 / 2,072
    np.testing.assert_allclose(float(b.sel(programme="mecg_pregnant")),
                               DOC["pilot_pregnant"], rtol=0.005)
    np.testing.assert_allclose(float(b.sel(programme="mecg_children")),
                               DOC["pilot_children"], rtol=0.005)


def test_pilot_payment_completion_is_a_parameter(enrolled) -> None:
    paid = _pilot(0.54)
    share = float(paid.beneficiaries.sum() / enrolled.beneficiaries.sum())
    assert abs(share - 0.54) < 0.1  # a draw per person: about 54 % of the enrolled
    assert abs(float(paid.beneficiaries.sum()) / SEED_PAID - 1) < PAID_TOLERANCE


def test_national_design_against_half_a_million() -> None:
    sc = simulate.load_scenario(SCENARIOS / "lao_mecg.toml",
                                overrides={"scenario.end_year": 2030})
    m = simulate.run(sc).sel(year=2030, programme="mecg")
    np.testing.assert_allclose(float(m.beneficiaries), DOC["national_beneficiaries_2030"],
                               rtol=0.005)
    np.testing.assert_allclose(float(m.beneficiary_years), DOC["national_person_years_2030"],
                               rtol=0.005)
    assert float(m.beneficiary_years) < float(m.beneficiaries)


@pytest.mark.parametrize("name", ["lao_mecg", "lao_mecg_pilot", "lao_mecg_option_under2",
                                  "lao_nsps_welfare", "lao_nsps_financing",
                                  "lao_nsps_financing_ida", "lao_nsps_financing_under1",
                                  "lao_mecg_uncertainty", "lao_nspf"])
def test_lao_scenarios_validate(name: str) -> None:
    check(simulate.load_scenario(SCENARIOS / f"{name}.toml"))
