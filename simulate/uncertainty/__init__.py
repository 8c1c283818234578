"""Probabilistic sensitivity (Monte Carlo): the ``[uncertainty]`` table's distributions,
their sampling (:mod:`.sampling`) and the runs over the draws. The user's guide is
docs/uncertainty.md."""
