"""Fund capitalisation plans: balance paths, depletion probability, required capital.

:mod:`simulate.fund.flows` holds the fund's cash flows and its path at expected
returns (used by :mod:`simulate.fiscal` for the ``fund`` financing source);
:mod:`simulate.fund.plan` the Monte Carlo over return paths and the solvers.
Conventions and sources: docs/fund.md.
"""

from .flows import bond_schedule, fund_flows, required_capital
from .plan import add_fund, quantile_at_least, simulate_paths

__all__ = ["add_fund", "bond_schedule", "fund_flows", "quantile_at_least",
           "required_capital", "simulate_paths"]
