"""The population remembered across runs in one process (engine._population): reused
only when everything it depends on is the same, and giving the same results as a
fresh build."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import simulate
from simulate import engine
from simulate.scenario import scenario_from_dict


def doc(end: int = 2030, amount: float = 100.0, records: int = 800, seed: int = 3) -> dict:
    return {"scenario": {"name": "cache", "country": "lao", "start_year": 2025,
                         "end_year": end, "seed": seed},
            "population": {"records": records},
            "programmes": {"kids": {"eligibility": {"age": [0, 5]},
                                    "benefit": {"amount": amount}}}}


def test_same_population_key_reuses_the_population() -> None:
    engine.clear_population_cache()
    first = engine.prepare(scenario_from_dict(doc()))
    again = engine.prepare(scenario_from_dict(doc(amount=250.0)))  # a parameter only
    assert again.population is first.population
    assert again.rates is first.rates and again.projection is first.projection


def test_a_population_key_change_rebuilds() -> None:
    engine.clear_population_cache()
    base = engine.prepare(scenario_from_dict(doc()))
    for other in (doc(end=2031), doc(records=900), doc(seed=4)):
        prep = engine.prepare(scenario_from_dict(other))
        assert prep.population is not base.population
        base = prep


def test_reused_population_gives_the_results_of_a_fresh_build() -> None:
    s = scenario_from_dict(doc(amount=250.0))
    engine.prepare(scenario_from_dict(doc()))  # cached: the variant reuses it
    reused = engine.project_totals(engine.prepare(s))
    engine.clear_population_cache()
    fresh = engine.project_totals(engine.prepare(s))
    for a, b in zip((reused.programmes, reused.population, reused.poverty),
                    (fresh.programmes, fresh.population, fresh.poverty), strict=True):
        assert a.tobytes() == b.tobytes()


def test_an_edited_microdata_file_is_read_again(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text("household_id,age,sex,weight\n1,30,f,10\n1,2,m,10\n2,70,m,5\n")
    toml = tmp_path / "s.toml"
    toml.write_text('[scenario]\nname = "cache"\ncountry = "lao"\nstart_year = 2025\n'
                    'end_year = 2028\n[population]\nsource = "people.csv"\n'
                    '[programmes.kids]\neligibility = { age = [0, 5] }\n'
                    'benefit = { amount = 100 }\n')
    s = simulate.load_scenario(toml)
    first = engine.prepare(s)
    assert engine.prepare(s).population is first.population
    csv.write_text("household_id,age,sex,weight\n1,30,f,10\n1,2,m,10\n2,70,m,50\n")
    os.utime(csv, ns=(1, 1))  # a different modification time whatever the clock
    second = engine.prepare(s)
    assert second.population is not first.population
    assert np.isclose(second.population.weight[second.population.entry_year == 2025].sum(),
                      70.0)


def test_a_reused_population_reports_its_build_warnings_again(tmp_path: Path) -> None:
    """A warning raised while the population was built (a microdata row) reaches every
    run that reuses it, as it reached the first."""
    from simulate.errors import collect

    engine.clear_population_cache()
    rows = "".join(f"1,{20 + i % 50},f,1\n" for i in range(150))  # one household of 150
    csv = tmp_path / "people.csv"
    csv.write_text("household_id,age,sex,weight\n" + rows + "2,70,m,5\n")
    toml = tmp_path / "s.toml"
    toml.write_text('[scenario]\nname = "cache"\ncountry = "lao"\nstart_year = 2025\n'
                    'end_year = 2027\n[population]\nsource = "people.csv"\n'
                    '[programmes.old]\neligibility = { age = [65, 200] }\n'
                    'benefit = { amount = 100 }\n')
    s = simulate.load_scenario(toml)
    seen = []
    for _ in range(2):
        with collect() as found:
            prep = engine.prepare(s)
        seen.append([str(w) for w in found])
    assert any("at most 100 members" in w for w in seen[0]), seen[0]
    assert seen[1] == seen[0]
    assert engine.prepare(s).population is prep.population  # it was reused
