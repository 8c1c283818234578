"""Fuzzing: valid scenario and microdata files, mutated (keys, values, types, NaN and
infinity, huge and negative numbers, control characters, encodings), go through
``spsim run`` in-process; every outcome is a valid run (exit 0, results.nc written) or
clear input errors (exit 1, ``error: <file>: <key> ...`` lines) — never an internal
error (exit 70), never a traceback. The number of cases tried is printed and must
reach a floor.

Tiny populations and two years keep each case fast (the whole file runs in about a
minute on a 2-core machine).
"""

from __future__ import annotations

import copy
import math
import re
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulate.cli import EXIT_INPUT, main
from simulate.scenario.loader import to_toml

SCENARIO: dict[str, Any] = {
    "scenario": {"name": "fuzz", "country": "lao", "start_year": 2025, "end_year": 2026,
                 "seed": 3},
    "population": {"records": 150},
    "macro": {"inflation": 0.05, "exchange_rate": {"2025": 21000.0, "2026": 22000.0}},
    "programmes": {
        "child": {"label": "Child grant", "eligibility": {"age": [0, 5], "sex": "f"},
                  "benefit": {"amount": 100_000.0, "period": "month"}, "take_up": 0.8,
                  "rollout": {"2025": 0.5, "2026": 1.0},
                  "admin": {"share_of_transfers": 0.05, "setup": {"2025": 1.0e6}}},
        "pension": {"unit": "person", "eligibility": [{"age": [65, 130]}, {"disabled": True}],
                    "benefit": {"amount": 300_000.0, "indexation": "cpi"},
                    "targeting": {"method": "poverty", "welfare_percentile_max": 40}},
    },
    "fiscal": {"revenue_pct_gdp": 0.15,
               "financing": {"reallocation_pct_gdp": 0.001, "oda": {"2025": 1.0e9}}},
}

MICRODATA_HEADER = ["household_id", "age", "sex", "weight", "welfare", "pregnant", "region"]
MICRODATA_ROWS = [
    ["h1", "34", "f", "120.5", "5000000", "1", "North"],
    ["h1", "36", "m", "120.5", "5000000", "0", "North"],
    ["h1", "2", "f", "120.5", "5000000", "0", "North"],
    ["h2", "70", "m", "80", "2500000", "0", "South"],
    ["h3", "25", "f", "95", "9000000", "0", "Central"],
    ["h3", "0", "m", "95", "9000000", "", "Central"],
]

#: plain values: mutations that should still run
PLAIN = [0.5, 1, 2, 10, 0.01, 2026, "North", "household", "year", "none", True, [0, 18],
         {"2025": 0.3, "2026": 0.6}]
NASTY_NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e300, 5e-324, -1.0, 0,
                 -5, 2**63, 2**70, 1e20, 0.2, 5, 100, 1960, 1999, 2300, 9999]
NASTY_TEXT = ["", " ", "a\x00b", "x\x1by", "\r", "tab\there", "é", "🙂", "synthetik",
              "../../etc/passwd", "flat", "top_up", "once", "none", "cpi", "f", "m", "x" * 300,
              "nan", "inf", "1e308", "-1", "North\x00"]
NASTY_VALUES = NASTY_NUMBERS + NASTY_TEXT + [True, False, [], [1], [5, 2], [math.nan, 5],
                                             [0, 1e308], {}, {"1999": 5}, {"2025": math.nan},
                                             {"x": 1}, [[1, 2]], [{"age": [0, 2]}]] + PLAIN
KEYS_TO_ADD = ["taper", "colour", "amount", "records", "gdp", "gdp_year", "extends", "source",
               "welfare_percentile_max", "cutoff", "fixed_year", "parameters"]
CELLS = ["", "nan", "NA", "inf", "-inf", "-1", "0", "1e300", "1e-300", "131", "2.5", "yes",
         "q", "f", "m", "\x00", "a\x01b", "é", "🙂", "9" * 40, "h1", "  ", '"', "1,2"]
ENCODINGS = ["utf-8"] * 6 + ["latin-1", "utf-16", "utf-8-sig", "garbage"]

COUNTS = {"scenario": 0, "microdata": 0, "ran": 0, "refused": 0}


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (tuple of keys/positions) in a document, tables and lists included."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(SCENARIO)


