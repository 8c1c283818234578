"""Typed objects and per-draw rule tables derived from the key registry
(simulate/scenario/typed.py, issue 13): a key declared in simulate/scenario/keys/ is a
field of the typed programme and, declared with ``kernel=Kernel(...)``, a per-draw rule
table, with no other edit; the generated reference lists it."""

from __future__ import annotations

import ast
import inspect
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from dataclasses import MISSING, FrozenInstanceError, fields
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from simulate.kernels import projection
from simulate.programmes import rules
from simulate.scenario import Admin, Benefit, Programme, Targeting, YearPath, scenario_from_dict
from simulate.scenario.keys.programmes import PROGRAMME
from simulate.scenario.specs import REQUIRED, Number, Table
from simulate.scenario.typed import Kernel, typed_table, typed_value

ROOT = Path(__file__).resolve().parents[1]

#: the typed classes, their table and what is written by hand (not one key each)
CLASSES = [
    (Benefit, PROGRAMME.fields["benefit"], {"equivalence", "band_shares"}, set()),
    (Targeting, PROGRAMME.fields["targeting"], {"welfare_shock"}, set()),
    (Admin, PROGRAMME.fields["admin"], set(), set()),
    (Programme, PROGRAMME, {"id", "label", "eligibility", "timing", "component", "parent",
                            "draws_of"}, {"shock_response"}),
]

DOC = {
    "scenario": {"name": "t", "country": "lao", "start_year": 2025, "end_year": 2027},
    "population": {"records": 500},
    "programmes": {
        "cash": {"eligibility": {"age": [0, 5]}, "benefit": {"amount": 100.0},
                 "rollout": {"2025": 0.5, "2027": 1.0},
                 "targeting": {"method": "poverty", "welfare_percentile_max": 40,
                               "exclusion_error": 0.1, "inclusion_error": 0.02}},
        "gmi": {"unit": "household",
                "benefit": {"type": "top_up", "guaranteed_minimum": 50.0, "taper": 0.5,
                            "disregard": 10.0, "maximum": 200.0, "period": "year",
                            "indexation": 0.1, "equivalence": {"first": 1.0, "child": 0.3}}},
        "hus": {"unit": "household",
                "benefit": {"type": "utility", "normative_cost": [30.0, 50.0],
                            "share_of_income": 0.2, "disregard": 5.0, "indexation": "none"}},
    },
}


@pytest.mark.parametrize(("cls", "table", "by_hand", "skipped"), CLASSES,
                         ids=lambda x: getattr(x, "__name__", ""))
def test_every_key_is_a_field_and_every_field_a_key_or_written_by_hand(cls, table, by_hand,
                                                                       skipped) -> None:
    names = {f.name for f in fields(cls)}
    keys = set(table.fields) - skipped
    assert keys <= names
    assert names - keys <= by_hand
    for f in fields(cls):
        assert f.kw_only
        spec = table.fields.get(f.name)
        if spec is None or f.name in by_hand or isinstance(spec, Table):
            continue
        # the declared default, made typed (a required key: a required field)
        default = f.default if f.default_factory is MISSING else f.default_factory()
        if spec.default is REQUIRED:
            assert default is MISSING
        else:
            assert default == typed_value(spec, spec.default), f.name


def test_typed_objects_are_frozen_keyword_only_and_pickle() -> None:
    with pytest.raises(TypeError):
        Benefit(100.0)  # type: ignore[misc]  # positional: a new key would shift it
    b = Benefit(amount=100.0)
    with pytest.raises(FrozenInstanceError):
        b.amount = 1.0  # type: ignore[misc]
    assert Targeting().coefficients == {} and Targeting().coefficients is not \
        Targeting().coefficients
    assert Admin().fixed_year == YearPath.constant(0.0) and Admin().setup == ()
    s = scenario_from_dict(DOC)
    for p in s.programmes:
        assert pickle.loads(pickle.dumps(p)) == p


def test_from_table_fills_every_key_and_the_derived_fields() -> None:
    s = scenario_from_dict(DOC)
    cash, gmi, hus = s.programmes
    assert cash.benefit.amount == 100.0 and cash.label == "cash"
    assert cash.rollout == YearPath(((2025, 0.5), (2027, 1.0)))
    assert cash.targeting.exclusion_error == 0.1 and cash.targeting.welfare_shock == 0.0
    assert gmi.benefit.maximum == 200.0 and gmi.benefit.equivalence == (1.0, 1.0, 0.3, 18)
    assert hus.benefit.share_of_income == 0.2 and hus.benefit.band_shares == (0.2,)
    assert hus.benefit.normative_cost == (30.0, 50.0)
    assert s.settings["programmes"]["cash"]["admin"]["setup"] is None
    assert cash.admin.setup == ()


def test_a_key_added_to_a_table_is_a_field_with_no_other_edit() -> None:
    table = Table(fields={**PROGRAMME.fields["admin"].fields,
                          "per_household_year": Number(min=0, default=0.0)})

    @typed_table(table)
    class Extended:
        """An Admin with one key more."""

    parsed = {**dict.fromkeys(table.fields), "share_of_transfers": 0.1,
              "per_beneficiary_year": 2.0, "fixed_year": 5.0, "setup": {2026: 3.0, 2025: 1.0},
              "per_household_year": 7.0}
    x = Extended.from_table(parsed)  # type: ignore[attr-defined]
    assert x.per_household_year == 7.0 and Extended().per_household_year == 0.0
    assert x.fixed_year == YearPath.constant(5.0) and x.setup == ((2025, 1.0), (2026, 3.0))
    with pytest.raises(TypeError, match="not keys"):
        typed_table(table, skip=("nothing",))


def test_parameters_are_the_kernels_arguments_and_each_is_built() -> None:
    # the order the kernel unpacks its parameter bundle in (household_chunk)
    tree = ast.parse(textwrap.dedent(inspect.getsource(projection.household_chunk.py_func)))
    unpack = next(n for n in ast.walk(tree) if isinstance(n, ast.Assign)
                  and isinstance(n.value, ast.Name) and n.value.id == "params")
    assert tuple(e.id for e in unpack.targets[0].elts) == (  # type: ignore[attr-defined]
        "price_index", "poverty_line", *rules.PARAMETERS)
    # every kernel parameter is built, each declared table is one the kernel reads
    s = scenario_from_dict(DOC)
    years = np.arange(2025, 2028)
    built = rules._parameters(s, SimpleNamespace(region_names=("a",)), years,  # type: ignore[arg-type]
                              np.array([1.0, 1.1, 1.21]))
    assert set(built) == set(rules.PARAMETERS)
    assert set(rules.DECLARED) <= set(rules.PARAMETERS)
    assert {f.name for f in fields(rules.RuleTables)} >= set(rules.PARAMETERS)
    assert rules.DECLARED["amount"] == (
        rules.Declared("benefit.amount", Kernel("amount", per="period"), ("flat",),
                       "benefit.type"),
        rules.Declared("benefit.guaranteed_minimum", Kernel("amount", per="period"),
                       ("top_up",), "benefit.type"))
    assert rules.DECLARED["rollout"] == (rules.Declared("rollout", Kernel("rollout", "year")),)


def test_declared_tables_by_hand() -> None:
    """Hand-computed: amounts per period made annual and nominal, where they apply."""
    s = scenario_from_dict(DOC)
    years = np.arange(2025, 2028)
    cpi = np.array([1.0, 1.1, 1.21])
    t = rules.declared_tables(s.programmes, years, 2025, cpi)
    cash, gmi, hus = range(3)
    assert t["amount"][cash].tolist() == [100.0 * 12 * p for p in cpi]  # monthly, cpi
    assert t["amount"][gmi].tolist() == pytest.approx([50.0, 55.0, 60.5], abs=1e-9)  # 10%/yr
    assert t["amount"][hus].tolist() == [0.0, 0.0, 0.0]  # utility: no flat amount
    assert t["cap"][gmi].tolist() == pytest.approx([200.0, 220.0, 242.0], abs=1e-9)
    assert np.isinf(t["cap"][cash]).all() and np.isinf(t["cap"][hus]).all()
    assert t["disregard"][gmi].tolist() == pytest.approx([10.0, 11.0, 12.1], abs=1e-9)
    assert t["disregard"][hus].tolist() == [60.0, 60.0, 60.0]  # 5 a month, not indexed
    assert t["disregard"][cash].tolist() == [0.0, 0.0, 0.0]
    assert t["taper"].tolist() == [1.0, 0.5, 1.0]
    assert t["exclusion"].tolist() == [0.1, 0.0, 0.0]
    assert t["inclusion"].tolist() == [0.02, 0.0, 0.0]
    assert t["rollout"][cash].tolist() == [0.5, 0.75, 1.0]
    assert t["rollout"][gmi].tolist() == [1.0, 1.0, 1.0]


def test_a_kernel_table_key_must_be_a_parameter_and_agree() -> None:
    fields_ = dict(PROGRAMME.fields)
    fields_["unit"] = Number(role="structure", kernel=Kernel("unit_table"))
    with pytest.raises(TypeError, match="role 'parameter'"):
        rules.declared(Table(role="parameter", fields=fields_))
    fields_["unit"] = Number(kernel=Kernel("taper", fill=2.0))
    with pytest.raises(TypeError, match="taper"):
        rules.declared(Table(role="parameter", fields=fields_))
    fields_["unit"] = Number(kernel=Kernel("x"), applies=("flat",))
    with pytest.raises(TypeError, match="selector"):
        rules.declared(Table(role="parameter", fields=fields_))
    with pytest.raises(ValueError, match="per"):
        Kernel("x", per="month")


#: run in a copy of the package whose registry declares one key more
NEW_KEY = '''
import json
import numpy as np
from types import SimpleNamespace
from dataclasses import fields
from simulate.programmes import rules
from simulate.scenario import scenario_from_dict, schema
doc = {"scenario": {"name": "t", "country": "lao", "start_year": 2025, "end_year": 2026},
       "programmes": {"cash": {"benefit": {"amount": 100.0, "bonus": 7.0}},
                      "none": {"benefit": {"amount": 1.0}}}}
def pytest_raises(f):
    try:
        f()
    except Exception as exc:
        return exc
s = scenario_from_dict(doc)
t = rules._parameters(s, SimpleNamespace(region_names=()), np.arange(2025, 2027),
                      np.array([1.0, 1.5]))
print(json.dumps({
    "typed": [p.benefit.bonus for p in s.programmes],
    "table": t["bonus"].tolist(),
    "field": "bonus" in {f.name for f in fields(rules.RuleTables)},
    "reference": [line for line in schema.reference_markdown().splitlines()
                  if "benefit.bonus" in line],
    "kernel_lacks": sorted(set(rules.DECLARED) - set(rules.PARAMETERS)),
    "ignored": str(pytest_raises(lambda: scenario_from_dict({**doc, "programmes": {"g": {
        "unit": "household", "benefit": {"type": "top_up", "guaranteed_minimum": 1.0,
                                         "equivalence": {"first": 1.0}, "bonus": 2.0}}}}))),
}))
'''


def test_a_new_key_needs_only_its_declaration(tmp_path: Path) -> None:
    """The claim end to end: a copy of the package whose only edit is one key declared
    in simulate/scenario/keys/programmes.py (a per-draw kernel table) has it on the typed
    programme, in the rule tables (RuleTables field and values) and in the generated
    reference; what is left is the kernel reading it (it is not yet a kernel argument)."""
    copy = tmp_path / "simulate"
    shutil.copytree(ROOT / "simulate", copy,
                    ignore=shutil.ignore_patterns("__pycache__", "__generated__"))
    registry = copy / "scenario" / "keys" / "programmes.py"
    text = registry.read_text()
    anchor = '                "maximum": Number('
    assert text.count(anchor) == 1
    registry.write_text(text.replace(anchor, '''                "bonus": Number(
                    min=0, default=None, unit="currency per period",
                    applies=("flat",), kernel=Kernel("bonus", per="period"),
                    description="A bonus per period (type flat).",
                ),
''' + anchor))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run([sys.executable, "-c", NEW_KEY], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    import json

    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["typed"] == [7.0, None]
    assert got["table"] == [[7.0 * 12, 7.0 * 12 * 1.5], [0.0, 0.0]]
    assert got["field"] is True
    assert len(got["reference"]) == 1
    assert got["reference"][0].startswith("| `programmes.<name>.benefit.bonus` | a number >= 0 |")
    assert got["reference"][0].endswith("| parameter, kernel table `bonus` | A bonus per "
                                        "period (type flat). |")
    assert got["kernel_lacks"] == ["bonus"]
    # a benefit type that does not read it refuses it (its declared ``applies``)
    assert ("programmes.g.benefit.bonus expected no bonus with benefit type 'top_up' (it is "
            "used by type 'flat')") in got["ignored"]
