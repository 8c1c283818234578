"""Provenance: what a result carries so that it can be traced and re-run.

Two halves, one module (a leaf: it imports nothing else of the package but the version):

* the resolved scenario that re-runs from anywhere (:func:`rerunnable`: ``extends``
  flattened and ``--set`` applied by the loader; file paths made absolute, the id
  written out), kept as the Dataset attribute ``scenario`` and the file
  ``scenario.toml``;
* the scenario's original text, as written, with its comments (below).

The resolved scenario re-runs the result but has lost every comment, and with it
the sources of the figures. :func:`original_texts` reads the scenario file and each
file it ``extends`` exactly as they are on disk; :func:`provenance_attrs` turns them
into the Dataset attributes ``results.nc`` carries:

* ``scenario_file``: the scenario file's name;
* ``scenario_original``: its text, comments included;
* ``scenario_original_sha256``: sha256 of that text (UTF-8);
* ``scenario_bases``: JSON list of ``{"file", "sha256", "text"}``, one per file of
  the ``extends`` chain (nearest base first; ``[]`` without ``extends``).

A scenario built in memory (no file) gets empty texts.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SourceText:
    """One scenario file as written: its name, text and the sha256 of the text."""

    file: str
    text: str

    @property
    def sha256(self) -> str:
        """Hex sha256 of the text (UTF-8)."""
        return sha256_text(self.text)


def sha256_text(text: str) -> str:
    """Hex sha256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def original_texts(path: Path | None) -> list[SourceText]:
    """The scenario file at ``path`` and the files of its ``extends`` chain, as written
    (the scenario first); [] for no file. The chain was checked when the scenario was
    loaded; a file that cannot be read now ends the list."""
    out: list[SourceText] = []
    seen: set[Path] = set()
    current = Path(path).resolve() if path is not None else None
    while current is not None and current not in seen:
        seen.add(current)
        try:
            text = current.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            break
        out.append(SourceText(current.name, text))
        try:
            base = tomllib.loads(text).get("extends")
        except tomllib.TOMLDecodeError:
            break
        current = (current.parent / base).resolve() if isinstance(base, str) else None
    return out


def provenance_attrs(path: Path | None) -> dict[str, Any]:
    """The provenance attributes of a run of the scenario file ``path`` (module doc)."""
    texts = original_texts(path)
    main = texts[0] if texts else SourceText("", "")
    return {
        "scenario_file": main.file,
        "scenario_original": main.text,
        "scenario_original_sha256": main.sha256 if main.text else "",
        "scenario_bases": json.dumps([{"file": t.file, "sha256": t.sha256, "text": t.text}
                                      for t in texts[1:]]),
    }


def bases(attrs: dict[str, Any]) -> list[SourceText]:
    """The ``extends`` chain's texts from a Dataset's attributes ([] when absent)."""
    try:
        items = json.loads(str(attrs.get("scenario_bases") or "[]"))
    except json.JSONDecodeError:
        return []
    return [SourceText(str(i.get("file", "")), str(i.get("text", ""))) for i in items
            if isinstance(i, dict)]


def run_attrs(scenario: Any) -> dict[str, Any]:
    """The attributes a chart's source line needs for a scenario that has no Dataset
    (e.g. ``spsim sensitivity --global``): id, version, date and the original file."""
    from datetime import UTC, datetime

    from ._version import __version__

    return {"scenario_id": scenario.id, "simulate_version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "scenario_sha256": scenario.sha256, **provenance_attrs(scenario.path)}


# --- the resolved scenario, re-runnable from anywhere -----------------------------

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
