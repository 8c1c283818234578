"""The registry of result variables: name, dimensions, units and meaning.

Every variable of the Dataset that :func:`simulate.run` returns is declared
here; :mod:`simulate.results` builds the Dataset from this registry and attaches
``units``, ``long_name`` and ``description`` to each variable (``{currency}`` in a
unit is the scenario's currency). Shares are fractions (0.01 = 1 %), with unit
``"1"``. ``python -m simulate.variables docs/results.md`` writes the reference.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import xarray as xr


@dataclass(frozen=True)
class Variable:
    """A result variable: its dimensions, unit, short label and definition."""

    name: str
    dims: tuple[str, ...]
    units: str
    long_name: str
    description: str
    #: the module that computes it (set by the block that declares it)
    module: str = ""
    #: its numpy dtype in the Dataset
    dtype: str = "float64"


def _declare(module: str, variables: list[Variable]) -> dict[str, Variable]:
    """``variables`` by name, each computed by ``module`` unless it names its own."""
    return {v.name: replace(v, module=v.module or module) for v in variables}


YP = ("year", "programme")

COSTING = "simulate/costing.py"
FISCAL = "simulate/fiscal.py"

VARIABLES: dict[str, Variable] = _declare(COSTING, [
    Variable("eligible", YP, "persons", "eligible persons",
             "Weighted persons meeting the eligibility conditions (and, with poverty targeting, "
             "truly poor) in the year."),
    Variable("beneficiaries", YP, "persons", "beneficiaries",
             "Weighted persons receiving the benefit in the year (a once-only benefit counts "
             "people in the year they are paid)."),
    Variable("beneficiaries_at_birth", YP, "persons", "beneficiaries in their year of birth",
             "Beneficiaries aged 0 (born in the year): a birth cohort's covered children, "
             "followed by the stunting channel."),
    Variable("coverage", YP, "1", "eligible beneficiaries / eligible",
             "Share of the eligible who receive the benefit: beneficiaries_eligible / "
             "eligible, never above 1 (people let in by inclusion error are counted in "
             "beneficiaries_not_eligible, not here); NaN when nobody is eligible."),
    Variable("beneficiaries_eligible", YP, "persons", "beneficiaries who are eligible",
             "Weighted beneficiaries who are truly eligible (pass the targeting criterion); "
             "never more than eligible."),
    Variable("beneficiaries_not_eligible", YP, "persons",
             "beneficiaries let in by inclusion error",
             "beneficiaries - beneficiaries_eligible: weighted beneficiaries who meet the "
             "categorical conditions but not the targeting criterion."),
    Variable("transfers", YP, "{currency}", "benefit transfers",
             "Benefit payments in the year, nominal local currency."),
    Variable("admin_cost", YP, "{currency}", "administration cost",
             "share_of_transfers x transfers + per_beneficiary_year x beneficiaries + fixed "
             "costs (years with roll-out > 0) + set-up; amounts indexed to the CPI; nominal."),
    Variable("cost", YP, "{currency}", "total cost", "transfers + admin_cost, nominal."),
    Variable("cost_real", YP, "{currency} of start_year", "total cost, constant prices",
             "cost deflated by the consumer price index (start_year = 1)."),
    Variable("cost_usd", YP, "USD", "total cost in US dollars",
             "cost / exchange_rate of the year."),
    Variable("cost_pct_gdp", YP, "1", "cost as a share of GDP", "cost / nominal GDP."),
    Variable("cost_pct_revenue", YP, "1", "cost as a share of government revenue",
             "cost / government revenue."),
    Variable("total_cost", ("year",), "{currency}", "total cost of all programmes",
             "Sum of cost over programmes, nominal."),
    Variable("total_cost_pct_gdp", ("year",), "1", "total cost as a share of GDP",
             "total_cost / nominal GDP."),
    Variable("cost_by_component", ("year", "component"), "{currency}",
             "total cost by component",
             "Sum of cost over the programmes of each component: regular, shock_vertical "
             "(shock top-ups), shock_horizontal (shock expansions to the newly eligible); "
             "the components add up to total_cost."),
    Variable("households_eligible", YP, "households", "eligible households",
             "Weighted households eligible for a household programme (NaN for person "
             "programmes)."),
    Variable("households_beneficiaries", YP, "households", "beneficiary households",
             "Weighted households receiving a household programme (NaN for person "
             "programmes)."),
    Variable("inclusion_error_rate", YP, "1", "inclusion error rate",
             "Share of beneficiaries who are not truly eligible (not poor, or failing the "
             "means test's targeting criterion)."),
    Variable("exclusion_error_rate", YP, "1", "exclusion error rate",
             "Share of the truly eligible who do not receive the benefit (targeting errors, "
             "roll-out and take-up)."),
    Variable("beneficiaries_by_decile", ("year", "programme", "decile"), "persons",
             "beneficiaries by welfare decile",
             "Beneficiaries by the welfare decile of their household in the population's first "
             "year (1 = poorest)."),
    Variable("transfers_by_decile", ("year", "programme", "decile"), "{currency}",
             "transfers by welfare decile", "Transfers by welfare decile, nominal."),
    Variable("persons_by_decile", ("year", "decile"), "persons",
             "persons by welfare decile",
             "Persons alive by the welfare decile of their household in the first year."),
    Variable("persons_by_quintile", ("year", "quintile"), "persons",
             "persons by welfare quintile",
             "Persons alive by the welfare quintile of their household in the first year."),
    Variable("share_to_poorest_quintile", YP, "1", "share of transfers to the poorest quintile",
             "Transfers to the poorest welfare quintile / all transfers."),
    Variable("coverage_poorest_quintile", YP, "1", "coverage of the poorest quintile",
             "Beneficiaries in the poorest quintile / persons in the poorest quintile."),
    Variable("poverty_line", ("year",), "{currency} per person per year",
             "poverty line (start_year prices)",
             "[poverty] line, or the profile's line moved to start_year prices."),
    Variable("poverty_headcount", ("year", "stage"), "1", "poverty headcount ratio",
             "Share of persons whose household welfare per capita is below the line, before "
             "and after the transfers of all programmes (FGT 0)."),
    Variable("poverty_gap", ("year", "stage"), "1", "poverty gap index",
             "Mean of (line - welfare) / line over persons, 0 for the non-poor (FGT 1)."),
    Variable("poverty_severity", ("year", "stage"), "1", "squared poverty gap",
             "Mean of ((line - welfare) / line)^2 over persons (FGT 2)."),
    Variable("poor_persons", ("year", "stage"), "persons", "persons in poverty",
             "Persons below the poverty line, before and after transfers."),
    Variable("gini", ("year", "stage"), "1", "Gini coefficient of welfare per capita",
             "Gini over persons of household welfare per capita, before and after transfers "
             "(from a histogram of 2,048 log-spaced bins)."),
    Variable("overlap", ("year", "combination", "status"), "persons",
             "persons by combination of programmes",
             "Persons eligible for (status eligible) and receiving (status receiving) exactly "
             "each combination of programmes; members of an eligible or beneficiary household "
             "count for household programmes."),
    Variable("beneficiaries_by_quintile", ("year", "programme", "quintile"), "persons",
             "beneficiaries by welfare quintile",
             "Beneficiaries by the welfare quintile of their household in the population's "
             "first year (1 = poorest)."),
    Variable("transfers_by_quintile", ("year", "programme", "quintile"), "{currency}",
             "transfers by welfare quintile", "Transfers by welfare quintile, nominal."),
    Variable("gdp", ("year",), "{currency}", "nominal GDP",
             "Nominal GDP: grows by (1 + real growth) x (1 + inflation) a year."),
    Variable("revenue", ("year",), "{currency}", "government revenue",
             "revenue_pct_gdp x GDP."),
    Variable("expenditure", ("year",), "{currency}", "government expenditure",
             "expenditure_pct_gdp x GDP."),
    Variable("price_index", ("year",), "1", "consumer price index (start_year = 1)",
             "Cumulated inflation from start_year."),
    Variable("exchange_rate", ("year",), "{currency} per USD", "exchange rate",
             "Local currency per US dollar."),
    Variable("population", ("year",), "persons", "population",
             "Persons alive at the start of the year."),
    Variable("births", ("year",), "persons", "births",
             "Live births during the year (the first year's newborns come from the data)."),
    Variable("population_by_age", ("year", "sex", "age"), "persons",
             "population by sex and age", "Persons by sex and single year of age (100 = 100+)."),
])
# --- fiscal space and financing (simulate/fiscal.py; formulas in docs/fiscal.md) ---
VARIABLES.update(_declare(FISCAL, [
    Variable("real_gdp_growth", ("year",), "1 per year", "real GDP growth",
             "Real GDP growth from the year before into this year."),
    Variable("inflation", ("year",), "1 per year", "consumer price inflation",
             "Inflation from the year before into this year."),
    Variable("nominal_gdp_growth", ("year",), "1 per year", "nominal GDP growth",
             "(1 + real_gdp_growth) x (1 + inflation) - 1: the g of the debt dynamics."),
    Variable("gdp_usd", ("year",), "USD", "nominal GDP in US dollars", "gdp / exchange_rate."),
    Variable("gdp_per_capita", ("year",), "{currency} per person", "GDP per capita",
             "gdp / population."),
    Variable("cost_pct_expenditure", YP, "1", "cost as a share of government expenditure",
             "cost / total government expenditure."),
    Variable("cost_per_capita", YP, "{currency} per person", "cost per capita",
             "cost / population (all residents, not beneficiaries)."),
    Variable("total_cost_pct_revenue", ("year",), "1", "total cost as a share of revenue",
             "total_cost / government revenue."),
    Variable("total_cost_pct_expenditure", ("year",), "1",
             "total cost as a share of government expenditure",
             "total_cost / total government expenditure."),
    Variable("total_cost_per_capita", ("year",), "{currency} per person",
             "total cost per capita", "total_cost / population."),
    Variable("envelope", ("year",), "{currency}", "fiscal envelope",
             "What the budget can carry for the programmes: envelope_pct_gdp x GDP or the "
             "declared amount."),
    Variable("envelope_headroom", ("year",), "{currency}", "room left in the envelope",
             "envelope - total_cost (negative: the package exceeds the envelope)."),
    Variable("cost_pct_envelope", YP, "1", "cost as a share of the envelope",
             "cost / envelope."),
    Variable("total_cost_pct_envelope", ("year",), "1", "total cost as a share of the envelope",
             "total_cost / envelope."),
    Variable("financing", ("year", "source"), "{currency}", "financing by source",
             "Each declared source's financing, nominal; a loan's is its disbursement minus "
             "its interest and repayments (negative once repayments exceed new borrowing)."),
    Variable("financing_pct_gdp", ("year", "source"), "1", "financing as a share of GDP",
             "financing / GDP."),
    Variable("total_financing", ("year",), "{currency}", "total financing",
             "Sum of financing over sources."),
    Variable("financing_gap", ("year",), "{currency}", "financing gap",
             "total_cost - total_financing (negative is a surplus)."),
    Variable("financing_gap_pct_gdp", ("year",), "1", "financing gap as a share of GDP",
             "financing_gap / GDP."),
    Variable("results_based_disbursement", ("year", "indicator"), "{currency}",
             "results-based disbursements",
             "Disbursement of each results-based indicator: once, lag_years after the first "
             "year its target is met."),
    Variable("results_based_trigger_month", ("indicator",), "months",
             "month the results-based target is met",
             "Months from January of start_year (0) to the month whose value completes the "
             "indicator's run of `months` consecutive months at or above target (the "
             "engine's months: a whole-year programme's caseload is the same in every "
             "month of a year, financing.monthly_path); for a yearly indicator, July (6) of the year it is "
             "met; NaN if never met by by_year."),
    Variable("loan_disbursement", ("year", "loan"), "{currency}", "loan disbursements",
             "Borrowed in the year, nominal."),
    Variable("loan_interest", ("year", "loan"), "{currency}", "loan interest",
             "rate x balance outstanding at the start of the year."),
    Variable("loan_principal", ("year", "loan"), "{currency}", "loan repayments",
             "Principal repaid: each disbursement in maturity - grace equal instalments after "
             "the grace years."),
    Variable("loan_outstanding", ("year", "loan"), "{currency}", "loan balance outstanding",
             "Balance at the end of the year: disbursed minus repaid so far."),
    Variable("debt_service", ("year",), "{currency}", "debt service of the scenario's loans",
             "Interest plus principal of the scenario's loans."),
    Variable("debt", ("year",), "{currency}", "public debt",
             "End of year: D_t = D_(t-1) + debt_interest_t - primary_balance_t; a positive gap "
             "is met by general borrowing at fiscal.interest_rate."),
    Variable("debt_pct_gdp", ("year",), "1", "public debt as a share of GDP",
             "d_t = d_(t-1) (1 + i_t) / (1 + g_t) - pb_t, with i_t the effective rate "
             "debt_interest_t / D_(t-1) and g_t nominal GDP growth."),
    Variable("debt_baseline", ("year",), "{currency}", "public debt without the scenario",
             "D0_t = D0_(t-1) - (revenue_t - expenditure_t)."),
    Variable("debt_baseline_pct_gdp", ("year",), "1",
             "public debt without the scenario, share of GDP", "debt_baseline / GDP."),
    Variable("debt_interest", ("year",), "{currency}", "interest on public debt",
             "interest_rate x the debt other than the scenario's loans at the end of the year "
             "before, plus loan_interest."),
    Variable("primary_balance", ("year",), "{currency}", "primary balance",
             "Baseline primary balance (revenue - expenditure + baseline interest) - total_cost "
             "+ financing other than loans."),
    Variable("primary_balance_pct_gdp", ("year",), "1", "primary balance as a share of GDP",
             "primary_balance / GDP (the pb of the debt dynamics)."),
    Variable("overall_balance", ("year",), "{currency}", "overall balance",
             "primary_balance - debt_interest (negative is a deficit)."),
    Variable("overall_balance_pct_gdp", ("year",), "1", "overall balance as a share of GDP",
             "overall_balance / GDP."),
]))

# --- economic returns (simulate/returns/, docs/returns.md) ------------------------------
# Money in constant start_year prices unless returns.prices = "nominal" (then the
# units read "{currency}"); the counted years and the discounting are attributes of
# npv, err, bcr and the PVs.
_RETURNS_MONEY = "{currency} of start_year"
#: months within the year (simulate/timing.py)
VARIABLES.update(_declare(COSTING, [
    Variable("beneficiary_months", YP, "person-months", "person-months paid",
             "Weighted months paid in the year, summed over beneficiaries (12 per beneficiary "
             "of a whole-year programme; household programmes count members)."),
    Variable("beneficiary_years", YP, "person-years", "person-years paid",
             "beneficiary_months / 12; equals beneficiaries for a whole-year programme."),
    Variable("eligible_months", YP, "person-months", "person-months eligible",
             "Weighted months in which persons meet the conditions (and are truly eligible), "
             "before roll-out, enrolment and take-up."),
    Variable("transfers_due", YP, "{currency}", "benefit due for the year's months",
             "Value of the months due in the year (accrual), nominal; transfers is the cash "
             "paid in the year, which differs with a payment cycle (a year's last cycle is "
             "paid in January of the next)."),
]))

RETURNS = "simulate/returns/__init__.py"
VARIABLES.update(_declare(RETURNS, [
    Variable("benefits", ("year", "channel"), _RETURNS_MONEY, "economic benefits by channel",
             "Economic benefit streams: declared streams, activity models, stunting_health, "
             "stunting_earnings, consumption_multiplier, avoided_mortality; every year of the "
             "scenario (NPV counts the first returns.horizon_years)."),
    Variable("economic_cost", ("year", "cost_item"), _RETURNS_MONEY, "economic costs by item",
             "Programme costs (cost / price_index x conversion factor), declared cost streams "
             "and activity models' costs, economic values."),
    Variable("net_benefits", ("year",), _RETURNS_MONEY, "net economic benefits",
             "Sum of benefits minus sum of economic_cost, every year of the scenario."),
    Variable("npv", ("sensitivity",), _RETURNS_MONEY, "net present value",
             "sum over the counted years of (benefits - costs) x (1 + r)^-k, k = year - "
             "start_year (k + 1 with returns.discount_first_year), for each sensitivity case."),
    Variable("err", ("sensitivity",), "1 per year", "economic rate of return",
             "The rate at which npv is 0; NaN when there is none or several (err_roots)."),
    Variable("err_roots", ("sensitivity",), "1", "number of rates of return",
             "How many rates make NPV zero (sign changes): err is defined only when 1.",
             dtype="int64"),
    Variable("bcr", ("sensitivity",), "1", "benefit-cost ratio",
             "PV of benefits / PV of costs; NaN when the PV of costs is 0."),
    Variable("pv_benefits", ("sensitivity",), _RETURNS_MONEY, "present value of benefits",
             "Discounted benefits over the counted years, for each sensitivity case."),
    Variable("pv_costs", ("sensitivity",), _RETURNS_MONEY, "present value of costs",
             "Discounted economic costs over the counted years, for each sensitivity case."),
    Variable("pv_benefits_by_channel", ("channel",), _RETURNS_MONEY,
             "present value of benefits by channel",
             "Discounted benefits of each channel over the counted years (base case)."),
    Variable("switching_value_costs", (), "1", "switching value of costs",
             "Relative change in costs that brings NPV to zero: NPV / PV(costs) (0.3 = "
             "costs +30 %)."),
    Variable("switching_value_benefits", (), "1", "switching value of benefits",
             "Relative change in benefits that brings NPV to zero: -NPV / PV(benefits) "
             "(-0.2 = benefits -20 %)."),
    Variable("stunting_covered_births", ("year",), "persons", "covered births",
             "Beneficiaries at birth of returns.stunting.programme: the cohort born in the "
             "year that the stunting channel follows."),
    Variable("stunting_prevalence_without", ("year",), "1",
             "stunting prevalence without the programme",
             "Prevalence of the cohort born in the year without the programme."),
    Variable("stunting_prevalence_with", ("year",), "1", "stunting prevalence with it",
             "Prevalence of the cohort born in the year with the programme."),
    Variable("stunting_cases_avoided", ("year",), "persons", "stunting cases avoided",
             "adoption x attribution x (without - with) x covered births of the cohort born "
             "in the year (0 before effect_starts)."),
]))


# --- fund capitalisation (simulate/fund/, docs/fund.md) ---------------------------------
# Balances are at the start of each year (before its flows); "_end" after the last year.
# The Monte Carlo's return paths lie on their own dimension, fund_draw (docs/fund.md).
_FY = ("year",)
FUND = "simulate/fund/"
TRANSITION = "simulate/transition.py"
PRESENT_VALUES = "simulate/present_values.py"
RISK = "simulate/uncertainty/risk.py"
VARIABLES.update(_declare(FUND, [
    Variable("fund_contributions", ("year", "fund_source"), "{currency}",
             "fund contributions by source",
             "Capitalisation flows into the fund at the start of each year, by source "
             "(declared sources; bond_proceeds = face x issue price), nominal."),
    Variable("fund_bill", _FY, "{currency}", "fund's bill",
             "What the fund is asked to pay: share x the programmes' cost, the declared "
             "amount, or share x the gap after the other amount sources (viability)."),
    Variable("fund_payout", _FY, "{currency}", "fund payout at expected returns",
             "What the fund pays in the year with returns at their mean: its bill while it "
             "can, or its rule's spending; the fund source of financing."),
    Variable("fund_balance_expected", _FY, "{currency}", "fund balance at expected returns",
             "Balance at the start of the year with returns at their mean."),
    Variable("fund_balance_expected_end", (), "{currency}",
             "fund balance at expected returns, end",
             "Balance after the last year with returns at their mean."),
    Variable("fund_return_expected", _FY, "1 per year", "expected nominal return net of fees",
             "(1 + mean return) (1 + inflation for real returns) (1 - fee) - 1."),
    Variable("fund_bond_coupon", _FY, "{currency}", "bond coupons",
             "Coupons of the fund's bonds due in the year (by the fund or the budget)."),
    Variable("fund_bond_principal", _FY, "{currency}", "bond principal repaid",
             "Face value of the fund's bonds repaid in the year."),
    Variable("fund_bond_outstanding", _FY, "{currency}", "bonds outstanding",
             "Face value of the fund's bonds outstanding at the end of the year."),
    Variable("fund_bond_service", _FY, "{currency}", "bond service paid by the fund",
             "Coupons and principal of bonds with serviced_by = fund, paid out of the fund."),
    Variable("fund_bond_service_budget", _FY, "{currency}", "bond service paid by the budget",
             "Coupons and principal of bonds with serviced_by = budget (in the debt path)."),
    Variable("fund_payg_cost_rate", _FY, "1", "pay-as-you-go cost rate",
             "fund_bill / contribution base (default GDP): the contribution rate that "
             "pays the year's bill without a fund."),
    Variable("fund_capital", (), "{currency}", "fund capital of the fiscal path",
             "initial_capital, or (not given) the capital required with returns at their "
             "mean: the capital of fund_balance_expected and the fund source."),
    Variable("fund_required_capital_deterministic", (), "{currency}",
             "required capital with certain returns",
             "max(0, max over T of sum_{t<=T} (P[t] - C[t]) / D[t]) with the expected "
             "factors: the capital that pays every bill if returns equal their mean."),
    Variable("fund_general_average_premium", (), "1", "general average premium",
             "(PV of the fund's outflows - PV of contributions - reserve) / PV of the "
             "contribution base, discounted at the expected return; reserve = "
             "initial_capital (0 when not given): the level rate on the base that, with "
             "the reserve, pays every outflow up to the horizon in present value."),
    Variable("fund_balance", ("year", "fund_draw"), "{currency}", "fund balance",
             "Balance at the start of the year on each return path (Monte Carlo), with "
             "fund_simulated_capital; negative after depletion (the shortfall carried at "
             "the path's return)."),
    Variable("fund_balance_end", ("fund_draw",), "{currency}", "fund balance, end",
             "Balance after the last year on each return path."),
    Variable("fund_balance_percentile", ("year", "fund_percentile"), "{currency}",
             "percentiles of the fund balance", "Percentiles of fund_balance over the paths."),
    Variable("fund_balance_end_percentile", ("fund_percentile",), "{currency}",
             "percentiles of the end balance", "Percentiles of fund_balance_end."),
    Variable("fund_depletion_probability", _FY, "1", "probability of depletion by the year",
             "Share of paths on which B + C - P < 0 in this year or before."),
    Variable("fund_depletion_probability_horizon", (), "1",
             "probability of depletion within the horizon",
             "Share of paths depleted in some year of the scenario."),
    Variable("fund_depletion_year", ("fund_draw",), "year", "first year of depletion",
             "First year with B + C - P < 0 on the path; NaN when never."),
    Variable("fund_path_required_capital", ("fund_draw",), "{currency}",
             "smallest solvent capital of each path",
             "Bill rule: max(0, max_T sum_{t<=T} (P - C) / D) on the path's returns; spending "
             "rules: the smallest capital whose spending covers the bill every year."),
    Variable("fund_simulated_capital", (), "{currency}", "capital of the simulated paths",
             "initial_capital, or (not given) fund_required_capital."),
    Variable("fund_required_capital", (), "{currency}", "required capital",
             "Smallest initial capital solvent in every year with probability "
             "fund.target_probability: that quantile of fund_path_required_capital "
             "(inverted CDF: at least that share of paths is solvent)."),
    Variable("fund_required_capital_by_probability", ("fund_probability",), "{currency}",
             "required capital by probability",
             "fund_required_capital at each probability of fund_probability."),
    Variable("fund_level_contribution", (), "{currency} per year", "level contribution",
             "Smallest constant nominal contribution added every year that keeps the fund "
             "solvent with probability target_probability given initial_capital (none "
             "when not given) (bill rule; NaN for spending rules)."),
    Variable("fund_sustainable_payout_share", (), "1", "largest sustainable payout share",
             "Largest multiple of the bill (1 = all of it) the fund pays every year with "
             "probability target_probability given initial_capital (none when not given) "
             "and its contributions (bill rule; NaN for spending rules)."),
    Variable("fund_probability_real_balance_below", (), "1",
             "probability of a real drawdown",
             "Share of paths whose real balance (start_year prices) falls below "
             "downside.balance_share x the capital within downside.within_years."),
    Variable("fund_probability_spending_drop", (), "1", "probability of a spending cut",
             "Share of paths on which real payout falls by more than downside.spending_drop "
             "from one year to the next."),
]))
# caseload transition ([transition], simulate/transition.py, docs/iraq.md)
VARIABLES.update(_declare(TRANSITION, [
    Variable("transition_households", ("year", "funnel_stage"), "households",
             "households in each stage of the transition funnel",
             "End-of-year stocks of the humanitarian caseload: not_referred, waiting_list, "
             "gap, enrolled, not_eligible, exited (they add up to the initial caseload)."),
    Variable("transition_flows", ("year", "funnel_flow"), "households per year",
             "households through each step of the funnel in the year",
             "left_humanitarian, documented, referred, reassessed, passed, failed, enrolled."),
    Variable("transition_gap", ("year",), "households",
             "households between humanitarian cash and the national programme",
             "Households that passed the ministry's re-assessment and left humanitarian cash "
             "but are not yet paid by the national programme (end of year)."),
    Variable("transition_humanitarian_eligible", ("year",), "households",
             "households eligible for humanitarian cash",
             "The initial caseload less the humanitarian exits; independent of consent and "
             "referral."),
    Variable("transition_humanitarian_receiving", ("year",), "households",
             "households receiving humanitarian cash",
             "Humanitarian-eligible households not enrolled in the national programme."),
    Variable("transition_capacity", ("year",), "households per year",
             "absorption capacity of the national programme",
             "Households the national programme can enrol in the year."),
    Variable("transition_cost", ("year", "payer"), "{currency}",
             "cost of the transitioning caseload by payer",
             "humanitarian: households receiving humanitarian cash x its value x 12; "
             "government: enrolled households x the national (or, aligned, the "
             "humanitarian) value x 12; indexed to the CPI, nominal."),
    Variable("transition_cost_share", ("year", "payer"), "1",
             "share of the caseload's cost by payer", "transition_cost / its sum over payers."),
    Variable("transition_reassessment_pass", (), "1", "re-assessment pass rate",
             "Share of the referred households found eligible by the national programme's "
             "assessment (given, or from the two targeting tests on the population)."),
    Variable("pmt_overlap", ("factor_from", "factor_to", "overlap_status"), "households",
             "households by the two targeting tests",
             "First-year households eligible for both programmes (categorical conditions "
             "and targeting test, without errors, roll-out or take-up), only the "
             "humanitarian one (from_only), only the national one (to_only) or neither, "
             "with each targeting threshold scaled by factor_from / factor_to."),
]))
# totals (simulate/costing.py) and present values (every run; docs/sensitivity.md)
VARIABLES.update(_declare(PRESENT_VALUES, [
    Variable("total_cost_real", ("year",), "{currency} of start_year",
             "total cost, constant prices", "total_cost deflated by the consumer price "
             "index (start_year = 1).", module=COSTING),
    Variable("total_cost_usd", ("year",), "USD", "total cost in US dollars",
             "total_cost / exchange_rate of the year.", module=COSTING),
    Variable("total_cost_pv", (), "{currency}", "present value of the total cost",
             "Sum of total_cost_t (1 + r)^-(t - start_year), r the discount_rate attribute "
             "(returns.discount_rate, else sensitivity.discount_rate)."),
    Variable("financing_gap_pv", (), "{currency}", "present value of the financing gap",
             "Sum of financing_gap_t (1 + r)^-(t - start_year), r as total_cost_pv."),
]))
# risk outputs of a run with draws (simulate/uncertainty/risk.py)
VARIABLES.update(_declare(RISK, [
    Variable("exceedance_probability", ("risk", "year"), "1", "exceedance probability",
             "Share of the draws in which the risk's output is beyond its threshold "
             "(cost above the envelope, gap above zero, debt above a ceiling, ...)."),
    Variable("exceedance_probability_se", ("risk", "year"), "1",
             "standard error of the exceedance probability",
             "Monte Carlo standard error sqrt(p (1 - p) / n) of exceedance_probability."),
    Variable("expected_excess", ("risk", "year"), "as the risk's output (risk_units)",
             "expected excess over the threshold",
             "Mean over the draws of max(output - threshold, 0) (threshold - output for a "
             "risk below)."),
    Variable("expected_shortfall", ("risk", "year"), "as the risk's output (risk_units)",
             "expected shortfall", "Mean of the output over the draws beyond its "
             "percentile attribute (upper tail for a risk above, lower tail below)."),
    Variable("probability_npv_negative", (), "1", "probability that the NPV is negative",
             "Share of the draws whose base-case NPV is below zero."),
]))


# the draws of a run with [uncertainty] (simulate/uncertainty/runner.py, docs/uncertainty.md)
VARIABLES.update(_declare("simulate/uncertainty/runner.py", [
    Variable("parameter_value", ("draw", "parameter"), "as the scenario key",
             "Value drawn for each uncertain parameter (NaN for a text, list or table "
             "value; see parameter_text)",
             "Each draw's value of each key path of [uncertainty] (a key a draw does not set "
             "keeps the scenario's value: NaN here)."),
    Variable("parameter_text", ("draw", "parameter"), "as the scenario key",
             "Value drawn for each uncertain parameter, as text",
             "Present when some drawn value is not a number.", dtype="object"),
    Variable("path_value", ("draw", "path", "year"), "as the scenario key",
             "Each draw's value of each yearly stochastic path ([uncertainty.paths])",
             "The yearly values of each [uncertainty.paths] key in each draw."),
]))


def units_of(name: str, currency: str = "", nominal: bool = False) -> str:
    """The units of variable ``name``: ``{currency}`` filled in; with ``nominal`` (the
    returns in current prices, ``returns.prices = "nominal"``) without "of start_year"."""
    units = VARIABLES[name].units.replace("{currency}", currency)
    return units.replace(" of start_year", "") if nominal else units


def attributes(name: str, currency: str = "") -> dict[str, Any]:
    """The registry's attributes of variable ``name``: units, long_name, description."""
    spec = VARIABLES[name]
    return {"units": units_of(name, currency), "long_name": spec.long_name,
            "description": spec.description}


