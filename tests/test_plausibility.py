"""Plausibility: inputs that are allowed but probably not meant are warnings, inputs that
cannot be are errors; each names the file and the key and says why (docs/validation.md).

One test (or one table of cases) per class: macro levels against the profile, the
exchange rate's direction, percentages for fractions, amounts that overflow, microdata
rows that cannot be, NaN and infinity in every numeric key, years outside the horizon,
keys a benefit type ignores, pairs in order, encodings, control characters, memory,
weak messages; warnings kept in results.nc and turned into errors by --strict.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import simulate
from simulate import plausibility
from simulate.cli import main
from simulate.errors import InputError, InputWarning, ScenarioError
from simulate.population.microdata import read_microdata
from simulate.runs import check, run
from simulate.scenario import schema

BASE = """\
[scenario]
name = "plausibility"
country = "lao"
start_year = 2025
end_year = 2027

[population]
records = 300

[programmes.child]
eligibility = { age = [0, 2] }
benefit = { amount = 100_000 }
take_up = 0.9
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(BASE, encoding="utf-8")
    return path


def problems_of(path: Path, overrides: dict | None = None) -> list:
    """The problems of loading and checking (profile, population) a scenario."""
    with pytest.raises(InputError) as info:
        check(simulate.load_scenario(path, overrides=overrides))
    return info.value.problems


def warnings_of(path: Path, overrides: dict | None = None) -> list[str]:
    """The warnings of loading and checking a scenario (no error)."""
    return [str(w) for w in check(simulate.load_scenario(path, overrides=overrides))]


# ------------------------------------------------------------- warnings: one each
WARNINGS = [
    ("inflation as a percentage", {"macro.inflation": 5},
     "--set: macro.inflation expected a fraction per year (0.05 = 5%); above 1 (100% a "
     "year) looks like a percentage, found 5"),
    ("admin share as a percentage", {"programmes.child.admin.share_of_transfers": 5},
     "programmes.child.admin.share_of_transfers expected a fraction of transfers (0.05 = "
     "5%); above 1 looks like a percentage, found 5"),
    ("tax base as a percentage",
     {"fiscal.financing.tax.vat": {"rate_change": 0.01, "base_pct_gdp": 5}},
     "fiscal.financing.tax.vat.base_pct_gdp expected a fraction of GDP (0.05 = 5%); above "
     "1 looks like a percentage, found 5"),
    ("percentile as a fraction",
     {"programmes.child.targeting": {"method": "poverty", "welfare_percentile_max": 0.2}},
     "programmes.child.targeting.welfare_percentile_max expected a percentile from 0 to 100 "
     "(20 = the poorest 20%); below 1 looks like a fraction (0.2 for 20), found 0.2"),
    ("GDP ten times off", {"macro.gdp": 3.0e13},
     "--set: macro.gdp expected a value near 3.659e+14, the profile's GDP of 2025 in LAK, "
     "within a factor of 10, found 3e+13 (1/12.2 of it)"),
    ("exchange rate ten times off", {"macro.exchange_rate": 2000},
     "macro.exchange_rate expected a value near 2.173e+04, the profile's rate (LAK per "
     "USD), within a factor of 10, found 2000"),
    ("gdp_year far before the horizon", {"macro.gdp": 1.0e11, "macro.gdp_year": 1960},
     "--set: macro.gdp_year expected a year from 2020 to 2027"),
    ("benefit above GDP per person", {"programmes.child.benefit.amount": 1e9},
     "programmes.child.benefit.amount expected an amount below 10 times GDP per person"),
    ("fixed cost in a year before the horizon",
     {"programmes.child.admin.fixed_year": {"1999": 5}},
     "--set: programmes.child.admin.fixed_year.1999 expected years in the horizon 2025-2027,"
     " found year 1999 (every entry is outside, so the path's value at the nearest of them "
     "applies in every year)"),
    ("set-up cost in a year before the horizon", {"programmes.child.admin.setup": {"1999": 5}},
     "--set: programmes.child.admin.setup.1999 expected years in the horizon 2025-2027, "
     "found year 1999 (amounts in years outside the horizon are not counted)"),
    ("ODA in a year before the horizon",
     {"fiscal.financing.oda": {"1999": 5, "2026": 0}},
     "--set: fiscal.financing.oda.1999 expected years in the horizon 2025-2027, found year "
     "1999 (it is used only to interpolate or extend the path into the horizon)"),
    ("poverty line ten times off",
     {"programmes.child.targeting": {"method": "poverty", "poverty_line": 1e8}},
     "programmes.child.targeting.poverty_line expected a value near"),
    ("activity units beyond the horizon",
     {"returns": {"discount_rate": 0.06, "activities": {"a": {"unit_costs": [1],
                                                             "units": {"2031": 1}}}}},
     "--set: returns.activities.a.units.2031 expected years in the horizon 2025-2027, found "
     "year 2031 (amounts in years outside the horizon are not counted)"),
    ("roll-out beyond the horizon", {"programmes.child.rollout": {"2025": 0.2, "2040": 1}},
     "programmes.child.rollout.2040 expected years in the horizon 2025-2027"),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in WARNINGS],
                         ids=[c[0] for c in WARNINGS])
