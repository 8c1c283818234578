"""How much work a run repeats (issue 13 item 6): scenario builds, fiscal validations,
TOML texts written and Datasets built, in one ``spsim run`` and in a run with draws.

    python tools/counts.py                       # this tree
    python tools/counts.py --root /path/to/tree  # another checkout (before/after)

Each case is the command line's ``spsim run SCENARIO --out TMP -q`` run in this process
under :mod:`cProfile`; a count is the number of calls of a function, found by file and
name whatever module imported it under which name. What is counted:

* ``scenario builds``: ``simulate/scenario/model.py:build`` (a typed Scenario made);
* ``scenario file loads``: ``simulate/scenario/model.py:load_scenario`` (a scenario
  file read, resolved and built);
* ``fiscal validations``: ``simulate/scenario/keys/fiscal.py:check_fiscal`` (the
  [macro]/[fiscal] cross-key check; it ran in ``simulate/fiscal.py`` before);
* ``TOML texts written``: ``simulate/scenario/loader.py:to_toml`` (a scenario written
  back to TOML text: ``Scenario.text``, written when first read, for the results'
  provenance; nothing parses it again);
* ``Datasets built``: ``xarray.Dataset.__init__`` (every Dataset constructed, the
  results and the report's intermediate ones; derived Datasets (``assign``, ``sel``)
  are not constructed this way and are not counted).

The numbers count calls, not time; they do not depend on the machine. Each case runs
once, as the first run of a process does.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

#: (label, file ending, function name)
COUNTED = (
    ("scenario builds", "simulate/scenario/model.py", "build"),
    ("scenario file loads", "simulate/scenario/model.py", "load_scenario"),
    ("fiscal validations", "simulate/scenario/keys/fiscal.py", "check_fiscal"),
    ("TOML texts written", "simulate/scenario/loader.py", "to_toml"),
    ("Datasets built", "xarray/core/dataset.py", "__init__"),
)

#: (case, scenario file relative to the root, extra arguments of spsim run)
CASES = (
    ("one run: lao_prf3_nutrition", "scenarios/lao_prf3_nutrition.toml", []),
    ("32 draws: lao_mecg_uncertainty", "scenarios/lao_mecg_uncertainty.toml",
     ["--draws", "32", "--set", "population.records=2000"]),
)


def count(root: Path, scenario: str, extra: list[str]) -> dict[str, int]:
    """The counts of one ``spsim run`` of ``root / scenario`` (module doc)."""
    from click.testing import CliRunner

    from simulate.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        args = ["run", str(root / scenario), "--out", str(Path(tmp) / "out"), "-q", *extra]
        profile = cProfile.Profile()
        profile.enable()
        result = CliRunner().invoke(main, args)
        profile.disable()
    if result.exit_code != 0:
        raise SystemExit(f"spsim {' '.join(args)} failed:\n{result.output}")
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    out = {}
    for label, file, name in COUNTED:
        out[label] = sum(calls for (path, _, func), (_, calls, *_) in stats.items()
                         if func == name and Path(path).as_posix().endswith(file))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                    help="the source tree whose simulate/ is measured (default: this one)")
    args = ap.parse_args()
    root = args.root.resolve()
    sys.path.insert(0, str(root))
    import simulate

    where = Path(simulate.__file__).resolve().parent
    if where != root / "simulate":
        raise SystemExit(f"simulate imported from {where}, not {root / 'simulate'}")
    print(f"simulate from {where}")
    for case, scenario, extra in CASES:
        counts = count(root, scenario, extra)  # as a fresh ``spsim run`` would
        print(f"{case}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
