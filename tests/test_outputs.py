"""Output folders (docs/outputs.md): only a new folder or one spsim wrote is written,
checked before any computation; the manifest; --force; locks; stale leftovers; the
saved scenario.toml re-runs to identical results."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import simulate.runs
from simulate.cli import main
from simulate.report import outfolder
from simulate.report.outfolder import MANIFEST, PARTIAL, clean_stale, write_folder
from tests.tiny import TINY

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def spsim(*args: str) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` (hidden ones too) with its bytes and mtime."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def no_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any run of the engine fails the test: refusals come before the computation."""
    def forbidden(*_args, **_kwargs):
        raise AssertionError("the engine ran before the output folder was refused")

    monkeypatch.setattr(simulate.runs, "run", forbidden)


def debris(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name
                  or p.name.endswith(".lock"))


# ------------------------------------------------------------------ the manifest
def test_manifest_names_every_file_with_its_hash(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = spsim("run", scenario, "--out", out, "-q")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / MANIFEST).read_text())
    files = {p.name for p in out.iterdir()} - {MANIFEST}
    assert set(doc["files"]) == files and "results.nc" in files
    for name, entry in doc["files"].items():
        data = (out / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert doc["kind"] == "spsim output folder" and doc["simulate_version"]
    assert doc["command"]
    assert debris(tmp_path) == []


def test_manifest_covers_whatever_the_writers_add(tmp_path: Path) -> None:
    """Generic: files in subfolders, any name, are listed; the folder is replaced again."""
    out = tmp_path / "gen"
    writers = {"a.txt": lambda p: p.write_text("a"),
               "charts/b.png": lambda p: p.write_bytes(b"\x89PNG")}
    write_folder(out, writers)
    assert set(json.loads((out / MANIFEST).read_text())["files"]) == {"a.txt", "charts/b.png"}
    write_folder(out, {"c.txt": lambda p: p.write_text("c")})
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [MANIFEST, "c.txt"]
    assert debris(tmp_path) == []


def test_rerun_replaces_its_own_folder(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert spsim("run", scenario, "--out", out, "-q").exit_code == 0
    r = spsim("run", scenario, "--out", out, "-q", "--set", "programmes.pension.take_up=0.5")
    assert r.exit_code == 0, r.output
    with xr.open_dataset(out / "results.nc") as ds:
        assert "take_up = 0.5" in ds.attrs["scenario"]
    assert debris(tmp_path) == []


def test_an_empty_folder_is_used(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert spsim("run", scenario, "--out", out, "-q").exit_code == 0
    assert (out / "results.nc").exists()


# ------------------------------------------------------------------ refusals
def test_a_folder_of_the_users_files_is_refused_untouched(scenario: Path, tmp_path: Path,
                                                           no_computation: None) -> None:
    proj = tmp_path / "proj"
    (proj / "data").mkdir(parents=True)
    (proj / "my_analysis.toml").write_text("mine")
    (proj / "data" / "survey.csv").write_text("1,2,3")
    before = snapshot(proj)
    for command in (["run", scenario], ["compare", scenario]):
        r = spsim(*command, "--out", proj, "--force")
        assert r.exit_code == 1, r.output
        assert f"error: {proj}: --out expected a new folder or one that spsim wrote, " \
               "found a folder spsim did not write (it holds data/survey.csv, " \
               "my_analysis.toml)" in r.output
        assert "Traceback" not in r.output
        assert snapshot(proj) == before
    assert debris(tmp_path) == []


def test_edited_output_needs_force_and_added_files_are_never_deleted(
        scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert spsim("run", scenario, "--out", out, "-q").exit_code == 0
    (out / "tables.csv").write_text("edited\n")
    (out / "poverty.csv").unlink()
    r = spsim("run", scenario, "--out", out, "-q")
    assert r.exit_code == 1
    assert "found changes since spsim wrote it: poverty.csv (missing), tables.csv (changed)" \
        in r.output
    assert "--force replaces it" in r.output
    assert (out / "tables.csv").read_text() == "edited\n"

    (out / "notes.txt").write_text("my notes")
    for extra in ([], ["--force"]):
        r = spsim("run", scenario, "--out", out, "-q", *extra)
        assert r.exit_code == 1
        assert "found files spsim did not write: notes.txt" in r.output
        assert "never deletes them, even with --force" in r.output
        assert (out / "notes.txt").read_text() == "my notes"
        assert (out / "tables.csv").read_text() == "edited\n"

    (out / "notes.txt").unlink()
    r = spsim("run", scenario, "--out", out, "-q", "--force")
    assert r.exit_code == 0, r.output
    assert (out / "tables.csv").read_text() != "edited\n" and (out / "poverty.csv").exists()
    assert debris(tmp_path) == []


def test_another_commands_folder_needs_force(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert spsim("run", scenario, "--out", out, "-q").exit_code == 0
    before = snapshot(out)
    r = spsim("compare", scenario, "--out", out, "-q")
    assert r.exit_code == 1
    assert f"{out}: --out expected a new folder or one that spsim compare wrote, found the " \
        "outputs of spsim run (" in r.output and "--force replaces them" in r.output
    assert snapshot(out) == before
    r = spsim("compare", scenario, "--out", out, "-q", "--force")
    assert r.exit_code == 0, r.output
    assert (out / "compare.csv").exists() and not (out / "results.nc").exists()
    assert json.loads((out / MANIFEST).read_text())["output"] == "compare"


def test_a_manifest_naming_files_outside_is_not_ours(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"a.txt": lambda p: p.write_text("a")})
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    doc = json.loads((out / MANIFEST).read_text())
    doc["files"]["../victim.txt"] = {"bytes": 4, "sha256": "x"}
    (out / MANIFEST).write_text(json.dumps(doc))
    with pytest.raises(outfolder.OutputError, match="a folder spsim did not write"):
        write_folder(out, {"a.txt": lambda p: p.write_text("b")}, force=True)
    assert victim.read_text() == "keep" and (out / "a.txt").read_text() == "a"


def _kinds(tmp_path: Path) -> list[tuple[str, Path, str]]:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    ours = tmp_path / "ours"
    write_folder(ours, {"a.txt": lambda p: p.write_text("a")})
    link = tmp_path / "link"
    link.symlink_to(ours)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    readonly = tmp_path / "readonly"
    write_folder(readonly, {"a.txt": lambda p: p.write_text("a")})
    readonly.chmod(0o555)
    locked_parent = tmp_path / "locked"
    locked_parent.mkdir()
    locked_parent.chmod(0o555)
    return [
        ("a file", a_file, "found a file"),
        ("a symlink to an output folder", link, f"found a symbolic link to '{ours}'"),
        ("a device", Path("/dev/null"), "found a character device"),
        ("a named pipe", fifo, "found a named pipe"),
        ("a read-only output folder", readonly, "found a read-only folder"),
        ("in a read-only folder", locked_parent / "new", "is read-only for this user"),
        ("below a file", a_file / "sub" / "out", "found '" + str(a_file) + "' is a file"),
        ("a name too long", tmp_path / ("n" * 300), "a folder name of at most 241 bytes"),
        ("..", tmp_path / "x" / "..", "the name of a folder to create, found"),
    ]


def test_every_kind_of_bad_target_is_refused_before_computing(
        scenario: Path, tmp_path: Path, no_computation: None) -> None:
    targets = _kinds(tmp_path)
    before = snapshot(tmp_path)
    try:
        for what, target, message in targets:
            r = spsim("run", scenario, "--out", target, "--force")
            assert r.exit_code == 1, (what, r.output)
            assert message in r.output, (what, r.output)
            assert "Traceback" not in r.output and r.output.count("error:") == 1, what
        assert snapshot(tmp_path) == before
        assert Path("/dev/null").is_char_device()
        assert (tmp_path / "link").is_symlink()
        assert debris(tmp_path) == []
    finally:
        (tmp_path / "readonly").chmod(0o755)
        (tmp_path / "locked").chmod(0o755)


@pytest.mark.parametrize("out", [".", "..", "./"])
def test_the_current_folder_is_refused(scenario: Path, tmp_path: Path, out: str,
                                       monkeypatch: pytest.MonkeyPatch,
                                       no_computation: None) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = spsim("run", scenario, "--out", out)
    assert r.exit_code == 1 and "the current folder or one above it" in r.output, r.output


def test_the_current_folder_by_absolute_path_is_refused(scenario: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        no_computation: None) -> None:
    monkeypatch.chdir(tmp_path)
    r = spsim("run", scenario, "--out", tmp_path.parent)
    assert r.exit_code == 1 and "the current folder or one above it" in r.output, r.output


def test_a_scenario_id_that_makes_a_bad_path_is_refused(tmp_path: Path, no_computation: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "dots.toml"
    path.write_text(TINY.replace('id = "tiny"', 'id = ".."'))
    monkeypatch.chdir(tmp_path)
    r = spsim("run", path)
    assert r.exit_code == 1, r.output
    assert "outputs/..: the output folder (outputs/<scenario.id> from" in r.output
    assert not (tmp_path / "outputs").exists()


def test_a_refusal_names_sensitivity_and_sobol_targets_too(tmp_path: Path,
                                                           no_computation: None) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "keep.txt").write_text("k")
    scen = ROOT / "scenarios" / "lao_mecg_uncertainty.toml"
    for args in (["sensitivity", ROOT / "scenarios" / "lao_prf3_nutrition.toml"],
                 ["sensitivity", scen, "--global"]):
        r = spsim(*args, "--out", proj, "-q")
        assert r.exit_code == 1 and "found a folder spsim did not write (it holds " \
            "keep.txt)" in r.output, r.output
    assert (proj / "keep.txt").read_text() == "k"


# ------------------------------------------------------------------ locks and leftovers
def test_a_second_run_on_a_locked_target_is_refused(scenario: Path, tmp_path: Path,
                                                    no_computation: None) -> None:
    out = tmp_path / "out"
    lock = tmp_path / ".out.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, b"4242\n")
        r = spsim("run", scenario, "--out", out)
        assert r.exit_code == 1, r.output
        assert "found another spsim run (process 4242) writing it now (wait for it" in r.output
        assert not out.exists()
    finally:
        os.close(fd)


def test_the_lock_is_gone_after_a_run_and_parents_are_made(scenario: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er" / "out"
    assert spsim("run", scenario, "--out", out, "-q").exit_code == 0
    assert debris(out.parent) == []


def test_a_failed_run_leaves_no_parent_folders(scenario: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(simulate.runs, "run", broken)
    r = spsim("run", scenario, "--out", tmp_path / "new" / "out")
    assert r.exit_code == 130 and "interrupted: nothing was written" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml"]


def test_stale_leftovers_are_cleaned_and_others_kept(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert spsim("run", scenario, "--out", out, "-q").exit_code == 0
    partial = tmp_path / ".out.tmp-abcd1234"
    partial.mkdir()
    (partial / PARTIAL).write_text("1\n")
    (partial / "results.nc").write_bytes(b"half")
    old = tmp_path / ".out.old-efgh5678"
    write_folder(old, {"tables.csv": lambda p: p.write_text("old")})
    foreign = tmp_path / ".out.tmp-notours1"  # no marker, no manifest: not ours
    foreign.mkdir()
    (foreign / "x.txt").write_text("x")
    other = tmp_path / ".other.tmp-abcd1234"  # another target's: not this run's business
    other.mkdir()
    (other / PARTIAL).write_text("1\n")
    r = spsim("run", scenario, "--out", out, "-q")
    assert r.exit_code == 0, r.output
    assert not partial.exists() and not old.exists()
    assert (foreign / "x.txt").read_text() == "x" and (other / PARTIAL).exists()


def test_a_target_lost_between_the_renames_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"a.txt": lambda p: p.write_text("earlier")})
    os.replace(out, tmp_path / ".out.old-k1llme00")  # as a SIGKILL between renames leaves it
    assert clean_stale(out) == []
    assert (out / "a.txt").read_text() == "earlier"
    assert debris(tmp_path) == []


def test_a_failed_write_is_a_clear_error(tmp_path: Path) -> None:
    def full(path: Path) -> None:
        raise OSError(28, "No space left on device", str(path))

    with pytest.raises(outfolder.OutputError, match="No space left on device"):
        write_folder(tmp_path / "out", {"a.txt": full})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the saved scenario
def test_saved_scenario_reruns_to_identical_results(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Microdata by a relative path, `extends` and --set: the saved scenario.toml, run
    from the output folder, gives bit-identical numbers and the same resolved text."""
    data = tmp_path / "project" / "data"
    data.mkdir(parents=True)
    (data / "hh.csv").write_bytes((ROOT / "scenarios" / "data" /
                                   "sample_households.csv").read_bytes())
    base = tmp_path / "project" / "base.toml"
    base.write_text(TINY.replace('id = "tiny"\n', "").replace(
        "records = 200", 'source = "data/hh.csv"'))
    child = tmp_path / "project" / "child.toml"
    child.write_text('extends = "base.toml"\n[programmes.pension]\ntake_up = 0.8\n')
    first = tmp_path / "first"
    r = spsim("run", child, "--out", first, "-q", "--set",
              "programmes.pension.benefit.amount=350000")
    assert r.exit_code == 0, r.output
    saved = (first / "scenario.toml").read_text()
    assert "extends" not in saved and "amount = 350000" in saved and "take_up = 0.8" in saved
    assert f'source = "{data / "hh.csv"}"' in saved and 'id = "child"' in saved

    monkeypatch.chdir(first)  # from the output folder, as docs/results.md says
    r = spsim("validate", "scenario.toml")
    assert r.exit_code == 0, r.output
    again = tmp_path / "again"
    r = spsim("run", "scenario.toml", "--out", again, "-q")
    assert r.exit_code == 0, r.output
    with xr.open_dataset(first / "results.nc") as a, xr.open_dataset(again / "results.nc") as b:
        assert list(a.data_vars) == list(b.data_vars)
        for name in a.data_vars:  # bitwise, NaN where NaN
            assert np.array_equal(a[name].values, b[name].values, equal_nan=True), name
        for key in ("scenario", "scenario_sha256", "scenario_id", "population_source"):
            assert a.attrs[key] == b.attrs[key], key
    assert (again / "scenario.toml").read_text() == saved


# ------------------------------------------------------------------ a broken scheduler
@pytest.mark.parametrize(("address", "why"), [
    ("not a url", "not host:port"),
    ("foo://host:1", "unknown protocol 'foo'"),
    ("tcp://127.0.0.1:1", "cannot connect"),
])
def test_a_broken_scheduler_address_is_one_clear_error(scenario: Path, tmp_path: Path,
                                                       address: str, why: str) -> None:
    pytest.importorskip("distributed")
    r = spsim("run", scenario, "--out", tmp_path / "o", "--scheduler", address)
    assert r.exit_code == 1
    assert r.output.count("\n") == 1 and "Traceback" not in r.output
    assert r.output.startswith("error: --scheduler: scheduler expected the address of a "
                               f"running Dask scheduler (tcp://host:8786), found {address!r}")
    assert why in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml"]


def test_rerunnable_makes_file_paths_absolute_and_keeps_the_rest() -> None:
    from simulate.provenance import rerunnable

    base = Path("/data/project")
    doc = {"scenario": {"name": "x", "country": "profiles/mine.toml"},
           "population": {"source": "hh.parquet", "records": 100}}
    out = rerunnable(doc, base, "child")
    assert out["scenario"] == {"name": "x", "country": "/data/project/profiles/mine.toml",
                               "id": "child"}
    assert out["population"] == {"source": "/data/project/hh.parquet", "records": 100}
    assert doc["population"]["source"] == "hh.parquet"  # the input is not changed
    same = {"scenario": {"name": "x", "id": "given", "country": "lao"},
            "population": {"source": "synthetic"}}
    assert rerunnable(same, base, "file_name") == same
    assert rerunnable({"population": {"source": "/abs/hh.csv"}}, base, "my file") == {
        "population": {"source": "/abs/hh.csv"}}  # an id the schema refuses is not written


def test_an_ignored_hangup_stays_ignored_and_terminate_interrupts() -> None:
    """nohup ignores SIGHUP: spsim must not turn it back on; SIGTERM is Ctrl-C."""
    import signal

    old_hup, old_term = signal.getsignal(signal.SIGHUP), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with outfolder.interrupt_signals():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
            with outfolder._signals_held():
                assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
                signal.raise_signal(signal.SIGHUP)  # ignored: nothing happens
            with pytest.raises(outfolder.Interrupted) as caught:
                with outfolder._signals_held():
                    signal.raise_signal(signal.SIGTERM)  # held until the block ends
                    held = True
            assert held and caught.value.signum == signal.SIGTERM
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, old_hup)
        signal.signal(signal.SIGTERM, old_term)
