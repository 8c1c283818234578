"""The keys of ``[programmes.<name>]``: one benefit programme each (who is eligible,
what they receive, take-up, targeting, roll-out, shock response, months, administration),
and the checks across them.

Roles: a programme's figures are parameters (a draw reuses the population and the rule
tables); what decides who can be a beneficiary (unit, eligibility, benefit type and
period, income columns, targeting method and PMT formula, take-up groups, months) is
structure. A key declared with ``kernel=Kernel(...)`` becomes a per-draw parameter
table of the projection kernel (``programmes/rules.py`` builds it from the declaration;
see :class:`simulate.scenario.typed.Kernel`). :data:`THRESHOLDS` are parameters that
become structure when a programme's eligibility tests another's targeting (a shock
response's horizontal expansion).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import did_you_mean
from ...timing import CYCLES
from ..specs import (
    REQUIRED,
    Context,
    Eligibility,
    MapOf,
    Names,
    Number,
    NumberList,
    NumberMap,
    NumberOrText,
    OptionalTable,
    Path,
    Range,
    Table,
    TakeUp,
    Text,
    YearAmounts,
)
from ..typed import Kernel

SHARE = {"min": 0.0, "max": 1.0, "unit": "1"}

PROGRAMME = Table(role="parameter",
    description="One benefit programme.",
    fields={
        "label": Text(description="Name shown in tables and charts.", default=""),
        "unit": Text(role="structure",
            choices=("person", "household"),
            default="person",
            description="Who receives the benefit: a person, or a household (eligible when "
            "any member meets the conditions; counted as households and as persons).",
        ),
        "eligibility": Eligibility(role="structure",
            default=None,
            description="Who is eligible: a table of conditions that must all hold, or a "
            "list of such tables of which any suffices; omitted: everyone.",
        ),
        "benefit": Table(
            default=REQUIRED, selector="type",
            description="The benefit paid to each beneficiary.",
            fields={
                "type": Text(role="structure",
                    choices=("flat", "top_up", "utility"), default="flat",
                    description='"flat": the same amount to every beneficiary; "top_up": '
                    "max(0, guaranteed_minimum x equivalence size - taper x (income - "
                    'disregard)), capped at maximum (household unit); "utility": max(0, '
                    "normative_cost[size] x region_factor - share_of_income x income) "
                    "(household unit).",
                ),
                "amount": Number(
                    min=0, default=None, unit="currency per period",
                    applies=("flat",), kernel=Kernel("amount", per="period"),
                    description="Amount per period in start_year prices (type flat).",
                ),
                "guaranteed_minimum": Number(
                    min=0, default=None, unit="currency per period per equivalent adult",
                    applies=("top_up",), kernel=Kernel("amount", per="period"),
                    description="Income guaranteed per equivalent adult (type top_up).",
                ),
                "equivalence": Table(
                    default=None, applies=("top_up",),
                    description="Equivalence scale of a top-up: the first adult, each other "
                    "adult, each child.",
                    fields={
                        "first": Number(min=0, min_open=True, default=REQUIRED, unit="1",
                                        description="Weight of the first adult."),
                        "other_adult": Number(min=0, default=1.0, unit="1",
                                              description="Weight of each further adult."),
                        "child": Number(min=0, default=1.0, unit="1",
                                        description="Weight of each child."),
                        "child_age": Number(min=1, max=30, integer=True, default=18,
                                            unit="years",
                                            description="Children are younger than this."),
                    },
                ),
                "income": Names(applies=("top_up", "utility"), role="structure",
                    default=("income",),
                    description="Columns of the population summed over members as the "
                    "household's income (annual, start_year prices).",
                ),
                "income_from": Names(applies=("top_up", "utility"), role="structure",
                    default=(),
                    description="Earlier programmes whose benefits count as income in this "
                    "means test (declaration order).",
                ),
                "disregard": Number(
                    min=0, default=0.0, unit="currency per period",
                    applies=("top_up", "utility"), kernel=Kernel("disregard", per="period"),
                    description="Income ignored by the means test.",
                ),
                "taper": Number(
                    min=0, max=1, default=1.0, unit="1",
                    applies=("top_up",), kernel=Kernel("taper", fill=1.0),
                    description="Withdrawal rate: benefit lost per unit of counted income "
                    "(1 = full top-up).",
                ),
                "maximum": Number(
                    min=0, default=None, unit="currency per period",
                    applies=("top_up",), kernel=Kernel("cap", per="period", fill=float("inf")),
                    description="Largest benefit a household can receive.",
                ),
                "normative_cost": NumberList(applies=("utility",),
                    default=None, unit="currency per period",
                    description="Utility: normative cost for households of 1, 2, ... persons "
                    "(the last value for larger households).",
                ),
                "region_factor": NumberMap(applies=("utility",),
                    min=0, default=None, unit="1",
                    description="Utility: multiplier of the normative cost by region name "
                    "(1 where not named).",
                ),
                "share_of_income": Number(applies=("utility",),
                    min=0, max=1, default=None, unit="1",
                    description="Utility: share of household income the household pays "
                    "itself.",
                ),
                "income_bands": NumberList(applies=("utility",),
                    increasing=True, default=None, unit="currency per person per period",
                    description="Utility: upper limits of income per person for the bands of "
                    "band_shares (the last band has no upper limit).",
                ),
                "band_shares": NumberList(applies=("utility",),
                    default=None, unit="1",
                    description="Utility: share of income paid by households in each band "
                    "(one more than income_bands).",
                ),
                "period": Text(role="structure",
                    choices=("month", "year", "once"), default="month",
                    description="month: paid 12 times a year; year: once a year; once: "
                    "once in a lifetime, in the first year the person is a beneficiary.",
                ),
                "indexation": NumberOrText(
                    choices=("cpi", "none"), min=-0.5, max=1.0, default="cpi",
                    description='"cpi": grows with the scenario\'s inflation; "none": '
                    "fixed nominal amount; a number: a fixed yearly growth rate.",
                ),
            },
        ),
        "take_up": TakeUp(role="structure",
            default=1.0, unit="1",
            description="Share of reached eligible units that take the benefit up: a "
            "number, or { default = 0.8, groups = [{ urban = true, rate = 0.9 }] } (the first "
            "group whose conditions hold).",
        ),
        "targeting": Table(
            default={}, selector="method",
            description="Poverty targeting, applied after the eligibility conditions.",
            fields={
                "method": Text(role="structure",
                    choices=("none", "poverty", "pmt", "registry"), default="none",
                    description='"none": categorical; "poverty": the poorest by welfare '
                    'percentile or poverty line; "pmt": a proxy-means-test score below a '
                    'cut-off; "registry": a registry column with one of the given levels.',
                ),
                "intercept": Number(applies=("pmt",), role="structure", default=0.0, description="PMT: the score's constant."),
                "coefficients": NumberMap(applies=("pmt",), role="structure",
                    default=None,
                    description="PMT: column = coefficient; the score is intercept + sum of "
                    "coefficient x the household's first record's value (household_size is "
                    "available as a column).",
                ),
                "cutoff": Number(applies=("pmt",), default=None, description="PMT: eligible when score < cutoff."),
                "column": Text(applies=("registry",), role="structure", default=None, description="Registry: the column holding levels."),
                "levels": NumberList(applies=("registry",), role="structure", min=None, default=None,
                                     description="Registry: the levels that are eligible."),
                "welfare_percentile_max": Number(
                    min=0, max=100, unit="percent", default=None, warn_below=1,
                    why="a percentile from 0 to 100 (20 = the poorest 20%); below 1 looks "
                    "like a fraction (0.2 for 20)",
                    description="Eligible when the household's welfare percentile (0 = "
                    "poorest, weighted over persons in the first year) is below this.",
                ),
                "poverty_line": Number(
                    min=0, min_open=True, unit="currency per person per year", default=None,
                    description="Eligible when welfare per capita is below this line "
                    "(start_year prices).",
                ),
                "exclusion_error": Number(
                    **SHARE, default=0.0, kernel=Kernel("exclusion"),
                    description="Share of eligible poor wrongly left out (random draw per "
                    "person, fixed over years).",
                ),
                "inclusion_error": Number(
                    **SHARE, default=0.0, kernel=Kernel("inclusion"),
                    description="Share of the categorically eligible non-poor wrongly "
                    "included (random draw per person, fixed over years).",
                ),
            },
        ),
        "rollout": Path(
            **SHARE, default=1.0, kernel=Kernel("rollout", per="year"),
            description="Share of eligible units reached by the programme, by year "
            "(geographic or phased expansion).",
        ),
        "shock_response": Table(role="structure",
            default=None,
            description="Shock-responsive expansion of this programme in chosen years "
            "(docs/methods.md, \"Shock-responsive expansion\"): a vertical top-up for its "
            "beneficiaries and/or a horizontal expansion to newly eligible households; each "
            "becomes a programme of its own (<name>_shock_vertical, <name>_shock_horizontal) "
            "with component \"shock_vertical\" / \"shock_horizontal\", costed apart.",
            fields={
                "years": NumberList(role="parameter", min=1900, increasing=True, default=REQUIRED,
                                    unit="calendar year",
                                    description="The years the response pays."),
                "vertical": Table(role="structure",
                    default=None,
                    description="A top-up on the regular benefit for the programme's own "
                    "beneficiaries (the same people: it shares their random draws); the "
                    "regular benefit must be flat.",
                    fields={
                        "amount": Number(role="parameter", min=0, default=REQUIRED, unit="currency per period",
                                         description="Top-up per period, start_year prices."),
                        "period": Text(role="structure", choices=("month", "year"), default="month",
                                       description="month: 12 payments a year; year: one."),
                        "label": Text(role="parameter", default="", description="Name in tables."),
                    },
                ),
                "horizontal": Table(role="structure",
                    default=None,
                    description="Newly eligible units: meeting the programme's eligibility "
                    "conditions, failing its targeting test, passing a second test: a "
                    "second welfare threshold (welfare_percentile_max or poverty_line), a "
                    "second PMT cut-off (cutoff, same formula), or the regular threshold "
                    "after a shock to welfare (welfare_shock). Exactly one of the four.",
                    fields={
                        "amount": Number(role="parameter", min=0, default=None, unit="currency per period",
                                         description="Benefit per period, start_year prices "
                                         "(default: the regular flat amount)."),
                        "period": Text(role="structure", choices=("month", "year"), default="month",
                                       description="month: 12 payments a year; year: one."),
                        "welfare_percentile_max": Number(role="parameter",
                            min=0, max=100, unit="percent", default=None,
                            description="Second threshold: welfare percentile below this "
                            "(a poverty-, registry- or PMT-targeted programme)."),
                        "poverty_line": Number(role="parameter",
                            min=0, min_open=True, default=None,
                            unit="currency per person per year",
                            description="Second threshold: welfare per capita below this "
                            "line (start_year prices)."),
                        "cutoff": Number(role="parameter", default=None, description="Second PMT cut-off "
                                         "with the programme's own PMT formula."),
                        "welfare_shock": Number(role="parameter",
                            min=0, max=1, max_open=True, default=None, unit="1",
                            description="Share of welfare lost in the shock: units whose "
                            "welfare x (1 - shock) passes the programme's own poverty "
                            "threshold (a poverty-targeted programme)."),
                        "reach": Number(role="parameter", **SHARE, default=1.0,
                                        description="Share of the newly eligible reached "
                                        "(roll-out) in the years of the response."),
                        "take_up": Number(role="parameter", **SHARE, default=None,
                                          description="Take-up (default: the programme's "
                                          "rate when it is a number, else its default)."),
                        "exclusion_error": Number(role="parameter", **SHARE, default=0.0,
                                                  description="Share of the newly eligible "
                                                  "wrongly left out."),
                        "inclusion_error": Number(role="parameter", **SHARE, default=0.0,
                                                  description="Share of the others (neither "
                                                  "regular nor newly eligible) let in."),
                        "label": Text(role="parameter", default="", description="Name in tables."),
                    },
                ),
                "admin_share_of_transfers": Number(role="parameter",
                    min=0, max=5, unit="1", default=None,
                    description="Administration as a share of the response's transfers "
                    "(default: the programme's share_of_transfers)."),
            },
        ),
        "timing": OptionalTable(role="structure",
            default=None,
            description="Months within the year (see docs/months.md): eligibility by age in "
            "months and pregnancy by month, an enrolment window and a payment cycle; omitted "
            "or false: whole years. Person programmes with a flat monthly or yearly benefit.",
            fields={
                "payment_every": Number(
                    min=1, max=12, integer=True, default=1, unit="months",
                    description="Months per payment cycle (1, 2, 3, 4, 6 or 12); each cycle "
                    "is paid in the month after it ends (a year's last cycle in January of "
                    "the next year).",
                ),
                "pregnancy_paid_from": Number(
                    min=0, max=8, integer=True, default=0, unit="months",
                    description="Month of pregnancy (0 = conception) from which a pregnancy is "
                    "paid, to the month before the birth (registration).",
                ),
                "enrolment_age_months": Range(
                    min=0, default=None,
                    description="Groups without a pregnancy condition: enrolled in the first "
                    "month aged lo <= months < hi in which the roll-out reaches the person; "
                    "never paid if not reached by then.",
                ),
            },
        ),
        "admin": Table(
            default={},
            description="Administration costs, in start_year prices, indexed to the CPI.",
            fields={
                "share_of_transfers": Number(
                    min=0, max=5, unit="1", default=0.0, warn_above=1,
                    why="a fraction of transfers (0.05 = 5%); above 1 looks like a "
                    "percentage",
                    description="Administration as a share of transfers.",
                ),
                "per_beneficiary_year": Number(
                    min=0, unit="currency per beneficiary per year", default=0.0,
                    description="Cost per beneficiary per year.",
                ),
                "fixed_year": Path(
                    min=0, unit="currency per year", default=0.0,
                    description="Fixed cost per year, in the years the programme operates "
                    "(roll-out above zero).",
                ),
                "setup": YearAmounts(
                    unit="currency", default=None,
                    description="One-off set-up costs by year.",
                ),
            },
        ),
    },
)


#: the programmes, each under its own name: their names and order are structure (the
#: rule tables have a row per programme)
PROGRAMMES = MapOf(
    value=PROGRAMME, default=REQUIRED, role="structure",
    description="The benefit programmes, each under its own name.",
)

#: targeting thresholds, by key path below ``programmes.<name>``: parameters, but the
#: rule tables read them when some programme's eligibility tests another's targeting
#: result (a shock response's horizontal expansion, ``targeted:<programme>``)
THRESHOLDS = (
    "targeting.welfare_percentile_max", "targeting.poverty_line", "targeting.cutoff",
    "shock_response.horizontal.welfare_percentile_max",
    "shock_response.horizontal.poverty_line", "shock_response.horizontal.cutoff",
    "shock_response.horizontal.welfare_shock",
)


# ---------------------------------------------------------------------------
# Checks across the keys of one programme (each key alone is checked by its spec)
# ---------------------------------------------------------------------------

def check_benefit(pid: str, d: Mapping[str, Any], earlier: list[str],
                  ctx: Context) -> None:
    """Benefit type against unit, period, months and the fields it needs; income_from
    naming earlier programmes."""
    key = f"programmes.{pid}.benefit"
    b = d["benefit"]
    kind = b["type"]
    needs = {"flat": ("amount",), "top_up": ("guaranteed_minimum",),
             "utility": ("normative_cost",)}[kind]
    for k in needs:
        if b[k] is None:
            ctx.bad(f"{key}.{k}", f"a value (benefit type {kind!r})", "nothing", raw=True)
    if kind != "flat":
        if d["unit"] != "household":
            ctx.bad(f"programmes.{pid}.unit", f'"household" (benefit type {kind!r})',
                    d["unit"])
        if b["period"] == "once":
            ctx.bad(f"{key}.period", f'"month" or "year" (benefit type {kind!r})', "once")
    if kind == "top_up" and not b["equivalence"]:
        ctx.bad(f"{key}.equivalence.first", "the first adult's weight", "nothing", raw=True)
    if kind == "utility":
        bands, shares = b["income_bands"] or (), b["band_shares"] or ()
        if b["share_of_income"] is None and not shares:
            ctx.bad(f"{key}.share_of_income", "a share (or income_bands with band_shares)",
                    "nothing", raw=True)
        if shares and len(shares) != len(bands) + 1:
            ctx.bad(f"{key}.band_shares", f"{len(bands) + 1} shares (one more than "
                    "income_bands)", list(shares))
        if any(x > 1 for x in shares):
            ctx.bad(f"{key}.band_shares", "shares in [0, 1]", list(shares))
    tm = d.get("timing")
    if tm is not None:
        if d["unit"] != "person" or kind != "flat" or b["period"] == "once":
            ctx.bad(f"programmes.{pid}.timing", "a person programme with a flat benefit paid "
                    'by "month" or "year"', f'unit {d["unit"]!r}, type {kind!r}, period '
                    f'{b["period"]!r}', raw=True)
        if tm["payment_every"] is not None and tm["payment_every"] not in CYCLES:
            ctx.bad(f"programmes.{pid}.timing.payment_every",
                    "a number of months dividing the year (1, 2, 3, 4, 6 or 12)",
                    tm["payment_every"])
        w = tm["enrolment_age_months"]
        if w is not None and not (float(w[0]).is_integer() and float(w[1]).is_integer()):
            ctx.bad(f"programmes.{pid}.timing.enrolment_age_months",
                    "whole months [lo, hi)", list(w))
    for q in b["income_from"]:
        if q == pid or q not in earlier:
            ctx.bad(f"{key}.income_from", "programmes declared before this one",
                    repr(q), did_you_mean(q, earlier))


def check_targeting(pid: str, d: Mapping[str, Any], ctx: Context) -> None:
    """The targeting method against the fields it needs."""
    key = f"programmes.{pid}"
    t = d["targeting"]
    if t["method"] == "pmt" and (not t["coefficients"] or t["cutoff"] is None):
        ctx.bad(f"{key}.targeting", "coefficients and a cutoff with method = \"pmt\"",
                "neither" if not t["coefficients"] and t["cutoff"] is None else "one of them",
                raw=True)
    if t["method"] == "registry" and (not t["column"] or not t["levels"]):
        ctx.bad(f"{key}.targeting", "a column and levels with method = \"registry\"",
                "a column without levels" if t["column"] else "no column", raw=True)
    if t["method"] == "poverty" and (t["welfare_percentile_max"] is None) == (
        t["poverty_line"] is None
    ):
        ctx.bad(f"{key}.targeting", "exactly one of welfare_percentile_max or poverty_line "
                "with method = \"poverty\"", "both" if t["poverty_line"] else "neither",
                raw=True)
    if t["method"] != "poverty" and (
        t["welfare_percentile_max"] is not None or t["poverty_line"] is not None
    ):
        ctx.bad(f"{key}.targeting.method", '"poverty" when a percentile or line is given',
                repr(t["method"]))


def check_programmes(v: Mapping[str, Any], ctx: Context) -> None:
    """At least one programme; each programme's benefit and targeting (declaration
    order: ``income_from`` names earlier programmes)."""
    if not v["programmes"]:
        ctx.bad("programmes", "at least one programme", v["programmes"])
    names = list((v["programmes"] or {}).keys())
    for k, (pid, p) in enumerate((v["programmes"] or {}).items()):
        check_benefit(pid, p, names[:k], ctx)
        check_targeting(pid, p, ctx)



#: the population's bookkeeping columns: no condition, income, PMT formula or registry
#: targeting may read them (a record's weight is not a person's attribute)
BOOKKEEPING = ("weight", "entry_year", "household_id")


def check_columns(v: Mapping[str, Any], ctx: Context) -> None:
    """No rule reads a bookkeeping column (:data:`BOOKKEEPING`): eligibility and take-up
    group conditions, a means-tested benefit's income columns, a PMT formula's columns,
    a registry targeting's column. Keys only: whether another column exists is the
    population's (``programmes.rules``, when the rule tables are built)."""
    for pid, p in (v["programmes"] or {}).items():
        key = f"programmes.{pid}"
        named: list[tuple[str, str]] = []  # (key, column)
        groups = p["eligibility"] or [{}]
        for i, group in enumerate(groups):
            gkey = f"{key}.eligibility[{i}]" if len(groups) > 1 else f"{key}.eligibility"
            named += [(f"{gkey}.{col}", col) for col, x in group.items() if x is not None]
        if isinstance(p["take_up"], dict):
            for k, (conds, _share) in enumerate(p["take_up"]["groups"]):
                named += [(f"{key}.take_up.groups[{k}].{col}", col)
                          for col, x in conds.items() if x is not None]
        if p["benefit"]["type"] != "flat":
            named += [(f"{key}.benefit.income", col) for col in p["benefit"]["income"]]
        t = p["targeting"]
        if t["method"] == "pmt":
            named += [(f"{key}.targeting.coefficients.{col}", col)
                      for col in t["coefficients"] or {}]
        elif t["method"] == "registry" and t["column"]:
            named.append((f"{key}.targeting.column", t["column"]))
        for k, col in named:
            if col in BOOKKEEPING:
                ctx.bad(k, "a condition on a person attribute", col)


#: the cross-key checks of [programmes], run on the validated document before the
#: programmes are built: ``check(v, ctx)``
checks = (check_programmes, check_columns)
