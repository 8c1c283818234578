"""The projection kernel specialised to a scenario's structure, compiled once per structure.

The generic kernel (:mod:`simulate.kernels.projection`) holds every structure a
scenario may have: months within the year, whole-year person programmes, household
programmes with a means test (top-up, utility), targeting, once-only benefits,
conditions on data columns, pregnancy, disability. Each is guarded by a structure flag
(``S_MONTHLY``, ...). :func:`kernel` writes the source of
:func:`~simulate.kernels.projection.household_chunk` and
:func:`~simulate.kernels.projection.project_chunks` with every flag replaced by the
literal ``True`` or ``False`` of a structure to a module file, imports it and returns
it: Python drops the ``False`` blocks when it compiles the file, so numba never types
or compiles them (the entry point has the chunk body written into its loop,
:func:`_fused`, so that the body is compiled once), and numba's file-based cache
(``cache=True``) then keeps one compiled kernel per structure. The arithmetic of every block that stays is the generic kernel's
text, so a specialised kernel's results are bit-identical to the generic one's.

Where the files go (:func:`kernel_dir`): ``$XDG_CACHE_HOME/simulate/kernels`` when the
user set ``XDG_CACHE_HOME``, else ``simulate/kernels/__generated__`` beside this file
(where numba keeps its own cache by default), else, when neither can be written, a
temporary directory for this process only. A file is named by a hash of the structure,
the template's source (projection.py and the modules its body calls: rng.py,
conditions.py, reduction.py), and the numba and Python versions,
so a new template or numba never reuses an old file; an existing file is never
rewritten (numba's cache index is keyed by the file's time stamp). Nothing removes
the old files by itself (two installs may share ``$XDG_CACHE_HOME``); each file's
first line names its template (:func:`stamp`), so that ``spsim warmup --clean``
(:func:`remove_stale`) removes the modules this version would never use and their
compiled files.

Hot loop support only: nothing else of the package is imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType

import numba
import numpy as np

from . import conditions, projection, reduction, rng

#: the generated module's entry point (the name the compile notice reports)
ENTRY = "project_households"
_FLAG = re.compile(r"\bS_[A-Z_]+\b")
_LOCK = threading.Lock()
_MODULES: dict[tuple[bool, ...], ModuleType] = {}
_TEMP: list[Path] = []
_STAMP_LINE = "# simulate kernel template "
#: the generated modules' names (:func:`path`)
_GENERATED = re.compile(r"projection_[0-9a-f]{20}\.py")


def structure_flags(unit: np.ndarray, kind: np.ndarray, once: np.ndarray,
                    target_row: np.ndarray, cond_var: np.ndarray,
                    monthly: np.ndarray, poverty: bool = True,
                    overlap: bool = True) -> tuple[bool, ...]:
    """The structure flags (in the order of ``projection.FLAGS``) of programmes with
    these rule tables: ``unit``, ``kind``, ``once``, ``target_row`` (>= 0: targeted),
    ``monthly`` per programme, ``cond_var`` per condition (>= 0: a data column); and of
    the optional outputs the scenario asks for (``[outputs]`` ``poverty``, ``overlap``)."""
    unit, kind = np.asarray(unit), np.asarray(kind)
    once, monthly = np.asarray(once, dtype=bool), np.asarray(monthly, dtype=bool)
    target_row, cond_var = np.asarray(target_row), np.asarray(cond_var)
    yearly = ~monthly
    flags = {
        "S_MONTHLY": monthly.any(),
        "S_YEARLY": yearly.any(),
        "S_PERSON_YEARLY": (yearly & (unit == projection.UNIT_PERSON)).any(),
        "S_HOUSEHOLD": (yearly & (unit == projection.UNIT_HOUSEHOLD)).any(),
        "S_MEANS": (kind != projection.KIND_FLAT).any(),
        "S_TOP_UP": (kind == projection.KIND_TOP_UP).any(),
        "S_UTILITY": (kind == projection.KIND_UTILITY).any(),
        "S_TARGETED": (target_row >= 0).any(),
        "S_ONCE": once.any(),
        "S_STATIC": (cond_var >= 0).any(),
        "S_PREGNANT": (cond_var == projection.VAR_PREGNANT).any(),
        "S_DISABLED": (cond_var == projection.VAR_DISABLED).any(),
        "S_POVERTY": poverty,
        "S_OVERLAP": overlap,
    }
    return tuple(bool(flags[name]) for name in projection.FLAGS)


def describe(flags: tuple[bool, ...]) -> str:
    """The flags that are set, by name (``monthly+pregnant``; ``none``)."""
    names = [n[2:].lower() for n, on in zip(projection.FLAGS, flags, strict=True) if on]
    return "+".join(names) or "none"


def _template() -> str:
    # every module whose functions the body calls: numba's cache of a generated module
    # does not see a change in a callee's file, so a change there must make a new file
    return "".join(Path(m.__file__).read_text() for m in (projection, rng, conditions, reduction))


def stamp() -> str:
    """A hash of the template's source and the numba and Python versions: the part of
    :func:`key` that is the same for every structure, written on the first line of each
    generated module (:func:`stale`)."""
    h = hashlib.sha256()
    for part in (_template(), numba.__version__, sys.version):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def key(flags: tuple[bool, ...]) -> str:
    """The file key of a structure: a hash of the flags, the template's source, the
    numba and Python versions and the form of the stamp line (:func:`stamp`)."""
    h = hashlib.sha256()
    for part in (repr(tuple(flags)), _template(), numba.__version__, sys.version,
                 _STAMP_LINE):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


def source(flags: tuple[bool, ...]) -> str:
    """The text of the kernel module specialised to ``flags``."""
    if len(flags) != len(projection.FLAGS):
        raise ValueError(f"{len(projection.FLAGS)} flags expected, got {len(flags)}")
    values = dict(zip(projection.FLAGS, flags, strict=True))
    text = Path(projection.__file__).read_text()

    def function(name: str) -> str:
        # the decorator line and the function, up to the next top-level statement or the end
        found = re.search(rf"^@njit\([^\n]*\)\ndef {name}\(.*?(?=^\S|\Z)", text,
                          re.MULTILINE | re.DOTALL)
        if found is None:
            raise RuntimeError(f"no function {name} in {projection.__file__}")
        return found.group(0)

    def literal(match: re.Match) -> str:
        if match.group(0) not in values:
            raise RuntimeError(f"unknown structure flag {match.group(0)}")
        return repr(values[match.group(0)])

    body = _FLAG.sub(literal, function("household_chunk"))
    entry = _fused(function("project_chunks"), body)
    return (
        f"{_STAMP_LINE}{stamp()}\n"
        f'"""The projection kernel specialised to the structure {describe(flags)}.\n\n'
        "Written by simulate/kernels/specialise.py from simulate/kernels/projection.py;\n"
        'do not edit (a new template writes a new file)."""\n\n'
        "from simulate.kernels import projection as _template\n\n"
        "globals().update({k: v for k, v in vars(_template).items()\n"
        "                  if not k.startswith('__') and not k.startswith('S_')\n"
        "                  and k not in ('household_chunk', 'project_chunks',\n"
        f"                                '{ENTRY}')}})\n\n\n"
        f"{body}\n{entry}"
    )


