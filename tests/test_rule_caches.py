"""What the rule tables remember per population (programmes/rules.py): the welfare
ranking (:func:`ranking`), the population-dependent tables (:func:`population_structure`)
and the shares below a poverty line. Reused when nothing they depend on changed; built
again when anything did (each variant below changes one input and must not get the
remembered tables); one ranking per population in a run."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulate import engine
from simulate.programmes import rules
from simulate.scenario import scenario_from_dict
from simulate.scenario.model import with_values

DOC: dict[str, Any] = {
    "scenario": {"name": "c", "country": "lao", "start_year": 2025, "end_year": 2027,
                 "seed": 3},
    "population": {"records": 1200},
    "programmes": {
        "child": {"eligibility": {"age": [0, 5]}, "benefit": {"amount": 100_000},
                  "take_up": 0.9},
        "gmi": {"unit": "household", "eligibility": {"age": [0, 120]},
                "benefit": {"type": "top_up", "guaranteed_minimum": 200_000,
                            "income": ["welfare"], "taper": 0.5,
                            "equivalence": {"first": 1.0, "other_adult": 0.7, "child": 0.5}},
                "targeting": {"method": "poverty", "welfare_percentile_max": 30},
                "take_up": 0.7},
        "pension": {"eligibility": {"age": [65, 200]}, "benefit": {"amount": 300_000},
                    "targeting": {"method": "poverty", "poverty_line": 6_000_000},
                    "take_up": 0.9},
    },
}


def _same_tables(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(
        np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a)


@pytest.fixture
def base():
    engine.clear_population_cache()
    sc = scenario_from_dict(DOC, "c.toml")
    yield sc, engine.prepare(sc)
    engine.clear_population_cache()


def test_a_repeated_run_reuses_the_tables_and_ranks_once(base, monkeypatch) -> None:
    sc, prep = base
    calls = []
    real = rules.welfare_percentile
    monkeypatch.setattr(rules, "welfare_percentile",
                        lambda pop, scale=1.0: calls.append(scale) or real(pop, scale))
    engine.clear_population_cache()
    first = engine.prepare(sc)
    engine.project_totals(first)  # the kernel's welfare groups: the targeting's ranking
    assert calls == [1.0]
    again = engine.prepare(sc)
    assert again.population is first.population
    for name, array in first.rules.structure().items():
        assert again.rules.structure()[name] is array, name
    engine.project_totals(again)
    assert calls == [1.0]  # no ranking in a repeated run
    # the ranking is handed on to the welfare groups, not held after them
    assert rules._RANKING[0] is None
    assert np.array_equal(engine.record_arrays(first.population, 2025, engine.CHUNK_SIZE).group,
                          rules.welfare_group(real(first.population), dtype=np.int8)[0])


def test_the_remembered_tables_equal_a_fresh_build(base) -> None:
    sc, prep = base
    fresh = rules._structure(sc, prep.population, float(prep.macro.price_index[0]))
    assert _same_tables(prep.rules.structure(), fresh)


@pytest.mark.parametrize(("key", "value"), [
    ("programmes.child.eligibility", {"age": [0, 3]}),
    ("programmes.gmi.benefit.income", ["welfare", "welfare"]),
    # a horizontal response: a generated programme testing welfare after a shock
    ("programmes.gmi.shock_response", {"years": [2026], "horizontal": {
        "welfare_shock": 0.3, "amount": 50_000}}),
    ("programmes.child.take_up", {"default": 0.8, "groups": [{"urban": True, "rate": 0.9}]}),
    ("programmes.child.eligibility", {"random_hiv": [0, 0.3]}),
    ("programmes.gmi.targeting", {"method": "pmt", "intercept": 0.0,
                                  "coefficients": {"age": 1.0}, "cutoff": 30}),
])
def test_a_programme_change_builds_the_tables_again(base, key: str, value: Any) -> None:
    sc, prep = base
    try:
        variant = with_values(sc, {key: value}, "test")
    except Exception as e:  # a key the registry names otherwise: the test is wrong
        pytest.fail(f"{key}: {e}")
    prices = float(prep.macro.price_index[0])
    fresh = rules._structure(variant, prep.population, prices)
    assert not _same_tables(fresh, prep.rules.structure()), key  # the change matters
    got = rules.population_structure(variant, prep.population, prices)
    assert _same_tables(got, fresh), key


def test_the_seed_and_the_prices_are_in_the_key(base) -> None:
    sc, prep = base
    pop, prices = prep.population, float(prep.macro.price_index[0])
    doc = {**DOC, "programmes": {**DOC["programmes"], "hiv": {
        "eligibility": {"random_hiv": [0, 0.3]}, "benefit": {"amount": 1000}}}}
    one = scenario_from_dict(doc, "c.toml")
    other = scenario_from_dict({**doc, "scenario": {**doc["scenario"], "seed": 4}}, "c.toml")
    a = rules.population_structure(one, pop, prices)
    b = rules.population_structure(other, pop, prices)  # the same population object
    assert not np.array_equal(a["static"], b["static"])  # random_hiv is keyed by the seed
    assert _same_tables(b, rules._structure(other, pop, prices))
    # a horizontal response's "targeted:pension" column tests the pension's poverty
    # line moved to the population's year prices
    doc = {**DOC, "programmes": {**DOC["programmes"], "pension": {
        **DOC["programmes"]["pension"], "shock_response": {
            "years": [2026], "horizontal": {"poverty_line": 9_000_000, "amount": 1000}}}}}
    top = scenario_from_dict(doc, "c.toml")
    assert any(c.column == "targeted:pension" for p in top.programmes
               for g in p.eligibility for c in g)
    low = rules.population_structure(top, pop, 0.5)
    high = rules.population_structure(top, pop, 2.0)
    assert not np.array_equal(low["static"], high["static"])
    assert _same_tables(high, rules._structure(top, pop, 2.0))


def test_another_population_is_ranked_again(base) -> None:
    sc, prep = base
    other = engine.prepare(with_values(sc, {"scenario.seed": 9}, "test"))
    assert other.population is not prep.population
    assert _same_tables(other.rules.structure(), rules._structure(
        other.scenario, other.population, float(other.macro.price_index[0])))
    pct = rules.ranking(other.population)
    assert np.array_equal(pct, rules.welfare_percentile(other.population), equal_nan=True)
    assert not np.array_equal(pct, rules.welfare_percentile(prep.population), equal_nan=True)
    assert rules.ranking(other.population, 0.7) is not pct
    assert np.array_equal(rules.ranking(other.population, 0.7),
                          rules.welfare_percentile(other.population, 0.7), equal_nan=True)
    with pytest.raises(ValueError):
        pct[0] = 1.0  # shared: read only
    # keyed by the population object, whatever the engine forgets
    first = rules.ranking(prep.population)
    assert np.array_equal(first, rules.welfare_percentile(prep.population), equal_nan=True)
    assert np.array_equal(rules.ranking(other.population), pct, equal_nan=True)
    assert rules._share_below(prep.population, 5e6) == rules.share_below(prep.population, 5e6)
    assert rules._share_below(other.population, 5e6) == rules.share_below(other.population,
                                                                         5e6)


def test_the_share_below_a_line_is_remembered_per_line(base) -> None:
    sc, prep = base
    pop = prep.population
    assert rules._share_below(pop, 5e6) == rules.share_below(pop, 5e6)
    assert rules._share_below(pop, 7e6) == rules.share_below(pop, 7e6)
    assert rules._share_below(pop, 5e6) != rules._share_below(pop, 7e6)
