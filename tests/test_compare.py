"""Paired comparison: CRN precision, --hold service, finance figures, JSON shape and the CLI."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from simulator.cli import app
from simulator.cli_tables import print_comparison
from simulator.studies.compare import compare
from simulator.model.scenario import parse_scenario
from simulator.studies.simulate import simulate
from simulator.analysis.stats import mean_ci


def small_base(**over) -> dict:
    data = {
        "name": "small base",
        "seed": 3,
        "replications": 6,
        "horizon": {"days": 1, "open": "08:00", "close": "11:00", "interval_minutes": 30},
        "service_target": {"answer_within_seconds": 20, "fraction": 0.8},
        "arrivals": {"calls_per_day": 900, "profile": [2, 3, 4, 4, 3, 2]},
        "contact_types": [
            {"name": "billing", "share": 0.6, "handle_time": {"distribution": "exponential", "mean_seconds": 240},
             "patience": {"distribution": "exponential", "mean_seconds": 180}, "fcr": 0.8},
            {"name": "tech", "share": 0.4, "handle_time": {"distribution": "exponential", "mean_seconds": 360},
             "patience": {"distribution": "exponential", "mean_seconds": 180}, "fcr": 0.8},
        ],
        "agents": {"groups": [{"name": "team", "skills": ["billing", "tech"], "staffing": 18}]},
        "costs": {"agent_hourly_wage": 20, "benefits_load": 0.3, "shrinkage": 0.3,
                  "telephony": {"inbound_per_minute": 0.022}, "overhead_monthly": 20000, "discount_rate": 0.08},
    }
    data.update(over)
    return data


def with_levers(base: dict, name: str, levers: dict) -> dict:
    d = copy.deepcopy(base)
    d["name"] = name
    d["levers"] = levers
    return d


IVR = {"ivr": {"containment": {"billing": 0.3}, "per_minute": 0.02, "monthly_fee": 1000, "investment": 30000}}
VOIP = {"voip": {"inbound_per_minute": 0.0085, "monthly_fee": 200, "investment": 5000}}


def test_crn_shrinks_the_interval_of_a_difference() -> None:
    base = parse_scenario(small_base())
    lever = parse_scenario(with_levers(small_base(), "ivr", IVR))
    n = 10
    b = simulate(base, replications=n, seed=3)
    same = simulate(lever, replications=n, seed=3)
    other = simulate(lever, replications=n, seed=1003)  # independent streams
    widths = {}
    for kpi in ("total_cost", "calls_answered", "service_level"):
        _, lo_c, hi_c = mean_ci(same.replications[kpi].to_numpy() - b.replications[kpi].to_numpy())
        _, lo_i, hi_i = mean_ci(other.replications[kpi].to_numpy() - b.replications[kpi].to_numpy())
        widths[kpi] = ((hi_c - lo_c), (hi_i - lo_i))
    for kpi, (crn, indep) in widths.items():
        # Volumes and costs pair almost perfectly; queue outcomes less so (the lever moves waits).
        factor = 2 if kpi != "service_level" else 1
        assert crn * factor < indep, f"{kpi}: CRN CI width {crn:.4g} vs independent {indep:.4g}"


def test_hold_service_meets_the_target_for_every_scenario() -> None:
    base = parse_scenario(small_base())
    ivr = parse_scenario(with_levers(small_base(), "ivr", IVR))
    comp = compare(base, [ivr], hold="service", replications=8, workers=2)
    target = base.service_target.fraction
    for res in [comp.baseline, *comp.results]:
        sl = res.metrics().loc["service_level", "mean"]
        assert target - 0.03 <= sl <= target + 0.12, f"{res.name}: service level {sl:.3f} vs target {target}"
    # With the service held, the deflected calls become fewer agent-hours and a saving.
    hours = comp.differences.query("kpi == 'staffed_agent_hours'")["diff_mean"].iloc[0]
    assert hours < 0
    assert set(comp.staffing) == {"small base", "ivr"}


def test_hold_staffing_keeps_agents_and_the_finance_adds_up() -> None:
    base = parse_scenario(small_base())
    ivr = parse_scenario(with_levers(small_base(), "ivr", IVR))
    voip = parse_scenario(with_levers(small_base(), "voip", VOIP))
    comp = compare(base, [ivr, voip], hold="staffing", replications=6, workers=1, attribution=False)
    d = comp.differences.set_index(["scenario", "kpi"])
    assert d.loc[("ivr", "staffed_agent_hours"), "diff_mean"] == 0
    assert d.loc[("ivr", "calls_answered"), "diff_mean"] < 0
    assert d.loc[("ivr", "service_level"), "diff_mean"] > 0  # fewer calls, same agents: better service
    f = comp.finance.set_index("scenario")
    for name in ("ivr", "voip"):
        r = f.loc[name]
        assert r["savings_month"] == pytest.approx(r["savings_horizon"] * 21 / 1)
        assert r["savings_year"] == pytest.approx(12 * r["savings_month"])
        assert r["savings_month_ci95_low"] <= r["savings_month"] <= r["savings_month_ci95_high"]
        assert r["npv_3y_ci95_low"] <= r["npv_3y"] <= r["npv_3y_ci95_high"]
    assert f.loc["ivr", "investment"] == 30000 and f.loc["voip", "investment"] == 5000
    # VoIP only changes rates: the same calls, a sure saving, every replication cheaper.
    assert f.loc["voip", "savings_month"] > 0
    assert comp.confidence.set_index("scenario").loc["voip", "share_cheaper"] == 1.0
    # ROI and NPV follow from the mean saving (both are linear in it).
    m, inv = f.loc["voip", "savings_month"], 5000
    assert f.loc["voip", "roi_3y"] == pytest.approx((36 * m - inv) / inv)
    r = 1.08 ** (1 / 12) - 1
    assert f.loc["voip", "npv_3y"] == pytest.approx(-inv + m * (1 - (1 + r) ** -36) / r)
    assert f.loc["voip", "payback_month"] == math.ceil(inv / m)
    assert comp.attribution is None
    paths = comp.monthly_savings_paths
    assert len(paths) == 2 * 37 and paths["month"].max() == 36


def test_json_shape_and_printing() -> None:
    base = parse_scenario(small_base())
    voip = parse_scenario(with_levers(small_base(), "voip", VOIP))
    comp = compare(base, [voip], replications=3, workers=1)
    js = json.loads(json.dumps(comp.to_json_dict(), allow_nan=False))
    assert [s["scenario"] for s in js["scenarios"]] == ["small base", "voip"]
    for s in js["scenarios"]:
        assert set(s) == {"scenario", "replications", "metrics", "cost_breakdown"}
        assert set(s["metrics"]["total_cost"]) == {"mean", "ci95"}
    tc = js["differences"]["voip"]["total_cost"]
    assert set(tc) == {"baseline", "scenario", "diff", "ci95"} and tc["diff"] < 0
    assert "payback_month" in js["finance"]["voip"]
    console = Console(record=True, width=120)
    print_comparison(comp, console, details=True)
    text = console.export_text()
    assert "95% CI" in text and "payback month" in text and "cheaper" in text


def test_cost_per_call_note_when_deflection_raises_it() -> None:
    base = parse_scenario(small_base())
    ivr = parse_scenario(with_levers(small_base(), "ivr", {"ivr": {"containment": 0.3}}))
    comp = compare(base, [ivr], replications=3, workers=1)
    row = comp.finance.iloc[0]
    assert row["cost_per_call_up_total_down"]
    console = Console(record=True, width=120)
    print_comparison(comp, console)
    assert "raises cost per call while lowering total cost" in console.export_text()


def test_cli_compare_and_staff_json(tmp_path) -> None:
    base = small_base(replications=3)
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base))
    (tmp_path / "voip.yaml").write_text(yaml.safe_dump({"extends": "base.yaml", "name": "voip", "levers": VOIP}))
    runner = CliRunner()
    res = runner.invoke(app, ["compare", str(tmp_path / "base.yaml"), str(tmp_path / "voip.yaml"), "--json", "-w", "1"])
    assert res.exit_code == 0, res.output
    js = json.loads(res.stdout)
    assert {"scenarios", "differences"} <= set(js) and len(js["scenarios"]) == 2
    res = runner.invoke(app, ["staff", str(tmp_path / "base.yaml"), "--json", "-r", "3", "-w", "1",
                              "--csv", str(tmp_path / "staff.csv")])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["staffing"]
    assert len(rows) == 6 and set(rows[0]) == {"interval_start", "group", "agents", "service_level"}
    assert rows[0]["interval_start"] == "08:00" and rows[0]["group"] == "team"
    assert (tmp_path / "staff.csv").exists()
