"""Values over calendar years: roll-out shares, ODA, growth rates.

Convention (DESIGN.md): a table ``{year = value}`` is linear between the years
given, the first value before the first year and the last value after the last
one; a plain number is the same value every year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class YearPath:
    """A value by calendar year, interpolated linearly between known points."""

    points: tuple[tuple[int, float], ...]

    @classmethod
    def constant(cls, value: float) -> YearPath:
        """The same value in every year."""
        return cls(((0, float(value)),))

    @classmethod
    def from_value(cls, value: float | Mapping[int, float] | YearPath) -> YearPath:
        """From a number, a ``{year: value}`` mapping or an existing path."""
        if isinstance(value, YearPath):
            return value
        if isinstance(value, Mapping):
            pts = sorted((int(y), float(v)) for y, v in value.items())
            if not pts:
                raise ValueError("a year path needs at least one year")
            return cls(tuple(pts))
        return cls.constant(float(value))

    @property
    def is_constant(self) -> bool:
        """True when the path has a single value."""
        return len(self.points) == 1

    def at(self, years: np.ndarray | int) -> np.ndarray:
        """Values at ``years`` (an array of calendar years), float64."""
        ys = np.asarray(years, dtype=np.float64)
        xp = np.array([p[0] for p in self.points], dtype=np.float64)
        fp = np.array([p[1] for p in self.points], dtype=np.float64)
        return np.interp(ys, xp, fp)

    def to_toml_value(self) -> float | dict[str, float]:
        """The path as it would be written in a scenario file."""
        if self.is_constant:
            return self.points[0][1]
        return {str(y): v for y, v in self.points}
