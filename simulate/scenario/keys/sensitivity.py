"""The keys of ``[sensitivity]``: deterministic sensitivity cases and the tornado's
one-way changes (docs/sensitivity.md); role ``analysis`` (they declare analyses, never
model inputs, and no draw may vary them)."""

from __future__ import annotations

from ..analysis_specs import WORLD_BANK_CASES, Cases, KeyNumbers, KeyRanges
from ..specs import Number, Table

SENSITIVITY = Table(
    role="analysis",
    default=None,
    description="Deterministic sensitivity cases and the tornado's one-way changes.",
    fields={
        "swings": KeyNumbers(
            min=0, max=1000, default=None, unit="%",
            description='One-way changes in percent of the key\'s own value: "key.path" = '
            "20 varies it from 0.8 to 1.2 times its value (every year of a year path); "
            "with --output, added to [sensitivity.parameters] (docs/sensitivity.md).",
        ),
        "discount_rate": Number(
            min=0, max=1, default=None, unit="1 per year",
            description="Discount rate of --output NAME@pv when the scenario has no "
            "[returns] (present value to start_year).",
        ),
        "cases": Cases(
            default=WORLD_BANK_CASES,
            description="Cases computed on the flows besides the base (default the World "
            "Bank five).",
        ),
        "parameters": KeyRanges(
            default=None,
            description='One-way changes for the tornado: "key.path" = [low, high] '
            '(scenario keys; "costs" and "benefits" scale the flows). Default: costs and '
            "benefits x [0.75, 1.25], the discount rate +-2 points.",
        ),
    },
)

checks = ()
