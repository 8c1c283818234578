"""Start-up: ``spsim --help`` and ``--version`` load no numba, xarray or scipy (issue 15);
the public API is imported lazily and still works. No timing is asserted: the
times are in docs/performance.md ("Start-up")."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numba", "xarray", "scipy", "matplotlib", "pandas")

PROBE = """
import contextlib, io, json, sys
from simulate.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main({args!r}, prog_name="spsim")
    except SystemExit as exc:
        code = exc.code
print(json.dumps({{"code": code, "out": out.getvalue(),
                  "loaded": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


@pytest.mark.parametrize("arg", ["--help", "--version", "-h"])
def test_cli_start_up_loads_no_heavy_module(arg):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=[arg], heavy=HEAVY)],
                          capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["code"] == 0
    assert got["loaded"] == []
    assert ("Usage: spsim" in got["out"]) if arg != "--version" else \
        got["out"].startswith("spsim, version ")


def test_subcommand_help_loads_no_heavy_module():
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=["run", "--help"], heavy=HEAVY)],
                          capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["code"] == 0 and "SCENARIO" in got["out"]
    assert got["loaded"] == []


def test_import_simulate_is_light_and_public_names_resolve():
    code = (
        "import json, sys, simulate\n"
        f"light = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "names = [simulate.load_scenario.__name__, simulate.run.__name__,\n"
        "         simulate.Scenario.__name__, simulate.finance.__name__,\n"
        "         simulate.InputError.__name__]\n"
        "print(json.dumps({'light': light, 'names': names,\n"
        "                  'all': all(hasattr(simulate, n) for n in simulate.__all__)}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["light"] == []
    assert got["names"] == ["load_scenario", "run", "Scenario", "simulate.finance",
                            "InputError"]
    assert got["all"]


def test_unknown_attribute_is_an_attribute_error():
    import simulate

    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        simulate.no_such_thing  # noqa: B018
    assert "run" in dir(simulate)
    from simulate import finance, load_scenario, run  # noqa: F401
