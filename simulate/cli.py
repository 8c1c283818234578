"""The ``spsim`` command line: parses, calls the engine, prints. No logic of its own.

Exit status: 0 success; 1 bad input (a scenario, profile or data file, an output
folder that must not be written), with one message per problem and no traceback;
2 a usage error (click); 70 an internal error (set SPSIM_DEBUG=1 for the
traceback); 74 the outputs were written but the summary could not be printed
(standard output full or closed); 130 interrupted by Ctrl-C (SIGINT), 143 by
SIGTERM, 129 by SIGHUP (docs/outputs.md).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from ._version import __version__
from .errors import InputError

EXIT_INPUT = 1
EXIT_INTERNAL = 70
EXIT_OUTPUT = 74
EXIT_INTERRUPTED = 130


class _StdoutError(Exception):
    """Standard output could not take the printed text (full device, closed pipe)."""


def _say(text: str) -> None:
    """Print ``text`` on standard output; a failure there is a _StdoutError."""
    try:
        click.echo(text)
    except OSError as exc:
        raise _StdoutError(exc.strerror or str(exc)) from None


def _guard(func):
    """Turn the engine's errors into one message and an exit status."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .report.outfolder import interrupt_message, interrupt_signals, written

        try:
            with interrupt_signals():  # SIGTERM, SIGHUP: as Ctrl-C
                return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt as exc:
            click.echo(interrupt_message(), err=True)
            sys.exit(128 + getattr(exc, "signum", EXIT_INTERRUPTED - 128))
        except _StdoutError as exc:
            with contextlib.suppress(OSError, ValueError):  # no second failure at exit
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            kept = ", ".join(f"{p}/" for p in written()) or "nothing to keep"
            click.echo(f"error: standard output expected to take the summary, found {exc}; "
                       f"the outputs were written: {kept}", err=True)
            sys.exit(EXIT_OUTPUT)
        except MemoryError:  # the estimate before the run (simulate.plausibility) missed
            click.echo("error: out of memory: nothing was written; use fewer records (the "
                       "weights scale them to the national population), run the analysis "
                       "in chunks, or a machine with more memory", err=True)
            sys.exit(EXIT_INPUT)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:  # a bug: say so plainly
            if os.environ.get("SPSIM_DEBUG"):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in simulate; run again with SPSIM_DEBUG=1 for the "
                       "traceback and report it.", err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper


_FORCE = click.option(
    "--force", is_flag=True,
    help="Replace an output folder that spsim wrote even if its files were edited since "
    "(files spsim did not write are never deleted; see docs/outputs.md).")


def _overrides(items: tuple[str, ...]) -> dict:
    from .scenario import parse_set

    return dict(parse_set(item) for item in items)


_STRICT_HELP = ("Turn warnings (inputs allowed but probably not meant, docs/validation.md) "
                "into errors.")


def _warn(warnings) -> None:
    """Print warnings (InputWarning records or lines of ds.attrs["warnings"]) to stderr."""
    for w in warnings:
        if str(w).strip():
            click.echo(f"warning: {w}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spsim")
def main() -> None:
    """spsim: social-protection costing and financing simulation."""


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: outputs/<scenario id>/).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a scenario key, e.g. --set programmes.mecg.take_up=0.7.")
@click.option("--draws", type=click.IntRange(min=1), default=None, metavar="N",
              help="Number of draws of the scenario's [uncertainty] parameters (overrides "
              "uncertainty.draws).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster: the scheduler's address, e.g. tcp://10.0.0.5:8786 "
              "(default: this machine).")
@click.option("--years", "years", default=None, metavar="YEARS",
              help="Years the summary shows, e.g. 2025,2029,2030-2032 (default: the first "
              "year, the years where something changes, the last year).")
@click.option("--precision", type=float, default=None, metavar="REL",
              help="With [uncertainty]: add draws until the standard error of the mean of "
              "--output is at most REL of the mean (e.g. 0.01).")
