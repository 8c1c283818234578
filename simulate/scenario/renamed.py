"""Keys that changed name: a scenario file written for an older version still loads.

:data:`RENAMED` maps an old key path to its new one (``*`` stands for a name of the
user's, such as a programme's, and is carried over). Before validation, each old key
found is moved to its new name with a warning naming both (an error with ``--strict``);
a file that gives both names is refused. When a key is renamed in the registry
(:mod:`simulate.scenario.keys`), add the old name here and a line to the changelog.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .specs import Context

#: old key path -> new key path (``*``: any name, carried over)
RENAMED: dict[str, str] = {}


def _matches(doc: Any, parts: list[str], found: tuple[str, ...] = ()
             ) -> Iterator[tuple[str, ...]]:
    """The concrete key paths (as tuples of names) of ``doc`` matching ``parts``."""
    if not parts:
        yield found
        return
    if not isinstance(doc, dict):
        return
    head, rest = parts[0], parts[1:]
    names = list(doc) if head == "*" else ([head] if head in doc else [])
    for name in names:
        yield from _matches(doc[name], rest, (*found, name))


def _concrete(pattern: str, names: tuple[str, ...], old: str) -> tuple[str, ...]:
    """``pattern`` with its ``*`` replaced by the names the old pattern's ``*`` matched."""
    wild = iter(n for n, p in zip(names, old.split("."), strict=True) if p == "*")
    return tuple(next(wild) if p == "*" else p for p in pattern.split("."))


def _get(doc: dict, path: tuple[str, ...]) -> Any:
    node: Any = doc
    for k in path:
        if not isinstance(node, dict) or k not in node:
            return None
        node = node[k]
    return node


def rename_keys(doc: dict[str, Any], origins: dict[str, str], ctx: Context,
                renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """``doc`` with every key of ``renamed`` (default :data:`RENAMED`) under its new name:
    a warning for each, a problem where both names are given. ``origins`` follow the
    keys; the input document is not changed."""
    renamed = RENAMED if renamed is None else renamed
    out = doc
    for old, new in renamed.items():
        for names in list(_matches(out, old.split("."))):
            target = _concrete(new, names, old)
            old_key, new_key = ".".join(names), ".".join(target)
            if _get(out, target) is not None:
                ctx.bad(old_key, f"only the new name {new_key} (the key was renamed)",
                        "both names", raw=True)
                continue
            if out is doc:
                out = copy.deepcopy(doc)
            parent = _get(out, names[:-1]) if len(names) > 1 else out
            value = parent.pop(names[-1])
            node = out
            for k in target[:-1]:
                node = node.setdefault(k, {})
            node[target[-1]] = value
            ctx.warn(old_key, f"the new name {new_key}", "the old name",
                     "the key was renamed; the old name still loads", raw=True)
            for leaf in [k for k in origins if k == old_key or k.startswith(old_key + ".")]:
                origins[new_key + leaf[len(old_key):]] = origins.pop(leaf)
    return out
