"""Sensitivity cases recomputed by hand, the tornado's data and chart, spsim sensitivity
and the returns in spsim run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import simulate
from simulate.cli import main
from simulate.report.tornado import tornado_data, tornado_plot
from simulate.returns.sensitivity import all_cases, indicators, shift
from simulate.returns.settings import ReturnsSettings, parse_case
from simulate.uncertainty.tornado import OneWay, one_way

ROOT = Path(__file__).resolve().parent.parent

B = np.array([0.0, 50.0, 60.0, 70.0])
C = np.array([100.0, 10.0, 10.0, 10.0])


def settings(**kw) -> ReturnsSettings:
    base = dict(start_year=2025, years=np.arange(2025, 2029), discount_rate=0.10,
                horizon_years=4)
    return ReturnsSettings(**{**base, **kw})


def hand_npv(b, c, r=0.10, first=False):
    return sum((b[k] - c[k]) / (1 + r) ** (k + (1 if first else 0)) for k in range(len(b)))


def test_parse_case() -> None:
    assert parse_case("base") == (1.0, 1.0, 0)
    assert parse_case("costs+10%") == pytest.approx((1.1, 1.0, 0))
    assert parse_case("benefits-25%") == pytest.approx((1.0, 0.75, 0))
    assert parse_case("delay+2") == (1.0, 1.0, 2)
    assert parse_case("costs+10% & benefits-10%&delay+1") == pytest.approx((1.1, 0.9, 1))
    with pytest.raises(ValueError):
        parse_case("cost+10%")


def test_each_world_bank_case_by_hand() -> None:
    s = settings()
    got = {i.case: i for i in all_cases(B, C, s)}
    # base: -100 + 40/1.1 + 50/1.21 + 60/1.331
    assert got["base"].npv == pytest.approx(-100 + 40 / 1.1 + 50 / 1.21 + 60 / 1.331,
                                            abs=1e-9)
    assert got["costs+10%"].npv == pytest.approx(
        -110 + (50 - 11) / 1.1 + (60 - 11) / 1.21 + (70 - 11) / 1.331, abs=1e-9)
    assert got["costs+25%"].npv == pytest.approx(hand_npv(B, C * 1.25), abs=1e-9)
    assert got["benefits-10%"].npv == pytest.approx(
        -100 + (45 - 10) / 1.1 + (54 - 10) / 1.21 + (63 - 10) / 1.331, abs=1e-9)
    assert got["benefits-25%"].npv == pytest.approx(hand_npv(B * 0.75, C), abs=1e-9)
    # delay+1: benefits [0, 0, 50, 60]; the 70 of 2028 leaves the horizon
    assert got["delay+1"].npv == pytest.approx(-100 - 10 / 1.1 + 40 / 1.21 + 50 / 1.331,
                                               abs=1e-9)
    for case, (cf, bf, d) in {"base": (1, 1, 0), "costs+10%": (1.1, 1, 0),
                              "benefits-25%": (1, 0.75, 0), "delay+1": (1, 1, 1)}.items():
        b, c = shift(B, d) * bf, C * cf
        pvb = sum(b[k] / 1.1**k for k in range(4))
        pvc = sum(c[k] / 1.1**k for k in range(4))
        assert got[case].bcr == pytest.approx(pvb / pvc, rel=1e-12)
        assert got[case].pv_benefits == pytest.approx(pvb, rel=1e-12)
        assert got[case].pv_costs == pytest.approx(pvc, rel=1e-12)
        if got[case].err is not None:
            r = got[case].err
            assert sum((b[k] - c[k]) / (1 + r) ** k for k in range(4)) == pytest.approx(
                0, abs=1e-8)
    assert got["base"].err == pytest.approx(0.216478, abs=1e-6)  # one sign change


def test_cases_with_first_year_discounted_and_shorter_horizon() -> None:
    s = settings(discount_first_year=True, horizon_years=3, cases=("delay+1", "costs-50%"))
    got = {i.case: i for i in all_cases(B, C, s)}
    assert list(got) == ["base", "delay+1", "costs-50%"]
    assert got["base"].npv == pytest.approx(hand_npv(B[:3], C[:3], first=True), abs=1e-9)
    assert got["delay+1"].npv == pytest.approx(
        hand_npv(np.array([0, 0, 50.0]), C[:3], first=True), abs=1e-9)
    assert got["costs-50%"].npv == pytest.approx(hand_npv(B[:3], C[:3] * 0.5, first=True),
                                                 abs=1e-9)


def test_no_rate_and_several_rates_in_a_case() -> None:
    s = settings()
    assert indicators("base", B * 0, C, s).err is None  # only costs
    # net flows -100, 230, -132: two rates (10 % and 20 %)
    two = indicators("base", np.array([0, 230.0, 0, 0]), np.array([100, 0, 132.0, 0]), s)
    assert two.err is None and two.err_roots == pytest.approx((0.10, 0.20))


def test_tornado_data_is_sorted_by_swing() -> None:
    rows = tornado_data([OneWay("a", 1, 2, 90, 110), OneWay("b", 0.5, 1.5, 50, 160),
                         OneWay("c", 0, 1, 100, 100), OneWay("d", 3, 4, 120, 80)], 100.0)
    assert [r["parameter"] for r in rows] == ["b", "d", "a", "c"]
    assert rows[0]["swing"] == 110 and rows[0]["change_low"] == -50
    assert rows[1]["change_high"] == -20  # a parameter whose high value lowers NPV
    assert all(r["base_npv"] == 100.0 for r in rows)


def test_tornado_plot_writes_a_png(tmp_path: Path) -> None:
    rows = tornado_data([OneWay("costs", 0.75, 1.25, 2e9, -1e9),
                         OneWay("returns.discount_rate", 0.04, 0.08, 1.5e9, -0.2e9)], 0.5e9)
    path = tmp_path / "t.png"
    tornado_plot(rows, path, "test", "LAK")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tornado_plot([], tmp_path / "empty.png")  # nothing to draw is not an error


SMALL = """\
[scenario]
name = "Sensitivity test"
id = "sens"
country = "lao"
start_year = 2025
end_year = 2034
seed = 5
[population]
records = 2000
[programmes.cg]
eligibility = [{ pregnant = true }, { age_months = [0, 24] }]
benefit = { amount = 150_000 }
take_up = 0.8
[returns]
discount_rate = 0.06
[returns.consumption_multiplier]
multiplier = 1.3
count_transfer = false
[[returns.streams]]
name = "later"
kind = "benefit"
values = [0, 0, 0, 2e11, 3e11, 4e11, 5e11, 5e11, 5e11, 5e11]
[sensitivity]
cases = ["costs+10%", "benefits-10%", "delay+2", "costs+10%&benefits-10%"]
[sensitivity.parameters]
costs = [0.8, 1.2]
"returns.discount_rate" = [0.03, 0.12]
"programmes.cg.take_up" = [0.5, 1.0]
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "sens.toml"
    path.write_text(SMALL)
    return path


