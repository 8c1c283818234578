"""What a run answers, in plain words, and which years a summary shows.

:func:`headlines` gives the numbers a reader asks first, each with its year: the cost
at full scale, the peak cost as a share of GDP, the financing gap, the NPV, the
poverty reduction. :func:`answer_lines` says them in sentences (the first lines of
the printed summary and of report.html).

:func:`default_years` picks the years a summary shows: the first year, the
milestones where something changes (a programme starts, stops or reaches 95 % of
its highest number of beneficiaries; the package reaches full scale; a financing
source starts or stops; the gap opens or closes; the peak cost
share of GDP) and the last year. :func:`parse_years` reads ``--years``.

Definitions (docs/results.md): *full scale* is the first year in which every
programme's roll-out reaches its highest value (the scenario's ``rollout`` paths);
without them, the first year the coverage of all programmes together (beneficiaries
/ eligible) reaches 95 % of its highest value; the *gap* is total cost - total
financing (negative: a surplus).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import InputError, Problem
from .common import money_text as _money
from .style import money, percent

#: share of the highest coverage (all programmes) that counts as full scale
FULL_SCALE = 0.95
#: most milestone years a default summary shows (besides the first and last year)
MAX_MILESTONES = 10


@dataclass(frozen=True)
class Headline:
    """A headline number: ``label``, the value as text, its ``year`` (None for a
    figure over the horizon) and a sentence saying it."""

    label: str
    value: str
    year: int | None
    sentence: str


def _years(ds: xr.Dataset) -> list[int]:
    return [int(y) for y in ds["year"].values]


def _total(ds: xr.Dataset, var: str) -> np.ndarray:
    return np.nansum(ds[var].transpose("year", ...).values.reshape(ds.sizes["year"], -1),
                     axis=1)


def rollout_full_year(ds: xr.Dataset) -> int | None:
    """The first year in which every programme's roll-out reaches its highest value,
    from the resolved scenario (attribute ``scenario``); None when it cannot be read."""
    import tomllib

    try:
        doc = tomllib.loads(str(ds.attrs.get("scenario") or ""))
    except tomllib.TOMLDecodeError:
        return None
    programmes = doc.get("programmes")
    if not isinstance(programmes, dict) or not programmes:
        return None
    years = _years(ds)
    out = years[0]
    for pid in ds["programme"].values:
        path = (programmes.get(str(pid)) or {}).get("rollout", 1.0)
        if isinstance(path, dict) and path:
            try:
                points = sorted((int(k), float(v)) for k, v in path.items())
            except (TypeError, ValueError):
                return None
            top = max(v for _, v in points)
            out = max(out, next(y for y, v in points if v >= top))
    return min(out, years[-1])


def full_scale_year(ds: xr.Dataset) -> int:
    """The year the package reaches full scale: the first year every programme's
    roll-out reaches its highest value (:func:`rollout_full_year`); failing that, the
    first year the coverage of all programmes together (beneficiaries / eligible,
    summed over programmes) reaches FULL_SCALE of its highest value."""
    by_rollout = rollout_full_year(ds)
    if by_rollout is not None:
        return by_rollout
    ben = _total(ds, "beneficiaries")
    eligible = _total(ds, "eligible")
    years = _years(ds)
    cov = np.divide(ben, eligible, out=np.zeros_like(ben), where=eligible > 0)
    if not np.isfinite(cov).any() or np.nanmax(cov) <= 0:
        return years[0]
    return years[int(np.argmax(cov >= FULL_SCALE * np.nanmax(cov)))]


def _mean_value(ds: xr.Dataset, name: str) -> float:
    da = ds[name]
    return float(da.mean("draw").values) if "draw" in da.dims else float(da.values)


def fund_headline(ds: xr.Dataset) -> Headline | None:
    """The required fund capital at the target probability, the closed form and the
    risk of the capital simulated (None without a fund plan): the first headline of a
    run with ``[fund]`` (docs/fund.md)."""
    if "fund_required_capital" not in ds or "fund_balance" not in ds:
        return None
    p = float(ds.attrs.get("fund_target_probability", float("nan")))
    currency = str(ds.attrs.get("currency", ""))
    required = money(_mean_value(ds, "fund_required_capital"), currency)
    text = (f"The fund needs an initial capital of {required} to pay every year with "
            f"probability {p:.0%}")
    closed = _mean_value(ds, "fund_required_capital_deterministic") \
        if "fund_required_capital_deterministic" in ds else float("nan")
    if np.isfinite(closed):
        text += f" ({money(closed, currency)} with returns at their mean)"
    dry = percent(_mean_value(ds, "fund_depletion_probability_horizon"))
    if ds.attrs.get("fund_capital_solved"):
        text += f"; with it, it runs dry within the horizon on {dry} of the return paths."
    else:
        text += (f"; with its initial capital of "
                 f"{money(_mean_value(ds, 'fund_simulated_capital'), currency)} it runs dry "
                 f"within the horizon on {dry} of the return paths.")
    return Headline(f"Required fund capital, {p:.0%} solvency", required, None, text)


def headlines(ds: xr.Dataset) -> list[Headline]:
    """The headline numbers of a run (a run with draws: pass the mean over draws); with
    a fund plan, its required capital first."""
    currency = str(ds.attrs.get("currency", ""))
    years = _years(ds)
    fund = fund_headline(ds)
    out: list[Headline] = [fund] if fund else []
    cost = _total(ds, "cost")
    y_full = full_scale_year(ds)
    i = years.index(y_full)
    usd = _total(ds, "cost_usd")[i] if "cost_usd" in ds else float("nan")
    share = float(ds["total_cost_pct_gdp"].values[i]) if "total_cost_pct_gdp" in ds else \
        float(np.nansum(ds["cost_pct_gdp"].values[i]))
    ben = _total(ds, "beneficiaries")[i]
    if not (np.isfinite(cost) & (cost != 0)).any():
        out.append(Headline(
            "Programme cost", money(0.0, currency), None,
            f"The programmes have no transfer or administration cost in this scenario; at "
            f"full scale ({y_full}) they reach {ben:,.0f} beneficiaries."))
    else:
        out.append(Headline(
            "Cost at full scale", money(float(cost[i]), currency), y_full,
            f"At full scale ({y_full}) the programmes cost "
            f"{money(float(cost[i]), currency)} a year (USD {money(float(usd))}, "
            f"{percent(share)} of GDP) and reach {ben:,.0f} beneficiaries."))
    pct = ds["total_cost_pct_gdp"].values if "total_cost_pct_gdp" in ds else \
        np.nansum(ds["cost_pct_gdp"].values, axis=1)
    if (np.isfinite(pct) & (pct != 0)).any():
        k = int(np.nanargmax(pct))
        out.append(Headline("Peak cost, % of GDP", percent(float(pct[k])), years[k],
                            f"The cost peaks at {percent(float(pct[k]))} of GDP in "
                            f"{years[k]}."))
    if "envelope" in ds:
        over = [y for y, c, e in zip(years, cost, ds["envelope"].values, strict=True)
                if np.isfinite(e) and c > e]
        out.append(Headline(
            "Years above the fiscal envelope", str(len(over)), over[0] if over else None,
            f"The cost exceeds the fiscal envelope in {len(over)} year(s), first in "
            f"{over[0]}." if over else "The cost stays within the fiscal envelope in every "
            "year."))
    if "financing_gap" in ds:
        gap = ds["financing_gap"].values
        positive = np.where(np.isfinite(gap) & (gap > 0), gap, 0.0)
        if positive.any():
            k = int(np.argmax(positive))
            first = years[int(np.argmax(positive > 0))]
            out.append(Headline(
                "Largest financing gap", money(float(positive[k]), currency), years[k],
                f"Financing leaves a gap from {first}: the largest is "
                f"{money(float(positive[k]), currency)} in {years[k]} "
                f"({percent(float(ds['financing_gap_pct_gdp'].values[k]))} of GDP); "
                f"{money(float(positive.sum()), currency)} over {years[0]}-{years[-1]}."))
        else:
            out.append(Headline("Largest financing gap", money(0.0, currency), None,
                                "The declared financing covers the cost in every year "
                                "(no gap)."))
    if "npv" in ds:
        cases = [str(c) for c in ds["sensitivity"].values]
        b = cases.index("base") if "base" in cases else 0
        npv = float(ds["npv"].values[b])
        a = ds["npv"].attrs
        rate = float(a.get("discount_rate", float("nan")))
        bcr = float(ds["bcr"].values[b]) if "bcr" in ds else float("nan")
        unit = str(a.get("units", currency)).replace(
            "of start_year", f"at {ds.attrs.get('start_year', '')} prices")
        out.append(Headline(
            "Net present value", money(npv, unit), None,
            f"At a {100 * rate:g}% discount rate the net present value is "
            f"{money(npv, unit)}" + (f" (benefit-cost ratio {bcr:.2f})." if np.isfinite(bcr)
                                      else ".")))
    if "poverty_headcount" in ds:
        pov = ds["poverty_headcount"].transpose("year", "stage").values
        stages = [str(s) for s in ds["stage"].values]
        if {"before", "after"} <= set(stages):
            b, a_ = stages.index("before"), stages.index("after")
            drop = pov[i, b] - pov[i, a_]
            lifted = float(ds["poor_persons"].transpose("year", "stage").values[i, b]
                           - ds["poor_persons"].transpose("year", "stage").values[i, a_])
            if not drop > 0:
                out.append(Headline("Poverty reduction", "none", y_full,
                                    f"In {y_full} the transfers leave the poverty headcount "
                                    f"at {percent(float(pov[i, b]))}."))
                return out
            out.append(Headline(
                "Poverty reduction", f"{100 * drop:.2f} points", y_full,
                f"In {y_full} the transfers lower the poverty headcount by "
                f"{100 * drop:.2f} percentage points ({percent(float(pov[i, b]))} -> "
                f"{percent(float(pov[i, a_]))}), {lifted:,.0f} persons above the line."))
    return out


def answer_lines(ds: xr.Dataset) -> list[str]:
    """The headline sentences, one per line."""
    return [h.sentence for h in headlines(ds)]


def _changes(values: np.ndarray) -> list[int]:
    """Indices where a series starts or stops being non-zero."""
    nz = np.isfinite(values) & (np.abs(values) > 0)
    out = []
    for k in range(len(nz)):
        if nz[k] and (k == 0 or not nz[k - 1]):
            out.append(k)
        if k > 0 and nz[k - 1] and not nz[k]:
            out.append(k)
    return out


def default_years(ds: xr.Dataset) -> list[int]:
    """First year, milestones (module doc) and last year, sorted."""
    years = _years(ds)
    idx: set[int] = {0, len(years) - 1}
    milestones: list[int] = []
    if "cost" in ds:
        cost = ds["cost"].transpose("year", ...).values.reshape(len(years), -1)
        ben = ds["beneficiaries"].transpose("year", ...).values.reshape(len(years), -1)
        for p in range(cost.shape[1]):
            milestones += _changes(cost[:, p])
            b = ben[:, p]
            if np.isfinite(b).any() and np.nanmax(b) > 0:
                milestones.append(int(np.argmax(b >= FULL_SCALE * np.nanmax(b))))
        milestones.append(years.index(full_scale_year(ds)))
    if "financing" in ds:
        fin = ds["financing"].transpose("year", "source").values
        for s in range(fin.shape[1]):
            milestones += _changes(fin[:, s])
    if "financing_gap" in ds:
        gap = ds["financing_gap"].values
        milestones += _changes(np.where(gap > 0, gap, 0.0))
    if "total_cost_pct_gdp" in ds and np.isfinite(ds["total_cost_pct_gdp"].values).any():
        milestones.append(int(np.nanargmax(ds["total_cost_pct_gdp"].values)))
    for k in dict.fromkeys(milestones):
        if len(idx) >= MAX_MILESTONES + 2:
            break
        idx.add(k)
    if len(idx) < 4 and len(years) > 4:  # nothing changes: a few even steps
        step = max(1, (len(years) - 1) // 4)
        idx |= set(range(0, len(years), step))
    return [years[k] for k in sorted(idx)]


def parse_years(text: str, available: list[int]) -> list[int]:
    """``--years``: ``2025,2030,2040-2045`` -> the years, checked against the run's."""
    out: list[int] = []
    problem = Problem("--years", "--years", f"years between {available[0]} and "
                      f"{available[-1]}, e.g. {available[0]},{available[-1]} or "
                      f"{available[0]}-{available[-1]}", repr(text))
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part[1:]:
                a, b = part.split("-", 1)
                lo, hi = int(a), int(b)
                if lo > hi:
                    raise ValueError
                out += list(range(lo, hi + 1))
            else:
                out.append(int(part))
        except ValueError:
            raise InputError(problem) from None
    if not out or any(y not in available for y in out):
        raise InputError(problem)
    return sorted(set(out))


