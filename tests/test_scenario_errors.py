"""Bad input: a table of broken scenario files, each with the message it must produce.

Every message names the file (or ``--set``) and the key path, says what was
expected and what was found, and suggests the nearest valid key where one is
close; all problems of a file are reported at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import simulate
from simulate.engine import prepare
from simulate.errors import InputError, ScenarioError
from simulate.scenario.loader import apply_overrides

BASE = """\
[scenario]
name = "broken on purpose"
country = "lao"
start_year = 2025
end_year = 2027

[population]
records = 100

[programmes.child]
eligibility = { age = [0, 2] }
benefit = { amount = 100 }
take_up = 0.9
"""


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new)


# (id, files {name: text} with the scenario first, overrides, file named, fragments)
CASES = [
    ("unknown key", {"s.toml": edit("take_up = 0.9", "take_upp = 0.9")}, None, "s.toml",
     ["programmes.child.take_upp", "a known key", "did you mean 'take_up'?"]),
    ("unknown section", {"s.toml": edit("[programmes.child]", "[programs.child]")}, None,
     "s.toml", ["programs", "did you mean 'programmes'?"]),
    ("wrong type", {"s.toml": edit("take_up = 0.9", 'take_up = "high"')}, None, "s.toml",
     ["programmes.child.take_up", "expected a number in [0, 1]", "found 'high'"]),
    ("out of range", {"s.toml": edit("take_up = 0.9", "take_up = 1.5")}, None, "s.toml",
     ["programmes.child.take_up", "in [0, 1]", "found 1.5"]),
    ("bad choice", {"s.toml": edit("amount = 100", 'amount = 100, period = "monthly"')}, None,
     "s.toml", ["programmes.child.benefit.period", "did you mean 'month'?"]),
    ("bad year key", {"s.toml": BASE + "rollout = { 20x5 = 0.5 }\n"}, None, "s.toml",
     ["programmes.child.rollout.20x5", "a calendar year as key"]),
    ("missing required", {"s.toml": edit('name = "broken on purpose"\n', "")}, None, "s.toml",
     ["scenario.name", "expected a string, found nothing"]),
    ("no programmes", {"s.toml": BASE.split("[programmes.child]")[0]}, None, "s.toml",
     ["programmes", "found nothing"]),
    ("end before start", {"s.toml": edit("end_year = 2027", "end_year = 2020")}, None,
     "s.toml", ["scenario.end_year", "a year >= start_year (2025)", "found 2020"]),
    ("extends loop", {"a.toml": 'extends = "b.toml"\n' + BASE, "b.toml": 'extends = "a.toml"\n'},
     None, "b.toml", ["extends", "a chain of files without a loop", "a.toml -> b.toml -> a.toml"]),
    ("extends missing", {"s.toml": 'extends = "nothere.toml"\n' + BASE}, None, "s.toml",
     ["extends", "an existing scenario file", "'nothere.toml' (no such file)"]),
    ("error in the base file", {"s.toml": 'extends = "base.toml"\n[scenario]\nend_year = 2026\n',
                                "base.toml": edit("take_up = 0.9", "take_up = 2")},
     None, "base.toml", ["programmes.child.take_up", "found 2"]),
    ("bad toml", {"s.toml": BASE + "take_up = = 1\n"}, None, "s.toml",
     ["file", "expected valid TOML", "syntax error"]),
    ("missing file", {}, None, "s.toml", ["file", "an existing TOML file", "no such file"]),
    ("set into a value", {"s.toml": BASE}, {"scenario.name.first": "x"}, "--set",
     ["scenario.name.first", "scenario.name to be a table"]),
    ("set out of range", {"s.toml": BASE}, {"programmes.child.take_up": 3}, "--set",
     ["programmes.child.take_up", "found 3"]),
    ("set unknown key", {"s.toml": BASE}, {"programmes.child.takeup": 0.5}, "--set",
     ["programmes.child.takeup", "did you mean 'take_up'?"]),
    ("poverty targeting without a threshold",
     {"s.toml": BASE + 'targeting = { method = "poverty" }\n'}, None, "s.toml",
     ["programmes.child.targeting", "exactly one of welfare_percentile_max or poverty_line",
      'with method = "poverty", found neither']),
    ("poverty targeting with both",
     {"s.toml": BASE + 'targeting = { method = "poverty", welfare_percentile_max = 40, '
                       "poverty_line = 1000 }\n"}, None, "s.toml",
     ["programmes.child.targeting", "exactly one of welfare_percentile_max or poverty_line",
      'with method = "poverty", found both']),
    ("threshold without poverty method",
     {"s.toml": BASE + "targeting = { welfare_percentile_max = 40 }\n"}, None, "s.toml",
     ["programmes.child.targeting.method", '"poverty" when a percentile or line is given']),
    ("bad range", {"s.toml": edit("age = [0, 2]", "age = [2, 0]")}, None, "s.toml",
     ["programmes.child.eligibility.age", "lo < hi"]),
    # problems found when the population is known (prepare)
    ("unknown country", {"s.toml": edit('country = "lao"', 'country = "laoo"')}, None,
     "s.toml", ["scenario.country", "a country profile", "did you mean 'lao'?"]),
    ("missing profile file", {"s.toml": edit('country = "lao"', 'country = "mine.toml"')}, None,
     "s.toml", ["scenario.country", "mine.toml"]),
    ("unknown region", {"s.toml": edit("age = [0, 2]", 'age = [0, 2], region = "Nort"')}, None,
     "s.toml", ["programmes.child.eligibility.region", "'Nort'", "did you mean 'North'?"]),
    ("unknown column", {"s.toml": edit("age = [0, 2]", "age = [0, 2], welfar = [0, 10]")},
     None, "s.toml", ["programmes.child.eligibility.welfar", "did you mean 'welfare'?"]),
    ("unknown column in an any-of group",
     {"s.toml": edit("eligibility = { age = [0, 2] }",
                     "eligibility = [{ age = [0, 2] }, { disabledd = true }]")},
     None, "s.toml", ["programmes.child.eligibility[1].disabledd", "did you mean 'disabled'?"]),
    ("currency mismatch", {"s.toml": edit('country = "lao"', 'country = "lao"\ncurrency = "USD"')},
     None, "s.toml", ["scenario.currency", "'LAK'", "found 'USD'"]),
    ("start before the profile",  # lao covers 2015 on ([history] back-projection)
     {"s.toml": edit("start_year = 2025", "start_year = 2010")}, None, "s.toml",
     ["scenario.start_year", "a year >= 2015", "found 2010"]),
    ("microdata file missing",
     {"s.toml": edit("records = 100", 'source = "people.csv"')}, None, "people.csv",
     ["an existing file"]),
    ("poverty targeting without welfare",
     {"s.toml": edit("records = 100", 'source = "people.csv"')
      + 'targeting = { method = "poverty", welfare_percentile_max = 40 }\n',
      "people.csv": "household_id,age,sex,weight\n1,0,f,10\n"},
     None, "s.toml", ["programmes.child.targeting", "a population with welfare"]),
]


def load_and_prepare(path: Path, overrides=None) -> None:
    prepare(simulate.load_scenario(path, overrides=overrides))


@pytest.mark.parametrize(("files", "overrides", "named", "fragments"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_scenario_message(tmp_path: Path, files, overrides, named, fragments) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    main = tmp_path / (next(iter(files)) if files else "s.toml")
    with pytest.raises(InputError) as info:
        load_and_prepare(main, overrides)
    message = str(info.value)
    where = named if named == "--set" else str((tmp_path / named).resolve())
    assert all(p.where == where for p in info.value.problems), message
    assert message.startswith(f"{where}: ")
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "Traceback" not in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (edit("take_up = 0.9", "take_upp = 0.9")
            .replace("end_year = 2027", 'end_year = "soon"')
            .replace("amount = 100", "amount = -5")
            + "[programmes.other]\neligibility = { age = [0, 2] }\n")
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        simulate.load_scenario(path)
    keys = [p.key for p in info.value.problems]
    assert set(keys) == {"programmes.child.take_upp", "scenario.end_year",
                         "programmes.child.benefit.amount", "programmes.other.benefit"}
    lines = str(info.value).splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"{path.resolve()}: ") for line in lines)
    for fragment in ("scenario.end_year expected an integer", "found 'soon'",
                     "programmes.child.benefit.amount expected a number >= 0", "found -5",
                     "did you mean 'take_up'?",
                     "programmes.other.benefit expected a table, found nothing"):
        assert fragment in str(info.value), fragment


def test_apply_overrides_into_a_value() -> None:
    doc = {"scenario": {"name": "x"}}
    with pytest.raises(ScenarioError, match=r"--set: scenario\.name\.first expected scenario\.name "
                                            r"to be a table, found 'x'"):
        apply_overrides(doc, {}, {"scenario.name.first": 1})
    origins: dict[str, str] = {"scenario.name": "f.toml"}
    out = apply_overrides(doc, origins, {"scenario.seed": 3, "macro": {"inflation": 0.1}})
    assert out["scenario"] == {"name": "x", "seed": 3} and doc == {"scenario": {"name": "x"}}
    assert origins == {"scenario.name": "f.toml", "scenario.seed": "--set",
                       "macro.inflation": "--set"}


def test_valid_base_loads_and_prepares(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(BASE, encoding="utf-8")
    sc = simulate.load_scenario(path, overrides={"programmes.child.take_up": 0.5})
    assert sc.programme("child").take_up == 0.5
    assert sc.where("programmes.child.take_up") == "--set"
    assert sc.where("scenario.name") == str(path.resolve())
    prepare(sc)


def test_overrides_name_list_positions() -> None:
    """``key[i]`` sets one value of a list (from 0), through lists of tables too; the
    document given is not changed; a bad position or key gets one message."""
    doc = {"p": {"eligibility": {"age": [65, 200]}},
           "q": {"eligibility": [{"age": [0, 2]}, {"pregnant": True}]}}
    origins = {"p.eligibility.age": "a.toml", "q.eligibility": "a.toml"}
    out = apply_overrides(doc, origins, {"p.eligibility.age[0]": 60,
                                         "q.eligibility[0].age[1]": 1})
    assert out["p"]["eligibility"]["age"] == [60, 200]
    assert out["q"]["eligibility"] == [{"age": [0, 1]}, {"pregnant": True}]
    assert doc["p"]["eligibility"]["age"] == [65, 200]  # unchanged
    assert doc["q"]["eligibility"][0]["age"] == [0, 2]
    assert origins == {"p.eligibility.age": "--set", "q.eligibility": "--set"}
    for key, message in (
        ("p.eligibility.age[2]", "--set: p.eligibility.age[2] expected p.eligibility.age to "
                                 "be a list of more than 2 values, found a list of 2"),
        ("p.eligibility[0]", "expected p.eligibility to be a list of more than 0 values, "
                             "found a table"),
        ("p..age", "expected a key path such as a.b.c or a.b[0], found 'p..age'"),
    ):
        with pytest.raises(ScenarioError) as err:
            apply_overrides(doc, {}, {key: 1})
        assert message in str(err.value)
