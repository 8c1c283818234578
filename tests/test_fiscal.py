"""Fiscal space and financing: the identities of DESIGN.md and docs/fiscal.md, by hand.

A fixed household file (one person aged 30, weight 10; no deaths, no births) and a
flat benefit of 100 a month without indexation give a cost of exactly 12,000 a year;
with round macro figures every number below is a short calculation, asserted to the
currency unit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import simulate
from simulate import financing as fm
from simulate.cli import main
from simulate.errors import ScenarioError
from simulate.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
K = np.arange(4)
COST = 12_000.0  # 10 persons x 100 x 12


def doc(tmp_path: Path, fiscal: dict | None = None, macro: dict | None = None,
        end: int = 2028, programmes: dict | None = None) -> dict:
    path = tmp_path / "people.csv"
    path.write_text("household_id,age,sex,weight\n1,30,f,10\n", encoding="utf-8")
    return {
        "scenario": {"name": "fiscal case", "id": "fiscal_case", "country": "lao",
                     "start_year": 2025, "end_year": end, "currency": "LAK", "seed": 1},
        "population": {"source": str(path)},
        "demography": {"mortality": "none", "births": "none"},
        "macro": {"gdp": 1.0e9, "real_gdp_growth": 0.0, "inflation": 0.10,
                  "exchange_rate": 1000.0, **(macro or {})},
        "fiscal": {"revenue_pct_gdp": 0.2, "expenditure_pct_gdp": 0.25, **(fiscal or {})},
        "programmes": programmes or {
            "p": {"label": "Adult grant", "eligibility": {"age": [18, 65]},
                  "benefit": {"amount": 100, "indexation": "none"}}},
    }


def run(tmp_path: Path, **kw):
    return simulate.run(scenario_from_dict(doc(tmp_path, **kw)))


def source(ds, name: str) -> np.ndarray:
    return ds["financing"].sel(source=name).values


# ---------------------------------------------------------------- macro path
def test_gdp_path_from_a_base_year_value_with_year_paths(tmp_path: Path) -> None:
    # GDP known for 2027; growth a path interpolated between 2025 and 2027
    ds = run(tmp_path, macro={"gdp": 1_000_000_000, "gdp_year": 2027,
                              "real_gdp_growth": {"2025": 0.02, "2027": 0.04},
                              "exchange_rate": {"2025": 1000, "2028": 1300}})
    # growth 2026 = 0.03, 2027 = 0.04, 2028 = 0.04 (flat after the last year)
    g27 = 1e9
    g26 = g27 / (1.04 * 1.1)
    g25 = g26 / (1.03 * 1.1)
    g28 = g27 * 1.04 * 1.1
    expected = [g25, g26, g27, g28]
    assert ds.gdp.values == pytest.approx(expected, abs=0.5)
    assert ds.gdp.values[0] == pytest.approx(771_514_452.0, abs=0.5)  # 1e9 / (1.144 x 1.133)
    assert ds.real_gdp_growth.values == pytest.approx([0.02, 0.03, 0.04, 0.04], abs=1e-15)
    assert ds.inflation.values == pytest.approx([0.1] * 4, abs=1e-15)
    assert ds.nominal_gdp_growth.values[1:] == pytest.approx([0.133, 0.144, 0.144], abs=1e-12)
    assert ds.revenue.values == pytest.approx(0.2 * np.array(expected), abs=0.5)
    assert ds.expenditure.values == pytest.approx(0.25 * np.array(expected), abs=0.5)
    assert ds.exchange_rate.values == pytest.approx([1000, 1100, 1200, 1300], abs=1e-9)
    assert ds.gdp_usd.values == pytest.approx(np.array(expected) / [1000, 1100, 1200, 1300],
                                              abs=1e-6)
    assert ds.gdp_per_capita.values == pytest.approx(np.array(expected) / 10, abs=0.05)


def test_gdp_year_defaults_to_start_year(tmp_path: Path) -> None:
    ds = run(tmp_path)
    assert ds.gdp.values == pytest.approx([1e9, 1.1e9, 1.21e9, 1.331e9], abs=0.5)


# --------------------------------------------------------------- fiscal space
def test_fiscal_space_indicators(tmp_path: Path) -> None:
    ds = run(tmp_path, fiscal={"envelope": {"2025": 10_000, "2028": 16_000}})
    gdp = 1e9 * 1.1**K
    assert ds.total_cost.values == pytest.approx([COST] * 4, abs=1e-6)
    assert ds.total_cost_pct_gdp.values == pytest.approx(COST / gdp, rel=1e-12)
    assert ds.total_cost_pct_revenue.values == pytest.approx(COST / (0.2 * gdp), rel=1e-12)
    assert ds.total_cost_pct_expenditure.values == pytest.approx(COST / (0.25 * gdp),
                                                                 rel=1e-12)
    assert ds.cost_pct_expenditure.sel(programme="p").values == pytest.approx(
        COST / (0.25 * gdp), rel=1e-12)
    assert ds.total_cost_per_capita.values == pytest.approx([1_200] * 4, abs=1e-9)
    assert ds.cost_per_capita.sel(programme="p").values == pytest.approx([1_200] * 4)
    # envelope: an interpolated amount path 10,000 -> 16,000
    assert ds.envelope.values == pytest.approx([10_000, 12_000, 14_000, 16_000], abs=1e-9)
    assert ds.envelope_headroom.values == pytest.approx([-2_000, 0, 2_000, 4_000], abs=1e-9)
    assert ds.total_cost_pct_envelope.values == pytest.approx([1.2, 1.0, 12 / 14, 0.75])
    assert "financing" not in ds and "debt" not in ds  # nothing declared


def test_envelope_as_share_of_gdp(tmp_path: Path) -> None:
    ds = run(tmp_path, fiscal={"envelope_pct_gdp": 0.00001})
    assert ds.envelope.values == pytest.approx(10_000 * 1.1**K, abs=1e-6)
    assert ds.envelope_headroom.values == pytest.approx(10_000 * 1.1**K - COST, abs=1e-6)


# ------------------------------------------------------- sources, sum and gap
FINANCING = {
    "reallocation_pct_gdp": 0.000002,                       # 2,000 x 1.1^k
    "tax": {"vat": {"rate_change": {"2025": 0.0, "2027": 0.01}, "base_pct_gdp": 0.001,
                    "compliance": 0.5}},
    "contributions": {"rate": 0.01, "wage_bill_pct_gdp": 0.0005, "coverage": 0.4,
                      "compliance": 0.5},                   # 1e-6 x GDP
    "oda": {"2025": 3_000, "2028": 0},                      # 3,000 2,000 1,000 0
    "oda_usd": 1.0,                                         # + 1 USD x 1,000
    "grants": 500,
    "results_based": {
        "early": {"programme": "p", "target": 0.5, "amount": 700, "lag_years": 1},
        "usd": {"programme": "p", "indicator": "beneficiaries", "target": 10,
                "amount_usd": 2.0},
        "never": {"programme": "p", "indicator": "beneficiaries", "target": 11,
                  "amount": 9_999},
    },
}


def test_each_source_sum_and_gap(tmp_path: Path) -> None:
    ds = run(tmp_path, fiscal={"financing": FINANCING})
    assert list(ds.source.values) == ["reallocation", "tax", "contributions", "oda", "grants",
                                      "results_based"]
    assert source(ds, "reallocation") == pytest.approx([2_000, 2_200, 2_420, 2_662], abs=0.5)
    # rate change 0, 0.005, 0.01, 0.01 x base 0.001 x compliance 0.5 x GDP
    assert source(ds, "tax") == pytest.approx([0, 2_750, 6_050, 6_655], abs=0.5)
    assert source(ds, "contributions") == pytest.approx([1_000, 1_100, 1_210, 1_331], abs=0.5)
    assert source(ds, "oda") == pytest.approx([4_000, 3_000, 2_000, 1_000], abs=0.5)
    assert source(ds, "grants") == pytest.approx([500] * 4, abs=0.5)
    # coverage 1 >= 0.5 in 2025, paid a year later; 10 beneficiaries >= 10 in 2025: 2 USD
    assert source(ds, "results_based") == pytest.approx([2_000, 700, 0, 0], abs=0.5)
    rbf = ds.results_based_disbursement
    assert rbf.sel(indicator="early").values == pytest.approx([0, 700, 0, 0])
    assert rbf.sel(indicator="never").values == pytest.approx([0, 0, 0, 0])
    total = [9_500, 10_250, 12_180, 12_148]
    assert ds.total_financing.values == pytest.approx(total, abs=0.5)
    assert ds.financing.sum("source").values == pytest.approx(total, abs=0.5)
    gap = [2_500, 1_750, -180, -148]  # negative: a surplus
    assert ds.financing_gap.values == pytest.approx(gap, abs=0.5)
    assert ds.financing_gap_pct_gdp.values == pytest.approx(
        np.array(gap) / (1e9 * 1.1**K), rel=1e-9)
    assert ds.financing_pct_gdp.sel(source="grants").values == pytest.approx(
        500 / (1e9 * 1.1**K), rel=1e-12)
    assert ds.financing.attrs["units"] == "LAK"
    assert list(ds.source_label.values)[0] == "Reallocation from other spending"


def test_interpolated_year_paths(tmp_path: Path) -> None:
    ds = run(tmp_path, fiscal={"financing": {
        "reallocation": {"2025": 1_000, "2028": 4_000},
        "grants": {"2026": 600, "2027": 300}}})
    assert source(ds, "reallocation") == pytest.approx([1_000, 2_000, 3_000, 4_000], abs=1e-9)
    # the first value before the first year, the last after the last
    assert source(ds, "grants") == pytest.approx([600, 600, 300, 300], abs=1e-9)
    # a source declared as zero is a source (not an empty financing table)
    ds = run(tmp_path, fiscal={"financing": {"grants": 0}})
    assert ds.financing_gap.values == pytest.approx([COST] * 4)


def test_design_example_borrows_the_gap(tmp_path: Path) -> None:
    # DESIGN.md: financing = { reallocation_pct_gdp = 0.002, oda = {...}, borrowing_rate }
    ds = run(tmp_path, fiscal={"financing": {
        "reallocation_pct_gdp": 0.000005, "oda": {"2025": 10_000, "2026": 0},
        "borrowing_rate": 0.05}})
    # reallocation 5,000 x 1.1^k; ODA 10,000 in 2025 only
    assert list(ds.loan.values) == ["market"]
    disb = ds.loan_disbursement.sel(loan="market").values
    # 2025: surplus; 2026: 12,000 - 5,500 = 6,500; 2027: 12,000 - 6,050 + debt service of
    # 6,500 over 10 years (650 + 5 % x 6,500 = 325) = 6,925; 2028: 12,000 - 6,655 + the
    # 2026 tranche's 650 + 5 % x 5,850 and the 2027 tranche's 692.5 + 5 % x 6,925
    assert disb == pytest.approx([0, 6_500, 6_925, 5_345 + 650 + 292.5 + 692.5 + 346.25],
                                 abs=0.5)
    assert ds.financing_gap.values == pytest.approx([-3_000, 0, 0, 0], abs=1e-6)


# ------------------------------------------------------------------- loans
def test_loan_schedule_by_hand(tmp_path: Path) -> None:
    ds = run(tmp_path, end=2030, fiscal={"financing": {"concessional": {
        "amount": {"2025": 1_000_000, "2026": 0}, "rate": 0.05, "grace_years": 1,
        "maturity_years": 3}}})
    s = ds.sel(loan="concessional")
    assert s.loan_disbursement.values == pytest.approx([1e6, 0, 0, 0, 0, 0], abs=1e-6)
    # no interest in the disbursement year; 1 grace year; 2 equal instalments
    assert s.loan_interest.values == pytest.approx([0, 50_000, 50_000, 25_000, 0, 0], abs=1e-6)
    assert s.loan_principal.values == pytest.approx([0, 0, 500_000, 500_000, 0, 0], abs=1e-6)
    assert s.loan_outstanding.values == pytest.approx([1e6, 1e6, 5e5, 0, 0, 0], abs=1e-6)
    assert ds.debt_service.values == pytest.approx([0, 50_000, 550_000, 525_000, 0, 0])
    assert source(ds, "concessional") == pytest.approx(
        [1e6, -50_000, -550_000, -525_000, 0, 0], abs=1e-6)
    assert ds.financing_gap.values == pytest.approx(
        [COST - 1e6, COST + 50_000, COST + 550_000, COST + 525_000, COST, COST], abs=1e-6)


def test_tranches_add_up() -> None:
    interest, principal = np.zeros(6), np.zeros(6)
    fm.add_tranche(interest, principal, 0, 100.0, 0.1, 0, 2)
    fm.add_tranche(interest, principal, 1, 200.0, 0.1, 0, 2)
    assert interest == pytest.approx([0, 10, 25, 10, 0, 0])
    assert principal == pytest.approx([0, 50, 150, 100, 0, 0])
    s = fm.schedule_loans([fm.Loan("concessional", 0.1, 0, 2,
                                   amount=np.array([100.0, 200, 0, 0, 0, 0]))], np.zeros(6))
    assert s["concessional"].outstanding == pytest.approx([100, 250, 100, 0, 0, 0])
    # a tranche whose repayments run past the horizon leaves a balance
    late = fm.schedule_loans([fm.Loan("market", 0.1, 1, 3, amount=np.array([0, 0, 90.0]))],
                             np.zeros(3))["market"]
    assert late.interest == pytest.approx([0, 0, 0]) and late.outstanding[-1] == 90


def test_gap_loan_borrows_need_plus_debt_service() -> None:
    loan = fm.Loan("market", 0.1, 0, 1)
    s = fm.schedule_loans([loan], np.array([100.0, 100, 0, 0]))["market"]
    assert s.disbursement == pytest.approx([100, 210, 231, 254.1])
    assert s.net == pytest.approx([100, 100, 0, 0])
    capped = fm.schedule_loans([fm.Loan("market", 0.1, 0, 1, cap=np.full(4, 150.0))],
                               np.array([100.0, 100, 0, 0]))["market"]
    assert capped.disbursement == pytest.approx([100, 150, 150, 150])
    assert 100 - capped.net[1] == pytest.approx(60)  # the gap left in the second year


# -------------------------------------------------------------------- debt
def test_debt_path_by_hand() -> None:
    p = fm.debt_path(1000.0, np.array([0.1, 0.1]), np.array([200.0, 220]),
                     np.array([250.0, 260]), np.array([30.0, 30]), np.array([10.0, 10]),
                     np.array([20.0, 20]), np.zeros(2), np.zeros(2))
    assert p.debt_baseline == pytest.approx([1050, 1090])
    assert p.primary_balance_baseline == pytest.approx([50, 65])
    assert p.debt == pytest.approx([1070, 1132])
    assert p.interest == pytest.approx([100, 107])
    assert p.primary_balance == pytest.approx([30, 45])
    assert p.overall_balance == pytest.approx([-70, -62])


def test_debt_dynamics_with_a_loan(tmp_path: Path) -> None:
    ds = run(tmp_path, macro={"inflation": 0.0}, fiscal={
        "debt_pct_gdp": 0.5, "interest_rate": 0.04,
        "financing": {"reallocation": 2_000, "concessional": {
            "amount": {"2025": 10_000, "2026": 0}, "rate": 0.05, "maturity_years": 2}}})
    # GDP 1e9 every year; debt at the end of 2024 = 5e8; revenue 2e8, expenditure 2.5e8
    assert ds.attrs["debt_initial"] == pytest.approx(5e8)
    assert ds.financing_gap.values == pytest.approx([0, 15_500, 15_250, 10_000], abs=1e-6)
    assert ds.debt_baseline.values == pytest.approx([5.5e8, 6e8, 6.5e8, 7e8], abs=0.5)
    assert ds.debt.values[:3] == pytest.approx([550_010_000, 600_020_500, 650_031_370],
                                               abs=0.5)
    assert ds.debt_interest.values[:3] == pytest.approx([20_000_000, 22_000_500, 24_000_870],
                                                        abs=0.5)
    assert ds.primary_balance.values[:3] == pytest.approx(
        [-30_010_000, -28_010_000, -26_010_000], abs=0.5)
    assert ds.debt_pct_gdp.values[:3] == pytest.approx([0.55001, 0.6000205, 0.65003137],
                                                       abs=1e-9)
    # d_t = d_(t-1) (1 + i_t) / (1 + g_t) - pb_t with the effective rate i_t
    check_debt_identity(ds, 0.5)


def check_debt_identity(ds, d0: float) -> None:
    gdp, growth = ds.gdp.values, ds.nominal_gdp_growth.values
    debt = np.r_[d0 * gdp[0] / (1 + growth[0]), ds.debt.values]
    i_eff = ds.debt_interest.values / debt[:-1]
    d = debt / np.r_[gdp[0] / (1 + growth[0]), gdp]
    expected = d[:-1] * (1 + i_eff) / (1 + growth) - ds.primary_balance_pct_gdp.values
    assert ds.debt_pct_gdp.values == pytest.approx(expected, rel=1e-12)
    assert ds.overall_balance.values == pytest.approx(
        ds.primary_balance.values - ds.debt_interest.values)


def test_debt_with_growth_and_no_financing(tmp_path: Path) -> None:
    ds = run(tmp_path, fiscal={"debt_pct_gdp": 0.6, "interest_rate": {"2025": 0.03,
                                                                        "2028": 0.06}})
    assert "financing" not in ds and "debt" in ds
    # the whole cost is borrowed: debt exceeds the baseline by the cost plus its interest
    rate = [0.03, 0.04, 0.05, 0.06]
    extra = 0.0
    for t in range(4):
        extra = extra * (1 + rate[t]) + COST
        assert ds.debt.values[t] - ds.debt_baseline.values[t] == pytest.approx(extra, abs=1e-3)
    check_debt_identity(ds, 0.6)


# ---------------------------------------------------------------- bad input
def edit(tmp_path: Path, fiscal: dict, macro: dict | None = None) -> dict:
    return doc(tmp_path, fiscal=fiscal, macro=macro)


LOAN = {"amount": 1_000, "rate": 0.02}
BAD = [
    ("negative contribution rate",
     {"financing": {"contributions": {"rate": -0.01, "wage_bill_pct_gdp": 0.3}}}, None,
     ["fiscal.financing.contributions.rate expected a number in [0, 1]", "found -0.01"]),
    ("negative loan rate", {"financing": {"concessional": {**LOAN, "rate": -0.05}}}, None,
     ["fiscal.financing.concessional.rate expected a number in [0, 1]", "found -0.05"]),
    ("negative rate change in a year path",
     {"financing": {"tax": {"vat": {"rate_change": {"2026": -0.01}, "base_pct_gdp": 0.3}}}},
     None, ["fiscal.financing.tax.vat.rate_change.2026 expected a number in [0, 1]",
            "found -0.01"]),
    ("unknown source", {"financing": {"grant": 100}}, None,
     ["fiscal.financing.grant expected a known key", "did you mean 'grants'?"]),
    ("unknown fiscal key", {"envelop": 100}, None,
     ["fiscal.envelop expected a known key", "did you mean 'envelope'?"]),
    ("results year outside the horizon",
     {"financing": {"results_based": {"d": {"programme": "p", "target": 0.5, "amount": 1,
                                            "by_year": 2031}}}}, None,
     ["fiscal.financing.results_based.d.by_year expected a year in the scenario's horizon",
      "found 2031"]),
    ("loan with amount and covers_gap",
     {"financing": {"market": {**LOAN, "covers_gap": True}}}, None,
     ["fiscal.financing.market expected exactly one of amount or covers_gap = true",
      "found both"]),
    ("loan with neither", {"financing": {"market": {"rate": 0.02}}}, None,
     ["fiscal.financing.market expected exactly one of amount or covers_gap", "found neither"]),
    ("loan without rate", {"financing": {"market": {"amount": 5}}}, None,
     ["fiscal.financing.market.rate expected a number in [0, 1]", "found nothing"]),
    ("maturity within grace",
     {"financing": {"concessional": {**LOAN, "grace_years": 5, "maturity_years": 5}}}, None,
     ["fiscal.financing.concessional.maturity_years expected more years than grace_years (5)",
      "found 5"]),
    ("cap without covers_gap", {"financing": {"market": {**LOAN, "max_pct_gdp": 0.01}}}, None,
     ["fiscal.financing.market.max_pct_gdp expected covers_gap = true"]),
    ("two gap loans", {"financing": {"market": {"covers_gap": True, "rate": 0.05},
                                     "concessional": {"covers_gap": True, "rate": 0.01}}},
     None, ["one loan at most that covers the gap", "found 2"]),
    ("shorthand and market", {"financing": {"borrowing_rate": 0.05, "market": LOAN}}, None,
     ["fiscal.financing.borrowing_rate expected either borrowing_rate (shorthand) or a "
      "[fiscal.financing.market] table", "found both"]),
    ("unknown programme",
     {"financing": {"results_based": {"d": {"programme": "q", "target": 0.5, "amount": 1}}}},
     None, ["fiscal.financing.results_based.d.programme expected one of the scenario's "
            "programmes, found 'q'"]),
    ("coverage target above 1",
     {"financing": {"results_based": {"d": {"programme": "p", "target": 50, "amount": 1}}}},
     None, ["fiscal.financing.results_based.d.target expected a share in [0, 1]", "found 50"]),
    ("no amount", {"financing": {"results_based": {"d": {"programme": "p", "target": 0.5}}}},
     None, ["fiscal.financing.results_based.d expected exactly one of amount or amount_usd",
            "found neither"]),
    ("debt without interest", {"debt_pct_gdp": 0.5}, None,
     ["fiscal.debt_pct_gdp expected fiscal.interest_rate given with it",
      "found no fiscal.interest_rate"]),
    ("both envelopes", {"envelope": 1, "envelope_pct_gdp": 0.1}, None,
     ["fiscal.envelope expected one of envelope or envelope_pct_gdp, found both"]),
    ("both reallocations", {"financing": {"reallocation": 1, "reallocation_pct_gdp": 0.1}},
     None, ["fiscal.financing.reallocation expected one of reallocation or "
            "reallocation_pct_gdp, found both"]),
    ("empty financing", {"financing": {}}, None,
     ["fiscal.financing expected at least one source", "found an empty table"]),
    ("gdp year without gdp", {}, {"gdp_year": 2023},
     ["macro.gdp_year expected macro.gdp given with it"]),
]


@pytest.mark.parametrize(("case", "fiscal", "macro", "fragments"), BAD,
                         ids=[c[0] for c in BAD])
def test_bad_fiscal_input(tmp_path: Path, case: str, fiscal: dict, macro: dict | None,
                          fragments: list[str]) -> None:
    d = edit(tmp_path, fiscal, macro)
    if macro and "gdp" not in macro:
        del d["macro"]["gdp"]
    with pytest.raises(ScenarioError) as err:
        simulate.runs.check(scenario_from_dict(d, "case.toml"))
    text = str(err.value)
    assert text.startswith("case.toml: "), text
    for fragment in fragments:
        assert fragment in text, text


def test_bad_input_from_a_file_names_the_file_in_validate_and_run(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("""\
[scenario]
name = "bad financing"
country = "lao"
start_year = 2025
end_year = 2027
[population]
records = 200
[programmes.child]
eligibility = { age = [0, 2] }
benefit = { amount = 100 }
[fiscal.financing]
oda = { 2025 = 5e11, 2026 = 0 }
reallocation_pct_gdp = 1.5
""")
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "o")]):
        r = CliRunner().invoke(main, command)
        assert r.exit_code == 1, r.output
        assert "Traceback" not in r.output
        assert (f"{path}: fiscal.financing.reallocation_pct_gdp expected a number in [0, 1]"
                ", found 1.5") in r.output
    assert not (tmp_path / "o").exists()
    r = CliRunner().invoke(main, ["validate", str(path), "--set",
                                  "fiscal.financing.oda={ 2025 = -1 }"])
    assert "--set: fiscal.financing.oda.2025 expected a number >= 0" in r.output


# ------------------------------------------------------- results and output
def test_every_fiscal_variable_is_registered_with_units(tmp_path: Path) -> None:
    fiscal = {"debt_pct_gdp": 0.5, "interest_rate": 0.04, "envelope_pct_gdp": 0.01,
              "financing": {**FINANCING, "concessional": {"covers_gap": True, "rate": 0.01}}}
    ds = run(tmp_path, fiscal=fiscal)
    for name in ("financing", "financing_gap", "loan_outstanding", "debt_pct_gdp",
                 "envelope_headroom", "results_based_disbursement", "cost_per_capita"):
        assert name in ds
    for name, var in ds.data_vars.items():
        assert var.attrs.get("units") and var.attrs.get("long_name"), name
    assert ds.financing_gap.values == pytest.approx([0] * 4, abs=1e-6)  # the loan covers it


def test_run_prints_fiscal_tables_and_writes_them(tmp_path: Path) -> None:
    import xarray as xr

    from simulate.scenario.loader import to_toml

    d = doc(tmp_path, fiscal={"debt_pct_gdp": 0.5, "interest_rate": 0.04,
                              "envelope": 15_000, "financing": FINANCING})
    path = tmp_path / "s.toml"
    path.write_text(to_toml(d))
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(out)])
    assert r.exit_code == 0, r.output
    for text in ("Fiscal space: all programmes (LAK, nominal)", "Financing by source",
                 "results_based", "Public debt (end of year", "% envelope"):
        assert text in r.output
    assert "Financing by source" in (out / "summary.txt").read_text()
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds.financing_gap.values == pytest.approx([2_500, 1_750, -180, -148], abs=0.5)
        assert list(ds.source.values)[0] == "reallocation"


def test_fiscal_table_rows(tmp_path: Path) -> None:
    from simulate.report.tables import fiscal_summary, fiscal_table

    ds = run(tmp_path, fiscal={"financing": {"grants": 500}})
    rows = fiscal_table(ds)
    assert [r["year"] for r in rows] == [2025, 2026, 2027, 2028]
    assert rows[0]["financing:grants"] == 500
    assert rows[0]["financing_gap"] == pytest.approx(11_500)
    assert "envelope" not in rows[0] and "debt_pct_gdp" not in rows[0]
    assert not any("Public debt" in line for line in fiscal_summary(ds))


# ------------------------------------------------------------ shipped cases
FINANCED = ["lao_nsps_financing", "lao_nsps_financing_under1", "lao_nsps_financing_ida",
            "khm_family_package_financing"]


@pytest.fixture(scope="module")
def shipped() -> dict:
    out = {}
    for name in FINANCED:
        sc = load_scenario(ROOT / "scenarios" / f"{name}.toml",
                           overrides={"population.records": 3000})
        out[name] = simulate.run(sc)
    return out


@pytest.mark.parametrize("name", FINANCED)
def test_shipped_scenarios_financing_identities(shipped: dict, name: str) -> None:
    ds = shipped[name]
    assert ds.total_financing.values == pytest.approx(ds.financing.sum("source").values,
                                                      rel=1e-12)
    assert ds.financing_gap.values == pytest.approx(
        ds.total_cost.values - ds.total_financing.values, rel=1e-9, abs=1e-3)
    assert "envelope" in ds and "debt_pct_gdp" in ds
    start = ds.attrs["scenario"]
    assert "[fiscal.financing]" in start


def test_shipped_gap_loans_close_the_gap_up_to_their_cap(shipped: dict) -> None:
    for name in ("lao_nsps_financing_ida", "khm_family_package_financing"):
        ds = shipped[name]
        # khm: at most 0.05 % of GDP during the expansion 2025-2029, nothing after
        cap = (0.001 if name == "lao_nsps_financing_ida"
               else np.where(ds.year.values <= 2029, 0.0005, 0.0))
        disb = ds.loan_disbursement.sel(loan="concessional").values
        gap = ds.financing_gap.values
        limit = cap * ds.gdp.values
        assert np.all(disb <= limit * (1 + 1e-12))
        # a gap is left only in years the loan is at its cap
        assert np.all((gap <= 1e-3) | np.isclose(disb, limit, rtol=1e-12))
    khm = shipped["khm_family_package_financing"]
    assert khm.results_based_disbursement.sum().item() > 0  # the coverage targets are met
    # option A leaves a gap in the roll-out years that option C borrows
    a, c = shipped["lao_nsps_financing"], shipped["lao_nsps_financing_ida"]
    assert a.financing_gap.sel(year=2030).item() > 0
    assert c.loan_disbursement.sel(year=2030, loan="concessional").item() > 0
    assert c.debt_service.sel(year=2040).item() > 0