def test_warning_names_the_key_and_strict_makes_it_an_error(
        scenario_file: Path, overrides: dict, expected: str) -> None:
    found = warnings_of(scenario_file, overrides)
    assert any(expected in w for w in found), found
    assert all(w.startswith(("--set: ", f"{scenario_file.resolve()}: ")) for w in found)
    with pytest.raises(InputError) as info:  # --strict
        sc = simulate.load_scenario(scenario_file, overrides=overrides, strict=True)
        check(sc, strict=True)
    assert any(expected in str(p) for p in info.value.problems)


def test_the_same_year_rule_in_every_year_table(scenario_file: Path) -> None:
    """Programme paths, one-off amounts and [fiscal] paths: one warning each, one wording."""
    sc = simulate.load_scenario(scenario_file, overrides={
        "programmes.child.admin.fixed_year": {"1999": 5},
        "programmes.child.admin.setup": {"1999": 5},
        "fiscal.financing.oda": {"1999": 5},
        "fiscal.envelope_pct_gdp": {"2025": 0.01, "2031": 0.02},
    })
    keys = {w.key for w in sc.warnings}
    assert keys == {"programmes.child.admin.fixed_year.1999", "programmes.child.admin.setup.1999",
                    "fiscal.financing.oda.1999", "fiscal.envelope_pct_gdp.2031"}
    assert all("expected years in the horizon 2025-2027" in str(w) for w in sc.warnings)
    # and they run: the set-up cost of 1999 is not charged, the fixed cost is
    ds = run(sc)
    assert "setup.1999" in ds.attrs["warnings"]


