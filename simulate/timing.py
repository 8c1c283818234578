"""Months within the year: the ``[programmes.<id>.timing]`` table.

Without it a programme is evaluated once a year (a person eligible in the year is
paid for all twelve months). With it, eligibility and payment are monthly:

* **birth month**: births are spread uniformly over the year; a record's month of
  birth (0 = January .. 11 = December) is ``floor(12 u)`` with ``u`` the record's
  draw ``u(seed, uid, 0, BIRTH_MONTH)`` keyed by its stable identity (so it does not
  depend on the horizon or on row order). A record's ``age`` in year y is the age it
  reaches on its birthday in y; its age in completed months at the start of month t
  is ``12 age + t - birth_month`` (months before a newborn's birth do not count).
  ``age_months`` and ``age`` conditions are evaluated month by month on it (the
  data's ``months`` column serves whole-year programmes only);
* **pregnancy by month**: a woman gives birth in year y when
  ``u(seed, uid, y, PREGNANCY) < fertility[y, age]`` (the whole-year draw; the data's
  flag in the first year if the data carry it), in month ``floor(12 u(seed, uid, y,
  BIRTH_IN_YEAR))``. A pregnancy lasts 9 months before the birth month and is paid
  from month ``pregnancy_paid_from`` of the pregnancy (registration) to the month
  before the birth, across the turn of the year: a birth in March of y+1 makes the
  pregnancy months of y's last months;
* **enrolment window**: groups without a pregnancy condition are paid only from the
  month of enrolment, the first month in which the person is aged
  ``enrolment_age_months = [lo, hi)`` months and reached by the roll-out of that
  month's year (years outside the run read the nearest run year); a person never
  reached inside the window is never paid. Without a window, a month is paid when
  the person is reached in that year;
* **payment cycles** (``payment_every`` = 1, 2, 3, 4, 6 or 12 months): months are paid
  in arrears, in calendar cycles starting in January, each cycle's cash in the month
  after it ends. The cash of a year is its months except the last cycle, plus the
  previous year's last cycle: on a two-monthly cycle November and December are paid
  in January of the next year (monthly: December in January). A run starts with no
  arrears (the cycle before start_year is not counted) and the last cycle of
  end_year is due but not paid within the run.

Results: ``transfers`` is cash paid in the year (the budget's view);
``transfers_due`` the value of the months due in the year; ``beneficiaries`` the
persons paid for at least one month; ``beneficiary_months`` the person-months paid
and ``beneficiary_years`` = ``beneficiary_months / 12`` (person-years). For a
whole-year programme ``transfers_due == transfers`` and ``beneficiary_years ==
beneficiaries``. The monthly amount is the annual amount / 12 (a benefit per year
is spread over its months).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: payment cycles a calendar year divides into (months)
CYCLES = (1, 2, 3, 4, 6, 12)


@dataclass(frozen=True)
class Timing:
    """Months within the year for one programme (see the module docstring)."""

    payment_every: int = 1
    pregnancy_paid_from: int = 0
    enrolment_age_months: tuple[int, int] | None = None


def timing_of(d: dict[str, Any] | None) -> Timing | None:
    """The Timing of a parsed ``timing`` table (None: whole years)."""
    if d is None:
        return None
    window = d.get("enrolment_age_months")
    return Timing(int(d.get("payment_every") or 1), int(d.get("pregnancy_paid_from") or 0),
                  (int(window[0]), int(window[1])) if window else None)


def timing_tables(programmes: Sequence[Any]) -> dict[str, np.ndarray]:
    """The kernel's per-programme timing tables (``RuleTables`` fields)."""
    n = len(programmes)
    monthly = np.zeros(n, dtype=np.bool_)
    pay_every = np.ones(n, dtype=np.int64)
    preg_reg = np.zeros(n, dtype=np.int64)
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    for p, prog in enumerate(programmes):
        t = getattr(prog, "timing", None)
        if t is None:
            continue
        monthly[p] = True
        pay_every[p] = t.payment_every
        preg_reg[p] = t.pregnancy_paid_from
        if t.enrolment_age_months is not None:
            lo[p], hi[p] = t.enrolment_age_months
    return dict(monthly=monthly, pay_every=pay_every, preg_reg=preg_reg, enrol_lo=lo,
                enrol_hi=hi)
