"""Country profiles: every shipped profile loads and is sourced; broken ones are reported."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from simulate.errors import DataError
from simulate.population.profiles import PROFILE_DIR, available, load_profile, unsourced
from simulate.scenario.loader import read_toml

PROFILES = available()


def test_the_four_profiles_are_shipped() -> None:
    assert set(PROFILES) >= {"lao", "khm", "ukr", "irq"}


@pytest.mark.parametrize("code", PROFILES)
def test_profile_loads_and_is_sourced(code: str) -> None:
    p = load_profile(code)
    assert p.code == code
    assert load_profile(code.upper()) is p  # cached, case-insensitive name
    assert unsourced(read_toml(PROFILE_DIR / f"{code}.toml")) == []
    for groups in (p.female, p.male):
        assert groups.shape == (17,) and np.all(groups >= 0)
    assert p.total_population > 0
    assert p.asfr_distribution.sum() == pytest.approx(1.0, abs=1e-3)
    assert p.region_shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert len(p.region_names) == len(p.region_shares)
    assert 0 < p.poverty_rate < 1 and 0 < p.gini < 1 and p.gdp > 0
    assert re.fullmatch(r"[A-Z]{3}", p.currency)


def test_profile_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text((PROFILE_DIR / "lao.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert load_profile("mine.toml", tmp_path).total_population == pytest.approx(
        load_profile("lao").total_population)


def test_unknown_profile_suggests_the_nearest() -> None:
    with pytest.raises(DataError, match=r"scenario\.country.*did you mean 'lao'\?"):
        load_profile("laoo")


LAO = (PROFILE_DIR / "lao.toml").read_text(encoding="utf-8")


def _drop_line(text: str, start: str) -> str:
    lines = text.splitlines()
    kept = [ln for ln in lines if not ln.startswith(start)]
    assert len(kept) == len(lines) - 1, start
    return "\n".join(kept) + "\n"


BROKEN = [
    # (id, edit of lao.toml, fragments of the message)
    ("missing source", lambda t: _drop_line(t, '"fertility.tfr" ='),
     ["fertility.tfr", "an entry in [sources]", "found none"]),
    ("missing table source", lambda t: _drop_line(t, '"macro.gdp" ='), ["macro.gdp"]),
    ("asfr not summing to 1",
     lambda t: t.replace("[0.14, 0.28, 0.25, 0.18, 0.10, 0.04, 0.01]",
                         "[0.14, 0.28, 0.25, 0.18, 0.10, 0.04, 0.11]"),
     ["fertility.asfr_distribution", "shares summing to 1"]),
    ("short age groups",
     lambda t: t.replace("female = [387304, ", "female = ["),
     ["population.female", "a list of 17 numbers"]),
    ("missing figure", lambda t: _drop_line(t, "gini = "), ["welfare.gini", "found nothing"]),
    ("out of range", lambda t: t.replace("poverty_rate = 0.183", "poverty_rate = 1.83"),
     ["welfare.poverty_rate", "1.83"]),
    ("unknown key", lambda t: t.replace("gini = ", "ginni = "),
     ["welfare.ginni", "did you mean 'gini'?"]),
    ("region shares",
     lambda t: t.replace("shares = [0.337, 0.456, 0.207]", "shares = [0.5, 0.456, 0.207]"),
     ["households.regions", "shares summing to 1"]),
]


@pytest.mark.parametrize(("edit", "fragments"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_broken_profile_message(tmp_path: Path, edit, fragments) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(edit(LAO), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_profile(str(path))
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_unsourced_lists_each_uncovered_figure() -> None:
    doc = {"country": {"base_year": 2025}, "a": {"b": 1, "c": {"2025": 1, "2030": 2}},
           "d": 3, "sources": {"a.b": "x", "country": "y"}}
    assert unsourced(doc) == ["a.c", "d"]
    doc["sources"]["a"] = "z"
    assert unsourced(doc) == ["d"]
