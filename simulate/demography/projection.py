"""Projection of the population over the horizon: ageing, deaths, births.

Timing conventions (docs/methods.md):

* The population of year t is counted at the start of t; everyone alive ages one
  year per year.
* Deaths are expected values on weights: a record's weight is multiplied by the
  probability of surviving from age x in year t to x+1 in t+1 (no random deaths,
  so totals are smooth and reproducible).
* Births of year t are ``sum over women of weight * fertility(age, t)``, using
  the women alive at the start of t. They appear in year t as age 0 (the year of
  birth), split by the sex ratio at birth. The first year's age-0 persons come
  from the data, so births are added from the second year on.
* Birth cohorts are pre-allocated as records that enter in their birth year,
  each attached to a mother drawn among the women of childbearing age (weighted
  by weight x fertility), whose household, region, area and welfare they take.

The aggregate cohort-component projection (:func:`project`) and the record
level (kernel) use the same rates, so the projected totals agree to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels.births import age_year_women, draw_mothers_among
from ..population.profiles import Profile
from ..population.records import FEMALE, MALE, Population, empty_arrays
from . import lifetable

MAX_AGE = lifetable.MAX_AGE
N_AGES = MAX_AGE + 1


@dataclass(frozen=True)
class Rates:
    """Demographic rates for the simulated years.

    ``survival[k, sex, age]``: P(alive at age+1 in year k+1 | alive at age in year k);
    ``fertility[k, age]``: births per woman of that age in year k; sex 0 male, 1 female.
    """

    years: np.ndarray
    survival: np.ndarray
    fertility: np.ndarray
    sex_ratio_at_birth: float
    births_on: bool


def rates(profile: Profile, years: np.ndarray, mortality: str = "profile",
          births: str = "profile") -> Rates:
    """Rates from a country profile for ``years`` (calendar years)."""
    years = np.asarray(years)
    survival = np.ones((len(years), 2, N_AGES))
    if mortality == "profile":
        base = profile.base_year
        for sex, le, q0 in (
            (MALE, profile.life_expectancy_male, profile.infant_mortality_male),
            (FEMALE, profile.life_expectancy_female, profile.infant_mortality_female),
        ):
            survival[:, sex, :] = lifetable.survival_table(le.at(years), float(le.at(base)), q0)
    fertility = np.zeros((len(years), N_AGES))
    if births == "profile":
        tfr = profile.tfr.at(years)
        for g, share in enumerate(profile.asfr_distribution):
            lo = 15 + 5 * g
            fertility[:, lo:lo + 5] = (tfr * share / 5.0)[:, None]
    return Rates(years, survival, fertility, profile.sex_ratio_at_birth, births == "profile")


@dataclass(frozen=True)
class Projection:
    """Aggregate projection: ``population[k, sex, age]`` (age 100 = 100+), ``births[k, sex]``."""

    years: np.ndarray
    population: np.ndarray
    births: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """Persons alive at the start of each year."""
        return self.population.sum(axis=(1, 2))


def by_sex_age(pop: Population) -> np.ndarray:
    """Weights of the records alive in ``pop.year`` by [sex, age] (age 100 = 100+)."""
    alive = pop.entry_year <= pop.year
    table = np.zeros((2, N_AGES))
    ages = np.minimum(pop.age[alive], MAX_AGE)
    np.add.at(table, (pop.sex[alive].astype(np.intp), ages.astype(np.intp)), pop.weight[alive])
    return table


def _split_births(total: float, srb: float) -> tuple[float, float]:
    male = total * srb / (1.0 + srb)
    return male, total - male


def project(initial: np.ndarray, r: Rates) -> Projection:
    """Cohort-component projection of ``initial[sex, age]`` with rates ``r``."""
    n = len(r.years)
    pop = np.zeros((n, 2, N_AGES))
    births = np.zeros((n, 2))
    pop[0] = initial
    for k in range(n):
        if k > 0:
            prev = pop[k - 1] * r.survival[k - 1]
            pop[k, :, 1:] = prev[:, :-1]
            pop[k, :, MAX_AGE] += prev[:, MAX_AGE]
        total = float(pop[k, FEMALE] @ r.fertility[k])
        births[k] = _split_births(total, r.sex_ratio_at_birth)
        if k > 0:
            pop[k, MALE, 0], pop[k, FEMALE, 0] = births[k]
    return Projection(r.years, pop, births)


def add_birth_cohorts(pop: Population, r: Rates, seed: int) -> tuple[Population, Projection]:
    """``pop`` with records for the births of each later year appended, and the projection.

    Each year's births get about as many records as the same number of persons
    would have in ``pop`` (at least one per sex), with equal weights that sum to
    the births of that sex exactly.
    """
    projection = project(by_sex_age(pop), r)
    if not r.births_on or len(r.years) < 2:
        return pop, projection
    rng = np.random.default_rng([seed, 0xB17745])
    alive0 = pop.entry_year <= pop.year
    mean_weight = pop.weight[alive0].sum() / max(1, alive0.sum())
    # running arrays of everyone so far (newborns join them so they can become mothers
    # later), preallocated for the most records the births can add
    counts = [max(2, int(round(float(b.sum()) / mean_weight))) if b.sum() > 0 else 0
              for b in projection.births[1:]]
    cap = pop.n + sum(counts)
    sex = np.empty(cap, dtype=pop.sex.dtype)
    age = np.zeros(cap, dtype=np.int64)
    weight = np.zeros(cap)
    entry = np.zeros(cap, dtype=np.int64)
    mother_weight, cdf = np.zeros(cap), np.empty(cap)
    sex[:pop.n], age[:pop.n], weight[:pop.n] = pop.sex, pop.age, pop.weight
    entry[:pop.n] = pop.entry_year
    size = pop.n
    # only women who may yet be mothers are aged (kernels/births.py, age_year_women):
    # a man's mother weight is 0 and his weight is read by nothing else; a woman past
    # the oldest age with a fertility above 0 in any year is dropped from the list
    # (int32 indices where they fit: 4 B for each woman and newborn, not 8 B a record)
    women = np.flatnonzero(pop.sex == FEMALE)
    n_active = len(women)
    active = np.empty(n_active + sum(counts),
                      dtype=np.int32 if cap < np.iinfo(np.int32).max else np.int64)
    active[:n_active] = women
    del women
    fertile = np.flatnonzero((r.fertility[1:] > 0).any(axis=0))
    fertile_until = int(fertile[-1]) if len(fertile) else -1
    mother_of: list[np.ndarray] = []
    new_sex: list[np.ndarray] = []
    new_weight: list[np.ndarray] = []
    new_year: list[np.ndarray] = []
    for k in range(1, len(r.years)):
        year = int(r.years[k])
        # weights at the start of `year` for the listed women already in, and the
        # mothers' weights (weight x fertility): one numba pass (kernels/births.py)
        n_active = age_year_women(sex, age, entry, weight, active, n_active, year,
                                  r.survival[k - 1], r.fertility[k], MAX_AGE, fertile_until,
                                  mother_weight)
        p = mother_weight[:size]
        b_male, b_female = projection.births[k]
        if p.sum() <= 0 or b_male + b_female <= 0:
            continue
        n = max(2, int(round((b_male + b_female) / mean_weight)))
        n_male = min(n - 1, max(1, int(round(n * b_male / (b_male + b_female)))))
        # = rng.choice(size, n, p=p / p.sum()), p being 0 outside the list
        mothers = draw_mothers_among(rng, p, active, n_active, n, cdf)
        sexes = np.r_[np.full(n_male, MALE), np.full(n - n_male, FEMALE)].astype(np.int8)
        w = np.r_[np.full(n_male, b_male / n_male), np.full(n - n_male, b_female / (n - n_male))]
        mother_of.append(mothers)
        new_sex.append(sexes)
        new_weight.append(w)
        new_year.append(np.full(n, year))
        sex[size:size + n], age[size:size + n] = sexes, 0
        weight[size:size + n], entry[size:size + n] = w, year
        active[n_active:n_active + n - n_male] = np.arange(size + n_male, size + n)
        n_active += n - n_male  # the newborn girls, after every earlier record
        size += n
    # the running arrays (41 B a record) are not needed past here: freed before the
    # newborns' records and the concatenation are built
    del sex, age, weight, entry, mother_weight, cdf, p, active
    if not mother_of:
        return pop, projection
    mothers = np.concatenate(mother_of)
    n_new = len(mothers)
    # a mother may herself be a newborn of an earlier year (index >= pop.n in the
    # running arrays): follow the chain down to a record of the base population
    origin = mothers.copy()
    while (late := origin >= pop.n).any():
        origin[late] = mothers[origin[late] - pop.n]
    del mothers, mother_of
    arrays = empty_arrays(n_new)
    arrays["household_id"] = pop.household_id[origin]
    arrays["region"] = pop.region[origin]
    arrays["urban"] = pop.urban[origin]
    arrays["welfare"] = pop.welfare[origin]
    del origin
    arrays["sex"] = np.concatenate(new_sex)
    arrays["weight"] = np.concatenate(new_weight)
    arrays["entry_year"] = np.concatenate(new_year).astype(np.int16)
    del new_sex, new_weight, new_year  # the per-year pieces, before the concatenation
    arrays["age"][:] = 0
    arrays["months"][:] = 0 if pop.has_months else -1
    # person-level survey columns are unknown for people not yet born
    extra = {name: np.full(n_new, np.nan) for name in pop.extra}
    newborns = Population(year=pop.year, **arrays, region_names=pop.region_names,
                          has_pregnant=pop.has_pregnant, has_disabled=pop.has_disabled,
                          has_months=pop.has_months,
                          extra=extra, extra_labels=pop.extra_labels, source=pop.source)
    return Population.concat(pop, newborns), projection
