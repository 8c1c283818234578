"""The layer map of the package, as data, and the walk over its imports that checks it.

Data flow one way (DESIGN.md, docs/architecture.md): a module may import modules of
its own layer or of a lower one, never of a higher one; no two modules import each
other, directly or round a loop; the leaves import nothing of the package beyond
what :data:`LEAVES` allows. ``tests/test_layers.py`` fails on any import that runs
against this map; ``python -m simulate.layers`` prints the map and what breaks it.

This module is a leaf itself (standard library only) and is never imported by the
engine: it reads the source files with :mod:`ast`, every import included (at module
level, inside functions, and those under ``if TYPE_CHECKING:``, which are kept apart
as type-only: they never run, so they cannot make an import cycle at run time).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "simulate"

#: the layers, lowest first: (name, what it holds, its modules: a dotted name is the
#: module or package itself and everything below it; the bare package name is only
#: ``simulate/__init__.py``)
LAYERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("leaves", "errors, version, payment timing, provenance, the numba kernels, the root "
     "finder, xarray without dask: import nothing above them",
     ("simulate._version", "simulate.errors", "simulate.timing", "simulate.provenance",
      "simulate.kernels", "simulate.layers", "simulate.rootfind", "simulate.nodask")),
    ("scenario", "the scenario file: keys, parsing, validation, the typed Scenario",
     ("simulate.scenario",)),
    ("population", "country profiles, records (synthetic or microdata), demography",
     ("simulate.population", "simulate.demography", "simulate.data")),
    ("rules", "benefit rules compiled into the kernels' tables; the kernels' cache; what "
     "the engine hands the results (the prepared scenario, the macro path, the totals)",
     ("simulate.programmes", "simulate.kernel_cache", "simulate.compile_ahead",
      "simulate.prepared")),
    ("results", "arithmetic on the kernels' totals: costing, fiscal space, financing, "
     "returns, the fund, present values, the caseload transition, plausibility checks",
     ("simulate.variables", "simulate.results", "simulate.finance", "simulate.financing", "simulate.fiscal",
      "simulate.costing", "simulate.present_values", "simulate.transition",
      "simulate.returns", "simulate.fund", "simulate.plausibility")),
    ("engine", "one scenario (or one block of draws) projected: prepare, kernel, results",
     ("simulate.engine",)),
    ("analyses", "what re-runs the engine: Monte Carlo draws, the cluster, Sobol', "
     "one-way and global sensitivity, the tornado, risks, convergence",
     ("simulate.uncertainty",)),
    ("runs", "which way a run goes (local, draws, cluster): simulate.run",
     ("simulate.runs",)),
    ("report", "files, tables, charts, report.html, tables.xlsx, comparisons",
     ("simulate.report",)),
    ("interface", "the public API (simulate/__init__.py), the command line, scripts "
     "over whole runs", ("simulate", "simulate.cli", "simulate.dli")),
)

#: modules that import nothing of the package but what is listed (prefixes as above)
LEAVES: dict[str, tuple[str, ...]] = {
    "simulate._version": (),
    "simulate.errors": (),
    "simulate.timing": (),
    "simulate.layers": (),
    "simulate.kernels": ("simulate.kernels",),
    "simulate.provenance": ("simulate._version",),
    "simulate.rootfind": (),
    "simulate.nodask": (),
}

#: type-only imports (under ``if TYPE_CHECKING:``) allowed against the layers, each with
#: its reason: (importer, imported) -> why. They never run; each one listed must exist
#: and stay type-only (tests/test_layers.py checks both).
TYPE_ONLY: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    """One import of a package module by another: where it is and how it runs
    (``"module"``: at import time, ``"function"``: when the function runs,
    ``"type"``: only for type checkers)."""

    importer: str
    imported: str
    file: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.importer} -> {self.imported} ({self.file}:{self.line}, {self.kind})"


def modules(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every source module of ``package`` under ``root`` (the folder holding it): dotted
    name -> file (a package is its ``__init__.py``); folders named ``__generated__``
    (code written at run time) are left out."""
    out: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        if "__generated__" in path.parts:  # written at run time (kernels/specialise.py,
            continue                       # git-ignored): not source, not in the docs
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool,
             known: dict[str, Path], package: str) -> list[str]:
    """The package modules an import statement in module ``name`` loads (a name
    imported from a package that is itself a module counts as that module)."""
    found: list[str] = []
    if isinstance(node, ast.Import):
        found = [a.name for a in node.names]
    else:
        if node.level:
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[:len(base) - (node.level - 1)]
            module = ".".join([*base, *([node.module] if node.module else [])])
        else:
            module = node.module or ""
        for alias in node.names:
            sub = f"{module}.{alias.name}"
            found.append(sub if sub in known else module)
    out = []
    for target in found:
        # the nearest enclosing module that exists (``import simulate.x.y`` loads it)
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and (target == package or target.startswith(package + ".")):
            out.append(target)
    return out


