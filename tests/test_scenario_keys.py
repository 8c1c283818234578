"""The scenario registry split by table (simulate/scenario/keys/): every key has a role;
what draws share is derived from the roles and is right; variants are built without
TOML, once each; cross-key checks run in the build only; renamed keys still load."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulate import engine
from simulate.errors import InputWarning, ScenarioError
from simulate.scenario import keys, model, renamed, roles, scenario_from_dict
from simulate.scenario.model import with_values
from simulate.scenario.specs import ROLES

ROOT = Path(__file__).resolve().parents[1]

DOC: dict[str, Any] = {
    "scenario": {"name": "k", "country": "lao", "start_year": 2025, "end_year": 2027,
                 "seed": 3},
    "population": {"records": 1500},
    "programmes": {
        "mecg": {"eligibility": [{"pregnant": True}, {"age_months": [0, 24]}],
                 "benefit": {"amount": 150_000}, "take_up": 0.8,
                 "rollout": {"2025": 0.5, "2027": 1.0},
                 "admin": {"share_of_transfers": 0.05}},
        "gmi": {"unit": "household", "eligibility": {"age": [0, 120]},
                "benefit": {"type": "top_up", "guaranteed_minimum": 200_000,
                            "income": ["welfare"], "taper": 0.5, "disregard": 1000,
                            "equivalence": {"first": 1.0, "other_adult": 0.7, "child": 0.5}},
                "targeting": {"method": "poverty", "welfare_percentile_max": 30,
                              "exclusion_error": 0.1, "inclusion_error": 0.05},
                "take_up": 0.7,
                "shock_response": {"years": [2026],
                                   "horizontal": {"welfare_percentile_max": 45,
                                                  "amount": 50_000}}},
    },
    "poverty": {"line": 5_000_000},
}

#: keys with role "parameter" and a value to set: neither the population nor the rule
#: tables built from it may change
PARAMETER_CHANGES = {
    "programmes.mecg.benefit.amount": 180_000,
    "programmes.mecg.take_up": 0.6,
    "programmes.mecg.rollout": 0.7,
    "programmes.mecg.admin.share_of_transfers": 0.1,
    "programmes.gmi.benefit.guaranteed_minimum": 250_000,
    "programmes.gmi.benefit.taper": 0.8,
    "programmes.gmi.benefit.disregard": 0.0,
    "programmes.gmi.benefit.equivalence.other_adult": 0.5,
    "programmes.gmi.targeting.exclusion_error": 0.2,
    "programmes.gmi.targeting.inclusion_error": 0.0,
    "programmes.gmi.shock_response.horizontal.reach": 0.5,
    "macro.inflation": 0.08,
    "poverty.line": 4_000_000,
}


def test_every_key_has_a_role() -> None:
    found = keys.walk(keys.SCENARIO)
    assert len(found) > 250
    missing = [path for path, _spec, role in found if role not in ROLES]
    assert not missing, f"keys without a role (population/structure/parameter/analysis): " \
                        f"{missing}"


def test_the_analysis_tables_and_the_population_keys_have_their_roles() -> None:
    role = {path: r for path, _spec, r in keys.walk(keys.SCENARIO)}
    assert role["uncertainty.parameters"] == role["sensitivity.swings"] == "analysis"
    for path in ("scenario.country", "scenario.start_year", "scenario.end_year",
                 "scenario.seed", "population.source", "population.records",
                 "demography.mortality", "demography.births"):
        assert role[path] == "population", path
    assert role["programmes.<name>.eligibility"] == "structure"
    assert role["programmes.<name>.benefit.amount"] == "parameter"


def test_registry_modules_are_short_and_each_has_checks() -> None:
    folder = ROOT / "simulate" / "scenario"
    for f in [*folder.glob("keys/*.py"), folder / "specs.py", folder / "analysis_specs.py",
              folder / "schema.py", folder / "model.py"]:
        assert len(f.read_text().splitlines()) <= 800, f
    for module in keys.MODULES:
        assert isinstance(module.checks, tuple), module


def test_a_parameter_key_keeps_the_population_and_the_rule_tables() -> None:
    base = scenario_from_dict(DOC, "k.toml")
    prep = engine.prepare(base)
    for key, value in PARAMETER_CHANGES.items():
        variant = with_values(base, {key: value}, "test")
        assert roles.population_key(variant) == roles.population_key(base), key
        assert roles.structure_key(variant) == roles.structure_key(base), key
        fresh = engine.prepare(variant).rules.structure()
        for name, array in prep.rules.structure().items():
            assert np.array_equal(np.asarray(array), np.asarray(fresh[name])), (key, name)


@pytest.mark.parametrize(("key", "value"), [
    ("programmes.mecg.eligibility", {"age": [0, 5]}),
    ("programmes.mecg.benefit.period", "year"),
    ("programmes.gmi.benefit.income", ["welfare", "income"]),
    ("programmes.mecg.take_up", {"default": 0.8, "groups": [{"urban": True, "rate": 0.9}]}),
    # a horizontal shock response tests the targeting: its thresholds are structure
    ("programmes.gmi.targeting.welfare_percentile_max", 25),
    ("programmes.gmi.shock_response.horizontal.welfare_percentile_max", 50),
])
def test_a_structure_key_rebuilds_the_rule_tables(key: str, value: Any) -> None:
    base = scenario_from_dict(DOC, "k.toml")
    variant = with_values(base, {key: value}, "test")
    assert roles.population_key(variant) == roles.population_key(base)
    assert roles.structure_key(variant) != roles.structure_key(base)


def test_a_threshold_is_a_parameter_without_a_horizontal_response() -> None:
    doc = {**DOC, "programmes": {**DOC["programmes"], "gmi": {
        k: v for k, v in DOC["programmes"]["gmi"].items() if k != "shock_response"}}}
    base = scenario_from_dict(doc, "k.toml")
    variant = with_values(base, {"programmes.gmi.targeting.welfare_percentile_max": 25},
                          "test")
    assert roles.structure_key(variant) == roles.structure_key(base)


@pytest.mark.parametrize(("key", "value"), [
    ("population.records", 2000), ("scenario.seed", 4), ("scenario.end_year", 2028),
    ("demography.births", "none"),
])
def test_a_population_key_rebuilds_the_population(key: str, value: Any) -> None:
    base = scenario_from_dict(DOC, "k.toml")
    variant = with_values(base, {key: value}, "test")
    assert roles.population_key(variant) != roles.population_key(base)
    assert engine.population_key(variant) == roles.population_key(variant)


def test_variants_are_built_once_without_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    base = scenario_from_dict(DOC, "k.toml")
    builds = []
    real = model.build

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(args)
        return real(*args, **kwargs)

    def no_toml(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a variant read TOML")

    monkeypatch.setattr(model, "build", counted)
    monkeypatch.setattr(tomllib, "loads", no_toml)
    variant = with_values(base, {"programmes.mecg.benefit.amount": 1.5}, "test")
    assert len(builds) == 1
    assert variant.programme("mecg").benefit.amount == 1.5
    assert variant.section("poverty")["line"] == 5_000_000
    # the variant's own provenance text says what it is
    assert "amount = 1.5" in variant.text
    # variants of variants too, and the base is untouched
    again = with_values(variant, {"programmes.mecg.take_up": 0.5}, "test")
    assert again.programme("mecg").benefit.amount == 1.5
    assert base.programme("mecg").benefit.amount == 150_000


def test_a_variant_equals_the_scenario_loaded_with_the_value(tmp_path: Path) -> None:
    path = ROOT / "scenarios" / "lao_mecg.toml"
    from simulate import load_scenario

    base = load_scenario(path)
    pid = base.programmes[0].id
    key = f"programmes.{pid}.take_up"
    variant = with_values(base, {key: 0.55}, "test")
    direct = load_scenario(path, overrides={key: 0.55})
    assert variant.programmes == direct.programmes
    assert dict(variant.settings) == dict(direct.settings)
    assert variant.text == direct.text


def test_a_variant_is_still_validated() -> None:
    base = scenario_from_dict(DOC, "k.toml")
    with pytest.raises(ScenarioError) as err:
        with_values(base, {"programmes.mecg.take_up": 1.5}, "uncertainty.parameters")
    assert "uncertainty.parameters.programmes.mecg.take_up expected a number in [0, 1]" \
        in str(err.value)
    # a cross-key check that the changed key touches still runs
    with pytest.raises(ScenarioError) as err:
        with_values(base, {"programmes.gmi.targeting.method": "pmt"}, "test")
    assert "coefficients and a cutoff" in str(err.value)


def test_fiscal_checks_run_in_the_build_and_not_in_macro_path(
        monkeypatch: pytest.MonkeyPatch) -> None:
    doc = {**DOC, "fiscal": {"debt_pct_gdp": 0.5}}
    with pytest.raises(ScenarioError, match="fiscal.interest_rate given with it"):
        scenario_from_dict(doc, "k.toml")
    calls = []
    real = keys.fiscal.check_fiscal

    @functools.wraps(real)  # keeps what the check reads
    def counted(*args: Any) -> None:
        calls.append(1)
        real(*args)

    monkeypatch.setattr(keys, "VALID_CHECKS", (counted,))
    base = scenario_from_dict(DOC, "k.toml")
    assert calls == [1]
    from simulate.fiscal import macro_path
    from simulate.population.profiles import load_profile

    profile = load_profile(base.country, base.base_dir, "k.toml")
    macro_path(base, profile, base.years)
    macro_path(base, profile, base.years)
    assert calls == [1]
    # a variant that changes no key the fiscal check reads keeps the base's verdict
    with_values(base, {"programmes.mecg.benefit.amount": 1.0}, "test")
    assert calls == [1]
    with_values(base, {"macro.inflation": 0.02}, "test")
    assert calls == [1, 1]


def test_a_renamed_key_loads_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(renamed, "RENAMED", {"programmes.*.benefit.value":
                                             "programmes.*.benefit.amount"})
    doc = {**DOC, "programmes": {"mecg": {**DOC["programmes"]["mecg"],
                                          "benefit": {"value": 99.0}}}}
    sc = scenario_from_dict(doc, "old.toml")
    assert sc.programme("mecg").benefit.amount == 99.0
    (w,) = [w for w in sc.warnings if isinstance(w, InputWarning)]
    assert str(w) == ("old.toml: programmes.mecg.benefit.value expected the new name "
                      "programmes.mecg.benefit.amount, found the old name (the key was "
                      "renamed; the old name still loads)")
    assert doc["programmes"]["mecg"]["benefit"] == {"value": 99.0}  # input unchanged
    both = {**DOC, "programmes": {"mecg": {**DOC["programmes"]["mecg"],
                                           "benefit": {"value": 99.0, "amount": 1.0}}}}
    with pytest.raises(ScenarioError, match="expected only the new name "
                       r"programmes.mecg.benefit.amount \(the key was renamed\), found "
                       "both names"):
        scenario_from_dict(both, "old.toml")


def test_a_variant_of_a_microdata_scenario_shares_its_population(tmp_path: Path) -> None:
    """File paths stay as written in the variant: the same population key."""
    (tmp_path / "hh.csv").write_text("household_id,age,sex,weight,welfare\n"
                                     "1,30,f,100,5000\n1,2,m,100,5000\n2,50,m,80,9000\n")
    (tmp_path / "s.toml").write_text(
        '[scenario]\nname = "m"\ncountry = "lao"\nstart_year = 2025\nend_year = 2026\n'
        '[population]\nsource = "hh.csv"\n'
        '[programmes.p]\neligibility = { age = [0, 5] }\nbenefit = { amount = 10 }\n')
    from simulate import load_scenario

    base = load_scenario(tmp_path / "s.toml")
    variant = with_values(base, {"programmes.p.benefit.amount": 20}, "test")
    assert roles.population_key(variant) == roles.population_key(base)
    assert variant.section("population")["source"] == "hh.csv"
    assert f'source = "{tmp_path / "hh.csv"}"' in variant.text  # rerunnable from anywhere


def test_macro_path_refuses_a_price_level_at_or_below_zero() -> None:
    """Inflation at or below -100% a year in some year (a profile's path, a drawn path)
    gives no price level: refused with the key and the year, never divided by (the
    projection kernel divides by the price index without a zero test)."""
    import dataclasses

    from simulate.fiscal import macro_path
    from simulate.population.profiles import load_profile
    from simulate.scenario import YearPath

    base = scenario_from_dict(DOC, "k.toml")
    profile = load_profile(base.country, base.base_dir, "k.toml")
    assert (macro_path(base, profile, base.years).price_index > 0).all()
    year = int(base.years[1])
    bad = dataclasses.replace(profile, inflation=YearPath.from_value(
        {int(profile.base_year): 0.05, year: -1.0, year + 1: 0.05}))
    with pytest.raises(ScenarioError) as err:
        macro_path(base, bad, base.years)
    assert "macro.inflation" in str(err.value)
    assert f"-1 in {year}" in str(err.value)
