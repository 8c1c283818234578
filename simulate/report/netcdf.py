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
from pathlib import Path

import xarray as xr

from ..nodask import without_dask


def write_netcdf(ds: xr.Dataset, path: Path) -> None:
    """``ds.to_netcdf(path, engine="h5netcdf")``, without importing dask's modules for
    a Dataset of numpy arrays (module doc; simulate/nodask.py)."""
    chunked = any(v.chunks is not None for v in ds.variables.values())
    with contextlib.nullcontext() if chunked else without_dask():  # hides those not imported
        ds.to_netcdf(path, engine="h5netcdf")
