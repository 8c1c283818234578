"""Real ``spsim`` processes interrupted at each phase (docs/outputs.md).

Each run writes over a folder an earlier run wrote, beside a file of the user's. The
test hook ``SPSIM_TEST_PAUSE=<phase>`` makes the process announce the phase in a file
and sleep there (simulate.report.outfolder.checkpoint); the test then sends the
signal. Afterwards: the user's file is untouched; with SIGINT/SIGTERM the earlier
folder is intact and nothing is left beside it; with SIGKILL the next run cleans the
leftovers (or puts the earlier folder back) and writes a complete folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulate.cli import main
from simulate.report.outfolder import MANIFEST, compare_manifest, read_manifest
from tests.tiny import TINY


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(parent: Path) -> list[str]:
    """What lies in ``parent`` besides the scenario, the user's file and the output."""
    return sorted(p.name for p in parent.iterdir()
                  if p.name not in ("tiny.toml", "notes.txt", "out", "pause"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tiny.toml, the user's notes.txt and out/ from an earlier run."""
    (tmp_path / "tiny.toml").write_text(TINY)
    (tmp_path / "notes.txt").write_text("the analyst's notes")
    r = CliRunner().invoke(main, ["run", str(tmp_path / "tiny.toml"), "--out",
                                  str(tmp_path / "out"), "-q"])
    assert r.exit_code == 0, r.output
    return tmp_path


def start(project: Path, phase: str | None, *extra: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("SPSIM_TEST_PAUSE", None)
    if phase:
        env.update(SPSIM_TEST_PAUSE=phase, SPSIM_TEST_PAUSE_FILE=str(project / "pause"))
    return subprocess.Popen(
        [sys.executable, "-m", "simulate.cli", "run", "tiny.toml", "--out", "out", "-q",
         "--set", "programmes.pension.take_up=0.5", *extra],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Python installs its Ctrl-C handler only when SIGINT is not ignored (it is in
        # background jobs of a non-interactive shell)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for(project: Path, proc: subprocess.Popen, phase: str) -> None:
    deadline = time.monotonic() + 120
    note = project / "pause"
    while time.monotonic() < deadline:
        if note.exists() and note.read_text().startswith(phase):
            return
        if proc.poll() is not None:
            raise AssertionError(f"exited {proc.returncode} before {phase}: "
                                 f"{proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"never reached {phase}")


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.mark.parametrize("phase", ["loading", "computing", "writing"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_leaves_the_earlier_output_and_no_debris(project: Path, phase: str,
                                                            signum: int) -> None:
    before = snapshot(project / "out")
    proc = start(project, phase)
    wait_for(project, proc, phase)
    if phase == "writing":
        assert any(".out.tmp-" in n for n in beside(project))  # a partial folder exists
    proc.send_signal(signum)
    code, out, err = finish(proc)
    assert code == 128 + signum, err
    assert err.strip() == "interrupted: nothing was written"
    assert "Traceback" not in err and out == ""
    assert snapshot(project / "out") == before
    assert (project / "notes.txt").read_text() == "the analyst's notes"
    assert beside(project) == []


def test_sigterm_during_the_renames_finishes_them(project: Path) -> None:
    proc = start(project, "swapping")
    wait_for(project, proc, "swapping")
    proc.send_signal(signal.SIGTERM)
    code, _out, err = finish(proc)
    assert code == 128 + signal.SIGTERM, err
    assert "interrupted after writing out/ (complete)" in err
    manifest = read_manifest(project / "out")
    assert manifest is not None and compare_manifest(project / "out", manifest) == ([], [])
    assert "take_up = 0.5" in (project / "out" / "scenario.toml").read_text()
    assert beside(project) == []


def test_sigkill_leftovers_are_cleaned_by_the_next_run(project: Path) -> None:
    """SIGKILL at each phase in turn (leftovers pile up), then one run cleans them all."""
    before = snapshot(project / "out")
    for phase in ("loading", "computing", "writing", "swapping"):
        proc = start(project, phase)
        wait_for(project, proc, phase)
        proc.send_signal(signal.SIGKILL)
        finish(proc)
        left = beside(project)
        assert ".out.lock" in left, phase  # no process holds it any more
        if phase == "writing":
            assert snapshot(project / "out") == before
            assert any(".out.tmp-" in n for n in left)
        if phase == "swapping":  # killed between the renames: the earlier folder is aside
            assert not (project / "out").exists()
            assert any(".out.old-" in n for n in left)
        assert (project / "notes.txt").read_text() == "the analyst's notes"

    proc = start(project, None)
    code, _out, err = finish(proc)
    assert code == 0, err
    assert beside(project) == []
    manifest = read_manifest(project / "out")
    assert manifest is not None and compare_manifest(project / "out", manifest) == ([], [])
    assert set(manifest["files"]) | {MANIFEST} == {p.name for p in (project / "out").iterdir()}
    assert "take_up = 0.5" in (project / "out" / "scenario.toml").read_text()
    assert (project / "notes.txt").read_text() == "the analyst's notes"


def test_two_runs_on_one_target_are_never_interleaved(project: Path) -> None:
    first = start(project, "computing")
    wait_for(project, first, "computing")
    second = start(project, None)
    code, _out, err = finish(second)
    assert code == 1
    assert f"another spsim run (process {first.pid}) writing it now" in err
    first.send_signal(signal.SIGINT)
    assert finish(first)[0] == 130
    assert beside(project) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_summary_to_a_full_device_keeps_the_outputs(project: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "simulate.cli", "run", "tiny.toml", "--out", "out",
             "--set", "programmes.pension.take_up=0.5"],
            cwd=project, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 74, proc.stderr
    assert "error: standard output expected to take the summary, found No space left on " \
        "device; the outputs were written: out/" in proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert "take_up = 0.5" in (project / "out" / "scenario.toml").read_text()
    assert beside(project) == []