def test_one_way_by_parameter_kind(small: Path) -> None:
    sc = simulate.load_scenario(small)
    ds = simulate.run(sc)
    base = float(ds["npv"].sel(sensitivity="base"))
    res = {r.parameter: r for r in one_way(sc, ds)}
    b = ds["benefits"].sum("channel").values
    c = ds["economic_cost"].sum("cost_item").values
    assert res["costs"].npv_low == pytest.approx(
        sum((b[k] - 0.8 * c[k]) / 1.06**k for k in range(10)), rel=1e-12)
    assert res["returns.discount_rate"].npv_high == pytest.approx(
        sum((b[k] - c[k]) / 1.12**k for k in range(10)), rel=1e-12)
    # a re-run: the same as running the scenario with the key set
    high = simulate.run(simulate.load_scenario(small, {"programmes.cg.take_up": 1.0}))
    assert res["programmes.cg.take_up"].npv_high == pytest.approx(
        float(high["npv"].sel(sensitivity="base")), rel=1e-12)
    assert res["programmes.cg.take_up"].npv_low != pytest.approx(base)
    # the combined case multiplies both
    row = ds.sel(sensitivity="costs+10%&benefits-10%")
    assert float(row["npv"]) == pytest.approx(
        sum((0.9 * b[k] - 1.1 * c[k]) / 1.06**k for k in range(10)), rel=1e-12)


