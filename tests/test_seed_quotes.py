"""Every quote attributed to a seed is in the seed (tests/seed_quotes.py, docs/sources.md).

The shipped scenarios, profiles, docs and README are checked together and every
quote not found is reported at once (file, line, the fragment missing); the finder
itself is tested on hand-made files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.seed_quotes import ROOT, files_to_check, normalise, problems, quotes_in, seed_files


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    try:
        return seed_files()
    except FileNotFoundError:
        pytest.skip("the seeds folder (shared/seeds) is not in this checkout")


def test_every_seed_quote_is_in_its_seed(seeds: dict[str, str]) -> None:
    paths = files_to_check()
    found = sum(len(quotes_in(p)) for p in paths)
    assert found >= 60, f"only {found} attributed quotes found: has the convention changed?"
    bad = problems(paths, seeds)
    assert not bad, f"{len(bad)} quote(s) not found in their seed:\n" + "\n".join(bad)


SEEDS = {"004_ccc11788bbbdafbf.txt": normalise(
    "the expansion of the GMI program from 160,000 recipient households in 2013 to "
    "300,000 in 2016. (ii) DLI 4 (US$ 10 million): the HUS’s application process – "
    "simplified")}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_multi_line_comment_and_chained_quotes_are_found(tmp_path: Path) -> None:
    p = _write(tmp_path, "a.toml", (
        "x = 1\n"
        "# seed 004_ccc11788bbbdafbf.txt: \"the expansion of the GMI\n"
        "#   program from 160,000\"; \"DLI 4 (US$ 10 million)\"\n"))
    qs = quotes_in(p)
    assert [(q.line, q.seed) for q in qs] == [(2, "004_ccc11788bbbdafbf.txt"),
                                             (3, "004_ccc11788bbbdafbf.txt")]
    assert problems([p], SEEDS) == []


def test_dashes_quote_marks_and_spaces_are_normalised(tmp_path: Path) -> None:
    p = _write(tmp_path, "b.md", 'Seed `004_ccc11788bbbdafbf.txt`: "the HUS\'s application\n'
               'process - simplified".\n')
    assert problems([p], SEEDS) == []


def test_a_bare_seed_refers_to_the_last_seed_named(tmp_path: Path) -> None:
    p = _write(tmp_path, "c.toml", "# seed 004_ccc11788bbbdafbf.txt is the source\n\n"
               "k = 2  # seed: \"recipient households in 2014\"\n")
    bad = problems([p], SEEDS)
    assert len(bad) == 1 and "c.toml:3" in bad[0] and "in 2014" in bad[0]


def test_fragments_must_appear_in_order(tmp_path: Path) -> None:
    p = _write(tmp_path, "d.toml",
               '# seed 004: "300,000 in 2016 ... from 160,000"\n'
               '# seed 004: "from 160,000 ... 300,000 in 2016"\n')
    bad = problems([p], SEEDS)
    assert len(bad) == 1 and "d.toml:1" in bad[0] and "from 160,000" in bad[0]


def test_words_dropped_without_an_ellipsis_fail(tmp_path: Path) -> None:
    p = _write(tmp_path, "e.toml", '# seed 004: "the expansion of the GMI from 160,000"\n')
    assert len(problems([p], SEEDS)) == 1


def test_all_failures_are_reported_with_file_and_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "f.toml", '# seed 004: "no such words"\n\n'
               "s = \"seed 004_ccc11788bbbdafbf.txt: \\\"nor these\\\"\"\n"
               '# seed 999_0000000000000000.txt: "anything"\n')
    bad = problems([p], SEEDS)
    assert len(bad) == 3
    assert ["f.toml:1" in bad[0], "f.toml:3" in bad[1], "no seed file" in bad[2]] == [True] * 3


def test_files_checked_cover_scenarios_profiles_docs_and_readme() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in files_to_check()}
    assert "README.md" in names and "docs/ukraine.md" in names
    assert "simulate/data/profiles/ukr.toml" in names
    assert "scenarios/ukr_gmi_hus_history.toml" in names