def unseen_lines(ds: xr.Dataset, years: list[int]) -> list[str]:
    """A note for each programme and financing source that is zero in every year shown
    but not in some other year (so nothing non-zero is hidden by the choice of years)."""
    all_years = _years(ds)
    shown = [all_years.index(y) for y in years if y in all_years]
    currency = str(ds.attrs.get("currency", ""))
    out = []
    series: list[tuple[str, np.ndarray]] = []
    if "cost" in ds:
        labels = [str(x) for x in ds["programme_label"].values]
        cost = ds["cost"].transpose("year", "programme").values
        series += [(f"programme {lab}", cost[:, p]) for p, lab in enumerate(labels)]
    if "financing" in ds:
        labels = [str(x) for x in (ds["source_label"].values if "source_label" in ds
                                   else ds["source"].values)]
        fin = ds["financing"].transpose("year", "source").values
        series += [(f"financing source {lab}", fin[:, s]) for s, lab in enumerate(labels)]
    for name, v in series:
        nz = np.isfinite(v) & (v != 0)
        if nz.any() and not nz[shown].any():
            where = ", ".join(f"{_money(float(v[k]))} {currency} in {all_years[k]}"
                              for k in np.flatnonzero(nz)[:6])
            more = ", ..." if nz.sum() > 6 else ""
            out.append(f"note: {name} is 0 in the years shown, but {where}{more}")
    return out
