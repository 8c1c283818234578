"""The files of ``spsim sensitivity --output/--threshold`` and ``--global --method
morris|delta`` (the command line only parses and prints; this module computes through
:mod:`simulate.uncertainty` and writes the folder)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .writer import write_atomically

if TYPE_CHECKING:  # pragma: no cover
    from ..scenario import Scenario
    from ..uncertainty.runner import DrawProgress


def write_oneway(sc: Scenario, target: Path, output: str | None, threshold: str | None,
                 progress: DrawProgress | None = None) -> tuple[str, list[str]]:
    """One-way sensitivity of ``output`` (oneway.txt, tornado.csv, tornado.png) and, with
    ``threshold``, the switching values (switching.csv): the text and the file names."""
    from ..uncertainty.oneway import one_way_output, switching_values
    from .oneway import (
        oneway_plot,
        oneway_text,
        switching_text,
        write_oneway_csv,
        write_switching_csv,
    )

    result = one_way_output(sc, output, progress)
    text = oneway_text(sc.name, result)
    writers: dict[str, Any] = {
        "tornado.csv": lambda p: write_oneway_csv(result, p),
        "tornado.png": lambda p: oneway_plot(result, p, f"{sc.name}: one-way sensitivity "
                                             f"of {result.output.text}"),
    }
    if threshold is not None:
        out, thr, switches = switching_values(sc, output, threshold, progress)
        text += "\n\n" + switching_text(out, thr, switches)
        writers["switching.csv"] = lambda p: write_switching_csv(out, thr, switches, p)
    writers["oneway.txt"] = lambda p: p.write_text(text + "\n", encoding="utf-8")
    write_atomically(target, writers)
    return text, sorted(writers)


def write_global_method(sc: Scenario, target: Path, method: str, output: str | None,
                        size: int | None, progress: DrawProgress | None = None,
                        scheduler: str | None = None) -> tuple[str, list[str]]:
    """Morris or delta indices of ``output`` ({method}.txt, .csv, .png)."""
    from ..uncertainty.globalsa import global_sensitivity
    from .globalsa import global_plot, global_text, write_global_csv

    result = global_sensitivity(sc, method, output, size, progress, scheduler)
    text = global_text(sc.name, result)
    writers = {
        f"{method}.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
        f"{method}.csv": lambda p: write_global_csv(result, p),
        f"{method}.png": lambda p: global_plot(result, p),
    }
    write_atomically(target, writers)
    return text, sorted(writers)
