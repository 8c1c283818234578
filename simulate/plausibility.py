"""Plausibility checks that need the country profile, the population or the results,
and the collection of warnings during a run.

* :func:`preflight` (before anything is built): ``[macro] gdp`` against the profile's
  order of magnitude, the exchange rate's size and direction, ``gdp_year``, benefit
  amounts against GDP per person and float64 overflow, and the peak memory of the run
  against the memory available. Errors raise :class:`~simulate.errors.InputError`;
  warnings are returned.
* :func:`collect` / :func:`warn`: warnings found while the population is read and the
  run goes on (microdata) are gathered by the run that is collecting them; with
  ``strict`` the first one raises instead.
* :func:`results_problems` (after the projection): totals that are not finite are
  errors; a cost above :data:`MAX_COST_PCT_GDP` of GDP is a warning.
* :func:`attach` keeps the warnings in ``ds.attrs["warnings"]`` (one per line) and
  :func:`warning_lines` gives them to the summary.

Every threshold is here, and docs/validation.md lists them.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import (
    InputError,
    InputWarning,
    Problem,
    collect,
    warn,  # noqa: F401  (re-exported: plausibility.warn, as documented)
    warnings_text,
)

if TYPE_CHECKING:
    import xarray as xr

    from .population.profiles import Profile
    from .scenario import Scenario

#: a level ([macro] gdp, exchange_rate) this many times the profile's is refused: it is
#: a unit mistake (billions for units); so is an exchange rate nearer the inverse of the
#: profile's than the profile's (USD per LAK for LAK per USD)
REFUSE_FACTOR = 1e6
#: ... and this many times is a warning
WARN_FACTOR = 10.0
#: gdp_year may be this many years before start_year (GDP is moved to the horizon by
#: growth and inflation)
GDP_YEAR_BEFORE = 5
#: a benefit a year per beneficiary above this many times GDP per person is a warning
#: (a lifetime benefit, period "once": 5 times more)
MAX_BENEFIT_GDP_PER_PERSON = 10.0
#: totals above this are refused before the run (float64 overflows at 1.8e308)
MAX_TOTAL = 1e300
#: a year's total cost above this share of GDP is a warning: no programme reaches it
MAX_COST_PCT_GDP = 0.5
#: peak bytes per record of a run (measured 239 B/record, docs/performance.md, rounded
#: up) and the memory of the process besides the records
BYTES_PER_RECORD = 300
BASE_BYTES = 1 << 30
#: records added by births a year, as a share of the base records (an upper bound: the
#: crude birth rates of the shipped profiles are below 3%)
BIRTHS_PER_YEAR = 0.03

def _times(ratio: float) -> str:
    return f"{ratio:.3g} times" if ratio >= 1 else f"1/{1 / ratio:.3g} of"


def _level(scenario: Scenario, key: str, value: float, reference: float, what: str,
           inverse_hint: str = "") -> Problem | None:
    """An error or a warning when ``value`` is far from ``reference`` (or near its
    inverse: ``inverse_hint``)."""
    if not (value > 0 and reference > 0):
        return None
    ratio = value / reference
    far = max(ratio, 1 / ratio)
    if far < WARN_FACTOR:
        return None
    where = scenario.where(key)
    expected = f"a value near {reference:.4g}, {what}"
    if inverse_hint and reference > WARN_FACTOR and abs(
            math.log(value * reference)) < abs(math.log(ratio)):
        return Problem(where, key, expected, f"{value:.4g}, about its inverse 1/{1 / value:.4g}",
                       inverse_hint)
    found = f"{value:.4g} ({_times(ratio)} it)"
    if far >= REFUSE_FACTOR:
        digits = -round(math.log10(ratio) / 3) * 3
        hint = (f"a unit mistake? {value:.4g} x 1e{digits} = {value * 10.0 ** digits:.4g}"
                if digits else "")
        return Problem(where, key, expected + f", within a factor of {REFUSE_FACTOR:g}",
                       found, hint)
    return InputWarning(where, key, expected + f", within a factor of {WARN_FACTOR:g}", found)


def macro_checks(scenario: Scenario, profile: Profile) -> list[Problem]:
    """[macro] gdp, gdp_year and exchange_rate against the profile (errors and warnings)."""
    from .fiscal import macro_path
    from .scenario.paths import YearPath

    out: list[Problem] = []
    macro = scenario.macro
    start, end = scenario.start_year, scenario.end_year
    gdp_year = macro.get("gdp_year")
    if gdp_year is not None and not start - GDP_YEAR_BEFORE <= gdp_year <= end:
        out.append(InputWarning(
            scenario.where("macro.gdp_year"), "macro.gdp_year",
            f"a year from {start - GDP_YEAR_BEFORE} to {end} (GDP is moved from gdp_year to "
            "each year by growth and inflation)", str(gdp_year)))
    if "gdp" in macro:
        year = int(gdp_year if gdp_year is not None else start)
        # the profile's GDP moved to that year by the profile's own growth and inflation
        profile_only = _without_macro(scenario)
        ref = float(macro_path(profile_only, profile, np.array([year])).gdp[0])
        found = _level(scenario, "macro.gdp", float(macro["gdp"]), ref,
                       f"the profile's GDP of {year} in {profile.currency}")
        if found is not None:
            out.append(found)
    if "exchange_rate" in macro:
        path = YearPath.from_value(macro["exchange_rate"])
        for year, value in path.points:
            at = year if path.points[0][0] != 0 else start  # a constant path
            key = "macro.exchange_rate" + (f".{year}" if not path.is_constant or year else "")
            ref = float(profile.exchange_rate.at(at))
            found = _level(scenario, key, value, ref,
                           f"the profile's rate ({profile.currency} per USD)",
                           f"local currency per US dollar ({profile.currency} per USD), "
                           f"not USD per {profile.currency}")
            if found is not None:
                out.append(found)
    return out


def poverty_checks(scenario: Scenario, profile: Profile) -> list[Problem]:
    """``poverty.line`` and each programme's ``targeting.poverty_line`` against the
    profile's poverty line in start_year prices (errors and warnings as for GDP)."""
    from .fiscal import macro_path

    try:
        index = macro_path(scenario, profile, np.array([profile.base_year])).price_index[0]
    except InputError:
        return []  # reported by the run's own checks
    ref = profile.poverty_line / float(index)
    what = f"the profile's poverty line in {scenario.start_year} prices ({profile.currency} "            "per person per year)"
    lines = [("poverty.line", scenario.section("poverty").get("line"))]
    lines += [(f"programmes.{p.id}.targeting.poverty_line", p.targeting.poverty_line)
              for p in scenario.programmes]
    out = []
    for key, value in lines:
        if value is not None:
            found = _level(scenario, key, float(value), ref, what)
            if found is not None:
                out.append(found)
    return out


