"""Expected headline figures of every shipped scenario (docs/scenarios.md, "Expected outputs").

``tests/expected/<scenario file stem>.toml`` holds a small table of headline figures
of ``scenarios/<stem>.toml``; ``tests/test_expected.py`` runs each scenario and
compares (relative tolerance :data:`RTOL`). After a scenario or the engine changes
on purpose, regenerate every table with ONE command and review the diff::

    .venv/bin/python -m tests.expected --update            # all scenarios
    .venv/bin/python -m tests.expected --update ukr_gmi_hus  # some
    .venv/bin/python -m tests.expected                     # check only, print differences

Runs are at :data:`RECORDS` records (the scenario's own size for the scenarios whose
figures docs quote, so that docs can be checked against the same table), with the
uncertainty draws cut to :data:`DRAWS`. Headlines by year are for the first and last
year (every year when the horizon has at most :data:`SHORT` years):

* per programme: beneficiaries, households_beneficiaries (household programmes),
  transfers and cost by year, and share_to_poorest_quintile in the first year;
* population and total_cost by year, total_cost summed over the horizon,
  total_cost_pct_gdp in the first year;
* when present: financing_gap summed, each results_based_disbursement summed and its
  trigger month, the returns' npv and err by sensitivity case. A ``draw`` dimension
  is averaged; the fund's paths and the uncertainty's quantiles have their own tests.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
HERE = Path(__file__).resolve().parent
RTOL = 1e-6
#: records per scenario run (None: the scenario's own); default DEFAULT_RECORDS
DEFAULT_RECORDS = 20_000
RECORDS: dict[str, int | None] = {
    "ukr_gmi_hus": None, "ukr_gmi_hus_reform": None, "ukr_gmi_hus_history": None,
}
DRAWS = 20
#: horizons of at most this many years show every year, longer ones the first and last
SHORT = 6


def scenario_names() -> list[str]:
    """Stems of the shipped scenarios."""
    return sorted(p.stem for p in SCENARIOS.glob("*.toml"))


def overrides(name: str) -> dict[str, Any]:
    """The overrides the expected run of ``name`` uses."""
    out: dict[str, Any] = {}
    records = RECORDS.get(name, DEFAULT_RECORDS)
    if records is not None:
        out["population.records"] = records
    doc = tomllib.loads((SCENARIOS / f"{name}.toml").read_text(encoding="utf-8"))
    if "uncertainty" in doc:
        out["uncertainty.draws"] = DRAWS
    return out


def run(name: str):
    """The results Dataset of ``name`` as the expected tables are made."""
    import simulate

    sc = simulate.load_scenario(SCENARIOS / f"{name}.toml", overrides=overrides(name))
    return simulate.run(sc)


def _num(x: Any) -> float:
    return float(np.asarray(x).mean()) if np.asarray(x).ndim else float(x)


def headlines(ds) -> dict[str, float]:
    """Headline figures of a results Dataset (see the module docstring); a ``draw``
    dimension is averaged."""
    years = ds["year"].values
    first, last = int(years[0]), int(years[-1])
    shown = [int(y) for y in years] if len(years) <= SHORT else [first, last]
    out: dict[str, float] = {}
    for y in shown:
        out[f"population.{y}"] = _num(ds["population"].sel(year=y))
    for y in shown:
        out[f"total_cost.{y}"] = _num(ds["total_cost"].sel(year=y))
    out["total_cost.sum"] = _num(ds["total_cost"].sum("year"))
    out[f"total_cost_pct_gdp.{first}"] = _num(ds["total_cost_pct_gdp"].sel(year=first))
    for p in ds["programme"].values:
        d = ds.sel(programme=p)
        for var in ("beneficiaries", "households_beneficiaries", "transfers", "cost"):
            for y in shown:
                v = _num(d[var].sel(year=y))
                if not math.isnan(v):
                    out[f"{p}.{var}.{y}"] = v
        v = _num(d["share_to_poorest_quintile"].sel(year=first))
        if not math.isnan(v):
            out[f"{p}.share_to_poorest_quintile.{first}"] = v
    if "financing_gap" in ds:
        out["financing_gap.sum"] = _num(ds["financing_gap"].sum("year"))
    if "results_based_disbursement" in ds:
        for k in ds["indicator"].values:
            out[f"{k}.results_based_disbursement.sum"] = _num(
                ds["results_based_disbursement"].sel(indicator=k).sum("year"))
            m = _num(ds["results_based_trigger_month"].sel(indicator=k))
            if not math.isnan(m):
                out[f"{k}.results_based_trigger_month"] = m
    for var in ("npv", "err"):  # by sensitivity case
        if var in ds and "sensitivity" in ds[var].dims:
            for case in ds["sensitivity"].values:
                v = _num(ds[var].sel(sensitivity=case))
                if not math.isnan(v):
                    out[f"{var}.{case}"] = v
    return out


def path_of(name: str) -> Path:
    """The expected table of scenario ``name``."""
    return HERE / f"{name}.toml"


def read(name: str) -> dict[str, float]:
    """The stored headlines of ``name`` (its [headlines] table)."""
    doc = tomllib.loads(path_of(name).read_text(encoding="utf-8"))
    return {k: float(v) for k, v in doc["headlines"].items()}


def write(name: str, values: dict[str, float]) -> None:
    """Store ``values`` as the expected table of ``name``."""
    lines = [f"# Expected headline figures of scenarios/{name}.toml, written by",
             "# `python -m tests.expected --update` (tests/expected/__init__.py); do not edit.",
             f"# run with overrides {overrides(name)!r}; compared at relative tolerance {RTOL:g}",
             "", "[headlines]"]
    lines += [f'"{k}" = {v!r}' for k, v in values.items()]
    path_of(name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def differences(expected: dict[str, float], got: dict[str, float]) -> list[str]:
    """One line per headline that is missing, new, or outside :data:`RTOL`."""
    out = []
    for k in sorted(set(expected) | set(got)):
        if k not in got:
            out.append(f"{k}: expected {expected[k]!r}, no longer produced")
        elif k not in expected:
            out.append(f"{k}: new headline {got[k]!r}, not in the table")
        elif not math.isclose(got[k], expected[k], rel_tol=RTOL, abs_tol=1e-9):
            out.append(f"{k}: expected {expected[k]!r}, got {got[k]!r}")
    return out


def main(argv: list[str]) -> int:
    """``python -m tests.expected [--update] [scenario ...]``."""
    update = "--update" in argv
    names = [a for a in argv if not a.startswith("--")] or scenario_names()
    unknown = [n for n in names if n not in scenario_names()]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)} (known: {', '.join(scenario_names())})",
              file=sys.stderr)
        return 2
    status = 0
    for name in names:
        got = headlines(run(name))
        if update:
            write(name, got)
            print(f"wrote {path_of(name).relative_to(ROOT)} ({len(got)} headlines)")
            continue
        if not path_of(name).exists():
            print(f"{name}: no expected table (run with --update)")
            status = 1
            continue
        diff = differences(read(name), got)
        print(f"{name}: {'ok' if not diff else f'{len(diff)} difference(s)'}")
        for line in diff:
            print("  " + line)
        status |= bool(diff)
    return status