@click.option("--output", "output", default=None, metavar="NAME@YEAR",
              help="With --precision: the output whose mean must be precise (default "
              "total_cost_pct_gdp in the last year).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@_FORCE
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
@_guard
def run(scenario: Path, out: Path | None, sets: tuple[str, ...], draws: int | None,
        scheduler: str | None, years: str | None, precision: float | None,
        output: str | None, quiet: bool, force: bool, strict: bool = False) -> None:
    """Project SCENARIO and write results.nc, report.html, tables.xlsx, CSV tables,
    charts and a summary (with [uncertainty]: every draw, and uncertainty.csv)."""
    from .errors import Problem, ScenarioError
    from .scenario import load_scenario
    from .scenario.model import with_overrides

    sc = load_scenario(scenario, overrides=_overrides(sets), strict=strict)
    if scheduler is None:  # a cold kernel compiled beside the imports (compile_ahead.py)
        from .compile_ahead import start

        start(sc)
    from .report.writer import write_run
    from .runs import run as run_scenario

    if draws is not None:
        if not sc.section("uncertainty"):
            raise ScenarioError(Problem(str(sc.path or scenario), "uncertainty.parameters",
                                        "an [uncertainty] table with parameters (--draws "
                                        "draws them)", "nothing"))
        sc = with_overrides(sc, {"uncertainty.draws": draws}, strict=strict)
    chosen = None
    if years is not None:  # checked before the run
        from .report.headline import parse_years

        chosen = parse_years(years, list(range(sc.start_year, sc.end_year + 1)))
    if (precision is not None or output is not None) and not sc.section("uncertainty"):
        raise ScenarioError(Problem(str(sc.path or scenario), "uncertainty.parameters",
                                    "an [uncertainty] table with parameters (--precision "
                                    "adds draws)", "nothing"))
    if output is not None and precision is None:
        raise click.UsageError("--output goes with --precision")
    target = out or Path("outputs") / sc.id
    start = time.perf_counter()
    label = "draws" if sc.section("uncertainty") else "projecting"
    from .report.charts import standing_by

    with _reserved(target, out, force, "run", sc), _progress(label, quiet, sc) as progress, \
            standing_by():  # a child imports matplotlib meanwhile: it draws the charts
        if precision is not None:
            from .uncertainty.convergence import run_to_precision

            ds = run_to_precision(sc, precision, output, progress=progress,
                                  scheduler=scheduler)
        else:
            ds = run_scenario(sc, progress=progress, scheduler=scheduler, strict=strict)
        if chosen:
            ds.attrs["summary_years"] = ",".join(map(str, chosen))
        write_run(ds, target)
    _warn(str(ds.attrs.get("warnings", "")).splitlines())
    if not quiet:  # the summary as written (summary.txt: run_summary(ds) and a newline)
        _say((Path(target) / "summary.txt").read_text(encoding="utf-8").removesuffix("\n"))
        files = ", ".join(sorted(p.name for p in Path(target).iterdir()
                                 if not p.name.startswith(".")))
        _say(f"\nwrote {target}/ ({files}) in {time.perf_counter() - start:.1f} s")


@contextmanager
def _reserved(target: Path, out: Path | None, force: bool, purpose: str, sc=None):
    """Check and lock the output folder before any computation (docs/outputs.md)."""
    from .report.outfolder import checkpoint, reserve

    label = "--out" if out is not None or sc is None else \
        f"the output folder (outputs/<scenario.id> from {sc.where('scenario.id')}; --out " \
        "names another)"
    with reserve(target, force=force, label=label, purpose=purpose) as res:
        checkpoint("loading")
        yield res


@contextmanager
def _progress(label: str, quiet: bool, scenario=None):
    """A progress callback ``(done, total)``: a bar with the count and time left on a
    terminal (stderr); None when quiet or not on a terminal. With ``scenario``, a line
    first if its kernels must be compiled (:func:`_compile_notice`)."""
    from .report.outfolder import checkpoint

    if os.environ.get("SPSIM_TEST_PAUSE") == "computing":  # test hook: docs/outputs.md
        yield lambda done, total: checkpoint("computing")
        return
    if quiet or not sys.stderr.isatty():
        yield None
        return
    if scenario is not None:
        _compile_notice(scenario)
    with click.progressbar(length=1, label=label, file=sys.stderr, show_pos=False,
                           show_eta=True) as bar:
        first: list[float] = []  # (time, done) of the first step: after any compile

        def progress(done: int, total: int) -> None:
            bar.length, bar.show_pos = max(total, 1), True  # no "0/1" before a count
            now = time.time()
            if not first:  # the first step holds the kernels' load or compile: no ETA
                first.extend((now, done))
                bar.update(done - bar.pos)
                bar.avg, bar.eta_known = [], False
                return
            if done > first[1]:  # click's ETA from the steps after the first only
                bar.start = now - (now - first[0]) / (done - first[1]) * done
            bar.update(done - bar.pos)

        yield progress


def _compile_notice(sc) -> None:
    """Say once before the run that the kernels must be compiled first (empty or stale
    numba cache) and about how long that takes (on a terminal, as the bar)."""
    from .kernel_cache import compile_notice

    notice = compile_notice(sc)
    if notice:
        click.echo(notice, err=True)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: outputs/<scenario id>_fund/).")
