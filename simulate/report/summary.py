"""The run summary (printed by ``spsim run`` and written to summary.txt).

The years shown: ``years`` when given (``spsim run --years``; the CLI records them in
the Dataset attribute ``summary_years``, e.g. ``"2025,2029,2054"``, so summary.txt
shows the same), else :func:`headline.default_years` (first year, milestones, last).
"""

from __future__ import annotations

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
