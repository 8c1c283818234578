"""simulate: social-protection costing and financing simulation engine.

>>> import simulate
>>> sc = simulate.load_scenario("scenarios/lao_mecg.toml")
>>> ds = simulate.run(sc)          # an xarray.Dataset, see docs/results.md
"""

__version__ = "0.1.0"

from .engine import run  # noqa: E402
from .errors import DataError, InputError, ScenarioError, SimulateError  # noqa: E402
from .scenario import Scenario, load_scenario  # noqa: E402

__all__ = [
    "DataError",
    "InputError",
    "Scenario",
    "ScenarioError",
    "SimulateError",
    "__version__",
    "load_scenario",
    "run",
]
