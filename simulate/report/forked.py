"""Work done in a forked child process while this process does other work (the run's
charts while its other files are written: :func:`simulate.report.charts.drawing_ahead`).

A :class:`Forked` forks at once; the child computes ``work()``, sends the pickled result
through a pipe and exits (``os._exit``: no atexit handlers, no buffers of the parent
flushed twice). :meth:`Forked.result` returns it, or None when the child failed or was
killed, or gave no sign of life for :data:`TIMEOUT` seconds, so the caller does the work
itself and reports any error as it would have. A sign of life is the result, or a
:func:`beat` the work sends between its steps (the charts send one per chart): a long
piece of work that keeps beating is waited for, a child stuck on a lock inherited at
``fork`` is given up after :data:`TIMEOUT` seconds, not after the whole work's worth.
Ctrl-C, SIGTERM and SIGHUP end the child at once (their default action: it writes
nothing but the pipe); :meth:`Forked.cancel` kills and reaps a child no longer wanted.

Only where it pays and is safe: Linux (``fork`` without re-importing), and more than
one CPU available to this process; elsewhere nothing is forked and :meth:`result` is
None.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

#: seconds without a sign of life (a :func:`beat` or the result) after which a caller
#: gives the child up and does the work itself (a child stuck, e.g. on a lock inherited
#: from another thread); a chart takes well under a second
TIMEOUT = 60.0
#: the byte a beat writes; results are pickled (protocol 2+: they start with 0x80)
_BEAT = b"\x00"
#: in a child: the pipe to the parent, where :func:`beat` writes
_PIPE: int | None = None
#: signals that end the child with their default action (as an interrupt of the run)
_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, n))


def available() -> bool:
    """Whether work may be forked here: Linux, and at least two CPUs for this process."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus > 1


def beat() -> None:
    """In a forked child: tell the parent the work goes on (resets its :data:`TIMEOUT`).
    Elsewhere nothing."""
    if _PIPE is not None:
        with contextlib.suppress(OSError):
            os.write(_PIPE, _BEAT)


class Forked:
    """``work()`` computed in a forked child (module doc); ``result()`` to collect it."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.pid: int | None = None
        self._fd: int | None = None
        if available():
            self._start(work)

    def _start(self, work: Callable[[], Any]) -> None:
        """Fork; the child sends ``work()``'s result (pickled) through the pipe and exits."""
        try:
            read, write = os.pipe()
        except OSError:  # no file descriptors left: the work is done by the caller
            return
        # no interrupt between the fork and the child's own handlers: a Ctrl-C there
        # would unwind the child into the caller's code
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            with warnings.catch_warnings():  # Python 3.12+ warns of forking with threads
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except BaseException as exc:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read)
            os.close(write)
            if isinstance(exc, OSError):  # no memory or processes for a child
                return
            raise
        if pid == 0:  # the child: never returns
            global _PIPE
            code = 1
            try:
                os.close(read)
                _PIPE = write
                for s in _SIGNALS:
                    signal.signal(s, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            except BaseException:  # the parent does the work itself and reports it
                pass
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self._fd = pid, read
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a held Ctrl-C: now
        except BaseException:
            self.cancel()
            raise

    def result(self, timeout: float = TIMEOUT) -> Any | None:
        """The child's result (waits for it while it gives a sign of life at least every
        ``timeout`` seconds), or None when it failed, was killed, fell silent for longer
        or none was started. Collected once; an
        interrupt while waiting kills the child."""
        if self.pid is None or self._fd is None:
            return None
        try:
            data = self._read(timeout)
            if data is None:  # no answer in time (a child stuck): the caller does it
                self.cancel()
                return None
            status = self._wait()
        except BaseException:
            self.cancel()
            raise
        self._close()
        if status != 0 or not data:
            return None
        try:
            return pickle.loads(data)
        except Exception:
            return None

    def cancel(self) -> None:
        """Kill and reap the child if it still runs; the result is dropped."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait()
        self._close()

    def _read(self, timeout: float) -> bytes | None:
        """Everything the child writes until it closes the pipe, less its beats; None
        after ``timeout`` seconds in which it wrote nothing."""
        assert self._fd is not None
        parts: list[bytes] = []
        while True:
            if not select.select([self._fd], [], [], timeout)[0]:
                return None
            part = os.read(self._fd, 1 << 20)
            if not part:
                return b"".join(parts).lstrip(_BEAT)
            parts.append(part)

    def _close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _wait(self) -> int | None:
        """Reap the child: its exit code (negative: the signal that ended it)."""
        while self.pid is not None:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                self.pid = None
                return None
            except InterruptedError:
                continue
            self.pid = None
            return os.waitstatus_to_exitcode(status)
        return None


class Standby(Forked):
    """A child forked now that runs ``warm()`` (e.g. imports matplotlib) while this
    process goes on, then waits for its work: :meth:`send` hands it a picklable
    callable, :meth:`result` collects what it returns, as :class:`Forked`'s.

    The work travels through an unlinked temporary file (a pipe would block the sender
    until the child, perhaps still warming up, reads it); one byte on a second pipe says
    it is there. A child never sent work ends when that pipe closes (:meth:`cancel`, or
    this process ending in any way); an error in ``warm()`` is ignored (the work then
    fails or not on its own). Nothing is forked where :func:`available` says no.
    """

    def __init__(self, warm: Callable[[], Any]) -> None:
        self.pid = None
        self._fd = None
        self._go: int | None = None
        self._job: int | None = None
        self._owner = os.getpid()  # a process forked from this one must not use it
        if not available():
            return
        try:
            self._job = _anonymous_file()
            read, self._go = os.pipe()
        except OSError:  # no file descriptors or room: nothing forked
            self._close()
            return
        job, go = self._job, self._go

        def wait_and_work() -> Any:
            os.close(go)  # the child's copy: EOF once this process has closed its own
            with contextlib.suppress(Exception):
                warm()
            while True:
                try:
                    ready = os.read(read, 1)
                    break
                except InterruptedError:
                    continue
            if not ready:  # never sent work: end quietly
                os._exit(0)
            with os.fdopen(os.dup(job), "rb") as fh:
                fh.seek(0)
                work = pickle.load(fh)
            return work()

        try:
            self._start(wait_and_work)
        finally:
            os.close(read)
        if self.pid is None:
            self._close()

    def send(self, work: Callable[[], Any]) -> bool:
        """Hand the waiting child ``work`` (once); False when there is no child or
        ``work`` cannot be pickled or written (the child is then ended)."""
        if self.pid is None or self._go is None or self._job is None or \
                os.getpid() != self._owner:
            return False
        try:
            data = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(os.dup(self._job), "wb") as fh:
                fh.write(data)
            os.write(self._go, b"\x01")
        except Exception:
            self.cancel()
            return False
        self._close_job()
        return True

    def cancel(self) -> None:
        """Kill and reap the child (in the process that forked it; elsewhere only this
        process's copies of the pipes are closed)."""
        if os.getpid() != self._owner:
            self.pid = None
            self._close()
            return
        super().cancel()

    def _close_job(self) -> None:
        for name in ("_go", "_job"):
            fd = getattr(self, name)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, name, None)

    def _close(self) -> None:
        self._close_job()
        super()._close()


def _anonymous_file() -> int:
    """A file descriptor of a new file that has no name (memfd, or an unlinked
    temporary file), closed on exec."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("spsim-work", os.MFD_CLOEXEC)
    fh = tempfile.TemporaryFile()
    fd = os.dup(fh.fileno())
    fh.close()
    return fd