def _without_macro(scenario: Scenario) -> Scenario:
    from dataclasses import replace
    from types import MappingProxyType

    return replace(scenario, macro=MappingProxyType({}))


def amount_checks(scenario: Scenario, profile: Profile) -> list[Problem]:
    """Benefit amounts against GDP per person (warning) and float64 overflow of the
    totals (error)."""
    from .fiscal import macro_path

    out: list[Problem] = []
    years = np.arange(scenario.start_year, scenario.end_year + 1)
    try:
        macro = macro_path(scenario, profile, years)
    except InputError:
        return out  # reported by the run's own checks
    with np.errstate(over="ignore", invalid="ignore"):
        gdp_pc = float(macro.gdp[0]) / profile.total_population
        prices = float(np.max(macro.price_index))
    people = profile.total_population * 10  # an upper bound over the horizon
    for p in scenario.programmes:
        b = p.benefit
        key = f"programmes.{p.id}.benefit"
        per_year = 1 if b.period == "once" else b.payments_per_year
        amounts = {"amount": b.amount, "guaranteed_minimum": b.guaranteed_minimum,
                   "maximum": b.maximum,
                   "normative_cost": max(b.normative_cost) if b.normative_cost else None}
        for name, value in amounts.items():
            if value is None or value == 0:
                continue
            yearly = value * per_year
            total = yearly * people * prices
            if not math.isfinite(total) or total > MAX_TOTAL:
                out.append(Problem(scenario.where(f"{key}.{name}"), f"{key}.{name}",
                                   "an amount whose totals fit in a float64 (below 1e300 "
                                   f"{profile.currency} a year)", f"{value:g}",
                                   "a unit mistake?"))
                continue
            limit = MAX_BENEFIT_GDP_PER_PERSON * (5 if b.period == "once" else 1)
            if gdp_pc > 0 and yearly > limit * gdp_pc:
                out.append(InputWarning(
                    scenario.where(f"{key}.{name}"), f"{key}.{name}",
                    f"an amount below {limit:g} times GDP per person ({gdp_pc:,.0f} "
                    f"{profile.currency} a year)",
                    f"{value:g} per {b.period} ({yearly / gdp_pc:,.3g} times GDP per person)"))
        admin = p.admin
        for name, value in (("per_beneficiary_year", admin.per_beneficiary_year),
                            ("fixed_year", max(v for _, v in admin.fixed_year.points)),
                            ("setup", max((v for _, v in admin.setup), default=0.0))):
            scale = people if name == "per_beneficiary_year" else 1.0
            total = value * scale * prices
            if not math.isfinite(total) or total > MAX_TOTAL:
                out.append(Problem(scenario.where(f"programmes.{p.id}.admin.{name}"),
                                   f"programmes.{p.id}.admin.{name}", "an amount whose "
                                   "totals fit in a float64", f"{value:g}", "a unit mistake?"))
    return out


