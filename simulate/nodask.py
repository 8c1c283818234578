"""xarray's questions about dask answered without importing dask, for objects made of
numpy arrays only.

xarray asks, when it wraps an array in a Variable (``as_compatible_data``) and when it
writes a file (``get_dask_scheduler``), whether the array is a dask array or which
dask scheduler runs; with dask installed the first question imports ``dask.array``
(about 0.6 s of CPU: the larger part of a warm run's Dataset, docs/performance.md,
"Round 9 (write)"), the second also ``distributed``. For numpy arrays the answer is
"no" either way. Inside :func:`without_dask`, ``import dask`` (and the other names
given) fails, as where dask is not installed, so xarray takes that answer without the
import; every record xarray kept of it is dropped when the block ends, so a later
import (a run on a cluster, a user's own code) sees dask as it is. Only modules not
yet imported are hidden: once dask is imported, nothing changes.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

#: the modules xarray imports only to ask about dask's arrays and schedulers
DASK = ("distributed", "dask")
_LOCK = threading.RLock()


@contextlib.contextmanager
def without_dask(names: tuple[str, ...] = DASK) -> Iterator[None]:
    """``import name`` fails inside the block for each of ``names`` not yet imported;
    xarray's memory of their absence is dropped after it (module doc)."""
    hidden = tuple(n for n in names if n not in sys.modules)
    if not hidden:
        yield
        return
    from xarray.namedarray import pycompat, utils

    duck = getattr(pycompat, "_cached_duck_array_modules", {})
    available = getattr(utils, "module_available", None)
    clear = getattr(available, "cache_clear", lambda: None)  # lru_cache'd "installed?"
    with _LOCK:
        had = set(duck)
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]
        clear()
        try:
            yield
        finally:
            for name in hidden:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]
            for key in set(duck) - had:  # e.g. "dask: not available", noted while hidden
                duck.pop(key, None)
            clear()
