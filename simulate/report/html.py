"""report.html: a self-contained, printable report of a run.

Everything is in the one file: the charts are SVG images embedded as data URIs,
the styles inline; no network, no JavaScript. The page prints on A4 (print CSS:
no page break inside a chart or a table row, headers repeated).

The report is a list of section builders (:data:`SECTIONS`): each takes a
:class:`Context` (the run's Dataset, its charts and tables) and returns the
section's HTML, or None when the Dataset lacks its data. A capability that adds
results (e.g. the fund, variables ``fund_*``) adds a section by appending a builder
to :data:`EXTRA_SECTIONS` (shown before the assumptions), its charts to
charts.EXTRA_CHARTS, its tables to runtables.EXTRA_TABLES and its warnings to
:data:`WARNING_CHECKS`, from a module of its own that none of these imports (the
fund: fund_hooks.py, imported by outputs.py).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from ..provenance import bases
from ..scenario.keys.outputs import DESCRIBED, left_out
from . import style
from .assumptions import assumptions
from .charts import ChartSet
from .draws import central, draw_summary, has_draws
from .headline import default_years, headlines
from .runtables import benefits, costs, financing, poverty, returns, targeting
from .tabular import Table
from .xlsx import source_texts


@dataclass
class Context:
    """What a section builder sees: the run (``ds``; ``mean`` is the mean over draws
    of a run with draws, else ``ds``), its charts and the years tables show."""

    ds: xr.Dataset
    charts: ChartSet
    mean: xr.Dataset = field(init=False)
    years: list[int] = field(init=False)
    #: the chart files embedded so far (the closing "More charts" shows the others)
    shown: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.mean = central(self.ds) if has_draws(self.ds) else self.ds
        self.years = default_years(self.mean)

    def figure(self, file: str) -> str:
        """The chart ``file`` (e.g. ``chart_cost_by_programme.png``) embedded, or ''."""
        for chart in self.charts.charts:
            if chart.file == file:
                r = self.charts.get(chart)
                self.shown.add(file)
                data = base64.b64encode(r.svg.encode("utf-8")).decode("ascii")
                return (f'<figure><img src="data:image/svg+xml;base64,{data}" '
                        f'alt="{_e(chart.title)}"><figcaption>{_e(chart.title)} '
                        f'(also <code>{_e(chart.file)}</code>)</figcaption></figure>')
        return ""


Section = Callable[[Context], "str | None"]
Check = Callable[[xr.Dataset], list[str]]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def cell(value: object, kind: str) -> str:
    """A value as the report shows it: money ``1.23 bn``, shares ``0.14%``, counts
    ``12,345``, ratios ``0.412``, text as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    x = float(value)  # type: ignore[arg-type]
    if not np.isfinite(x):
        return "-"
    if kind == "share":
        return style.percent(x)
    if kind == "money":
        return style.money(x)
    if kind == "count":
        return f"{x:,.0f}"
    if kind == "ratio":
        return f"{x:.3f}"
    if kind == "year":
        return str(int(x))
    return f"{x:,.6g}"


