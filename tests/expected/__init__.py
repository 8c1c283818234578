"""Expected headline figures of every shipped scenario (docs/scenarios.md, "Expected outputs").

``tests/expected/<scenario file stem>.toml`` holds a small table of headline figures
of ``scenarios/<stem>.toml``; ``tests/test_expected.py`` runs each scenario and
compares (relative tolerance :data:`RTOL`). After a scenario or the engine changes
on purpose, regenerate every table with ONE command and review the diff::

    .venv/bin/python -m tests.expected --update            # all scenarios
    .venv/bin/python -m tests.expected --update ukr_gmi_hus  # some
    .venv/bin/python -m tests.expected --update lao_mecg_pilot+enrolled  # a variant
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
  trigger month, the returns' npv and err by sensitivity case, the transition funnel's
  stocks and cost by payer by year, and the two targeting tests' overlap at each
  cut-off factor. A ``draw`` dimension is averaged; the fund's paths and the
  uncertainty's quantiles have their own tests;
* for the scenarios whose docs quote more: the years in :data:`YEARS` and the
  per-programme variables in :data:`VARIABLES`, so that every figure a doc quotes is
  a headline (the ``<!-- expected: ... -->`` markers, tests/test_expected.py).
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
    "lao_mecg": None, "lao_mecg_pilot": None, "lao_nsps_welfare": None,
    "khm_shock_response": None, "irq_mpca_spn": None, "irq_cash_transfer": None,
    "lao_prf3_nutrition": None,
}
#: years shown besides the first and last, for the scenarios whose docs quote them
YEARS: dict[str, tuple[int, ...]] = {
    "lao_mecg": (2030,),
    "lao_nsps_welfare": (2026, 2027, 2028, 2030, 2035, 2040),
    "khm_shock_response": (2021, 2022, 2023, 2025, 2029, 2032),
    "irq_mpca_spn": (2026, 2027, 2028, 2029, 2030),
}
#: variables shown besides the standard ones (docs quote them): by programme and year
#: at the years shown, by year, or by their one other dimension
VARIABLES: dict[str, tuple[str, ...]] = {
    "lao_mecg": ("beneficiary_years", "eligible"),
    "lao_mecg_pilot": ("beneficiary_years",),
    "lao_nsps_welfare": ("total_cost_pct_gdp",),
    "irq_mpca_spn": ("coverage", "transition_reassessment_pass"),
    "irq_cash_transfer": ("coverage",),
    "lao_prf3_nutrition": ("pv_benefits_by_channel",),
    "khm_shock_response": ("eligible", "stunting_covered_births", "stunting_prevalence_without",
                           "stunting_prevalence_with", "stunting_cases_avoided", "bcr",
                           "pv_benefits", "pv_costs", "pv_benefits_by_channel"),
}
#: variants: a table ``<scenario>+<name>`` is the scenario run with these overrides too
#: (docs quote the pilot enrolled and at the later payment completion, and the PRF III
#: NPV with the first year discounted)
_ALL = ("mecg_pregnant", "mecg_children")
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "lao_mecg_pilot+enrolled": ("lao_mecg_pilot", {f"programmes.{p}.take_up": 1.0 for p in _ALL}),
    "lao_mecg_pilot+paid70": ("lao_mecg_pilot", {f"programmes.{p}.take_up": 0.7 for p in _ALL}),
    "lao_prf3_nutrition+discounted": ("lao_prf3_nutrition", {"returns.discount_first_year": True}),
}
DRAWS = 20
#: horizons of at most this many years show every year, longer ones the first and last
SHORT = 6


def scenario_names() -> list[str]:
    """Stems of the shipped scenarios."""
    return sorted(p.stem for p in SCENARIOS.glob("*.toml"))


def table_names() -> list[str]:
    """Every expected table: the shipped scenarios and the :data:`VARIANTS`."""
    return sorted([*scenario_names(), *VARIANTS])


def base(name: str) -> str:
    """The scenario stem of table ``name`` (a variant's scenario)."""
    return VARIANTS[name][0] if name in VARIANTS else name


def overrides(name: str) -> dict[str, Any]:
    """The overrides the expected run of ``name`` uses."""
    out: dict[str, Any] = {}
    records = RECORDS.get(base(name), DEFAULT_RECORDS)
    if records is not None:
        out["population.records"] = records
    doc = tomllib.loads((SCENARIOS / f"{base(name)}.toml").read_text(encoding="utf-8"))
    if "uncertainty" in doc:
        out["uncertainty.draws"] = DRAWS
    if name in VARIANTS:
        out.update(VARIANTS[name][1])
    return out


def run(name: str):
    """The results Dataset of ``name`` as the expected tables are made."""
    import simulate

    sc = simulate.load_scenario(SCENARIOS / f"{base(name)}.toml", overrides=overrides(name))
    return simulate.run(sc)


def _num(x: Any) -> float:
    return float(np.asarray(x).mean()) if np.asarray(x).ndim else float(x)


def headlines(ds, name: str | None = None) -> dict[str, float]:
    """Headline figures of a results Dataset (see the module docstring); a ``draw``
    dimension is averaged. ``name`` (a scenario stem) adds its :data:`YEARS` and
    :data:`VARIABLES`."""
    years = ds["year"].values
    first, last = int(years[0]), int(years[-1])
    shown = [int(y) for y in years] if len(years) <= SHORT else [first, last]
    name = base(name) if name else name
    extra = [y for y in YEARS.get(name or "", ()) if y in set(int(v) for v in years)]
    shown = sorted(set(shown) | set(extra))
    out: dict[str, float] = {}
    for y in shown:
        out[f"population.{y}"] = _num(ds["population"].sel(year=y))
    for y in shown:
        out[f"total_cost.{y}"] = _num(ds["total_cost"].sel(year=y))
    out["total_cost.sum"] = _num(ds["total_cost"].sum("year"))
    out[f"total_cost_pct_gdp.{first}"] = _num(ds["total_cost_pct_gdp"].sel(year=first))
    for p in ds["programme"].values:
        d = ds.sel(programme=p)
        more = [v for v in VARIABLES.get(name or "", ()) if "programme" in ds[v].dims]
        for var in ("beneficiaries", "households_beneficiaries", "transfers", "cost", *more):
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
    for var in VARIABLES.get(name or "", ()):  # those without a programme dimension
        dims = ds[var].dims
        if "programme" in dims:
            continue
        if dims == ("year",):
            for y in shown:
                out[f"{var}.{y}"] = _num(ds[var].sel(year=y))
        elif len(dims) == 1:
            for k in ds[dims[0]].values:
                out[f"{var}.{k}"] = _num(ds[var].sel({dims[0]: k}))
        else:
            out[var] = _num(ds[var])
    for var, dim in (("transition_households", "funnel_stage"), ("transition_cost", "payer"),
                     ("transition_cost_share", "payer")):
        if var in ds:
            for k in ds[dim].values:
                for y in shown:
                    out[f"{var}.{k}.{y}"] = _num(ds[var].sel({dim: k, "year": y}))
    if "pmt_overlap" in ds:
        o = ds["pmt_overlap"]
        for f in o["factor_from"].values:
            for t in o["factor_to"].values:
                for k in o["overlap_status"].values:
                    v = _num(o.sel(factor_from=f, factor_to=t, overlap_status=k))
                    if not math.isnan(v):
                        out[f"pmt_overlap.{float(f):g}.{float(t):g}.{k}"] = v
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
    lines = [f"# Expected headline figures of scenarios/{base(name)}.toml, written by",
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
    names = [a for a in argv if not a.startswith("--")] or table_names()
    unknown = [n for n in names if n not in table_names()]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)} (known: {', '.join(table_names())})",
              file=sys.stderr)
        return 2
    status = 0
    for name in names:
        got = headlines(run(name), name)
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
