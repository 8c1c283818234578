"""Run the issue-15 benchmarks and (with ``--write-docs``) regenerate the generated
tables of docs/performance.md from their figures.

Not part of the test suite. From the repository root:

    .venv/bin/python benchmarks/run_all.py [--quick] [--separate N] [--write-docs]
        [--reuse] [--memory]

* start-up: ``spsim --help`` and ``spsim --version`` in fresh processes (best of 5,
  wall and CPU time) and ``python -X importtime -c "import simulate.cli"``;
* first run: benchmarks/bench_first_run.py (a cold and a warm run of the default
  scenario, phase by phase, in fresh processes with a new numba cache);
* projection: benchmarks/bench_projection.py (the engine, the minimal kernel, numpy
  and OpenFisca-Core, totals asserted equal before any timing; ``--quick`` passes
  ``--quick --repeat 7``: 100,000 base records, best of 7);
* Monte Carlo: benchmarks/bench_uncertainty.py (1,000 draws fused against 1,000
  separate runs, 200,000 base records; ``--quick`` times the first 10 separate runs and
  extrapolates, and the table says so; ``--separate N`` times the first N, with or
  without ``--quick``: the projection at the issue's full size, 1,000,000 base records,
  beside a Monte Carlo comparison that takes minutes, not the hour of 1,000 runs);
* memory at scale: benchmarks/bench_memory.py (10,000,000 base records over 30 years)
  only with ``--memory`` (minutes and several GB: run it once); otherwise its last
  figures are read from benchmarks/results/memory.json when present, and the table
  gives the date and commit they were measured at (from the JSON's ``measured`` stamp,
  else from the commit that last changed the file), with how many commits ago.

Each target's row says, when it is missed, the measured cause (from the same JSON
figures: the share of the time or memory that the largest part takes).

Every figure goes to benchmarks/results/<name>.json and all of them, with the machine
(CPU, cores, memory, versions), the command, the date and the load average, to
benchmarks/results/all.json; ``--write-docs`` rewrites the part of docs/performance.md
between ``<!-- generated:begin -->`` and ``<!-- generated:end -->`` from all.json.
``--reuse`` skips the benchmarks whose JSON already exists (to rewrite the tables
only; the header keeps the command, date, commit and load of the run that measured
them, from all.json). Nothing here asserts a time; the benchmarks assert equal results.
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


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True,
                          cwd=ROOT).stdout.strip()


def run_json(name: str, argv: list[str], reuse: bool) -> dict | None:
    """Run a benchmark script that writes --json, or reuse its last figures; a new
    run's JSON is stamped with ``measured``: the date (UTC) and the commit."""
    path = RESULTS / f"{name}.json"
    if reuse and path.exists():
        return json.loads(path.read_text())
    cmd = [sys.executable, *argv, "--json", str(path)]
    print("$", shlex.join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    fig = json.loads(path.read_text())
    fig["measured"] = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
                       "commit": _git("rev-parse", "--short", "HEAD")}
    path.write_text(json.dumps(fig, indent=2) + "\n")
    return fig


def measured(name: str, fig: dict) -> dict:
    """When ``fig`` (benchmarks/results/<name>.json) was measured: its ``measured``
    stamp, else the date and commit of the last commit that changed the file; with
    ``behind``, the commits since then (None when unknown)."""
    stamp = dict(fig.get("measured") or {})
    if not stamp:
        line = _git("log", "-1", "--format=%h %ad", "--date=format:%Y-%m-%d %H:%M", "--",
                    f"benchmarks/results/{name}.json")
        if line:
            commit, date = line.split(" ", 1)
            stamp = {"commit": commit, "date": date, "from": "git"}
    behind = _git("rev-list", "--count", f"{stamp['commit']}..HEAD") if stamp else ""
    stamp["behind"] = int(behind) if behind.isdigit() else None
    return stamp


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
    commit = _git("rev-parse", "--short", "HEAD")
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
    by = target / value if above else value / target
    return f"**missed** by {by:.2f}x" if by < 1.1 else f"**missed** by {by:.1f}x"


def _startup_verdict(t: dict) -> str:
    """Wall time against 0.5 s; on a loaded machine the CPU time says what an idle one
    would show."""
    wall, cpu = t.get("wall"), t.get("cpu")
    if wall is not None and wall > 0.5 and cpu is not None and cpu <= 0.5:
        return f"**met** in CPU time; wall {verdict(wall, 0.5, False)} at this load"
    return verdict(wall, 0.5, False)


