"""Household microdata import: hand-checked values and one message per broken file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulate.errors import DataError
from simulate.population.microdata import MAX_PROBLEMS, read_microdata
from simulate.population.records import CORE_DTYPES, Population

HEADER = "household_id,age,sex,weight"


def write(tmp_path: Path, text: str, name: str = "hh.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def to_parquet(csv_path: Path, out: Path) -> Path:
    """The same table as Parquet, with every column typed as pyarrow infers it."""
    pa_csv = pytest.importorskip("pyarrow.csv")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa_csv.read_csv(csv_path), out)
    return out


def message(path: Path, year: int = 2024, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        read_microdata(path, year, **kwargs)
    return str(info.value)


# ------------------------------------------------------------------ good files
def test_minimal_file(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n1,34,f,250.5\n1,36,m,250.5\n2,70,F,100\n")
    pop = read_microdata(path, 2024)
    assert isinstance(pop, Population)
    assert pop.n == 3
    assert pop.year == 2024
    assert pop.total == pytest.approx(601.0)
    assert pop.age.tolist() == [36, 34, 70]  # canonical order: the eldest first
    assert pop.sex.tolist() == [0, 1, 1]
    assert pop.household_id.tolist() == [0, 0, 1]
    assert pop.entry_year.tolist() == [2024, 2024, 2024]
    assert pop.region.tolist() == [0, 0, 0]
    assert pop.region_names == ("national",)
    assert pop.months.tolist() == [-1, -1, -1]
    assert np.isnan(pop.welfare).all()
    assert not pop.has_pregnant and not pop.has_months
    assert pop.extra == {} and pop.extra_labels == {}
    assert pop.source == str(path)
    for name, dtype in CORE_DTYPES.items():
        assert getattr(pop, name).dtype == dtype


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["f", "m", "F", "M"], [1, 0, 1, 0]),
        (["female", "male", "Female", "MALE"], [1, 0, 1, 0]),
        (["1", "0", "1", "0"], [1, 0, 1, 0]),  # 1 = female, 0 = male
    ],
)
def test_sex_forms(tmp_path: Path, cells: list[str], expected: list[int]) -> None:
    rows = "".join(f"h{i},30,{s},1\n" for i, s in enumerate(cells))
    pop = read_microdata(write(tmp_path, f"{HEADER}\n{rows}"), 2024)
    assert pop.sex.tolist() == expected


def test_text_household_ids_in_sorted_order(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nZ-9,10,f,1\nA-1,41,m,1\nZ-9,40,f,1\n")
    pop = read_microdata(path, 2024)
    # A-1 sorts first: code 0, whatever the order of the rows; Z-9's members are
    # grouped, the eldest first.
    assert pop.household_id.tolist() == [0, 1, 1]
    assert pop.age.tolist() == [41, 40, 10]


def test_non_contiguous_households_are_made_contiguous(tmp_path: Path) -> None:
    text = (
        "household_id,age,sex,weight,welfare\n"
        "7,30,f,10,100\n"  # row 2
        "3,31,m,20,200\n"  # row 3
        "7,5,m,10,100\n"  # row 4
        "3,6,f,20,200\n"  # row 5
        "7,2,f,10,100\n"  # row 6
    )
    pop = read_microdata(write(tmp_path, text), 2024)
    # households by id ("3" < "7"), members eldest first (not in file order)
    assert pop.household_id.tolist() == [0, 0, 1, 1, 1]
    assert pop.age.tolist() == [31, 6, 30, 5, 2]
    assert pop.welfare.tolist() == [200, 200, 100, 100, 100]
    assert pop.weight.sum() == pytest.approx(70.0)


def test_optional_columns(tmp_path: Path) -> None:
    text = (
        "household_id,age,sex,weight,region,urban,welfare,income,disabled,pregnant,months\n"
        "1,28,f,100,South,yes,5000000,12000000,0,true,3\n"
        "1,0,m,100,South,yes,5000000,,no,,11\n"
        "2,67,m,150,North,0,,NA,1,false,\n"
    )
    pop = read_microdata(write(tmp_path, text), 2023)
    assert pop.region_names == ("North", "South")  # sorted names found
    assert pop.region.tolist() == [1, 1, 0]
    assert pop.urban.tolist() == [1, 1, 0]
    assert pop.disabled.tolist() == [0, 0, 1]
    assert pop.pregnant.tolist() == [1, 0, 0]  # an empty boolean cell is false
    assert pop.has_pregnant and pop.has_months
    assert pop.months.tolist() == [3, 11, -1]
    np.testing.assert_array_equal(pop.welfare, [5e6, 5e6, np.nan])
    np.testing.assert_array_equal(pop.extra["income"], [12e6, np.nan, np.nan])
    assert pop.total == pytest.approx(350.0)
    assert pop.entry_year.tolist() == [2023] * 3


def test_extra_columns_numeric_bool_text(tmp_path: Path) -> None:
    text = (
        "household_id,age,sex,weight,land_ha,owns_radio,education,yesno\n"
        "1,30,f,1,1.5,1,secondary,yes\n"
        "1,8,m,1,,0,primary,no\n"
        "2,50,m,1,0.25,1,,YES\n"
        "2,45,f,1,3,0,none,\n"
    )
    pop = read_microdata(write(tmp_path, text), 2024)
    np.testing.assert_array_equal(pop.extra["land_ha"], [1.5, np.nan, 0.25, 3.0])
    np.testing.assert_array_equal(pop.extra["owns_radio"], [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(pop.extra["yesno"], [1.0, 0.0, 1.0, np.nan])
    assert pop.extra_labels == {"education": ("none", "primary", "secondary")}
    np.testing.assert_array_equal(pop.extra["education"], [2.0, 1.0, np.nan, 0.0])
    assert all(v.dtype == np.float64 for v in pop.extra.values())
    assert "education" in pop.columns()


def test_region_with_names_and_codes(tmp_path: Path) -> None:
    text = f"{HEADER},region\n1,30,f,1,South\n2,30,m,1,North\n3,30,f,1,1\n"
    pop = read_microdata(write(tmp_path, text), 2024, region_names=("North", "Central", "South"))
    assert pop.region_names == ("North", "Central", "South")
    assert pop.region.tolist() == [2, 0, 1]  # '1' is the code of Central


def test_blank_lines_spaces_and_bom(tmp_path: Path) -> None:
    text = "\ufeff household_id , age ,sex,weight\n\n 1 , 30 , f ,2\n\n2,40,m, 3 \n"
    pop = read_microdata(write(tmp_path, text), 2024)
    assert pop.age.tolist() == [30, 40]
    assert pop.weight.tolist() == [2.0, 3.0]


def test_row_numbers_count_blank_lines(tmp_path: Path) -> None:
    text = f"{HEADER}\n1,30,f,1\n\n1,abc,f,1\n"
    assert "hh.csv: row 4, column 'age'" in message(write(tmp_path, text))


def test_csv_and_parquet_give_identical_populations(tmp_path: Path) -> None:
    text = (
        "household_id,age,sex,weight,region,urban,welfare,income,pregnant,months,score,kind\n"
        "b7,28,1,100.25,South,1,5123456.5,12000000,1,3,0.1,x\n"
        "a1,67,0,150,North,0,,,0,,,y\n"
        "b7,0,0,100.25,South,1,5123456.5,,0,11,2.5,x\n"
        "c3,35,1,80.125,North,0,9000000,1e7,0,0,3,z\n"
    )
    csv_path = write(tmp_path, text)
    pq_path = to_parquet(csv_path, tmp_path / "hh.parquet")
    a = read_microdata(csv_path, 2024)
    b = read_microdata(pq_path, 2024)
    for name in CORE_DTYPES:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        assert getattr(a, name).dtype == getattr(b, name).dtype
    assert a.extra.keys() == b.extra.keys()
    for name in a.extra:
        np.testing.assert_array_equal(a.extra[name], b.extra[name], err_msg=name)
    assert a.extra_labels == b.extra_labels == {"kind": ("x", "y", "z")}
    assert (a.region_names, a.has_pregnant, a.has_months) == (
        b.region_names,
        b.has_pregnant,
        b.has_months,
    )
    assert b.source == str(pq_path)


def test_parquet_errors_use_spreadsheet_row_numbers(tmp_path: Path) -> None:
    csv_path = write(tmp_path, f"{HEADER}\n1,30,f,1\n1,30,f,-2\n")
    pq_path = to_parquet(csv_path, tmp_path / "bad.pq")
    assert "bad.pq: row 3, column 'weight'" in message(pq_path)


def test_sample_household_file_reads() -> None:
    path = Path(__file__).resolve().parents[1] / "scenarios" / "data" / "sample_households.csv"
    pop = read_microdata(path, 2024, region_names=("North", "Central", "South"))
    assert pop.total == pytest.approx(1_000_000, rel=0.05)
    assert pop.has_pregnant and np.isfinite(pop.welfare).all()
    assert len(np.unique(pop.household_id)) >= 30


# ----------------------------------------------------------------- bad files
BROKEN = [
    pytest.param(
        "household_id,sex,weight\n1,f,1\n",
        [
            "hh.csv: column 'age' expected a column named 'age', found columns household_id, sex, weight"
        ],
        id="missing-column",
    ),
    pytest.param(
        "household_id,Age,sex,weight\n1,30,f,1\n",
        ["hh.csv: column 'age' expected a column named 'age'", "(did you mean 'Age'?)"],
        id="missing-column-near-name",
    ),
    pytest.param(
        f"{HEADER}\n1,30,f,1\n1,3.5,f,1\n",
        ["hh.csv: row 3, column 'age' expected a whole number of years 0..120, found '3.5'"],
        id="fractional-age",
    ),
    pytest.param(
        f"{HEADER}\n1,121,f,1\n",
        ["hh.csv: row 2, column 'age' expected a whole number of years 0..120, found '121'"],
        id="age-too-high",
    ),
    pytest.param(
        f"{HEADER}\n1,,f,1\n",
        [
            "hh.csv: row 2, column 'age' expected a whole number of years 0..120, found an empty cell"
        ],
        id="empty-required-cell",
    ),
    pytest.param(
        f"{HEADER}\n1,30,f,1\n2,40,m,-5\n",
        [
            "hh.csv: row 3, column 'weight' expected a finite number > 0 (persons represented), found '-5'"
        ],
        id="negative-weight",
    ),
    pytest.param(
        f"{HEADER}\n1,30,x,1\n",
        [
            'hh.csv: row 2, column \'sex\' expected "f"/"m", "female"/"male" '
            "or 1 (female)/0 (male), found 'x'"
        ],
        id="bad-sex",
    ),
    pytest.param(
        f"{HEADER},region\n1,30,f,1,North\n2,30,f,1,Suoth\n",
        [
            "hh.csv: row 3, column 'region' expected one of the regions North, Central, South "
            "(or a code 0..2), found 'Suoth' (did you mean 'South'?)"
        ],
        id="unknown-region",
    ),
    pytest.param(
        f"{HEADER},region\n1,30,f,1,7\n",
        ["hh.csv: row 2, column 'region' expected one of the regions", "found '7'"],
        id="region-code-out-of-range",
    ),
    pytest.param(
        f"{HEADER},welfare,months,urban\n1,30,f,1,-3,12,maybe\n",
        [
            "hh.csv: row 2, column 'welfare' expected a finite number >= 0 or an empty cell, found '-3'",
            "hh.csv: row 2, column 'months' expected a whole number of months 0..11 or an empty cell, found '12'",
            "hh.csv: row 2, column 'urban' expected true/false, yes/no or 1/0, found 'maybe'",
        ],
        id="optional-columns",
    ),
    pytest.param(
        f"{HEADER}\n,30,f,1\n",
        ["hh.csv: row 2, column 'household_id' expected a household id, found an empty cell"],
        id="empty-household-id",
    ),
    pytest.param(
        f"{HEADER}\n1,30,f\n",
        ["hh.csv: row 2 expected 4 fields as in the header, found 3"],
        id="short-row",
    ),
    pytest.param(
        "", ["hh.csv: header expected a header row", "found an empty file"], id="empty-file"
    ),
    pytest.param(
        f"{HEADER}\n",
        ["hh.csv: rows expected at least one person record, found only the header"],
        id="header-only",
    ),
]


@pytest.mark.parametrize(("text", "fragments"), BROKEN)
def test_broken_files(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = write(tmp_path, text)
    msg = message(path, region_names=("North", "Central", "South"))
    for fragment in fragments:
        assert fragment in msg


def test_bad_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n1,30,f,1\n", name="hh.xlsx")
    expected = f"{path}: file expected a .csv, .parquet or .pq file, found '.xlsx'"
    assert message(path) == expected


def test_missing_file(tmp_path: Path) -> None:
    assert "nope.csv: file expected an existing file" in message(tmp_path / "nope.csv")


def test_every_problem_is_collected_and_capped(tmp_path: Path) -> None:
    rows = "".join(f"{i},200,q,0\n" for i in range(40))  # 3 problems a row: 120 in all
    rows += "40,30,f,1\n"  # one good row: the columns are not wrong as a whole
    with pytest.raises(DataError) as info:
        read_microdata(write(tmp_path, f"{HEADER}\n{rows}"), 2024)
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0].key == "row 2, column 'age'"
    assert problems[1].key == "row 2, column 'sex'"
    assert problems[2].key == "row 2, column 'weight'"
    assert problems[3].key == "row 3, column 'age'"
    assert str(problems[-1]).endswith("found 70 more problems (not listed)")


def test_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    path = tmp_path / "hh.parquet"
    path.write_bytes(b"PAR1")
    assert 'pip install "simulate[parquet]"' in message(path)
