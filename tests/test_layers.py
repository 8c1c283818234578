"""The layers, enforced: every import of the package against the layer map of
simulate/layers.py (docs/architecture.md), no import cycle, the leaves' limits, the
type-only exceptions current, and the walk itself checked on a made-up package."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from simulate import layers
from simulate.layers import (
    LAYERS,
    TYPE_ONLY,
    Import,
    against_layers,
    cycles,
    imports,
    layer_of,
    modules,
    unplaced,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def found() -> list[Import]:
    return imports(ROOT)


def test_every_module_has_a_layer() -> None:
    missing = unplaced(modules(ROOT))
    assert not missing, ("modules the layer map (simulate/layers.py, LAYERS) does not place: "
                         + ", ".join(missing))


def test_no_import_runs_against_the_layers(found: list[Import]) -> None:
    problems = against_layers(found)
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_no_import_cycle(found: list[Import]) -> None:
    loops = cycles(found)
    assert not loops, "import cycles:\n" + "\n".join(
        " ; ".join(str(edge) for edge in loop) for loop in loops)


def test_the_walk_sees_every_kind_of_import(found: list[Import]) -> None:
    # a module-level, a function-level and a type-only import the package is known to have
    edges = {(i.importer, i.imported, i.kind) for i in found}
    assert ("simulate.runs", "simulate.engine", "module") in edges
    assert ("simulate.uncertainty.tornado", "simulate.engine", "function") in edges
    assert ("simulate.costing", "simulate.prepared", "type") in edges
    # importing simulate.uncertainty.tornado runs simulate/uncertainty/__init__.py too
    assert ("simulate.cli", "simulate.uncertainty", "function") in edges


def test_type_only_exceptions_exist_and_stay_type_only(found: list[Import]) -> None:
    for (importer, imported), why in TYPE_ONLY.items():
        kinds = {i.kind for i in found if (i.importer, i.imported) == (importer, imported)}
        assert kinds, f"stale TYPE_ONLY entry {importer} -> {imported} ({why}): remove it"
        assert kinds == {"type"}, (f"{importer} -> {imported} is allowed as a type-only "
                                   f"import ({why}) but also runs: {sorted(kinds)}")


def test_the_engine_does_not_dispatch(found: list[Import]) -> None:
    """Which way a run goes is decided in simulate/runs.py, above the engine: the engine
    imports no analysis, and simulate.run is runs.run."""
    import simulate
    from simulate import engine, runs

    assert not [i for i in found if i.importer == "simulate.engine"
                and layer_of(i.imported) >= layer_of("simulate.uncertainty")]
    assert simulate.run is runs.run
    assert not hasattr(engine, "run")


def test_layer_names_are_unique_and_ordered() -> None:
    names = [name for name, _, _ in LAYERS]
    assert len(names) == len(set(names))
    assert layer_of("simulate.errors") == 0
    assert layer_of("simulate.kernels.projection") == 0
    assert (layer_of("simulate.scenario.model") < layer_of("simulate.population.profiles")
            < layer_of("simulate.programmes.rules") < layer_of("simulate.costing")
            < layer_of("simulate.engine") < layer_of("simulate.uncertainty.runner")
            < layer_of("simulate.runs") < layer_of("simulate.report.writer")
            < layer_of("simulate.cli"))
    assert layer_of("simulate") == layer_of("simulate.cli")  # the API's __init__ only
    assert layer_of("simulatex") is None


def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_walk_finds_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    _package(tmp_path, {
        "simulate/__init__.py": "",
        "simulate/low.py": """\
            def f():
                from .high import g  # an upward import, inside a function
                return g
            """,
        "simulate/high.py": "from . import low\n",
        "simulate/sub/__init__.py": "from .a import x\n",
        "simulate/sub/a.py": "x = 1\n",
        "simulate/leaf.py": "from simulate.sub.a import x\n",
        "simulate/typed.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from .high import g
            """,
    })
    fake = (("bottom", "", ("simulate.leaf", "simulate.low")),
            ("top", "", ("simulate.high", "simulate.sub", "simulate.typed")))
    found = imports(tmp_path)
    edges = {(i.importer, i.imported, i.kind, i.line) for i in found}
    assert ("simulate.low", "simulate.high", "function", 2) in edges
    assert ("simulate.high", "simulate.low", "module", 1) in edges
    # the package's __init__ runs when one of its modules is imported
    assert ("simulate.leaf", "simulate.sub", "module", 1) in edges
    assert ("simulate.leaf", "simulate.sub.a", "module", 1) in edges
    assert ("simulate.typed", "simulate.high", "type", 3) in edges

    problems = against_layers(found, fake, leaves={"simulate.leaf": ()}, type_only={})
    assert ("simulate.low -> simulate.high (simulate/low.py:2, function): layer 'bottom' "
            "imports the higher layer 'top'") in problems
    assert any(p.startswith("simulate.leaf -> simulate.sub.a") and "leaf simulate.leaf"
               in p for p in problems)
    assert not [p for p in problems if p.startswith("simulate.typed")]  # same layer

    loops = cycles(found, type_only={})
    assert [[(e.importer, e.imported) for e in loop] for loop in loops] == [
        [("simulate.high", "simulate.low"), ("simulate.low", "simulate.high")]]
    # a type-only import allowed by name is not an edge of a loop
    allowed = {("simulate.typed", "simulate.high"): "annotation"}
    assert cycles([i for i in found if i.importer != "simulate.low"], allowed) == []


def test_architecture_doc_is_current() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert layers.documented(doc, ROOT) == doc, (
        "docs/architecture.md's module tables are stale: run "
        "python -m simulate.layers --write-docs")
    for name, _, _ in LAYERS:
        assert f". {name}" in doc