def table_html(table: Table, years: list[int] | None = None, caption: str = "") -> str:
    """``table`` as an HTML table (rows of ``years`` only when given)."""
    rows = [r for r in table.rows if years is None or r.get("year") in years]
    head = "".join(f"<th>{_e(c.label)}</th>" for c in table.columns)
    body = []
    for r in rows:
        cells = []
        for c in table.columns:
            kind = str(r.get("_kind", "number")) if c.kind == "row" else c.kind
            cls = "" if c.kind == "text" else ' class="n"'
            cells.append(f"<td{cls}>{_e(cell(r.get(c.key), kind))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = caption or table.title
    note = f" {table.note}" if table.note else ""
    return (f'<table><caption>{_e(cap)}{_e(note)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _section(anchor: str, title: str, *parts: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{"".join(p for p in parts if p)}</section>'


# --- warnings -------------------------------------------------------------------------


def _envelope_warnings(ds: xr.Dataset) -> list[str]:
    if "envelope" not in ds or "total_cost" not in ds:
        return []
    years = [int(y) for y in ds["year"].values]
    currency = str(ds.attrs.get("currency", ""))
    over = [(y, c - e) for y, c, e in zip(years, ds["total_cost"].values,
                                         ds["envelope"].values, strict=True)
            if np.isfinite(e) and c > e]
    if not over:
        return []
    worst = max(over, key=lambda t: t[1])
    return [f"The cost is above the fiscal envelope in {len(over)} year(s) "
            f"({over[0][0]}-{over[-1][0]}); most in {worst[0]}, by "
            f"{style.money(worst[1], currency)}."]


def _gap_warnings(ds: xr.Dataset) -> list[str]:
    if "financing_gap" not in ds:
        return []
    years = [int(y) for y in ds["year"].values]
    currency = str(ds.attrs.get("currency", ""))
    gap = ds["financing_gap"].values
    open_ = [(y, g) for y, g in zip(years, gap, strict=True) if np.isfinite(g) and g > 0]
    if not open_:
        return []
    worst = max(open_, key=lambda t: t[1])
    return [f"Financing gap in {len(open_)} year(s), first in {open_[0][0]}; largest "
            f"{style.money(worst[1], currency)} in {worst[0]}, "
            f"{style.money(sum(g for _, g in open_), currency)} in all (met by general "
            "borrowing in the debt path)."]


def _attribute_warnings(ds: xr.Dataset) -> list[str]:
    text = str(ds.attrs.get("warnings") or "")
    return [line.strip() for line in text.splitlines() if line.strip()]


#: warning checks, each ``ds -> lines``; a capability appends its own (e.g. fund depletion)
WARNING_CHECKS: list[Check] = [_envelope_warnings, _gap_warnings, _attribute_warnings]


def warnings_of(ds: xr.Dataset) -> list[str]:
    """Every warning line of a run (the mean over draws for a run with draws)."""
    return [line for check in WARNING_CHECKS for line in check(ds)]


# --- sections -------------------------------------------------------------------------


def _headline_section(ctx: Context) -> str:
    ds = ctx.mean
    items = "".join(
        f'<div class="kpi"><div class="kpi-label">{_e(h.label)}'
        f'{f" ({h.year})" if h.year is not None else ""}</div>'
        f'<div class="kpi-value">{_e(h.value)}</div></div>' for h in headlines(ds))
    sentences = "".join(f"<li>{_e(h.sentence)}</li>" for h in headlines(ds))
    return _section("answers", "What this run answers", f'<div class="kpis">{items}</div>',
                    f"<ul>{sentences}</ul>")


def _warnings_section(ctx: Context) -> str:
    lines = warnings_of(ctx.mean)
    if not lines:
        return _section("warnings", "Warnings", "<p>None: the cost stays within any "
                        "declared envelope and the declared financing covers it.</p>")
    items = "".join(f"<li>{_e(w)}</li>" for w in lines)
    return _section("warnings", "Warnings", f'<ul class="warn">{items}</ul>')


def _costs_section(ctx: Context) -> str:
    ds = ctx.mean
    t = costs(ds)
    total = Table(t.name, "All programmes by year", [c for c in t.columns
                                                      if c.key not in ("programme", "label",
                                                                       "coverage")],
                  [r for r in t.rows if r["programme"] == "total"])
    per = Table(t.name, "By programme, in the summary years", t.columns,
                [r for r in t.rows if r["programme"] != "total"])
    return _section("costs", "Cost", ctx.figure("chart_cost_by_programme.png"),
                    ctx.figure("chart_cost_share.png"), table_html(total),
                    table_html(per, ctx.years))


def _coverage_section(ctx: Context) -> str:
    return _section("coverage", "Beneficiaries and coverage",
                    ctx.figure("chart_beneficiaries.png"), ctx.figure("chart_coverage.png"))


def _financing_section(ctx: Context) -> str | None:
    t = financing(ctx.mean)
    if t is None:
        return None
    return _section("financing", "Financing", ctx.figure("chart_financing.png"),
                    table_html(t), ctx.figure("chart_debt.png"))


def _fiscal_section(ctx: Context) -> str | None:
    ds = ctx.mean
    if "total_cost_pct_gdp" not in ds or "financing" in ds:
        return None  # with financing, the debt chart is in the financing section
    return _section("fiscal", "Fiscal space", ctx.figure("chart_debt.png")) \
        if "debt_pct_gdp" in ds else None


def _poverty_section(ctx: Context) -> str | None:
    t = poverty(ctx.mean)
    if not t.rows:
        return None
    tt = targeting(ctx.mean)
    last = int(ctx.mean["year"].values[-1])
    return _section("poverty", "Poverty, inequality and targeting",
                    ctx.figure("chart_poverty.png"), table_html(t, ctx.years),
                    table_html(tt, [last], f"Targeting accuracy in {last}") if tt else "")


def _returns_section(ctx: Context) -> str | None:
    t = returns(ctx.mean)
    if t is None:
        return None
    b = benefits(ctx.mean)
    return _section("returns", "Economic returns", ctx.figure("chart_returns.png"),
                    table_html(t), table_html(b, ctx.years) if b else "")


def _uncertainty_section(ctx: Context) -> str | None:
    if not has_draws(ctx.ds):
        return None
    text = "\n".join(draw_summary(ctx.ds, ctx.years)).strip("\n")
    return _section("uncertainty", "Uncertainty", ctx.figure("uncertainty.png"),
                    f"<pre>{_e(text)}</pre>")


def _extra_charts_section(ctx: Context) -> str | None:
    """Charts registered by other capabilities that no section has shown."""
    rest = [c.file for c in ctx.charts.charts if c.file not in ctx.shown]
    if not rest:
        return None
    return _section("more-charts", "More charts", *(ctx.figure(f) for f in rest))


def _assumptions_section(ctx: Context) -> str | None:
    rows = assumptions(source_texts(ctx.ds))
    if not rows:
        return None
    body = "".join(
        f'<tr class="{"tbl" if r.key.startswith("[") else ""}"><td>{_e(r.file)}:{r.line}</td>'
        f"<td><code>{_e(r.key)}</code></td><td><code>{_e(r.value)}</code></td>"
        f"<td>{_e(r.source)}</td></tr>" for r in rows)
    table = ("<table class=\"assumptions\"><caption>Every value of the scenario file(s) with "
             "the source comment written beside or above it</caption><thead><tr><th>file:line"
             "</th><th>key</th><th>value</th><th>source</th></tr></thead>"
             f"<tbody>{body}</tbody></table>")
    return _section("assumptions", "Assumptions and their sources", table)


METHODS = """
<ul>
<li><b>Microsimulation.</b> {records} household-member records ({population}) are projected
year by year {start}-{end} (births, deaths, ageing; seed {seed}); each programme's
eligibility, take-up and roll-out are applied to each record, and the weighted records give
the eligible, the beneficiaries and the cost (docs/methods.md).</li>
<li><b>Money.</b> Nominal {currency} unless a header says otherwise; benefits indexed as the
scenario declares; USD at each year's exchange rate; cost = transfers + administration.</li>
<li><b>Shares.</b> Cost as a share of nominal GDP and of government revenue (macro path of
the country profile or the scenario: docs/fiscal.md); coverage = beneficiaries / eligible.</li>
<li><b>Financing.</b> Sources as declared in <code>[fiscal.financing]</code>, loans net of
their interest and repayments; gap = cost - financing (docs/fiscal.md).</li>
<li><b>Poverty.</b> Foster-Greer-Thorbecke indices and the Gini of welfare per capita over
persons, before and after transfers, poverty line in start-year prices (docs/methods.md).</li>
<li><b>Returns.</b> Economic benefit streams and costs at constant prices, discounted
(docs/returns.md). <b>Uncertainty:</b> Monte Carlo draws of the declared parameters, tables
show the mean over draws (docs/uncertainty.md).</li>
<li><b>Numbers.</b> Results are estimates from a sample of records; the CSV files round to 6
significant digits, tables.xlsx keeps full precision; variables: docs/results.md and the
"Variables" sheet of tables.xlsx.</li>
</ul>
"""


def _methods_section(ctx: Context) -> str:
    a = ctx.ds.attrs
    text = METHODS.format(records=f"{int(a.get('records', 0)):,}",
                          population=_e(a.get("population_source", "")),
                          start=a.get("start_year", ""), end=a.get("end_year", ""),
                          seed=a.get("seed", ""), currency=_e(a.get("currency", "")))
    off = left_out(a)  # [outputs] switched off: said where the methods are
    if off:
        files = {"poverty": "poverty.csv or poverty chart", "overlap": "overlap.csv"}
        what = [f"{DESCRIBED[k]}, so no {files[k]}" for k in ("poverty", "overlap")
                if k in off]
        note = (f"<li><b>Not computed.</b> This run leaves out {' and '.join(what)}: "
                + ", ".join(f"<code>outputs.{k} = false</code>" for k in sorted(off))
                + " in the scenario (docs/scenarios.md).</li>\n</ul>")
        text = text.rstrip().removesuffix("</ul>") + note
    return _section("methods", "Methods and conventions", text)


def _scenario_section(ctx: Context) -> str:
    a = ctx.ds.attrs
    parts = []
    main = str(a.get("scenario_original") or "")
    if main:
        parts.append(f"<h3>{_e(a.get('scenario_file', ''))} (as written; sha256 "
                     f"<code>{_e(a.get('scenario_original_sha256', ''))}</code>)</h3>"
                     f"<pre>{_e(main)}</pre>")
        for b in bases(dict(a)):
            parts.append(f"<h3>{_e(b.file)} (extended by the scenario; sha256 "
                         f"<code>{_e(b.sha256)}</code>)</h3><pre>{_e(b.text)}</pre>")
    parts.append(f"<h3>Resolved scenario (after <code>extends</code> and <code>--set</code>; "
                 f"sha256 <code>{_e(a.get('scenario_sha256', ''))}</code>): re-run it with "
                 f"<code>spsim run scenario.toml</code></h3><pre>{_e(a.get('scenario', ''))}"
                 "</pre>")
    return _section("scenario", "The scenario, for reproducibility", *parts)


#: the report's sections in order; EXTRA_SECTIONS go before the assumptions
SECTIONS: list[Section] = [_headline_section, _warnings_section, _costs_section,
                           _coverage_section, _financing_section, _fiscal_section,
                           _poverty_section, _returns_section, _uncertainty_section]
#: sections of capabilities that add results (e.g. the fund): builders ``ctx -> html|None``
EXTRA_SECTIONS: list[Section] = []
#: the closing sections
CLOSING: list[Section] = [_extra_charts_section, _assumptions_section, _methods_section,
                          _scenario_section]

CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;font-size:10.5pt;color:#222;
max-width:1100px;margin:1.5em auto;padding:0 1em;line-height:1.4}
h1{font-size:18pt;margin-bottom:.2em}h2{font-size:14pt;border-bottom:2px solid #4477AA;
padding-bottom:.15em;margin-top:1.6em}h3{font-size:11pt}
.meta{color:#555;font-size:9pt}
.kpis{display:flex;flex-wrap:wrap;gap:.6em}.kpi{border:1px solid #ccd;border-radius:4px;
padding:.5em .8em;min-width:12em}.kpi-label{font-size:8.5pt;color:#555}
.kpi-value{font-size:14pt;font-weight:bold;color:#224466}
ul.warn li{color:#8a1c1c}
figure{margin:1em 0;text-align:center}figure img{max-width:100%;height:auto}
figcaption{font-size:8.5pt;color:#555}
table{border-collapse:collapse;margin:1em 0;font-size:8.5pt;width:auto}
caption{text-align:left;font-weight:bold;padding:.3em 0}
th,td{border:1px solid #ccd;padding:.2em .45em;vertical-align:top}
th{background:#eef2f8}td.n{text-align:right;white-space:nowrap}
tr.tbl td{background:#f6f6f6;font-weight:bold}
table.assumptions td:nth-child(4){min-width:28em}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.6em;font-size:8pt;
white-space:pre-wrap;word-break:break-word}
nav a{margin-right:.8em}
@media print{body{max-width:none;margin:0;font-size:9pt}nav{display:none}
h2{break-after:avoid}figure,tr,.kpi{break-inside:avoid}thead{display:table-header-group}
a{color:inherit;text-decoration:none}@page{size:A4;margin:15mm}}
"""


def report_html(ds: xr.Dataset, charts: ChartSet | None = None) -> str:
    """The whole report as one HTML document (module doc)."""
    ctx = Context(ds, charts or ChartSet(ds))
    a = ds.attrs
    sections = []
    for build in [*SECTIONS, *EXTRA_SECTIONS, *CLOSING]:
        part = build(ctx)
        if part:
            sections.append(part)
    nav = "".join(
        f'<a href="#{s.split(chr(34))[1]}">{_e(s.split("<h2>")[1].split("</h2>")[0])}</a>'
        for s in sections if s.startswith('<section id="'))
    title = str(a.get("title", "")) or str(a.get("scenario_id", "Run"))
    meta = (f"{_e(str(a.get('country', '')).upper())}, {a.get('start_year', '')}-"
            f"{a.get('end_year', '')}; money in nominal {_e(a.get('currency', ''))} unless "
            f"stated; {_e(style.source_line(a))}")
    desc = f"<p>{_e(a.get('description', ''))}</p>" if a.get("description") else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><meta name=\"viewport\" content=\"width=device-width,"
            f"initial-scale=1\"><style>{CSS}</style></head><body>"
            f"<header><h1>{_e(title)}</h1><p class=\"meta\">{meta}</p>{desc}</header>"
            f"<nav>{nav}</nav>{''.join(sections)}"
            f"<footer class=\"meta\"><p>{_e(style.source_line(a))}. Written by "
            "<code>spsim run</code>; the numbers are in tables.xlsx, tables.csv and "
            "results.nc.</p></footer></body></html>\n")


def write_report(ds: xr.Dataset, path: Path, charts: ChartSet | None = None) -> None:
    """report.html of the run ``ds`` at ``path``."""
    Path(path).write_text(report_html(ds, charts), encoding="utf-8")