def variable(name: str, values: Any, currency: str = "") -> xr.Variable:
    """Variable ``name`` with the registry's dims, units (``{currency}`` filled in),
    long name and description."""
    spec = VARIABLES[name]
    return xr.Variable(spec.dims, np.asarray(values, dtype=spec.dtype),
                       attrs=attributes(name, currency))


# --- the reference (docs/results.md, generated) -----------------------------------------

#: dimensions and coordinates of the Dataset, in the reference's order
DIMENSIONS: dict[str, str] = {
    "year": "calendar years start_year..end_year",
    "programme": "the programme names of the scenario; coordinates `programme_label`, "
                 "`programme_component` (regular, shock_vertical, shock_horizontal) and "
                 "`programme_parent` (the programme a shock response expands) on it",
    "component": "regular, shock_vertical, shock_horizontal (docs/methods.md, "
                 "\"Shock-responsive expansion\")",
    "decile, quintile": "1 = poorest, by household welfare in the population's first year "
                        "(present when the population has welfare)",
    "stage": "`before`, `after` transfers",
    "combination, status": "combinations of programmes (`mecg+gmi`, `(none)`) and "
                           "`eligible`, `receiving`",
    "sex, age": "`male`, `female`; 0..100 (100 = 100+)",
    "source": "with `[fiscal.financing]`: the declared sources, with `source_label` "
              "(docs/fiscal.md)",
    "loan, indicator": "the scenario's loans (`concessional`, `market`) and results-based "
                       "indicators",
    "funnel_stage, funnel_flow, payer, overlap_status, factor_from, factor_to":
        "with `[transition]` (docs/iraq.md)",
    "channel, cost_item, sensitivity": "with `[returns]`: benefit streams, cost items, "
                                       "sensitivity cases (`base` first; docs/returns.md)",
    "fund_source, fund_draw, fund_percentile, fund_probability":
        "with `[fund]`: contribution sources, the return paths of the fund's Monte Carlo "
        "(a dimension of their own, so that a run without `[uncertainty]` has no `draw`; "
        "with `[uncertainty]` the coordinate `fund_cost_draw` gives the cost draw each "
        "path is paired with), percentiles, probabilities (docs/fund.md)",
    "risk": "with draws and a declared threshold: the risks, with `risk_units`",
    "draw, parameter, path": "with `[uncertainty]`: every variable of a run also has `draw` "
                             "(0 .. draws-1, first); `parameter` holds the drawn key "
                             "paths, `path` the yearly stochastic paths "
                             "(docs/uncertainty.md)",
}

