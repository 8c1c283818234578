"""Options that change one setting of a loaded scenario (``--draws``) make the variant
from the typed Scenario (``with_overrides``): the same scenario as loading the file
again with the key set, and the file is read once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from simulate import runs
from simulate.cli import main
from simulate.scenario import load_scenario
from simulate.scenario import model as scenario_model
from simulate.scenario.model import with_overrides

SCENARIOS = Path(__file__).parent.parent / "scenarios"


@pytest.mark.parametrize(("name", "key", "value", "sets"), [
    ("lao_mecg_uncertainty", "uncertainty.draws", 7, {}),
    ("lao_mecg_uncertainty", "uncertainty.draws", 3, {"population.records": 2000}),
    ("lao_nspf", "fund.draws", 250, {"fund.target_probability": 0.95}),
])
def test_with_overrides_is_loading_again_with_the_key_set(name: str, key: str, value: int,
                                                          sets: dict[str, Any]) -> None:
    path = SCENARIOS / f"{name}.toml"
    variant = with_overrides(load_scenario(path, overrides=sets), {key: value})
    again = load_scenario(path, overrides={**sets, key: value})
    assert variant == again
    assert variant.text == again.text and variant.doc == again.doc
    assert dict(variant.origins) == dict(again.origins)
    assert variant.warnings == again.warnings


class _Stop(Exception):
    pass


@pytest.mark.parametrize(("command", "name", "key"), [
    ("run", "lao_mecg_uncertainty", "uncertainty"),
    ("fund", "lao_nspf", "fund"),
])
def test_draws_option_reads_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          command: str, name: str, key: str) -> None:
    reads: list[Path] = []
    seen: list[Any] = []
    resolve = scenario_model.resolve

    def counting(path: Path) -> Any:
        reads.append(path)
        return resolve(path)

    def stop(sc: Any, **_: Any) -> Any:
        seen.append(sc)
        raise SystemExit(0)

    monkeypatch.setattr(scenario_model, "resolve", counting)
    monkeypatch.setattr(runs, "run", stop)
    res = CliRunner().invoke(main, [command, str(SCENARIOS / f"{name}.toml"), "--draws", "5",
                                    "--out", str(tmp_path / "out"), "-q"])
    assert res.exit_code == 0, res.output
    assert len(reads) == 1
    assert seen[0].section(key)["draws"] == 5
