"""The HTML report: files written, plain-words summary, escaping, charts embedded, comparison parts.

Reports are written from real, small results: a tiny two-type scenario simulated for two
replications, and real ``compare()`` comparisons of it (module-scoped, shared by the tests).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from simulator.model.scenario import parse_scenario
from simulator.output.fmt import money
from simulator.output.labels import describe_levers
from simulator.output.report import write_compare_report, write_run_report
from simulator.studies.compare import Comparison, compare
from simulator.studies.simulate import SimulationResult, simulate

EVIL = '<script>alert(1)</script> & "Acme"'
IVR = {"containment": 0.3, "per_minute": 0.01, "investment": 24000}


def tiny_dict(name: str = EVIL, **levers) -> dict:  # noqa: ANN003
    """Two contact types, two single-skill groups, 4 hours, 2 replications: well under a second."""
    return {
        "name": name,
        "description": "Tiny <b>test</b> center & co",
        "seed": 5,
        "replications": 2,
        "horizon": {"days": 1, "open": "08:00", "close": "12:00", "interval_minutes": 30},
        "arrivals": {"calls_per_day": 700},
        "contact_types": [
            {"name": "billing<x>", "share": 0.6, "handle_time": {"distribution": "exponential", "mean_seconds": 240},
             "patience": {"distribution": "exponential", "mean_seconds": 180}},
            {"name": "tech", "share": 0.4, "handle_time": {"distribution": "exponential", "mean_seconds": 300},
             "patience": {"distribution": "exponential", "mean_seconds": 200}},
        ],
        "agents": {"groups": [{"name": "team <A>", "skills": ["billing<x>"], "staffing": 10},
                              {"name": "tech team", "skills": ["tech"], "staffing": 8}]},
        "costs": {"currency": "USD", "agent_hourly_wage": 20, "benefits_load": 0.3, "shrinkage": 0.3,
                  "telephony": {"inbound_per_minute": 0.022}, "overhead_monthly": 8000},
        "levers": levers,
    }


@pytest.fixture(scope="module")
def base_result() -> SimulationResult:
    return simulate(parse_scenario(tiny_dict()), workers=1)


@pytest.fixture(scope="module")
def run_report(base_result: SimulationResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run report of the tiny center, written once; returns report.html's path."""
    return write_run_report(base_result, tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    """The tiny baseline against an IVR scenario and a combined IVR + VoIP one (attributed to its levers)."""
    ivr = parse_scenario(tiny_dict("IVR <30%>", ivr=IVR))
    both = parse_scenario(tiny_dict("Combined & VoIP", ivr=IVR, voip={"inbound_per_minute": 0.0085}))
    return compare(parse_scenario(tiny_dict()), [ivr, both], hold="staffing", workers=1)


def _assert_escaped(text: str) -> None:
    assert "<script>" not in text.lower(), "a scenario string reached the HTML unescaped"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Acme&quot;" in text
    assert "<b>test</b>" not in text and "Tiny &lt;b&gt;test&lt;/b&gt; center &amp; co" in text
    assert "billing<x>" not in text and "team <A>" not in text


def test_run_report_writes_every_file(run_report: Path) -> None:
    out = run_report.parent
    assert run_report == out / "report.html"
    names = {p.name for p in out.iterdir()}
    for f in ("report.html", "report.xlsx", "summary.csv", "intervals.csv", "cost_breakdown.csv", "metadata.json", "scenarios"):
        assert f in names, f"{f} missing from {sorted(names)}"
    assert len(list((out / "scenarios").glob("*.yaml"))) == 1


def test_run_report_html_content(run_report: Path, base_result: SimulationResult) -> None:
    text = run_report.read_text(encoding="utf-8")
    _assert_escaped(text)
    # Self-contained: images embedded, nothing fetched from elsewhere, no scripts at all.
    assert len(re.findall(r'src="data:image/png;base64,', text)) >= 4
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<script" not in text.lower()
    assert "Content-Security-Policy" in text
    # The executive summary comes first, with the cost per call in plain words.
    summary_at, charts_at, tables_at = text.index("Executive summary"), text.index("<h2>Charts"), text.index("<h2>Key figures")
    assert summary_at < charts_at < tables_at
    cpc = base_result.metrics().loc["cost_per_call", "mean"]
    assert f"A call answered by an agent costs <b>{money(cpc, 'USD')}</b>" in text
    assert "Assumptions that drive the result" in text and "Erlang A" in text
    assert "interval × contact-type cells the simulation is within" in text


def test_run_report_shows_input_warnings(tmp_path: Path) -> None:
    d = tiny_dict("Low shrinkage")
    d["costs"]["shrinkage"] = 0.05
    text = write_run_report(simulate(parse_scenario(d)), tmp_path).read_text(encoding="utf-8")
    assert "Inputs outside common industry ranges" in text and "costs.shrinkage" in text


def test_compare_report_summary_charts_and_note(tmp_path: Path, comparison: Comparison) -> None:
    ivr, both = comparison.results
    # Force the "cost per call up, total cost down" case for the IVR scenario.
    diff = comparison.differences.copy()
    diff.loc[(diff.scenario == ivr.name) & (diff.kpi == "cost_per_call"), "diff_mean"] = 0.25
    diff.loc[(diff.scenario == ivr.name) & (diff.kpi == "total_cost"), "diff_mean"] = -100.0
    comp = dataclasses.replace(comparison, differences=diff)
    text = write_compare_report(comp, tmp_path).read_text(encoding="utf-8")
    _assert_escaped(text)
    assert "IVR &lt;30%&gt;" in text and "Combined &amp; VoIP" in text
    assert "IVR containment of 30%" in text
    assert re.search(r"(saves|costs) <b>\$[\d,]+ (more )?per month</b> (at equal service|with the baseline's staffing held) \(95% CI", text)
    assert "cost per answered call <b>rises</b>" in text
    for title in ("Cost per call and total cost by scenario", "Cost breakdown per answered call",
                  "Savings by lever: baseline to combined scenario", "Payback over 36 months", "Service by interval",
                  "Agents by interval: baseline against scenarios", "Distribution of waiting times"):
        assert title in text, title
    assert len(re.findall(r'src="data:image/png;base64,', text)) >= 7
    assert "Savings and return" in text and "Saving attributed to each lever" in text
    # The Erlang A cross-check has rows: both contact types of the tiny center are Erlang-A-like.
    assert "interval × contact-type cells the simulation is within" in text
    for f in ("differences.csv", "finance.csv", "attribution.csv", "report.xlsx"):
        assert (tmp_path / f).exists(), f
    assert len(list((tmp_path / "scenarios").glob("*.yaml"))) == 3


def test_compare_report_with_service_held_and_no_attribution(tmp_path: Path) -> None:
    ivr = parse_scenario(tiny_dict("IVR <30%>", ivr=IVR))
    comp = compare(parse_scenario(tiny_dict()), [ivr], hold="service", workers=1, attribution=False)
    text = write_compare_report(comp, tmp_path).read_text(encoding="utf-8")
    assert "Executive summary" in text and "Payback over 36 months" in text
    assert "staffed by the optimizer to" in text and "What every saving is measured against" in text
    assert "optimised baseline" in text and "today&#x27;s baseline as given" in text
    assert "Saving attributed to each lever" not in text and not (tmp_path / "attribution.csv").exists()
    assert "--hold service" in text


def test_describe_levers_and_money(comparison: Comparison) -> None:
    base, (ivr, both) = comparison.baseline, comparison.results
    assert describe_levers(ivr.scenario, base.scenario) == ["IVR containment of 30%"]
    assert describe_levers(both.scenario, ivr.scenario) == ["VoIP telephony at $0.0085/min"]
    assert money(1234.5, "USD") == "$1,234" or money(1234.5, "USD") == "$1,235"
    assert money(4.625, "EUR").startswith("€4.6")
    assert money(-12.0, "CHF") == "−12.00 CHF"
    assert money(float("nan"), "USD") == "–"


def test_money_ranges_are_not_claimed_for_another_currency(tmp_path: Path) -> None:
    """The reference money ranges are in US dollars: an EUR report says they were not checked."""
    d = tiny_dict()
    d["costs"]["currency"] = "EUR"
    text = write_run_report(simulate(parse_scenario(d)), tmp_path).read_text(encoding="utf-8")
    assert "Money inputs are in EUR and were not checked" in text
    usd = tiny_dict()
    (tmp_path / "usd").mkdir()
    text = write_run_report(simulate(parse_scenario(usd)), tmp_path / "usd").read_text(encoding="utf-8")
    assert "were not checked" not in text


def test_the_summary_does_not_count_pay_twice(tmp_path: Path) -> None:
    """'Agent and supervisor pay make up X%; the next largest items are ...' names other items."""
    d = tiny_dict()
    d["costs"]["supervisor_hourly_wage"] = 30.0
    d["costs"]["overhead_monthly"] = 5000.0
    text = write_run_report(simulate(parse_scenario(d)), tmp_path).read_text(encoding="utf-8")
    after = text.split("the next largest items are", 1)[1].split(".", 1)[0]
    assert "supervision" not in after and "agent labor" not in after and "overtime" not in after, after
    assert "overhead" in after


def test_cost_per_call_is_one_number_in_every_view(tmp_path: Path) -> None:
    """The KPI, the breakdown's total per answered call (CSV, workbook, HTML) are the same value."""
    import csv as csvmod

    from openpyxl import load_workbook

    result = simulate(parse_scenario(tiny_dict("plain")), replications=3)
    write_run_report(result, tmp_path)
    kpi = float(result.replications["cost_per_call"].mean())
    assert float(result.per_answered_call().sum()) == pytest.approx(kpi, rel=1e-12)
    rows = list(csvmod.DictReader((tmp_path / "cost_breakdown.csv").open(encoding="utf-8")))
    total = next(r for r in rows if r["component"] == "total_cost")
    assert float(total["per_answered_call"]) == pytest.approx(kpi, rel=1e-12)
    parts = sum(float(r["per_answered_call"]) for r in rows if r["component"] != "total_cost")
    assert parts == pytest.approx(kpi, rel=1e-12)
    summary = list(csvmod.DictReader((tmp_path / "summary.csv").open(encoding="utf-8")))
    assert float(next(r for r in summary if r["kpi"] == "cost_per_call")["mean"]) == pytest.approx(kpi, rel=1e-12)
    sheet = load_workbook(tmp_path / "report.xlsx")["Cost breakdown"]  # row 1 is its title, row 2 the labels
    header = [c.value for c in sheet[2]]
    col = header.index("Per answered call")
    xlsx_total = next(row[col] for row in sheet.iter_rows(min_row=3, values_only=True) if row[header.index("Cost item")] == "Total cost")
    assert xlsx_total == pytest.approx(kpi, rel=1e-12)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    shown = f"${kpi:,.2f}"
    assert html.count(shown) >= 2, f"{shown} in the KPI cards and in the cost table"


def test_assumptions_show_the_wage_the_levers_pay():
    """Remote agents paid 0.9x: the assumptions row gives the blended wage the costs use, not only the file's."""
    from pathlib import Path

    from simulator.model.build import build_plan, cost_inputs
    from simulator.model.scenario import load_scenario
    from simulator.output.report.sections import assumption_rows

    scenarios = Path(__file__).resolve().parents[1] / "scenarios"
    remote = load_scenario(scenarios / "remote-agents.yaml")
    wage = dict(assumption_rows(remote, build_plan(remote)))["Agent wage"]
    blended = cost_inputs(remote).hourly_wage
    assert blended < remote.costs.agent_hourly_wage and f"${blended:.2f}/h on average" in wage
    base = load_scenario(scenarios / "baseline.yaml")
    assert "levers applied" not in dict(assumption_rows(base, build_plan(base)))["Agent wage"]
