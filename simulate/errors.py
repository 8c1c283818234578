"""The project's errors: one grammar for every message about bad input.

Every message reads ``<file>: <key.path> expected <what>, found <what>`` with an
optional ``(did you mean <key>?)`` hint, so people can read it and tools can
parse it. The CLI prints the message and exits non-zero; no traceback reaches
the user.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``where`` is the file (or ``--set``/``overrides``); ``key`` the dotted key
    path, or for tabular data ``row N, column NAME``.
    """

    where: str
    key: str
    expected: str
    found: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.key} expected {self.expected}, found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class SimulateError(Exception):
    """Base class of every error the engine raises on purpose."""


class InputError(SimulateError):
    """Bad input: a scenario, a profile or a data file. Carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(InputError):
    """A scenario file (or an override of it) is invalid."""


class DataError(InputError):
    """A data file (household microdata, a country profile) is invalid."""


def closest(name: str, candidates: list[str] | tuple[str, ...]) -> str:
    """The candidate nearest to ``name`` (difflib ratio >= 0.6), or ''."""
    import difflib

    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return match[0] if match else ""


def did_you_mean(name: str, candidates: list[str] | tuple[str, ...]) -> str:
    """``did you mean X?`` for the closest candidate, else a list of what is valid."""
    best = closest(name, candidates)
    if best:
        return f"did you mean {best!r}?"
    if candidates and len(candidates) <= 12:
        return "valid: " + ", ".join(sorted(candidates))
    return ""
