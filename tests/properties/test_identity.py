"""A record's random numbers follow the record, not its position: every year's results
are the same whatever the end year, and the same whatever the order of the rows of a
microdata file (simulate/population/identity.py).

Tolerance: none. Both properties hold bit for bit by design, not to rounding: the
same households are summed in the same order (chunks are placed by the first-year
records only, birth cohorts of later years add nothing to earlier years, and a
microdata file is put in canonical order as it is read), and each record keeps its
draws. So the comparisons below are exact (NaN where NaN).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import simulate
from simulate.engine import prepare, project_totals
from simulate.population.identity import record_key
from simulate.population.microdata import read_microdata
from simulate.population.records import CORE_DTYPES
from simulate.scenario import scenario_from_dict

START = 2025
#: every kind of draw (take-up, roll-out, exclusion and inclusion errors, pregnancy,
#: disability), once-only payments, household units and a means test
PROGRAMMES = {
    "mecg": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
             "benefit": {"amount": 150_000}, "take_up": 0.8,
             "rollout": {str(START): 0.3, str(START + 1): 1.0}},
    "pension": {"eligibility": {"age": [60, 200]}, "benefit": {"amount": 300_000},
                "targeting": {"method": "poverty", "welfare_percentile_max": 40,
                              "exclusion_error": 0.3, "inclusion_error": 0.2}},
    "disab": {"eligibility": {"disabled": True}, "benefit": {"amount": 200_000},
              "take_up": 0.7},
    "school": {"eligibility": {"age": [6, 12]},
               "benefit": {"amount": 50_000, "period": "once"}, "take_up": 0.6},
    "family": {"unit": "household", "eligibility": {"age": [0, 6]},
               "benefit": {"amount": 100_000}, "take_up": 0.7,
               "targeting": {"method": "poverty", "welfare_percentile_max": 50,
                             "exclusion_error": 0.1, "inclusion_error": 0.2}},
    "gmi": {"unit": "household", "eligibility": {"age": [0, 200]},
            "benefit": {"type": "top_up", "guaranteed_minimum": 200_000, "period": "month",
                        "income": ["welfare"], "taper": 0.5,
                        "equivalence": {"first": 1.0, "other_adult": 0.7, "child": 0.5}},
            "take_up": 0.9},
}


def scenario(end: int, seed: int, population: dict):
    return scenario_from_dict({
        "scenario": {"name": "identity", "country": "lao", "start_year": START,
                     "end_year": end, "seed": seed},
        "population": population,
        "programmes": PROGRAMMES,
    })


def assert_same_years(short: xr.Dataset, long: xr.Dataset) -> int:
    """Every result variable with a year dimension is identical (bit for bit, NaN where
    NaN) in the years both Datasets have; returns how many variables were compared."""
    years = short.year.values
    assert np.array_equal(long.year.values[:len(years)], years)
    compared = 0
    for name, var in short.data_vars.items():
        if "year" not in var.dims:
            continue
        assert name in long.data_vars, name
        other = long[name].sel(year=years)
        assert other.dims == var.dims, name
        for dim in var.dims:
            assert np.array_equal(other[dim].values, var[dim].values), (name, dim)
        assert np.array_equal(other.values, var.values, equal_nan=True), name
        compared += 1
    return compared


@settings(max_examples=5)
@given(end=st.integers(START, START + 3), later=st.integers(1, 5),
       seed=st.integers(0, 2**31 - 1), records=st.integers(150, 500))
def test_every_year_is_the_same_whatever_the_end_year(end, later, seed, records) -> None:
    population = {"records": records}
    short = simulate.run(scenario(end, seed, population))
    long = simulate.run(scenario(end + later, seed, population))
    assert assert_same_years(short, long) >= 30
    assert long.births.values[1:].sum() > 0  # birth cohorts were added (not vacuous)


@settings(max_examples=5)
@given(end=st.integers(START, START + 3), later=st.integers(1, 5),
       seed=st.integers(0, 2**31 - 1), chunk=st.integers(16, 300))
def test_kernel_totals_are_the_same_whatever_the_end_year(end, later, seed, chunk) -> None:
    """The kernel's totals of the shared years, with chunks small enough that the
    population spans many of them (birth cohorts must not move their boundaries)."""
    population = {"records": 600}
    short = prepare(scenario(end, seed, population))
    long = prepare(scenario(end + later, seed, population))
    a = project_totals(short, chunk_size=chunk)
    b = project_totals(long, chunk_size=chunk)
    n = len(short.rates.years)
    for name in ("programmes", "population", "poverty", "histogram", "overlap", "groups"):
        assert np.array_equal(getattr(b, name)[:n], getattr(a, name)), name


def test_record_keys_do_not_move_with_the_end_year() -> None:
    """The records of the shorter horizon keep their keys, in the same order, when later
    birth cohorts are added; every key is distinct."""
    population = {"records": 400}
    a = prepare(scenario(START + 3, 5, population)).population
    b = prepare(scenario(START + 9, 5, population)).population
    assert b.n > a.n
    shared = b.entry_year <= START + 3
    assert np.array_equal(record_key(b)[shared], record_key(a))
    assert np.array_equal(b.household_id[shared], a.household_id)
    keys = record_key(b)
    assert len(np.unique(keys)) == b.n


# ---------------------------------------------------------------------- microdata
HEADER = "household_id,age,sex,weight,region,urban,welfare,disabled,pregnant,months,enrolled"


@st.composite
def households(draw) -> list[str]:
    """Rows of a small survey: 1-8 households of 1-5 members; weights and other columns
    may differ within a household; duplicates (members equal in every column) occur."""
    rows = []
    for h in range(draw(st.integers(1, 8))):
        hid = draw(st.sampled_from(["H", "x-", ""])) + str(draw(st.integers(0, 30))) + f"_{h}"
        weight = draw(st.sampled_from([10.0, 250.5, 1000.0]))
        known = ["500000", "2500000", "9000000"]  # the first household's welfare is known
        welfare = draw(st.sampled_from(known + [""] if h else known))
        region = draw(st.sampled_from(["North", "Central", "South"]))
        urban = draw(st.integers(0, 1))
        for _ in range(draw(st.integers(1, 5))):
            age = draw(st.sampled_from([0, 1, 4, 8, 17, 25, 25, 33, 48, 61, 70, 85]))
            sex = draw(st.sampled_from(["f", "m"]))
            pregnant = int(sex == "f" and 15 <= age < 50 and draw(st.booleans()))
            w = weight if draw(st.booleans()) else draw(st.sampled_from([10.0, 99.5]))
            months = draw(st.sampled_from(["", "0", "6", "11"]))
            enrolled = draw(st.sampled_from(["yes", "no", ""]))
            rows.append(f"{hid},{age},{sex},{w},{region},{urban},{welfare},"
                        f"{draw(st.integers(0, 1))},{pregnant},{months},{enrolled}")
    return rows


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@settings(max_examples=40)
@given(rows=households(), perm=st.randoms(use_true_random=False))
def test_shuffled_rows_give_the_same_population(tmp_path_factory, rows, perm) -> None:
    folder = tmp_path_factory.mktemp("rows")
    shuffled = rows.copy()
    perm.shuffle(shuffled)
    a = read_microdata(write(folder / "a.csv", rows), START)
    b = read_microdata(write(folder / "b.csv", shuffled), START)
    for name in CORE_DTYPES:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert a.extra.keys() == b.extra.keys() and a.extra_labels == b.extra_labels
    for name in a.extra:
        assert np.array_equal(a.extra[name], b.extra[name], equal_nan=True), name
    assert a.region_names == b.region_names
    assert np.array_equal(record_key(a), record_key(b))
    # members of a household are together, the eldest first
    starts = np.r_[True, a.household_id[1:] != a.household_id[:-1]]
    assert np.all(np.diff(a.household_id) >= 0)
    assert np.all((np.diff(a.age.astype(int)) <= 0) | starts[1:])


@settings(max_examples=4)
@given(rows=households().filter(lambda r: any(",f," in x for x in r)),
       perm=st.randoms(use_true_random=False), seed=st.integers(0, 2**31 - 1),
       later=st.integers(1, 4))
def test_every_year_is_the_same_whatever_the_row_order_and_end_year(
        tmp_path_factory, rows, perm, seed, later) -> None:
    """A survey file, its rows shuffled, and the shuffled file with a later end year:
    every year both runs have is identical."""
    folder = tmp_path_factory.mktemp("survey")
    shuffled = rows.copy()
    perm.shuffle(shuffled)
    a = simulate.run(scenario(START + 2, seed, {"source": str(write(folder / "a.csv", rows))}))
    path = str(write(folder / "b.csv", shuffled))
    b = simulate.run(scenario(START + 2, seed, {"source": path}))
    c = simulate.run(scenario(START + 2 + later, seed, {"source": path}))
    assert assert_same_years(a, b) >= 30
    assert assert_same_years(b, c) >= 30