def test_spsim_sensitivity_writes_tables_and_tornado(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "sens_out"
    r = CliRunner().invoke(main, ["sensitivity", str(small), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} - {".spsim-manifest.json"} == {"sensitivity.txt", "sensitivity.csv",
                                               "tornado.csv", "tornado.png"}
    assert (out / "tornado.png").read_bytes()[:4] == b"\x89PNG"
    text = r.output
    for case in ("base", "costs+10%", "delay+2", "costs+10%&benefits-10%"):
        assert case in text
    assert "One-way changes" in text and "programmes.cg.take_up" in text
    cases = (out / "sensitivity.csv").read_text().splitlines()
    assert cases[0].startswith("case,npv [LAK of start_year]")
    assert len(cases) == 1 + 5
    assert len((out / "tornado.csv").read_text().splitlines()) == 1 + 3


def test_spsim_sensitivity_without_returns_needs_parameters(tmp_path: Path) -> None:
    """Without [returns] the command analyses any output one way (issue 16); with
    nothing to vary it says what it needs, and writes nothing."""
    path = tmp_path / "plain.toml"
    path.write_text(SMALL.split("[returns]")[0])
    r = CliRunner().invoke(main, ["sensitivity", str(path), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "sensitivity.parameters expected parameters to vary: [sensitivity.parameters] " \
           '"key" = [low, high], [sensitivity.swings] "key" = percent, or ' \
           "[uncertainty.parameters], found nothing" in r.output
    assert not (tmp_path / "o").exists()


def test_spsim_sensitivity_bad_parameter_is_one_message(small: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["sensitivity", str(small), "--out", str(tmp_path / "o"),
                                  "--set", 'sensitivity.parameters={ "programmes.cg.take_up" '
                                  "= [0.5, 1.5] }"])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "--set: sensitivity.parameters.programmes.cg.take_up expected" in r.output
    assert "found 1.5" in r.output
    assert not (tmp_path / "o").exists()


def test_spsim_run_reports_returns(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    r = CliRunner().invoke(main, ["run", str(small), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "Economic returns (LAK, constant 2025 prices; discount rate 6.0%" in r.output
    assert "switching values (NPV = 0)" in r.output
    assert "delay+2" in (out / "summary.txt").read_text()
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds["npv"].dims == ("sensitivity",)
        assert str(ds["sensitivity"].values[0]) == "base"
        assert {"err", "bcr", "benefits", "switching_value_costs"} <= set(ds.variables)


def test_prf3_scenario_is_close_to_the_paper() -> None:
    """PRF III AF (seed 001, Annex 1 para 29): "the Net Present Value of the benefits of
    reduced stunting is estimated at LAK 4.1 billion". The paper leaves out its child
    counts; with the choices in the scenario (docs/prf3.md) the NPV is within 6 % of it:
    the covered births are a small group, so the seed alone moves it by about +-3 %
    (4.12-4.32 bn over five seeds, the shipped one 4.32 bn), the rest the choices."""
    sc = simulate.load_scenario(ROOT / "scenarios" / "lao_prf3_nutrition.toml")
    ds = simulate.run(sc)
    npv = float(ds["npv"].sel(sensitivity="base"))
    assert npv == pytest.approx(4.1e9, rel=0.06)
    assert float(ds["pv_costs"].sel(sensitivity="base")) == 0.0
    pv = ds["pv_benefits_by_channel"]
    assert float(pv.sum()) == pytest.approx(npv, rel=1e-12)
    # earnings start with the cohort born in project year 3, at 15: project year 18 (2042)
    earnings = ds["benefits"].sel(channel="stunting_earnings")
    assert float(earnings.sel(year=2041)) == 0.0 and float(earnings.sel(year=2042)) > 0
    assert float(ds["stunting_cases_avoided"].sel(year=2026)) == 0.0


def test_default_tornado_parameters(small: Path) -> None:
    from simulate.returns import read_settings

    text = small.read_text().split("[sensitivity.parameters]")[0]
    small.write_text(text)
    sc = simulate.load_scenario(small)
    s = read_settings(sc)
    assert not s.parameters_declared
    assert dict(s.parameters) == {"costs": (0.75, 1.25), "benefits": (0.75, 1.25),
                                  "returns.discount_rate": (0.04, 0.08)}
    ds = simulate.run(sc)
    res = {r.parameter: r for r in one_way(sc, ds)}
    b = ds["benefits"].sum("channel").values
    c = ds["economic_cost"].sum("cost_item").values
    assert res["benefits"].npv_high == pytest.approx(
        sum((1.25 * b[k] - c[k]) / 1.06**k for k in range(10)), rel=1e-12)
    assert res["returns.discount_rate"].npv_low == pytest.approx(
        sum((b[k] - c[k]) / 1.04**k for k in range(10)), rel=1e-12)
