"""Tables and chart of ``spsim sensitivity --global --method morris|delta``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .common import aligned as _aligned

if TYPE_CHECKING:  # pragma: no cover
    from ..uncertainty.globalsa import GlobalResult

_TITLES = {"morris": "Morris elementary effects (screening)",
           "delta": "moment-independent delta measure (Borgonovo)",
           "pawn": "moment-independent PAWN index (Kolmogorov-Smirnov)"}


def global_text(title: str, r: GlobalResult) -> str:
    """What the command prints ({method}.txt): most influential first, each index with
    its 95% confidence half-width."""
    names = list(r.columns)
    table = [["parameter", *(f"{n} [+- 95% CI]" if n in r.conf else n for n in names)]]
    for i in r.order():
        row = [r.parameters[i]]
        for n in names:
            v = float(r.columns[n][i])
            cell = f"{v:.4g}"
            if n in r.conf:
                cell += f" [+- {float(r.conf[n][i]):.2g}]"
            row.append(cell)
        table.append(row)
    unit = f" ({r.units})" if r.units and r.units != "1" else ""
    design = (f"{r.size} trajectories, {r.runs} runs (r (k + 1))" if r.method == "morris"
              else f"Latin hypercube of {r.size} runs")
    lines = [f"{title}: global sensitivity, {_TITLES[r.method]}",
             f"output: {r.output}: {r.output_title}{unit}",
             f"design: SALib, {design}, seed {r.seed}; evaluated in one fused pass",
             "", *_aligned(table)]
    if r.method == "morris":
        lines.append("mu_star: mean absolute change of the output over a step of 2/3 of a "
                     "parameter's range (output units); sigma: their spread (non-linearity "
                     "or interactions)")
    elif r.method == "pawn":
        lines.append("pawn_median: median over 10 slices of the parameter of the largest "
                     "distance (Kolmogorov-Smirnov) between the output's distribution given "
                     "the slice and its whole distribution (0 none, 1 all); pawn_max the "
                     "largest")
    else:
        lines.append("delta: expected shift of the output's whole distribution when the "
                     "parameter is known (0 none, 1 all); S1: first-order Sobol' index")
    lines += [f"warning: {n}" if n.startswith("intervals") else f"note: {n}"
              for n in r.notes]
    return "\n".join(lines)


def write_global_csv(r: GlobalResult, path: Path) -> None:
    """{method}.csv: one row per parameter, most influential first, full precision."""
    names = list(r.columns)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["parameter", *[c for n in names for c in
                                   ((n, f"{n}_conf") if n in r.conf else (n,))],
                    "output", "runs"])
        for i in r.order():
            cells = []
            for n in names:
                cells.append(repr(float(r.columns[n][i])))
                if n in r.conf:
                    cells.append(repr(float(r.conf[n][i])))
            w.writerow([r.parameters[i], *cells, r.output, r.runs])


def global_plot(r: GlobalResult, path: Path, title: str = "") -> None:
    """Morris: mu_star against sigma; delta, PAWN: bars with their intervals (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.5 * max(3, len(r.parameters))), dpi=120)
    try:
        if r.method == "morris":
            mu, sd, conf = r.columns["mu_star"], r.columns["sigma"], r.conf["mu_star"]
            ax.errorbar(mu, sd, xerr=conf, fmt="o", color="#4477aa", ecolor="grey",
                        capsize=3)
            for i, name in enumerate(r.parameters):
                ax.annotate(name, (mu[i], sd[i]), fontsize=7, xytext=(4, 4),
                            textcoords="offset points")
            ax.set_xlabel(f"mu_star ({r.units}); whiskers: 95% intervals")
            ax.set_ylabel("sigma")
        else:
            order = r.order()
            y = np.arange(len(order))[::-1]
            ax.barh(y, [r.columns[r.rank_by][i] for i in order],
                    xerr=[r.conf[r.rank_by][i] for i in order], color="#4477aa", capsize=3)
            ax.set_yticks(y, [r.parameters[i] for i in order], fontsize=8)
            ax.set_xlabel(f"{r.rank_by}; whiskers: 95% intervals")
        ax.set_title(title or f"{_TITLES[r.method]}: {r.output}", fontsize=10)
        fig.tight_layout()
        with open(path, "wb") as fh:
            fig.savefig(fh, format="png")
    finally:
        plt.close(fig)
