"""Find the quotes attributed to a seed document and check them against the seed.

The attribution convention (docs/sources.md): the seed's file name, optionally
after the word ``seed`` and in backticks (then optionally a parenthesis or up to four
words: ``seed 002_...txt on financing:``), then a colon, then one or more quotes
in double quotes separated by ``;`` (or ``,`` or ``and``)::

    # seed 004_ccc11788bbbdafbf.txt: "300,000 families (over 1 million
    # individuals)"; "equivalent to a coverage of 2.5 percent of the population"

A quote may run over several comment lines (TOML) or lines of a paragraph
(Markdown); inside a TOML string the quote marks are escaped (``\\"``). Double
quotes inside a quote are written as single quotes. ``...`` (or ``…``) marks
words left out: the fragments it separates must appear in the seed in that order.
Words added for the reader go in square brackets, which split the quote like an
ellipsis.

Comparison after normalising: whitespace runs become one space, every dash
(``- – — ‐ ‑ −``) becomes ``-`` with the spaces around it removed, every quote mark
(``" ' “ ” ‘ ’ « »``) becomes ``'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent.parent / "shared" / "seeds"

SEED_NAME = r"\d{3}_[0-9a-f]{16}\.txt"
_OPEN = "\"“”"
_ATTRIBUTION = re.compile(
    r"(?:\b[Ss]eed\s*`?(" + SEED_NAME + r"|\d{3}\b)?`?|`?(" + SEED_NAME + r")`?)"
    r"(?:\s*\([^()]*\)|(?:\s+[A-Za-z][\w-]*){1,4})?\s*:\s*(?=[" + _OPEN + r"])")
_NAMED = re.compile(SEED_NAME)
_QUOTE = re.compile(r"[\"“]([^\"“”]*)[\"”]")
_CHAIN = re.compile(r"\s*[;,]?\s*(?:and\s+)?(?=[\"“])")
_DASHES = re.compile(r"\s*[-–—‐‑−]\s*")
_MARKS = re.compile(r"[\"'“”‘’«»`]")
_SPACE = re.compile(r"\s+")
_SPLIT = re.compile(r"\s*(?:\.\.\.|…|\[[^\]]*\])\s*")


def normalise(text: str) -> str:
    """Whitespace, dashes and quote marks made uniform (see the module docstring)."""
    text = _MARKS.sub("'", text)
    text = _SPACE.sub(" ", text)
    text = _DASHES.sub("-", text)
    return text.strip()


def seed_files(seeds: Path | None = None) -> dict[str, str]:
    """Normalised text of each seed, by file name."""
    folder = seeds or find_seeds()
    return {p.name: normalise(p.read_text(encoding="utf-8")) for p in folder.glob("*.txt")}


def find_seeds() -> Path:
    """The seeds folder: ``../shared/seeds`` of the checkout, or ``/work/shared/seeds``."""
    for candidate in (ROOT / "shared" / "seeds", ROOT.parent / "shared" / "seeds",
                      SEEDS, Path("/work/shared/seeds")):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    raise FileNotFoundError("no seeds folder (shared/seeds) found")


@dataclass(frozen=True)
class Quote:
    """One quote attributed to ``seed``, found at ``path``:``line``."""

    path: Path
    line: int
    seed: str
    text: str

    def fragments(self) -> list[str]:
        """The normalised pieces between ellipses and bracketed insertions."""
        return [f for f in (normalise(x) for x in _SPLIT.split(self.text)) if f]


def _segments(path: Path) -> list[tuple[int, str, list[int]]]:
    """Logical text runs of a file: (first line, text, start offset of each line).

    TOML: a run of comment lines is one segment (the ``#`` removed); any other line
    is one segment (``\\"`` unescaped). Markdown: a paragraph (``>`` removed)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[tuple[int, str, list[int]]] = []
    md = path.suffix == ".md"
    cur: list[tuple[int, str]] = []

    def flush() -> None:
        if cur:
            starts, text = [], ""
            for _, t in cur:
                starts.append(len(text))
                text += t + " "
            out.append((cur[0][0], text, starts))
            cur.clear()

    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if md:
            if not s:
                flush()
            else:
                cur.append((i, s.lstrip(">").strip()))
        elif s.startswith("#"):
            cur.append((i, s.lstrip("#").strip()))
        else:
            flush()
            if s:
                cur.append((i, s.replace('\\"', '"')))
                flush()
    flush()
    return out


def quotes_in(path: Path) -> list[Quote]:
    """Every quote attributed to a seed in ``path`` (see the module docstring)."""
    found = []
    last = ""  # the seed file named last in the file: what a bare ``seed:`` refers to
    for first, text, starts in _segments(path):
        events = sorted([(m.start(), "name", m) for m in _NAMED.finditer(text)]
                        + [(m.start(), "quote", m) for m in _ATTRIBUTION.finditer(text)],
                        key=lambda e: (e[0], e[1] == "quote"))
        for _, kind, m in events:
            if kind == "name":
                last = m.group(0)
                continue
            named = m.group(1) or m.group(2) or ""
            seed = named if named.endswith(".txt") else (
                f"{named}_" if named else last)
            pos = m.end()
            while True:
                q = _QUOTE.match(text, pos)
                if not q:
                    break
                line = first + sum(1 for s in starts if s <= q.start()) - 1
                found.append(Quote(path, line, seed, q.group(1)))
                chain = _CHAIN.match(text, q.end())
                if not chain:
                    break
                pos = chain.end()
    return found


def files_to_check(root: Path = ROOT) -> list[Path]:
    """Scenarios, profiles, docs and the README."""
    return sorted([*root.glob("scenarios/**/*.toml"), *root.glob("simulate/data/**/*.toml"),
                   *root.glob("docs/**/*.md"), root / "README.md"])


def problems(paths: list[Path], seeds: dict[str, str]) -> list[str]:
    """``file:line: message`` for each quote not found in its seed."""
    out = []
    for path in paths:
        for q in quotes_in(path):
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{q.line}"
            name = q.seed
            if name.endswith("_"):  # "seed 004": the seed file whose name starts so
                name = next((k for k in seeds if k.startswith(name)), name)
            if name not in seeds:
                out.append(f"{where}: no seed file {q.seed}")
                continue
            text, at = seeds[name], 0
            for frag in q.fragments():
                k = text.find(frag, at)
                if k < 0:
                    out.append(f"{where}: not in {name}: {frag!r} (quote {q.text!r})")
                    break
                at = k + len(frag)
    return out
