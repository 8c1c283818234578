"""One block of parameter draws in one kernel pass: the unit of work of a run with draws,
here or on a cluster worker.

:func:`draw_scenarios` makes each draw's scenario; draws that share a population and
the population-dependent rule tables are evaluated together by :func:`run_block`,
reusing the last prepared population (:class:`PreparedCache`). Used by
:mod:`.runner` (blocks in this process) and :mod:`.cluster` (blocks on Dask workers),
which import it and not each other's internals (no cycle: tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .. import engine
from ..errors import Problem, ScenarioError
from ..results import Results
from ..scenario import Scenario
from ..scenario.model import with_values

#: welfare histogram bins of runs with draws (the Gini's resolution): 2048 / 8, so that
#: every draw's histogram fits in memory; fixed, so results do not depend on the blocks
DRAW_HIST_BINS = 256


def draw_scenarios(scenario: Scenario, values: Sequence[dict[str, Any]]) -> list[Scenario]:
    """Each draw's scenario (``values[d]`` set on ``scenario``); every problem at once."""
    out: list[Scenario] = []
    problems: list[Problem] = []
    cache: dict[str, Scenario] = {}
    for v in values:
        key = repr(sorted(v.items()))
        if key in cache:
            out.append(cache[key])
            continue
        try:
            sc = with_values(scenario, v, "uncertainty.parameters", quote=True)
        except ScenarioError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
            continue
        cache[key] = sc
        out.append(sc)
    if problems:
        raise ScenarioError(problems)
    return out


class PreparedCache:
    """The last prepared population, reused while the draws share it."""

    def __init__(self) -> None:
        self.prep: engine.Prepared | None = None

    def get(self, scenario: Scenario) -> engine.Prepared:
        if self.prep is None:
            self.prep = engine.prepare(scenario)
        else:
            self.prep = engine.reprepare(self.prep, scenario)
        return self.prep


def run_block(scenarios: Sequence[Scenario], cache: PreparedCache | None = None
              ) -> list[Results]:
    """The results of draws that share a population and rule structure: one kernel pass;
    each draw's named arrays (no Dataset: :func:`.runner.combine` builds one for all
    draws), without provenance (no draw writes its scenario's text: the draws' Dataset
    takes the base scenario's)."""
    cache = cache or PreparedCache()
    preps = [cache.get(sc) for sc in scenarios]
    params = [engine.draw_parameters(p) for p in preps]
    totals = engine.project_draws(preps[0], params, hist_bins=DRAW_HIST_BINS)
    # each draw's histogram contiguous (one copy for the block, the draws' axis first): a
    # draw's view of the draws-last array is 1 KB between cells, so that each draw's
    # Gini read 30 MB (the same values, so the same results: docs/performance.md,
    # "Round 9 (mc3)")
    hist = np.ascontiguousarray(np.moveaxis(totals.histogram, -1, 0))
    return [engine.results(p, replace(totals.draw(d), histogram=hist[d]), provenance=False)
            for d, p in enumerate(preps)]
