"""simulate: social-protection costing and financing simulation engine.

>>> import simulate
>>> sc = simulate.load_scenario("scenarios/lao_mecg.toml")
>>> ds = simulate.run(sc)          # an xarray.Dataset, see docs/results.md
"""

__version__ = "0.1.0"

from .engine import run  # noqa: E402
from .errors import (  # noqa: E402
    DataError,
    InputError,
    InputWarning,
    ScenarioError,
    SimulateError,
)
from .scenario import Scenario, load_scenario  # noqa: E402

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
