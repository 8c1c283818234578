"""A country profile moved back to an earlier year, from its ``[history]`` table.

A scenario may start in any year its profile covers (docs/profiles.md, "History"):
the base year itself or later, or an earlier year for which the profile can give
the figures a run starts from. :func:`profile_for_year` returns the profile as if
its base year were ``year``:

* **population** (needed only by a synthetic population): the ``[history.population]``
  table of that year; between two years given, each age-sex cell is interpolated
  linearly; before the first table, from ``history.back_projection`` (a year) on, the
  nearest later table back-projected with the profile's own survival (:func:`back_project`);
  otherwise the year is not covered;
* **GDP**: ``history.gdp`` at the year (linear between years given); without it, the
  base-year GDP carried back by the profile's real growth and inflation paths
  (the same chain :func:`simulate.fiscal.macro_path` uses forward);
* **poverty line**: the base-year line deflated by the profile's inflation path to
  the year's prices;
* **poverty rate and Gini**: ``history.poverty_rate`` / ``history.gini`` at the
  year when given, else the base year's.

The demographic and macro year paths (fertility, life expectancy, growth, inflation,
exchange rate, fiscal shares) are used as they are: a profile carries history in
them by giving earlier years in the paths.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import DataError, Problem
from .profiles import Profile


def covered_from(profile: Profile, needs_population: bool = True) -> int | None:
    """The first year a run can start in (None: any year, when no population is needed)."""
    if not needs_population:
        return None
    years = sorted(profile.history_population or {})
    first = min([profile.base_year, *years])
    back = profile.history_back_projection
    return first if back is None else min(first, back)


def back_project(profile: Profile, female: np.ndarray, male: np.ndarray, from_year: int,
                 year: int) -> tuple[np.ndarray, np.ndarray]:
    """Five-year groups of ``from_year`` carried back to ``year`` by reverse survival.

    Single ages as the synthetic population spreads them (groups evenly, 80+
    geometrically over 80-99); for each year t back, persons aged a in t are those
    aged a + 1 in t + 1 divided by the profile's survival from a to a + 1 in t (its
    life tables by sex, docs/methods.md); the top age (99) keeps its count. No
    migration: a population that lost emigrants is understated going back."""
    from ..demography import lifetable
    from .synthetic import single_year_targets

    ages = single_year_targets(replace(profile, female=female, male=male))  # [sex, 0..99]
    sexes = ((0, profile.life_expectancy_male, profile.infant_mortality_male),
             (1, profile.life_expectancy_female, profile.infant_mortality_female))
    for t in range(from_year - 1, year - 1, -1):
        prev = np.empty_like(ages)
        for sex, le, q0 in sexes:
            s = lifetable.survival_table(le.at(np.array([t])),
                                         float(le.at(profile.base_year)), q0)[0]
            prev[sex, :99] = ages[sex, 1:] / s[:99]
            prev[sex, 99] = ages[sex, 99]
        ages = prev
    groups = np.zeros((2, 17))
    for g in range(16):
        groups[:, g] = ages[:, 5 * g:5 * g + 5].sum(axis=1)
    groups[:, 16] = ages[:, 80:].sum(axis=1)
    return groups[1], groups[0]


def _population_at(profile: Profile, year: int) -> tuple[np.ndarray, np.ndarray] | None:
    tables = dict(profile.history_population or {})
    tables[profile.base_year] = (profile.female, profile.male)
    if year in tables:
        return tables[year]
    before = [y for y in tables if y < year]
    after = [y for y in tables if y > year]
    back = profile.history_back_projection
    if not before and after and back is not None and year >= back:
        y1 = min(after)
        return back_project(profile, *tables[y1], y1, year)
    if not before or not after:
        return None
    y0, y1 = max(before), min(after)
    w = (year - y0) / (y1 - y0)
    (f0, m0), (f1, m1) = tables[y0], tables[y1]
    return (1 - w) * f0 + w * f1, (1 - w) * m0 + w * m1


def price_factor(profile: Profile, year: int) -> float:
    """Consumer prices of ``year`` relative to the base year's (1 at the base year)."""
    if year >= profile.base_year:
        span = np.arange(profile.base_year + 1, year + 1)
        return float(np.prod(1.0 + profile.inflation.at(span)))
    span = np.arange(year + 1, profile.base_year + 1)
    return float(1.0 / np.prod(1.0 + profile.inflation.at(span)))


def _gdp_at(profile: Profile, year: int) -> float:
    if profile.history_gdp is not None:
        return float(profile.history_gdp.at(year))
    span = np.arange(year + 1, profile.base_year + 1)
    step = (1.0 + profile.real_gdp_growth.at(span)) * (1.0 + profile.inflation.at(span))
    return float(profile.gdp / np.prod(step))


def profile_for_year(profile: Profile, year: int, needs_population: bool = True,
                     where: str = "scenario") -> Profile:
    """``profile`` rebased to ``year`` (unchanged when ``year >= base_year``).

    Raises :class:`DataError` when ``year`` is before what the profile covers; a run
    on microdata (``needs_population=False``) needs no population table."""
    if year >= profile.base_year:
        return profile
    female, male = profile.female, profile.male
    if needs_population:
        tables = _population_at(profile, year)
        if tables is None:
            first = covered_from(profile)
            raise DataError(Problem(
                where, "scenario.start_year",
                f"a year >= {first} (the first year profile {profile.code!r} has a "
                f"population by age and sex for, from its base year {profile.base_year}, "
                f"[history.population] and history.back_projection; {profile.path})", year))
        female, male = tables
    rate = (profile.poverty_rate if profile.history_poverty_rate is None
            else float(profile.history_poverty_rate.at(year)))
    gini = (profile.gini if profile.history_gini is None
            else float(profile.history_gini.at(year)))
    return replace(profile, base_year=year, female=np.asarray(female, dtype=np.float64),
                   male=np.asarray(male, dtype=np.float64), gdp=_gdp_at(profile, year),
                   poverty_line=profile.poverty_line * price_factor(profile, year),
                   poverty_rate=rate, gini=gini)