def _share(part, whole) -> str:
    if not part or not whole or part != part or whole != whole:
        return "?"
    return f"{part / whole:.0%}"


def _run_share(engine, run) -> str:
    """``project_totals``' share of a whole run; the best times of the two are taken
    apart, so a run with nothing measurable outside ``project_totals`` can read above
    100 %: said so, not as a share."""
    if engine and run and engine == engine and run == run and engine >= 0.97 * run:
        return (f"`project_totals` all of the run (best {_s(engine)} against the run's "
                f"{_s(run)}: the rest within the noise)")
    return f"`project_totals` {_share(engine, run)} of the run"


def _cpu(phase: dict, key: str) -> float | None:
    return (phase.get(key) or {}).get("cpu")


def causes(fig: dict) -> dict[str, str]:
    """The measured cause of each target (by key), from the benchmarks' figures: what
    takes the largest share of the time or memory. Shown only for missed targets."""
    pj, fr, mem, mc = (fig.get(k) or {} for k in ("projection", "first_run", "memory",
                                                  "uncertainty"))
    out: dict[str, str] = {}
    mini = pj.get("minimal")
    if pj and mini:
        run, eng, ink = pj.get("run"), pj.get("engine"), pj.get("engine_in_kernel")
        out["run"] = (f"{_run_share(eng, run)}; the kernel "
                      f"itself {ink / mini:.1f}x the minimal kernel" if ink else "")
        built, prep = pj.get("run_population_built"), pj.get("prepare")
        out["run_built"] = (f"the population's build (`prepare` {_s(prep)}) "
                            f"{_share(prep, built)} of the run")
        out["engine"] = (f"the kernel itself {_share(ink, eng)} of `project_totals`, "
                         f"{ink / mini:.1f}x the minimal kernel" if ink else "")
        rmt, emt = pj.get("run_means_tested"), pj.get("engine_means_tested")
        imt = pj.get("engine_means_tested_in_kernel")
        out["run_means"] = _run_share(emt, rmt)
        out["engine_means"] = (f"the kernel itself {_share(imt, emt)} of `project_totals`, "
                               f"{imt / mini:.1f}x the minimal kernel" if imt else "")
        rc, ec, ic = pj.get("run_costs"), pj.get("engine_costs"), pj.get("engine_costs_in_kernel")
        if rc and ec:
            out["run_costs"] = _run_share(ec, rc)
            out["engine_costs"] = (f"the kernel itself {_share(ic, ec)} of `project_totals`, "
                                   f"{ic / mini:.1f}x the minimal kernel" if ic else "")
        rcm, ecm = pj.get("run_means_tested_costs"), pj.get("engine_means_tested_costs")
        if rcm and ecm:
            out["run_means_costs"] = _run_share(ecm, rcm)
            out["engine_means_costs"] = f"`project_totals` {ecm / mini:.1f}x the minimal kernel"
        of, npy = pj.get("openfisca"), pj.get("numpy")
        if of and npy and run:
            out["openfisca"] = (f"OpenFisca {of / npy:.1f}x numpy per year; 20x needs "
                                f"`simulate.run` at {_s(of / 20)} ({of / 20 / mini:.1f}x "
                                f"the minimal kernel), it is {_s(run)}")
    cold, warm = fr.get("cold") or {}, fr.get("warm") or {}
    if cold:
        first, second = _cpu(cold, "project_totals_first"), _cpu(cold, "project_totals_second")
        total = sum(_cpu(cold, k) or 0.0 for k in PHASES)
        compile_cpu = first - second if first and second else None
        extra_prep = ((_cpu(cold, "prepare") or 0.0) - (_cpu(warm, "prepare") or 0.0)
                      if warm else None)
        out["first_run"] = (f"the projection kernel's compile {_s(compile_cpu)} CPU "
                            f"({_share(compile_cpu, total)}); writing the outputs "
                            f"{_s(_cpu(cold, 'write_run'))}, `prepare` "
                            f"{_s(_cpu(cold, 'prepare'))} (of which the small kernels' "
                            f"compile {_s(extra_prep)}), imports {_s(_cpu(cold, 'imports'))}")
    if mem:
        n = mem.get("records") or 1
        rest = mem["held_beyond_outputs_per_record"] - mem["population_per_record"] \
            - mem["record_arrays_per_record"]
        out["memory"] = (f"held: the population {mem['population_per_record']:.0f} B and "
                         f"the kernel inputs {mem['record_arrays_per_record']:.0f} B a "
                         f"record; {rest:.0f} B transient at the peak ({n:,} records)")
    if mc:
        draws, fused = mc.get("draws") or 1, mc.get("fused_cpu")
        kernel, each, join = (mc.get(k) for k in ("fused_kernel_cpu", "fused_results_cpu",
                                                  "fused_join_cpu"))
        if fused and kernel is not None:
            out["uncertainty"] = (f"the fused run is the kernel: {_share(kernel, fused)} of "
                                  f"its CPU ({_s(kernel / draws)} a draw); each draw's "
                                  f"results {_share(each, fused)}, the join "
                                  f"{_share(join, fused)}; a separate run "
                                  f"{_s(mc['separate_cpu'] / draws)} CPU")
        if mc.get("fused_costs_cpu") and mc.get("separate_costs_cpu"):
            out["uncertainty_costs"] = (f"a fused draw {_s(mc['fused_costs_cpu'] / draws)} "
                                        "CPU, a separate costs-only run "
                                        f"{_s(mc['separate_costs_cpu'] / draws)}")
    return out