def imports(root: Path, package: str = PACKAGE) -> list[Import]:
    """Every import between modules of ``package`` (module doc), with the implicit ones:
    importing ``a.b.c`` also runs the ``__init__`` of package ``a.b`` (unless the
    importer lives in it); the root package's own ``__init__`` is left out (it imports
    its public names on first use only)."""
    known = modules(root, package)
    out: list[Import] = []
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        rel = str(path.relative_to(root))

        def visit(node: ast.AST, kind: str, name: str = name, is_package: bool = is_package,
                  rel: str = rel) -> None:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(node, name, is_package, known, package):
                    for mod in _with_parents(target, name, package, known):
                        if mod != name:
                            out.append(Import(name, mod, rel, node.lineno, kind))
                return
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                for child in node.body:
                    visit(child, "type")
                for child in node.orelse:
                    visit(child, kind)
                return
            inner = kind
            if kind == "module" and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef
                                                | ast.Lambda):
                inner = "function"
            for child in ast.iter_child_nodes(node):
                visit(child, inner)

        visit(tree, "module")
    return out


def _with_parents(target: str, importer: str, package: str, known: dict[str, Path]
                  ) -> list[str]:
    """``target`` and the packages above it whose ``__init__`` the import runs."""
    out = [target]
    parts = target.split(".")
    for i in range(len(parts) - 1, 1, -1):  # never the root package itself
        parent = ".".join(parts[:i])
        if parent in known and not (importer == parent or importer.startswith(parent + ".")):
            out.append(parent)
    return out


