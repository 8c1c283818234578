"""The project's errors: one grammar for every message about bad input.

Every message reads ``<file>: <key.path> expected <what>, found <what>`` with an
optional ``(did you mean <key>?)`` hint, so people can read it and tools can
parse it. The CLI prints the message and exits non-zero; no traceback reaches
the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


@dataclass(frozen=True)
class InputWarning(Problem):
    """Something in an input that is allowed but probably not meant (a percentage where
    a fraction is expected, a year outside the horizon, a GDP a thousand times the
    profile's): the same grammar as :class:`Problem`, printed as ``warning: ...``.

    Warnings are collected while a scenario is loaded and run, printed, and kept in
    results.nc (``ds.attrs["warnings"]``, one per line); ``--strict`` (``strict=True``)
    turns them into errors.
    """


def warnings_text(warnings: list[InputWarning] | tuple[InputWarning, ...]) -> str:
    """Warnings one per line (the form kept in ``ds.attrs["warnings"]``), duplicates
    dropped, first seen first."""
    return "\n".join(dict.fromkeys(str(w) for w in warnings))


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


#: how alike a name and a suggestion must be (difflib ratio, case ignored): 0.75 keeps
#: typos ('take_upp', 'Nort', 'programs') and drops unrelated words ('colour' is not
#: offered 'rollout')
SIMILARITY_CUTOFF = 0.75


def _one_edit(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one character added, removed or replaced (a typo in
    a short name: 'pp' for 'p'); never for one-character names replaced whole."""
    if a == b or abs(len(a) - len(b)) > 1 or max(len(a), len(b)) < 2:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def closest(name: str, candidates: list[str] | tuple[str, ...]) -> str:
    """The candidate nearest to ``name`` (difflib ratio >= SIMILARITY_CUTOFF, or one
    character added, removed or replaced; case ignored), or ''."""
    import difflib

    candidates = [str(c) for c in candidates]
    lowered = {c.lower(): c for c in reversed(candidates)}
    key = str(name).lower()
    match = difflib.get_close_matches(key, list(lowered), n=1, cutoff=SIMILARITY_CUTOFF)
    if match:
        return lowered[match[0]]
    near = [c for c in lowered if _one_edit(key, c)]
    return lowered[near[0]] if len(near) == 1 else ""


def did_you_mean(name: str, candidates: list[str] | tuple[str, ...]) -> str:
    """``did you mean X?`` for the closest candidate, else a list of what is valid."""
    best = closest(name, candidates)
    if best:
        return f"did you mean {best!r}?"
    if candidates and len(candidates) <= 12:
        return "valid: " + ", ".join(sorted(candidates))
    return ""


# The warnings of a run: collected by the run (plausibility.run_checked), reported from
# anywhere below it (a leaf of the package, so low layers can warn without importing up).
_ACTIVE: ContextVar[tuple[list[InputWarning], bool] | None] = ContextVar(
    "simulate_warnings", default=None)


@contextmanager
def collect(strict: bool = False) -> Iterator[list[InputWarning]]:
    """Gather the warnings :func:`warn` reports while the block runs (into the list
    yielded); with ``strict`` a warning raises :class:`InputError` at once."""
    found: list[InputWarning] = []
    token = _ACTIVE.set((found, strict))
    try:
        yield found
    finally:
        _ACTIVE.reset(token)


#: blocks noting the warnings reported inside them (:func:`record`)
_RECORDERS: ContextVar[tuple[list[InputWarning], ...]] = ContextVar(
    "simulate_warning_recorders", default=())


@contextmanager
def record() -> Iterator[list[InputWarning]]:
    """Note the warnings :func:`warn` reports while the block runs (they still reach the
    run's collector as usual), so that a result kept for reuse can report them again
    (``warn(*noted)``) when it is reused: a cached population warns as a fresh one."""
    noted: list[InputWarning] = []
    token = _RECORDERS.set((*_RECORDERS.get(), noted))
    try:
        yield noted
    finally:
        _RECORDERS.reset(token)


def warn(*warnings: InputWarning) -> None:
    """Report warnings to the run collecting them (:func:`collect`); raise them as an
    error under ``strict``. Without a collector they are dropped (a variant's own run)."""
    for noted in _RECORDERS.get():
        noted.extend(w for w in warnings if w not in noted)
    active = _ACTIVE.get()
    if active is None or not warnings:
        return
    found, strict = active
    if strict:
        raise InputError(list(warnings))
    for w in warnings:
        if w not in found:
            found.append(w)
