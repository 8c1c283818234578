"""Output folders that never destroy a user's files.

``spsim`` writes a run's outputs into a folder (``--out``). This module decides
whether that folder may be (re)written, and writes it so that an interrupt or a
crash at any moment leaves either the earlier folder or the complete new one:

* A target may be a new name, an empty folder, or a folder that a previous run
  of this program wrote. Such a folder holds a manifest, :data:`MANIFEST`, that
  names every file the run wrote with its size and sha256, the program version
  and the command. Anything else (a folder with other files, a file, a symbolic
  link, a device, a read-only place, a name too long for the file system, ``.``
  or ``..``, the current folder or one above it) is refused up front with one
  clear message (:func:`check_target`), before any computation.
* A program-written folder whose files still match its manifest is replaced. One
  whose listed files were edited or removed is replaced only with ``force``;
  files the manifest does not list are never deleted, so a folder holding any is
  refused even with ``force``.
* Two runs on one target are serialised by an advisory lock (``fcntl.flock`` on
  ``.NAME.lock`` beside the target, removed when the run ends): the second is
  refused at once with a message naming the first one's process id.
* The files are written into a hidden ``.NAME.tmp-XXXXXXXX`` folder beside the
  target (marked by :data:`PARTIAL` so that it is demonstrably ours), the
  manifest last; then an earlier folder is moved aside to ``.NAME.old-XXXXXXXX``,
  the new one takes the target's name and the old one's listed files are
  deleted. SIGINT, SIGTERM and SIGHUP are held back during those renames.
  Leftovers of a killed run (SIGKILL, power cut) are cleaned by the next run on
  that target while it holds the lock: temporary folders are removed, an
  ``.old-`` folder is put back when the target is missing, else its listed files
  are deleted.

Test hook: with ``SPSIM_TEST_PAUSE=<phase>`` and ``SPSIM_TEST_PAUSE_FILE=<file>``
in the environment, the program writes ``<phase> <pid>`` to the file at that
phase (``loading``, ``computing``, ``writing``, ``swapping``) and sleeps up to
60 s, so tests can interrupt a real process at a known point (:func:`checkpoint`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shlex
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .._version import __version__
from ..errors import InputError, Problem

Writer = Callable[[Path], None]

#: The manifest a run writes into its output folder.
MANIFEST = ".spsim-manifest.json"
#: The marker in a temporary folder that is being written.
PARTIAL = ".spsim-partial"
#: What the manifest says the folder is.
MANIFEST_KIND = "spsim output folder"
#: Longest suffix the program adds to the target's name (".tmp-" + 8 random + the dot).
_SUFFIX = len(".") + len(".tmp-") + 8
#: Signals that interrupt a run like Ctrl-C.
INTERRUPT_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP")
                          if hasattr(signal, n))


class OutputError(InputError):
    """An output folder that cannot be (re)written: the problem and how to proceed."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled like Ctrl-C; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# --------------------------------------------------------------------- checking
@dataclass
class Verdict:
    """What is at a target: ``new`` (nothing), ``empty`` (an empty folder) or ``ours``
    (a folder this program wrote, ``changed`` lists its edited/missing files)."""

    kind: str
    changed: list[str] = field(default_factory=list)
    manifest: dict | None = None


def _problem(target: Path, label: str, expected: str, found: str, hint: str = "") -> OutputError:
    return OutputError(Problem(str(target), label, expected, found, hint))


_EXPECTED = "a new folder or one that spsim wrote"


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISREG, "a file"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "something that is not a folder"


