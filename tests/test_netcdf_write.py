"""results.nc written without importing dask's cluster client (simulate/report/
netcdf.py): the same bytes as xarray's own ``to_netcdf``, ``distributed`` not imported,
and dask's modules seen as they are afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent("""
    import json, sys
    import numpy as np
    import xarray as xr
    from simulate.report.netcdf import write_netcdf

    ds = xr.Dataset(
        {"cost": (("year", "programme"), np.arange(6.0).reshape(3, 2) / 7),
         "count": ("year", np.array([1, 2, 3], dtype=np.int64)),
         "label": ("programme", np.array(["child grant", "pension"], dtype=object)),
         "flag": ("year", np.array([True, False, True]))},
        coords={"year": [2025, 2026, 2027], "programme": ["a", "b"]},
        attrs={"scenario": "x = 1\\n", "draws": 3, "shares": [0.5, 0.25]})
    ds["cost"].attrs["units"] = "LAK"
    before = "distributed" in sys.modules
    write_netcdf(ds, sys.argv[1] + "/ours.nc")
    after = "distributed" in sys.modules
    from xarray.backends.locks import get_dask_scheduler
    scheduler = get_dask_scheduler()  # imports distributed now: it is there
    import dask.array as da
    chunked = xr.Dataset({"x": ("i", da.zeros(4, chunks=2))})
    write_netcdf(chunked, sys.argv[1] + "/chunked.nc")  # chunked: xarray as it is
    ds.to_netcdf(sys.argv[1] + "/xarray.nc", engine="h5netcdf")
    write_netcdf(ds, sys.argv[1] + "/ours_after.nc")  # distributed imported: as it is
    print(json.dumps([before, after, scheduler, "distributed" in sys.modules]))
""")


def test_netcdf_same_bytes_without_distributed(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True,
                          text=True, check=True)
    before, after, scheduler, imported = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not before and not after  # writing did not import distributed
    assert scheduler == "threaded" and imported  # and it is found as it is afterwards
    reference = (tmp_path / "xarray.nc").read_bytes()
    assert (tmp_path / "ours.nc").read_bytes() == reference
    assert (tmp_path / "ours_after.nc").read_bytes() == reference
    import xarray as xr

    with xr.open_dataset(tmp_path / "chunked.nc") as back:
        assert back["x"].values.tolist() == [0.0, 0.0, 0.0, 0.0]
