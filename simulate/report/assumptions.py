"""The assumptions table: every value of a scenario file with the source comment
written beside it.

:func:`assumptions` reads a scenario's TOML text line by line. A comment belongs to
the key (or ``[table]`` header) it stands on the line of, or to the key right below
a block of comment lines (a blank line ends a block). A value that spans several
lines (an array, a multi-line string) is read whole: lines are added until the
``key = value`` parses as TOML. Table headers are rows of their own (their comment
usually covers the whole table). Keys of a base file (``extends``) are listed after
the scenario's own, those the scenario sets again left out.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from ..provenance import SourceText

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\.\"' ]+?)\s*=")


@dataclass(frozen=True)
class Assumption:
    """One scenario value: the file, the dotted key (``[table]`` for a header), its
    value as written and the comment beside or above it."""

    file: str
    key: str
    value: str
    source: str
    line: int


def _clean_key(text: str) -> str:
    return ".".join(p.strip().strip('"').strip("'") for p in text.split("."))


def _split_comment(line: str) -> tuple[str, str]:
    """``value  # comment`` -> (value, comment), a ``#`` inside a string kept."""
    in_str: str | None = None
    i = 0
    while i < len(line):
        ch = line[i]
        if in_str:
            if ch == "\\" and in_str == '"':
                i += 2
                continue
            if line.startswith(in_str, i):
                i += len(in_str)
                in_str = None
                continue
        elif line.startswith('"""', i) or line.startswith("'''", i):
            in_str = line[i:i + 3]
            i += 3
            continue
        elif ch in "\"'":
            in_str = ch
        elif ch == "#":
            return line[:i].rstrip(), line[i + 1:].strip()
        i += 1
    return line.rstrip(), ""


def _parses(text: str) -> bool:
    try:
        tomllib.loads(text)
        return True
    except tomllib.TOMLDecodeError:
        return False


def parse_assumptions(text: str, file: str = "") -> list[Assumption]:
    """Every ``key = value`` and ``[table]`` header of the TOML ``text`` with its
    comment (module doc), in file order."""
    lines = text.splitlines()
    out: list[Assumption] = []
    table = ""
    block: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            block = []
            i += 1
            continue
        if stripped.startswith("#"):
            block.append(stripped.lstrip("#").strip())
            i += 1
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            table = _clean_key(header.group(2))
            brackets = "[[" if header.group(1) == "[[" else "["
            comment = (header.group(4) or "").lstrip("#").strip()
            out.append(Assumption(file, f"{brackets}{table}{brackets.replace('[', ']')}",
                                  "", " ".join([*block, comment]).strip(), i + 1))
            block = []
            i += 1
            continue
        key = _KEY.match(line)
        if not key:
            block = []
            i += 1
            continue
        # the whole value: add lines until `key = value` parses
        j = i
        chunk = line
        while not _parses(chunk) and j + 1 < len(lines):
            j += 1
            chunk += "\n" + lines[j]
        comments: list[str] = []
        values: list[str] = []
        for k, part in enumerate(chunk.split("\n")):
            value, comment = _split_comment(part)
            values.append(value if k else value[value.index("=") + 1:].strip())
            if comment:
                comments.append(comment)
        name = _clean_key(key.group(1))
        full = f"{table}.{name}" if table else name
        out.append(Assumption(file, full, "\n".join(v for v in values if v.strip()).strip(),
                              " ".join([*block, *comments]).strip(), i + 1))
        block = []
        i = j + 1
    return out


def assumptions(texts: list[SourceText]) -> list[Assumption]:
    """The assumptions of a scenario file and its ``extends`` chain (``texts``: the
    scenario first): the scenario's own rows, then each base's rows whose key the
    files before it do not set."""
    out: list[Assumption] = []
    seen: set[str] = set()
    for t in texts:
        rows = parse_assumptions(t.text, t.file)
        mine = {r.key for r in rows if not r.key.startswith("[")}
        for r in rows:
            if r.key.startswith("[") or r.key == "extends" or not _hidden(r.key, seen):
                out.append(r)
        seen |= mine
    return out


def _hidden(key: str, seen: set[str]) -> bool:
    """Whether a file before this one sets ``key`` (or a table/key above it)."""
    return any(key == s or key.startswith(s + ".") for s in seen)
