"""The fund's capitalisation plan: tables, text and two charts.

Table and chart data are built apart from their rendering (:func:`plan_table`,
:func:`capital_table`, :func:`fan_data` are pure); :func:`fan_plot` and
:func:`capital_plot` draw with matplotlib only, self-contained so that they can
move onto a shared chart style. :func:`fund_writers` gives the files for
:func:`simulate.report.writer.write_atomically`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr

from .tables import _aligned, _money, _share

#: the probabilities shown in the plan's headline table
HEADLINE = (0.5, 0.9, 0.95, 0.99)


def has_fund(ds: xr.Dataset) -> bool:
    """Whether ``ds`` holds a fund plan (the Monte Carlo ran)."""
    return "fund_balance" in ds


def _central(da: xr.DataArray) -> xr.DataArray:
    """The mean over cost draws (``draw``) of a deterministic fund variable."""
    return da.mean("draw") if "draw" in da.dims else da


def plan_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """One row per year: contributions by source, the bill, bond service, the path at
    expected returns, balance percentiles over the paths, depletion probability."""
    rows = []
    sources = [str(s) for s in ds["fund_source"].values]
    contrib = _central(ds["fund_contributions"]).values
    pct = ds["fund_balance_percentile"].values
    percentiles = [int(q) for q in ds["fund_percentile"].values]
    for y, year in enumerate(ds["year"].values):
        row: dict[str, object] = {"year": int(year)}
        for s, name in enumerate(sources):
            row[f"contribution:{name}"] = float(contrib[y, s])
        for var in ("fund_bill", "fund_bond_service", "fund_bond_service_budget",
                    "fund_payout", "fund_balance_expected", "fund_payg_cost_rate"):
            row[var] = float(_central(ds[var]).values[y])
        for k, q in enumerate(percentiles):
            row[f"balance_p{q}"] = float(pct[y, k])
        row["depletion_probability"] = float(ds["fund_depletion_probability"].values[y])
        rows.append(row)
    return rows


def capital_table(ds: xr.Dataset) -> list[dict[str, object]]:
    """Required capital by probability of solvency (the chart's data)."""
    return [{"probability": float(p), "required_capital": float(c)} for p, c in zip(
        ds["fund_probability"].values, ds["fund_required_capital_by_probability"].values,
        strict=True)]


def _scalar(ds: xr.Dataset, name: str) -> float:
    return float(_central(ds[name]).values) if name in ds else float("nan")


def plan_text(ds: xr.Dataset) -> str:
    """The plan's summary: capital, solvers, risk, then the plan by year."""
    currency = ds.attrs.get("currency", "")
    p = float(ds.attrs.get("fund_target_probability", np.nan))
    by_prob = dict(zip((round(float(x), 6) for x in ds["fund_probability"].values),
                       ds["fund_required_capital_by_probability"].values, strict=True))
    lines = [f"Fund capitalisation plan ({currency}, nominal; {ds.attrs.get('fund_paths')} "
             f"return paths, seed {ds.attrs.get('fund_seed')}; rule {ds.attrs.get('fund_rule')}"
             f", pays {ds.attrs.get('fund_pays')})", ""]
    table = [["required capital", "value"]]
    for q in sorted(set(HEADLINE) | {p}):
        mark = " (target)" if abs(q - p) < 1e-12 else ""
        table.append([f"solvent with probability {q:.0%}{mark}",
                      _money(float(by_prob.get(round(q, 6), np.nan)))])
    table.append(["with returns at their mean (closed form)",
                  _money(_scalar(ds, "fund_required_capital_deterministic"))])
    lines += _aligned(table)
    capital = _scalar(ds, "fund_simulated_capital")
    solved = bool(ds.attrs.get("fund_capital_solved"))
    lines += ["", f"Capital of the paths: {_money(capital)}"
              + (" (the required capital at the target; no initial_capital)" if solved else
                 " (initial_capital)")]
    table = [["indicator", "value"],
             ["probability of depletion within the horizon",
              _share(_scalar(ds, "fund_depletion_probability_horizon"))],
             [f"level yearly contribution for {p:.0%} solvency",
              _money(_scalar(ds, "fund_level_contribution"))],
             [f"largest payout share sustainable with {p:.0%}",
              _share(_scalar(ds, "fund_sustainable_payout_share"))],
             ["general average premium (on the contribution base)",
              _share(_scalar(ds, "fund_general_average_premium"))],
             ["probability that the real balance falls below the threshold",
              _share(_scalar(ds, "fund_probability_real_balance_below"))],
             ["probability of a real spending cut beyond the threshold",
              _share(_scalar(ds, "fund_probability_spending_drop"))]]
    lines += ["", *_aligned(table)]
    rows = plan_table(ds)
    header = ["year", "contributions", "bill", "bonds (fund)", "balance p5", "median",
              "p95", "P(depleted)"]
    table = [header]
    for r in rows:
        contrib = sum(v for k, v in r.items() if k.startswith("contribution:"))
        table.append([str(r["year"]), _money(contrib), _money(r["fund_bill"]),
                      _money(r["fund_bond_service"]), _money(r["balance_p5"]),
                      _money(r["balance_p50"]), _money(r["balance_p95"]),
                      _share(r["depletion_probability"])])
    lines += ["", "By year (balance at the start of the year, over the paths)",
              *_aligned(table)]
    return "\n".join(lines)


def fund_summary(ds: xr.Dataset) -> list[str]:
    """The fund's lines in a run's printed summary (the plan itself: fund.txt)."""
    if not has_fund(ds):
        return []
    p = float(ds.attrs.get("fund_target_probability", np.nan))
    currency = ds.attrs.get("currency", "")
    return ["", f"Fund ({currency}, nominal; {ds.attrs.get('fund_paths')} return paths): "
            f"required capital {_money(_scalar(ds, 'fund_required_capital'))} for "
            f"{p:.0%} solvency ({_money(_scalar(ds, 'fund_required_capital_deterministic'))} "
            "with returns at their mean); with "
            f"{_money(_scalar(ds, 'fund_simulated_capital'))}, probability of depletion "
            f"within the horizon {_share(_scalar(ds, 'fund_depletion_probability_horizon'))}"
            " (fund.txt: the plan)"]


def fan_data(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """The fan chart's series: years (with the end, last year + 1) and the balance's
    percentiles at the start of each year."""
    years = np.r_[ds["year"].values, ds["year"].values[-1] + 1]
    out = {"year": years.astype(float)}
    for k, q in enumerate(ds["fund_percentile"].values):
        out[f"p{int(q)}"] = np.r_[ds["fund_balance_percentile"].values[:, k],
                                  ds["fund_balance_end_percentile"].values[k]]
    return out


def scale_of(values: np.ndarray) -> tuple[float, str]:
    """A divisor and its word for an axis of money (billion, trillion, ...)."""
    top = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
    for div, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if top >= div:
            return div, f"{word} "
    return 1.0, ""


def fan_plot(data: dict[str, np.ndarray], path: Path, title: str, currency: str) -> None:
    """Fan chart: 5-95 and 25-75 bands, the median, the zero line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    div, word = scale_of(np.r_[data["p5"], data["p95"]])
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    x = data["year"]
    ax.fill_between(x, data["p5"] / div, data["p95"] / div, color="#9ecae1", label="5-95 %")
    ax.fill_between(x, data["p25"] / div, data["p75"] / div, color="#4292c6",
                    label="25-75 %")
    ax.plot(x, data["p50"] / div, color="#08306b", lw=2, label="median")
    ax.axhline(0.0, color="black", lw=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("year (balance at the start of the year)")
    ax.set_ylabel(f"{word}{currency}, nominal")
    ax.legend(loc="best", fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def capital_plot(rows: list[dict[str, object]], path: Path, title: str,
                 currency: str, target: float | None = None) -> None:
    """Required capital against the probability of solvency (the target marked)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = np.array([float(r["required_capital"]) for r in rows])
    div, word = scale_of(values)
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    probs = np.array([float(r["probability"]) for r in rows])
    ax.plot(100 * probs, values / div, marker="o", color="#08306b")
    if target is not None and np.isclose(probs, target).any():
        k = int(np.argmin(np.abs(probs - target)))
        ax.plot([100 * target], [values[k] / div], marker="o", ms=10, color="#cb181d",
                label=f"target {target:.0%}: {values[k] / div:,.2f} {word}{currency}")
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("probability of paying every year (%)")
    ax.set_ylabel(f"required initial capital ({word}{currency})")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def write_table(rows: list[dict[str, object]], path: Path) -> None:
    """Rows as CSV (full precision; columns in the order of the first row)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)


def fund_writers(ds: xr.Dataset) -> dict[str, Callable[[Path], None]]:
    """The plan's files: fund_plan.csv, fund_capital.csv, fund.txt, fund_balance.png and
    fund_capital.png."""
    currency = str(ds.attrs.get("currency", ""))
    name = str(ds.attrs.get("title", ""))
    label = f"{name}\n" if name else ""
    text = plan_text(ds)
    return {
        "fund_plan.csv": lambda p: write_table(plan_table(ds), p),
        "fund_capital.csv": lambda p: write_table(capital_table(ds), p),
        "fund.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
        "fund_balance.png": lambda p: fan_plot(fan_data(ds), p, f"{label}fund balance over "
                                               "the return paths", currency),
        "fund_capital.png": lambda p: capital_plot(
            capital_table(ds), p, f"{label}required capital by probability", currency,
            float(ds.attrs.get("fund_target_probability", np.nan))),
    }
