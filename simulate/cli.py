"""The ``spsim`` command line: parses, calls the engine, prints. No logic of its own.

Exit status: 0 success; 1 bad input (a scenario, profile or data file), with one
message per problem and no traceback; 2 a usage error (click); 70 an internal
error (set SPSIM_DEBUG=1 for the traceback); 130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import InputError

EXIT_INPUT = 1
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


def _guard(func):
    """Turn the engine's errors into one message and an exit status."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            sys.exit(EXIT_INTERRUPTED)
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


def _overrides(items: tuple[str, ...]) -> dict:
    from .scenario import parse_set

    return dict(parse_set(item) for item in items)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spsim")
def main() -> None:
    """spsim: social-protection costing and financing simulation."""


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@_guard
def run(scenario: Path, out: Path | None, sets: tuple[str, ...], draws: int | None,
        scheduler: str | None, years: str | None, quiet: bool) -> None:
    """Project SCENARIO and write results.nc, report.html, tables.xlsx, CSV tables,
    charts and a summary (with [uncertainty]: every draw, and uncertainty.csv)."""
    from .engine import run as run_scenario
    from .errors import Problem, ScenarioError
    from .report.writer import run_summary, write_run
    from .scenario import load_scenario

    overrides = _overrides(sets)
    sc = load_scenario(scenario, overrides=overrides)
    if draws is not None:
        if not sc.section("uncertainty"):
            raise ScenarioError(Problem(str(sc.path or scenario), "uncertainty.parameters",
                                        "an [uncertainty] table with parameters (--draws "
                                        "draws them)", "nothing"))
        sc = load_scenario(scenario, overrides={**overrides, "uncertainty.draws": draws})
    chosen = None
    if years is not None:  # checked before the run
        from .report.headline import parse_years

        chosen = parse_years(years, list(range(sc.start_year, sc.end_year + 1)))
    target = out or Path("outputs") / sc.id
    start = time.perf_counter()
    label = "draws" if sc.section("uncertainty") else "projecting"
    with _progress(label, quiet) as progress:
        ds = run_scenario(sc, progress=progress, scheduler=scheduler)
    if chosen:
        ds.attrs["summary_years"] = ",".join(map(str, chosen))
    write_run(ds, target)
    if not quiet:
        click.echo(run_summary(ds))
        files = ", ".join(sorted(p.name for p in Path(target).iterdir()))
        click.echo(f"\nwrote {target}/ ({files}) in {time.perf_counter() - start:.1f} s")


@contextmanager
def _progress(label: str, quiet: bool):
    """A progress callback ``(done, total)``: a bar with the count and time left on a
    terminal (stderr); None when quiet or not on a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=1, label=label, file=sys.stderr, show_pos=True,
                           show_eta=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        yield progress


@main.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a key.")
@_guard
def validate(scenarios: tuple[Path, ...], sets: tuple[str, ...]) -> None:
    """Check SCENARIO files: every key, the country profile and the population columns."""
    from .engine import check
    from .scenario import load_scenario

    failed = 0
    for path in scenarios:
        try:
            check(load_scenario(path, overrides=_overrides(sets)))
            click.echo(f"ok: {path}")
        except InputError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
    if failed:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: outputs/compare/).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a key in every scenario file.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing.")
@_guard
def compare(scenarios: tuple[Path, ...], out: Path | None, sets: tuple[str, ...],
            quiet: bool) -> None:
    """Compare options side by side: cost, % of GDP, coverage, financing gap, NPV.

    Each SCENARIO is a scenario file (run now) or a results.nc of an earlier run.
    Writes compare.csv, compare_summary.csv, compare.txt and PNG charts.
    """
    from .engine import run as run_scenario
    from .report.compare import read_results, write_compare
    from .scenario import load_scenario

    overrides = _overrides(sets)
    scenario_list = [load_scenario(p, overrides=overrides) if p.suffix != ".nc" else None
                     for p in scenarios]  # every file validated before any run
    datasets = []
    for path, sc in zip(scenarios, scenario_list, strict=True):
        if not quiet:
            click.echo(f"{'reading' if sc is None else 'running'} {path}", err=True)
        datasets.append(read_results(path) if sc is None else run_scenario(sc))
    target = out or Path("outputs") / "compare"
    text = write_compare(datasets, target)
    if not quiet:
        click.echo(text)
        click.echo(f"\nwrote {target}/ (compare.csv, compare_summary.csv, compare.txt, "
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
@_guard
def warmup() -> None:
    """Compile every kernel on tiny arrays (fills numba's cache)."""
    from .engine import warmup as warm

    start = time.perf_counter()
    warm()
    click.echo(f"kernels compiled in {time.perf_counter() - start:.1f} s")


def _sensitivity_global(scenario: Path, out: Path | None, sets: tuple[str, ...],
                        output: str | None, samples: int, scheduler: str | None,
                        quiet: bool) -> None:
    """spsim sensitivity --global: Sobol' indices of one output over the [uncertainty]
    parameters, written to sobol.txt, sobol.csv and sobol.png."""
    from .errors import Problem, ScenarioError
    from .provenance import run_attrs
    from .report.sobol import sobol_plot, sobol_text, write_sobol_csv
    from .report.writer import write_atomically
    from .scenario import load_scenario
    from .uncertainty.sobol import check_samples, sobol

    check_samples(samples)
    sc = load_scenario(scenario, overrides=_overrides(sets))
    if not sc.section("uncertainty"):
        raise ScenarioError(Problem(str(sc.path or scenario), "uncertainty", "an "
                                    "[uncertainty] table with parameters (spsim sensitivity "
                                    "--global varies them)", "nothing"))
    target = out or Path("outputs") / f"{sc.id}_sobol"
    start = time.perf_counter()
    with _progress("Sobol runs", quiet) as progress:
        result = sobol(sc, output, samples, progress=progress, scheduler=scheduler)
    text = sobol_text(result)
    write_atomically(target, {
        "sobol.txt": lambda p: p.write_text(text + "\n", encoding="utf-8"),
        "sobol.csv": lambda p: write_sobol_csv(result, p),
        "sobol.png": lambda p: sobol_plot(result, p, attrs=run_attrs(sc)),
    })
    if not quiet:
        click.echo(text)
        click.echo(f"\nwrote {target}/ (sobol.txt, sobol.csv, sobol.png) in "
                   f"{time.perf_counter() - start:.1f} s")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: outputs/<scenario id>_sensitivity/, with "
              "--global outputs/<scenario id>_sobol/).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a scenario key, e.g. --set returns.discount_rate=0.1.")
