"""Pure pieces of the reports: rounding, readable numbers, the assumptions parser,
the years a summary shows."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from simulate.errors import InputError
from simulate.report.assumptions import parse_assumptions
from simulate.report.headline import default_years, parse_years, unseen_lines
from simulate.report.style import money, percent, source_line
from simulate.report.tabular import csv_cell, display_units, kind_of


@pytest.mark.parametrize(("value", "kind", "text"), [
    (514687.63783083425, "count", "514688"),
    (7_612_345.4, "count", "7612350"),  # 6 significant digits
    (101_750_000_000.0, "money", "101750000000"),
    (123.456789, "money", "123.457"),
    (0.0014268, "share", "0.14268"),  # a share is written as a percentage
    (0.30000000000000004, "ratio", "0.3"),
    (-0.0000123456789, "share", "-0.00123457"),
    (0.0, "money", "0"),
    (float("nan"), "money", ""),
    (2025, "year", "2025"),
    ("Child grant", "text", "Child grant"),
])
def test_csv_cell(value: object, kind: str, text: str) -> None:
    assert csv_cell(value, kind) == text


def test_kinds_and_units() -> None:
    assert kind_of("cost", "LAK") == "money" and kind_of("cost_real", "LAK of start_year") == \
        "money"
    assert kind_of("coverage", "1") == "share" and display_units("coverage", "1") == "%"
    assert kind_of("gini", "1") == "ratio" and display_units("gini", "1") == "0-1"
    assert kind_of("err", "1 per year") == "share"
    assert display_units("err", "1 per year") == "% per year"
    assert kind_of("eligible", "persons") == "count"
    assert kind_of("exchange_rate", "LAK per USD") == "number"


@pytest.mark.parametrize(("x", "text"), [
    (1.4e12, "1.40 tn"), (101.75e9, "102 bn"), (12.3e9, "12.3 bn"), (2.5e6, "2.50 m"),
    (950.0, "950"), (-3.2e9, "-3.20 bn"), (float("nan"), "-")])
def test_money(x: float, text: str) -> None:
    assert money(x) == text


@pytest.mark.parametrize(("share", "text"), [
    (0.0014268, "0.14%"), (0.0000123, "0.0012%"), (0.2345, "23.45%"), (0.0, "0%"),
    (1.0, "100.00%"), (-0.00014, "-0.014%")])
def test_percent_never_a_false_zero(share: float, text: str) -> None:
    assert percent(share) == text


def test_source_line() -> None:
    attrs = {"scenario_file": "khm.toml", "scenario_original_sha256": "ab" * 32,
             "created": "2026-11-29T18:00:00+00:00", "simulate_version": "0.1.0"}
    assert source_line(attrs) == ("Source: simulate 0.1.0, scenario khm.toml (sha256 "
                                  "abababababab), run 2026-11-29")


TOML = '''\
# The title block: not a key's comment

[scenario]
name = "A # not a comment"  # the name's note
# growth: IMF WEO Oct 2025, "4.1 % in 2026"
# (second line of the same source)
growth = 0.041
rates = [
  0.1,  # first
  0.2,
]

# Results-based financing, seed 004: "DLI 1-3 (US$ 60 million)"
[fiscal.financing.results_based.a]
amount_usd = 1.5e7
"quoted.key" = 3
[[programmes.x.groups]]
share = 0.5
'''


def test_assumptions_parser() -> None:
    rows = {r.key: r for r in parse_assumptions(TOML, "s.toml")}
    assert rows["scenario.name"].value == '"A # not a comment"'
    assert rows["scenario.name"].source == "the name's note"
    assert rows["scenario.growth"].source == ('growth: IMF WEO Oct 2025, "4.1 % in 2026" '
                                              "(second line of the same source)")
    assert rows["scenario.growth"].line == 7
    assert " ".join(rows["scenario.rates"].value.split()) == "[ 0.1, 0.2, ]"
    assert rows["scenario.rates"].source == "first"
    assert rows["[fiscal.financing.results_based.a]"].source.startswith("Results-based")
    assert rows["fiscal.financing.results_based.a.amount_usd"].source == ""
    assert "fiscal.financing.results_based.a.quoted.key" in rows
    assert "[[programmes.x.groups]]" in rows and "programmes.x.groups.share" in rows
    assert rows["[scenario]"].source == ""  # the title block ends at a blank line


def _ds(cost: np.ndarray, financing: np.ndarray | None = None) -> xr.Dataset:
    years = np.arange(2025, 2025 + cost.shape[0])
    ds = xr.Dataset({
        "cost": (("year", "programme"), cost),
        "beneficiaries": (("year", "programme"), np.where(cost > 0, 10.0, 0.0)),
        "eligible": (("year", "programme"), np.full(cost.shape, 20.0)),
        "programme_label": ("programme", [f"P{k}" for k in range(cost.shape[1])]),
    }, coords={"year": years, "programme": [f"p{k}" for k in range(cost.shape[1])]})
    ds.attrs["currency"] = "LAK"
    if financing is not None:
        ds["financing"] = (("year", "source"), financing)
        ds = ds.assign_coords(source=["grant"])
        ds["source_label"] = ("source", ["A grant"])
    return ds


def test_default_years_are_start_milestones_end() -> None:
    cost = np.zeros((20, 2))
    cost[:, 0] = 5.0
    cost[7:12, 1] = 3.0  # the second programme runs 2032-2036
    fin = np.zeros((20, 1))
    fin[4, 0] = 1e9  # a one-off disbursement in 2029
    years = default_years(_ds(cost, fin))
    assert years[0] == 2025 and years[-1] == 2044
    assert {2029, 2030, 2032, 2037} <= set(years)
    assert unseen_lines(_ds(cost, fin), years) == []
    assert unseen_lines(_ds(cost, fin), [2025, 2044]) == [
        "note: programme P1 is 0 in the years shown, but 3 LAK in 2032, 3 LAK in 2033, "
        "3 LAK in 2034, 3 LAK in 2035, 3 LAK in 2036",
        "note: financing source A grant is 0 in the years shown, but 1.00 bn LAK in 2029"]


def test_parse_years() -> None:
    available = list(range(2025, 2031))
    assert parse_years("2025, 2027-2028,2030", available) == [2025, 2027, 2028, 2030]
    for bad in ("2024", "2025-2040", "x", "", "2028-2026"):
        with pytest.raises(InputError, match="--years expected years between 2025 and 2030"):
            parse_years(bad, available)
