"""The fund in the run's outputs: report.html's section and charts, the Fund sheets of
tables.xlsx (== results.nc), the CSV files (one writer), the depletion warning, the
headline, and ``spsim fund``'s printed plan (== fund.txt)."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

from simulate.cli import main
from simulate.report import style

ROOT = Path(__file__).resolve().parent.parent
NSPF = ROOT / "scenarios" / "lao_nspf.toml"
#: a smaller run of lao_nspf.toml: fewer records and return paths, a shorter horizon
SMALL = ("--set", "population.records=2000", "--set", "scenario.end_year=2040")


def _invoke(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.fixture(scope="module")
def nspf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``spsim fund scenarios/lao_nspf.toml`` (no initial capital: the plan solves it):
    the output folder and what it printed."""
    out = tmp_path_factory.mktemp("nspf") / "plan"
    printed = _invoke("fund", str(NSPF), "--out", str(out), "--draws", "1000", *SMALL)
    return out, printed


@pytest.fixture(scope="module")
def dry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``spsim run`` of lao_nspf.toml with a small declared initial capital: the fund
    runs dry."""
    out = tmp_path_factory.mktemp("dry") / "run"
    _invoke("run", str(NSPF), "--out", str(out), "-q", *SMALL, "--set", "fund.draws=500",
            "--set", "fund.initial_capital=1e9")
    return out


def _ds(out: Path) -> xr.Dataset:
    return xr.open_dataset(out / "results.nc", engine="h5netcdf").load()


def test_report_has_the_fund_section_and_its_charts_once(nspf: tuple[Path, str]) -> None:
    out, _ = nspf
    html = (out / "report.html").read_text(encoding="utf-8")
    ds = _ds(out)
    assert '<section id="fund"><h2>Fund capitalisation plan</h2>' in html
    assert '<a href="#fund">Fund capitalisation plan</a>' in html
    for title, file in (("Fund balance over the return paths (fan chart)", "fund_balance.png"),
                        ("Required initial capital by probability of paying every year",
                         "fund_capital.png")):
        assert f'alt="{title}"' in html
        # embedded once (in the fund section, not again under "More charts")
        assert html.count(f"<code>{file}</code>") == 1
        assert (out / file).read_bytes().startswith(b"\x89PNG")
    section = html.split('<section id="fund">')[1].split("</section>")[0]
    assert 'alt="Fund balance' in section
    required = style.money(float(ds["fund_required_capital"]), "LAK")
    assert f"needs an initial capital of {required} to pay every year with probability 90%" \
        in section
    # each chart is one file: none written twice under another name
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert [p for p in pngs if "fund" in p] == ["fund_balance.png", "fund_capital.png"]
    # the headline (the first of "What this run answers") says the required capital
    answers = html.split('<section id="answers">')[1]
    assert answers.index("Required fund capital, 90% solvency") < answers.index(
        "Cost at full scale")


def test_fund_sheets_hold_the_numbers_of_results_nc(nspf: tuple[Path, str]) -> None:
    import openpyxl

    out, _ = nspf
    ds = _ds(out)
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    assert {"Fund", "Fund capital", "Fund indicators", "Costs", "Variables"} <= set(
        wb.sheetnames)
    rows = list(wb["Fund"].iter_rows(values_only=True))
    assert wb["Fund"].freeze_panes == "A3"
    header = [str(h) for h in rows[1]]
    body = rows[2:]
    assert [r[0] for r in body] == [int(y) for y in ds["year"].values]
    sources = [str(s) for s in ds["fund_source"].values]
    checked = 0
    for row in body:
        year = row[0]
        for s in sources:
            got = row[header.index(f"contribution: {s.replace('_', ' ')} [LAK]")]
            want = float(ds["fund_contributions"].sel(year=year, fund_source=s))
            assert got == pytest.approx(want, rel=1e-12, abs=1e-9)
            checked += 1
        for var, label in (("fund_bill", "fund's bill [LAK]"),
                           ("fund_payout", "fund payout at expected returns [LAK]"),
                           ("fund_balance_expected", "fund balance at expected returns [LAK]"),
                           ("fund_payg_cost_rate", "pay-as-you-go cost rate [%]")):
            assert row[header.index(label)] == pytest.approx(float(ds[var].sel(year=year)),
                                                              rel=1e-12, abs=1e-9), var
            checked += 1
        for q in (5, 25, 50, 75, 95):
            got = row[header.index(f"balance, {q}th percentile of the paths [LAK]")]
            want = float(ds["fund_balance_percentile"].sel(year=year, fund_percentile=q))
            assert got == pytest.approx(want, rel=1e-12)
            # and the percentile is that of the paths in results.nc
            assert got == pytest.approx(float(np.percentile(
                ds["fund_balance"].sel(year=year).values, q)), rel=1e-12)
            checked += 1
        got = row[header.index("probability of depletion by the year [%]")]
        assert got == pytest.approx(float(ds["fund_depletion_probability"].sel(year=year)),
                                    abs=1e-15)
    assert checked == len(body) * (len(sources) + 4 + 5)
    cap = list(wb["Fund capital"].iter_rows(min_row=3, values_only=True))
    np.testing.assert_allclose([r[0] for r in cap], ds["fund_probability"].values, rtol=1e-12)
    np.testing.assert_allclose([r[1] for r in cap],
                               ds["fund_required_capital_by_probability"].values, rtol=1e-12)
    ind = {r[1]: r for r in wb["Fund indicators"].iter_rows(min_row=3, values_only=True)}
    for var in ("fund_required_capital", "fund_required_capital_deterministic",
                "fund_depletion_probability_horizon", "fund_general_average_premium"):
        assert ind[var][3] == pytest.approx(float(ds[var]), rel=1e-12, abs=1e-15), var
    assert ind["fund_required_capital"][2] == "LAK"
    assert ind["fund_depletion_probability_horizon"][2] == "%"
    # the Variables sheet describes the fund_draw variables
    variables = {r[0]: r for r in wb["Variables"].iter_rows(min_row=3, values_only=True)}
    assert variables["fund_balance"][1] == "year, fund_draw"
    assert variables["fund_balance"][5] == "yes"


def test_csv_files_of_the_plan_go_through_the_one_writer(nspf: tuple[Path, str]) -> None:
    out, _ = nspf
    ds = _ds(out)
    with open(out / "fund_plan.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:2] == ["year", "contribution:government [LAK]"]
    assert "depletion_probability [%]" in rows[0] and "fund_payg_cost_rate [%]" in rows[0]
    for row in rows:
        year = int(row["year"])
        want = float(ds["fund_balance_percentile"].sel(year=year, fund_percentile=50))
        got = float(row["balance_p50 [LAK]"])
        # 6 significant digits (docs/results.md)
        assert got == pytest.approx(want, rel=5e-6)
        assert len(row["balance_p50 [LAK]"].replace("-", "").replace(".", "").strip("0")) <= 6
        assert float(row["depletion_probability [%]"]) == pytest.approx(
            100 * float(ds["fund_depletion_probability"].sel(year=year)), rel=5e-6, abs=1e-9)
    with open(out / "fund_capital.csv", encoding="utf-8") as fh:
        cap = list(csv.DictReader(fh))
    assert list(cap[0]) == ["probability [%]", "required_capital [LAK]"]
    assert [float(r["probability [%]"]) for r in cap] == pytest.approx(
        100 * ds["fund_probability"].values)
    with open(out / "fund_indicators.csv", encoding="utf-8") as fh:
        ind = {r["variable"]: r for r in csv.DictReader(fh)}
    assert float(ind["fund_required_capital"]["value"]) == pytest.approx(
        float(ds["fund_required_capital"]), rel=5e-6)
    # the long tables.csv is untouched by the fund's dimensions
    with open(out / "tables.csv", encoding="utf-8") as fh:
        long = list(csv.DictReader(fh))
    assert list(long[0]) == ["year", "programme", "label", "variable", "units", "value"]
    assert not any(r["variable"].startswith("fund") for r in long)


def test_spsim_fund_prints_fund_txt_and_the_headline_comes_first(
        nspf: tuple[Path, str]) -> None:
    out, printed = nspf
    text = (out / "fund.txt").read_text(encoding="utf-8").rstrip("\n")
    assert text in printed
    assert "solvent with probability 90% (target)" in text
    ds = _ds(out)
    required = float(ds["fund_required_capital"])
    # fund.txt, the summary and the report show the same number
    assert f"{required / 1e12:,.2f} tn" in text
    summary = (out / "summary.txt").read_text(encoding="utf-8").splitlines()
    first = next(line for line in summary if line.startswith("The "))
    assert first.startswith(f"The fund needs an initial capital of "
                            f"{style.money(required, 'LAK')} to pay every year with "
                            "probability 90%")
    assert "report.html" in printed and "tables.xlsx" in printed
    # the plan's capital solves the target: no depletion warning
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "The fund runs dry within" not in html and "warning: The fund" not in text


def test_the_warning_appears_when_the_fund_runs_dry(dry: Path) -> None:
    ds = _ds(dry)
    assert float(ds["fund_simulated_capital"]) == 1e9
    horizon = float(ds["fund_depletion_probability_horizon"])
    assert horizon > 0.1
    html = (dry / "report.html").read_text(encoding="utf-8")
    warnings = html.split('<section id="warnings">')[1].split("</section>")[0]
    assert "The fund runs dry within 2025-2040 on " + style.percent(horizon) in warnings
    assert "more than the 10.00% the target probability 90% allows" in warnings
    required = float(ds["fund_required_capital"])
    assert (f"initial capital 1.00 bn LAK is below the {style.money(required, 'LAK')} "
            "required") in warnings
    summary = (dry / "summary.txt").read_text(encoding="utf-8")
    assert "warning: The fund runs dry within" in summary
    assert "with its initial capital of 1.00 bn LAK it runs dry" in summary
    assert "warning: The fund runs dry within" in (dry / "fund.txt").read_text()


def test_fund_with_cost_draws_in_the_tables(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "nspf_draws.toml"
    path.write_text(f'extends = "{NSPF}"\n[uncertainty]\ndraws = 3\n'
                    '[uncertainty.parameters]\n"programmes.mecg.take_up" = '
                    '{ distribution = "uniform", low = 0.7, high = 1.0 }\n', encoding="utf-8")
    out = tmp_path / "out"
    _invoke("run", str(path), "--out", str(out), "-q", *SMALL, "--set", "fund.draws=60")
    ds = _ds(out)
    assert ds.sizes["draw"] == 3 and ds.sizes["fund_draw"] == 60
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    assert {"Fund", "Uncertainty", "Costs"} <= set(wb.sheetnames)
    rows = list(wb["Fund"].iter_rows(values_only=True))
    header = [str(h) for h in rows[1]]
    k = header.index("fund's bill [LAK]")
    np.testing.assert_allclose([r[k] for r in rows[2:]],
                               ds["fund_bill"].mean("draw").values, rtol=1e-12)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<section id="fund">' in html and '<section id="uncertainty">' in html
    assert (out / "uncertainty.csv").exists() and (out / "fund_plan.csv").exists()


def _module_imports(path: Path) -> set[str]:
    """simulate.report modules imported at the top level of ``path``."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found |= {a.name for a in node.names}
    return found