#: the phases of a run that bench_first_run.py times (the second `project_totals` is
#: not part of a run: it measures the compile by difference)
PHASES = ("imports", "load_scenario", "prepare", "project_totals_first", "dataset",
          "write_run")


def tables(fig: dict) -> str:
    m, st, fr, pj, mem, mc = (fig.get(k) or {} for k in ("machine", "startup", "first_run",
                                                          "projection", "memory",
                                                          "uncertainty"))
    why = causes(fig)
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
        "| target | measured | met? | measured cause, when missed |",
        "|---|---|---|---|",
    ]
    rm = pj.get("ratio_run_minimal")
    em = pj.get("ratio_engine_minimal")
    rb = pj.get("ratio_run_built_minimal")
    rmm = pj.get("ratio_run_means_tested_minimal")
    emm = pj.get("ratio_engine_means_tested_minimal")
    of = pj.get("ratio_openfisca_run")
    rc, ec = pj.get("ratio_run_costs_minimal"), pj.get("ratio_engine_costs_minimal")
    rcm = pj.get("ratio_run_means_tested_costs_minimal")
    ecm = pj.get("ratio_engine_means_tested_costs_minimal")
    size = (f"{pj.get('base_records', 0):,} base records, {pj.get('years')} years"
            + (", `--quick`" if pj.get("quick") else ""))
    cold = fr.get("cold", {})
    cold_total = sum(cold[k]["wall"] for k in PHASES if k in cold)
    cold_cpu = sum(cold[k]["cpu"] for k in PHASES if k in cold)
    h, v = st.get("--help", {}), st.get("--version", {})
    rows = [
        ("whole warm run (`simulate.run`) within 5x of the minimal kernel",
         f"{rm:.1f}x ({size})" if rm else "not measured", verdict(rm, 5, False), "run"),
        ("... the same run with the population built again (first run in a process)",
         f"{rb:.1f}x" if rb else "not measured", verdict(rb, 5, False), "run_built"),
        ("projection (`project_totals`) within 2x of the minimal kernel",
         f"{em:.1f}x" if em else "not measured", verdict(em, 2, False), "engine"),
        ("the same with a means-tested household top-up: run within 5x",
         f"{rmm:.1f}x" if rmm else "not measured", verdict(rmm, 5, False), "run_means"),
        ("... and projection within 2x", f"{emm:.1f}x" if emm else "not measured",
         verdict(emm, 2, False), "engine_means"),
        ("costs only (`[outputs]` poverty, overlap = false): whole warm run within 5x",
         f"{rc:.1f}x" if rc else "not measured", verdict(rc, 5, False), "run_costs"),
        ("... costs only: projection within 2x", f"{ec:.1f}x" if ec else "not measured",
         verdict(ec, 2, False), "engine_costs"),
        ("... costs only with the means-tested top-up: run within 5x",
         f"{rcm:.1f}x" if rcm else "not measured", verdict(rcm, 5, False),
         "run_means_costs"),
        ("... costs only with the means-tested top-up: projection within 2x",
         f"{ecm:.1f}x" if ecm else "not measured", verdict(ecm, 2, False),
         "engine_means_costs"),
        ("at least 20x faster than OpenFisca-Core (OpenFisca / `simulate.run`)",
         f"{of:.2f}x" if of else "OpenFisca not installed", verdict(of, 20, True),
         "openfisca"),
        ("cold first run of the default scenario under 10 s",
         f"{_s(cold_total)} wall, {_s(cold_cpu)} CPU; compile "
         f"{_s(cold.get('compile'))} wall, "
         f"{_s(cold.get('project_totals_first', {}).get('cpu'))} CPU"
         if cold else "not measured",
         verdict(cold_cpu or None, 10, False), "first_run"),
        ("`spsim --help` under 0.5 s", f"{_s(h.get('wall'))} wall, {_s(h.get('cpu'))} CPU",
         _startup_verdict(h), "startup"),
        ("`spsim --version` under 0.5 s", f"{_s(v.get('wall'))} wall, {_s(v.get('cpu'))} CPU",
         _startup_verdict(v), "startup"),
    ]
    why["startup"] = f"heavy modules imported: {st.get('heavy_modules_loaded')}"
    if mem:
        per = mem["held_beyond_outputs_per_record"]
        when = _stamp_text(fig.get("memory_measured") or {})
        rows.append((
            f"{mem['base_records']:,} base records over {mem['years']} years complete",
            f"{mem['records']:,} records; {_s(mem['wall'])} wall, {_s(mem['cpu'])} CPU; "
            f"peak {mem['peak_rss'] / 2**30:.2f} GiB; {when}", "**met**", ""))
        rows.append(("held memory under 100 bytes per record beyond the outputs",
                     f"{per:.0f} B/record (the same run)", verdict(per, 100, False),
                     "memory"))
    if mc:
        ratio = mc.get("ratio")
        timed = mc.get("separate_timed")
        how = (f"{mc['draws']:,} draws, {mc['records']:,} base records, {mc['years']} years"
               + ("" if timed == mc["draws"] else
                  f"; separate runs: the first {timed:,} timed, extrapolated to "
                  f"{mc['draws']:,}"))
        rows.append((f"{mc['draws']:,} Monte Carlo draws at least 30x faster than "
                     f"{mc['draws']:,} separate runs (separate / fused)",
                     f"{ratio:.1f}x wall, {mc.get('ratio_cpu', float('nan')):.1f}x CPU "
                     f"({how})" if ratio else "not measured", verdict(ratio, 30, True),
                     "uncertainty"))
        if "ratio_costs" in mc:
            rc_mc = mc["ratio_costs"]
            rows.append(("... costs only (`[outputs]` poverty, overlap = false), the same draws",
                         f"{rc_mc:.1f}x wall, {mc.get('ratio_costs_cpu', float('nan')):.1f}x "
                         "CPU (the same runs)", verdict(rc_mc, 30, True),
                         "uncertainty_costs"))
    lines += [f"| {a} | {b} | {c} | {why.get(k, '') if 'missed' in c else ''} |"
              for a, b, c, k in rows]
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
            f"| costs only (`[outputs]` poverty, overlap = false): `project_totals` / "
            f"`simulate.run` | {_s(pj.get('engine_costs'))} / {_s(pj.get('run_costs'))} |",
            f"| costs only, means-tested: `project_totals` / `simulate.run` | "
            f"{_s(pj.get('engine_means_tested_costs'))} / "
            f"{_s(pj.get('run_means_tested_costs'))} |",
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
    if mc:
        lines += ["", f"### Monte Carlo (`benchmarks/bench_uncertainty.py`, "
                  f"`scenarios/lao_mecg_uncertainty.toml`, {mc['records']:,} base records, "
                  f"{mc['years']} years)", "", "| measure | wall | CPU |", "|---|---|---|",
                  f"| fused: {mc['draws']:,} draws in one run | {_s(mc['fused_s'])} | "
                  f"{_s(mc.get('fused_cpu'))} |",
                  f"| ... of which the kernel (`engine.project_draws`) | | "
                  f"{_s(mc.get('fused_kernel_cpu'))} |",
                  f"| ... each draw's results (`engine.results`) | | "
                  f"{_s(mc.get('fused_results_cpu'))} |",
                  f"| ... the join along `draw` (`runner.combine`) | {_s(mc.get('fused_join_s'))}"
                  f" | {_s(mc.get('fused_join_cpu'))} |",
                  f"| separate: {mc['draws']:,} runs"
                  + ("" if mc.get("separate_timed") == mc["draws"] else
                     f" (the first {mc.get('separate_timed'):,} timed, extrapolated)")
                  + f" | {_s(mc['separate_s'])} | {_s(mc.get('separate_cpu'))} |",
                  f"| separate / fused | {mc['ratio']:.1f}x | "
                  f"{mc.get('ratio_cpu', float('nan')):.1f}x |",
                  f"| fused, costs only (`[outputs]` poverty, overlap = false; the same "
                  f"draws) | {_s(mc.get('fused_costs_s'))} | {_s(mc.get('fused_costs_cpu'))} |",
                  f"| fused with every output / fused costs only | "
                  f"{mc.get('ratio_fused_costs', float('nan')):.2f}x | "
                  f"{mc.get('ratio_fused_costs_cpu', float('nan')):.2f}x |",
                  *([f"| separate, costs only: {mc['draws']:,} runs (timed alternately with "
                     f"the separate runs above) | {_s(mc['separate_costs_s'])} | "
                     f"{_s(mc.get('separate_costs_cpu'))} |",
                     f"| separate / fused, costs only | {mc['ratio_costs']:.1f}x | "
                     f"{mc.get('ratio_costs_cpu', float('nan')):.1f}x |"]
                    if "ratio_costs" in mc else []),
                  f"| load average (1 / 5 / 15 min) | before {_load(mc.get('load_before'))}; "
                  f"after {_load(mc.get('load_after'))} | |",
                  "", "Every separate run's `total_cost` is asserted equal to its fused "
                  "draw's, bit for bit, before the ratio is reported."]
    if mem:
        lines += ["", "### Memory at scale (`benchmarks/bench_memory.py`, run once)", "",
                  f"{_stamp_text(fig.get('memory_measured') or {})}.", "",
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


def _stamp_text(stamp: dict) -> str:
    """``measured 2026-11-29 19:54 at commit baadcf0 (12 commits before this table)``."""
    if not stamp:
        return "when measured: unknown"
    behind = stamp.get("behind")
    since = ("" if behind is None else " (this commit)" if behind == 0 else
             f" (**{behind} commits before this table**: re-run with `--memory` to refresh)")
    return f"measured {stamp.get('date')} at commit `{stamp.get('commit')}`{since}"


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
    ap.add_argument("--separate", type=int, default=None, metavar="N",
                    help="Monte Carlo: time the first N separate runs and extrapolate "
                         "(default: all 1,000; 10 with --quick)")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse the benchmarks' JSON in benchmarks/results/ where present")
    ap.add_argument("--memory", action="store_true",
                    help="also run bench_memory.py (10M records: minutes, several GB)")
    a = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    fig: dict = {"command": shlex.join(["python", "benchmarks/run_all.py", *sys.argv[1:]]),
                 "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
                 "load_before": os.getloadavg(), "machine": machine()}
    reused = a.reuse and (RESULTS / "all.json").exists()
    if reused:
        # the tables rewritten from figures measured before: the header keeps the
        # command, date, commit and load of the run that measured them
        fig.update({k: v for k, v in json.loads((RESULTS / "all.json").read_text()).items()
                    if k in ("command", "date", "load_before", "load_after", "machine")})
    fig["startup"] = (json.loads((RESULTS / "startup.json").read_text())
                      if a.reuse and (RESULTS / "startup.json").exists() else startup())
    (RESULTS / "startup.json").write_text(json.dumps(fig["startup"], indent=2) + "\n")
    fig["first_run"] = run_json("first_run", ["benchmarks/bench_first_run.py"], a.reuse)
    # --quick: best of 7, not the benchmark's own 2 (its minimal kernel takes 10 ms:
    # two rounds left the ratios to the noise of a shared machine)
    fig["projection"] = run_json("projection", ["benchmarks/bench_projection.py",
                                                *(["--quick", "--repeat", "7"] if a.quick
                                                  else []),
                                                "--no-ablation"], a.reuse)
    separate = a.separate if a.separate is not None else (10 if a.quick else None)
    fig["uncertainty"] = run_json("uncertainty", ["benchmarks/bench_uncertainty.py",
                                                  *(["--separate", str(separate)]
                                                    if separate is not None else [])],
                                  a.reuse)
    mem = RESULTS / "memory.json"
    if a.memory:
        fig["memory"] = run_json("memory", ["benchmarks/bench_memory.py"], False)
    elif mem.exists():
        fig["memory"] = json.loads(mem.read_text())
    if fig.get("memory"):
        fig["memory_measured"] = measured("memory", fig["memory"])
    if not reused:
        fig["load_after"] = os.getloadavg()
    (RESULTS / "all.json").write_text(json.dumps(fig, indent=2, default=float) + "\n")
    print(tables(fig))
    if a.write_docs:
        write_docs(fig)


if __name__ == "__main__":
    main()
