"""results.nc without importing dask's cluster client: xarray's ``to_netcdf`` asks
dask, when it is installed, which scheduler runs (``get_dask_scheduler``), and that
imports ``distributed`` (about 0.5 s of CPU, an eighth of writing a run's outputs;
docs/performance.md, "Round 6 (cold)"); a process that has not imported dask at all
also imports ``dask.array`` to learn that its arrays are not dask arrays.

The answer only matters for a Dataset with dask (chunked) variables: xarray closes
the file after each write when such variables are computed by a distributed or
multiprocessing scheduler. A run's Dataset holds numpy arrays only, so while
:func:`write_netcdf` writes one, ``import distributed`` (and ``import dask`` when
dask is not imported yet) fails, which xarray takes as "not installed", as it does
where they are not; every record xarray kept of that answer is dropped afterwards,
so a later import (a run on a cluster, a user's own code) sees them as they are. A
Dataset with chunked variables is written by xarray as it is. The file is the same
either way (tests/test_netcdf_write.py compares the bytes).
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import xarray as xr

#: modules xarray imports only to ask about dask's arrays and schedulers
_ASKED = ("distributed", "dask")
_LOCK = threading.Lock()


@contextlib.contextmanager
def _absent(names: tuple[str, ...]) -> Iterator[None]:
    """``import name`` fails inside the block for each of ``names`` (none imported yet);
    xarray's memory of their absence is dropped after it."""
    from xarray.namedarray import pycompat, utils

    duck = getattr(pycompat, "_cached_duck_array_modules", {})
    had = set(duck)
    available = getattr(utils, "module_available", None)
    clear = getattr(available, "cache_clear", lambda: None)  # lru_cache'd "installed?"
    with _LOCK:
        for name in names:
            sys.modules[name] = None  # type: ignore[assignment]
        clear()
        try:
            yield
        finally:
            for name in names:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]
            for key in set(duck) - had:  # e.g. "dask: not available", noted while hidden
                duck.pop(key, None)
            clear()


def write_netcdf(ds: xr.Dataset, path: Path) -> None:
    """``ds.to_netcdf(path, engine="h5netcdf")``, without importing dask's modules for
    a Dataset of numpy arrays (module doc)."""
    hidden = tuple(n for n in _ASKED if n not in sys.modules)
    if not hidden or any(v.chunks is not None for v in ds.variables.values()):
        ds.to_netcdf(path, engine="h5netcdf")
        return
    with _absent(hidden):
        ds.to_netcdf(path, engine="h5netcdf")
