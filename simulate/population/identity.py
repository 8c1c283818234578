"""The stable identity of records: what a record's random numbers are keyed by.

A record's draws (take-up, roll-out, targeting errors, pregnancy, disability;
see simulate/kernels/rng.py) are keyed by a 63-bit hash of three integers that do
not depend on where the record sits in the arrays, nor on the horizon:

* its household (``household_id``),
* the year it enters the population (``entry_year``: the population's year for
  the base records, the birth year for a birth cohort record),
* its rank among the records of that household entering that year: for base
  records, its place in the household's canonical member order
  (:func:`member_order`); for birth cohort records, the order in which the births
  of that year were drawn (the births of a year depend only on the years up to
  it, so a later end year never changes them).

So adding a later year adds records without changing any earlier record's key,
and a microdata file whose rows are shuffled gives the same records in the same
order, hence the same keys and bit-identical results.

Canonical member order (microdata): households by their id (the text of the
``household_id`` cell, sorted), and within a household the members by their own
attributes: age descending (the eldest first; the household's first record
carries its household-level draws), then sex, months, region, urban, disabled,
pregnant, welfare, weight and the further columns by name; NaN sorts last. Tie
rule: members equal in every column are interchangeable (swapping them leaves
every array, hence every result, unchanged), so the order between them does not
matter.
"""

from __future__ import annotations

import numpy as np

from ..kernels.rng import record_keys
from .records import Population


def member_order(pop: Population) -> np.ndarray:
    """The permutation putting ``pop`` in canonical order: by household id, then
    each household's members by their attributes (see the module docstring)."""
    keys = [_positive_zero(pop.extra[name]) for name in sorted(pop.extra, reverse=True)]
    keys += [_positive_zero(pop.weight), _positive_zero(pop.welfare), pop.pregnant,
             pop.disabled, pop.urban, pop.region, pop.months, pop.sex,
             -pop.age.astype(np.int64), pop.household_id]
    return np.lexsort(keys)


def canonical(pop: Population) -> Population:
    """``pop`` in canonical order (the same population whatever its rows' order)."""
    extra = {name: _positive_zero(x) for name, x in pop.extra.items()}
    pop = pop.with_arrays(welfare=_positive_zero(pop.welfare), extra=extra)
    order = member_order(pop)
    if np.array_equal(order, np.arange(pop.n)):
        return pop
    return pop.take(order)


def record_key(pop: Population) -> np.ndarray:
    """Each record's stable key (int64 >= 0), from (household_id, entry_year, rank
    among the household's records entering that year, in array order)."""
    # each temporary dropped once used, the rest in place (the same values; fewer
    # 8-byte arrays alive at once). lexsort sorts key by key with a stable sort from the
    # identity order, so ties keep their array order without an index key
    n = pop.n
    hh = pop.household_id.astype(np.int64, copy=False)
    order = np.lexsort((pop.entry_year, hh))
    h = hh[order]
    start = np.ones(n, dtype=np.bool_)
    np.not_equal(h[1:], h[:-1], out=start[1:])
    del h
    e = pop.entry_year[order]
    start[1:] |= e[1:] != e[:-1]
    del e
    first = np.arange(n)
    first[~start] = 0
    del start
    np.maximum.accumulate(first, out=first)
    np.subtract(np.arange(n), first, out=first)  # the rank within its (household, entry)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = first
    del first, order
    entry = pop.entry_year.astype(np.int64)
    return record_keys(hh, entry, rank)


def _positive_zero(x: np.ndarray) -> np.ndarray:
    """``x`` with -0.0 as 0.0 (they compare equal; sorting must not tell them apart)."""
    return np.where(x == 0, 0.0, x) if x.dtype.kind == "f" else x
