"""The fund's capitalisation plan: its tables, text, warnings and two charts.

One source of the numbers: the plan's tables (:func:`fund_table` by year,
:func:`capital_by_probability`, :func:`indicators`; tabular.Table built from the
Dataset's ``fund_*`` variables) are what fund.txt, fund_plan.csv,
fund_capital.csv, fund_indicators.csv, the "Fund" sheets of tables.xlsx and the
fund section of report.html show. The charts (:func:`fan_figure`,
:func:`capital_figure`) are drawn in the house style (style.py) and registered,
with the tables, the report section and the depletion warnings
(:func:`fund_warnings`), by :mod:`simulate.report.fund_hooks`.

A run with cost draws is shown by the mean over the cost draws of the
deterministic fund variables (their ``draw`` dimension); the Monte Carlo's own
variables lie on ``fund_draw`` and are summarised by their percentiles.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import style
from .common import aligned as _aligned
from .common import money_text as _money
from .common import share_text as _share
from .summary import SummaryInput, summary_section
from .tabular import Column, Table, display_units, kind_of, var_column, write_table_csv

#: the probabilities shown in the plan's headline table
HEADLINE = (0.5, 0.9, 0.95, 0.99)
#: the files of the plan written beside results.nc (the charts: fund_hooks.FUND_CHARTS)
FILES = ("fund.txt", "fund_plan.csv", "fund_capital.csv", "fund_indicators.csv")


def has_fund(ds: xr.Dataset) -> bool:
    """Whether ``ds`` holds a fund plan (the Monte Carlo ran)."""
    return "fund_balance" in ds


def _central(da: xr.DataArray) -> xr.DataArray:
    """The mean over cost draws (``draw``) of a deterministic fund variable."""
    return da.mean("draw") if "draw" in da.dims else da


def _scalar(ds: xr.Dataset, name: str) -> float:
    return float(_central(ds[name]).values) if name in ds else float("nan")


def target_probability(ds: xr.Dataset) -> float:
    """fund.target_probability of the run (NaN when absent)."""
    return float(ds.attrs.get("fund_target_probability", np.nan))


def _source_label(source: str) -> str:
    return source.replace("_", " ")


# --- the plan's tables ----------------------------------------------------------------

#: by-year variables of the plan table, in order
BY_YEAR = ("fund_bill", "fund_bond_service", "fund_bond_service_budget", "fund_payout",
           "fund_balance_expected", "fund_payg_cost_rate")


def plan_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """One row per year: contributions by source, the bill, bond service, the path at
    expected returns, balance percentiles over the paths, depletion probability (raw
    values: money nominal, shares as fractions)."""
    rows = []
    sources = [str(s) for s in ds["fund_source"].values]
    contrib = _central(ds["fund_contributions"]).transpose("year", "fund_source").values
    pct = ds["fund_balance_percentile"].transpose("year", "fund_percentile").values
    percentiles = [int(q) for q in ds["fund_percentile"].values]
    by_year = {v: _central(ds[v]).values for v in BY_YEAR if v in ds}
    for y, year in enumerate(ds["year"].values):
        row: dict[str, object] = {"year": int(year)}
        for s, name in enumerate(sources):
            row[f"contribution:{name}"] = float(contrib[y, s])
        for var, values in by_year.items():
            row[var] = float(values[y])
        for k, q in enumerate(percentiles):
            row[f"balance_p{q}"] = float(pct[y, k])
        row["depletion_probability"] = float(ds["fund_depletion_probability"].values[y])
        rows.append(row)
    return rows


def fund_table(ds: xr.Dataset) -> Table | None:
    """The plan by year (fund_plan.csv, the "Fund" sheet, the report's table); None
    without a fund plan."""
    if not has_fund(ds):
        return None
    currency = str(ds.attrs.get("currency", ""))
    cols = [Column("year", "year", "", "year")]
    cols += [Column(f"contribution:{s}", f"contribution:{s}", currency, "money",
                    f"contribution: {_source_label(str(s))}") for s in ds["fund_source"].values]
    cols += [var_column(ds, v) for v in BY_YEAR if v in ds]
    for q in ds["fund_percentile"].values:
        cols.append(Column(f"balance_p{int(q)}", f"balance_p{int(q)}", currency, "money",
                           f"balance, {int(q)}th percentile of the paths"))
    cols.append(Column("depletion_probability", "depletion_probability", "%", "share",
                       "probability of depletion by the year"))
    return Table("fund_plan", "Fund capitalisation plan by year.", cols, plan_table(ds),
                 "Balances at the start of the year (before its flows), nominal; "
                 "percentiles and depletion over the return paths; other columns with "
                 "returns at their mean (the mean over cost draws of a run with draws).")


def capital_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """Required capital by probability of solvency (the chart's data)."""
    return [{"probability": float(p), "required_capital": float(c)} for p, c in zip(
        ds["fund_probability"].values, ds["fund_required_capital_by_probability"].values,
        strict=True)]


def capital_by_probability(ds: xr.Dataset) -> Table | None:
    """fund_capital.csv and the "Fund capital" sheet: the smallest initial capital
    solvent in every year with each probability; None without a fund plan."""
    if not has_fund(ds):
        return None
    currency = str(ds.attrs.get("currency", ""))
    cols = [Column("probability", "probability", "%", "share", "probability of solvency"),
            Column("required_capital", "required_capital", currency, "money",
                   "required initial capital")]
    return Table("fund_capital", "Required initial capital by probability of paying every "
                 "year.", cols, capital_table(ds),
                 f"Target {target_probability(ds):.0%}; nominal {currency}.")


#: scalar results of the plan: (variable, what it says), in the order shown
INDICATORS = (
    ("fund_required_capital", "required capital at the target probability"),
    ("fund_required_capital_deterministic", "required capital with returns at their mean "
     "(closed form)"),
    ("fund_simulated_capital", "capital of the simulated paths"),
    ("fund_depletion_probability_horizon", "probability of depletion within the horizon"),
    ("fund_level_contribution", "level yearly contribution for solvency at the target"),
    ("fund_sustainable_payout_share", "largest payout share sustainable at the target"),
    ("fund_general_average_premium", "general average premium (on the contribution base)"),
    ("fund_probability_real_balance_below", "probability that the real balance falls below "
     "the threshold"),
    ("fund_probability_spending_drop", "probability of a real spending cut beyond the "
     "threshold"),
    ("fund_balance_expected_end", "balance after the last year, returns at their mean"),
)


def indicators(ds: xr.Dataset) -> Table | None:
    """fund_indicators.csv and the "Fund indicators" sheet: the plan's scalar results
    (long format, units per row); None without a fund plan."""
    if not has_fund(ds):
        return None
    currency = str(ds.attrs.get("currency", ""))
    p = target_probability(ds)
    rows: list[dict[str, object]] = []
    for var, text in INDICATORS:
        if var not in ds:
            continue
        units = str(ds[var].attrs.get("units", "")).replace("{currency}", currency)
        if var == "fund_simulated_capital":
            text += (" (the required capital: no initial_capital)"
                     if ds.attrs.get("fund_capital_solved") else " (initial_capital)")
        rows.append({"indicator": text.replace("the target", f"{p:.0%}"), "variable": var,
                     "units": display_units(var, units), "value": _scalar(ds, var),
                     "_kind": kind_of(var, units)})
    cols = [Column("indicator", "indicator", "", "text"),
            Column("variable", "variable", "", "text"), Column("units", "units", "", "text"),
            Column("value", "value", "", "row")]
    return Table("fund_indicators", "Fund capitalisation plan: capital, solvers and risk.",
                 cols, rows, f"Over {ds.attrs.get('fund_paths')} return paths, seed "
                 f"{ds.attrs.get('fund_seed')}; rule {ds.attrs.get('fund_rule')}, pays "
                 f"{ds.attrs.get('fund_pays')}.")


# --- text -----------------------------------------------------------------------------


def plan_heading(ds: xr.Dataset) -> str:
    """What the plan is: currency, paths, seed, spending rule, what the fund pays."""
    return (f"Fund capitalisation plan ({ds.attrs.get('currency', '')}, nominal; "
            f"{ds.attrs.get('fund_paths')} return paths, seed {ds.attrs.get('fund_seed')}; "
            f"rule {ds.attrs.get('fund_rule')}, pays {ds.attrs.get('fund_pays')})")


def _cell(value: object, kind: str) -> str:
    x = float(value)  # type: ignore[arg-type]
    return _share(x) if kind == "share" else _money(x)


def plan_text(ds: xr.Dataset) -> str:
    """The plan's summary (fund.txt, printed by ``spsim fund``): capital by
    probability, solvers and risk, the warnings, then the plan by year; from the same
    tables as the workbook and the report."""
    p = target_probability(ds)
    lines = [plan_heading(ds), ""]
    table = [["required capital", "value"]]
    for r in capital_by_probability(ds).rows:  # type: ignore[union-attr]
        q = float(r["probability"])  # type: ignore[arg-type]
        if any(abs(q - h) < 1e-12 for h in HEADLINE) or abs(q - p) < 1e-12:
            mark = " (target)" if abs(q - p) < 1e-12 else ""
            table.append([f"solvent with probability {q:.0%}{mark}",
                          _money(float(r["required_capital"]))])  # type: ignore[arg-type]
    ind = {str(r["variable"]): r for r in indicators(ds).rows}  # type: ignore[union-attr]
    if "fund_required_capital_deterministic" in ind:
        table.append(["with returns at their mean (closed form)",
                      _money(float(ind["fund_required_capital_deterministic"]["value"]))])  # type: ignore[arg-type]
    lines += _aligned(table)
    cap = ind["fund_simulated_capital"]
    lines += ["", f"Capital of the paths: {_money(float(cap['value']))}"  # type: ignore[arg-type]
              + (" (the required capital at the target; no initial_capital)"
                 if ds.attrs.get("fund_capital_solved") else " (initial_capital)")]
    table = [["indicator", "value"]]
    for var, r in ind.items():
        if var.startswith("fund_required_capital") or var == "fund_simulated_capital":
            continue
        table.append([str(r["indicator"]), _cell(r["value"], str(r["_kind"]))])
    lines += ["", *_aligned(table)]
    warnings = fund_warnings(ds)
    if warnings:
        lines += ["", *(f"warning: {w}" for w in warnings)]
    header = ["year", "contributions", "bill", "bonds (fund)", "balance p5", "median",
              "p95", "P(depleted)"]
    table = [header]
    for r in fund_table(ds).rows:  # type: ignore[union-attr]
        contrib = sum(float(v) for k, v in r.items()  # type: ignore[arg-type]
                      if k.startswith("contribution:"))
        table.append([str(r["year"]), _money(contrib), _money(float(r["fund_bill"])),  # type: ignore[arg-type]
                      _money(float(r["fund_bond_service"])),  # type: ignore[arg-type]
                      _money(float(r["balance_p5"])), _money(float(r["balance_p50"])),  # type: ignore[arg-type]
                      _money(float(r["balance_p95"])),  # type: ignore[arg-type]
                      _share(float(r["depletion_probability"]))])  # type: ignore[arg-type]
    lines += ["", "By year (balance at the start of the year, over the paths)",
              *_aligned(table)]
    return "\n".join(lines)


def fund_warnings(ds: xr.Dataset) -> list[str]:
    """The depletion risk in words (report.html's warnings, fund.txt, the summary):
    the probability of depletion within the horizon above 1 - target probability;
    a declared initial capital below the required capital; the fund running dry with
    returns at their mean while it has a bill."""
    if not has_fund(ds):
        return []
    currency = str(ds.attrs.get("currency", ""))
    p = target_probability(ds)
    out = []
    horizon = _scalar(ds, "fund_depletion_probability_horizon")
    years = [int(y) for y in ds["year"].values]
    if np.isfinite(horizon) and np.isfinite(p) and horizon > 1 - p + 1e-12:
        dep = ds["fund_depletion_probability"].values
        first = next((y for y, d in zip(years, dep, strict=True) if d > 1 - p), years[-1])
        dy = ds["fund_depletion_year"].values if "fund_depletion_year" in ds else []
        dy = np.asarray(dy, dtype=float)
        median = (f"; median first year of depletion among those paths "
                  f"{int(np.median(dy[np.isfinite(dy)]))}" if np.isfinite(dy).any() else "")
        out.append(f"The fund runs dry within {years[0]}-{years[-1]} on "
                   f"{style.percent(horizon)} of the return paths, more than the "
                   f"{style.percent(1 - p)} the target probability {p:.0%} allows (above it "
                   f"from {first}{median}).")
    capital = _scalar(ds, "fund_simulated_capital")
    required = _scalar(ds, "fund_required_capital")
    if not ds.attrs.get("fund_capital_solved") and np.isfinite(required) and \
            required > capital:
        out.append(f"The fund's initial capital {style.money(capital, currency)} is below the "
                   f"{style.money(required, currency)} required to pay every year with "
                   f"probability {p:.0%} (short by {style.money(required - capital, currency)}"
                   ").")
    if "fund_balance_expected" in ds and "fund_payout" in ds and "fund_bill" in ds and \
            str(ds.attrs.get("fund_rule", "bill")) == "bill":
        bill = _central(ds["fund_bill"]).values
        paid = _central(ds["fund_payout"]).values
        short = [(y, b - q) for y, b, q in zip(years, bill, paid, strict=True)
                 if b - q > 1e-6 * max(abs(b), 1.0)]
        if short:
            out.append(f"With returns at their mean the fund cannot pay its whole bill from "
                       f"{short[0][0]}: {style.money(sum(s for _, s in short), currency)} "
                       f"unpaid over {len(short)} year(s) (left in the financing gap).")
    return out


def fund_summary(ds: xr.Dataset) -> list[str]:
    """The fund's lines closing a run's printed summary (its headline comes first:
    headline.py): where the plan is and the depletion warnings."""
    if not has_fund(ds):
        return []
    return ["", "Fund: the plan by year in fund.txt and fund_plan.csv, the Fund sheets of "
            "tables.xlsx and report.html", *(f"warning: {w}" for w in fund_warnings(ds))]


@summary_section("fund", 20)
def _summary_lines(run: SummaryInput) -> list[str]:
    """This module's section of the run summary (report/summary.py)."""
    return fund_summary(run.ds)


# --- charts ---------------------------------------------------------------------------


def fan_data(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """The fan chart's series: years (with the end, last year + 1) and the balance's
    percentiles at the start of each year."""
    years = np.r_[ds["year"].values, ds["year"].values[-1] + 1]
    out = {"year": years.astype(float)}
    pct = ds["fund_balance_percentile"].transpose("year", "fund_percentile").values
    for k, q in enumerate(ds["fund_percentile"].values):
        out[f"p{int(q)}"] = np.r_[pct[:, k], ds["fund_balance_end_percentile"].values[k]]
    if "fund_balance_expected" in ds and "fund_balance_expected_end" in ds:
        out["expected"] = np.r_[_central(ds["fund_balance_expected"]).values,
                                _scalar(ds, "fund_balance_expected_end")]
    return out


def fan_figure(ds: xr.Dataset, title: str) -> Any:
    """Fan chart of the balance: 5-95 and 25-75 % bands over the return paths, the
    median, the path at expected returns, the zero line."""
    data = fan_data(ds)
    currency = str(ds.attrs.get("currency", ""))
    fig, axes = style.figure(1, (9, 5.0))
    ax = axes[0]
    x = data["year"]
    ax.fill_between(x, data["p5"], data["p95"], color="#C6DBEF", linewidth=0,
                    label="5-95 % of the return paths")
    ax.fill_between(x, data["p25"], data["p75"], color="#6BAED6", linewidth=0,
                    label="25-75 %")
    ax.plot(x, data["p50"], color="#08306B", linewidth=2, label="median")
    if "expected" in data:
        start = style.money(float(data["expected"][0]), currency)
        ax.plot(x, data["expected"], color=style.PALETTE[1], linestyle="--", linewidth=1.2,
                label=f"returns at their mean, from {start} (the fiscal path)")
    ax.axhline(0.0, color="black", linewidth=0.9)
    style.money_axis(ax, f"{currency}, nominal, at the start of the year")
    style.year_axis(ax)
    return style.finish(fig, title, ds.attrs, legend="below")


def capital_figure(ds: xr.Dataset, title: str) -> Any:
    """Required initial capital against the probability of paying every year, the
    target marked, the closed form (returns at their mean) as a line."""
    rows = capital_table(ds)
    currency = str(ds.attrs.get("currency", ""))
    probs = np.array([float(r["probability"]) for r in rows])  # type: ignore[arg-type]
    values = np.array([float(r["required_capital"]) for r in rows])  # type: ignore[arg-type]
    fig, axes = style.figure(1, (9, 5.0))
    ax = axes[0]
    ax.plot(100 * probs, values, marker="o", ms=4, color=style.PALETTE[0],
            label="required initial capital (Monte Carlo)")
    closed = _scalar(ds, "fund_required_capital_deterministic")
    if np.isfinite(closed):
        ax.axhline(closed, color="#555555", linestyle="--", linewidth=1,
                   label=f"returns at their mean: {style.money(closed, currency)}")
    p = target_probability(ds)
    if np.isfinite(p) and np.isclose(probs, p).any():
        k = int(np.argmin(np.abs(probs - p)))
        ax.plot([100 * p], [values[k]], marker="o", ms=10, color=style.PALETTE[1],
                linestyle="none",
                label=f"target {p:.0%}: {style.money(float(values[k]), currency)}")
    style.percent_axis(ax, "probability of paying every year", axis="x")
    style.money_axis(ax, f"{currency}, nominal")
    return style.finish(fig, title, ds.attrs, legend="below")


# --- files ----------------------------------------------------------------------------


def fund_writers(ds: xr.Dataset) -> dict[str, Callable[[Path], None]]:
    """The plan's files beside results.nc (FILES): fund.txt and its tables as CSV
    through the one CSV writer (tabular.py). The charts fund_balance.png and
    fund_capital.png are written with the run's charts (fund_hooks)."""
    if not has_fund(ds):
        return {}
    text = plan_text(ds)
    plan, capital, ind = fund_table(ds), capital_by_probability(ds), indicators(ds)
    return {
        "fund.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
        "fund_plan.csv": lambda p: write_table_csv(plan, p),  # type: ignore[arg-type]
        "fund_capital.csv": lambda p: write_table_csv(capital, p),  # type: ignore[arg-type]
        "fund_indicators.csv": lambda p: write_table_csv(ind, p),  # type: ignore[arg-type]
    }