def available_memory() -> int | None:
    """Bytes of memory this process can still use: MemAvailable, capped by a cgroup
    limit; None when unknown."""
    avail: int | None = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            avail = None
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as fh:
            used = int(fh.read().strip())
        if limit != "max":
            left = int(limit) - used
            avail = left if avail is None else min(avail, left)
    except (OSError, ValueError):
        pass
    return avail


def estimated_peak(scenario: Scenario) -> int:
    """Bytes a run of ``scenario`` needs at its peak: base records plus births over the
    horizon, times BYTES_PER_RECORD, plus BASE_BYTES (a synthetic population; for
    microdata the records are the file's rows)."""
    years = scenario.end_year - scenario.start_year + 1
    records = scenario.records * (1 + BIRTHS_PER_YEAR * years)
    return int(records * BYTES_PER_RECORD + BASE_BYTES)


#: peak bytes of reading microdata per byte of the file (Python text cells, then
#: arrays): CSV, and Parquet (compressed)
MICRODATA_BYTES_PER_BYTE = {"csv": 12, "parquet": 60}


def microdata_memory_check(scenario: Scenario) -> Problem | None:
    """An error when reading the scenario's microdata file would need more memory than
    is available (estimated from the file's size)."""
    from pathlib import Path

    src = Path(scenario.population_source)
    path = src if src.is_absolute() else scenario.base_dir / src
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reported when the file is read
    kind = "csv" if path.suffix.lower() == ".csv" else "parquet"
    need = size * MICRODATA_BYTES_PER_BYTE[kind] + BASE_BYTES
    have = available_memory()
    if have is None or need <= have:
        return None
    return Problem(
        scenario.where("population.source"), "population.source",
        f"a microdata file that can be read in the {have / 2**30:.1f} GiB of memory "
        "available", f"{size / 2**20:,.0f} MiB of {kind.upper()} (about "
        f"{need / 2**30:.1f} GiB to read)",
        "use a sample of households (their weights scaled up to the national total), "
        "fewer columns, or a machine with more memory")


def memory_check(scenario: Scenario) -> Problem | None:
    """An error when the run's estimated peak memory exceeds the memory available."""
    if scenario.population_source != "synthetic":
        return microdata_memory_check(scenario)
    need = estimated_peak(scenario)
    have = available_memory()
    if have is None or need <= have:
        return None
    fit = max(0, int((have - BASE_BYTES) / BYTES_PER_RECORD
                     / (1 + BIRTHS_PER_YEAR * (scenario.end_year - scenario.start_year + 1))))
    return Problem(
        scenario.where("population.records"), "population.records",
        f"a population that fits in the {have / 2**30:.1f} GiB of memory available (at most "
        f"about {fit:,} records over these {scenario.end_year - scenario.start_year + 1} "
        "years)",
        f"{scenario.records:,} (about {need / 2**30:.1f} GiB at the peak, "
        f"{BYTES_PER_RECORD} bytes a record with births)",
        "use fewer records (the weights scale them to the national population), run the "
        "analysis in chunks (a shorter horizon, fewer programmes at a time, or several "
        "seeds with fewer records each), or run on a machine or cluster node with more "
        "memory")


def preflight(scenario: Scenario) -> list[InputWarning]:
    """Every check of :mod:`simulate.plausibility` that needs only the scenario and its
    profile; raises :class:`InputError` with the errors, returns the warnings."""
    from .population.history import profile_for_year
    from .population.profiles import load_profile

    found: list[Problem] = []
    memory = memory_check(scenario)
    if memory is not None:
        found.append(memory)
    profile = load_profile(scenario.country, scenario.base_dir,
                           scenario.where("scenario.country"))
    try:  # an earlier start year: the profile rebased as the run will (population/history.py)
        profile = profile_for_year(profile, scenario.start_year, needs_population=False)
    except InputError:
        pass  # a start year the profile does not cover: the run's own check says so
    found += macro_checks(scenario, profile)
    found += poverty_checks(scenario, profile)
    found += amount_checks(scenario, profile)
    errors = [p for p in found if not isinstance(p, InputWarning)]
    if errors:
        raise InputError(errors)
    return [p for p in found if isinstance(p, InputWarning)]


