"""The workbook recalculated by LibreOffice headless: its live formulas give the simulation's numbers,
and a changed wage moves each cost, the saving, the payback, the ROI and the NPV by what the cost
model predicts. Also its number formats, words and page setup (printed to PDF by LibreOffice).

LibreOffice recalculates every formula when it loads a file it did not write, so converting the
workbook xlsx -> xlsx and reading the copy with ``data_only=True`` reads LibreOffice's values (the
file openpyxl writes holds no cached values at all).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from simulator.analysis.costs import COST_COMPONENTS
from simulator.analysis.kpis import KPI_NAMES
from simulator.model.scenario import parse_scenario
from simulator.output.cost_sheet import cost_model_column
from simulator.output.report import write_compare_report
from simulator.output.workbook_cells import money_format
from simulator.studies import finance
from simulator.studies.compare import Comparison, compare
from simulator.studies.simulate import simulate
from test_report import tiny_dict

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs "
                                   "the Debian package libreoffice-calc-nogui")
OUTSOURCE = {"after_seconds": 30, "per_minute": 0.9, "minimum_monthly": 1500, "monthly_fee": 500, "investment": 10000}


def soffice(src: Path, out: Path, to: str) -> Path:
    """``src`` converted by LibreOffice headless (formulas recalculated on load) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", to,
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    return out / f"{src.stem}.{to}"


def named(wb, name: str):  # noqa: ANN001, ANN201
    """The value of a defined name's cell."""
    sheet, ref = wb.defined_names[name].attr_text.split("!")
    return wb[sheet.strip("'")][ref.replace("$", "")].value


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    """The tiny baseline, an IVR with a small investment (pays back) and an outsourcer (costs more)."""
    ivr = parse_scenario(tiny_dict("IVR", ivr={"containment": 0.3, "per_minute": 0.01, "investment": 3000}))
    oso = parse_scenario(tiny_dict("Outsourced", outsourced_overflow=OUTSOURCE))
    return compare(parse_scenario(tiny_dict("Baseline")), [ivr, oso], hold="staffing", workers=1, attribution=False)


