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