def _costliest(ds: xr.Dataset, scenario: Scenario, year_index: int) -> str:
    """The key of the benefit of the programme costing most in a year."""
    ids = [p.id for p in scenario.programmes]
    if "cost" in ds and "programme" in ds["cost"].dims and ids:
        cost = ds["cost"].isel(year=year_index)
        other = [d for d in cost.dims if d != "programme"]
        values = np.nan_to_num(np.asarray(cost.max(other).values if other else cost.values,
                                          dtype=float), nan=np.inf)
        pid = str(ds["programme"].values[int(np.argmax(values))])
        if pid in ids:
            return f"programmes.{pid}.benefit"
    return f"programmes.{ids[0]}.benefit" if ids else "programmes"


def results_problems(ds: xr.Dataset, scenario: Scenario) -> list[Problem]:
    """Infinite results and non-finite total costs or GDP (errors), and total costs above
    MAX_COST_PCT_GDP of GDP (warnings) in a results Dataset, named after the costliest
    programme's benefit (NaN elsewhere is by design: a ratio without a denominator)."""
    out: list[Problem] = []
    # the arrays read from the Dataset's variables (no DataArray made per variable)
    variables = ds.variables
    floats = [(str(n), variables[n].values) for n in ds.data_vars
              if variables[n].dtype.kind == "f"]
    infinite = [n for n, values in floats if bool(np.isinf(values).any())]
    names = [n for n in ("total_cost", "gdp") if n in infinite or (
        n in variables and not bool(np.isfinite(variables[n].values).all()))]
    if infinite and not names:
        out.append(Problem(str(scenario.path or scenario.id), "results", "finite results "
                           "(amounts whose totals fit in a float64)", "inf in "
                           + ", ".join(infinite[:5]), "a unit mistake in an amount?"))
    for name in names:
        var = ds[name]
        bad_cells = ~np.isfinite(var)
        others = [d for d in var.dims if d != "year"]
        bad = np.flatnonzero(np.asarray(bad_cells.any(others).values if others
                                        else bad_cells.values).reshape(-1))
        key = _costliest(ds, scenario, int(bad[0])) if name == "total_cost" else "macro"
        out.append(Problem(scenario.where(key), key, f"amounts whose totals are finite "
                           f"({name} is not)", f"{name} = inf or nan in "
                           f"{int(ds['year'].values[bad[0]])}",
                           "a unit mistake in an amount or in [macro]?"))
    if "total_cost_pct_gdp" in ds:
        var = ds["total_cost_pct_gdp"]
        others = [d for d in var.dims if d != "year"]  # draws: the largest of each year
        share = np.asarray((var.max(others) if others else var).values, dtype=float)
        with np.errstate(invalid="ignore"):
            high = np.flatnonzero(share > MAX_COST_PCT_GDP)
        if high.size:
            y = int(ds["year"].values[high[0]])
            key = _costliest(ds, scenario, int(high[0]))
            out.append(InputWarning(
                scenario.where(key), key,
                f"a cost below {MAX_COST_PCT_GDP:.0%} of GDP (no programme reaches it)",
                f"a total cost of {share[high[0]]:.4g} x GDP in {y}"
                + (f" and {high.size - 1} more years" if high.size > 1 else ""),
                "check the benefit amounts, their period and [macro] gdp"))
    return out


def attach(ds: xr.Dataset, warnings: list[InputWarning] | tuple[InputWarning, ...]
           ) -> xr.Dataset:
    """``ds`` with ``attrs["warnings"]``: the warnings one per line ('' when none)."""
    ds.attrs["warnings"] = warnings_text(list(warnings))
    return ds


def warning_lines(ds: xr.Dataset) -> list[str]:
    """The summary's lines about warnings: a heading and one ``warning: ...`` line
    each, or nothing."""
    text = str(ds.attrs.get("warnings", "") or "")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    return ["", f"Warnings ({len(lines)}; --strict makes them errors):",
            *(f"  warning: {line}" for line in lines)]


def run_checked(scenario: Scenario, strict: bool, body: Any) -> xr.Dataset:
    """Run ``body()`` (which returns a results Dataset) with every check of this module:
    the scenario's own warnings, :func:`preflight` before, the population's warnings
    during and :func:`results_problems` after; the warnings end in ``ds.attrs``.
    ``strict`` turns every warning into an error (raised before any file is written)."""
    found = list(scenario.warnings)
    found += preflight(scenario)
    if strict and found:
        raise InputError(found)
    with collect(strict) as during:
        ds = body()
    found += [w for w in during if w not in found]
    after = results_problems(ds, scenario)
    errors = [p for p in after if not isinstance(p, InputWarning)]
    if errors:
        raise InputError(errors)
    found += [w for w in after if isinstance(w, InputWarning)]
    if strict and found:
        raise InputError(found)
    return attach(ds, found)