@pytest.fixture(scope="module")
def report(comparison: Comparison, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wb")
    write_compare_report(comparison, out)
    return out


@pytest.fixture(scope="module")
def recalculated(report: Path) -> Path:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui")
    return soffice(report / "report.xlsx", report / "recalc", "xlsx")


@needs_soffice
def test_libreoffice_recalculates_the_simulations_numbers(report: Path, recalculated: Path,
                                                          comparison: Comparison) -> None:
    wb = load_workbook(recalculated, data_only=True)
    summary = pd.read_csv(report / "summary.csv").set_index(["scenario", "kpi"])["mean"]
    for j, res in enumerate([comparison.baseline, *comparison.results], start=1):
        assert named(wb, f"total_cost_{j}") == pytest.approx(summary[(res.name, "total_cost")], rel=1e-9)
        assert named(wb, f"cost_per_call_{j}") == pytest.approx(summary[(res.name, "cost_per_call")], rel=1e-9)
        assert abs(named(wb, f"difference_{j}")) < 1e-6, f"{res.name}: the cost model misses the simulation"
        for comp in COST_COMPONENTS:
            assert named(wb, f"{comp}_{j}") == pytest.approx(float(res.costs[comp].mean()), rel=1e-9, abs=1e-6), comp
    fin = pd.read_csv(report / "finance.csv")
    for j, r in enumerate(fin.to_dict("records"), start=2):
        assert named(wb, f"saving_month_{j}") == pytest.approx(r["savings_month"], rel=1e-9)
        assert named(wb, f"npv_3y_{j}") == pytest.approx(r["npv_3y"], rel=1e-9)
        assert named(wb, f"roi_3y_{j}") == pytest.approx(r["roi_3y"], rel=1e-9)
        pb = named(wb, f"payback_month_{j}")
        assert (pb == r["payback_month"]) if math.isfinite(r["payback_month"]) else pb.startswith("never")
    assert 0 < fin.loc[0, "payback_month"] < 36, "the IVR pays back: the test covers a finite payback"
    assert fin.loc[1, "savings_month"] < 0, "the outsourcer costs more: the test covers a loss"


@needs_soffice
def test_a_higher_wage_moves_cost_saving_payback_and_npv_as_the_cost_model_predicts(
        report: Path, comparison: Comparison) -> None:
    """10% more on the baseline's wage: its agent pay and overtime (linear in the wage) grow by 10%, so
    every scenario's saving grows by that much per month; payback, ROI and NPV follow finance's rules."""
    wb = load_workbook(report / "report.xlsx")
    sheet, ref = wb.defined_names["hourly_wage_1"].attr_text.split("!")
    cell = wb[sheet.strip("'")][ref.replace("$", "")]
    cell.value = 1.1 * cell.value
    changed = report / "changed" / "report.xlsx"
    changed.parent.mkdir()
    wb.save(changed)
    after = load_workbook(soffice(changed, report / "changed" / "recalc", "xlsx"), data_only=True)
    base = comparison.baseline
    per_month = base.scenario.costs.working_days_per_month / cost_model_column(base).days
    delta = 0.1 * float(base.costs["agent_labor"].mean() + base.costs["overtime"].mean()) * per_month
    assert named(after, "cost_per_month_1") == pytest.approx(float(base.costs["total_cost"].mean()) * per_month + delta)
    for j, r in enumerate(comparison.finance.to_dict("records"), start=2):
        saving = r["savings_month"] + delta
        assert named(after, f"saving_month_{j}") == pytest.approx(saving, rel=1e-9)
        flows = finance.constant_flows(saving)
        assert named(after, f"npv_3y_{j}") == pytest.approx(finance.npv(flows, r["investment"], r["discount_rate"]), rel=1e-9)
        assert named(after, f"npv_3y_{j}") > r["npv_3y"]
        pb = finance.payback_month(flows, r["investment"])
        got = named(after, f"payback_month_{j}")
        assert got == pb if pb is not None else str(got).startswith("never")
    assert named(after, "payback_month_2") < comparison.finance.loc[0, "payback_month"], "the IVR pays back sooner"


def test_the_vendor_minimum_top_up_makes_the_cost_model_check_zero() -> None:
    """The simulation applies the vendor's minimum per replication; the sheet's MAX sees mean volumes.
    With the minimum between the replications' usages, the top-up row is what closes the gap."""
    d = tiny_dict("Outsourced", outsourced_overflow={**OUTSOURCE, "minimum_monthly": 0.0})
    d["replications"] = 4
    res = simulate(parse_scenario(d), workers=1)
    usage = res.volumes["vendor_minutes"] * 0.9
    months = cost_model_column(res).days / res.scenario.costs.working_days_per_month
    assert usage.min() < usage.max(), "replications differ in outsourced minutes"
    d["levers"]["outsourced_overflow"]["minimum_monthly"] = float(usage.median()) / months
    res = simulate(parse_scenario(d), workers=1)
    col = cost_model_column(res)
    floor = float(usage.median())
    expected = float(usage.clip(lower=floor).mean() - max(float(usage.mean()), floor))
    assert col.minimum_topup == pytest.approx(expected) and col.minimum_topup > 0
    sheet_outsourcing = max(float(usage.mean()), floor) + col.minimum_topup + 500 * months
    assert sheet_outsourcing == pytest.approx(float(res.costs["outsourcing"].mean()), rel=1e-9)


def test_number_formats_and_words(report: Path) -> None:
    wb = load_workbook(report / "report.xlsx")
    assert wb.sheetnames[:4] == ["Ranking", "Summary", "Savings", "Cost model"]
    ws = wb["Summary"]
    header = [c.value for c in ws[2]]
    rows = {r[header.index("Figure")].value: r for r in ws.iter_rows(min_row=3) if r[0].value == "Baseline"}
    mean = header.index("Mean")
    assert rows["Service level"][mean].number_format == "0.0%"
    assert rows["Cost per answered call"][mean].number_format.startswith('"$"#,##0.00')
    assert rows["Total cost"][mean].number_format.startswith('"$"#,##0;')
    assert rows["Average speed of answer"][mean].number_format.endswith('" s"')
    assert wb["Savings"]["A1"].value.startswith("Savings and return against Baseline")
    roi = wb.defined_names["roi_3y_2"].attr_text.split("!")[1].replace("$", "")
    assert wb["Savings"][roi].number_format == '0.0"×"'
    assert money_format("CHF", 2) == '#,##0.00 "CHF";-#,##0.00 "CHF"' and money_format("EUR").startswith('"€"')


def test_no_identifier_is_shown_in_the_workbook(report: Path) -> None:
    """Every KPI and cost item reads as words: no snake_case name in a cell (formulas aside)."""
    names = set(KPI_NAMES) | set(COST_COMPONENTS) | {"total_cost", "cost_per_call", "savings_month", "npv_3y", "roi_3y",
                                                     "payback_month", "per_answered_call", "share_of_total", "ci95_low"}
    pattern = re.compile(r"\b(" + "|".join(sorted((n for n in names if "_" in n), key=len, reverse=True)) + r")\b")
    wb = load_workbook(report / "report.xlsx")
    shown = [(ws.title, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and not c.value.startswith("=") and pattern.search(c.value)]
    assert not shown, shown[:5]


@needs_soffice
def test_the_workbook_prints_with_labels_and_values_on_the_same_page(report: Path, tmp_path: Path) -> None:
    """Printed by LibreOffice: every sheet fits the page width, so each page holds whole rows (its
    labels with its values); the sheets of a three-scenario comparison print on a few pages."""
    from pypdf import PdfReader

    wb = load_workbook(report / "report.xlsx")
    for ws in wb.worksheets:
        assert ws.print_title_rows and ws.print_area and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToHeight == 0 and ws.page_setup.fitToWidth >= 1, ws.title
    assert wb["Replications"].page_setup.orientation == "landscape"
    pdf = PdfReader(str(soffice(report / "report.xlsx", tmp_path, "pdf")))
    texts = [p.extract_text() for p in pdf.pages]
    model = [t for t in texts if "Cost per answered call" in t and "Cost model" in t]
    assert model, "the cost model's total rows print with their labels"
    assert all("Baseline" in t or "IVR" in t for t in model), "values and scenario headers on the same page"
    replications = [t for t in texts if t.count("Replications") and "Overhead" in t]
    assert replications, "the widest sheet prints its last column on a page"
    assert len(pdf.pages) <= 40, len(pdf.pages)
