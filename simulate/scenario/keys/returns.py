"""The keys of ``[returns]`` (economic returns: discounting, cost and benefit streams,
activity models, channels; docs/returns.md): all parameters, read after the projection;
and the checks of [returns] (with [sensitivity]'s cases and tornado parameters)
against the programmes and the scenario's years (:func:`check_returns`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import Problem, ScenarioError, did_you_mean
from ..specs import (
    REQUIRED,
    Boolean,
    Context,
    Identifiers,
    ListOf,
    MapOf,
    Number,
    Range,
    Table,
    Text,
    Values,
    reads,
)
from .programmes import SHARE

#: channel names of the built-in channels
STUNTING_HEALTH = "stunting_health"
STUNTING_EARNINGS = "stunting_earnings"
MULTIPLIER = "consumption_multiplier"
MORTALITY = "avoided_mortality"
BUILT_IN_CHANNELS = (STUNTING_HEALTH, STUNTING_EARNINGS, MULTIPLIER, MORTALITY)
#: pseudo-parameters of the tornado that scale the flows
FLOW_PARAMETERS = ("costs", "benefits")

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

def _by_year(ctx: Context, key: str, values: Any, start: int | None, first_year: int,
             last_year: int) -> None:
    """A list of values from ``start`` must fit in the scenario's years (a table
    year = value may name any year: those outside are a warning, docs/validation.md)."""
    if isinstance(values, Mapping):
        return
    first = first_year if start is None else start
    if first < first_year or first > last_year:
        ctx.bad(key.rpartition(".")[0] + ".start",
                f"a year in {first_year}..{last_year} (the scenario's years)", first, raw=True)
        return
    room = last_year - first + 1
    if len(values) > room:
        ctx.bad(key, f"at most {room} values (one a year, {first}..{last_year})",
                f"{len(values)} values", raw=True)


@reads("scenario", "programmes", "returns", "sensitivity")
def check_returns(v: Mapping[str, Any], ctx: Context, programmes: Sequence[Any]) -> None:
    """[returns] and [sensitivity] against the whole scenario: programme names (shock
    responses included), years inside the scenario, stream lengths, names used twice,
    the tornado's parameters (docs/returns.md)."""
    r = v.get("returns")
    sens = v.get("sensitivity")
    ids = [p.id for p in programmes]

    def programme(key: str, name: str) -> None:
        if name not in ids:
            ctx.bad(key, "a programme of the scenario", repr(name), did_you_mean(name, ids),
                    raw=True)

    if not r:
        # [sensitivity] without [returns] serves spsim sensitivity --output; only the
        # cases (as written) and the flows' factors need returns
        flows = set(sens.get("parameters") or {}) & set(FLOW_PARAMETERS) if sens else set()
        if sens and (flows or "cases" in ((ctx.given or {}).get("sensitivity") or {})):
            ctx.problems.append(Problem(ctx.origin("sensitivity"), "returns", "a [returns] "
                                        "table (sensitivity cases need economic returns)",
                                        "nothing"))
        return
    s = v["scenario"]
    start, end = s["start_year"], s["end_year"]
    n_years = end - start + 1
    horizon = r["horizon_years"] or n_years
    if horizon > n_years:
        ctx.bad("returns.horizon_years", f"at most {n_years} (the years {start}..{end} of the "
                "scenario)", horizon, raw=True)
    costs = r["costs"] or {}
    cost_progs = costs.get("programmes")
    if cost_progs is None:
        cost_progs = tuple(ids)
    for i, pid in enumerate(cost_progs):
        programme(f"returns.costs.programmes[{i}]", pid)
    if len(set(cost_progs)) != len(cost_progs):
        ctx.bad("returns.costs.programmes", "each programme once", list(cost_progs), raw=True)
    stream_names = []
    for i, st in enumerate(r["streams"] or ()):
        _by_year(ctx, f"returns.streams[{i}].values", st["values"], st["start"], start, end)
        stream_names.append(st["name"])
    activities = r["activities"] or {}
    for name, a in activities.items():
        _by_year(ctx, f"returns.activities.{name}.units", a["units"], a["start"], start, end)
    names: dict[str, str] = {}
    reserved = {**{pid: "a programme" for pid in ids},
                **{ch: "a built-in channel" for ch in BUILT_IN_CHANNELS}}
    for i, name in enumerate(stream_names):
        taken = names.get(name) or reserved.get(name)
        if taken:
            ctx.bad(f"returns.streams[{i}].name", f"a name not used by {taken}", repr(name),
                    raw=True)
        names[name] = "another stream"
    for name in activities:
        taken = names.get(name) or reserved.get(name)
        if taken:
            ctx.bad(f"returns.activities.{name}", f"a name not used by {taken}", repr(name),
                    raw=True)
        names[name] = "a stream"
    st = r["stunting"]
    if st is not None:
        key = "returns.stunting"
        programme(f"{key}.programme", st["programme"])
        effect = st["effect_starts"] if st["effect_starts"] is not None else start
        if not start <= effect <= end:
            ctx.bad(f"{key}.effect_starts", f"a year in {start}..{end} (the scenario's years)",
                    effect, raw=True)
        if st["health_cost_year"] is None and st["adult_earnings_year"] is None:
            ctx.bad(key, "health_cost_year or adult_earnings_year (a channel to value)",
                    "neither", raw=True)
        if (st["adult_earnings_year"] is None) != (st["earnings_penalty"] is None):
            missing = "earnings_penalty" if st["earnings_penalty"] is None else \
                "adult_earnings_year"
            ctx.bad(f"{key}.{missing}", "a value (adult_earnings_year and earnings_penalty go "
                    "together)", "nothing", raw=True)
        end_age = st["earnings_end_age"]
        if end_age is not None and end_age <= st["earnings_start_age"]:
            ctx.bad(f"{key}.earnings_end_age",
                    f"an age > earnings_start_age ({st['earnings_start_age']})", end_age,
                    raw=True)
    m = r["consumption_multiplier"]
    if m is not None:
        progs = m["programmes"]
        for i, pid in enumerate(ids if progs is None else progs):
            programme(f"returns.consumption_multiplier.programmes[{i}]", pid)
    mo = r["mortality"]
    if mo is not None:
        programme("returns.mortality.programme", mo["programme"])
    declared = dict(sens["parameters"] or {}) if sens else {}
    for path in declared:
        if path in FLOW_PARAMETERS:
            continue
        if path.split(".")[0] not in v:  # a typo in the first part
            ctx.bad(f"sensitivity.parameters.{path}", "a scenario key path or "
                    "'costs'/'benefits'", repr(path),
                    did_you_mean(path.split(".")[0], [*v, *FLOW_PARAMETERS]), raw=True)


#: the cross-key checks of [returns] and [sensitivity]: ``check(v, ctx, programmes)``
checks = (check_returns,)


@reads("sensitivity.parameters")
def check_tornado(scenario: Any, ctx: Context, variant: Any) -> None:
    """Each declared tornado parameter (``[sensitivity.parameters]``, with [returns]) is
    valid at its low and at its high value: the scenario built with it set (``costs``
    and ``benefits`` scale the flows: nothing to build). Keys only; it builds variants,
    so it runs on the built Scenario, and a variant that leaves the declaration as it
    was (a tornado bar, a draw) keeps the verdict. Problems name
    ``sensitivity.parameters.<key>``."""
    if not scenario.section("returns"):
        return
    declared = (scenario.section("sensitivity") or {}).get("parameters") or {}
    for path, pair in declared.items():
        if path in FLOW_PARAMETERS:
            continue
        for value in pair:
            try:
                variant(scenario, {path: value}, "sensitivity.parameters")
            except ScenarioError as exc:
                ctx.problems.extend(p for p in exc.problems if p not in ctx.problems)


#: checks that build variants of the built Scenario: ``check(scenario, ctx, variant)``
variant_checks = (check_tornado,)
