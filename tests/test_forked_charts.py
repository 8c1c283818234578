"""The run's charts drawn in a forked child while the other files are written
(simulate/report/forked.py, charts.drawing_ahead): the same bytes as drawn in the
process, the child reaped, a failed or killed child replaced by drawing here."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

import simulate
from simulate.report import charts as charts_mod
from simulate.report import forked
from simulate.report.charts import ChartSet, drawing_ahead
from simulate.report.writer import write_run

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not forked.available(), reason="no fork or a single CPU")


@pytest.fixture(scope="module")
def ds():
    sc = simulate.load_scenario(ROOT / "scenarios" / "lao_mecg.toml")
    return simulate.run(replace(sc, records=2000, end_year=sc.start_year + 4))


def _no_children() -> bool:
    """No child process of this one, running or unreaped."""
    try:
        os.waitpid(-1, os.WNOHANG)  # (0, 0): one running; (pid, status): one unreaped
    except ChildProcessError:
        return True
    return False


def test_drawn_ahead_same_bytes_and_child_reaped(ds) -> None:
    here = ChartSet(ds)
    assert here._ahead is None  # outside drawing_ahead: nothing forked
    expected = {r.chart.file: (r.png, r.svg) for r in here.all()}
    with drawing_ahead():
        ahead = ChartSet(ds)
        assert ahead._ahead is not None and ahead._ahead.pid is not None
        got = {r.chart.file: (r.png, r.svg) for r in ahead.all()}
    assert got == expected and len(got) >= 4
    assert _no_children()


def test_failed_child_drawn_here(ds, monkeypatch) -> None:
    """A child that fails (here: its drawing raises) gives no result: drawn here."""
    real = ChartSet._draw_all
    monkeypatch.setattr(ChartSet, "_draw_all", lambda self: 1 / 0)
    with drawing_ahead():
        charts = ChartSet(ds)
        monkeypatch.setattr(ChartSet, "_draw_all", real)
        first = charts.all()[0]
    assert first.png.startswith(b"\x89PNG") and first.svg.startswith("<svg")
    assert _no_children()


def test_child_killed_when_the_block_ends(ds, monkeypatch) -> None:
    """An error while writing: the child still drawing is killed and reaped."""
    monkeypatch.setattr(ChartSet, "_draw_all", lambda self: time.sleep(60))
    with pytest.raises(RuntimeError), drawing_ahead():
        charts = ChartSet(ds)
        pid = charts._ahead.pid
        raise RuntimeError("a writer failed")
    assert charts._ahead is None and _no_children()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_forked_result_and_signals() -> None:
    assert forked.Forked(lambda: {"a": b"x"}).result() == {"a": b"x"}
    assert forked.Forked(lambda: 1 / 0).result() is None
    slow = forked.Forked(lambda: time.sleep(60))
    os.kill(slow.pid, signal.SIGINT)  # Ctrl-C ends the child quietly: no result
    assert slow.result() is None and _no_children()


def test_write_run_charts_same_as_drawn_here(ds, tmp_path, monkeypatch) -> None:
    write_run(ds, tmp_path / "ahead")
    monkeypatch.setattr(charts_mod, "_AHEAD", [])
    monkeypatch.setattr("simulate.report.writer.drawing_ahead",
                        lambda: __import__("contextlib").nullcontext())
    write_run(ds, tmp_path / "here")
    names = sorted(p.name for p in (tmp_path / "here").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "ahead").iterdir())
    for name in names:
        if name.endswith((".png", ".html")):
            assert (tmp_path / "ahead" / name).read_bytes() == \
                (tmp_path / "here" / name).read_bytes(), name


def test_stuck_child_times_out_and_is_killed() -> None:
    stuck = forked.Forked(lambda: time.sleep(60))
    pid = stuck.pid
    t0 = time.monotonic()
    assert stuck.result(timeout=0.5) is None and time.monotonic() - t0 < 10
    assert _no_children()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def _beating(steps: int, pause: float) -> int:
    for _ in range(steps):
        time.sleep(pause)
        forked.beat()
    return steps


def test_a_child_that_beats_is_waited_for_past_the_timeout() -> None:
    """The timeout counts from the last sign of life, not from the start: work that
    takes 1.2 s in all and beats every 0.1 s is waited for with a 0.6 s timeout."""
    t0 = time.monotonic()
    assert forked.Forked(lambda: _beating(12, 0.1)).result(timeout=0.6) == 12
    assert time.monotonic() - t0 >= 1.2 and _no_children()
    # a child that stops beating is given up one timeout after its last beat
    stalls = forked.Forked(lambda: (_beating(2, 0.1), time.sleep(60)))
    t0 = time.monotonic()
    assert stalls.result(timeout=0.6) is None and time.monotonic() - t0 < 10
    assert _no_children()
    forked.beat()  # in the parent: nothing


def test_no_child_when_fork_fails(ds, monkeypatch) -> None:
    """No memory or processes for a child: the charts are drawn here, nothing fails."""
    def refuse():
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(forked.os, "fork", refuse)
    failed = forked.Forked(lambda: 1)
    assert failed.pid is None and failed.result() is None
    with drawing_ahead():
        charts = ChartSet(ds)
        assert charts.all()[0].png.startswith(b"\x89PNG")


# --- the standby child forked at the start of spsim run (charts.standing_by) ---------


def _pid_and_modules(names: tuple[str, ...]) -> tuple[int, list[str]]:
    import sys

    return os.getpid(), [n for n in names if n in sys.modules]


def test_standby_warms_then_does_the_work_sent() -> None:
    """The child runs warm() first, then the work sent later; its result as Forked's."""
    child = forked.Standby(lambda: __import__("json.tool"))
    assert child.pid is not None
    assert child.send(partial(_pid_and_modules, ("json.tool",)))
    pid, loaded = child.result()
    assert pid != os.getpid() and loaded == ["json.tool"]  # done there, after warm()
    assert _no_children()


