"""The projection kernel specialised to a scenario's structure (kernels/specialise.py)."""

from __future__ import annotations

import ast
import dis
import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from simulate import compile_ahead, engine, kernel_cache
from simulate.kernels import projection as kp
from simulate.kernels import specialise
from simulate.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
N_FLAGS = len(kp.FLAGS)


def _flag_names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id.startswith("S_")}


def test_flags_are_the_templates() -> None:
    """Every flag the template uses is a known flag, and every known flag is used."""
    text = Path(kp.__file__).read_text()
    fn = next(n for n in ast.parse(text).body
              if isinstance(n, ast.FunctionDef) and n.name == "household_chunk")
    assert _flag_names(fn) == set(kp.FLAGS)
    assert all(getattr(kp, name) is True for name in kp.FLAGS)  # the generic kernel


@pytest.mark.parametrize("flags", [(False,) * N_FLAGS, (True,) * N_FLAGS,
                                   tuple(i % 2 == 0 for i in range(N_FLAGS))])
def test_source_has_literals_only(flags) -> None:
    text = specialise.source(flags)
    tree = ast.parse(text)
    assert not _flag_names(tree)
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert names == ["household_chunk", specialise.ENTRY]
    # the entry holds the chunk body itself (compiled once), not a call of household_chunk
    entry = next(n for n in tree.body if isinstance(n, ast.FunctionDef)
                 and n.name == specialise.ENTRY)
    called = {c.func.id for c in ast.walk(entry)
              if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
    assert "household_chunk" not in called
    assert "_bin" in called or not flags[kp.FLAGS.index("S_POVERTY")]
    with pytest.raises(ValueError, match="flags expected"):
        specialise.source(flags[:-1])


def test_false_blocks_are_not_compiled() -> None:
    """Python drops the blocks of a False flag: a kernel without households holds no
    top-up arithmetic (eq_first) in its bytecode, the generic one does."""
    none = (False,) * N_FLAGS
    ns: dict = {}
    body = specialise.source(none).split("\n\n\n", 1)[1]
    exec(compile(body.replace("@njit(cache=True)\n", "").split("@njit")[0], "<s>", "exec"),
         {**vars(kp), "__builtins__": __builtins__}, ns)
    def loaded(code) -> set[str]:  # names the bytecode loads (co_names keeps dropped ones)
        return {i.argval for i in dis.get_instructions(code) if i.opname.startswith("LOAD_")}

    names = loaded(ns["household_chunk"].__code__)
    assert "eq_first" not in names and "norm_cost" not in names
    assert "_pregnancy_mask" not in names and "_enrolled_from" not in names
    assert "uniform" in names and "survival" in names  # what every structure does stays
    # [outputs] poverty = false, overlap = false: no poverty block, no Gini histogram,
    # no overlap and none of its bookkeeping
    optional = {"_bin", "pov_out", "hist_value", "overlap_out", "poverty_line",
                "combo_e", "combo_r", "might", "total"}
    assert not names & optional, names & optional
    generic = loaded(kp.household_chunk.py_func.__code__)
    assert {"eq_first", "norm_cost", "_pregnancy_mask", "_enrolled_from"} <= generic
    assert optional <= generic


def test_structure_flags() -> None:
    flags = specialise.structure_flags(
        unit=[kp.UNIT_PERSON, kp.UNIT_HOUSEHOLD], kind=[kp.KIND_FLAT, kp.KIND_TOP_UP],
        once=[False, False], target_row=[-1, 0], cond_var=[kp.VAR_AGE, 0],
        monthly=[True, False])
    on = dict(zip(kp.FLAGS, flags, strict=True))
    assert on == {"S_MONTHLY": True, "S_YEARLY": True, "S_PERSON_YEARLY": False,
                  "S_HOUSEHOLD": True, "S_MEANS": True, "S_TOP_UP": True,
                  "S_UTILITY": False, "S_TARGETED": True, "S_ONCE": False,
                  "S_STATIC": True, "S_PREGNANT": False, "S_DISABLED": False,
                  "S_POVERTY": True, "S_OVERLAP": True}
    assert specialise.describe(flags).startswith("monthly+yearly+household")
    assert specialise.describe((False,) * N_FLAGS) == "none"
    off = specialise.structure_flags([kp.UNIT_PERSON], [kp.KIND_FLAT], [False], [-1],
                                     [kp.VAR_AGE], [False], poverty=False, overlap=True)
    assert dict(zip(kp.FLAGS, off, strict=True))["S_POVERTY"] is False
    assert specialise.describe(off) == "yearly+person_yearly+overlap"


def test_files_go_to_xdg_cache_and_are_never_rewritten(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    flags = (True, False) * (N_FLAGS // 2)
    file = specialise.path(flags)
    assert file.parent == tmp_path / "simulate" / "kernels"
    assert file.read_text() == specialise.source(flags)
    before = file.stat().st_mtime_ns
    os.utime(file, ns=(before - 10**9, before - 10**9))
    assert specialise.path(flags) == file
    assert file.stat().st_mtime_ns == before - 10**9  # kept: numba's index reads the stamp
    assert [p.name for p in file.parent.iterdir()] == [file.name]  # no temporary left
    # another template, numba or structure: another file
    assert specialise.key(flags) != specialise.key((False,) * N_FLAGS)


def test_clean_removes_only_modules_of_other_templates(tmp_path, monkeypatch) -> None:
    """``spsim warmup --clean``: the generated modules whose first line names another
    template (or none: written before modules were stamped) go, with their compiled
    files; this template's modules, their compiled files and every other file stay."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    flags = (True, False) * (N_FLAGS // 2)
    current = specialise.path(flags)
    assert current.read_text().splitlines()[0].endswith(specialise.stamp())
    d, cache = current.parent, current.parent / "__pycache__"
    cache.mkdir()

    def compiled(stem: str) -> list[Path]:
        files = [cache / f"{stem}.project_households-674.py311.nbi",
                 cache / f"{stem}.project_households-674.py311.1.nbc",
                 cache / f"{stem}.cpython-311.pyc"]
        for f in files:
            f.write_bytes(b"x" * 10)
        return files

    keep = [current, *compiled(current.stem)]
    other = d / f"projection_{'a' * 20}.py"
    other.write_text('# simulate kernel template 0123456789abcdef0123\n"""old"""\n')
    unstamped = d / f"projection_{'b' * 20}.py"
    unstamped.write_text('"""The projection kernel specialised to the structure none."""\n')
    gone = [other, *compiled(other.stem), unstamped, *compiled(unstamped.stem)]
    mine = [d / "notes.py", d / "projection_abc.py", cache / "notes.cpython-311.pyc"]
    for f in mine:  # not generated modules (names), whatever their first line
        f.write_text("# simulate kernel template 0\n")
    keep += mine
    assert sorted(specialise.stale()) == sorted(gone)
    size = sum(f.stat().st_size for f in gone)
    assert specialise.remove_stale() == (len(gone), size)
    assert not any(f.exists() for f in gone)
    assert all(f.exists() for f in keep)
    assert specialise.stale() == []
    assert specialise.remove_stale() == (0, 0)


def test_warmup_clean_says_what_it_removed(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from simulate import cli, runs

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(runs, "warmup", lambda: None)  # the compile itself: not here
    d = specialise.kernel_dir()
    (d / f"projection_{'c' * 20}.py").write_text("# simulate kernel template x\n")
    result = CliRunner().invoke(cli.main, ["warmup", "--clean"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"removed 1 stale kernel file (0.0 MiB) from {d}\n")
    assert list(d.iterdir()) == []


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_flags_agree_with_the_rule_tables(path) -> None:
    """The compile notice reads the structure from the scenario; the engine from the
    rule tables: both name the same kernel."""
    sc = load_scenario(path)
    if sc.population_source == "synthetic":
        sc = replace(sc, records=300)
    t = engine.prepare(sc).rules
    from_tables = specialise.structure_flags(t.unit, t.kind, t.once, t.target_row,
                                             t.cond_var, t.monthly)
    assert kernel_cache.scenario_flags(sc) == from_tables


@pytest.mark.parametrize("name", ["lao_mecg", "ukr_gmi_hus"])
def test_specialised_equals_generic(name, monkeypatch) -> None:
    """The kernel specialised to a shipped scenario gives the generic kernel's totals, bit
    for bit (months and pregnancy; a means-tested household top-up)."""
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    if sc.population_source == "synthetic":
        sc = replace(sc, records=1500)
    prep = engine.prepare(sc)
    got = engine.project_totals(prep, chunk_size=256)
    monkeypatch.setattr(engine, "specialised_kernel", lambda flags: kp.project_chunks)
    want = engine.project_totals(prep, chunk_size=256)
    for field in ("programmes", "population", "poverty", "histogram", "overlap", "groups"):
        a, b = getattr(got, field), getattr(want, field)
        assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True), field


@pytest.mark.parametrize("name", ["lao_mecg", "ukr_gmi_hus"])
def test_costs_only_kernel_equals_generic(name, monkeypatch) -> None:
    """[outputs] poverty = false, overlap = false: the kernel without those blocks gives
    the generic kernel's programme, population and group totals bit for bit (months,
    pregnancy; a means test that reads earlier programmes' benefits), and empty
    poverty and histogram outputs."""
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml",
                       {"outputs.poverty": False, "outputs.overlap": False})
    if sc.population_source == "synthetic":
        sc = replace(sc, records=1500)
    prep = engine.prepare(sc)
    flags = kernel_cache.scenario_flags(sc)
    assert not flags[kp.FLAGS.index("S_POVERTY")] and not flags[kp.FLAGS.index("S_OVERLAP")]
    got = engine.project_totals(prep, chunk_size=256)
    assert got.poverty.size == 0 and got.histogram.size == 0 and got.overlap.shape[1] == 1
    full = replace(prep, scenario=load_scenario(ROOT / "scenarios" / f"{name}.toml"))
    if full.scenario.population_source == "synthetic":
        full = replace(full, scenario=replace(full.scenario, records=1500))
    monkeypatch.setattr(engine, "specialised_kernel", lambda flags: kp.project_chunks)
    want = engine.project_totals(full, chunk_size=256)
    assert want.poverty.size > 0 and want.overlap.shape[1] > 1
    for field in ("programmes", "population", "groups"):
        a, b = getattr(got, field), getattr(want, field)
        assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True), field


NOTICE_PROBE = """
import json, sys
from dataclasses import replace
from simulate import compile_ahead, engine, kernel_cache
from simulate.kernels import specialise
from simulate.scenario import load_scenario
sc = replace(load_scenario(sys.argv[1]), records=200, end_year=2027)
before = kernel_cache.cold_kernels(sc)
loaded = None
if sys.argv[2] == "run":  # as simulate.run: the projection kernel compiled ahead
    ahead = compile_ahead.start(sc)
    engine.project_totals(engine.prepare(sc))
    stats = specialise.kernel(kernel_cache.scenario_flags(sc)).stats
    loaded = [ahead, sum(stats.cache_hits.values()), sum(stats.cache_misses.values())]
print(json.dumps([before, loaded]))
"""


def test_compile_notice_reads_the_specialised_kernels_cache(tmp_path) -> None:
    """Cold in a new cache, warm in the next process after a run: the notice looks up
    the kernel of the scenario's structure in numba's index."""
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg"),
           compile_ahead.ENV: "1"}  # whatever the machine's load
    path = str(ROOT / "scenarios" / "lao_mecg.toml")

    def cold(mode: str) -> list[str]:
        out = subprocess.run([sys.executable, "-c", NOTICE_PROBE, path, mode], env=env,
                             capture_output=True, text=True, check=True).stdout
        before, loaded = json.loads(out.strip().splitlines()[-1])
        if mode == "run" and len(os.sched_getaffinity(0)) > 1:
            # compiled in a second process while this one prepared, then loaded from
            # numba's cache here (one hit, no miss: not compiled a second time)
            assert loaded == [True, 1, 0]
        return before

    assert cold("run") == ["project_households", "reduce_chunks", "reduce_histogram",
                           "demography_chunks",
                           "age_year_women",
                           "cumulative_shares_among", "record_keys", "jacobian",
                           "uniform_units"]
    assert cold("look") == []
    files = list((tmp_path / "xdg" / "simulate" / "kernels").glob("projection_*.py"))
    assert len(files) == 1  # the scenario's structure only
