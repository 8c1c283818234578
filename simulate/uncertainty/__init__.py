"""Uncertainty: Monte Carlo over scenario parameters, global sensitivity, Dask clusters.

* :mod:`.sampling`: the ``[uncertainty]`` table's distributions, Latin hypercube or
  random uniforms, rank correlation (Iman-Conover);
* :mod:`.runner`: the draws' runs, fused in the kernel, along a ``draw`` dimension
  (``simulate.run`` calls it for a scenario with ``[uncertainty]``);
* :mod:`.sobol`: Sobol' indices of one output (``spsim sensitivity --global``);
* :mod:`.cluster`: the same work on a Dask distributed cluster.

The user's guide is docs/uncertainty.md.
"""

from .runner import run_uncertain, run_values
from .sampling import read_uncertainty, sample
from .sobol import sobol

__all__ = ["read_uncertainty", "run_uncertain", "run_values", "sample", "sobol"]