@click.option("--draws", type=click.IntRange(min=1), default=None, metavar="N",
              help="Return paths of the Monte Carlo (overrides fund.draws).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a scenario key, e.g. --set fund.target_probability=0.95.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no plan printed.")
@_FORCE
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
@_guard
def fund(scenario: Path, out: Path | None, draws: int | None, sets: tuple[str, ...],
         quiet: bool, force: bool, strict: bool = False) -> None:
    """The capitalisation plan of SCENARIO's [fund]: required capital, contributions,
    depletion risk, fan chart (docs/fund.md)."""
    from .errors import Problem, ScenarioError
    from .report.fund import plan_text
    from .report.writer import write_run
    from .runs import run as run_scenario
    from .scenario import load_scenario
    from .scenario.model import with_overrides

    sc = load_scenario(scenario, overrides=_overrides(sets), strict=strict)
    if sc.fund is None:
        raise ScenarioError(Problem(str(sc.path or scenario), "fund", "a [fund] table "
                                    "(spsim fund plans its capitalisation)", "nothing"))
    if draws is not None:
        sc = with_overrides(sc, {"fund.draws": draws}, strict=strict)
    target = out or Path("outputs") / f"{sc.id}_fund"
    start = time.perf_counter()
    label = "draws" if sc.section("uncertainty") else "projecting"
    with _reserved(target, out, force, "fund", sc), _progress(label, quiet, sc) as progress:
        ds = run_scenario(sc, progress=progress, strict=strict)
        write_run(ds, target)
    _warn(str(ds.attrs.get("warnings", "")).splitlines())
    if not quiet:
        _say(plan_text(ds))
        _say(f"\nwrote {target}/ (fund.txt, fund_plan.csv, fund_capital.csv, "
                   f"fund_indicators.csv, fund_balance.png, fund_capital.png, report.html, "
                   f"tables.xlsx, results.nc, ...) in "
                   f"{time.perf_counter() - start:.1f} s")


@main.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a key.")
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
@_guard
def validate(scenarios: tuple[Path, ...], sets: tuple[str, ...], strict: bool = False) -> None:
    """Check SCENARIO files: every key, the country profile and the population columns
    (each file checked and reported, whatever the others hold)."""
    from .runs import check
    from .scenario import load_scenario

    failed = 0
    for path in scenarios:
        try:
            warnings = check(load_scenario(path, overrides=_overrides(sets), strict=strict),
                             strict=strict)
            _warn(warnings)
            click.echo(f"ok: {path}" + (f" ({len(warnings)} warning{'s' * (len(warnings) > 1)})"
                                               if warnings else ""))
        except InputError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
    if failed:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: outputs/compare/).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a key in every scenario file.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing.")
