"""Issue 9: a long command never loses a result and never leaves a half-written report.

The report folder is checked before any simulation; the report is written in ``<out>.partial`` and
renamed into place; Ctrl-C (a real SIGINT) keeps the finished replications and ``--resume``
continues them to the same numbers as an uninterrupted run; long work is announced and shows
progress on a non-terminal stderr; click's own checks are one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import simulator.cli as cli
import simulator.cli_jobs as cli_jobs
from conftest import minimal_dict, write_yaml

ROOT = Path(__file__).resolve().parents[1]


def _slow_scenario(tmp_path: Path) -> Path:
    """About a quarter of a second per replication: long enough to interrupt between replications."""
    data = minimal_dict(name="slow")
    data["horizon"]["close"] = "20:00"
    data["arrivals"]["calls_per_day"] = 12000
    data["agents"]["groups"][0]["staffing"] = 60
    return write_yaml(tmp_path / "slow.yaml", data)


def _ccsim(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "simulator.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_files(folder: Path, n: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while len(list(folder.glob("*.npz"))) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "no replication finished in time"
        time.sleep(0.05)


def test_ctrl_c_keeps_finished_replications_and_resume_gives_the_uninterrupted_result(tmp_path):
    scen = _slow_scenario(tmp_path)
    args = ["run", str(scen), "-r", "24", "-w", "2", "-s", "3"]
    proc = _ccsim(*args, "--out", "cut", cwd=tmp_path)
    _wait_for_files(tmp_path / "cut.partial", 3, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("interrupted")]
    assert len(lines) == 1 and "--resume cut.partial" in lines[0], err
    kept = len(list((tmp_path / "cut.partial").glob("*.npz")))
    assert 3 <= kept < 24
    assert not (tmp_path / "cut").exists(), "no report folder after an interrupted run"

    resumed = _ccsim(*args, "--out", "cut", "--resume", "cut.partial", cwd=tmp_path)
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert not (tmp_path / "cut.partial").exists(), "the work folder is removed once the report is in place"
    whole = _ccsim(*args, "--out", "whole", cwd=tmp_path)
    _, err = whole.communicate(timeout=300)
    assert whole.returncode == 0, err
    for name in ("replications.csv", "summary.csv", "intervals.csv", "cost_breakdown.csv"):
        assert (tmp_path / "cut" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_a_kill_leaves_no_report_folder_and_the_run_can_be_resumed(tmp_path):
    scen = _slow_scenario(tmp_path)
    proc = _ccsim("run", str(scen), "-r", "24", "-w", "1", "--out", "rep", cwd=tmp_path)
    _wait_for_files(tmp_path / "rep.partial", 2, proc)
    proc.kill()  # SIGKILL: nothing can be tidied up
    proc.communicate(timeout=60)
    assert not (tmp_path / "rep").exists()
    res = CliRunner().invoke(cli.app, ["run", str(scen), "-r", "3", "-w", "1", "--out", str(tmp_path / "rep"),
                                       "--resume", str(tmp_path / "rep.partial")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "rep" / "report.html").exists()


def test_the_out_folder_is_checked_before_any_simulation(tmp_path, monkeypatch):
    def no_simulation(*a, **k):
        raise AssertionError("simulated before checking --out")

    monkeypatch.setattr("simulator.studies.simulate.simulate", no_simulation)  # `run` imports it when it runs
    scen = write_yaml(tmp_path / "s.yaml", minimal_dict())
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    (tmp_path / "afile").write_text("mine")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    cases = {"full": "not empty", "afile": "must be a folder", "/proc/ccsim-test/x": "cannot"}
    if os.geteuid() != 0:  # root writes anywhere
        cases["locked/out"] = "cannot"
    for out, words in cases.items():
        res = CliRunner().invoke(cli.app, ["run", str(scen), "--out", str(tmp_path / out)])
        assert res.exit_code == 2, (out, res.output)
        assert words in res.output and len(res.output.strip().splitlines()) == 1, res.output
        assert not res.output.startswith("\n")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine" and (tmp_path / "afile").read_text() == "mine"


def test_a_resume_folder_of_another_command_is_refused(tmp_path):
    scen = write_yaml(tmp_path / "s.yaml", minimal_dict())
    other = write_yaml(tmp_path / "o.yaml", minimal_dict(name="other"))
    cli_jobs.start_job("run", [other], tmp_path / "x", "x", None)
    res = CliRunner().invoke(cli.app, ["run", str(scen), "--resume", str(tmp_path / "x.partial")])
    assert res.exit_code == 2 and "belongs to" in res.output and "o.yaml" in res.output, res.output
    res = CliRunner().invoke(cli.app, ["run", str(scen), "--resume", str(tmp_path)])
    assert res.exit_code == 2 and "job.json" in res.output, res.output


def test_long_work_is_announced_and_progress_shows_on_a_non_terminal_stderr(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_jobs, "LONG_SECONDS", 0.0)
    monkeypatch.setattr("simulator.studies.estimate.QUICK_CALLS_PER_WORKER", 0.0)
    monkeypatch.setattr(cli_jobs, "PLAIN_PROGRESS_EVERY", 0.02)
    scen = _slow_scenario(tmp_path)
    res = CliRunner().invoke(cli.app, ["run", str(scen), "-r", "4", "-w", "1", "--no-report"])
    assert res.exit_code == 0, res.output
    estimate = [ln for ln in res.stderr.splitlines() if ln.startswith("estimate:")]
    assert len(estimate) == 1 and "4 replications" in estimate[0] and "12,000 calls" in estimate[0], res.stderr
    progress = [ln for ln in res.stderr.splitlines() if "/4 replications" in ln]
    assert progress, res.stderr
    assert all("\x1b" not in ln for ln in progress), "plain lines, no terminal codes"


def test_the_estimate_follows_the_work(monkeypatch):
    """Calibrated seconds grow with calls and replications and shrink with workers."""
    from simulator.model.scenario import parse_scenario
    from simulator.studies.estimate import estimate_work

    monkeypatch.setattr("simulator.studies.estimate.QUICK_CALLS_PER_WORKER", 0.0)
    ticks = iter(range(0, 1000, 2))  # every calibration run "takes" 2 s: the test checks the arithmetic, not the clock
    monkeypatch.setattr("simulator.studies.estimate.time.perf_counter", lambda: float(next(ticks)))
    data = minimal_dict()
    data["arrivals"]["calls_per_day"] = 4000
    data["agents"]["groups"][0]["staffing"] = 80
    sc = parse_scenario(data)
    one = estimate_work(sc, 4, 1)
    four = estimate_work(sc, 4, 4)
    assert one.calls_per_replication == 4000 and one.seconds > 0
    assert four.seconds == pytest.approx(one.seconds / 4)  # 4 replications in one round instead of four
    big = estimate_work(sc.with_changes({"arrivals.calls_per_day": 400000}), 4, 1)
    assert big.seconds == pytest.approx(100 * one.seconds)


@pytest.mark.parametrize("args, words", [
    (["run", "-r", "0", "s.yaml"], "'0'"), (["run", "-w", "0", "s.yaml"], "--workers"),
    (["run", "-s", "abc", "s.yaml"], "'abc'"), (["run"], "Missing argument"), (["run", "--bogus", "s.yaml"], "--bogus"),
    (["compare", "s.yaml"], "Missing argument"), (["run", "missing.yaml"], "missing.yaml"),
])
def test_click_errors_are_one_line_and_exit_2(tmp_path, args, words):
    write_yaml(tmp_path / "s.yaml", minimal_dict())
    proc = _ccsim(*args, cwd=tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and words in err, err
    assert out == ""


def test_odd_inputs_are_said_in_the_console_and_the_report(tmp_path):
    data = minimal_dict()
    data["agents"]["groups"][0]["staffing"] = 0
    scen = write_yaml(tmp_path / "zero.yaml", data)
    res = CliRunner().invoke(cli.app, ["run", str(scen), "-r", "2", "-w", "1", "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert "note: minimal: agents.groups = 0 agents" in res.stderr
    assert "no agent is ever on shift" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "0 agents" in (tmp_path / "r" / "warnings.csv").read_text(encoding="utf-8")


def test_compare_progress_names_every_phase_and_the_time_left(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_jobs, "PLAIN_PROGRESS_EVERY", 0.01)
    base = _slow_scenario(tmp_path)
    write_yaml(tmp_path / "voip.yaml", {"extends": "slow.yaml", "name": "voip",
                                        "levers": {"voip": {"inbound_per_minute": 0.005}}})
    res = CliRunner().invoke(cli.app, ["compare", str(base), str(tmp_path / "voip.yaml"), "-r", "6", "-w", "1",
                                       "--out", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("Comparing scenarios")]
    text = "\n".join(lines)
    # today's baseline as given is simulated with the scenarios, on the same pool
    for phase in ("staffing slow to the target (1/2)", "simulating every scenario and today's baseline as given",
                  "writing the report"):
        assert phase in text, (phase, text[-2000:])
    assert "left" in text, "a time left once replications have a pace"
    assert "/18 replications" in text  # today's baseline + the optimised baseline + voip, 6 each