#: the reference's sections: the module that computes the variables, title and notes
SECTIONS: dict[str, tuple[str, str]] = {
    COSTING: ("Costing, targeting, poverty and population",
              "Every run: the kernel's totals, administration cost and their ratios; the "
              "decile, quintile and poverty variables when the population has welfare "
              "(poverty: unless `[outputs] poverty = false`); `overlap` with up to 12 "
              "programmes (unless `[outputs] overlap = false`)."),
    FISCAL: ("Fiscal space and financing",
             "Which appear depends on what the scenario declares (an envelope, "
             "`[fiscal.financing]`, loans, `fiscal.debt_pct_gdp`; docs/fiscal.md). With a "
             "debt path the Dataset attribute `debt_initial` is the debt at the end of "
             "start_year - 1."),
    TRANSITION: ("Caseload transition",
                 "With a `[transition]` table (docs/iraq.md); attributes `transition_from`, "
                 "`transition_to`, `transition_aligned`, `transition_humanitarian_value`, "
                 "`transition_national_value`."),
    PRESENT_VALUES: ("Present values",
                     "With returns.discount_rate or sensitivity.discount_rate "
                     "(docs/sensitivity.md); each has the attribute `discount_rate`."),
    RETURNS: ("Economic returns",
              "With a `[returns]` table (docs/returns.md). Money in constant start_year "
              "prices; with `returns.prices = \"nominal\"` in current prices (the units "
              "then read `{currency}`). npv, err, bcr, the PVs and the switching values "
              "have the attributes `discount_rate`, `years_counted`, "
              "`discount_first_year` and `prices`; err has `several_rates` when a case "
              "has more than one."),
    FUND: ("Fund capitalisation",
           "With a `[fund]` table (docs/fund.md). Money is nominal; balances are at the "
           "start of each year (before its flows). Variables by year come from the fund's "
           "flows and its path with returns at their mean (and get `draw` with "
           "`[uncertainty]`); variables on `fund_draw` come from the Monte Carlo over "
           "return paths and are in results.nc only (the tables show their percentiles "
           "and probabilities). Attributes: `fund_paths`, `fund_seed`, "
           "`fund_target_probability`, `fund_rule`, `fund_pays`, `fund_capital_solved`."),
    RISK: ("Risk",
           "Runs with draws and a declared threshold (an envelope, a gap, a debt ceiling, "
           "`[[uncertainty.risk.thresholds]]`; docs/sensitivity.md); "
           "`probability_npv_negative` with `[returns]`."),
    "simulate/uncertainty/runner.py": ("Draws",
                                       "With `[uncertainty]` (docs/uncertainty.md)."),
}