@_FORCE
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
@_guard
def compare(scenarios: tuple[Path, ...], out: Path | None, sets: tuple[str, ...],
            quiet: bool, force: bool, strict: bool = False) -> None:
    """Compare options side by side: cost, % of GDP, coverage, financing gap, NPV.

    Each SCENARIO is a scenario file (run now) or a results.nc of an earlier run.
    Writes compare.csv, compare_summary.csv, compare.txt and PNG charts.
    """
    from .report.compare import read_results, write_compare
    from .runs import run as run_scenario
    from .scenario import load_scenario

    overrides = _overrides(sets)
    scenario_list = [load_scenario(p, overrides=overrides, strict=strict)
                     if p.suffix != ".nc" else None
                     for p in scenarios]  # every file validated before any run
    datasets = []
    target = out or Path("outputs") / "compare"
    with _reserved(target, out, force, "compare"):
        for path, sc in zip(scenarios, scenario_list, strict=True):
            if not quiet:
                click.echo(f"{'reading' if sc is None else 'running'} {path}", err=True)
            datasets.append(read_results(path) if sc is None else
                            run_scenario(sc, strict=strict))
            if not quiet:
                _warn(str(datasets[-1].attrs.get("warnings", "")).splitlines())
        text = write_compare(datasets, target)
    if not quiet:
        _say(text)
        _say(f"\nwrote {target}/ (compare.csv, compare_summary.csv, compare.txt, "
                   "charts *.png)")


@main.command()
@click.argument("country")
@click.option("--template", default="child_grant", show_default=True,
              type=click.Choice(["child_grant", "social_pension", "school_grant"]),
              help="Which programme to start from.")
@_guard
def new(country: str, template: str) -> None:
    """Print a commented starting scenario for COUNTRY (e.g. lao, khm, ukr, irq)."""
    from .population.profiles import load_profile
    from .scenario.templates import render

    click.echo(render(load_profile(country, where="spsim new"), template), nl=False)


@main.command()
@_guard
def profiles() -> None:
    """List the country profiles shipped with simulate."""
    from .population.profiles import available, load_profile

    for code in available():
        p = load_profile(code)
        click.echo(f"{code}  {p.name} ({p.currency}, {p.base_year}, "
                   f"{p.total_population / 1e6:,.2f} million people)")


@main.command()
def reference() -> None:
    """Print the scenario reference (Markdown), generated from the parameter registry."""
    from .scenario.schema import reference_markdown

    click.echo(reference_markdown(), nl=False)


@main.command()
@click.option("--clean", is_flag=True,
              help="First remove the generated kernels that this version would never use "
                   "(another template, numba or Python) and their compiled files.")
@_guard
def warmup(clean: bool) -> None:
    """Compile every kernel on tiny arrays (fills numba's cache)."""
    from .runs import warmup as warm

    if clean:
        from .kernels.specialise import kernel_dir, remove_stale

        count, size = remove_stale()
        click.echo(f"removed {count} stale kernel file{'s' if count != 1 else ''} "
                   f"({size / 2**20:.1f} MiB) from {kernel_dir()}")
    start = time.perf_counter()
    warm()
    click.echo(f"kernels compiled in {time.perf_counter() - start:.1f} s")


def _sensitivity_global(scenario: Path, out: Path | None, sets: tuple[str, ...],
                        output: str | None, samples: int, scheduler: str | None,
                        quiet: bool, force: bool = False, strict: bool = False) -> None:
    """spsim sensitivity --global: Sobol' indices of one output over the [uncertainty]
    parameters, written to sobol.txt, sobol.csv and sobol.png."""
    from .errors import Problem, ScenarioError
    from .provenance import run_attrs
    from .report.sobol import sobol_plot, sobol_text, write_sobol_csv
    from .report.writer import write_atomically
    from .scenario import load_scenario
    from .uncertainty.sobol import check_samples, sobol

    check_samples(samples)
    sc = load_scenario(scenario, overrides=_overrides(sets), strict=strict)
    _warn(_checked(sc, strict))
    if not sc.section("uncertainty"):
        raise ScenarioError(Problem(str(sc.path or scenario), "uncertainty", "an "
                                    "[uncertainty] table with parameters (spsim sensitivity "
                                    "--global varies them)", "nothing"))
    target = out or Path("outputs") / f"{sc.id}_sobol"
    start = time.perf_counter()
    with _reserved(target, out, force, "sensitivity --global", sc):
        with _progress("Sobol runs", quiet) as progress:
            result = sobol(sc, output, samples, progress=progress, scheduler=scheduler)
        text = sobol_text(result)
        write_atomically(target, {
            "sobol.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
            "sobol.csv": lambda p: write_sobol_csv(result, p),
            "sobol.png": lambda p: sobol_plot(result, p, attrs=run_attrs(sc)),
        })
    if not quiet:
        _say(text)
        _say(f"\nwrote {target}/ (sobol.txt, sobol.csv, sobol.png) in "
                   f"{time.perf_counter() - start:.1f} s")