def _listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _files_under(folder: Path) -> tuple[list[str], list[str]]:
    """Relative paths of the plain files under ``folder`` (sorted), and of anything else
    (symbolic links, devices, empty folders)."""
    files: list[str] = []
    other: list[str] = []
    for root, dirs, names in os.walk(folder):
        rel_root = Path(root).relative_to(folder)
        for d in list(dirs):
            p = Path(root) / d
            if p.is_symlink():
                other.append(str(rel_root / d))
                dirs.remove(d)
        if not names and not dirs and Path(root) != folder:
            other.append(str(rel_root) + "/")
        for n in names:
            p = Path(root) / n
            rel = str(rel_root / n) if str(rel_root) != "." else n
            mode = p.lstat().st_mode
            (files if stat.S_ISREG(mode) else other).append(rel)
    return sorted(files), sorted(other)


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest, or None when there is none or it is not ours."""
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict) or doc.get("kind") != MANIFEST_KIND or not isinstance(
            doc.get("files"), dict):
        return None
    for name in doc["files"]:  # an edited manifest must not name files outside the folder
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts or name in (MANIFEST,
                                                                                PARTIAL):
            return None
    return doc


def compare_manifest(folder: Path, manifest: dict, hashes: bool = True
                     ) -> tuple[list[str], list[str]]:
    """(listed files that changed or are missing, things present that are not listed);
    without ``hashes`` a file counts as changed only when its size did."""
    files, other = _files_under(folder)
    listed = manifest["files"]
    extra = [f for f in files if f not in listed and f != MANIFEST] + other
    changed = []
    for name, entry in listed.items():
        p = folder / name
        if name not in files:
            changed.append(f"{name} (missing)")
        elif not isinstance(entry, dict) or p.stat().st_size != entry.get("bytes") or (
                hashes and sha256_of(p) != entry.get("sha256")):
            changed.append(f"{name} (changed)")
    return changed, extra


def _check_name(target: Path, label: str) -> None:
    name = target.name
    if name in ("", ".", ".."):
        shown = str(target) or "."
        raise _problem(target, label, "the name of a folder to create", f"{shown!r} (the "
                       "current folder or one above it)", "give a new folder name, e.g. "
                       "--out results/run1")
    absolute = Path(os.path.abspath(target))
    cwd = Path.cwd()
    if absolute == cwd or absolute in cwd.parents:
        raise _problem(target, label, "a folder that does not hold the current folder",
                       f"{str(absolute)!r} (the current folder or one above it)")
    parent = absolute.parent
    try:
        name_max = os.pathconf(_existing_ancestor(parent), "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    size = len(os.fsencode(name))
    if size + _SUFFIX > name_max:
        raise _problem(target, label, f"a folder name of at most {name_max - _SUFFIX} bytes "
                       f"(the file system allows {name_max}; spsim adds up to {_SUFFIX} for "
                       "its temporary names)", f"{size} bytes")
    if len(os.fsencode(str(absolute))) + _SUFFIX + 64 > 4096:
        raise _problem(target, label, "a path shorter than 4,000 bytes",
                       f"{len(os.fsencode(str(absolute)))} bytes")


def _existing_ancestor(path: Path) -> Path:
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def _check_parent(target: Path, label: str) -> None:
    parent = Path(os.path.abspath(target)).parent
    probe = parent
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        kind = _kind_of(probe.lstat().st_mode) if not probe.is_symlink() else "a broken link"
        raise _problem(target, label, "a path whose parents are folders",
                       f"{str(probe)!r} is {kind}")
    if not os.access(probe, os.W_OK | os.X_OK) or not probe.stat().st_mode & stat.S_IWUSR:
        raise _problem(target, label, "a place where spsim may create files",
                       f"{str(probe)!r} is read-only for this user",
                       "choose another --out, or make the folder writable")


def check_target(target: Path, *, force: bool = False, label: str = "--out",
                 purpose: str | None = None, hashes: bool = True) -> Verdict:
    """Whether ``target`` may be written: a :class:`Verdict`, or :class:`OutputError`
    with what is there and how to proceed. Reads only; safe to call before a run.
    ``purpose`` (e.g. ``"run"``): a folder another command wrote needs ``force``.
    ``hashes=False`` skips comparing the files' contents with the manifest."""
    target = Path(target)
    _check_name(target, label)
    _check_parent(target, label)
    if not os.path.lexists(target):
        return Verdict("new")
    st = target.lstat()
    if stat.S_ISLNK(st.st_mode):
        raise _problem(target, label, _EXPECTED, f"a symbolic link to "
                       f"{os.readlink(target)!r}", "spsim does not replace links; give the "
                       "folder itself or another --out")
    if not stat.S_ISDIR(st.st_mode):
        raise _problem(target, label, _EXPECTED, _kind_of(st.st_mode),
                       "choose a folder name that does not exist yet")
    if os.path.ismount(target):
        raise _problem(target, label, _EXPECTED, "a mount point",
                       "give a new folder inside it, e.g. --out " + str(target / "run1"))
    if not os.access(target, os.W_OK | os.X_OK) or not st.st_mode & stat.S_IWUSR:
        raise _problem(target, label, _EXPECTED + " and may change", "a read-only folder",
                       "choose another --out, or make it writable (chmod u+w) if spsim "
                       "may replace it")
    try:
        files, other = _files_under(target)
    except OSError as exc:
        raise _problem(target, label, "a folder spsim can read",
                       f"{exc.strerror or exc}") from None
    if not files and not other:
        return Verdict("empty")
    manifest = read_manifest(target)
    if manifest is None:
        found = files + other
        hint = "choose another --out; spsim never replaces a folder it did not write"
        if set(files) & {"results.nc", "compare.csv", "sensitivity.csv", "sobol.csv"}:
            hint += ("; an output of an older spsim has no manifest: delete it yourself "
                     "if you no longer need it")
        raise _problem(target, label, _EXPECTED, f"a folder spsim did not write (it holds "
                       f"{_listing(found)})", hint)
    try:
        changed, extra = compare_manifest(target, manifest, hashes)
    except OSError as exc:
        raise _problem(target, label, "a folder spsim can read",
                       f"{exc.strerror or exc} ({exc.filename})") from None
    if extra:
        raise _problem(target, label, "a folder holding only files that spsim wrote",
                       f"files spsim did not write: {_listing(extra)}", "move them away or "
                       "choose another --out; spsim never deletes them, even with --force")
    if changed and not force:
        raise _problem(target, label, "a folder spsim wrote, unchanged since",
                       f"changes since spsim wrote it: {_listing(changed)}",
                       "--force replaces it (with the edited files), or choose another --out")
    earlier = manifest.get("output")
    if purpose and earlier and earlier != purpose and not force:
        raise _problem(target, label, f"a new folder or one that spsim {purpose} wrote",
                       f"the outputs of spsim {earlier} ({manifest.get('command', '')})",
                       "--force replaces them, or choose another --out")
    return Verdict("ours", changed, manifest)


