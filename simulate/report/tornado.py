"""The tornado chart and the sensitivity tables of ``spsim sensitivity``.

:func:`tornado_data` is pure (rows sorted by swing, tested); :func:`tornado_plot`
draws them (matplotlib, Agg backend, PNG); the CSV writers and
:func:`sensitivity_text` render the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xarray as xr

from ..uncertainty.tornado import OneWay
from .common import aligned as _aligned
from .common import money_text as _money
from .tables import returns_summary, returns_table
from .tabular import Column, write_csv_rows


def tornado_data(one_way: Sequence[OneWay], base_npv: float) -> list[dict[str, Any]]:
    """One row per parameter: its low and high values, the NPV at each, their changes
    from the base NPV and the swing |npv_high - npv_low|; largest swing first (ties keep
    the declared order)."""
    rows = []
    for ow in one_way:
        rows.append({
            "parameter": ow.parameter, "low": ow.low, "high": ow.high,
            "npv_low": ow.npv_low, "npv_high": ow.npv_high,
            "change_low": ow.npv_low - base_npv, "change_high": ow.npv_high - base_npv,
            "swing": abs(ow.npv_high - ow.npv_low), "base_npv": base_npv,
        })
    return sorted(rows, key=lambda r: -float(r["swing"]))


def _value(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 1e6 else _money(x)


def tornado_plot(data: Sequence[dict[str, Any]], path: Path, title: str = "",
                 currency: str = "", attrs: dict[str, Any] | None = None) -> None:
    """Draw the tornado of ``data`` (from :func:`tornado_data`) to the PNG ``path``, in
    the house style (style.py); ``attrs`` (the run's Dataset attributes) give the
    source line."""
    from . import style

    rows = list(data)
    base = float(rows[0]["base_npv"]) if rows else 0.0
    fig, axes = style.figure(1, (9, 1.6 + 0.55 * max(1, len(rows))))
    ax = axes[0]
    try:
        labels = []
        for i, r in enumerate(rows):
            y = len(rows) - 1 - i
            for side, color in (("low", style.PALETTE[0]), ("high", style.PALETTE[1])):
                npv = float(r[f"npv_{side}"])
                ax.barh(y, npv - base, left=base, color=color, height=0.6,
                        label=f"parameter at its {side} value" if i == 0 else None)
            labels.append(f"{r['parameter']}\n[{_value(float(r['low']))} / "
                          f"{_value(float(r['high']))}]")
        ax.set_yticks(range(len(rows)), labels[::-1], fontsize=8)
        ax.grid(False, axis="y")
        ax.axvline(base, color="black", linewidth=1)
        if rows:
            lo = min(min(float(r["npv_low"]), float(r["npv_high"])) for r in rows)
            hi = max(max(float(r["npv_low"]), float(r["npv_high"])) for r in rows)
            if lo < 0 < hi:
                ax.axvline(0.0, color="grey", linewidth=0.8, linestyle="--")
        style.money_axis(ax, f"NPV ({currency}); base {_money(base)}" if currency else
                         f"NPV; base {_money(base)}", axis="x")
        style.finish(fig, title or "One-way sensitivity of the NPV", attrs or {})
        Path(path).write_bytes(style.png_bytes(fig))
    finally:
        style.close(fig)


def tornado_lines(data: Sequence[dict[str, Any]]) -> list[str]:
    """The tornado's rows as an aligned text table."""
    table = [["parameter", "low", "high", "NPV at low", "NPV at high", "swing"]]
    for r in data:
        table.append([str(r["parameter"]), _value(float(r["low"])),
                      _value(float(r["high"])), _money(float(r["npv_low"])),
                      _money(float(r["npv_high"])), _money(float(r["swing"]))])
    return _aligned(table)


def sensitivity_text(ds: xr.Dataset, data: Sequence[dict[str, Any]]) -> str:
    """What ``spsim sensitivity`` prints: the cases (as in the run summary) and the
    tornado's one-way changes."""
    lines = [str(ds.attrs.get("title", ""))]
    lines += returns_summary(ds)
    lines += ["", "One-way changes (tornado; largest swing first)", *tornado_lines(data)]
    return "\n".join(lines)


def write_cases_csv(ds: xr.Dataset, path: Path) -> None:
    """sensitivity.csv: one row per case, full precision (the one CSV writer,
    tabular.py, kind "exact")."""
    units = ds["npv"].attrs.get("units", "")
    columns = [Column("case", "case", "", "text"), Column("npv", "npv", units, "exact"),
               Column("err", "err", "1 per year", "exact"),
               Column("err_roots", "err_roots", "", "exact"),
               Column("bcr", "bcr", "", "exact"),
               Column("pv_benefits", "pv_benefits", units, "exact"),
               Column("pv_costs", "pv_costs", units, "exact")]
    write_csv_rows(path, columns, returns_table(ds))


def write_tornado_csv(data: Sequence[dict[str, Any]], path: Path, units: str = "") -> None:
    """tornado.csv: one row per parameter, largest swing first, full precision."""
    columns = [Column("parameter", "parameter", "", "text"), Column("low", "low", "", "exact"),
               Column("high", "high", "", "exact")]
    columns += [Column(k, k, units, "exact") for k in ("npv_low", "npv_high", "swing",
                                                        "base_npv")]
    write_csv_rows(path, columns, data)