def _fused(entry: str, body: str) -> str:
    """The entry point with the chunk body written into its loop: ``project_chunks``'s
    text, renamed :data:`ENTRY`, its call of ``household_chunk`` replaced by that
    function's statements (after its docstring), indented to the call. The same
    statements in the same order, so the same arithmetic; numba then types and LLVM
    optimises the body once, inside the entry, instead of compiling ``household_chunk``
    and optimising it again where it is linked into the entry (about a fifth of the
    cold compile: docs/performance.md, "Round 6"). The entry's ``first`` is renamed
    ``first_chunk`` (the body has a ``first`` of its own); ``household_chunk`` stays
    in the module, uncalled and so never compiled."""
    import ast

    fn = ast.parse(body).body[0]
    assert isinstance(fn, ast.FunctionDef) and ast.get_docstring(fn) is not None
    lines = body.splitlines()
    statements = lines[fn.body[1].lineno - 1:]  # after the docstring
    while statements and not statements[-1].strip():
        statements.pop()
    out: list[str] = []
    text = entry.replace("def project_chunks(first,", f"def {ENTRY}(first_chunk,", 1)
    text = text.replace("range(first,", "range(first_chunk,", 1)
    src = text.splitlines()
    k = 0
    while k < len(src):
        line = src[k]
        if line.lstrip().startswith("household_chunk("):
            indent = len(line) - len(line.lstrip())
            while not src[k].rstrip().endswith(")"):  # the call's continuation lines
                k += 1
            out.extend((" " * (indent - 4) + st) if st.strip() else "" for st in statements)
        else:
            out.append(line)
        k += 1
    if "first_chunk" not in "\n".join(out) or len(out) <= len(src):
        raise RuntimeError("cannot write the chunk body into the entry point")
    return "\n".join(out) + "\n"


