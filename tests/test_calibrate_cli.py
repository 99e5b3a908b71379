"""``ccsim calibrate`` end to end: presets, mappings, and bad data as one line with exit 2."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from typer.testing import CliRunner

from calibration_logs import LogTruth, generate
from simulator.cli import app
from simulator.model.scenario import load_scenario

runner = CliRunner()
HEADER = "arrival_time,queue,wait_seconds,outcome,handle_seconds,caller_id\n"
GOOD = ["2024-03-04T09:00:00,sales,5,answered,120,a", "2024-03-04T09:01:00,sales,40,abandoned,,b",
        "2024-03-04T09:02:00,sales,3,answered,200,c", "2024-03-04T09:03:00,sales,12,answered,90,d"]


def _calibrate(tmp_path, text: str | bytes, *extra: str, fresh: bool = True):
    """Calibrate ``text``; ``fresh``: a scenario left by an earlier call in the test is removed first."""
    if fresh:
        (tmp_path / "out.yaml").unlink(missing_ok=True)
    log = tmp_path / "log.csv"
    if isinstance(text, bytes):
        log.write_bytes(text)
    else:
        log.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["calibrate", str(log), "--out", str(tmp_path / "out.yaml"), *extra])


def _one_line_error(res) -> str:
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert "Traceback" not in res.output
    return lines[0]


def test_a_good_log_writes_a_valid_scenario(tmp_path):
    res = _calibrate(tmp_path, HEADER + "\n".join(GOOD) + "\n", "--name", "Client X")
    assert res.exit_code == 0, res.output
    sc = load_scenario(tmp_path / "out.yaml")
    assert sc.name == "Client X" and [c.name for c in sc.contact_types] == ["sales"]


@pytest.mark.parametrize("text, expected", [
    ("", "is empty"),
    (HEADER, "has a header but no calls"),
    ("arrival_time,queue,outcome,handle_seconds\n2024-03-04T09:00:00,sales,answered,3\n", "column 'wait_seconds' (field wait_seconds) not found"),
    (HEADER + GOOD[0] + "\n2024-03-04 nine o'clock,sales,5,answered,120,x\n", "line 3, column 'arrival_time' must be a timestamp"),
    (HEADER + GOOD[0] + "\n2024-03-04T09:05:00,sales,-4,answered,120,x\n", "line 3, column 'wait_seconds' must be a number of seconds"),
    (HEADER + GOOD[0] + "\n2024-03-04T09:05:00,sales,4,answered,,x\n", "line 3, column 'handle_seconds' must be a number of seconds for answered calls"),
    (HEADER + GOOD[0] + "\n2024-03-04T09:05:00,sales,4,transferred,10,x\n", "line 3, column 'outcome' must be one of answered, abandoned"),
    (HEADER + GOOD[0] + "\n" + GOOD[1] + "\n" + GOOD[0] + "\n", "line 4 duplicates line 2"),
    (HEADER + GOOD[0] + "\n2024-03-04T09:05:00,,4,answered,10,x\n", "line 3, column 'queue' must be a queue name"),
])
def test_bad_data_is_one_line_naming_the_row_and_column(tmp_path, text, expected):
    line = _one_line_error(_calibrate(tmp_path, text))
    assert expected in line, line


@pytest.mark.parametrize("option, value, expected", [
    ("--timezone", "Mars/Olympus", "--timezone must be a time zone name"),
    ("--preset", "genesys", "--preset must be one of amazon-connect, nice-cxone"),
    ("--column", "arrival", "--column must be field=Column"),
    ("--column", "colour=Queue", "--column field must be one of"),
])
def test_bad_options_are_one_line(tmp_path, option, value, expected):
    line = _one_line_error(_calibrate(tmp_path, HEADER + "\n".join(GOOD) + "\n", option, value))
    assert expected in line, line


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    text = (HEADER + GOOD[0] + "\n" + GOOD[2] + "\n").encode() + "2024-03-04T09:05:00,caf\xe9,4,answered,10,x\n".encode("latin-1")
    line = _one_line_error(_calibrate(tmp_path, text))
    assert "line 4 is not valid UTF-8" in line, line


def test_other_outcomes_can_be_mapped_or_skipped(tmp_path):
    text = HEADER + "\n".join(GOOD) + "\n2024-03-04T09:05:00,sales,4,transferred,10,x\n2024-03-04T09:06:00,sales,4,outbound,10,y\n"
    res = _calibrate(tmp_path, text, "--outcome", "transferred=answered", "--outcome", "outbound=skip")
    assert res.exit_code == 0, res.output
    line = _one_line_error(_calibrate(tmp_path, text, "--outcome", "transferred=maybe"))
    assert "--outcome transferred must map to one of answered, abandoned, skip" in line


def test_columns_can_be_renamed_by_option_or_mapping_file(tmp_path):
    text = "Start,Skill,Queued,Result,Talk,Wrap\n" + "".join(
        f"2024-03-04 09:{m:02d}:00,care,{m % 9},{'Y' if m % 5 == 0 else 'N'},{100 + m},{10 + m}\n" for m in range(40))
    opts = ["--column", "arrival_time=Start", "--column", "queue=Skill", "--column", "wait_seconds=Queued",
            "--column", "outcome=Result", "--column", "handle_seconds=Talk+Wrap", "--outcome", "Y=abandoned", "--outcome", "N=answered"]
    res = _calibrate(tmp_path, text, *opts)
    assert res.exit_code == 0, res.output
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {arrival_time: Start, queue: Skill, wait_seconds: Queued, outcome: Result, handle_seconds: Talk+Wrap}\n"
                       "outcomes: {Y: abandoned, N: answered}\n", encoding="utf-8")
    res2 = _calibrate(tmp_path, text, "--mapping", str(mapping))
    assert res2.exit_code == 0, res2.output
    ct = load_scenario(tmp_path / "out.yaml").contact_types[0]
    assert ct.handle_time.mean_seconds == pytest.approx(sum(110 + 2 * m for m in range(40) if m % 5) / 32, rel=0.05)
    line = _one_line_error(_calibrate(tmp_path, text, *opts, "--column", "queue=Nope"))
    assert "column 'Nope' (field queue) not found; the header has: Start, Skill" in line, line


def _preset_rows(layout: str):
    rows = generate(LogTruth(days=3, calls_per_day=300, seed=4))
    base = 1709510400.0  # 2024-03-04T00:00:00Z
    for i, r in enumerate(rows):
        t = dt.datetime.fromtimestamp(base + r["t"], dt.timezone.utc)
        ans = r["outcome"] == "answered"
        talk = f"{r['handle'] * 0.8:.0f}" if ans else ""
        acw = f"{r['handle'] * 0.2:.0f}" if ans else ""
        if layout == "amazon-connect":
            yield {"ContactId": f"id-{i}", "InitiationTimestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "Queue.Name": r["queue"],
                   "Queue.Duration": f"{r['wait']:.0f}", "Agent.ConnectedToAgentTimestamp": t.isoformat() if ans else "",
                   "Agent.AgentInteractionDuration": talk, "Agent.CustomerHoldDuration": "0" if ans else "",
                   "Agent.AfterContactWorkDuration": acw, "CustomerEndpoint.Address": f"+1555{r['caller']:07d}",
                   "Agent.RoutingProfile.Name": f"{r['queue']} profile" if ans else "", "Channel": "VOICE"}
        else:
            yield {"Contact_ID": str(1000 + i), "Start_Date": t.strftime("%m/%d/%Y"), "Start_Time": t.strftime("%H:%M:%S"),
                   "Skill_Name": r["queue"], "InQueue": f"{r['wait']:.0f}", "Abandon": "N" if ans else "Y",
                   "Agent_Time": talk, "ACW_Seconds": acw, "ANI_Dialnum": f"555{r['caller']:07d}", "Team_Name": f"{r['queue']} team"}


@pytest.mark.parametrize("preset", ["amazon-connect", "nice-cxone"])
def test_presets_read_their_documented_layouts(tmp_path, preset):
    rows = list(_preset_rows(preset))
    if preset == "amazon-connect":  # a contact that ended in the flow has no queue: left out
        rows.append({**rows[0], "ContactId": "ivr-only", "Queue.Name": "", "Queue.Duration": "", "Agent.ConnectedToAgentTimestamp": ""})
    log = tmp_path / "export.csv"
    with log.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = runner.invoke(app, ["calibrate", str(log), "--out", str(tmp_path / "out.yaml"), "--preset", preset,
                                 "--fcr-window-days", "1"])
    assert res.exit_code == 0, res.output
    sc = load_scenario(tmp_path / "out.yaml")
    assert sorted(c.name for c in sc.contact_types) == ["billing", "tech"]
    assert all(c.fcr < 1.0 for c in sc.contact_types)  # callers seen: repeats found
    assert len(sc.agents.groups) == 2


def test_an_interval_report_calibrates_to_a_scenario_that_reproduces_it(tmp_path):
    from calibration_logs import interval_report
    from simulator.studies.simulate import simulate

    truth = LogTruth()
    path = interval_report(generate(truth), tmp_path / "intervals.csv", truth)
    res = runner.invoke(app, ["calibrate", str(path), "--interval-report", "--out", str(tmp_path / "out.yaml")])
    assert res.exit_code == 0, res.output
    sc = load_scenario(tmp_path / "out.yaml")
    for q in truth.queues:
        ct = next(c for c in sc.contact_types if c.name == q.name)
        assert abs(ct.handle_time.mean_seconds / q.handle_mean - 1) < 0.03, (q.name, ct.handle_time)
        assert abs(ct.patience.mean_seconds / q.patience_mean - 1) < 0.10, (q.name, ct.patience)
        group = next(g for g in sc.agents.groups if g.skills == [q.name])
        assert set(group.staffing) == {q.agents}
    reps = simulate(sc, replications=3, workers=1).replications
    text = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    observed_sl = float(text.split("service level ")[1].split(" ")[0])
    observed_ab = float(text.split("abandonment ")[1].split(",")[0])
    assert abs(reps["service_level"].mean() - observed_sl) < 0.03, (reps["service_level"].mean(), observed_sl)
    assert abs(reps["abandonment_rate"].mean() - observed_ab) < 0.01, (reps["abandonment_rate"].mean(), observed_ab)


@pytest.mark.parametrize("row, expected", [
    ("2024-03-04T08:00:00,billing,10,8,3,200,0.7,5", "line 2, column 'answered' must be at most offered - abandoned"),
    ("2024-03-04T08:00:00,billing,10,8,2,200,70,5", "line 2, column 'service_level' must be a fraction between 0 and 1"),
    ("soon,billing,10,8,2,200,0.7,5", "line 2, column 'interval_start' must be a timestamp"),
])
def test_interval_report_bad_rows_are_one_line(tmp_path, row, expected):
    path = tmp_path / "intervals.csv"
    path.write_text("interval_start,queue,offered,answered,abandoned,aht_seconds,service_level,agents\n" + row + "\n", encoding="utf-8")
    res = runner.invoke(app, ["calibrate", str(path), "--interval-report", "--out", str(tmp_path / "out.yaml")])
    line = _one_line_error(res)
    assert expected in line, line


def test_an_existing_scenario_is_never_overwritten_without_force(tmp_path):
    out = tmp_path / "out.yaml"
    out.write_text("# my edited baseline\n", encoding="utf-8")
    line = _one_line_error(_calibrate(tmp_path, HEADER + "\n".join(GOOD) + "\n", fresh=False))
    assert "already exists" in line and "--force" in line
    assert out.read_text(encoding="utf-8") == "# my edited baseline\n"
    res = _calibrate(tmp_path, HEADER + "\n".join(GOOD) + "\n", "--force", fresh=False)
    assert res.exit_code == 0, res.output
    assert load_scenario(out).contact_types[0].name == "sales"
    assert not list(tmp_path.glob("*.partial"))


def test_a_non_empty_report_folder_is_refused_before_fitting(tmp_path):
    rep = tmp_path / "rep"
    rep.mkdir()
    (rep / "mine.txt").write_text("keep", encoding="utf-8")
    line = _one_line_error(_calibrate(tmp_path, HEADER + "\n".join(GOOD) + "\n", "--report", str(rep)))
    assert "--report folder" in line and "not empty" in line
    assert not (tmp_path / "out.yaml").exists() and (rep / "mine.txt").read_text(encoding="utf-8") == "keep"