def _matches(module: str, prefix: str, package: str = PACKAGE) -> bool:
    if prefix == package:
        return module == package
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str, layers: Iterable[tuple[str, str, tuple[str, ...]]] = LAYERS
             ) -> int | None:
    """The index of the layer ``module`` belongs to (the longest matching entry), or
    None when the map does not place it."""
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, _, prefixes) in enumerate(layers):
        for prefix in prefixes:
            if _matches(module, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def against_layers(found: Iterable[Import],
                   layers: tuple[tuple[str, str, tuple[str, ...]], ...] = LAYERS,
                   leaves: dict[str, tuple[str, ...]] | None = None,
                   type_only: dict[tuple[str, str], str] | None = None) -> list[str]:
    """Every import that runs against the layers or a leaf's limits, as one line each
    naming the edge, its file and line and the two layers."""
    leaves = LEAVES if leaves is None else leaves
    type_only = TYPE_ONLY if type_only is None else type_only
    problems = []
    for imp in found:
        a, b = layer_of(imp.importer, layers), layer_of(imp.imported, layers)
        if a is None or b is None:
            continue  # unplaced modules are reported by unplaced()
        for leaf, allowed in leaves.items():
            if (_matches(imp.importer, leaf) and not _matches(imp.imported, leaf)
                    and not any(_matches(imp.imported, p) for p in allowed)):
                problems.append(f"{imp}: leaf {leaf} imports nothing of the package"
                                + (f" but {', '.join(allowed)}" if allowed else ""))
        if b > a and not (imp.kind == "type" and (imp.importer, imp.imported) in type_only):
            problems.append(f"{imp}: layer {layers[a][0]!r} imports the higher layer "
                            f"{layers[b][0]!r}")
    return problems


def unplaced(names: Iterable[str],
             layers: tuple[tuple[str, str, tuple[str, ...]], ...] = LAYERS) -> list[str]:
    """The modules the layer map does not place."""
    return [n for n in names if layer_of(n, layers) is None]


def cycles(found: Iterable[Import], type_only: dict[tuple[str, str], str] | None = None
           ) -> list[list[Import]]:
    """Import loops between modules: one loop per strongly connected group, as the
    edges that close it (type-only imports of :data:`TYPE_ONLY` left out)."""
    type_only = TYPE_ONLY if type_only is None else type_only
    edges: dict[str, dict[str, Import]] = {}
    for imp in found:
        if imp.kind == "type" and (imp.importer, imp.imported) in type_only:
            continue
        edges.setdefault(imp.importer, {}).setdefault(imp.imported, imp)
        edges.setdefault(imp.imported, {})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return [_loop(group, edges) for group in groups]


def _loop(group: list[str], edges: dict[str, dict[str, Import]]) -> list[Import]:
    """One loop through ``group``, from its first module back to it (breadth first)."""
    members = set(group)
    start = group[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges[v]):
                if w not in members:
                    continue
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    path.reverse()
                    path.append(start)
                    return [edges[a][b] for a, b in zip(path, path[1:], strict=False)]
                if w not in previous:
                    previous[w] = v
                    nxt.append(w)
        frontier = nxt
    return []  # pragma: no cover (a strongly connected group always has a loop)


#: the markers around the generated part of docs/architecture.md
DOC_BEGIN = "<!-- generated by python -m simulate.layers --write-docs: do not edit -->"
DOC_END = "<!-- end of the generated part -->"


def summary_line(path: Path) -> str:
    """The first sentence of a module's docstring (its first paragraph when shorter)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.strip().split("\n\n")[0].split())
    end = first.find(". ")
    first = first[:end + 1] if end >= 0 else first
    first = re.sub(r":[a-z]+:`~?", "`", first).replace("``", "`")  # Sphinx roles, RST code
    return first.replace("|", "\\|")


def module_table(root: Path, package: str = PACKAGE) -> str:
    """The layers and their modules as Markdown: one table per layer, lowest first,
    each module with the first sentence of its docstring."""
    names = modules(root, package)
    out = [DOC_BEGIN, ""]
    for i, (name, what, _) in enumerate(LAYERS):
        out += [f"### {i}. {name}", "", f"{what[0].upper()}{what[1:]}.", "",
                "| module | what it does |", "|---|---|"]
        for module in sorted(n for n in names if layer_of(n) == i):
            rel = names[module].relative_to(root).as_posix()
            out.append(f"| `{rel}` | {summary_line(names[module])} |")
        out.append("")
    out.append(DOC_END)
    return "\n".join(out)


def documented(doc: str, root: Path) -> str:
    """``doc`` (the text of docs/architecture.md) with its generated part up to date."""
    start, end = doc.find(DOC_BEGIN), doc.find(DOC_END)
    if start < 0 or end < start:
        raise ValueError(f"docs/architecture.md lacks the markers {DOC_BEGIN!r} and "
                         f"{DOC_END!r}")
    return doc[:start] + module_table(root) + doc[end + len(DOC_END):]


def main(argv: list[str] | None = None) -> int:
    """Print the layer map and every import against it (exit status 1 when any);
    ``--write-docs`` rewrites the generated part of docs/architecture.md,
    ``--check-docs`` fails when it is stale."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parent.parent
    if args and args[0] in ("--write-docs", "--check-docs"):
        path = root / "docs" / "architecture.md"
        text = path.read_text(encoding="utf-8")
        fresh = documented(text, root)
        if args[0] == "--check-docs":
            if fresh != text:
                print(f"{path} is stale: run python -m simulate.layers --write-docs")
                return 1
            return 0
        if fresh != text:
            path.write_text(fresh, encoding="utf-8")
        return 0
    found = imports(root)
    names = modules(root)
    for i, (name, what, _) in enumerate(LAYERS):
        members = sorted(n for n in names if layer_of(n) == i)
        print(f"{i} {name}: {what}\n    " + ", ".join(members))
    bad = [*(f"{n}: not in the layer map" for n in unplaced(names)),
           *against_layers(found),
           *("import cycle: " + "; ".join(map(str, loop)) for loop in cycles(found))]
    print("\n".join(bad) if bad else "\nno import against the layers, no cycle")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