# ---------------------------------------------------------------------- locking
_HELD: dict[str, Reservation] = {}
_PENDING: list[int] = []  # signals held back during the renames
_WRITTEN: list[Path] = []


@dataclass
class Reservation:
    """A target reserved for this process: its lock, and folders created for it."""

    target: Path
    force: bool
    label: str
    command: str
    purpose: str | None
    lock_path: Path
    lock_fd: int
    created: list[Path] = field(default_factory=list)


def _key(target: Path) -> str:
    return os.path.abspath(target)


def _lock(target: Path, label: str) -> tuple[Path, int]:
    """Take the advisory lock beside ``target``; OutputError when another process has it."""
    lock_path = Path(os.path.abspath(target)).parent / f".{target.name}.lock"
    for _ in range(20):
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise _problem(target, label, "a place where spsim may create files",
                           f"{exc.strerror or exc} for {str(lock_path)!r}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
            try:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            finally:
                os.close(fd)
            raise _problem(target, label, "a folder no other spsim run is writing",
                           f"another spsim run (process {holder}) writing it now",
                           "wait for it to finish, or choose another --out") from None
        # the file may have been removed by its holder between open and flock: retry
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            return lock_path, fd
        os.close(fd)
    raise _problem(target, label, "a lock file spsim can hold", f"{str(lock_path)!r} "
                   "keeps changing")


def _unlock(res: Reservation) -> None:
    with contextlib.suppress(OSError):
        if os.stat(res.lock_path).st_ino == os.fstat(res.lock_fd).st_ino:
            os.unlink(res.lock_path)  # while holding it: a waiter sees a new inode
    os.close(res.lock_fd)


def command_line() -> str:
    """The command this process runs, for the manifest."""
    argv = list(sys.argv)
    if argv and Path(argv[0]).name in ("spsim", "__main__.py", "cli.py"):
        argv[0] = "spsim"
    return shlex.join(argv)


def _reserve(target: Path, force: bool, label: str, command: str | None,
             purpose: str | None) -> Reservation:
    target = Path(target)
    # before making folders or a lock; contents are compared once the lock is held
    check_target(target, force=force, label=label, purpose=purpose, hashes=False)
    parent = Path(os.path.abspath(target)).parent
    created: list[Path] = []
    missing = []
    probe = parent
    while not os.path.lexists(probe):
        missing.append(probe)
        probe = probe.parent
    try:
        for p in reversed(missing):
            p.mkdir()
            created.append(p)
    except OSError as exc:
        _remove_empty(created)
        raise _problem(target, label, "a place where spsim may create folders",
                       f"{exc.strerror or exc} for {str(exc.filename)!r}") from None
    try:
        lock_path, fd = _lock(target, label)
    except BaseException:
        _remove_empty(created)
        raise
    res = Reservation(target, force, label, command or command_line(), purpose, lock_path,
                      fd, created)
    try:
        for note in clean_stale(target):
            print(f"note: {note}", file=sys.stderr)
        check_target(target, force=force, label=label, purpose=purpose)  # now locked
    except BaseException:
        _release(res, success=False)
        raise
    return res


def _release(res: Reservation, success: bool) -> None:
    _HELD.pop(_key(res.target), None)
    _unlock(res)
    if not success:
        _remove_empty(res.created)


def _remove_empty(folders: list[Path]) -> None:
    for p in reversed(folders):
        with contextlib.suppress(OSError):
            p.rmdir()


@contextlib.contextmanager
def reserve(target: Path, *, force: bool = False, label: str = "--out",
            command: str | None = None, purpose: str | None = None
            ) -> Iterator[Reservation]:
    """Check ``target`` (:func:`check_target`), lock it and clean a killed run's
    leftovers, for the duration of the ``with`` block; :func:`write_folder` inside the
    block writes it under this lock. Use before the computation, so that a run that
    could not write its results never starts."""
    key = _key(target)
    if key in _HELD:  # nested: the outer reservation holds it
        yield _HELD[key]
        return
    res = _reserve(Path(target), force, label, command, purpose)
    _HELD[key] = res
    ok = False
    try:
        yield res
        ok = True
    finally:
        _release(res, success=ok)


# --------------------------------------------------------------------- cleaning


def _delete_listed(folder: Path, manifest: dict) -> list[str]:
    """Delete the manifest's files (and the manifest) in ``folder``, then the folder if
    it is empty; returns what was left (not ours)."""
    real = os.path.realpath(folder)
    for name in manifest["files"]:
        p = folder / name
        inside = os.path.realpath(p) == os.path.normpath(os.path.join(real, name))
        if inside and p.is_file() and not p.is_symlink():  # never through a link
            with contextlib.suppress(OSError):  # what cannot go is reported below
                p.unlink()
    with contextlib.suppress(OSError):
        (folder / MANIFEST).unlink()
    for root, _dirs, _names in sorted(os.walk(folder, topdown=False), key=lambda t: -len(t[0])):
        with contextlib.suppress(OSError):
            Path(root).rmdir()
    if folder.exists():
        files, other = _files_under(folder)
        return files + other
    return []


def clean_stale(target: Path) -> list[str]:
    """Remove a killed run's leftovers beside ``target`` (the caller holds its lock):
    ``.NAME.tmp-*`` folders marked :data:`PARTIAL` are removed, complete ones (with a
    manifest) lose their listed files; ``.NAME.old-*`` folders holding a manifest are
    moved back to ``target`` when it is missing, else their listed files are deleted.
    Returns notes on anything left (not ours)."""
    target = Path(os.path.abspath(target))
    parent, name = target.parent, target.name
    notes: list[str] = []
    try:
        entries = sorted(os.listdir(parent))
    except OSError:
        return notes
    for entry in entries:
        path = parent / entry
        if not entry.startswith(f".{name}.tmp-") or path.is_symlink() or not path.is_dir():
            continue
        if (path / PARTIAL).is_file():  # being written when the run died
            shutil.rmtree(path, ignore_errors=True)
        elif (manifest := read_manifest(path)) is not None:  # complete, not yet renamed
            left = _delete_listed(path, manifest)
            if left:
                notes.append(f"{path} kept: it holds files spsim did not write "
                             f"({_listing(left)})")
    for entry in entries:
        path = parent / entry
        if not entry.startswith(f".{name}.old-") or path.is_symlink() or not path.is_dir():
            continue
        manifest = read_manifest(path)
        if manifest is None:
            continue
        if not os.path.lexists(target):
            os.replace(path, target)  # killed between the two renames: put it back
            continue
        left = _delete_listed(path, manifest)
        if left:
            notes.append(f"{path} kept: it holds files spsim did not write ({_listing(left)})")
    return notes


# ---------------------------------------------------------------------- writing
def checkpoint(phase: str) -> None:
    """Test hook: pause at ``phase`` when SPSIM_TEST_PAUSE names it (see module doc)."""
    if os.environ.get("SPSIM_TEST_PAUSE") != phase:
        return
    note = os.environ.get("SPSIM_TEST_PAUSE_FILE")
    if note:
        Path(note).write_text(f"{phase} {os.getpid()}\n")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _PENDING:  # a held signal ends the pause
        time.sleep(0.05)


@contextlib.contextmanager
def _signals_held() -> Iterator[list[int]]:
    """SIGINT/SIGTERM/SIGHUP recorded, not acted on, inside the block; delivered again
    after it (to the handlers they had). Ignored signals stay ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    pending = _PENDING
    pending.clear()
    old = {s: signal.getsignal(s) for s in INTERRUPT_SIGNALS}
    old = {s: h for s, h in old.items() if h not in (signal.SIG_IGN, None)}  # ignored stays
    for s in old:
        signal.signal(s, lambda signum, _frame: pending.append(signum))
    try:
        yield pending
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    if pending:
        signum = pending[0]
        pending.clear()
        signal.raise_signal(signum)  # now to its own handler (spsim's: an Interrupted)


def _write_manifest(folder: Path, command: str, purpose: str | None) -> None:
    files, other = _files_under(folder)
    files = [f for f in files if f not in (PARTIAL, MANIFEST)]
    if other:  # a writer made a link or a device: nothing a run should produce
        raise AssertionError(f"output writers made non-files: {other}")
    doc = {
        "kind": MANIFEST_KIND,
        "format": 1,
        "program": "simulate",
        "simulate_version": __version__,
        "command": command,
        "output": purpose,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {f: {"bytes": (folder / f).stat().st_size, "sha256": sha256_of(folder / f)}
                  for f in files},
    }
    (folder / MANIFEST).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def write_folder(target: Path, writers: dict[str, Writer], *, force: bool = False,
                 label: str = "--out", command: str | None = None,
                 purpose: str | None = None) -> Path:
    """Create folder ``target`` holding one file per ``writers`` entry (relative name ->
    function writing that path) and the manifest, atomically (module doc). Under a
    :func:`reserve` of ``target`` its lock and settings are used; otherwise the target
    is reserved here. Raises :class:`OutputError` for a target it must not write and
    for a write that fails for lack of room or permission (nothing is left behind)."""
    target = Path(target)
    with reserve(target, force=force, label=label, command=command, purpose=purpose) as res:
        parent = Path(os.path.abspath(target)).parent
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
        old: Path | None = None
        try:
            (tmp / PARTIAL).write_text(f"{os.getpid()}\n")
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; give the usual permissions
            for i, (name, write) in enumerate(writers.items()):
                path = tmp / name
                path.parent.mkdir(parents=True, exist_ok=True)
                write(path)
                if i == 0:
                    checkpoint("writing")
            _write_manifest(tmp, res.command, res.purpose)
            (tmp / PARTIAL).unlink()
            with _signals_held():
                # again: the folder may have changed while the files were written
                verdict = check_target(target, force=res.force, label=res.label, purpose=res.purpose)
                if verdict.kind == "ours":
                    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
                    old.rmdir()
                    os.replace(target, old)
                checkpoint("swapping")  # between the two renames: the riskiest moment
                # a new name, or an empty folder (rename replaces it only while empty)
                os.replace(tmp, target)
                _WRITTEN.append(target)
                if old is not None:
                    left = _delete_listed(old, verdict.manifest or {"files": {}})
                    if left:
                        print(f"note: {old} kept: it holds files spsim did not write "
                              f"({_listing(left)})", file=sys.stderr)
        except BaseException as exc:
            with _signals_held():  # a second Ctrl-C must not stop the cleaning
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
                if old is not None and old.exists() and not os.path.lexists(target):
                    os.replace(old, target)
            if isinstance(exc, OSError) and exc.errno in (
                    errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS,
                    errno.EFBIG, errno.EIO):
                raise _problem(target, res.label, "room and permission to write the "
                               "outputs", str(exc.strerror or exc),
                               "nothing was written; an earlier folder is as it was"
                               ) from None
            raise
    return target


def written() -> list[Path]:
    """Folders this process has written completely (for the interrupt message)."""
    return list(_WRITTEN)


def interrupt_message() -> str:
    """What an interrupt leaves: nothing, or folders that were complete before it."""
    if not _WRITTEN:
        return "interrupted: nothing was written"
    return ("interrupted after writing " + ", ".join(f"{p}/" for p in _WRITTEN)
            + " (complete)")


@contextlib.contextmanager
def interrupt_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Interrupted` (a KeyboardInterrupt) inside the
    block, as SIGINT does, so every interrupt cleans up the same way. A signal that is
    ignored (``nohup`` ignores SIGHUP) or already handled is left as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    old = {}
    for s in INTERRUPT_SIGNALS:
        if s == signal.SIGINT or signal.getsignal(s) != signal.SIG_DFL:
            continue  # Ctrl-C is Python's already; an ignored signal stays so (nohup)
        old[s] = signal.getsignal(s)
        signal.signal(s, handler)
    _WRITTEN.clear()
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
