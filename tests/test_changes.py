"""The assumptions page: every input a scenario changes, with the comment its file gives it."""

from __future__ import annotations

from pathlib import Path

from simulator.model.comments import comment_for, file_comments, scenario_comments
from simulator.model.scenario import load_scenario
from simulator.output.report.changes import changes_html, input_changes

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_comments_are_read_from_the_line_and_the_lines_above(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("# the file's header, about the file\nname: x   # not a reason\ncosts:\n"
                 "  # BLS median wage\n  agent_hourly_wage: 20.0   # per hour\n\n  shrinkage: 0.3\n"
                 "levers:\n  ivr:\n    note: 'a # inside quotes'\n    per_minute: 0.06 # vendor list price\n", encoding="utf-8")
    c = file_comments(f)
    assert c["costs.agent_hourly_wage"] == "BLS median wage per hour"
    assert "costs.shrinkage" not in c  # a blank line breaks the link to the comment above
    assert "levers.ivr.note" not in c and c["levers.ivr.per_minute"] == "vendor list price"
    assert c["name"] == "not a reason" and not any("header" in v for v in c.values())


def test_a_file_s_own_comment_wins_over_the_one_it_extends(tmp_path):
    (tmp_path / "base.yaml").write_text("costs:\n  shrinkage: 0.3   # industry average\n  overhead_monthly: 1.0  # rent\n",
                                        encoding="utf-8")
    (tmp_path / "lever.yaml").write_text("extends: base.yaml\ncosts:\n  shrinkage: 0.25   # remote agents are absent less\n",
                                         encoding="utf-8")
    c = scenario_comments(tmp_path / "lever.yaml")
    assert c["costs.shrinkage"] == "remote agents are absent less" and c["costs.overhead_monthly"] == "rent"
    assert comment_for(c, "costs.shrinkage.billing") == "remote agents are absent less"


def test_the_ivr_file_s_changes_and_sources():
    base, ivr = load_scenario(SCENARIOS / "baseline.yaml"), load_scenario(SCENARIOS / "ivr.yaml")
    rows = {r["input"]: r for r in input_changes(base, ivr)}
    # one number in the baseline, per contact type in the lever file: one row where the shapes part
    assert rows["levers.ivr.containment"]["baseline"] == "0.1"
    assert rows["levers.ivr.containment"]["value"].startswith("billing 0.3, account 0.3")
    assert rows["levers.ivr.containment"]["source"] == "overall ~20%"
    assert rows["levers.ivr.investment"]["value"] == "150000" and "assumption" in rows["levers.ivr.investment"]["source"]
    assert not any(k.startswith("costs.") or k == "name" for k in rows)  # only what the file changes
    html = changes_html(__import__("pandas").DataFrame(list(rows.values())))
    assert "overall ~20%" in html and "<code>levers.ivr.containment</code>" in html


def test_optimizer_staffing_is_not_an_input_under_equal_service():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    restaffed = base.with_changes({"agents.groups.0.staffing": 3, "name": "x"})
    assert input_changes(base, restaffed, hold="service") == []
    rows = input_changes(base, restaffed, hold="staffing")
    assert [r["input"] for r in rows] == [f"agents.groups.{base.agents.groups[0].name}.staffing"]


def test_a_lever_switched_on_lists_each_value_with_its_comment():
    base, remote = load_scenario(SCENARIOS / "baseline.yaml"), load_scenario(SCENARIOS / "remote-agents.yaml")
    rows = {r["input"]: r for r in input_changes(base, remote)}
    assert rows["levers.remote_agents.wage_factor"]["baseline"] == "none"
    assert rows["levers.remote_agents.wage_factor"]["value"] == "0.9"
    assert "remote pay" in rows["levers.remote_agents.wage_factor"]["source"]
    assert "levers.remote_agents" not in rows
