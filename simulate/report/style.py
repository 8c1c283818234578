"""One chart style for every chart simulate draws (run, compare, sensitivity, Sobol').

* :func:`pyplot` imports matplotlib lazily with the Agg backend (no display needed);
* :func:`figure` makes a figure of the house size, fonts and colours;
* :func:`money_axis` / :func:`percent_axis` / :func:`count_axis` format an axis so a
  reader sees ``1.2 bn`` / ``0.35%`` / ``250,000``, never a ``1e12`` offset;
* :func:`finish` adds the title and the source line (scenario file, the first 12
  hex digits of its content's sha256, the run's date) and lays the figure out;
* :func:`png_bytes` / :func:`svg_text` render a finished figure.

Shares in the Dataset are fractions; percent axes plot ``100 x share``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import numpy as np

#: colour-blind safe qualitative palette (Paul Tol's "bright")
PALETTE = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB",
           "#332288", "#117733", "#882255")
#: default figure size in inches and resolution of PNG files
SIZE = (8.0, 4.5)
DPI = 100

_RC = {
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": None,  # set in pyplot()
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "axes.formatter.useoffset": False,
    "svg.fonttype": "none",  # text stays text in the SVG (smaller, searchable)
    "svg.hashsalt": "simulate",  # the same chart gives the same SVG
}


def pyplot() -> Any:
    """matplotlib.pyplot with the Agg backend and the house style (imported on first use)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler

    rc = dict(_RC)
    rc["axes.prop_cycle"] = cycler(color=list(PALETTE))
    plt.rcParams.update(rc)
    return plt


def figure(ncols: int = 1, size: tuple[float, float] | None = None) -> tuple[Any, Any]:
    """A new figure with ``ncols`` axes side by side: (figure, axes array of 1 x ncols)."""
    plt = pyplot()
    w, h = size or SIZE
    fig, axes = plt.subplots(1, ncols, figsize=(w, h), dpi=DPI, squeeze=False)
    return fig, axes[0]


def money(x: float, unit: str = "") -> str:
    """``1.23 bn``: a readable amount (k, m, bn, tn), with ``unit`` after it when given."""
    if not np.isfinite(x):
        return "-"
    text = f"{x:,.0f}"
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            v = x / div
            digits = 2 if abs(v) < 10 else 1 if abs(v) < 100 else 0
            text = f"{v:,.{digits}f} {suffix}"
            break
    return f"{text} {unit}".strip()


def percent(share: float) -> str:
    """A share (fraction) as a percentage with enough digits to show it is not zero:
    at least two significant digits, e.g. 0.0000123 -> ``0.0012%``; 0 -> ``0%``."""
    if not np.isfinite(share):
        return "-"
    p = 100.0 * share
    if p == 0:
        return "0%"
    digits = max(2, 1 - int(np.floor(np.log10(abs(p)))))
    return f"{p:,.{min(digits, 8)}f}%"


def _money_tick(x: float, _pos: object = None) -> str:
    """An axis tick: ``1.5 bn``, ``500 m``, ``25 bn`` (three significant digits, no
    trailing zeros)."""
    if x == 0 or not np.isfinite(x):
        return "0"
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:,.3g} {suffix}"
    return f"{x:,.3g}"


def money_axis(ax: Any, unit: str, axis: str = "y") -> None:
    """Money on ``axis`` of ``ax``: ``k``/``m``/``bn``/``tn`` ticks, ``unit`` in the label."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(_money_tick))
    if axis == "x":
        target.set_major_locator(MaxNLocator(nbins=5))
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(unit)


def percent_axis(ax: Any, label: str = "%", axis: str = "y") -> None:
    """Percentages on ``axis`` (values already multiplied by 100)."""
    from matplotlib.ticker import FuncFormatter

    def tick(x: float, _pos: object = None) -> str:
        return f"{x:,.3g}%" if x != 0 else "0%"

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(tick))
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(label)


def count_axis(ax: Any, label: str, axis: str = "y") -> None:
    """Counts (persons, households) with thousands separators or k/m."""
    money_axis(ax, label, axis)


def year_axis(ax: Any) -> None:
    """Whole calendar years on the x axis."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    ax.set_xlabel("year")


def source_line(attrs: Mapping[str, Any]) -> str:
    """``Source: simulate 0.1.0, scenario khm.toml (sha256 1a2b3c4d5e6f), run 2026-11-29``
    (``attrs["source_line"]`` when given, e.g. for a comparison of several runs)."""
    if attrs.get("source_line"):
        return str(attrs["source_line"])
    file = str(attrs.get("scenario_file") or f"{attrs.get('scenario_id', 'scenario')}"
               " (in memory)")
    digest = str(attrs.get("scenario_original_sha256") or attrs.get("scenario_sha256") or "")
    date = str(attrs.get("created", ""))[:10]
    version = str(attrs.get("simulate_version", ""))
    parts = [f"Source: simulate {version}".rstrip(), f"scenario {file}"
             + (f" (sha256 {digest[:12]})" if digest else "")]
    if date:
        parts.append(f"run {date}")
    return ", ".join(parts)


def finish(fig: Any, title: str, attrs: Mapping[str, Any], legend: bool | str = True) -> Any:
    """Title, legends, the source line at the bottom, tight layout; returns ``fig``.

    ``legend``: True, a legend in each axes that has labelled artists; ``"below"``, one
    legend for the figure under the axes (the first axes' labels: long labels, or
    several panels sharing their series); False, none added.
    """
    import textwrap

    fig.suptitle(title, fontsize=11.5, fontweight="bold", x=0.01, ha="left")
    width, height = fig.get_size_inches()
    source = textwrap.wrap(source_line(attrs), width=int(width * 17)) or [""]
    bottom = 0.04 + 0.16 * (len(source) - 1) / height
    if legend == "below":
        handles, labels = fig.axes[0].get_legend_handles_labels() if fig.axes else ([], [])
        if labels:
            ncol = 1 if max(len(x) for x in labels) > 60 else 2 if len(labels) > 3 else \
                len(labels)
            rows = -(-len(labels) // ncol)
            fig.legend(handles, labels, loc="lower center", ncol=ncol,
                       bbox_to_anchor=(0.5, bottom - 0.005), fontsize=8.5)
            bottom += 0.01 + 0.2 * rows / height
    elif legend:
        for ax in fig.axes:
            handles, labels = ax.get_legend_handles_labels()
            if labels and ax.get_legend() is None:
                ax.legend(handles, labels, loc="best")
    fig.text(0.01, 0.008, "\n".join(source), fontsize=7, color="#555555", ha="left",
             va="bottom")
    fig.tight_layout(rect=(0, bottom, 1, 0.97))
    return fig


def png_bytes(fig: Any) -> bytes:
    """The figure as PNG bytes (house resolution)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def svg_text(fig: Any) -> str:
    """The figure as an SVG document without the XML prolog (to embed in HTML)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def close(fig: Any) -> None:
    """Free the figure's memory."""
    pyplot().close(fig)
