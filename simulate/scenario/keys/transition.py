"""The keys of ``[transition]``: a humanitarian caseload moving into a national programme
(simulate/transition.py, docs/methods.md); all parameters. Its checks across keys
(:func:`simulate.scenario.transition.transition_problems`) run once the programmes are
known."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..specs import REQUIRED, Boolean, Context, Number, NumberList, Path, Table, Text, reads
from ..transition import transition_problems
from .programmes import SHARE

TRANSITION = Table(
    role="parameter",
    default=None,
    description="A humanitarian caseload moving into a national programme: a yearly "
    "stock-and-flow funnel (consent, documentation, referral, re-assessment, waiting list, "
    "enrolment capped by capacity); see docs/methods.md and docs/iraq.md.",
    fields={
        "from": Text(default=REQUIRED, description="The humanitarian programme (household "
                     "unit) whose caseload moves."),
        "to": Text(default=REQUIRED, description="The national programme (household unit) "
                   "that absorbs it."),
        "caseload": Number(min=0, default=None, unit="households",
                           description="Households receiving humanitarian cash at the start "
                           "(default: households_beneficiaries of `from` in start_year)."),
        "consent": Number(**SHARE, default=1.0, description="Share of the caseload that "
                          "consents to referral (asked once); never changes humanitarian "
                          "eligibility."),
        "documented": Number(**SHARE, default=1.0, description="Share of the caseload "
                             "holding the civil documents a referral needs, at the start."),
        "documentation_assistance": Path(min=0.0, max=1.0, default=0.0, unit="1 per year",
                                         description="Share of the undocumented who obtain "
                                         "documents each year (legal assistance)."),
        "referral_rate": Path(min=0.0, max=1.0, default=1.0, unit="1 per year",
                              description="Share of the consenting, documented, not yet "
                              "referred households referred in a year (only in years with "
                              "capacity > 0)."),
        "reassessment_pass": Number(**SHARE, default=None,
                                    description="Share of the referred that the ministry's "
                                    "own assessment finds eligible (default: the share of "
                                    "households passing `from`'s targeting test that also "
                                    "pass `to`'s, on the population)."),
        "capacity": Path(min=0, default=REQUIRED, unit="households per year",
                         description="Households the national programme can enrol in a "
                         "year (absorption capacity); 0: closed, no referral, no "
                         "enrolment."),
        "humanitarian_exit": Path(min=0.0, max=1.0, default=0.0, unit="1 per year",
                                  description="Share of the households still receiving "
                                  "humanitarian cash who lose it in a year (phase-out)."),
        "humanitarian_value": Number(min=0, default=None, unit="currency per household per "
                                     "month", description="Humanitarian transfer, start_year "
                                     "prices (default: the flat monthly amount of `from`)."),
        "national_value": Number(min=0, default=None, unit="currency per household per "
                                 "month", description="National transfer, start_year prices "
                                 "(default: the flat monthly amount of `to`)."),
        "aligned": Boolean(default=False, description="true: the national programme pays "
                           "transitioned households the humanitarian value (values aligned); "
                           "false: its own value."),
        "overlap_factors": NumberList(min=0, default=(0.8, 0.9, 1.0, 1.1, 1.2), unit="1",
                                      description="Multipliers of each programme's targeting "
                                      "threshold (PMT cut-off, percentile or line) for the "
                                      "pmt_overlap sensitivity grid; must include 1."),
    },
)


@reads("transition", "programmes.*.unit")
def check_transition(v: Mapping[str, Any], ctx: Context, programmes: Sequence[Any]) -> None:
    """[transition] against the programmes (both named, household unit, different)."""
    if v.get("transition") is not None:
        ctx.problems.extend(transition_problems(v["transition"], v["programmes"] or {},
                                                ctx.origin))


#: the cross-key checks of [transition]: ``check(v, ctx, programmes)``
checks = (check_transition,)