@click.option("--global", "global_", is_flag=True,
              help="Global sensitivity: Sobol' indices of --output over the [uncertainty] "
              "parameters (sobol.txt, sobol.csv, sobol.png).")
@click.option("--output", "output", default=None, metavar="NAME[@YEAR]",
              help="With --global: the result analysed, e.g. total_cost@2030, cost@2030, "
              "financing_gap@2030, cost_pct_gdp@2030, npv (default: total_cost_pct_gdp in the "
              "scenario's last year).")
@click.option("--samples", type=int, default=None, metavar="N",
              help="With --global: rows n of the Saltelli design, a power of 2 (default 64); "
              "n (k + 2) runs for k parameters.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="With --global: run on a Dask cluster (the scheduler's address).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no tables.")
@_guard
def sensitivity(scenario: Path, out: Path | None, sets: tuple[str, ...], global_: bool,
                output: str | None, samples: int | None, scheduler: str | None,
                quiet: bool) -> None:
    """Sensitivity of SCENARIO's economic returns: the cases of [sensitivity] (NPV, ERR,
    BCR) and a tornado chart of one-way changes (tornado.png).

    With --global: Sobol' indices of one output (--output) over the [uncertainty]
    parameters, from a Saltelli design of --samples rows, with a chart (sobol.png)."""
    if global_:
        from .uncertainty.sobol import DEFAULT_SAMPLES

        _sensitivity_global(scenario, out, sets, output,
                            DEFAULT_SAMPLES if samples is None else samples, scheduler, quiet)
        return
    given = [name for name, v in (("--output", output), ("--samples", samples),
                                  ("--scheduler", scheduler)) if v is not None]
    if given:
        raise click.UsageError(f"{', '.join(given)} go{'es' if len(given) == 1 else ''} "
                               "with --global")
    from .engine import run as run_scenario
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
    from .returns.tornado import one_way
    from .scenario import load_scenario

    sc = load_scenario(scenario, overrides=_overrides(sets))
    if check(sc) is None:
        raise ScenarioError(Problem(str(sc.path or scenario), "returns", "a [returns] table "
                                    "(spsim sensitivity varies the economic returns)",
                                    "nothing"))
    target = out or Path("outputs") / f"{sc.id}_sensitivity"
    start = time.perf_counter()
    ds = run_scenario(sc, uncertainty=False)  # the cases are deterministic
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
        "tornado.png": lambda p: tornado_plot(data, p, f"{sc.name}: one-way sensitivity of "
                                              "the NPV", currency, ds.attrs),
    })
    if not quiet:
        click.echo(text)
        click.echo(f"\nwrote {target}/ (sensitivity.txt, sensitivity.csv, tornado.csv, "
                   f"tornado.png) in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":  # pragma: no cover
    main()
