"""Run the issue-15 benchmarks and (with ``--write-docs``) regenerate the generated
tables of docs/performance.md from their figures.

Not part of the test suite. From the repository root:

    .venv/bin/python benchmarks/run_all.py [--quick] [--write-docs] [--reuse]
        [--memory]

* start-up: ``spsim --help`` and ``spsim --version`` in fresh processes (best of 5,
  wall and CPU time) and ``python -X importtime -c "import simulate.cli"``;
* first run: benchmarks/bench_first_run.py (a cold and a warm run of the default
  scenario, phase by phase, in fresh processes with a new numba cache);
* projection: benchmarks/bench_projection.py (the engine, the minimal kernel, numpy
  and OpenFisca-Core, totals asserted equal before any timing; ``--quick`` passes
  ``--quick``);
* memory at scale: benchmarks/bench_memory.py (10,000,000 base records over 30 years)
  only with ``--memory`` (minutes and several GB: run it once); otherwise its last
  figures are read from benchmarks/results/memory.json when present.

Every figure goes to benchmarks/results/<name>.json and all of them, with the machine
(CPU, cores, memory, versions), the command, the date and the load average, to
benchmarks/results/all.json; ``--write-docs`` rewrites the part of docs/performance.md
between ``<!-- generated:begin -->`` and ``<!-- generated:end -->`` from all.json.
``--reuse`` skips the benchmarks whose JSON already exists (to rewrite the tables
only). Nothing here asserts a time; the benchmarks assert equal results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- generated:begin -->", "<!-- generated:end -->"
HEAVY = ("numba", "xarray", "scipy", "matplotlib")


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def startup(repeat: int = 5) -> dict:
    """Best wall and CPU seconds of ``spsim --help`` / ``--version`` (fresh processes)
    and the import time of simulate.cli (-X importtime, microseconds)."""
    spsim = str(Path(sys.executable).with_name("spsim"))
    out: dict = {}
    for arg in ("--help", "--version"):
        walls, cpus = [], []
        for _ in range(repeat):
            c0, t0 = _children_cpu(), time.perf_counter()
            subprocess.run([spsim, arg], check=True, capture_output=True)
            walls.append(time.perf_counter() - t0)
            cpus.append(_children_cpu() - c0)
        out[arg] = {"wall": min(walls), "cpu": min(cpus)}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import sys, simulate.cli; print(sorted(m for m in "
                           f"{HEAVY!r} if m in sys.modules))"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    row = [line for line in proc.stderr.splitlines() if line.rstrip().endswith("simulate.cli")]
    out["import_simulate_cli_us"] = int(row[-1].split("|")[1]) if row else None
    out["heavy_modules_loaded"] = json.loads(proc.stdout.strip().replace("'", '"'))
    return out


def run_json(name: str, argv: list[str], reuse: bool) -> dict | None:
    """Run a benchmark script that writes --json, or reuse its last figures."""
    path = RESULTS / f"{name}.json"
    if reuse and path.exists():
        return json.loads(path.read_text())
    cmd = [sys.executable, *argv, "--json", str(path)]
    print("$", shlex.join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    return json.loads(path.read_text())


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    versions = {}
    for mod in ("numpy", "numba", "xarray"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = None
    try:
        from importlib.metadata import version

        import openfisca_core  # noqa: F401

        versions["openfisca-core"] = version("openfisca-core")
    except ImportError:
        versions["openfisca-core"] = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=ROOT).stdout.strip()
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_gib": mem / 2**30,
            "python": platform.python_version(), **versions, "commit": commit}


# ---------------------------------------------------------------------------
# The generated part of docs/performance.md
# ---------------------------------------------------------------------------


def _s(x) -> str:
    if x is None or x != x:
        return "not measured"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.1f} s"


def _load(x) -> str:
    return " / ".join(f"{v:.1f}" for v in x) if x else "?"


def verdict(value, target: float, above: bool) -> str:
    if value is None or value != value:
        return "not measured"
    if (value >= target) if above else (value <= target):
        return "**met**"
    return f"**missed** by {target / value if above else value / target:.1f}x"


def _startup_verdict(t: dict) -> str:
    """Wall time against 0.5 s; on a loaded machine the CPU time says what an idle one
    would show."""
    wall, cpu = t.get("wall"), t.get("cpu")
    if wall is not None and wall > 0.5 and cpu is not None and cpu <= 0.5:
        return f"**met** in CPU time; wall {verdict(wall, 0.5, False)} at this load"
    return verdict(wall, 0.5, False)


def tables(fig: dict) -> str:
    m, st, fr, pj, mem = (fig.get(k) or {} for k in
                          ("machine", "startup", "first_run", "projection", "memory"))
    lines = [
        "These tables are written by `benchmarks/run_all.py --write-docs` from "
        "`benchmarks/results/all.json`; do not edit them by hand.",
        "",
        f"* command: `{fig['command']}`",
        f"* date: {fig['date']} (UTC); commit `{m.get('commit')}`"
        + ("; `--reuse`: the benchmarks' figures are those of their last runs (each "
           "table gives the load average of its own run)" if "--reuse" in fig["command"]
           else ""),
        f"* machine: {m.get('cpu')}, {m.get('cpus')} CPUs, {m.get('memory_gib', 0):.1f} GiB; "
        f"Python {m.get('python')}, numpy {m.get('numpy')}, numba {m.get('numba')}, "
        f"xarray {m.get('xarray')}, openfisca-core {m.get('openfisca-core')}",
        f"* load average (1 / 5 / 15 min) before: {_load(fig.get('load_before'))}; after: "
        f"{_load(fig.get('load_after'))}. The machine is shared: wall times are inflated "
        "by other work; CPU times and ratios measured in the same run are the figures "
        "to compare.",
        "",
        "### Targets of issue 15",
        "",
        "| target | measured | met? |",
        "|---|---|---|",
    ]
    rm = pj.get("ratio_run_minimal")
    em = pj.get("ratio_engine_minimal")
    rb = pj.get("ratio_run_built_minimal")
    rmm = pj.get("ratio_run_means_tested_minimal")
    emm = pj.get("ratio_engine_means_tested_minimal")
    of = pj.get("ratio_openfisca_run")
    size = (f"{pj.get('base_records', 0):,} base records, {pj.get('years')} years"
            + (", `--quick`" if pj.get("quick") else ""))
    cold = fr.get("cold", {})
    cold_total = sum(cold[k]["wall"] for k in ("imports", "load_scenario", "prepare",
                                               "project_totals_first", "dataset",
                                               "write_run") if k in cold)
    cold_cpu = sum(cold[k]["cpu"] for k in ("imports", "load_scenario", "prepare",
                                            "project_totals_first", "dataset", "write_run")
                   if k in cold)
    h, v = st.get("--help", {}), st.get("--version", {})
    rows = [
        ("whole warm run (`simulate.run`) within 5x of the minimal kernel",
         f"{rm:.1f}x ({size})" if rm else "not measured", verdict(rm, 5, False)),
        ("... the same run with the population built again (first run in a process)",
         f"{rb:.1f}x" if rb else "not measured", verdict(rb, 5, False)),
        ("projection (`project_totals`) within 2x of the minimal kernel",
         f"{em:.1f}x" if em else "not measured", verdict(em, 2, False)),
        ("the same with a means-tested household top-up: run within 5x",
         f"{rmm:.1f}x" if rmm else "not measured", verdict(rmm, 5, False)),
        ("... and projection within 2x", f"{emm:.1f}x" if emm else "not measured",
         verdict(emm, 2, False)),
        ("at least 20x faster than OpenFisca-Core (OpenFisca / `simulate.run`)",
         f"{of:.2f}x" if of else "OpenFisca not installed", verdict(of, 20, True)),
        ("cold first run of the default scenario under 10 s",
         f"{_s(cold_total)} wall, {_s(cold_cpu)} CPU; compile "
         f"{_s(cold.get('compile'))} wall, "
         f"{_s(cold.get('project_totals_first', {}).get('cpu'))} CPU"
         if cold else "not measured",
         verdict(cold_cpu or None, 10, False)),
        ("`spsim --help` under 0.5 s", f"{_s(h.get('wall'))} wall, {_s(h.get('cpu'))} CPU",
         _startup_verdict(h)),
        ("`spsim --version` under 0.5 s", f"{_s(v.get('wall'))} wall, {_s(v.get('cpu'))} CPU",
         _startup_verdict(v)),
    ]
    if mem:
        per = mem["held_beyond_outputs_per_record"]
        rows.append((
            f"{mem['base_records']:,} base records over {mem['years']} years complete",
            f"{mem['records']:,} records; {_s(mem['wall'])} wall, {_s(mem['cpu'])} CPU; "
            f"peak {mem['peak_rss'] / 2**30:.2f} GiB", "**met**"))
        rows.append(("held memory under 100 bytes per record beyond the outputs",
                     f"{per:.0f} B/record", verdict(per, 100, False)))
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    if pj:
        lines += [
            "",
            f"### Projection benchmark ({size}; best of {pj.get('repeat')})",
            "",
            "| measure | wall |",
            "|---|---|",
            f"| records with birth cohorts | {pj.get('records', 0):,} |",
            f"| `engine.prepare`, population built / reused | {_s(pj.get('prepare'))} / "
            f"{_s(pj.get('prepare_reused'))} |",
            f"| `project_totals` | {_s(pj.get('engine'))} |",
            f"| `simulate.run`, population reused / built | {_s(pj.get('run'))} / "
            f"{_s(pj.get('run_population_built'))} |",
            f"| minimal fused kernel | {_s(pj.get('minimal'))} |",
            f"| numpy per year | {_s(pj.get('numpy'))} |",
            f"| OpenFisca-Core (benchmarks/openfisca_sp) | {_s(pj.get('openfisca'))} |",
            f"| means-tested: `project_totals` / `simulate.run` | "
            f"{_s(pj.get('engine_means_tested'))} / {_s(pj.get('run_means_tested'))} |",
            f"| CPU time of the whole benchmark process | {_s(pj.get('cpu_seconds'))} |",
            f"| load average (1 / 5 / 15 min) | before {_load(pj.get('load_before'))}; "
            f"after the timings {_load(pj.get('load_after'))} |",
        ]
    if cold:
        warm = fr.get("warm", {})
        lines += ["", f"### First run of `{fr.get('scenario')}` (fresh processes, new numba "
                  "cache)", "", "| phase | cold: wall | cold: CPU | warm: wall | warm: CPU |",
                  "|---|---|---|---|---|"]
        for k in ("imports", "load_scenario", "prepare", "project_totals_first", "dataset",
                  "write_run"):
            if k in cold:
                lines.append(f"| {k} | {_s(cold[k]['wall'])} | {_s(cold[k]['cpu'])} | "
                             f"{_s(warm.get(k, {}).get('wall'))} | "
                             f"{_s(warm.get(k, {}).get('cpu'))} |")
        lines.append(f"| compile (first - second `project_totals`) | {_s(cold['compile'])} | "
                     f"| {_s(warm.get('compile'))} | |")
        lines.append(f"| load average (1 / 5 / 15 min): before the cold run / after the "
                     f"warm one | {_load(fr.get('load_before'))} | | "
                     f"{_load(fr.get('load_after'))} | |")
    if st:
        lines += ["", "### Start-up", "",
                  f"* `spsim --help`: {_s(h.get('wall'))} wall, {_s(h.get('cpu'))} CPU; "
                  f"`spsim --version`: {_s(v.get('wall'))} wall, {_s(v.get('cpu'))} CPU "
                  "(best of 5, fresh processes);",
                  f"* `python -X importtime -c 'import simulate.cli'`: "
                  f"{(st.get('import_simulate_cli_us') or 0) / 1000:.0f} ms cumulative; "
                  f"heavy modules loaded: {st.get('heavy_modules_loaded') or 'none'}."]
    if mem:
        lines += ["", "### Memory at scale (`benchmarks/bench_memory.py`, run once)", "",
                  "| measure | value |", "|---|---|",
                  f"| records (base -> with birth cohorts) | {mem['base_records']:,} -> "
                  f"{mem['records']:,} |",
                  f"| `simulate.run`: wall / CPU | {_s(mem['wall'])} / {_s(mem['cpu'])} |",
                  f"| peak resident memory (VmHWM) | {mem['peak_rss'] / 2**30:.2f} GiB |",
                  f"| baseline after imports and a warm-up | "
                  f"{mem['baseline_rss'] / 2**20:.0f} MiB |",
                  f"| outputs (results Dataset) | {mem['outputs_bytes'] / 2**20:.1f} MiB |",
                  f"| peak above baseline less outputs, per record | "
                  f"{mem['held_beyond_outputs_per_record']:.0f} B |",
                  f"| of which held: Population arrays | {mem['population_per_record']:.0f} B |",
                  f"| of which held: kernel inputs (`engine.record_arrays`) | "
                  f"{mem['record_arrays_per_record']:.0f} B |",
                  f"| load average (1 / 5 / 15 min) | before {_load(mem['load_before'])}; "
                  f"after {_load(mem['load_after'])} |"]
    return "\n".join(lines)


def write_docs(fig: dict) -> None:
    text = DOC.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOC}: expected the markers {BEGIN} and {END}, found none")
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END),
                 lambda _: f"{BEGIN}\n{tables(fig)}\n{END}", text, flags=re.S)
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the projection benchmark's --quick")
    ap.add_argument("--write-docs", action="store_true",
                    help="rewrite the generated tables of docs/performance.md")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse the benchmarks' JSON in benchmarks/results/ where present")
    ap.add_argument("--memory", action="store_true",
                    help="also run bench_memory.py (10M records: minutes, several GB)")
    a = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    fig: dict = {"command": shlex.join(["python", "benchmarks/run_all.py", *sys.argv[1:]]),
                 "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
                 "load_before": os.getloadavg(), "machine": machine()}
    fig["startup"] = (json.loads((RESULTS / "startup.json").read_text())
                      if a.reuse and (RESULTS / "startup.json").exists() else startup())
    (RESULTS / "startup.json").write_text(json.dumps(fig["startup"], indent=2) + "\n")
    fig["first_run"] = run_json("first_run", ["benchmarks/bench_first_run.py"], a.reuse)
    fig["projection"] = run_json("projection", ["benchmarks/bench_projection.py",
                                                *(["--quick"] if a.quick else []),
                                                "--no-ablation"], a.reuse)
    mem = RESULTS / "memory.json"
    if a.memory:
        fig["memory"] = run_json("memory", ["benchmarks/bench_memory.py"], False)
    elif mem.exists():
        fig["memory"] = json.loads(mem.read_text())
    fig["load_after"] = os.getloadavg()
    (RESULTS / "all.json").write_text(json.dumps(fig, indent=2, default=float) + "\n")
    print(tables(fig))
    if a.write_docs:
        write_docs(fig)


if __name__ == "__main__":
    main()