def _checked(sc, strict: bool) -> list:
    """The warnings of a scenario's checks before a run (runs.check); errors raise."""
    from .runs import check

    return check(sc, strict=strict)


def _sensitivity_output(scenario: Path, out: Path | None, sets: tuple[str, ...],
                        output: str | None, threshold: str | None, quiet: bool,
                        force: bool, strict: bool = False) -> None:
    """spsim sensitivity --output: the one-way tornado of any output, switching values."""
    from .report.sensitivity_outputs import write_oneway
    from .scenario import load_scenario

    sc = load_scenario(scenario, overrides=_overrides(sets), strict=strict)
    target = out or Path("outputs") / f"{sc.id}_sensitivity"
    start = time.perf_counter()
    with _reserved(target, out, force, "sensitivity", sc), \
            _progress("one-way runs", quiet) as progress:
        text, files = write_oneway(sc, target, output, threshold, progress)
    if not quiet:
        _say(text)
        _say(f"\nwrote {target}/ ({', '.join(files)}) in {time.perf_counter() - start:.1f} s")


def _sensitivity_method(scenario: Path, out: Path | None, sets: tuple[str, ...], method: str,
                        output: str | None, samples: int | None, scheduler: str | None,
                        quiet: bool, force: bool, strict: bool = False) -> None:
    """spsim sensitivity --global --method morris|delta|pawn (SALib's designs, analyses)."""
    from .report.sensitivity_outputs import write_global_method
    from .scenario import load_scenario

    sc = load_scenario(scenario, overrides=_overrides(sets), strict=strict)
    target = out or Path("outputs") / f"{sc.id}_{method}"
    start = time.perf_counter()
    with _reserved(target, out, force, f"sensitivity --global --method {method}", sc), \
            _progress(f"{method} runs", quiet) as progress:
        text, files = write_global_method(sc, target, method, output, samples, progress,
                                          scheduler)
    if not quiet:
        _say(text)
        _say(f"\nwrote {target}/ ({', '.join(files)}) in {time.perf_counter() - start:.1f} s")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: outputs/<scenario id>_sensitivity/, with "
              "--global outputs/<scenario id>_sobol/).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a scenario key, e.g. --set returns.discount_rate=0.1.")
@click.option("--global", "global_", is_flag=True,
              help="Global sensitivity: Sobol' indices of --output over the [uncertainty] "
              "parameters (sobol.txt, sobol.csv, sobol.png).")
@click.option("--output", "output", default=None, metavar="NAME[@YEAR|@sum|@pv]",
              help="The result analysed, e.g. total_cost@2030, cost[mecg]@2030, "
              "total_cost_usd@2030, financing_gap@sum, total_cost@pv, npv (default: "
              "total_cost_pct_gdp in the scenario's last year). Without --global: the "
              "one-way tornado of this output (oneway.txt, tornado.csv, tornado.png).")
@click.option("--threshold", default=None, metavar="VALUE|NAME@YEAR",
              help="Switching values: each parameter's value at which --output equals this "
              "number or output (e.g. envelope@2030); switching.csv.")
@click.option("--method", type=click.Choice(["sobol", "morris", "delta", "pawn"]),
              default=None, help="With --global: sobol (default), morris (screening), delta "
              "or pawn (moment-independent).")