def test_standby_not_sent_work_ends_and_unpicklable_work_is_refused() -> None:
    idle = forked.Standby(lambda: None)
    pid = idle.pid
    idle.cancel()
    assert idle.pid is None and _no_children()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    refused = forked.Standby(lambda: None)
    assert not refused.send(lambda: 1)  # a lambda cannot be pickled: the child is ended
    assert refused.pid is None and refused.result() is None and _no_children()


def test_standby_ends_when_this_process_closes_its_end() -> None:
    """A standby whose parent goes away (its end of the pipe closed) exits by itself."""
    child = forked.Standby(lambda: None)
    child._close_job()  # as when this process ends: the child reads EOF
    assert child._wait() == 0 and _no_children()


def test_standing_by_draws_the_run_charts_same_bytes(ds) -> None:
    expected = {r.chart.file: (r.png, r.svg) for r in ChartSet(ds).all()}
    with charts_mod.standing_by():
        assert len(charts_mod._STANDBY) == 1
        standby = charts_mod._STANDBY[0]
        with drawing_ahead():
            ahead = ChartSet(ds)
            assert ahead._ahead is standby and not charts_mod._STANDBY
            got = {r.chart.file: (r.png, r.svg) for r in ahead.all()}
    assert got == expected and _no_children()


def test_standing_by_unused_is_ended(ds) -> None:
    with charts_mod.standing_by():
        pid = charts_mod._STANDBY[0].pid
    assert not charts_mod._STANDBY and _no_children()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_standby_that_fails_leaves_the_drawing_here(ds, monkeypatch) -> None:
    """Work that fails in the standby (its drawing raises: patched before the fork, so
    only there) is drawn here."""
    def failing(*args):
        raise RuntimeError("drawing failed in the child")

    monkeypatch.setattr(charts_mod, "_render", failing)
    with charts_mod.standing_by():
        monkeypatch.undo()  # here the drawing works again
        with drawing_ahead():
            charts = ChartSet(ds)
            assert charts._ahead is not None
            first = charts.all()[0]
    assert first.png.startswith(b"\x89PNG") and _no_children()


def test_standby_is_used_only_by_the_process_that_forked_it() -> None:
    """A process forked from the run (which inherits the object) neither sends it work
    nor kills it: here, by pretending another process forked it."""
    child = forked.Standby(lambda: None)
    pid, owner = child.pid, child._owner
    child._owner = -1
    assert not child.send(partial(_pid_and_modules, ()))
    os.kill(pid, 0)  # not killed: still there
    child.pid, child._owner = pid, owner
    child.cancel()
    assert _no_children()
