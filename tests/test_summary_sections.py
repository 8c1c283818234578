"""The run summary is built from sections that register themselves
(simulate/report/summary.py): their order, a new section, and the sections a run gets."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from simulate.report import (
    summary,
    writer,  # noqa: F401 (imports the modules that register)
)


def test_the_run_summary_sections_in_order() -> None:
    order = [name for name, (_, _) in sorted(summary.SECTIONS.items(),
                                             key=lambda kv: (kv[1][0], kv[0]))]
    assert order == ["results", "risk", "fund", "transition", "outputs", "warnings"]


def test_a_registered_section_takes_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "SECTIONS", {})
    ds = xr.Dataset({"x": ("year", np.arange(3.0))}, coords={"year": [2025, 2026, 2027]})
    seen: list[summary.SummaryInput] = []

    @summary.summary_section("last", 50)
    def last(run: summary.SummaryInput) -> list[str]:
        seen.append(run)
        return ["", "last"]

    @summary.summary_section("first", 1)
    def first(run: summary.SummaryInput) -> list[str]:
        return ["first"]

    summary.summary_section("empty", 20)(lambda run: [])
    assert summary.compose(ds, [2026]) == "first\n\nlast"
    assert seen[0].ds is ds and seen[0].table is ds and seen[0].years == [2026]
    summary.summary_section("first", 99)(lambda run: ["again"])  # a name again: replaced
    assert summary.compose(ds) == "\nlast\nagain"


def test_with_draws_a_section_reads_the_means(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "SECTIONS", {})
    ds = xr.Dataset({"x": (("draw", "year"), [[1.0, 2.0], [3.0, 6.0]])},
                    coords={"draw": [0, 1], "year": [2025, 2026]})
    summary.summary_section("mean", 0)(
        lambda run: [" ".join(f"{v:g}" for v in run.table["x"].values)])
    assert summary.compose(ds) == "2 4"
