"""The keys of ``[returns]`` (economic returns: discounting, cost and benefit streams,
activity models, channels; docs/returns.md): all parameters, read after the projection.
The checks of [returns] against the programmes and the horizon live with the returns
settings (:mod:`simulate.returns.settings`), which the tornado re-runs per bar."""

from __future__ import annotations

from ..specs import (
    REQUIRED,
    Boolean,
    Identifiers,
    ListOf,
    MapOf,
    Number,
    Range,
    Table,
    Text,
    Values,
)
from .programmes import SHARE

STREAM = Table(
    description="A declared yearly stream of economic costs or benefits.",
    fields={
        "name": Text(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", default=REQUIRED,
                     description="Name of the stream (a benefit stream is a channel of the "
                     "results)."),
        "kind": Text(choices=("cost", "benefit"), default=REQUIRED,
                     description="Whether the stream is a cost or a benefit."),
        "values": Values(
            by_year=True, default=REQUIRED, unit="currency per year",
            description="Financial amounts, one a year from `start` (a list), or a table "
            "year = amount; in start_year prices unless `prices` says otherwise.",
        ),
        "start": Number(min=1950, max=2300, integer=True, default=None, unit="year",
                        description="Year of the first value of a list (default start_year)."),
        "conversion_factor": Number(
            min=0, default=1.0, unit="1",
            description="Economic conversion factor: economic value / financial value (taxes "
            "and transfers removed; 0 for pure transfers such as interest).",
        ),
        "foreign_exchange_share": Number(
            **SHARE, default=0.0,
            description="Share of the value that is traded (valued at the shadow exchange "
            "rate).",
        ),
        "prices": Text(choices=("constant", "nominal"), default="constant",
                       description='"constant": start_year prices; "nominal": current '
                       "prices (deflated by the scenario's CPI)."),
    },
)

ACTIVITY = Table(
    description="An activity model: one unit's incremental costs and benefits over its life, "
    "times the units entering each year.",
    fields={
        "unit_costs": Values(
            default=(0.0,), unit="currency per unit per year",
            description="Incremental cost of one unit in each year of its life (the first "
            "value in the year it enters), start_year prices.",
        ),
        "unit_benefits": Values(
            default=(0.0,), unit="currency per unit per year",
            description="Incremental benefit of one unit in each year of its life, start_year "
            "prices.",
        ),
        "units": Values(
            min=0, by_year=True, default=REQUIRED, unit="units per year",
            description="Phasing: units entering each year, a list from `start` or a table "
            "year = units.",
        ),
        "start": Number(min=1950, max=2300, integer=True, default=None, unit="year",
                        description="Year of the first value of `units` (default start_year)."),
        "success_rate": Number(
            **SHARE, default=1.0,
            description="Share of units that succeed: the number of units aggregated (their "
            "costs and benefits) is units x success_rate.",
        ),
        "outreach": Number(
            **SHARE, default=1.0,
            description="Share of the potential beneficiaries of a unit who benefit (scales "
            "benefits only).",
        ),
        "cost_conversion_factor": Number(min=0, default=1.0, unit="1",
                                         description="Economic conversion factor of costs."),
        "benefit_conversion_factor": Number(min=0, default=1.0, unit="1",
                                            description="Economic conversion factor of "
                                            "benefits."),
        "foreign_exchange_share": Number(**SHARE, default=0.0,
                                         description="Traded share of costs and benefits."),
    },
)

