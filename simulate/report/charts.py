"""The charts of a run, drawn from its Dataset only, in the house style (style.py).

:data:`CHARTS` lists every chart a run can have, in the order the report shows them;
each decides from the Dataset whether its data are present (:func:`available`).
:class:`ChartSet` renders each chart once, as PNG (a file of the run folder) and SVG
(embedded in report.html). A run with draws is charted by the mean over its draws,
plus the fan charts of the draws. Inside :func:`drawing_ahead` (``write_run``) a new
ChartSet draws its charts in a forked child process (forked.py) while the run's other
files are written, the same bytes as drawn here.

Programmes and financing sources are named by their labels, not their ids; money
axes read ``bn``/``tn``; shares are shown as percentages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import style
from .draws import central, fan_figure, has_draws


@dataclass(frozen=True)
class Chart:
    """One chart: its file name, title, whether a Dataset has its data, how to draw it
    (``draw(ds, title) -> figure``; ``ds`` is the mean over draws unless ``draws``)."""

    file: str
    title: str
    present: Callable[[xr.Dataset], bool]
    draw: Callable[[xr.Dataset, str], Any]
    draws: bool = False


def _labels(ds: xr.Dataset) -> list[str]:
    if "programme_label" in ds:
        return [str(x) for x in ds["programme_label"].values]
    return [str(x) for x in ds["programme"].values]


def _years(ds: xr.Dataset) -> np.ndarray:
    return ds["year"].values.astype(int)


def _finite(a: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(a), a, 0.0)


def _stacked_bars(ax: Any, years: np.ndarray, values: np.ndarray, labels: list[str]) -> None:
    """Bars of ``values[year, k]`` stacked per year; negatives stack below zero."""
    pos = np.zeros(len(years))
    neg = np.zeros(len(years))
    for k, label in enumerate(labels):
        v = _finite(values[:, k])
        if not np.any(v):
            continue
        bottom = np.where(v >= 0, pos, neg)
        ax.bar(years, v, bottom=bottom, width=0.8, label=label,
               color=style.PALETTE[k % len(style.PALETTE)])
        pos = pos + np.maximum(v, 0)
        neg = neg + np.minimum(v, 0)


def _cost_by_programme(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(2, (11, 4.6 + 0.2 * len(_labels(ds))))
    years, labels = _years(ds), _labels(ds)
    currency = str(ds.attrs.get("currency", ""))
    for ax, var, unit in ((axes[0], "cost", f"{currency}, nominal"),
                          (axes[1], "cost_usd", "USD, nominal")):
        _stacked_bars(ax, years, ds[var].transpose("year", "programme").values, labels)
        style.money_axis(ax, unit)
        style.year_axis(ax)
        ax.set_title(f"in {unit}", fontsize=10, fontweight="normal")
    return style.finish(fig, title, ds.attrs, legend="below")


def _cost_shares(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(1)
    ax = axes[0]
    years = _years(ds)
    total_gdp = np.nansum(ds["cost_pct_gdp"].values, axis=1)
    ax.plot(years, 100 * total_gdp, marker="o", ms=3, label="cost, % of GDP")
    if "cost_pct_revenue" in ds and np.isfinite(ds["cost_pct_revenue"].values).any():
        ax.plot(years, 100 * np.nansum(ds["cost_pct_revenue"].values, axis=1), marker="s",
                ms=3, label="cost, % of government revenue")
    if "envelope" in ds and "gdp" in ds:
        env = ds["envelope"].values / ds["gdp"].values
        ax.plot(years, 100 * env, linestyle="--", color="black", linewidth=1,
                label="fiscal envelope, % of GDP")
    ax.set_ylim(bottom=0)
    style.percent_axis(ax, "% of GDP / % of revenue")
    style.year_axis(ax)
    return style.finish(fig, title, ds.attrs)


def _beneficiaries(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(1, (9, 4.6 + 0.25 * len(_labels(ds))))
    ax = axes[0]
    years = _years(ds)
    for k, label in enumerate(_labels(ds)):
        color = style.PALETTE[k % len(style.PALETTE)]
        ax.plot(years, ds["beneficiaries"].values[:, k], color=color, marker="o", ms=3,
                label=f"{label}: beneficiaries")
        ax.plot(years, ds["eligible"].values[:, k], color=color, linestyle="--",
                label=f"{label}: eligible")
    ax.set_ylim(bottom=0)
    style.count_axis(ax, "persons")
    style.year_axis(ax)
    return style.finish(fig, title, ds.attrs, legend="below")


def _coverage(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(1, (9, 4.4 + 0.2 * len(_labels(ds))))
    ax = axes[0]
    years = _years(ds)
    for k, label in enumerate(_labels(ds)):
        v = ds["coverage"].values[:, k]
        if np.isfinite(v).any():
            ax.plot(years, 100 * v, marker="o", ms=3, label=label,
                    color=style.PALETTE[k % len(style.PALETTE)])
    ax.set_ylim(bottom=0)
    style.percent_axis(ax, "beneficiaries as % of the eligible")
    style.year_axis(ax)
    return style.finish(fig, title, ds.attrs, legend="below")


def _source_labels(ds: xr.Dataset) -> list[str]:
    if "source_label" in ds:
        return [str(x) for x in ds["source_label"].values]
    return [str(x) for x in ds["source"].values]


def _financing(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(1, (9, 5.2 + 0.2 * ds.sizes.get("source", 0)))
    ax = axes[0]
    years = _years(ds)
    currency = str(ds.attrs.get("currency", ""))
    _stacked_bars(ax, years, ds["financing"].transpose("year", "source").values,
                  _source_labels(ds))
    ax.plot(years, ds["total_cost"].values, color="black", marker="o", ms=3,
            label="total cost")
    if "financing_gap" in ds:
        gap = ds["financing_gap"].values
        ax.plot(years, gap, color="#AA3377", linestyle="--", marker="x", ms=4,
                label="financing gap (cost - financing)")
    ax.axhline(0.0, color="black", linewidth=0.6)
    style.money_axis(ax, f"{currency}, nominal (loans net of debt service)")
    style.year_axis(ax)
    return style.finish(fig, title, ds.attrs, legend="below")


def _poverty(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(2, (11, 4.4))
    years = _years(ds)
    stages = [str(s) for s in ds["stage"].values]
    for ax, var, label in ((axes[0], "poverty_headcount", "poverty headcount, % of persons"),
                           (axes[1], "gini", "Gini index (0-100)")):
        for s, stage in enumerate(stages):
            ax.plot(years, 100 * ds[var].transpose("year", "stage").values[:, s], marker="o",
                    ms=3, label=f"{stage} transfers", linestyle="-" if s else "--")
        style.percent_axis(ax, label) if var != "gini" else ax.set_ylabel(label)
        style.year_axis(ax)
        ax.set_title(label, fontsize=10, fontweight="normal")
    return style.finish(fig, title, ds.attrs)


def _debt(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(1)
    ax = axes[0]
    years = _years(ds)
    ax.plot(years, 100 * ds["debt_pct_gdp"].values, marker="o", ms=3,
            label="with the programmes")
    if "debt_baseline_pct_gdp" in ds:
        ax.plot(years, 100 * ds["debt_baseline_pct_gdp"].values, linestyle="--",
                label="without the programmes")
    style.percent_axis(ax, "public debt, % of GDP (end of year)")
    style.year_axis(ax)
    return style.finish(fig, title, ds.attrs)


def _returns(ds: xr.Dataset, title: str) -> Any:
    fig, axes = style.figure(2, (11, 5.2))
    years = _years(ds)
    currency = str(ds.attrs.get("currency", ""))
    unit = f"{currency} of {ds.attrs.get('start_year', '')}"
    ax = axes[0]
    channels = [str(c) for c in ds["channel"].values] if "channel" in ds.dims else []
    if channels:
        _stacked_bars(ax, years, ds["benefits"].transpose("year", "channel").values,
                      [c.replace("_", " ") for c in channels])
    if "economic_cost" in ds:
        ax.plot(years, np.nansum(ds["economic_cost"].values, axis=1), color="black",
                marker="o", ms=3, label="economic costs")
    ax.set_title("benefit streams and costs by year", fontsize=10, fontweight="normal")
    style.money_axis(ax, unit)
    style.year_axis(ax)
    ax = axes[1]
    cases = [str(c) for c in ds["sensitivity"].values]
    npv = ds["npv"].values
    colors = [style.PALETTE[0] if v >= 0 else style.PALETTE[1] for v in _finite(npv)]
    ax.barh(range(len(cases))[::-1], _finite(npv), color=colors)
    ax.set_yticks(range(len(cases))[::-1], [c.replace("_", " ") for c in cases])
    ax.axvline(0.0, color="black", linewidth=0.8)
    style.money_axis(ax, f"net present value, {unit}", axis="x")
    ax.set_title("NPV by case (base first)", fontsize=10, fontweight="normal")
    ax.grid(True, axis="x")
    return style.finish(fig, title, ds.attrs, legend="below")


def _fans(ds: xr.Dataset, title: str) -> Any:
    return fan_figure(ds, title)


def _has(*names: str) -> Callable[[xr.Dataset], bool]:
    """Present when every variable is in the Dataset with some finite non-zero value (a
    chart of zeros says nothing: e.g. programmes costed only in the economic analysis)."""
    def present(ds: xr.Dataset) -> bool:
        for n in names:
            if n not in ds:
                return False
            v = ds[n].values
            if not (np.isfinite(v) & (v != 0)).any():
                return False
        return True

    return present


#: every chart of a run, in report order
CHARTS: tuple[Chart, ...] = (
    Chart("chart_cost_by_programme.png", "Cost by programme", _has("cost", "cost_usd"),
          _cost_by_programme),
    Chart("chart_cost_share.png", "Cost as a share of GDP and of government revenue",
          _has("cost_pct_gdp"), _cost_shares),
    Chart("chart_beneficiaries.png", "Eligible persons and beneficiaries",
          _has("beneficiaries", "eligible"), _beneficiaries),
    Chart("chart_coverage.png", "Coverage: beneficiaries as a share of the eligible",
          _has("coverage"), _coverage),
    Chart("chart_financing.png", "Financing by source against the cost, and the gap",
          _has("financing", "total_cost"), _financing),
    Chart("chart_debt.png", "Public debt, with and without the programmes",
          _has("debt_pct_gdp"), _debt),
    Chart("chart_poverty.png", "Poverty and inequality before and after transfers",
          _has("poverty_headcount", "gini"), _poverty),
    Chart("chart_returns.png", "Economic returns: benefit streams and net present value",
          _has("npv"), _returns),
    Chart("uncertainty.png", "Uncertainty over the draws", lambda ds: has_draws(ds), _fans,
          draws=True),
)

#: hooks for charts of capabilities that add them (e.g. the fund): appended to CHARTS
EXTRA_CHARTS: list[Chart] = []


def all_charts() -> list[Chart]:
    """CHARTS and any registered in EXTRA_CHARTS, in report order."""
    return [*CHARTS, *EXTRA_CHARTS]


def available(ds: xr.Dataset) -> list[Chart]:
    """The charts whose data ``ds`` has."""
    mean = central(ds) if has_draws(ds) else ds
    return [c for c in all_charts() if c.present(ds if c.draws else mean)]


@dataclass
class Rendered:
    """A chart drawn: its title, PNG bytes and SVG text."""

    chart: Chart
    png: bytes
    svg: str


def _render(chart: Chart, ds: xr.Dataset, mean: xr.Dataset) -> tuple[bytes, str]:
    """``chart`` drawn from ``ds`` (``mean``: its mean over draws): PNG bytes, SVG text."""
    fig = chart.draw(ds if chart.draws else mean, chart.title)
    try:
        return style.png_bytes(fig), style.svg_text(fig)
    finally:
        style.close(fig)


def _render_each(charts: list[Chart], ds: xr.Dataset, mean: xr.Dataset
                 ) -> dict[str, tuple[bytes, str]]:
    """Each of ``charts`` drawn (:func:`_render`), by file name; the work of a forked
    child (a :func:`forked.beat` after each)."""
    from .forked import beat

    drawn = {}
    for c in charts:
        drawn[c.file] = _render(c, ds, mean)
        beat()  # in the child: still drawing (forked.TIMEOUT counts from here)
    return drawn


def draw_charts(ds: xr.Dataset, files: list[str]) -> dict[str, tuple[bytes, str]]:
    """The available charts of ``ds`` named in ``files``, each drawn (PNG bytes, SVG
    text), by file name: the work handed to a standby child, which has only ``ds``."""
    mean = central(ds) if has_draws(ds) else ds
    return _render_each([c for c in available(ds) if c.file in files], ds, mean)


#: ChartSets made inside :func:`drawing_ahead` (innermost last), to stop their children
_AHEAD: list[list[ChartSet]] = []
#: processes forked by :func:`standing_by`, not yet given charts to draw
_STANDBY: list[Any] = []


def _warm() -> None:
    """A standby child's preparation: matplotlib imported with the house style. (The
    charts it knows are those registered when it was forked: spsim run imports
    outputs.py, and with it every capability's hooks, before; a chart the child does
    not know is drawn by the run itself.)"""
    style.pyplot()


@contextlib.contextmanager
def standing_by() -> Iterator[None]:
    """A child process forked now imports matplotlib while this process computes the
    run (:class:`simulate.report.forked.Standby`); the first ChartSet made inside a
    :func:`drawing_ahead` block within this one hands it its charts, so that importing
    matplotlib (about 0.5 s of CPU) is not on the writing's way. A child not used by
    the end of the block is ended. Nothing is forked where forking does not pay
    (forked.available)."""
    from .forked import Standby

    child = Standby(_warm)
    if child.pid is None:
        yield
        return
    _STANDBY.append(child)
    try:
        yield
    finally:
        if child in _STANDBY:
            _STANDBY.remove(child)
            child.cancel()


@contextlib.contextmanager
def drawing_ahead() -> Iterator[None]:
    """A ChartSet made inside the block starts drawing every chart at once in a forked
    child process (:class:`simulate.report.forked.Forked`); a child still running when
    the block ends (an error, an interrupt) is killed."""
    made: list[ChartSet] = []
    _AHEAD.append(made)
    try:
        yield
    finally:
        _AHEAD.remove(made)
        for charts in made:
            charts.cancel()


class ChartSet:
    """The charts of one run, each drawn once on first use (PNG and SVG)."""

    def __init__(self, ds: xr.Dataset) -> None:
        self.ds = ds
        self.mean = central(ds) if has_draws(ds) else ds
        self.charts = available(ds)
        self._done: dict[str, Rendered] = {}
        self._ahead: Any = None
        if _AHEAD and self.charts:
            from .forked import Forked

            standby = _STANDBY.pop() if _STANDBY else None
            files = [c.file for c in self.charts]
            if standby is not None and standby.send(partial(draw_charts, ds, files)):
                self._ahead = standby  # imported matplotlib while the run computed
            else:
                self._ahead = Forked(self._draw_all)
            _AHEAD[-1].append(self)

    def _draw(self, chart: Chart) -> tuple[bytes, str]:
        return _render(chart, self.ds, self.mean)

    def _draw_all(self) -> dict[str, tuple[bytes, str]]:
        return _render_each(self.charts, self.ds, self.mean)

    def _collect(self) -> None:
        """The charts drawn by the child, if one was started (drawn here if it failed)."""
        ahead, self._ahead = self._ahead, None
        drawn = ahead.result() or {}
        for c in self.charts:
            if c.file in drawn and c.file not in self._done:
                png, svg = drawn[c.file]
                self._done[c.file] = Rendered(c, png, svg)

    def cancel(self) -> None:
        """Stop a child still drawing (its charts are then drawn here when asked for)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.cancel()

    def get(self, chart: Chart) -> Rendered:
        """The chart drawn (drawn now if not yet)."""
        if self._ahead is not None:
            self._collect()
        if chart.file not in self._done:
            self._done[chart.file] = Rendered(chart, *self._draw(chart))
        return self._done[chart.file]

    def all(self) -> list[Rendered]:
        """Every available chart, drawn."""
        return [self.get(c) for c in self.charts]

    def writer(self, chart: Chart) -> Callable[[Path], None]:
        """A writer of the chart's PNG file (for write_run's writers)."""
        def write(path: Path) -> None:
            path.write_bytes(self.get(chart).png)

        return write