#: the line after which docs/results.md is generated
MARKER = ("<!-- Generated from the registry (simulate/variables.py) by "
          "`python -m simulate.variables docs/results.md`: edit the registry, not below. -->")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference_markdown() -> str:
    """The variable reference (Markdown): dimensions, then every registered variable by
    the module that computes it, with dims, units, long name and definition."""
    lines = ["## Dimensions", "", "| dimension | what |", "|---|---|"]
    lines += [f"| {', '.join(f'`{d}`' for d in dims.split(', '))} | {_cell(text)} |"
              for dims, text in DIMENSIONS.items()]
    lines += ["", "## Variables", "",
              "Every variable has the attributes `units`, `long_name` and `description` "
              "(from this registry; `{currency}` is the scenario's currency; money is "
              "nominal unless the units say otherwise; shares are fractions, unit `1`). "
              "A variable is added by its registry entry in `simulate/variables.py` and "
              "the code that computes it (the module named in each section); this page "
              "is generated from the registry.", ""]
    missing = sorted({v.module for v in VARIABLES.values()} - set(SECTIONS))
    if missing:  # a bug in the registry, not bad input
        raise AssertionError(f"no reference section for the modules {missing}")
    for module, (title, notes) in SECTIONS.items():
        rows = [v for v in VARIABLES.values() if v.module == module]
        lines += [f"### {title}", "", f"Computed by `{module}`. {notes}", "",
                  "| variable | dims | units | name | definition |", "|---|---|---|---|---|"]
        lines += [f"| `{v.name}` | {', '.join(v.dims) or '()'} | {_cell(v.units)} | "
                  f"{_cell(v.long_name)} | {_cell(v.description)} |" for v in rows]
        lines.append("")
    return "\n".join(lines)


def document(text: str) -> str:
    """``text`` (docs/results.md) with everything after :data:`MARKER` regenerated."""
    if MARKER not in text:
        raise ValueError(f"the marker line is missing: {MARKER}")
    return text[:text.index(MARKER) + len(MARKER)] + "\n\n" + reference_markdown()


def main(argv: list[str]) -> int:
    """``python -m simulate.variables [FILE]``: print the reference, or regenerate the
    part of FILE (docs/results.md) after its marker line."""
    if not argv:
        print(reference_markdown(), end="")
        return 0
    from pathlib import Path

    path = Path(argv[0])
    try:
        new = document(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: {path}: {exc}")
        return 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
