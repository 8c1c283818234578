"""Running on a Dask distributed cluster (``--scheduler ADDRESS``).

Two kinds of work go to the workers:

* **draws** (:func:`run_blocks`): each task is a block of parameter draws that
  share a population and rule structure (:func:`simulate.uncertainty.runner.plan`);
  the worker builds (and keeps) the population, runs the fused kernel for the block
  and returns each draw's named result arrays (one Dataset is built for all draws);
* **record batches** of one run (:func:`run_on_cluster`): each task is a range of
  the fixed batches of households (``engine.CHUNKS_PER_BATCH`` chunks); the worker
  returns each batch's totals and this process adds them in batch order.

Both give bit-identical numbers to a run in this process: a draw's numbers do not
depend on the block it runs in, and the batches are added in the same fixed order.
Workers need the same version of ``simulate`` (and of numba and numpy) and, for
household microdata, the data file at the same path. A task carries the typed
Scenario as it is (pickled: :meth:`simulate.scenario.Scenario.__reduce__`); nothing is
parsed or validated again on a worker.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import xarray as xr

from .. import engine
from ..errors import InputError, Problem
from ..results import Results
from ..scenario import Scenario
from .blocks import PreparedCache, draw_scenarios, run_block

#: tasks per worker thread that a run is split into (so that slow workers do not stall it)
TASKS_PER_THREAD = 2

# per worker process: the last prepared population of each base scenario
_CACHES: dict[str, Any] = {}
_CACHE_LOCK = threading.Lock()


def connect(address: str) -> Any:
    """A ``distributed.Client`` for the scheduler at ``address``; one clear message when
    dask is not installed or the scheduler cannot be reached."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(Problem("--scheduler", "scheduler", "dask.distributed installed "
                                 "(pip install 'simulate[cluster]')", "it is not")) from None
    _probe(address)
    import logging

    for name in ("distributed", "distributed.client", "distributed.comm"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # our message says it once
    try:
        return Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        _quiet_client_del()
        raise _bad_address(address, str(exc)) from None


def _bad_address(address: str, why: str) -> InputError:
    return InputError(Problem("--scheduler", "scheduler", "the address of a running Dask "
                              "scheduler (tcp://host:8786)", f"{address!r} ({why})"))


def _probe(address: str) -> None:
    """Refuse an address that is malformed or where nothing listens, before a Client
    (whose failures print tracebacks from its finaliser) is made."""
    import re
    import socket

    scheme, sep, loc = address.partition("://")
    if not sep:
        scheme, loc = "tcp", address
    if scheme not in ("tcp", "tls"):
        if scheme in ("inproc", "ucx", "ws", "wss"):
            return
        raise _bad_address(address, f"unknown protocol {scheme!r}; use tcp://")
    m = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})", loc)
    if not m or not 0 < int(m.group(2)) < 65536:
        raise _bad_address(address, "not host:port")
    host = m.group(1).strip("[]")
    try:
        socket.create_connection((host, int(m.group(2))), timeout=10).close()
    except OSError as exc:
        raise _bad_address(address, f"cannot connect: {exc.strerror or exc}") from None


def _quiet_client_del() -> None:
    """A Client that failed to connect complains from ``__del__`` (a 20 s close and a
    traceback); drop those reports of distributed's finaliser only."""
    import sys

    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        obj = getattr(unraisable, "object", None)
        if "distributed" in str(getattr(obj, "__module__", "")) or "Client.__del__" in repr(
                obj):
            return
        previous(unraisable)

    sys.unraisablehook = hook


def _cache(key: str) -> Any:
    with _CACHE_LOCK:
        if key not in _CACHES:
            if len(_CACHES) >= 2:
                _CACHES.pop(next(iter(_CACHES)))
            _CACHES[key] = PreparedCache()
        return _CACHES[key]


def _draw_task(base: Scenario, values: list[dict[str, Any]], key: str) -> list[Results]:
    """On a worker: the named result arrays of one block of draws (``key``: the base
    scenario's sha256, which names the worker's prepared population)."""
    scenarios = draw_scenarios(base, values)
    return run_block(scenarios, _cache(key))


def _task_size(client: Any, n: int) -> int:
    """Items (draws, batches) per task: about TASKS_PER_THREAD tasks per worker thread."""
    info = client.scheduler_info()
    threads = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
    return max(1, math.ceil(n / (TASKS_PER_THREAD * threads)))


def run_blocks(scenario: Scenario, plan: Any, address: str
               ) -> Iterator[tuple[tuple[int, ...], list[Results]]]:
    """Each block of ``plan`` (split so that every worker thread gets work) computed on
    the cluster: (draw indices, their named result arrays), as the blocks complete."""
    from distributed import as_completed

    client = connect(address)
    try:
        size = _task_size(client, len(plan.scenarios))
        blocks = [b[i:i + size] for b in plan.blocks for i in range(0, len(b), size)]
        futures = {}
        key = scenario.sha256  # once, here (the draws' Dataset carries it too)
        for block in blocks:
            fut = client.submit(_draw_task, scenario, [plan.values[d] for d in block], key,
                                pure=False)
            futures[fut] = block
        for fut in as_completed(futures, loop=client.loop):
            yield futures[fut], fut.result()
    finally:
        client.close()


def _batch_task(sc: Scenario, batches: Sequence[int], key: str) -> list[engine.Totals]:
    """On a worker: the totals of each of ``batches`` (engine.batch_totals); ``key``:
    the scenario's sha256, which names the worker's prepared population."""
    prep = _cache(key).get(sc)
    return list(engine.batch_totals(prep, [engine.draw_parameters(prep)], range(*batches)))


def run_on_cluster(scenario: Scenario, address: str,
                   progress: engine.Progress | None = None) -> xr.Dataset:
    """One run (no draws) with its record batches computed on the cluster."""
    from distributed import as_completed

    prep = engine.prepare(scenario)
    n = engine.n_batches(prep)
    client = connect(address)
    try:
        size = _task_size(client, n)
        key = scenario.sha256  # once, here, not on every task
        futures = {client.submit(_batch_task, scenario, (start, min(n, start + size)), key,
                                 pure=False): start for start in range(0, n, size)}
        parts: dict[int, list[engine.Totals]] = {}
        for fut in as_completed(futures, loop=client.loop):
            parts[futures[fut]] = fut.result()
            if progress is not None:
                progress(sum(len(p) for p in parts.values()), n)
    finally:
        client.close()
    total = engine.sum_totals(part for start in sorted(parts) for part in parts[start])
    return engine.finish(prep, total.draw(0))