def kernel_dir() -> Path:
    """The directory of the generated kernel modules (see the module's docstring),
    created if needed."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates = [Path(xdg) / "simulate" / "kernels"] if xdg else []
    candidates.append(Path(__file__).parent / "__generated__")
    for d in candidates:
        try:
            d.mkdir(parents=True, exist_ok=True)
            if os.access(d, os.W_OK):
                return d
        except OSError:
            continue
    if not _TEMP:
        _TEMP.append(Path(tempfile.mkdtemp(prefix="simulate-kernels-")))
    return _TEMP[0]


def path(flags: tuple[bool, ...]) -> Path:
    """The generated module file of ``flags`` (written when missing)."""
    d = kernel_dir()
    target = d / f"projection_{key(flags)}.py"
    if not target.exists():
        fd, tmp = tempfile.mkstemp(prefix=".projection-", suffix=".tmp", dir=d)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(source(flags))
            os.replace(tmp, target)  # atomic: another process may write the same text
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return target


def module(flags: tuple[bool, ...]) -> ModuleType:
    """The kernel module specialised to ``flags``, imported once per process."""
    flags = tuple(bool(f) for f in flags)
    with _LOCK:
        found = _MODULES.get(flags)
        if found is not None:
            return found
        file = path(flags)
        name = f"simulate_kernel_{file.stem}"
        spec = importlib.util.spec_from_file_location(name, file)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        _MODULES[flags] = mod
        return mod


def kernel(flags: tuple[bool, ...]):
    """The parallel entry point specialised to ``flags``: called as
    :func:`~simulate.kernels.projection.project_chunks` (the same bundles)."""
    return getattr(module(flags), ENTRY)


def stale() -> list[Path]:
    """The files in :func:`kernel_dir` that this version of the package would never use:
    each generated module (``projection_<key>.py``) whose first line is not this
    template's :func:`stamp` (another template, numba or Python, or a module written
    before modules were stamped), and its compiled files in ``__pycache__`` (numba's
    index and code, Python's bytecode: names starting with the module's). Nothing else
    (a file of another name, numba's cache under ``NUMBA_CACHE_DIR``) is listed."""
    d = kernel_dir()
    current = f"{_STAMP_LINE}{stamp()}"
    cache = d / "__pycache__"
    found: list[Path] = []
    for file in sorted(d.iterdir()):
        if not _GENERATED.fullmatch(file.name) or not file.is_file():
            continue
        with file.open(encoding="utf-8", errors="replace") as f:
            if f.readline().rstrip("\n") == current:
                continue
        found.append(file)
        if cache.is_dir():
            found.extend(sorted(c for c in cache.iterdir()
                                if c.name.startswith(file.stem + ".") and c.is_file()))
    return found


def remove_stale() -> tuple[int, int]:
    """Remove :func:`stale`'s files; returns how many and their size in bytes."""
    count = size = 0
    for file in stale():
        try:
            n = file.stat().st_size
            file.unlink()
        except FileNotFoundError:  # removed meanwhile (another process's clean)
            continue
        count += 1
        size += n
    return count, size
