"""The keys of ``[population]`` (where the records come from) and ``[demography]`` (how
they change): every one decides the population (role ``population``): a draw that
varies one builds the population again."""

from __future__ import annotations

from ..specs import Number, Table, Text

POPULATION = Table(
    role="population",
    default={},
    description="Where the records come from.",
    fields={
        "source": Text(
            default="synthetic",
            description='"synthetic" (generated from the country profile) or a path '
            "to household microdata (.csv or .parquet), relative to the scenario.",
        ),
        "records": Number(
            min=100, max=100_000_000, integer=True, default=200_000, unit="records",
            description="Number of synthetic person records; weights scale them to "
            "the national population.",
        ),
    },
)

DEMOGRAPHY = Table(
    role="population",
    default={},
    description="How the population changes over the horizon.",
    fields={
        "mortality": Text(
            choices=("profile", "none"), default="profile",
            description='"profile": deaths from the country\'s life table; "none": '
            "nobody dies.",
        ),
        "births": Text(
            choices=("profile", "none"), default="profile",
            description='"profile": births from the country\'s fertility; "none": no '
            "births.",
        ),
    },
)

checks = ()
