"""Two output folders of ``spsim run`` compared file by file, bytes included.

Not part of the test suite. Run from the repository root:

    .venv/bin/python benchmarks/compare_outfolders.py BEFORE AFTER

Used to show that a change to how the outputs are written leaves every file the same
(docs/performance.md, "Round 9 (write)"). Two runs of the same scenario differ only in
when they ran, so before the bytes are compared:

* the run's time stamp (``created`` in provenance.json, also in results.nc's and the
  workbook's "About" sheet and the charts' source line) of AFTER is replaced by BEFORE's
  wherever it appears (the stamps have the same length, so nothing else moves);
* tables.xlsx is compared member by member (a zip file stamps each member with the time
  it was written), and its ``docProps/core.xml`` without openpyxl's created and
  modified times;
* the manifest (``.spsim-manifest.json``) is left out: it holds the hashes of the files
  compared here, the command and its own time.

Prints one line per file (``same``, ``DIFF``, ``only in ...``); exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

_CORE_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _stamp(folder: Path) -> bytes:
    return json.loads((folder / "provenance.json").read_text())["created"].encode()


def _members(path: Path, old: bytes, new: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        out = {n: z.read(n).replace(old, new) for n in z.namelist()}
    if "docProps/core.xml" in out:
        out["docProps/core.xml"] = _CORE_TIMES.sub(b"", out["docProps/core.xml"])
    return out


def compare(before: Path, after: Path) -> list[tuple[str, str]]:
    """(file, verdict) for every file of either folder (module doc)."""
    names = sorted(({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
                   - {".spsim-manifest.json"})
    old, new = _stamp(after), _stamp(before)
    out = []
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            out.append((name, f"only in {before if a.exists() else after}"))
            continue
        if name.endswith(".xlsx"):
            same = _members(a, b"", b"") == _members(b, old, new)
        else:
            same = a.read_bytes() == b.read_bytes().replace(old, new)
        out.append((name, "same" if same else "DIFF"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    a = ap.parse_args()
    rows = compare(a.before, a.after)
    for name, verdict in rows:
        print(f"{verdict:8s} {name}")
    sys.exit(0 if all(v == "same" for _, v in rows) else 1)


if __name__ == "__main__":
    main()
