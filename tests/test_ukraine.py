"""Ukraine's GMI and Housing and Utility Subsidy (scenarios/ukr_gmi_hus*.toml, docs/ukraine.md).

Both scenarios on a small synthetic population (20,000 records): they run, both
programmes pay, costs are finite and positive, and the eligibility reform moves
the share of transfers reaching the poorest quintile in the documented direction
(up, for the GMI, the HUS and both together) at a lower cost.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulate

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _run(name: str):
    sc = simulate.load_scenario(SCENARIOS / name, overrides={"population.records": 20_000})
    return simulate.run(sc)


@pytest.fixture(scope="module")
def runs():
    return {"base": _run("ukr_gmi_hus.toml"), "reform": _run("ukr_gmi_hus_reform.toml")}


def _poorest_share(ds, year: int = 2025) -> dict[str, float]:
    d = ds.sel(year=year)
    q = d.transfers_by_quintile
    shares = {p: float(d.share_to_poorest_quintile.sel(programme=p)) for p in ("gmi", "hus")}
    shares["combined"] = float(q.sel(quintile=1).sum() / q.sum())
    return shares


@pytest.mark.parametrize("which", ["base", "reform"])
def test_both_programmes_pay_and_costs_are_positive(runs, which: str) -> None:
    ds = runs[which]
    for p in ("gmi", "hus"):
        transfers = ds.transfers.sel(programme=p).values
        assert np.all(np.isfinite(transfers)) and np.all(transfers > 0), p
        assert float(ds.households_beneficiaries.sel(programme=p, year=2025)) > 0, p
    cost = ds.total_cost.values
    assert np.all(np.isfinite(cost)) and np.all(cost > 0)
    assert np.all(np.isfinite(ds.total_cost_pct_gdp.values))


def test_reform_raises_the_poorest_quintile_share_at_lower_cost(runs) -> None:
    base, reform = _poorest_share(runs["base"]), _poorest_share(runs["reform"])
    for key in ("gmi", "hus", "combined"):
        assert reform[key] > base[key], key
    # docs/ukraine.md: the GMI's share rises by about 13 % (relative) with 200,000
    # records; a 20,000-record sample is noisier, so only a clear rise is asserted here
    assert reform["gmi"] / base["gmi"] - 1 > 0.05
    assert float(runs["reform"].total_cost.sum()) < float(runs["base"].total_cost.sum())