def _mutate(doc: dict, op: str, path: tuple, value: Any, extra_key: str) -> dict:
    doc = copy.deepcopy(doc)
    parent: Any = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if op == "set":
        parent[last] = value
    elif op == "delete":
        if isinstance(parent, dict):
            del parent[last]
        else:
            parent.pop(last)
    elif op == "add" and isinstance(parent, dict):
        parent[extra_key] = value
    elif op == "rename" and isinstance(parent, dict) and isinstance(last, str):
        parent[last[:-1] + "x" if last else "x"] = parent.pop(last)
    return doc


def _encode(text: str, encoding: str, junk: bytes) -> bytes:
    if encoding == "garbage":
        cut = len(text) // 2
        return text[:cut].encode() + junk + text[cut:].encode()
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, errors="replace")


def _check_outcome(result: Any, out: Path) -> None:
    """A valid run or clear input errors; never an internal error or a traceback."""
    output = result.output
    assert result.exit_code in (0, EXIT_INPUT), (result.exit_code, output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception), output)
    assert "Traceback" not in output and "internal error" not in output, output
    assert "RuntimeWarning" not in output, output
    if result.exit_code == 0:
        COUNTS["ran"] += 1
        assert (out / "results.nc").is_file()
    else:
        COUNTS["refused"] += 1
        errors = [line for line in output.splitlines() if line.startswith("error: ")]
        assert errors, output
        for line in errors:  # <file or --set>: <key> expected ..., found ...
            assert re.match(r"error: .+?: .+ expected .+, found .+", line), line
        assert not out.exists()


def _invoke(workdir: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["run", *args, "--out", str(workdir / "out"), "-q"])


@settings(max_examples=110, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(op=st.sampled_from(["set", "set", "set", "delete", "add", "rename"]),
       path=st.sampled_from(PATHS), value=st.sampled_from(NASTY_VALUES),
       extra_key=st.sampled_from(KEYS_TO_ADD), encoding=st.sampled_from(ENCODINGS),
       junk=st.binary(min_size=1, max_size=8))
def test_fuzz_scenario_files(op: str, path: tuple, value: Any, extra_key: str, encoding: str,
                             junk: bytes) -> None:
    COUNTS["scenario"] += 1
    doc = _mutate(SCENARIO, op, path, value, extra_key)
    try:
        text = to_toml(doc)
    except TypeError:  # a value TOML cannot hold: write it by hand, as a user might
        text = to_toml(SCENARIO) + f"\nbroken = {value!r}\n"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scenario = work / "s.toml"
        scenario.write_bytes(_encode(text, encoding, junk))
        _check_outcome(_invoke(work, str(scenario)), work / "out")


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(row=st.integers(0, len(MICRODATA_ROWS)), column=st.integers(0, 6),
       cell=st.sampled_from(CELLS), drop=st.sampled_from([None, *MICRODATA_HEADER]),
       encoding=st.sampled_from(ENCODINGS), junk=st.binary(min_size=1, max_size=8),
       repeat=st.sampled_from([1, 1, 1, 200]))
def test_fuzz_microdata_files(row: int, column: int, cell: str, drop: str | None,
                              encoding: str, junk: bytes, repeat: int) -> None:
    COUNTS["microdata"] += 1
    rows = [list(r) for _ in range(repeat) for r in MICRODATA_ROWS]
    header = list(MICRODATA_HEADER)
    if row == len(MICRODATA_ROWS):
        header[column] = cell  # a broken header
    else:
        rows[row][column] = cell
    if drop is not None:
        k = header.index(drop) if drop in header else None
        if k is not None:
            header.pop(k)
            for r in rows:
                r.pop(k)
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    doc = copy.deepcopy(SCENARIO)
    doc["population"] = {"source": "people.csv"}
    doc["programmes"]["pension"]["eligibility"] = [{"age": [65, 130]}]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "people.csv").write_bytes(_encode(text, encoding, junk))
        (work / "s.toml").write_text(to_toml(doc), encoding="utf-8")
        _check_outcome(_invoke(work, str(work / "s.toml")), work / "out")


def test_fuzz_cases_counted() -> None:
    """Runs after the two fuzzers (file order): how many cases, and how they ended."""
    print(f"\nfuzzing: {COUNTS['scenario']} scenario files and {COUNTS['microdata']} "
          f"microdata files tried; {COUNTS['ran']} ran, {COUNTS['refused']} refused with "
          "input errors, none ended in an internal error")
    if COUNTS["scenario"] + COUNTS["microdata"] == 0:  # run alone (pytest -k): nothing
        return
    assert COUNTS["scenario"] >= 100 and COUNTS["microdata"] >= 50
    assert COUNTS["ran"] >= 15 and COUNTS["refused"] >= 50
