"""Named result arrays and the one builder of the results Dataset.

Each results step (costing, fiscal space and financing, the caseload transition,
present values, economic returns) takes arrays and returns a :class:`Results`:
variables declared in the registry (:mod:`simulate.variables`) on its dims, with
attributes beyond the registry's where a step needs them. :func:`build_dataset` makes
the Dataset of one run, :func:`build_draws` that of a run with draws (one stack per
variable, no Dataset per draw); :func:`merge_draw_attrs` joins an attribute over draws.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from .nodask import without_dask
from .variables import VARIABLES, attributes


@dataclass
class Results:
    """The named result arrays of one run (or one draw), before they are a Dataset.

    ``data``: variable name -> values on the registry's dims (no ``draw``);
    ``coords``: coordinate name -> labels (a dimension coordinate) or ``(dim, labels)``;
    ``coord_attrs``: the coordinates' attributes; ``var_attrs``: attributes of a
    variable beyond the registry's (a discount rate, the counted years) or replacing
    them (units in nominal prices); ``attrs``: the Dataset's attributes. The costing,
    fiscal, financing, transition, present-value and returns steps each add to it;
    :func:`build_dataset` (one run) and :func:`build_draws` (draws) make the Dataset.
    """

    currency: str = ""
    data: dict[str, np.ndarray] = field(default_factory=dict)
    coords: dict[str, Any] = field(default_factory=dict)
    coord_attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    var_attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)

    def put(self, name: str, values: Any, **attrs: Any) -> None:
        """Set variable ``name`` (a registry variable) to ``values`` (as its dtype), with
        ``attrs`` beside the registry's."""
        self.data[name] = np.asarray(values, dtype=VARIABLES[name].dtype)
        if attrs:
            self.var_attrs.setdefault(name, {}).update(attrs)

    def coord(self, name: str, labels: Any, dim: str | None = None, **attrs: Any) -> None:
        """Set coordinate ``name`` (on dimension ``dim``, default its own)."""
        self.coords[name] = labels if dim is None else (dim, labels)
        if attrs:
            self.coord_attrs.setdefault(name, {}).update(attrs)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[name]

    def __contains__(self, name: object) -> bool:
        return name in self.data

    def labels(self, name: str) -> list:
        """The labels of coordinate ``name``."""
        c = self.coords[name]
        return list(c[1] if isinstance(c, tuple) else c)

    def drop(self, names: Any) -> None:
        """Remove the variables and coordinates ``names`` (those present)."""
        for n in names:
            self.data.pop(n, None)
            self.var_attrs.pop(n, None)
            self.coords.pop(n, None)
            self.coord_attrs.pop(n, None)

    def merge(self, other: Results) -> Results:
        """``self`` with ``other``'s variables, coordinates and attributes added (or
        replacing its own)."""
        self.data.update(other.data)
        self.coords.update(other.coords)
        self.coord_attrs.update(other.coord_attrs)
        self.var_attrs.update(other.var_attrs)
        self.attrs.update(other.attrs)
        return self

    def var_attributes(self, name: str) -> dict[str, Any]:
        """Every attribute of variable ``name``: the registry's, then its own."""
        return {**attributes(name, self.currency), **self.var_attrs.get(name, {})}


def build_dataset(results: Results) -> xr.Dataset:
    """The Dataset of one run: each variable on its registry dims with its attributes."""
    # numpy arrays only: xarray's "is it a dask array?" answered without importing dask
    # (0.6 s of CPU in a process that has not imported it; simulate/nodask.py)
    quiet = all(isinstance(v, np.ndarray | np.generic) for v in results.data.values())
    with without_dask() if quiet else contextlib.nullcontext():
        variables = {name: xr.Variable(VARIABLES[name].dims, values,
                                       attrs=results.var_attributes(name))
                     for name, values in results.data.items()}
        ds = xr.Dataset(variables, coords=results.coords, attrs=dict(results.attrs))
        for name, attrs in results.coord_attrs.items():
            ds[name].attrs.update(attrs)
    return ds


def build_draws(draws: list[Results]) -> xr.Dataset:
    """The Dataset of a run with draws: every variable of ``draws[d]`` along a first
    dimension ``draw``, one ``np.stack`` per variable (no Dataset per draw); the
    coordinates and Dataset attributes of the first draw; a variable attribute that
    differs between draws merged by :func:`merge_draw_attrs`.

    Draws that differ in their variables, shapes or labels (which a scenario cannot
    declare: the draws keep the years, country and programmes) go through
    ``xr.concat`` of their Datasets.
    """
    first = draws[0]
    if not all(_aligned(first, r) for r in draws[1:]):
        return xr.concat([build_dataset(r) for r in draws], dim="draw", data_vars="all",
                         coords="minimal", compat="override", join="override",
                         combine_attrs="override")
    variables = {
        name: xr.Variable(("draw", *VARIABLES[name].dims),
                          np.stack([r.data[name] for r in draws]),
                          attrs=merge_draw_attrs([r.var_attributes(name) for r in draws]))
        for name in first.data}
    ds = xr.Dataset(variables, coords=first.coords, attrs=dict(first.attrs))
    for name, attrs in first.coord_attrs.items():
        ds[name].attrs.update(attrs)
    return ds


def _aligned(a: Results, b: Results) -> bool:
    """Whether ``b`` has the variables, shapes and coordinates of ``a``."""
    if list(a.data) != list(b.data) or list(a.coords) != list(b.coords):
        return False
    if any(a.data[n].shape != b.data[n].shape for n in a.data):
        return False
    return all(_same(a.labels(c), b.labels(c)) for c in a.coords)


def merge_draw_attrs(per_draw: list[dict[str, Any]]) -> dict[str, Any]:
    """The attributes of one variable over the draws (those of draw 0 name the keys):
    one equal in every draw as it is; a number that differs (a drawn discount rate)
    becomes the draws' mean, with ``<attr>_min``, ``<attr>_max`` and
    ``<attr>_per_draw`` (every draw's value, in draw order) beside it; any other
    differing attribute lists the draws' distinct values. Never draw 0's alone
    (docs/sensitivity.md)."""
    out: dict[str, Any] = {}
    for key, value in per_draw[0].items():
        values = [a.get(key) for a in per_draw]
        if all(_same(v, value) for v in values[1:]):
            out[key] = value
            continue
        numbers = [v for v in values if isinstance(v, int | float | np.number)
                   and not isinstance(v, bool)]
        if len(numbers) == len(values):
            arr = np.asarray(numbers, dtype=float)
            out[key] = float(arr.mean())
            out[f"{key}_min"] = float(arr.min())
            out[f"{key}_max"] = float(arr.max())
            out[f"{key}_per_draw"] = arr
        else:
            distinct = list(dict.fromkeys(str(v) for v in values))
            out[key] = "per draw: " + "; ".join(distinct)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str | int | float) and isinstance(b, str | int | float):
        return a == b
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return a == b
