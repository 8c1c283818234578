"""The registry of result variables: name, dimensions, units and meaning.

Every variable of the Dataset that :func:`simulate.run` returns is declared
here; ``costing`` builds the Dataset from this registry and attaches ``units``
and ``long_name`` to each variable (``{currency}`` in a unit is the scenario's
currency). Shares are fractions (0.01 = 1 %), with unit ``"1"``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """A result variable: its dimensions, unit, short label and definition."""

    name: str
    dims: tuple[str, ...]
    units: str
    long_name: str
    description: str


YP = ("year", "programme")

VARIABLES: dict[str, Variable] = {v.name: v for v in [
    Variable("eligible", YP, "persons", "eligible persons",
             "Weighted persons meeting the eligibility conditions (and, with poverty targeting, "
             "truly poor) in the year."),
    Variable("beneficiaries", YP, "persons", "beneficiaries",
             "Weighted persons receiving the benefit in the year (a once-only benefit counts "
             "people in the year they are paid)."),
    Variable("beneficiaries_at_birth", YP, "persons", "beneficiaries in their year of birth",
             "Beneficiaries aged 0 (born in the year): a birth cohort's covered children, "
             "followed by the stunting channel."),
    Variable("coverage", YP, "1", "beneficiaries / eligible",
             "Share of the eligible who receive the benefit; inclusion errors can raise it "
             "above take-up x roll-out; NaN when nobody is eligible."),
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
]}
