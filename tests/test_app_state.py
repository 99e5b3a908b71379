"""The what-if page's logic without a browser: schema bounds, the folder, the scenarios a choice
makes, one-line errors as the CLI prints them, the run's cache and cancel flag, and the page's
numbers against ``ccsim compare`` on the downloaded files (same seed: the same numbers, exactly)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from app_fixtures import tiny_folder
from typer.testing import CliRunner

from simulator.app import state
from simulator.app.runner import Runner
from simulator.cli import app
from simulator.core.errors import ScenarioError
from simulator.levers import LEVERS
from simulator.model.scenario import Arrivals, Costs, load_scenario

cli = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> state.Folder:
    return state.open_folder(tiny_folder(tmp_path / "scenarios"))


def _choice(**over: object) -> state.Choice:
    base = {"baseline": "baseline.yaml", "levers": ("chatbot",), "values": {}, "days": 1, "replications": 3, "seed": 11, "hold": "service"}
    return state.Choice(**{**base, **over})  # type: ignore[arg-type]


def _wait(job):
    if job.thread is not None:
        job.thread.join(timeout=600)
    assert job.done
    return job


# ---------------------------------------------------------------- bounds come from the schema
def test_bounds_are_read_from_the_pydantic_models() -> None:
    assist = state.bounds(LEVERS["agent_assist"].settings, "handle_time_reduction")
    assert (assist.low, assist.high, assist.low_open, assist.high_open) == (0.0, 1.0, False, True)
    per_type = state.bounds(LEVERS["chatbot"].settings, "containment")  # Union[Share, dict[str, Share]]
    assert (per_type.low, per_type.high, per_type.is_share) == (0.0, 1.0, True)
    volume = state.bounds(Arrivals, "calls_per_day")
    assert volume.low == 0 and volume.low_open and volume.high == 5e7 and not volume.is_share
    wage = state.bounds(Costs, "agent_hourly_wage")
    assert wage.low == 0 and not wage.low_open and not wage.is_share


def test_knobs_cover_each_levers_main_fields_and_per_type_values() -> None:
    chatbot = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "chatbot.yaml").levers.chatbot
    paths = [k.path for k in state.lever_knobs("chatbot", chatbot)]
    assert paths == ["levers.chatbot.engagement", "levers.chatbot.containment.billing", "levers.chatbot.containment.account",
                     "levers.chatbot.containment.technical", "levers.chatbot.containment.sales", "levers.chatbot.investment"]
    assert set(state.MAIN_FIELDS) == set(LEVERS), "every lever has its main fields on the page"
    for key, fields in state.MAIN_FIELDS.items():
        assert set(fields) <= set(LEVERS[key].settings.model_fields), key


# ---------------------------------------------------------------- the folder
def test_folder_lists_baselines_and_the_lever_each_file_pulls(folder: state.Folder) -> None:
    assert folder.baselines == ["baseline.yaml"]
    levers = folder.levers("baseline.yaml")
    assert {k: v[0] for k, v in levers.items()} == {"agent_assist": "agent-assist.yaml", "chatbot": "chatbot.yaml"}


def test_shipped_set_prefers_the_one_lever_file() -> None:
    shipped = state.open_folder(Path(__file__).resolve().parents[1] / "scenarios")
    assert shipped.baselines[0] == "baseline.yaml" and not shipped.problems
    levers = shipped.levers("baseline.yaml")
    assert levers["chatbot"][0] == "chatbot.yaml" and levers["voip"][0] == "voip.yaml"  # not all-levers.yaml


def test_no_path_outside_the_folder_is_opened(folder: state.Folder, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text((folder.root / "baseline.yaml").read_text(), encoding="utf-8")
    os.symlink(outside, folder.root / "link.yaml")
    again = state.open_folder(folder.root)
    assert "link.yaml" not in again.scenarios
    for name in ("../outside.yaml", str(outside), "link.yaml", "baseline.yaml/../../outside.yaml"):
        with pytest.raises(ScenarioError, match="one of the scenario files"):
            again.path(name)
    assert again.path("baseline.yaml") == again.root / "baseline.yaml"


# ---------------------------------------------------------------- a choice -> two scenarios
def test_build_applies_levers_knobs_and_context(folder: state.Folder) -> None:
    values = {"levers.chatbot.containment": 0.45, "arrivals.calls_per_day": 360.0, "costs.agent_hourly_wage": 22.0}
    base, what_if = state.build(folder, _choice(values=values, days=2, replications=4, seed=5))
    assert what_if.levers.chatbot.containment == 0.45 and what_if.levers.chatbot.engagement == 0.5
    assert base.levers.chatbot is None
    for sc in (base, what_if):
        assert (sc.arrivals.calls_per_day, sc.costs.agent_hourly_wage, sc.horizon.days, sc.replications, sc.seed) == (360.0, 22.0, 2, 4, 5)
    assert what_if.name == "What-if: AI assistant" and base.name == "Tiny baseline"


def test_invalid_value_is_the_clis_one_line_message_next_to_its_knob(folder: state.Folder, tmp_path: Path) -> None:
    _, good = state.build(folder, _choice(levers=("agent_assist",)))
    with pytest.raises(ScenarioError) as info:
        state.build(folder, _choice(levers=("agent_assist",), values={"levers.agent_assist.handle_time_reduction": 1.0}))
    knobs = [k.path for k in state.lever_knobs("agent_assist", good.levers.agent_assist)]
    assert state.error_place(info.value, knobs) == "levers.agent_assist.handle_time_reduction"
    # The same value in a file: `ccsim validate` prints the same line.
    data = yaml.safe_load(state.yaml_text(good))
    data["levers"]["agent_assist"]["handle_time_reduction"] = 1.0
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    res = cli.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2
    assert res.stderr.strip() == state.error_line(info.value) == \
        "error: levers.agent_assist.handle_time_reduction must be less than 1 (got 1.0)"


def test_error_in_a_per_type_value_goes_to_that_types_knob() -> None:
    exc = ScenarioError("levers.ivr.containment.billing", 1.5, "at most 1")
    assert state.error_place(exc, ["levers.ivr.containment", "levers.ivr.containment.billing"]) == "levers.ivr.containment.billing"
    assert state.error_place(exc, ["costs.agent_hourly_wage"]) is None


# ---------------------------------------------------------------- runs: same numbers as ccsim compare
def test_page_numbers_equal_ccsim_compare_on_the_downloaded_files(folder: state.Folder, tmp_path: Path) -> None:
    base, what_if = state.build(folder, _choice(values={"levers.chatbot.containment": 0.45}))
    job = _wait(Runner().start(base, what_if, "service"))
    assert job.error is None and job.outcome is not None
    comp = job.outcome.comparison
    out = tmp_path / "download"
    out.mkdir()
    (out / "baseline.yaml").write_text(state.yaml_text(base), encoding="utf-8")
    (out / "what-if.yaml").write_text(state.yaml_text(what_if), encoding="utf-8")
    for name in ("baseline.yaml", "what-if.yaml"):
        assert cli.invoke(app, ["validate", str(out / name)]).exit_code == 0
    args = state.command_line("service").split()[2:]  # the page's own command line
    res = cli.invoke(app, ["compare", *[str(out / a) if a.endswith(".yaml") else a for a in args], "--json", "--no-report", "-w", "1"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == json.loads(json.dumps(comp.to_json_dict()))
    assert job.outcome.report.html.startswith(b"<!DOCTYPE html>") and job.outcome.report.xlsx[:2] == b"PK"


def test_same_inputs_never_run_twice_and_a_moved_lever_reuses_the_baseline(folder: state.Folder) -> None:
    runner = Runner()
    base, what_if = state.build(folder, _choice())
    first = _wait(runner.start(base, what_if, "service"))
    simulated = runner.store.saved
    assert simulated == 3 * 3  # today's baseline, the optimised baseline and the what-if, 3 replications each
    again = runner.start(base, what_if, "service")
    assert again.thread is None and again.outcome is first.outcome and runner.store.saved == simulated
    _, moved = state.build(folder, _choice(values={"levers.chatbot.containment": 0.5}))
    _wait(runner.start(base, moved, "service"))
    assert runner.store.saved == simulated + 3, "only the what-if is simulated again"
    assert runner.comparisons_run == 2


def test_cancel_stops_the_run_and_caches_nothing(folder: state.Folder) -> None:
    runner = Runner()
    base, what_if = state.build(folder, _choice())
    job = runner.start(base, what_if, "service")
    job.cancel()
    _wait(job)
    assert job.cancelled and job.outcome is None and runner.cached(job.key) is None
    assert runner.store.saved <= 1  # at most the replication under way when the flag was set
    done = _wait(runner.start(base, what_if, "service"))
    assert done.outcome is not None and not done.cancelled


# ---------------------------------------------------------------- the command
def test_app_command_serves_on_localhost_the_shipped_set_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator import cli_app

    calls: list[list[str]] = []
    monkeypatch.setattr(cli_app.os, "execv", lambda exe, cmd: calls.append(cmd))
    res = cli.invoke(app, ["app"])
    assert res.exit_code == 0, res.output
    cmd = calls[0]
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1" and cmd[cmd.index("--server.port") + 1] == "8501"
    page_args = cmd[cmd.index("--") + 1:]
    assert Path(page_args[0]) == cli_app.shipped_folder().resolve()
    assert page_args[1:] == ["--days", "1", "--replications", "3", "--workers", "1"]
    res = cli.invoke(app, ["app", "--host", "0.0.0.0", "--port", "9000", "--days", "2", "-s", "4"])
    cmd = calls[1]
    assert res.exit_code == 0 and cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--server.port") + 1] == "9000"
    assert cmd[cmd.index("--") + 2:] == ["--days", "2", "--replications", "3", "--workers", "1", "--seed", "4"]


def test_app_command_errors_are_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from simulator import cli_app

    monkeypatch.setattr(cli_app.os, "execv", lambda exe, cmd: pytest.fail("must not start"))
    res = cli.invoke(app, ["app", str(tmp_path / "missing")])
    assert res.exit_code == 2 and res.stderr.strip() == f"error: DIR must be a folder of scenario files (got {tmp_path / 'missing'})"
    res = cli.invoke(app, ["app", str(tmp_path)])
    assert res.exit_code == 2 and "has none (ccsim init DIR writes the examples)" in res.stderr
    res = cli.invoke(app, ["app", "--days", "0"])
    assert res.exit_code == 2 and res.stderr.strip() == "error: --days must be an integer from 1 to 400 (got 0)"
    monkeypatch.setattr(cli_app, "find_spec", lambda name: None)
    res = cli.invoke(app, ["app"])
    assert res.exit_code == 2 and res.stderr.strip() == 'error: ccsim app needs the app extra: pip install "ccsim[app]"'


def test_a_second_session_with_the_same_inputs_joins_the_run_under_way(folder: state.Folder) -> None:
    runner = Runner()
    base, what_if = state.build(folder, _choice())
    first = runner.start(base, what_if, "service")
    second = runner.start(base, what_if, "service")
    assert second is first and first.watchers == 2
    second.cancel()  # one tab leaves: the other still gets its result
    _wait(first)
    assert first.outcome is not None and not first.cancelled
    assert runner.store.saved == 3 * 3 and runner.comparisons_run == 1


def test_the_app_command_module_imports_nothing_heavy_at_start_up() -> None:
    """``ccsim --help`` stays fast: the command's module defers the schema, numpy and streamlit
    (none of them beyond what ``import simulator`` loads)."""
    import subprocess
    import sys

    code = ("import sys, simulator; before = set(sys.modules); import simulator.cli_app; "
            "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in "
            "('numpy', 'pandas', 'scipy', 'matplotlib', 'pydantic', 'streamlit') or m.startswith(('simulator.app', 'simulator.model'))))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr
