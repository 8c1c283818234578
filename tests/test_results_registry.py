"""The variable registry is the one declaration of a result variable (issue 13 item 4).

docs/results.md is generated from it (staleness test); every variable of every shipped
scenario's Dataset is registered, with the registry's attributes; the one builder
makes a run's Dataset, and a run with draws stacks the draws' arrays into one Dataset
without building a Dataset per draw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import simulate
from simulate import variables as V
from simulate.results import Results, build_dataset, build_draws
from simulate.variables import VARIABLES
from tests import expected as E

ROOT = Path(__file__).resolve().parents[1]

#: small runs: the variables a scenario has depend on what it declares, not its size
SMALL = {"population.records": 400}


def test_results_doc_is_generated_from_the_registry() -> None:
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    assert text == V.document(text), (
        "docs/results.md is stale: run `python -m simulate.variables docs/results.md`")
    for name in VARIABLES:
        assert f"| `{name}` |" in text, name


def test_every_registered_variable_has_a_module_and_a_section() -> None:
    for v in VARIABLES.values():
        assert v.module in V.SECTIONS, v.name
        assert v.units and v.long_name and v.description, v.name
        assert (ROOT / v.module).exists(), (v.name, v.module)


def test_document_needs_its_marker_and_keeps_the_prose() -> None:
    with pytest.raises(ValueError, match="marker"):
        V.document("# Results\nno marker\n")
    out = V.document(f"# Results\nprose\n{V.MARKER}\nold table\n")
    assert out.startswith(f"# Results\nprose\n{V.MARKER}\n\n## Dimensions")
    assert "old table" not in out


def test_python_m_simulate_variables_rewrites_only_after_the_marker(tmp_path: Path) -> None:
    doc = tmp_path / "results.md"
    doc.write_text(f"# Mine\n{V.MARKER}\nstale\n", encoding="utf-8")
    assert V.main([str(doc)]) == 0
    assert doc.read_text(encoding="utf-8") == V.document(f"# Mine\n{V.MARKER}\n")
    other = tmp_path / "other.md"
    other.write_text("no marker\n", encoding="utf-8")
    assert V.main([str(other)]) == 1
    assert other.read_text(encoding="utf-8") == "no marker\n"  # not touched


def _small(name: str) -> xr.Dataset:
    overrides = {k: v for k, v in E.overrides(name).items() if k != "population.records"}
    if "population.records" in E.overrides(name):
        overrides.update(SMALL)
    if "uncertainty.draws" in overrides:
        overrides["uncertainty.draws"] = 2
    sc = simulate.load_scenario(E.SCENARIOS / f"{name}.toml", overrides=overrides)
    return simulate.run(sc)


@pytest.mark.parametrize("name", E.scenario_names())
def test_every_variable_of_a_shipped_scenario_is_registered(name: str) -> None:
    ds = _small(name)
    currency = str(ds.attrs["currency"])
    unknown = sorted(set(ds.data_vars) - set(VARIABLES))
    assert not unknown, f"{name}: variables missing from simulate/variables.py: {unknown}"
    documented = {d for dims in V.DIMENSIONS for d in dims.split(", ")}
    assert set(ds.dims) <= documented, sorted(set(ds.dims) - documented)
    for n, var in ds.data_vars.items():
        spec = VARIABLES[n]
        assert var.dims[-len(spec.dims):] == spec.dims if spec.dims else True, n
        assert var.attrs["long_name"] == spec.long_name, n
        assert var.attrs["description"] == spec.description, n
        units = spec.units.replace("{currency}", currency)
        assert var.attrs["units"] in (units, units.replace(" of start_year", "")), n


def _part(scale: float, rate: float) -> Results:
    r = Results(currency="LAK")
    r.coord("year", np.array([2025, 2026]), units="calendar year")
    r.coord("programme", ["a", "b"])
    r.put("cost", np.array([[1.0, 2.0], [3.0, 4.0]]) * scale)
    r.put("total_cost_pv", 10.0 * scale, discount_rate=rate)
    r.put("err_roots", [1])
    r.attrs["title"] = "t"
    return r


def test_builder_gives_registry_attributes_and_dtypes() -> None:
    ds = build_dataset(_part(1.0, 0.05))
    assert ds["cost"].dims == ("year", "programme")
    assert ds["cost"].attrs["units"] == "LAK"
    assert ds["cost"].attrs["long_name"] == VARIABLES["cost"].long_name
    assert ds["total_cost_pv"].attrs["discount_rate"] == 0.05
    assert ds["err_roots"].dtype == np.int64
    assert ds["year"].attrs["units"] == "calendar year"
    assert ds.attrs["title"] == "t"
    with pytest.raises(KeyError):
        Results().put("not_a_registered_variable", 1.0)


def test_draws_stack_into_one_dataset_without_one_per_draw(monkeypatch) -> None:
    built = []
    real = xr.Dataset.__init__

    def counting(self, *a, **k):
        built.append(1)
        real(self, *a, **k)

    monkeypatch.setattr(xr.Dataset, "__init__", counting)
    ds = build_draws([_part(1.0, 0.05), _part(2.0, 0.07), _part(3.0, 0.05)])
    assert len(built) == 1
    assert ds["cost"].dims == ("draw", "year", "programme")
    assert ds["cost"].values[2, 1, 1] == 12.0
    # an attribute that differs between draws: the mean, with min, max and every draw's
    attrs = ds["total_cost_pv"].attrs
    assert attrs["discount_rate"] == pytest.approx(0.17 / 3)
    assert (attrs["discount_rate_min"], attrs["discount_rate_max"]) == (0.05, 0.07)
    assert list(attrs["discount_rate_per_draw"]) == [0.05, 0.07, 0.05]


def test_draws_that_differ_in_shape_are_concatenated() -> None:
    a, b = _part(1.0, 0.05), _part(1.0, 0.05)
    b.coord("programme", ["a", "c"])
    ds = build_draws([a, b])
    assert ds.sizes["draw"] == 2 and list(ds["programme"].values) == ["a", "b"]
