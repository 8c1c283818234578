"""simulate/nodask.py: a run's Dataset is built (and written) without importing dask,
the same Dataset as with dask imported, and dask works as usual afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from dataclasses import replace
import simulate
sc = simulate.load_scenario('scenarios/lao_mecg.toml')
ds = simulate.run(replace(sc, records=300, end_year=sc.start_year + 2))
from simulate.report.writer import run_summary
run_summary(ds)
out = {"after_run": sorted(m for m in ("dask", "dask.array", "distributed")
                           if m in sys.modules)}
import dask.array as da
import xarray as xr
v = xr.Variable(("x",), da.ones(3, chunks=1))
out["dask_seen_after"] = v.chunks is not None
from simulate.results import Results, build_dataset
import numpy as np
again = build_dataset(Results(data={"total_cost": np.arange(3.0)},
                              coords={"year": [2025, 2026, 2027]}))
out["dask_imported_build"] = float(again["total_cost"].sum())
print(json.dumps(out))
"""


def test_a_run_imports_no_dask_and_dask_still_works_after():
    pytest.importorskip("dask")
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"after_run": [], "dask_seen_after": True, "dask_imported_build": 3.0}


def test_the_same_dataset_with_dask_imported():
    """build_dataset with dask hidden (not yet imported) and with dask imported."""
    pytest.importorskip("dask")
    code = ("import pickle, sys\n"
            "from dataclasses import replace\n"
            "import simulate\n"
            "if sys.argv[1] == 'dask':\n"
            "    import dask.array\n"
            "sc = simulate.load_scenario('scenarios/lao_mecg.toml')\n"
            "ds = simulate.run(replace(sc, records=300, end_year=sc.start_year + 2))\n"
            "ds.attrs.pop('created', None)\n"
            "sys.stdout.buffer.write(pickle.dumps(ds))\n")
    import pickle

    runs = [pickle.loads(subprocess.run([sys.executable, "-c", code, how], check=True,
                                        capture_output=True, cwd=ROOT).stdout)
            for how in ("plain", "dask")]
    assert runs[0].identical(runs[1])


def test_without_dask_hides_only_what_is_not_imported(monkeypatch):
    from simulate.nodask import without_dask

    monkeypatch.delitem(sys.modules, "no_such_module_here", raising=False)
    with without_dask(("no_such_module_here", "sys")):
        assert sys.modules["no_such_module_here"] is None  # import fails inside
        assert sys.modules["sys"] is not None  # imported already: left alone
        with without_dask(("no_such_module_here",)):  # nested: nothing more to hide
            assert sys.modules["no_such_module_here"] is None
    assert "no_such_module_here" not in sys.modules
