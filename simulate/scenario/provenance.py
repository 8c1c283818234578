"""The resolved scenario saved with results: a document that re-runs from anywhere.

``extends`` is already flattened and ``--set`` applied by the loader; this adds
what a copy of the file elsewhere would lose: file paths that are relative to the
scenario file (the population's microdata, a country profile given as a file)
become absolute, and the id that the file name gave is written out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: What an explicit ``scenario.id`` may be (the schema's pattern).
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def rerunnable(doc: Mapping[str, Any], base_dir: Path, sid: str) -> dict[str, Any]:
    """``doc`` (a resolved scenario document) with relative file paths made absolute
    against ``base_dir`` (the scenario file's folder) and ``scenario.id`` set to ``sid``
    when the file left it to its name. The input is not changed."""
    out = dict(doc)
    scenario = dict(out.get("scenario") or {})
    if "id" not in scenario and _ID.match(sid) and sid not in (".", ".."):
        scenario["id"] = sid
    country = scenario.get("country")
    if isinstance(country, str) and country.endswith(".toml"):
        scenario["country"] = _absolute(country, base_dir)
    if scenario:
        out["scenario"] = scenario
    population = out.get("population")
    if isinstance(population, Mapping):
        source = population.get("source")
        if isinstance(source, str) and source != "synthetic":
            out["population"] = {**population, "source": _absolute(source, base_dir)}
    return out


def _absolute(text: str, base_dir: Path) -> str:
    path = Path(text)  # as the engine reads it: relative to the scenario's folder
    return str(path if path.is_absolute() else base_dir / path)
