"""The HTML report: files written, plain-words summary, escaping, charts embedded, comparison parts.

The comparison is built here from two real ``simulate()`` runs and hand-made finance/attribution
frames (``build_comparison``), so these tests do not depend on ``simulator.compare``; one test goes
through the real ``compare()`` when it exists.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from simulator.output.report import describe_levers, money, write_compare_report, write_run_report
from simulator.model.scenario import parse_scenario
from simulator.studies.simulate import simulate
from simulator.analysis.stats import mean_ci, paired_difference

EVIL = '<script>alert(1)</script> & "Acme"'


def tiny_dict(name: str = EVIL, **levers) -> dict:  # noqa: ANN003
    """Two contact types, two single-skill groups, 4 hours, 3 replications: well under a second."""
    return {
        "name": name,
        "description": "Tiny <b>test</b> center & co",
        "seed": 5,
        "replications": 3,
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


def _months(res) -> np.ndarray:  # noqa: ANN001
    from simulator.analysis.costs import horizon_days

    return res.replications["total_cost"].to_numpy(float) * res.scenario.costs.working_days_per_month / horizon_days(res.plan)


def build_comparison(base, results, hold: str = "staffing", attribution: bool = True):  # noqa: ANN001, ANN201
    """A Comparison-like object with the agreed attributes, from real simulation results."""
    rows, fin = [], []
    for r in results:
        for k in ("cost_per_call", "total_cost", "service_level", "asa_seconds", "abandonment_rate", "occupancy"):
            d, lo, hi = paired_difference(base.replications[k].to_numpy(), r.replications[k].to_numpy())
            rows.append({"scenario": r.name, "kpi": k, "baseline_mean": base.replications[k].mean(),
                         "scenario_mean": r.replications[k].mean(), "diff_mean": d, "diff_ci95_low": lo, "diff_ci95_high": hi})
        s, slo, shi = mean_ci(_months(base) - _months(r))
        inv = 24000.0
        pb = math.ceil(inv / s) if s > 0 else math.nan
        fin.append({"scenario": r.name, "savings_month": s, "savings_month_ci95_low": slo, "savings_month_ci95_high": shi,
                    "investment": inv, "running_monthly": 500.0, "payback_month": pb, "payback_month_ci95_low": pb - 1,
                    "payback_month_ci95_high": pb + 2, "roi_3y": (36 * s - inv) / inv, "npv_3y": 30 * s - inv})
    att = None
    if attribution:
        total = fin[-1]["savings_month"]
        att = pd.DataFrame([{"scenario": results[-1].name, "lever": "ivr", "contribution_month": 0.7 * total},
                            {"scenario": results[-1].name, "lever": "voip", "contribution_month": 0.3 * total}])
    return SimpleNamespace(baseline=base, results=list(results), hold=hold, differences=pd.DataFrame(rows),
                           finance=pd.DataFrame(fin), attribution=att, to_json_dict=lambda: {})


@pytest.fixture(scope="module")
def base_result():  # noqa: ANN201
    return simulate(parse_scenario(tiny_dict()))


@pytest.fixture(scope="module")
def compare_results(base_result):  # noqa: ANN001, ANN201
    ivr = simulate(parse_scenario(tiny_dict("IVR <30%>", ivr={"containment": 0.3, "per_minute": 0.01, "investment": 24000})))
    both = simulate(parse_scenario(tiny_dict("Combined & VoIP", ivr={"containment": 0.3, "per_minute": 0.01, "investment": 24000},
                                             voip={"inbound_per_minute": 0.0085})))
    return base_result, [ivr, both]


def _assert_escaped(text: str) -> None:
    assert "<script>" not in text.lower(), "a scenario string reached the HTML unescaped"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Acme&quot;" in text
    assert "<b>test</b>" not in text and "Tiny &lt;b&gt;test&lt;/b&gt; center &amp; co" in text
    assert "billing<x>" not in text and "team <A>" not in text


def test_run_report_writes_every_file(tmp_path: Path, base_result) -> None:  # noqa: ANN001
    path = write_run_report(base_result, tmp_path)
    assert path == tmp_path / "report.html"
    names = {p.name for p in tmp_path.iterdir()}
    for f in ("report.html", "report.xlsx", "summary.csv", "intervals.csv", "cost_breakdown.csv", "metadata.json", "scenarios"):
        assert f in names, f"{f} missing from {sorted(names)}"
    assert len(list((tmp_path / "scenarios").glob("*.yaml"))) == 1


def test_run_report_html_content(tmp_path: Path, base_result) -> None:  # noqa: ANN001
    text = write_run_report(base_result, tmp_path).read_text(encoding="utf-8")
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


def test_run_report_shows_input_warnings(tmp_path: Path) -> None:
    d = tiny_dict("Low shrinkage")
    d["costs"]["shrinkage"] = 0.05
    text = write_run_report(simulate(parse_scenario(d)), tmp_path).read_text(encoding="utf-8")
    assert "Inputs outside common industry ranges" in text and "costs.shrinkage" in text


def test_compare_report_summary_charts_and_note(tmp_path: Path, compare_results) -> None:  # noqa: ANN001
    base, results = compare_results
    comp = build_comparison(base, results)
    # Force the "cost per call up, total cost down" case for the IVR scenario.
    diff = comp.differences
    diff.loc[(diff.scenario == results[0].name) & (diff.kpi == "cost_per_call"), "diff_mean"] = 0.25
    diff.loc[(diff.scenario == results[0].name) & (diff.kpi == "total_cost"), "diff_mean"] = -100.0
    text = write_compare_report(comp, tmp_path).read_text(encoding="utf-8")
    _assert_escaped(text)
    assert "IVR &lt;30%&gt;" in text and "Combined &amp; VoIP" in text
    assert "IVR containment of 30%" in text
    assert re.search(r"(saves|costs) <b>\$[\d,]+ (more )?per month</b> \(95% CI", text)
    assert "cost per answered call <b>rises</b>" in text
    for title in ("Cost per call and total cost by scenario", "Cost breakdown per answered call",
                  "Savings by lever: baseline to combined scenario", "Payback over 36 months", "Service by interval",
                  "Agents by interval: baseline against scenarios", "Distribution of waiting times"):
        assert title in text, title
    assert len(re.findall(r'src="data:image/png;base64,', text)) >= 7
    assert "Savings and return" in text and "Saving attributed to each lever" in text
    for f in ("differences.csv", "finance.csv", "attribution.csv", "report.xlsx"):
        assert (tmp_path / f).exists(), f
    assert len(list((tmp_path / "scenarios").glob("*.yaml"))) == 3


def test_compare_report_without_finance_or_attribution(tmp_path: Path, compare_results) -> None:  # noqa: ANN001
    base, results = compare_results
    comp = SimpleNamespace(baseline=base, results=results, hold="service", differences=None, finance=None, attribution=None)
    text = write_compare_report(comp, tmp_path).read_text(encoding="utf-8")
    assert "Executive summary" in text and "Payback over 36 months" in text
    assert "re-staffed to meet the service target" in text


def test_describe_levers_and_money(compare_results) -> None:  # noqa: ANN001
    base, (ivr, both) = compare_results
    assert describe_levers(ivr.scenario, base.scenario) == ["IVR containment of 30%"]
    assert describe_levers(both.scenario, ivr.scenario) == ["VoIP telephony at $0.0085/min"]
    assert money(1234.5, "USD") == "$1,234" or money(1234.5, "USD") == "$1,235"
    assert money(4.625, "EUR").startswith("€4.6")
    assert money(-12.0, "CHF") == "−12.00 CHF"
    assert money(float("nan"), "USD") == "–"


def test_report_through_real_compare(tmp_path: Path) -> None:
    compare_mod = pytest.importorskip("simulator.compare", reason="simulator.compare not written yet")
    base = parse_scenario(tiny_dict("Base"))
    lever = parse_scenario(tiny_dict("IVR 30%", ivr={"containment": 0.3, "per_minute": 0.01, "investment": 24000}))
    comp = compare_mod.compare(base, [lever], hold="staffing", replications=2, workers=1)
    text = write_compare_report(comp, tmp_path).read_text(encoding="utf-8")
    assert "Executive summary" in text and "IVR containment of 30%" in text
    assert (tmp_path / "report.xlsx").exists()
