"""Issue 10 item 5: compare at equal service by default, with today's baseline, the optimised
baseline and each lever's saving against the optimised baseline kept apart."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

import simulator.studies.staff_cache as staff_cache
from simulator.cli import app
from simulator.cli_tables import print_comparison
from simulator.model.scenario import parse_scenario
from simulator.studies.compare import compare
from test_compare import VOIP, small_base, with_levers

ASSIST = {"agent_assist": {"handle_time_reduction": 0.2, "per_agent_month": 60.0}}


def staffed(agents: int, replications: int = 4) -> dict:
    """The small center (about 24 Erlangs at the peak) with ``agents`` on all day."""
    data = small_base(replications=replications)
    data["agents"]["groups"][0]["staffing"] = agents
    return data


def test_default_is_equal_service_and_the_three_lines_are_apart():
    base = parse_scenario(staffed(34))  # more than 80/20 needs all day
    assist = parse_scenario(with_levers(staffed(34), "assist", ASSIST))
    comp = compare(base, [assist], workers=2, attribution=False)
    assert comp.hold == "service" and comp.as_is is not None and comp.target.source == "file"
    # today's baseline is the file's staffing; the optimised one has fewer agents and still meets 80%
    as_is_hours = comp.as_is.replications["staffed_agent_hours"].mean()
    opt_hours = comp.baseline.replications["staffed_agent_hours"].mean()
    assert as_is_hours == pytest.approx(34 * 3, rel=1e-9) and opt_hours < as_is_hours
    assert comp.baseline.metrics().loc["service_level", "mean"] >= 0.8 - 0.03
    # the scheduling gain is today's cost minus the optimised baseline's, month by month
    gain = comp.optimisation["savings_month"]
    months = 21 / 1
    expected = (comp.as_is.replications["total_cost"] - comp.baseline.replications["total_cost"]).mean() * months
    assert gain == pytest.approx(expected, rel=1e-9) and comp.optimisation["savings_month_ci95_low"] > 0
    # the lever is measured against the optimised baseline, not against today's
    d = comp.differences.set_index(["scenario", "kpi"])
    assert d.loc[("assist", "total_cost"), "baseline_mean"] == pytest.approx(comp.baseline.replications["total_cost"].mean())
    # a 20% shorter handle time at equal service needs fewer agent-hours and saves money
    assert d.loc[("assist", "staffed_agent_hours"), "diff_mean"] < 0
    assert comp.finance.set_index("scenario").loc["assist", "savings_month_ci95_low"] > 0


def test_hold_staffing_says_so_when_a_lever_costs_more():
    base = parse_scenario(staffed(30))
    assist = parse_scenario(with_levers(staffed(30), "assist", ASSIST))
    held = compare(base, [assist], hold="staffing", workers=1, attribution=False)
    fair = compare(base, [assist], workers=1, attribution=False)
    # with the agents held a handle-time lever only adds its fee; at equal service it saves
    assert held.finance["savings_month"].iloc[0] < 0 < fair.finance["savings_month"].iloc[0]
    console = Console(record=True, width=200)
    print_comparison(held, console)
    assert "with the baseline's staffing held" in console.export_text()
    console = Console(record=True, width=200)
    print_comparison(fair, console)
    text = console.export_text()
    assert "today's baseline as given" in text and "optimised baseline" in text and "scheduling gain" in text


def test_target_as_is_holds_the_service_given_today():
    base = parse_scenario(staffed(26))  # below 80/20 in the peak, above it at the edges
    comp = compare(base, [], workers=2, attribution=False, target="as-is")
    iv = comp.as_is.intervals
    achieved = float((iv["service_level"].fillna(0) * iv["offered"]).sum() / iv["offered"].sum())
    assert comp.target.source == "as-is" and comp.target.per == "day"
    assert comp.target.fraction == pytest.approx(achieved, abs=1e-4) and comp.target.fraction <= achieved
    # staffed to today's service over the day: about the service of today, with (at most) today's hours
    sl = comp.baseline.metrics().loc["service_level", "mean"]
    assert sl >= achieved - 0.03
    assert comp.baseline.replications["staffed_agent_hours"].mean() <= comp.as_is.replications["staffed_agent_hours"].mean() + 3


def test_understaffed_today_shows_the_cost_of_meeting_the_target():
    comp = compare(parse_scenario(staffed(22)), [], workers=2, attribution=False)
    assert comp.optimisation["savings_month"] < 0
    console = Console(record=True, width=200)
    print_comparison(comp, console)
    assert "cost of meeting the target" in console.export_text()


def test_levers_that_change_only_costs_reuse_the_baselines_staffing(monkeypatch):
    calls = []
    real = staff_cache.optimize_staffing

    def counting(sc, **kw):
        calls.append(sc.name)
        return real(sc, **kw)

    monkeypatch.setattr(staff_cache, "optimize_staffing", counting)
    base = parse_scenario(small_base(replications=3))
    voip = parse_scenario(with_levers(small_base(replications=3), "voip", VOIP))
    comp = compare(base, [voip], workers=1, attribution=False)
    assert calls == ["small base"], "VoIP changes rates only: the same agents, found once"
    assert np.array_equal(comp.results[0].plan.staffing, comp.baseline.plan.staffing)
    assert comp.finance["savings_month"].iloc[0] > 0


def test_cli_json_carries_both_baselines_and_the_target(tmp_path):
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(small_base(replications=3)))
    (tmp_path / "voip.yaml").write_text(yaml.safe_dump({"extends": "base.yaml", "name": "voip", "levers": VOIP}))
    res = CliRunner().invoke(app, ["compare", str(tmp_path / "base.yaml"), str(tmp_path / "voip.yaml"), "--json", "-w", "1",
                                   "--target", "as-is"])
    assert res.exit_code == 0, res.output
    js = json.loads(res.stdout)
    assert js["hold"] == "service" and js["target"]["source"] == "as-is" and js["target"]["per"] == "day"
    assert js["as_is_baseline"]["scenario"] == js["optimised_baseline"]["scenario"] == "small base"
    assert js["optimised_baseline"] == js["scenarios"][0]
    assert set(js["optimisation"]) == {"savings_month", "ci95"}
    res = CliRunner().invoke(app, ["compare", str(tmp_path / "base.yaml"), str(tmp_path / "voip.yaml"), "--hold", "staffing",
                                   "--target", "as-is"])
    assert res.exit_code == 2 and "needs --hold service" in res.output


def _sentence_numbers(sentence: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\$([\d,]+)", sentence)]


def test_summary_words_and_signs_agree_with_the_figures(tmp_path):
    """A saving reads as a saving with its interval in savings; an extra cost as an extra cost."""
    from simulator.output.report import write_compare_report

    base = parse_scenario(staffed(30))
    assist = parse_scenario(with_levers(staffed(30), "assist", ASSIST))
    for hold in ("staffing", "service"):
        comp = compare(base, [assist], hold=hold, workers=1, attribution=False)
        (tmp_path / hold).mkdir()
        html = write_compare_report(comp, tmp_path / hold).read_text(encoding="utf-8")
        sentence = re.search(r"\(<i>assist</i>\) ([^<]*<b>[^<]*</b>[^.;]*)", html).group(1)
        fin = comp.finance.iloc[0]
        s, lo, hi = fin["savings_month"], fin["savings_month_ci95_low"], fin["savings_month_ci95_high"]
        amount, low, high = _sentence_numbers(sentence)[:3]
        if s < 0:
            assert sentence.startswith("costs <b>") and "more per month" in sentence and hi < 0, sentence
            assert amount == pytest.approx(-s, abs=1) and low == pytest.approx(-hi, abs=1) and high == pytest.approx(-lo, abs=1)
            assert "with the baseline's staffing held" in sentence
        else:
            assert sentence.startswith("saves <b>") and lo > 0, sentence
            assert amount == pytest.approx(s, abs=1) and low == pytest.approx(lo, abs=1) and high == pytest.approx(hi, abs=1)
        assert low <= amount <= high
        rank = pd.read_csv(tmp_path / hold / "ranking.csv")
        assert rank["savings_month"].iloc[0] == pytest.approx(s, rel=1e-9)


def test_console_shows_one_ranking_table_within_100_columns():
    names = ["Agent assist rolled out to every team in the building", "VoIP", "IVR"]
    base = parse_scenario(staffed(30, replications=3))
    others = [parse_scenario(with_levers(staffed(30, replications=3), n, lv))
              for n, lv in zip(names, (ASSIST, VOIP, {"ivr": {"containment": 0.2}}))]
    comp = compare(base, others, workers=2, attribution=False)
    console = Console(record=True, width=100)
    print_comparison(comp, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "KPI" not in text, "the per-KPI detail tables are for --details, the report and --json"
    rank = comp.ranking()
    assert list(rank["savings_month"]) == sorted(rank["savings_month"], reverse=True)
    rows = [line for line in text.splitlines() if line.strip().startswith(("Agent assist", "VoIP", "IVR"))]
    assert len(rows) == 3
    order = [next(n for n in ("Agent assist", "VoIP", "IVR") if row.strip().startswith(n)) for row in rows]
    assert order == [next(n for n in ("Agent assist", "VoIP", "IVR") if name.startswith(n)) for name in rank["scenario"]]
