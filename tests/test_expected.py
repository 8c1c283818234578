"""Each shipped scenario against its expected headline table (tests/expected/).

The scenarios run once per session (module fixture); a table that no longer matches
fails with every differing headline listed. Regenerate after an intended change with
``.venv/bin/python -m tests.expected --update`` (docs/scenarios.md, "Expected outputs").
Also: the figures the seed pages (docs/ukraine.md, lao.md, cambodia.md, iraq.md, prf3.md)
quote for their scenarios are the tables' figures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import expected as E

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def computed() -> dict[str, dict[str, float]]:
    return {}


def _headlines(computed: dict, name: str) -> dict[str, float]:
    if name not in computed:
        computed[name] = E.headlines(E.run(name), name)
    return computed[name]


def test_every_shipped_scenario_has_a_table() -> None:
    missing = [n for n in E.table_names() if not E.path_of(n).exists()]
    assert not missing, f"no expected table for {missing}: run python -m tests.expected --update"
    stale = sorted(p.stem for p in E.HERE.glob("*.toml") if p.stem not in E.table_names())
    assert not stale, f"expected tables without a scenario: {stale}"


@pytest.mark.parametrize("name", E.table_names())
def test_scenario_matches_its_expected_table(computed, name: str) -> None:
    diff = E.differences(E.read(name), _headlines(computed, name))
    assert not diff, (f"scenarios/{E.base(name)}.toml differs from tests/expected/{name}.toml "
                      "(if intended: python -m tests.expected --update):\n" + "\n".join(diff))


def test_differences_report_missing_new_and_changed() -> None:
    diff = E.differences({"a": 1.0, "b": 2.0}, {"a": 1.0 + 1e-9, "b": 2.1, "c": 3.0})
    assert len(diff) == 2 and diff[0].startswith("b:") and diff[1].startswith("c: new")


# ------------------------------------------------------------- docs against tables
def _doc_figures(path: Path) -> dict[str, str]:
    """``<!-- expected: scenario key scale digits -->`` markers: each is followed on
    its line by the figure it checks (see docs/scenarios.md, "Expected outputs")."""
    out = {}
    pattern = re.compile(r"<!-- expected: (\S+) (\S+) (\S+) (\d+) -->\s*([-+0-9.,]+)")
    for m in pattern.finditer(path.read_text(encoding="utf-8")):
        out[f"{m.group(1)}|{m.group(2)}|{m.group(3)}|{m.group(4)}"] = m.group(5)
    return out


#: the seed pages whose scenario figures are tied to the tables, and the fewest markers
#: each must keep (a page that loses its markers fails)
SEED_DOCS = {"ukraine.md": 10, "lao.md": 10, "cambodia.md": 10, "iraq.md": 10, "prf3.md": 3}


@pytest.mark.parametrize("page", sorted(SEED_DOCS))
def test_docs_figures_match_the_expected_tables(page: str) -> None:
    figures = _doc_figures(DOCS / page)
    assert len(figures) >= SEED_DOCS[page], f"docs/{page} lost its expected-figure markers"
    bad = []
    for key, shown in figures.items():
        name, headline, scale, digits = key.split("|")
        table = E.read(name)
        if headline not in table:
            bad.append(f"docs/{page}: {name} {headline}: not a headline of "
                       f"tests/expected/{name}.toml")
            continue
        value = table[headline] / float(scale)
        want = f"{value:,.{int(digits)}f}"
        if shown.rstrip(".,") != want:
            bad.append(f"docs/{page}: {name} {headline}: shows {shown}, table gives {want}")
    assert not bad, "\n".join(bad)
