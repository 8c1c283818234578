"""Bit-identity check over every shipped scenario (issue 13 item 6, issue 15 item 2).

    python tools/bitident.py save DIR      # run every scenario, write DIR/<name>.nc
    python tools/bitident.py check DIR     # run again, compare with DIR, exit 1 on any difference

Each scenario is run through the public API (``simulate.run``), with its draws
where it has ``[uncertainty]``, and every variable is compared exactly
(``numpy.array_equal`` with NaN equal to NaN); attributes are compared too,
except the ones that name the run (time, version, host). A refactor that
claims "results unchanged" runs ``check`` against a ``save`` taken before it.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore", message="You are writing invalid netcdf")

ROOT = Path(__file__).resolve().parents[1]
VOLATILE = {"created", "run_time", "simulate_version", "host", "elapsed_s", "provenance"}


def _run(path: Path):
    import simulate

    sc = simulate.load_scenario(path)
    return simulate.run(sc)


def _same(a, b) -> bool:
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def _diff(ds, ref) -> list[str]:
    out = []
    for name in sorted(set(ds.variables) | set(ref.variables)):
        if name not in ds.variables or name not in ref.variables:
            out.append(f"{name}: only in {'new' if name in ds.variables else 'saved'}")
            continue
        if ds[name].dims != ref[name].dims:
            out.append(f"{name}: dims {ds[name].dims} != {ref[name].dims}")
        elif not _same(ds[name].values, ref[name].values):
            out.append(f"{name}: values differ")
    for k in sorted(set(ds.attrs) | set(ref.attrs)):
        if k in VOLATILE:
            continue
        if str(ds.attrs.get(k)) != str(ref.attrs.get(k)):
            out.append(f"attrs[{k!r}] differs")
    return out


def main(argv: list[str]) -> int:
    import xarray as xr

    if len(argv) < 2 or argv[0] not in ("save", "check"):
        print(__doc__)
        return 2
    mode, outdir = argv[0], Path(argv[1])
    only = set(argv[2:])
    outdir.mkdir(parents=True, exist_ok=True)
    bad = 0
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        if only and path.stem not in only:
            continue
        ds = _run(path)
        target = outdir / f"{path.stem}.nc"
        if mode == "save":
            ds.to_netcdf(target, engine="h5netcdf", invalid_netcdf=True)
            print(f"saved {path.stem}")
            continue
        ref = xr.load_dataset(target, engine="h5netcdf")
        ds = xr.load_dataset(_roundtrip(ds), engine="h5netcdf")
        problems = _diff(ds, ref)
        bad += bool(problems)
        print(f"{'DIFF' if problems else 'same'} {path.stem}")
        for p in problems[:20]:
            print(f"    {p}")
    return 1 if bad else 0


def _roundtrip(ds):
    import io

    buf = io.BytesIO()
    ds.to_netcdf(buf, engine="h5netcdf", invalid_netcdf=True)
    buf.seek(0)
    return buf


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
