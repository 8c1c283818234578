"""The keys of ``[scenario]`` (what the analysis is: country, years, seed, labels) and
``extends``.

Roles: the country, the years and the seed decide the population (``population``); the
labels and the currency are parameters.
"""

from __future__ import annotations

from ..specs import REQUIRED, Number, Table, Text

EXTENDS = Text(role="population", description="A base scenario file, relative to this one.",
               default=None)

SCENARIO_TABLE = Table(
    role="population",
    default=REQUIRED,
    description="What the analysis is.",
    fields={
        "name": Text(role="parameter", default=REQUIRED, description="Title of the analysis."),
        "id": Text(role="parameter",
            pattern=r"^[A-Za-z0-9_.-]+$", default=None,
            description="Short name used for the output folder; default: the "
            "scenario file's name without .toml.",
        ),
        "description": Text(role="parameter", default="", description="A longer description."),
        "country": Text(
            default=REQUIRED,
            description="A country profile in simulate/data/profiles (lao, khm, ukr, "
            "irq) or a path to a profile file.",
        ),
        "start_year": Number(min=1950, max=2200, integer=True, default=REQUIRED,
                             unit="year", description="First year of the projection."),
        "end_year": Number(min=1950, max=2300, integer=True, default=REQUIRED,
                           unit="year", description="Last year of the projection."),
        "currency": Text(role="parameter",
            default=None,
            description="Local currency code; must match the country profile.",
        ),
        "seed": Number(min=0, max=2**63 - 1, integer=True, default=0,
                       description="Seed of every random draw."),
    },
)

#: [scenario] has no checks across its keys beyond the years (simulate/scenario/plausible.py)
checks = ()