RETURNS = Table(
    role="parameter",
    default=None,
    description="Economic returns: discounting, cost and benefit streams, channels "
    "(docs/returns.md).",
    fields={
        "discount_rate": Number(
            min=0, max=1, default=REQUIRED, unit="1 per year",
            description="Discount rate r: the flow of year index k = year - start_year is "
            "discounted by (1 + r)^-k.",
        ),
        "horizon_years": Number(
            min=1, max=300, integer=True, default=None, unit="years",
            description="Years counted in NPV, ERR and BCR from start_year (default: every "
            "year of the scenario); streams are computed for every year.",
        ),
        "discount_first_year": Boolean(
            default=False,
            description="true: discount the first year too, (1 + r)^-(k+1) (Excel's NPV).",
        ),
        "prices": Text(
            choices=("constant", "nominal"), default="constant",
            description='"constant": economic values in start_year prices (programme costs '
            'deflated by the CPI); "nominal": current prices.',
        ),
        "shadow_exchange_rate_factor": Number(
            min=0, min_open=True, default=1.0, unit="1",
            description="Shadow exchange rate / official exchange rate, applied to the traded "
            "share of each stream: value x (1 + share x (factor - 1)).",
        ),
        "costs": Table(
            default={},
            description="The programmes' costs from the costing, as economic costs.",
            fields={
                "programmes": Identifiers(
                    default=None,
                    description="Programmes whose cost counts (default: all; [] for none).",
                ),
                "conversion_factor": Number(min=0, default=1.0, unit="1",
                                            description="Economic conversion factor of "
                                            "programme costs."),
                "foreign_exchange_share": Number(**SHARE, default=0.0,
                                                 description="Traded share of programme "
                                                 "costs."),
            },
        ),
        "streams": ListOf(
            item=STREAM, default=(),
            description="Declared cost and benefit streams ([[returns.streams]]).",
        ),
        "activities": MapOf(
            value=ACTIVITY, default=None,
            description="Activity models, each under its own name (the name of its benefit "
            "channel).",
        ),
        "stunting": Table(
            default=None,
            description="The stunting channel: avoided stunting among the covered births of a "
            "programme -> health-cost savings and adult earnings.",
            fields={
                "programme": Text(default=REQUIRED,
                                  description="Programme whose beneficiaries at birth are the "
                                  "covered children."),
                "baseline_prevalence": Number(**SHARE, default=REQUIRED,
                                              description="Stunting prevalence of the cohort "
                                              "born in start_year."),
                "decline_per_year": Table(
                    default=REQUIRED,
                    description="Decline of prevalence per birth year, with and without the "
                    "programme.",
                    fields={
                        "with": Number(min=0, max=1, default=REQUIRED, unit="1 per year",
                                       description="Yearly decline with the programme."),
                        "without": Number(min=0, max=1, default=REQUIRED, unit="1 per year",
                                          description="Yearly decline without it."),
                        "kind": Text(choices=("relative", "points"), default="relative",
                                     description='"relative": baseline x (1 - d)^k; '
                                     '"points": max(0, baseline - d x k).'),
                    },
                ),
                "adoption": Number(**SHARE, default=1.0,
                                   description="Share of covered households that adopt the "
                                   "practices."),
                "attribution": Number(**SHARE, default=1.0,
                                      description="Share of the effect attributed to this "
                                      "project when several share it."),
                "effect_starts": Number(min=1950, max=2300, integer=True, default=None,
                                        unit="year",
                                        description="First birth year whose cohort benefits "
                                        "(default start_year)."),
                "health_cost_year": Table(
                    default=None,
                    description="Yearly health costs of a child, stunted and not, at ages "
                    "lo <= age < hi.",
                    fields={
                        "stunted": Number(min=0, default=REQUIRED,
                                          unit="currency per child per year",
                                          description="Health cost of a stunted child."),
                        "not_stunted": Number(min=0, default=REQUIRED,
                                              unit="currency per child per year",
                                              description="Health cost of a child not "
                                              "stunted."),
                        "ages": Range(min=0, default=(0.0, 2.0), unit="years",
                                      description="Ages [lo, hi) with these costs."),
                    },
                ),
                "adult_earnings_year": Number(min=0, default=None,
                                              unit="currency per person per year",
                                              description="Yearly earnings of an adult who was "
                                              "not stunted (start_year)."),
                "earnings_penalty": Number(**SHARE, default=None,
                                           description="Share of earnings lost by an adult who "
                                           "was stunted."),
                "earnings_start_age": Number(min=0, max=100, integer=True, default=15,
                                             unit="years",
                                             description="Age from which earnings count."),
                "earnings_end_age": Number(min=1, max=101, integer=True, default=None,
                                           unit="years",
                                           description="Age from which earnings no longer "
                                           "count (default: none)."),
                "real_earnings_growth": Number(min=-0.5, max=0.5, default=0.0,
                                               unit="1 per year",
                                               description="Real growth of earnings a year "
                                               "from start_year."),
            },
        ),
        "consumption_multiplier": Table(
            default=None,
            description="Local-economy income generated by the programmes' transfers.",
            fields={
                "multiplier": Number(min=0, max=10, default=REQUIRED, unit="1",
                                     description="Local income generated per unit "
                                     "transferred, the transfer included (e.g. 1.5)."),
                "programmes": Identifiers(default=None,
                                          description="Programmes whose transfers count "
                                          "(default: all)."),
                "count_transfer": Boolean(default=True,
                                          description="true: benefit = multiplier x "
                                          "transfers; false: (multiplier - 1) x transfers "
                                          "(only the spill-over)."),
            },
        ),
        "mortality": Table(
            default=None,
            description="Avoided deaths among a programme's beneficiaries, valued at a "
            "declared value.",
            fields={
                "programme": Text(default=REQUIRED,
                                  description="Programme whose beneficiaries are counted."),
                "deaths_avoided_per_beneficiary": Number(
                    **SHARE, default=REQUIRED,
                    description="Deaths avoided per beneficiary-year (e.g. 0.002).",
                ),
                "value_per_death_avoided": Number(
                    min=0, default=REQUIRED, unit="currency",
                    description="Value of a death avoided (e.g. a value of a statistical "
                    "life), start_year prices.",
                ),
            },
        ),
    },
)

checks = ()