@click.option("--samples", type=int, default=None, metavar="N",
              help="With --global: rows n of the Saltelli design, a power of 2 (default 64; "
              "n (k + 2) runs); Morris trajectories (default 20); delta runs (default 512).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="With --global: run on a Dask cluster (the scheduler's address).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no tables.")
@_FORCE
@click.option("--strict", is_flag=True, help=_STRICT_HELP)
@_guard
def sensitivity(scenario: Path, out: Path | None, sets: tuple[str, ...], global_: bool,
                output: str | None, threshold: str | None, method: str | None,
                samples: int | None, scheduler: str | None, quiet: bool, force: bool,
                strict: bool = False) -> None:
    """Sensitivity of any output of SCENARIO (docs/sensitivity.md).

    With [returns] and no --output: the economic returns' cases of [sensitivity] (NPV,
    ERR, BCR) and a tornado of one-way changes of the NPV. With --output (or without
    [returns]): the one-way tornado of that output; --threshold adds switching values.
    With --global: Sobol' indices (or --method morris|delta) of --output over the
    [uncertainty] parameters."""
    if global_:
        if threshold is not None:
            raise click.UsageError("--threshold goes without --global")
        if method in ("morris", "delta", "pawn"):
            _sensitivity_method(scenario, out, sets, method, output, samples, scheduler,
                                quiet, force, strict)
            return
        from .uncertainty.sobol import DEFAULT_SAMPLES

        _sensitivity_global(scenario, out, sets, output,
                            DEFAULT_SAMPLES if samples is None else samples, scheduler, quiet,
                            force, strict)
        return
    given = [name for name, v in (("--method", method), ("--samples", samples),
                                  ("--scheduler", scheduler)) if v is not None]
    if given:
        raise click.UsageError(f"{', '.join(given)} go{'es' if len(given) == 1 else ''} "
                               "with --global")
    from .scenario import load_scenario as _load

    if output is not None or threshold is not None or not _load(
            scenario, overrides=_overrides(sets)).section("returns"):
        _sensitivity_output(scenario, out, sets, output, threshold, quiet, force, strict)
        return
    from .errors import Problem, ScenarioError
    from .report.tornado import (
        sensitivity_text,
        tornado_data,
        tornado_plot,
        write_cases_csv,
        write_tornado_csv,
    )
    from .report.writer import write_atomically
    from .returns import check
    from .runs import run as run_scenario
    from .scenario import load_scenario
    from .uncertainty.tornado import one_way

    sc = load_scenario(scenario, overrides=_overrides(sets), strict=strict)
    if check(sc) is None:
        raise ScenarioError(Problem(str(sc.path or scenario), "returns", "a [returns] table "
                                    "(spsim sensitivity varies the economic returns)",
                                    "nothing"))
    target = out or Path("outputs") / f"{sc.id}_sensitivity"
    start = time.perf_counter()
    with _reserved(target, out, force, "sensitivity", sc):
        ds = run_scenario(sc, uncertainty=False, strict=strict)  # the cases are deterministic
        _warn(str(ds.attrs.get("warnings", "")).splitlines())
        with _progress("one-way runs", quiet) as progress:
            results = one_way(sc, ds, progress=None if progress is None else (
                lambda done, total, _label: progress(done, total)))
        data = tornado_data(results, float(ds["npv"].sel(sensitivity="base")))
        text = sensitivity_text(ds, data)
        currency = str(ds.attrs.get("currency", ""))
        units = str(ds["npv"].attrs.get("units", ""))
        write_atomically(target, {
            "sensitivity.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
            "sensitivity.csv": lambda p: write_cases_csv(ds, p),
            "tornado.csv": lambda p: write_tornado_csv(data, p, units),
            "tornado.png": lambda p: tornado_plot(data, p, f"{sc.name}: one-way sensitivity "
                                                  "of the NPV", currency, ds.attrs),
        })
    if not quiet:
        _say(text)
        _say(f"\nwrote {target}/ (sensitivity.txt, sensitivity.csv, tornado.csv, "
                   f"tornado.png) in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":  # pragma: no cover
    main()