# ------------------------------------------------------------- errors
ERRORS = [
    ("GDP in the wrong unit", {"macro.gdp": 365.9},
     "--set: macro.gdp expected a value near 3.659e+14, the profile's GDP of 2025 in LAK, "
     "within a factor of 1e+06, found 365.9 (1/1e+12 of it) (a unit mistake? 365.9 x 1e12 "
     "= 3.659e+14)"),
    ("inverted exchange rate", {"macro.exchange_rate": 0.000046},
     "--set: macro.exchange_rate expected a value near 2.173e+04, the profile's rate (LAK "
     "per USD), found 4.6e-05, about its inverse 1/2.174e+04 (local "
     "currency per US dollar (LAK per USD), not USD per LAK)"),
    ("inverted exchange rate in a year table", {"macro.exchange_rate": {"2026": 0.00005}},
     "--set: macro.exchange_rate.2026 expected a value near"),
    ("number too large for float64", {"programmes.child.benefit.amount": 1e308},
     "--set: programmes.child.benefit.amount expected a number of magnitude at most 1e+300 "
     "(totals of larger numbers overflow float64), found 1e+308"),
    ("financing amount too large for float64", {"fiscal.financing.oda": {"2025": 1e301}},
     "--set: fiscal.financing.oda.2025 expected a number of magnitude at most 1e+300"),
    ("amount whose totals overflow", {"programmes.child.benefit.amount": 1e296},
     "--set: programmes.child.benefit.amount expected an amount whose totals fit in a "
     "float64 (below 1e300 LAK a year), found 1e+296 (a unit mistake?)"),
    ("poverty line in the wrong unit", {"poverty.line": 7.5},
     "--set: poverty.line expected a value near"),
    ("taper on a flat benefit", {"programmes.child.benefit.taper": 0.5},
     "--set: programmes.child.benefit.taper expected no taper with benefit type 'flat' (it "
     "is used by type 'top_up'), found taper = 0.5"),
    ("normative cost on a top-up",
     {"programmes.child.benefit": {"type": "top_up", "guaranteed_minimum": 10,
                                   "normative_cost": [5]}, "programmes.child.unit": "household"},
     "programmes.child.benefit.normative_cost expected no normative_cost with benefit type "
     "'top_up' (it is used by type 'utility')"),
    ("PMT key with poverty targeting",
     {"programmes.child.targeting": {"method": "poverty", "poverty_line": 100,
                                     "cutoff": 3}},
     "programmes.child.targeting.cutoff expected no cutoff with targeting method 'poverty' "
     "(it is used by method 'pmt')"),
    ("sensitivity pair in the wrong order",
     {"returns": {"discount_rate": 0.1},
      "sensitivity.parameters": {"returns.discount_rate": [0.10, 0.03]}},
     "--set: sensitivity.parameters.returns.discount_rate expected a pair [low, high] with "
     "low <= high, found [0.1, 0.03]"),
    ("age pair in the wrong order", {"programmes.child.eligibility.age": [5, 2]},
     "programmes.child.eligibility.age expected a pair [lo, hi] with lo < hi, lo >= 0, "
     "found [5, 2]"),
    ("NUL in a label", {"programmes.child.label": "child\x00grant"},
     "--set: programmes.child.label expected text without control characters, found "
     "'child\\x00grant' (contains \\x00)"),
    ("escape in a region name", {"programmes.child.eligibility.region": "North\x1b"},
     "programmes.child.eligibility.region expected text without control characters"),
    ("control character in a key",
     {"sensitivity.parameters": {"returns.discount_rate\x07": [0.05, 0.1]},
      "returns": {"discount_rate": 0.1}},
     "expected a key without control characters"),
    ("misspelt source", {"population.source": "synthetik"},
     "--set: population.source expected \"synthetic\" or a path to a .csv, .parquet or .pq "
     "file, found 'synthetik' (did you mean 'synthetic'?)"),
    ("unrelated word: no far-fetched suggestion", {"programmes.child.colour": "red"},
     "--set: programmes.child.colour expected a known key, found an unknown key (valid: "),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in ERRORS],
                         ids=[c[0] for c in ERRORS])
def test_error_names_the_key_and_says_why(scenario_file: Path, overrides: dict,
                                          expected: str) -> None:
    text = "\n".join(str(p) for p in problems_of(scenario_file, overrides))
    assert expected in text, text
    assert "did you mean 'rollout'" not in text


def test_nan_and_infinity_refused_by_every_numeric_key() -> None:
    """Every spec of the registry that takes numbers refuses NaN and infinity, alone, in
    a pair, in a list and in a table of years."""
    tried = 0
    for key, spec in schema.walk(schema.SCENARIO):
        for bad in (math.nan, math.inf, -math.inf):
            values = {
                schema.Number: [bad], schema.Path: [bad, {"2025": bad}],
                schema.NumberOrText: [bad], schema.Range: [[bad, 5], [0, bad]],
                schema.NumberList: [[1, bad]], schema.Values: [[bad], {"2025": bad}],
                schema.YearAmounts: [{"2025": bad}], schema.NumberMap: [{"a": bad}],
                schema.TakeUp: [bad, {"default": bad}],
                schema.Eligibility: [{"age": [bad, 5]}, {"score": bad}],
            }.get(type(spec), [])
            for value in values:
                ctx = schema.Context(lambda _k: "f.toml")
                spec.parse(value, ctx, key)
                assert ctx.problems, (key, value)
                tried += 1
    assert tried > 150


