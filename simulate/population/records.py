"""The population as a struct of numpy arrays: one entry per person record.

No per-person Python objects: every attribute is a contiguous numpy array of
length ``n`` (the number of records). A record stands for ``weight`` persons.

Conventions
-----------
* ``age`` is the whole age in years at the start of the population's year
  (``Population.year``); ``months`` is the number of completed months past
  that age (0-11), or -1 where the source does not carry months.
* ``sex`` is 1 for female and 0 for male (scenario files say ``"f"``/``"m"``).
* ``welfare`` is the household's annual consumption per capita, in local
  currency of the population's year; NaN where unknown.
* ``entry_year`` is the calendar year the record enters the population: the
  population's year for people alive then, the birth year for the future
  birth cohorts that the demography appends.
* ``extra`` holds any further columns of microdata (float64 arrays; booleans
  as 0/1; text columns as integer codes with their labels in
  ``extra_labels``), usable in eligibility rules by their column name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

#: Attributes every population carries, with their numpy dtypes.
CORE_DTYPES: dict[str, np.dtype] = {
    "household_id": np.dtype(np.int64),
    "age": np.dtype(np.int16),
    "months": np.dtype(np.int8),
    "sex": np.dtype(np.int8),
    "region": np.dtype(np.int16),
    "urban": np.dtype(np.int8),
    "disabled": np.dtype(np.int8),
    "pregnant": np.dtype(np.int8),
    "welfare": np.dtype(np.float64),
    "weight": np.dtype(np.float64),
    "entry_year": np.dtype(np.int16),
}

FEMALE = 1
MALE = 0


@dataclass(frozen=True)
class Population:
    """Person records (struct of arrays) for the calendar year ``year``.

    ``region_names[k]`` labels region code ``k``. ``has_pregnant`` says whether
    the ``pregnant`` flags come from data (True) or are to be simulated from
    fertility (False); ``has_disabled`` likewise for ``disabled`` (simulated from
    the profile's prevalence by age when False). ``source`` says where the records came from (a file path,
    or ``"synthetic:<profile>"``).
    """

    year: int
    household_id: np.ndarray
    age: np.ndarray
    months: np.ndarray
    sex: np.ndarray
    region: np.ndarray
    urban: np.ndarray
    disabled: np.ndarray
    pregnant: np.ndarray
    welfare: np.ndarray
    weight: np.ndarray
    entry_year: np.ndarray
    region_names: tuple[str, ...] = ("national",)
    has_pregnant: bool = False
    has_disabled: bool = False
    has_months: bool = False
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    extra_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        n = len(self.weight)
        for name, dtype in CORE_DTYPES.items():
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.dtype != dtype:
                raise TypeError(f"Population.{name} must be a numpy array of {dtype}")
            if arr.shape != (n,):
                raise ValueError(f"Population.{name} has shape {arr.shape}, expected ({n},)")
        for name, arr in self.extra.items():
            if arr.shape != (n,):
                raise ValueError(f"Population.extra[{name!r}] has shape {arr.shape}, expected ({n},)")

    @property
    def n(self) -> int:
        """Number of records."""
        return len(self.weight)

    @property
    def total(self) -> float:
        """Persons represented by the records alive in ``year`` (sum of weights)."""
        alive = self.entry_year <= self.year
        return float(self.weight[alive].sum())

    def column(self, name: str) -> np.ndarray:
        """A core attribute or an extra column by name."""
        if name in CORE_DTYPES:
            return getattr(self, name)
        return self.extra[name]

    def columns(self) -> tuple[str, ...]:
        """Names of every column usable in eligibility rules."""
        return tuple(CORE_DTYPES) + tuple(self.extra)

    def with_arrays(self, **arrays: np.ndarray) -> Population:
        """A copy with some arrays replaced (the population is immutable)."""
        return replace(self, **arrays)

    def take(self, index: np.ndarray) -> Population:
        """The records at ``index`` (for appending, sorting or permuting)."""
        core = {name: getattr(self, name)[index] for name in CORE_DTYPES}
        extra = {k: v[index] for k, v in self.extra.items()}
        return replace(self, **core, extra=extra)

    @staticmethod
    def concat(first: Population, second: Population) -> Population:
        """Records of ``first`` followed by those of ``second`` (same year and labels)."""
        core = {
            name: np.concatenate([getattr(first, name), getattr(second, name)])
            for name in CORE_DTYPES
        }
        extra = {k: np.concatenate([first.extra[k], second.extra[k]]) for k in first.extra}
        return replace(first, **core, extra=extra)


def empty_arrays(n: int) -> dict[str, np.ndarray]:
    """Zero-filled core arrays for ``n`` records (months -1, welfare NaN)."""
    arrays = {name: np.zeros(n, dtype=dtype) for name, dtype in CORE_DTYPES.items()}
    arrays["months"][:] = -1
    arrays["welfare"][:] = np.nan
    return arrays
