"""The run summary (printed by ``spsim run`` and written to summary.txt).

The summary is a list of sections, each registered by the module that owns it with
:func:`summary_section` (name, order): the results in the summary years (here, order
0), the risks of a run with draws (report/risk.py, 10), the fund's plan
(report/fund.py, 20), the caseload transition (report/transition.py, 30) and the run's
warnings (here, 90). :func:`compose` joins the registered sections in order; a new
section is one decorated function in its own module (imported by report/writer.py,
whose ``run_summary`` is the entry point).

The years shown: ``years`` when given (``spsim run --years``; the CLI records them in
the Dataset attribute ``summary_years``, e.g. ``"2025,2029,2054"``, so summary.txt
shows the same), else :func:`headline.default_years` (first year, milestones, last).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import xarray as xr

from .draws import central, draw_summary, has_draws
from .headline import default_years
from .tables import format_summary


def summary_years_of(ds: xr.Dataset) -> list[int]:
    """The years the summary of ``ds`` shows (module doc)."""
    chosen = str(ds.attrs.get("summary_years") or "")
    if chosen:
        available = {int(y) for y in ds["year"].values}
        years = sorted({int(y) for y in chosen.split(",") if y.strip()} & available)
        if years:
            return years
    return default_years(central(ds) if has_draws(ds) else ds)


def summary_text(ds: xr.Dataset, years: list[int] | None = None) -> str:
    """The printed summary of a run (with draws: of the means, then the spread)."""
    years = years or summary_years_of(ds)
    if not has_draws(ds):
        return format_summary(ds, years)
    return "\n".join([format_summary(central(ds), years), *draw_summary(ds, years)])


# --- the sections of the summary ------------------------------------------------------


@dataclass(frozen=True)
class SummaryInput:
    """What a section reads: the run's Dataset ``ds`` (with its draws), ``table`` (the
    draws' means with draws, else ``ds``) and the ``years`` asked for (None: default)."""

    ds: xr.Dataset
    table: xr.Dataset
    years: list[int] | None


#: a section of the summary: its lines (none when it has nothing to say)
Section = Callable[[SummaryInput], list[str]]

#: the registered sections: name -> (order, section)
SECTIONS: dict[str, tuple[float, Section]] = {}


def summary_section(name: str, order: float) -> Callable[[Section], Section]:
    """Register the decorated function as section ``name`` of the summary, shown by
    ascending ``order`` (then name); registering a name again replaces it."""

    def register(section: Section) -> Section:
        SECTIONS[name] = (order, section)
        return section

    return register


def compose(ds: xr.Dataset, years: list[int] | None = None) -> str:
    """The summary of ``ds``: every registered section's lines, in order."""
    run = SummaryInput(ds, central(ds) if has_draws(ds) else ds, years)
    lines: list[str] = []
    for _, (_, section) in sorted(SECTIONS.items(), key=lambda kv: (kv[1][0], kv[0])):
        lines.extend(section(run))
    return "\n".join(lines)


@summary_section("results", 0)
def _results(run: SummaryInput) -> list[str]:
    return [summary_text(run.ds, run.years)]


@summary_section("outputs", 85)
def _left_out(run: SummaryInput) -> list[str]:
    """What the scenario's ``[outputs]`` switched off, so that no one reads their
    absence as zero."""
    from ..scenario.keys.outputs import DESCRIBED, left_out

    off = sorted(left_out(run.ds.attrs))
    if not off:
        return []
    what = "; ".join(f"{DESCRIBED[k]} (outputs.{k} = false)" for k in off if k in DESCRIBED)
    return ["", f"Not computed in this run: {what}."]


@summary_section("warnings", 90)
def _warnings(run: SummaryInput) -> list[str]:
    from ..plausibility import warning_lines

    return warning_lines(run.ds)