def test_nan_in_an_eligibility_pair_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(BASE.replace("age = [0, 2]", "age = [nan, 5]"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"eligibility.age expected a pair \[lo, hi\] of "
                                            r"finite numbers, found \[nan, 5\]"):
        simulate.load_scenario(path)


def test_overflowing_amount_leaks_no_numpy_warning(scenario_file: Path, capfd) -> None:
    r = CliRunner().invoke(main, ["run", str(scenario_file), "--set",
                                  "programmes.child.benefit.amount=1e296",
                                  "--out", str(scenario_file.parent / "o")])
    assert r.exit_code == 1, r.output
    assert "float64" in r.output and "Traceback" not in r.output
    assert "RuntimeWarning" not in capfd.readouterr().err
    assert not (scenario_file.parent / "o").exists()


def test_end_year_before_start_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(BASE.replace("end_year = 2027", "end_year = 2020")
                    .replace("take_up = 0.9", "take_up = 9"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        simulate.load_scenario(path)
    assert {p.key for p in info.value.problems} == {"scenario.end_year",
                                                    "programmes.child.take_up"}


def test_folder_as_source_or_extends_names_the_scenario_and_key(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.toml").write_text(BASE, encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(BASE.replace("records = 300", 'source = "data"'), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        simulate.load_scenario(path)
    assert str(info.value) == (f"{path.resolve()}: population.source expected \"synthetic\" "
                               "or a path to a .csv, .parquet or .pq file, found 'data' (a "
                               "folder)")
    path.write_text('extends = "data"\n' + BASE, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        simulate.load_scenario(path)
    assert str(info.value) == (f"{path.resolve()}: extends expected a scenario file (.toml), "
                               "found 'data' (a folder) (it holds x.toml)")


# ------------------------------------------------------------- warnings in the results
def test_warnings_in_results_summary_and_stderr_and_strict_writes_nothing(
        scenario_file: Path) -> None:
    out = scenario_file.parent / "out"
    r = CliRunner().invoke(main, ["run", str(scenario_file), "--set", "macro.inflation=5",
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    line = ("--set: macro.inflation expected a fraction per year (0.05 = 5%); above 1 (100% "
            "a year) looks like a percentage, found 5")
    assert f"warning: {line}" in r.stderr
    assert "Warnings (1; --strict makes them errors):" in r.stdout
    assert line in (out / "summary.txt").read_text(encoding="utf-8")
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds.attrs["warnings"] == line
    strict = scenario_file.parent / "strict"
    r = CliRunner().invoke(main, ["run", str(scenario_file), "--set", "macro.inflation=5",
                                  "--out", str(strict), "--strict"])
    assert r.exit_code == 1 and f"error: {line}" in r.output
    assert not strict.exists()
    for command in (["validate", str(scenario_file)],
                    ["compare", str(scenario_file), "--out", str(strict)]):
        r = CliRunner().invoke(main, [*command, "--set", "macro.inflation=5", "--strict"])
        assert r.exit_code == 1 and f"error: {line}" in r.output, command
    r = CliRunner().invoke(main, ["validate", str(scenario_file), "--set", "macro.inflation=5"])
    assert r.exit_code == 0 and f"warning: {line}" in r.output


def test_a_run_without_warnings_keeps_an_empty_attribute(scenario_file: Path) -> None:
    ds = run(simulate.load_scenario(scenario_file))
    assert ds.attrs["warnings"] == ""
    assert plausibility.warning_lines(ds) == []


def test_cost_above_half_of_gdp_is_a_warning_after_the_run(scenario_file: Path) -> None:
    sc = simulate.load_scenario(scenario_file, overrides={  # 0.8 x GDP per person to all
        "programmes.child.benefit.amount": 3e6, "programmes.child.eligibility.age": [0, 130]})
    ds = run(sc)
    lines = ds.attrs["warnings"].splitlines()
    assert any(line.startswith("--set: programmes.child.benefit expected a cost below 50% of "
                               "GDP") for line in lines), lines
    with pytest.raises(InputError, match="a cost below 50% of GDP"):
        run(sc, strict=True)


# ------------------------------------------------------------- microdata
HEADER = "household_id,age,sex,weight,pregnant\n"


def microdata_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "hh.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_microdata(path, 2025)
    return [str(p) for p in info.value.problems]


MICRODATA = [
    ("pregnant man", HEADER + "1,30,f,1,0\n1,31,m,1,1\n",
     "row 3, column 'pregnant' expected false for a man (column 'sex' says male), found '1'"),
    ("pregnant child", HEADER + "1,30,f,1,0\n1,4,f,1,yes\n",
     "row 3, column 'pregnant' expected false below age 10, found 'yes'"),
    ("age above 120", HEADER + "1,30,f,1,0\n1,121,f,1,0\n",
     "row 3, column 'age' expected a whole number of years 0..120, found '121'"),
    ("huge household", HEADER + "".join("7,30,f,1,0\n" for _ in range(1001)),
     "row 2, column 'household_id' expected a household of at most 1000 members, found 1,001 "
     "rows with this household's id"),
    ("weight of 1e300", HEADER + "1,30,f,1,0\n2,30,f,1e300,0\n",
     "row 3, column 'weight' expected at most 1e+10 persons represented by one row, found "
     "'1e300'"),
    ("weights totalling more than the world", HEADER + "1,30,f,6e9,0\n2,30,f,6e9,0\n",
     "column 'weight' expected weights totalling at most 1e+10 persons"),
    ("NUL in a region", "household_id,age,sex,weight,region\n1,30,f,1,No\x00rth\n"
                        "2,3,m,1,South\n",
     "row 2, column 'region' expected text without control characters"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in MICRODATA],
                         ids=[c[0] for c in MICRODATA])
def test_microdata_rows_that_cannot_be(tmp_path: Path, text: str, expected: str) -> None:
    found = microdata_problems(tmp_path, text)
    assert any(expected in p for p in found), found


def test_all_zero_weights_give_one_message(tmp_path: Path) -> None:
    rows = "".join(f"{i},30,f,0,0\n" for i in range(500))
    assert microdata_problems(tmp_path, HEADER + rows) == [
        f"{tmp_path / 'hh.csv'}: column 'weight' expected a finite number > 0 (persons "
        "represented), found '0' in every row (500 rows)"]


def test_microdata_warnings_reach_the_run(tmp_path: Path) -> None:
    big = "".join("1,30,f,1,0\n" for _ in range(150))
    many = "".join(f"{i},30,m,1,0\n" for i in range(2, 14))
    heavy = "99,40,f,1000000,0\n"
    (tmp_path / "hh.csv").write_text(HEADER + big + many + heavy, encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(BASE.replace("records = 300", 'source = "hh.csv"'), encoding="utf-8")
    found = warnings_of(path)
    assert any("row 2, column 'household_id' expected a household of at most 100 members"
               in w for w in found), found
    assert any("column 'weight' expected weights of which no household holds more than 50% "
               "of the total" in w for w in found), found
    ds = run(simulate.load_scenario(path))
    assert "at most 100 members" in ds.attrs["warnings"]
    with pytest.raises(InputError, match="at most 100 members"):
        run(simulate.load_scenario(path), strict=True)


def test_microdata_in_latin_1_names_the_byte_and_row(tmp_path: Path) -> None:
    path = tmp_path / "hh.csv"
    path.write_bytes(b"household_id,age,sex,weight,region\n1,30,f,1,North\n2,3,m,1,S\xe9gou\n")
    with pytest.raises(InputError) as info:
        read_microdata(path, 2025)
    assert str(info.value) == (f"{path}: file expected UTF-8 text, found byte 0xe9 in row 3, "
                               "which is not UTF-8 (save the file as UTF-8 (CSV UTF-8 in a "
                               "spreadsheet))")


# ------------------------------------------------------------- files and memory
def test_binary_and_latin_1_scenarios_are_reported_and_validate_goes_on(
        tmp_path: Path, scenario_file: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)))
    latin = tmp_path / "latin.toml"
    latin.write_bytes(BASE.replace("plausibility", "caf\xe9").encode("latin-1"))
    r = CliRunner().invoke(main, ["validate", str(binary), str(latin), str(scenario_file)])
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "internal error" not in r.output
    assert f"error: {binary}: file expected UTF-8 text (TOML files are UTF-8), found byte " \
           "0x80 at line 2 that is not UTF-8 (a binary file?)" in r.output
    assert f"error: {latin}: file expected UTF-8 text (TOML files are UTF-8), found byte " \
           "0xe9 at line 2 that is not UTF-8 (save the file as UTF-8)" in r.output
    assert f"ok: {scenario_file}" in r.output


def test_nul_in_a_label_is_refused_before_the_run(scenario_file: Path) -> None:
    scenario_file.write_text(BASE.replace('name = "plausibility"', 'name = "a\\u0000b"'),
                             encoding="utf-8")
    r = CliRunner().invoke(main, ["run", str(scenario_file), "--out",
                                  str(scenario_file.parent / "o")])
    assert r.exit_code == 1
    assert "scenario.name expected text without control characters" in r.output
    assert not (scenario_file.parent / "o").exists()


def test_memory_estimate_refuses_a_run_that_cannot_fit(
        scenario_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plausibility, "available_memory", lambda: 4 * 2**30)
    sc = simulate.load_scenario(scenario_file, overrides={"population.records": 100_000_000})
    need = plausibility.estimated_peak(sc)
    assert need == pytest.approx(100_000_000 * 1.09 * 300 + 2**30)
    with pytest.raises(InputError) as info:
        run(sc)
    text = str(info.value)
    fit = int(3 * 2**30 / 300 / 1.09)
    assert text.startswith("--set: population.records expected a population that fits in "
                           f"the 4.0 GiB of memory available (at most about {fit:,} records")
    for option in ("fewer records", "in chunks", "more memory"):
        assert option in text
    # the estimate for the default 200,000 records fits
    assert plausibility.memory_check(simulate.load_scenario(scenario_file)) is None


def test_warning_records_are_problems_in_the_same_grammar() -> None:
    w = InputWarning("f.toml", "macro.inflation", "a fraction", "5")
    assert str(w) == "f.toml: macro.inflation expected a fraction, found 5"
    assert isinstance(w, simulate.errors.Problem)
    assert np.all([isinstance(w, InputWarning)])


def test_devices_and_symlink_loops_are_input_errors(tmp_path: Path,
                                                     scenario_file: Path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(tmp_path / "other.toml")
    (tmp_path / "other.toml").symlink_to(loop)
    r = CliRunner().invoke(main, ["validate", "/dev/zero", str(loop), str(scenario_file)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert ("error: /dev/zero: file expected a regular TOML file, found a device, pipe or "
            "socket") in r.output
    assert f"error: {loop}: file expected a file path that resolves" in r.output
    assert f"ok: {scenario_file}" in r.output


def test_memory_estimate_of_a_microdata_file(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hh.csv").write_text("household_id,age,sex,weight\n" + "1,30,f,1\n" * 1000,
                                     encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(BASE.replace("records = 300", 'source = "hh.csv"'), encoding="utf-8")
    sc = simulate.load_scenario(path)
    assert plausibility.memory_check(sc) is None or plausibility.available_memory() < 2**31
    monkeypatch.setattr(plausibility, "available_memory", lambda: 2**30 + 1000)
    with pytest.raises(InputError, match=r"population.source expected a microdata file that "
                                         r"can be read in the 1.0 GiB of memory available"):
        check(sc)


def test_out_of_memory_is_a_clear_message(scenario_file: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def no_memory(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr("simulate.engine.prepare", no_memory)
    r = CliRunner().invoke(main, ["run", str(scenario_file), "--out",
                                  str(scenario_file.parent / "o")])
    assert r.exit_code == 1 and "error: out of memory: nothing was written" in r.output
    assert not (scenario_file.parent / "o").exists()
