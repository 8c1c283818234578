"""Reading scenario files: TOML, ``extends``, overrides, origins of every key.

``extends = "base.toml"`` (relative to the file) names a base whose values the
file overrides, recursively; tables merge key by key, any other value (lists
included) is replaced whole. Overrides (``--set key.path=value`` or
``overrides={...}``) apply last. Each leaf key remembers where its value came
from, so an error names the right file.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError

OVERRIDE = "--set"
#: the largest scenario file read (a scenario is a few kB; a larger file is a mistake)
MAX_SCENARIO_BYTES = 16 * 2**20


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; a missing, unreadable, binary, non-UTF-8 or malformed file
    is a ScenarioError."""
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(Problem(str(path), "file", f"a scenario file of at most "
                                        f"{MAX_SCENARIO_BYTES // 2**20} MiB",
                                        f"{info.st_size:,} bytes"))
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            raise ScenarioError(Problem(str(path), "file", "a regular TOML file",
                                        "a device, pipe or socket"))
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise ScenarioError(Problem(str(path), "file", "an existing TOML file", "no such file")) from None
    except IsADirectoryError:
        raise ScenarioError(Problem(str(path), "file", "a TOML file", "a directory")) from None
    except OSError as exc:
        raise ScenarioError(Problem(str(path), "file", "a readable TOML file",
                                    exc.strerror or type(exc).__name__)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(Problem(
            str(path), "file", "UTF-8 text (TOML files are UTF-8)",
            f"byte 0x{data[exc.start]:02x} at line {line} that is not UTF-8",
            "save the file as UTF-8" if b"\x00" not in data else "a binary file?")) from None
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark some editors write
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(Problem(str(path), "file", "valid TOML", f"a syntax error: {exc}")) from None
    except RecursionError:
        raise ScenarioError(Problem(str(path), "file", "valid TOML",
                                    "tables or arrays nested too deeply")) from None


def _leaves(doc: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for k, v in doc.items():
        path = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and v:
            out.extend(_leaves(v, path))
        else:
            out.append(path)
    return out


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in top.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def resolve(path: Path, _seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], dict[str, str]]:
    """The merged document of ``path`` and its ``extends`` chain, and each leaf's origin."""
    try:
        path = path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links
        raise ScenarioError(Problem(str(_seen[-1]) if _seen else str(path),
                                    "extends" if _seen else "file",
                                    "a file path that resolves", str(exc))) from None
    if path in _seen:
        chain = " -> ".join(p.name for p in (*_seen, path))
        raise ScenarioError(
            Problem(str(_seen[-1]), "extends", "a chain of files without a loop", chain)
        )
    doc = read_toml(path)
    origins = {leaf: str(path) for leaf in _leaves(doc)}
    base_name = doc.pop("extends", None)
    origins.pop("extends", None)
    if base_name is None:
        return doc, origins
    if not isinstance(base_name, str):
        raise ScenarioError(Problem(str(path), "extends", "a file name (string)", repr(base_name)))
    base_path = (path.parent / base_name)
    if not base_path.exists():
        raise ScenarioError(
            Problem(str(path), "extends", "an existing scenario file", f"{base_name!r} (no such file)")
        )
    if not base_path.is_file():
        near = sorted(p.name for p in base_path.glob("*.toml"))[:5] if base_path.is_dir() else []
        raise ScenarioError(Problem(
            str(path), "extends", "a scenario file (.toml)",
            f"{base_name!r} ({'a folder' if base_path.is_dir() else 'not a file'})",
            ("it holds " + ", ".join(near)) if near else ""))
    base_doc, base_origins = resolve(base_path, (*_seen, path))
    merged = _merge(base_doc, doc)
    # a key set in this file hides everything its base had under it
    for leaf in list(base_origins):
        if any(leaf == o or leaf.startswith(o + ".") for o in origins):
            del base_origins[leaf]
    return merged, {**base_origins, **origins}


def parse_set(item: str) -> tuple[str, Any]:
    """``key.path=value`` from the command line; the value is read as TOML, else text."""
    if "=" not in item:
        raise ScenarioError(Problem(OVERRIDE, item, "key.path=value", repr(item)))
    key, _, text = item.partition("=")
    key = key.strip()
    if not key:
        raise ScenarioError(Problem(OVERRIDE, item, "key.path=value", repr(item)))
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    return key, value


_INDEX = re.compile(r"^([^\[\]]+)((?:\[\d+\])*)$")


def key_parts(key: str) -> list[str | int]:
    """``a.b[1].c`` -> ``["a", "b", 1, "c"]``: names, and list positions (from 0).
    Raises ValueError for a malformed key."""
    out: list[str | int] = []
    for part in key.split("."):
        m = _INDEX.match(part.strip())
        if not m:
            raise ValueError(part)
        out.append(m.group(1))
        out.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return out


def apply_overrides(
    doc: dict[str, Any], origins: dict[str, str], overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """``doc`` with each ``key.path: value`` set; origins record ``--set``.

    A key may name a position in a list, from 0: ``programmes.p.eligibility.age[0]``
    (the lower age bound), ``programmes.p.eligibility[1].age``.
    """
    doc = _merge({}, doc)
    for key, value in overrides.items():
        try:
            parts = key_parts(key)
        except ValueError:
            raise ScenarioError(Problem(OVERRIDE, key, "a key path such as a.b.c or a.b[0]",
                                        repr(key))) from None
        node: Any = doc
        for i, part in enumerate(parts[:-1]):
            where = _shown(parts[: i + 1])
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    raise ScenarioError(Problem(OVERRIDE, key, f"{_shown(parts[:i])} to be a "
                                                f"list of more than {part} values",
                                                _found(node)))
                node[part] = nxt = _copy(node[part])
            else:
                if not isinstance(node, dict):
                    raise ScenarioError(Problem(OVERRIDE, key, f"{_shown(parts[:i])} to be a "
                                                "table", _found(node)))
                nxt = node.get(part)
                if nxt is None:
                    nxt = node[part] = {}
                elif not isinstance(nxt, dict | list):
                    raise ScenarioError(
                        Problem(OVERRIDE, key, f"{where} to be a table", repr(nxt))
                    )
                else:
                    nxt = node[part] = _copy(nxt)
            node = nxt
        last = parts[-1]
        if isinstance(last, int):
            if not isinstance(node, list) or last >= len(node):
                raise ScenarioError(Problem(OVERRIDE, key, f"{_shown(parts[:-1])} to be a list "
                                            f"of more than {last} values", _found(node)))
        elif not isinstance(node, dict):
            raise ScenarioError(Problem(OVERRIDE, key, f"{_shown(parts[:-1])} to be a table",
                                        _found(node)))
        node[last] = value
        # origins are kept per key path without positions: a list is one leaf
        first_index = next((i for i, p in enumerate(parts) if isinstance(p, int)), None)
        leaf = key if first_index is None else _shown(parts[:first_index])
        for old in list(origins):
            if old == leaf or old.startswith(leaf + "."):
                del origins[old]
        if isinstance(value, dict) and first_index is None:
            for sub in _leaves(value, key):
                origins[sub] = OVERRIDE
        else:
            origins[leaf] = OVERRIDE
    return doc


def _shown(parts: list[str | int]) -> str:
    """The key path of ``parts``: ``a.b[1].c``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def _found(node: Any) -> str:
    if isinstance(node, list):
        return f"a list of {len(node)}"
    return "a table" if isinstance(node, dict) else repr(node)


def _copy(node: Any) -> Any:
    """A shallow copy of a table or list on the way to an overridden key."""
    return dict(node) if isinstance(node, dict) else list(node)


def origin_of(origins: Mapping[str, str], default: str) -> Any:
    """A function key -> file: the file of the key, of its first leaf, or ``default``."""

    def find(key: str) -> str:
        k = key.split("[")[0]
        while k:
            if k in origins:
                return origins[k]
            below = [v for leaf, v in origins.items() if leaf.startswith(k + ".")]
            if below:
                return below[0]
            k = k.rpartition(".")[0]
        return default

    return find


def to_toml(doc: Mapping[str, Any]) -> str:
    """A document as TOML text (tables after plain keys), for provenance and ``spsim new``."""
    lines: list[str] = []
    _emit(doc, [], lines)
    return "\n".join(lines).strip() + "\n"


def _emit(doc: Mapping[str, Any], path: list[str], lines: list[str]) -> None:
    # a table after a [section] is a section too, so tables keep their order
    # (the order of programmes is the order of the results)
    plain: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    for k, v in doc.items():
        if isinstance(v, dict) and (sections or _is_section(v, len(path))):
            sections[k] = v
        else:
            plain[k] = v
    if path and (plain or not sections):
        lines.append("")
        lines.append("[" + ".".join(_key(p) for p in path) + "]")
    for k, v in plain.items():
        if v is None:
            continue
        lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in sections.items():
        _emit(v, [*path, k], lines)


def _depth(v: Any) -> int:
    if isinstance(v, dict) and v:
        return 1 + max(_depth(x) for x in v.values())
    return 0


def _is_section(v: Any, level: int) -> bool:
    """Top-level tables, and tables nesting tables of tables, are [sections]; others inline."""
    return isinstance(v, dict) and (level == 0 or _depth(v) >= 3)


def _key(k: Any) -> str:
    k = str(k)
    return k if k.replace("_", "").replace("-", "").isalnum() else '"' + k.replace('"', '\\"') + '"'


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return {True: "nan"}.get(v != v, "inf" if v > 0 else "-inf")
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items() if x is not None) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")
