"""simulate: social-protection costing and financing simulation engine.

>>> import simulate
>>> sc = simulate.load_scenario("scenarios/lao_mecg.toml")
>>> ds = simulate.run(sc)          # an xarray.Dataset, see docs/results.md

The public names are imported on first use (module ``__getattr__``), so that
``import simulate`` and ``spsim --help`` do not load numba, xarray or scipy
(docs/performance.md, "Start-up").
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    DataError,
    InputError,
    InputWarning,
    ScenarioError,
    SimulateError,
)

#: public name -> the module that defines it (imported when the name is first used)
_LAZY = {
    "run": ".runs",
    "Scenario": ".scenario",
    "load_scenario": ".scenario",
}

if TYPE_CHECKING:  # for type checkers and IDEs; nothing is imported at run time
    from .runs import run
    from .scenario import Scenario, load_scenario

__all__ = [
    "DataError",
    "InputError",
    "InputWarning",
    "Scenario",
    "ScenarioError",
    "SimulateError",
    "__version__",
    "load_scenario",
    "run",
]


def __getattr__(name: str) -> Any:
    """Import a public name (``run``, ``load_scenario``, ``Scenario``) or a
    subpackage (``simulate.finance``, ``simulate.engine``...) on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
