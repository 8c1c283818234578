"""Tables and the tornado chart of ``spsim sensitivity --output`` (one-way sensitivity of
any output) and of its switching values (``--threshold``)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .common import aligned as _aligned
from .common import money_text as _money

if TYPE_CHECKING:  # pragma: no cover
    from ..uncertainty.oneway import OneWayOutput, Switch
    from ..uncertainty.output_spec import Output


def _value(x: Any, units: str = "") -> str:
    if isinstance(x, dict):
        vals = list(x.values())
        return f"path {_value(vals[0])}..{_value(vals[-1])}"
    x = float(x)
    if not np.isfinite(x):
        return "-"
    if units == "1":
        return f"{x:.4g}"
    return f"{x:,.4g}" if abs(x) < 1e6 else _money(x)


def _csv_value(x: Any) -> str:
    if isinstance(x, dict):
        return ";".join(f"{k}:{v!r}" for k, v in x.items())
    return repr(float(x))


def oneway_text(title: str, result: OneWayOutput) -> str:
    """What ``spsim sensitivity --output`` prints (oneway.txt)."""
    out, u = result.output, result.output.units
    unit = f" ({u})" if u and u != "1" else ""
    table = [["parameter", "low", "high", "at low", "at high", "swing", "from"]]
    for r in result.rows:
        table.append([str(r["parameter"]), _value(r["low"]), _value(r["high"]),
                      _value(r["output_low"], u), _value(r["output_high"], u),
                      _value(r["swing"], u), str(r["source"])])
    lines = [f"{title}: one-way sensitivity",
             f"output: {out.text}: {out.title}{unit}",
             f"  with the scenario's values {_value(result.base, u)}",
             "", "One-way changes (tornado; largest swing first; one fused run of "
             f"{1 + 2 * len(result.rows)} parameter sets)", *_aligned(table)]
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)


def write_oneway_csv(result: OneWayOutput, path: Path) -> None:
    """tornado.csv of an output: one row per parameter, largest swing first."""
    u = result.output.units
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["parameter", "low", "high", f"output_low [{u}]", f"output_high [{u}]",
                    f"swing [{u}]", f"base [{u}]", "output", "source"])
        for r in result.rows:
            w.writerow([r["parameter"], _csv_value(r["low"]), _csv_value(r["high"]),
                        *(repr(float(r[k])) for k in ("output_low", "output_high", "swing",
                                                      "base")),
                        result.output.text, r["source"]])


def oneway_plot(result: OneWayOutput, path: Path, title: str = "") -> None:
    """The tornado of an output: bars from the base value to the output at each
    parameter's low (blue) and high (red) value, largest swing on top (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(result.rows)
    base = result.base
    u = result.output.units
    scale = 100.0 if u == "1" else 1.0
    fig, ax = plt.subplots(figsize=(9, 1.4 + 0.55 * max(1, len(rows))), dpi=120)
    try:
        for i, r in enumerate(rows):
            y = len(rows) - 1 - i
            for side, color in (("low", "#4477aa"), ("high", "#ee6677")):
                v = float(r[f"output_{side}"])
                ax.barh(y, (v - base) * scale, left=base * scale, color=color, height=0.6,
                        label=f"parameter at {side}" if i == 0 else None)
        ax.set_yticks(range(len(rows)), [f"{r['parameter']}\n[{_value(r['low'])} / "
                                         f"{_value(r['high'])}]" for r in rows][::-1],
                      fontsize=8)
        ax.axvline(base * scale, color="black", linewidth=1)
        label = "% (x 100)" if u == "1" else u
        ax.set_xlabel(f"{result.output.text} ({label}); base {_value(base, u)}")
        ax.set_title(title or f"One-way sensitivity of {result.output.text}", fontsize=10)
        if rows:
            ax.legend(fontsize=8, loc="lower right")
        fig.tight_layout()
        with open(path, "wb") as fh:
            fig.savefig(fh, format="png")
    finally:
        plt.close(fig)


def switching_text(output: Output, threshold: Any, switches: Sequence[Switch]) -> str:
    """The switching values as text."""
    thr = threshold.text if hasattr(threshold, "text") else _value(threshold, output.units)
    table = [["parameter", "searched", "switching value", "runs"]]
    for s in switches:
        value = _value(s.value) if s.value is not None else "not reached in the range"
        table.append([s.parameter, f"[{_value(s.low)}, {_value(s.high)}]", value,
                      str(s.runs)])
    return "\n".join([f"Switching values: the value of each parameter (the others as in "
                      f"the scenario) at which {output.text} equals {thr}", *_aligned(table)])


def write_switching_csv(output: Output, threshold: Any, switches: Sequence[Switch],
                        path: Path) -> None:
    """switching.csv: one row per parameter (switching_value empty when not reached)."""
    thr = threshold.text if hasattr(threshold, "text") else repr(float(threshold))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["parameter", "low", "high", "switching_value", "runs", "output",
                    "threshold"])
        for s in switches:
            w.writerow([s.parameter, repr(s.low), repr(s.high),
                        "" if s.value is None else repr(float(s.value)), s.runs,
                        output.text, thr])
