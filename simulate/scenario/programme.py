"""The typed programme of a scenario: eligibility conditions, benefit, targeting,
administration (immutable dataclasses).

:class:`Programme`, :class:`Benefit`, :class:`Targeting` and :class:`Admin` take their
fields from the key registry (:data:`simulate.scenario.keys.programmes.PROGRAMME`,
:func:`simulate.scenario.typed.typed_table`): a key declared there is a field here,
with no other edit, filled by ``from_table``. What is written below by hand is only
what does not map one to one onto a key (derived fields such as
``Benefit.equivalence``, fields that are no key such as ``Programme.id``) and methods.
The fields are keyword-only.

Kept apart from :mod:`.model` (which builds them from a validated document) so that
the modules that generate programmes (:mod:`.shock`) import the types without
importing the builder that calls them: the scenario layer stays free of cycles
(tests/test_layers.py). ``simulate.scenario`` and ``.model`` re-export every name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..timing import Timing
from .keys.programmes import PROGRAMME
from .typed import typed_table

_TABLES = PROGRAMME.fields


@dataclass(frozen=True)
class Condition:
    """One eligibility condition on a column: ``lo <= value < hi`` or value in ``values``.

    ``column`` is a population column or one of the dynamic variables ``age``,
    ``age_months`` and ``pregnant``. ``key`` is the key path, for messages.
    """

    column: str
    lo: float = -np.inf
    hi: float = np.inf
    values: tuple[Any, ...] = ()
    key: str = ""


@typed_table(_TABLES["benefit"])
class Benefit:
    """What a beneficiary receives; amounts per period in start_year prices.

    ``type`` "flat" pays ``amount``; "top_up" pays
    ``min(maximum, max(0, guaranteed_minimum x eq - taper x max(0, income - disregard)))``;
    "utility" pays ``max(0, normative_cost[size] x region_factor - share x income)``.
    One field per key of ``[programmes.<name>.benefit]``; derived by hand:
    ``equivalence`` (first, other_adult, child, child_age: the ``[equivalence]`` table
    with its defaults) and ``band_shares`` (the shares of income paid by band;
    ``(share_of_income,)`` when no bands are given).
    """

    equivalence: tuple[float, float, float, int] = (1.0, 1.0, 1.0, 18)
    band_shares: tuple[float, ...] = ()

    @staticmethod
    def derived(b: Mapping[str, Any]) -> dict[str, Any]:
        """The derived fields of a validated ``benefit`` table."""
        eq = b["equivalence"] or {}
        shares = b["band_shares"] or (
            (b["share_of_income"],) if b["share_of_income"] is not None else ())
        return {"equivalence": (eq.get("first", 1.0), eq.get("other_adult", 1.0),
                                eq.get("child", 1.0), eq.get("child_age", 18)),
                "band_shares": tuple(shares)}

    @property
    def payments_per_year(self) -> int:
        """12 for a monthly benefit, 1 otherwise."""
        return 12 if self.period == "month" else 1


@typed_table(_TABLES["targeting"])
class Targeting:
    """Targeting after the eligibility conditions (``method`` "none", "poverty", "pmt" or
    "registry"); errors are shares in [0, 1]. One field per key of
    ``[programmes.<name>.targeting]``; no key: ``welfare_shock``."""

    #: poverty: test welfare x (1 - shock) (a shock response's horizontal expansion,
    #: simulate/scenario/shock.py)
    welfare_shock: float = 0.0


@typed_table(_TABLES["admin"])
class Admin:
    """Administration costs in start_year prices (indexed to the CPI). One field per key
    of ``[programmes.<name>.admin]``."""


@typed_table(PROGRAMME, nested={"benefit": Benefit, "targeting": Targeting, "admin": Admin},
             skip=("shock_response",))
class Programme:
    """A benefit programme: who is eligible, what they get, how many are reached.

    One field per key of ``[programmes.<name>]`` (``shock_response`` makes programmes
    of its own: simulate/scenario/shock.py); derived: ``label`` (the id when empty),
    ``eligibility`` (groups of :class:`Condition`), ``timing`` (months within the
    year); no key: ``id``, ``component``, ``parent``, ``draws_of``.
    """

    id: str
    label: str
    eligibility: tuple[tuple[Condition, ...], ...]
    timing: Timing | None = None  # months within the year (simulate/timing.py)
    #: "regular", or a shock response's "shock_vertical" / "shock_horizontal"
    #: (simulate/scenario/shock.py), generated from programme ``parent``
    component: str = "regular"
    parent: str | None = None
    draws_of: str | None = None  # share this programme's random draws (same beneficiaries)