def test_report_modules_import_one_way() -> None:
    """No cycle among the module-level imports of simulate/report (fund_hooks registers
    the fund from outside the modules whose hooks it fills)."""
    folder = ROOT / "simulate" / "report"
    graph = {p.stem: _module_imports(p) for p in folder.glob("*.py") if p.stem != "__init__"}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join([*trail, node, nxt]))
            if nxt in graph and not state.get(nxt):
                visit(nxt, [*trail, node])
        state[node] = 2

    for name in sorted(graph):
        if not state.get(name):
            visit(name, [])
    assert "fund_hooks" in graph["outputs"]
    assert not any("fund_hooks" in graph[m] for m in ("charts", "html", "runtables", "fund"))


def test_fund_report_renders_in_a_browser(nspf: tuple[Path, str], tmp_path: Path) -> None:
    """Optional (slow): Debian's chromium renders the report with the fund's fan chart
    (its bands' colours fill many pixels) and no console error."""
    import os
    import shutil
    import subprocess

    import matplotlib.image

    browser = next((shutil.which(n) for n in ("chromium", "chromium-browser",
                                              "google-chrome") if shutil.which(n)), None)
    if browser is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but no chromium: .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs "
                    "it): the fund report is not rendered in a browser here")
    out, _ = nspf
    shot = tmp_path / "shot.png"
    # a tall window: the fund section comes after the costs, coverage and poverty
    r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                        "--window-size=1200,14000", f"--screenshot={shot}",
                        (out / "report.html").as_uri()], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert [line for line in r.stderr.splitlines() if ":CONSOLE" in line] == []
    assert shot.exists(), r.stderr[-2000:]
    img = matplotlib.image.imread(shot)
    rgb = (img[..., :3] * 255).round().astype(int)

    def near(hex_colour: str) -> int:
        target = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int(np.sum(np.all(np.abs(rgb - target) <= 12, axis=-1)))

    # the fan chart's 25-75 % and 5-95 % bands (no other chart uses these blues)
    assert near("#6BAED6") > 5000 and near("#C6DBEF") > 5000
