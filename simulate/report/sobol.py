"""The Sobol' indices of ``spsim sensitivity --global``: a text table, a CSV and a chart.

:func:`sobol_text` is what the command prints (sobol.txt); :func:`write_sobol_csv` the
same rows at full precision; :func:`sobol_plot` horizontal bars of the first-order and
total indices with their confidence intervals as whiskers (matplotlib, Agg backend, PNG).
Rows come largest total index first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .common import money_text as _money

if TYPE_CHECKING:  # pragma: no cover
    from ..uncertainty.sobol import SobolResult


def _value(x: float, units: str) -> str:
    if not np.isfinite(x):
        return "-"
    if units == "1":
        return f"{x:.4g}"
    return f"{x:,.4g}" if abs(x) < 1e6 else _money(x)


def _index(x: float, ci: np.ndarray) -> str:
    a, lo, hi = (round(float(v), 3) + 0.0 for v in (x, ci[0], ci[1]))  # no "-0.000"
    return f"{a:6.3f} [{lo:6.3f}, {hi:6.3f}]"


def sobol_lines(result: SobolResult) -> list[str]:
    """The indices as an aligned table, largest total index first."""
    level = f"{100 * result.confidence_level:g}%"
    table = [["parameter", "distribution", f"first order [{level} CI]",
              f"total [{level} CI]"]]
    for i in result.order():
        table.append([result.parameters[i], result.distributions[i],
                      _index(float(result.first[i]), result.first_ci[i]),
                      _index(float(result.total[i]), result.total_ci[i])])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out = []
    for r, row in enumerate(table):  # names left-aligned, numbers right-aligned
        cells = [c.ljust(w) if i < 2 else c.rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  " + "  ".join(cells).rstrip())
        if r == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return out


def sobol_text(result: SobolResult) -> str:
    """What ``spsim sensitivity --global`` prints and writes to sobol.txt."""
    u = result.units
    unit = f" ({u})" if u and u != "1" else ""
    sd = float(np.sqrt(result.variance))
    level = f"{100 * result.confidence_level:g}%"
    k = len(result.parameters)
    lines = [
        f"{result.title}: global sensitivity (Sobol' indices)",
        f"output: {result.output}: {result.output_title}{unit}",
        f"  with the scenario's values {_value(result.base, u)}; over the runs mean "
        f"{_value(result.mean, u)}, sd {_value(sd, u)}",
        f"design: Saltelli, n = {result.n}, {k} parameter{'s' if k != 1 else ''}, "
        f"{result.runs} runs (n (k + 2)); scrambled Sobol' sequence, seed {result.seed}",
        f"estimators: first order Saltelli 2010, total Jansen; {level} intervals: BCa "
        f"bootstrap, {result.resamples} resamples",
        "",
        *sobol_lines(result),
        "",
        f"sum of first-order indices {float(np.sum(result.first)):.3f} (1 minus it: the share "
        "of the variance due to interactions, within the estimates' error)",
    ]
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def write_sobol_csv(result: SobolResult, path: Path) -> None:
    """sobol.csv: one row per parameter, largest total index first, full precision (the
    one CSV writer, tabular.py, kind "exact")."""
    from .tabular import Column, write_csv_rows

    names = ("first_order", "first_order_low", "first_order_high", "total", "total_low",
             "total_high")
    rows = []
    for i in result.order():
        values = (result.first[i], *result.first_ci[i], result.total[i], *result.total_ci[i])
        rows.append({"parameter": result.parameters[i],
                     "distribution": result.distributions[i],
                     **{k: float(v) for k, v in zip(names, values, strict=True)},
                     "output": result.output, "n": result.n, "runs": result.runs,
                     "confidence_level": float(result.confidence_level)})
    columns = [Column("parameter", "parameter", "", "text"),
               Column("distribution", "distribution", "", "text"),
               *(Column(k, k, "", "exact") for k in names),
               Column("output", "output", "", "text"), Column("n", "n", "", "year"),
               Column("runs", "runs", "", "year"),
               Column("confidence_level", "confidence_level", "", "exact")]
    write_csv_rows(path, columns, rows)


def sobol_plot(result: SobolResult, path: Path, title: str = "",
               attrs: dict[str, Any] | None = None) -> None:
    """Horizontal bars of each parameter's first-order and total indices, with their
    confidence intervals as whiskers, to the PNG ``path`` (house style, style.py;
    ``attrs``, the scenario's run attributes, give the source line)."""
    from . import style

    order = result.order()
    k = len(order)
    fig, axes = style.figure(1, (9, 1.8 + 0.7 * max(1, k)))
    ax = axes[0]
    try:
        height = 0.38
        for offset, name, est, ci, color in (
                (height / 2, "first order", result.first, result.first_ci, style.PALETTE[0]),
                (-height / 2, "total", result.total, result.total_ci, style.PALETTE[1])):
            y = np.arange(k)[::-1] + offset
            x = np.array([float(est[i]) for i in order])
            lo = np.array([float(ci[i][0]) for i in order])
            hi = np.array([float(ci[i][1]) for i in order])
            err = np.vstack([np.maximum(x - lo, 0.0), np.maximum(hi - x, 0.0)])
            ax.barh(y, x, height=height, color=color, label=name)
            ax.errorbar(x, y, xerr=err, fmt="none", ecolor="black", elinewidth=0.8,
                        capsize=3)
        ax.set_yticks(np.arange(k)[::-1], [result.parameters[i] for i in order], fontsize=8)
        ax.grid(False, axis="y")
        ax.axvline(0.0, color="black", linewidth=0.8)
        right = max(1.0, float(np.nanmax(np.concatenate([result.first_ci[:, 1],
                                                          result.total_ci[:, 1]]))))
        left = min(0.0, float(np.nanmin(np.concatenate([result.first_ci[:, 0],
                                                        result.total_ci[:, 0]]))))
        ax.set_xlim(left - 0.02, right + 0.02)
        level = f"{100 * result.confidence_level:g}%"
        ax.set_xlabel(f"Sobol' index (share of the output's variance); whiskers: {level} "
                      f"bootstrap intervals; n = {result.n}, {result.runs} runs")
        ax.legend(loc="lower right")
        source = dict(attrs or {"scenario_id": result.title})
        style.finish(fig, title or f"{result.title}: Sobol' indices of {result.output}",
                     source, legend=False)
        Path(path).write_bytes(style.png_bytes(fig))
    finally:
        style.close(fig)
