"""Bad input through the CLI: one line on stderr naming the field or file, exit code 2, no traceback.

Also the positive side of loading: ``extends:`` deep merge, and ``ccsim init``.
(click >= 8.2: ``CliRunner`` keeps ``result.stdout`` and ``result.stderr`` apart; no ``mix_stderr``.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest
import yaml
from typer.testing import CliRunner

from conftest import minimal_dict, write_yaml
from simulator.cli import app
from simulator.core.errors import ScenarioError
from simulator.model.scenario import load_scenario

runner = CliRunner()


def _set(path: str, value) -> Callable[[Path], Path]:
    """A case writing the minimal scenario with one dotted field replaced (or deleted if value is ...)."""

    def make(d: Path) -> Path:
        data = minimal_dict()
        *parents, last = path.split(".")
        cur = data
        for p in parents:
            cur = cur[int(p)] if p.isdigit() else cur[p]
        if value is ...:
            del cur[last]
        else:
            cur[int(last) if last.isdigit() else last] = value
        return write_yaml(d / "bad.yaml", data)

    return make


def _both(changes: dict) -> Callable[[Path], Path]:
    """A case writing the minimal scenario with several dotted fields replaced."""

    def make(d: Path) -> Path:
        data = minimal_dict()
        for path, value in changes.items():
            *parents, last = path.split(".")
            cur = data
            for p in parents:
                cur = cur[p]
            cur[last] = value
        return write_yaml(d / "bad.yaml", data)

    return make


def _text(text: str, name: str = "bad.yaml") -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        p.write_text(text, encoding="utf-8")
        return p

    return make


def _binary(d: Path) -> Path:
    p = d / "binary.yaml"
    p.write_bytes(b"\x00\xff\xfe\x81\x89PNG\r\n\x1a\n" + os.urandom(64))
    return p


def _missing_file(d: Path) -> Path:
    return d / "does-not-exist.yaml"


def _directory(d: Path) -> Path:
    p = d / "a-folder.yaml"
    p.mkdir()
    return p


def _extends_loop(d: Path) -> Path:
    (d / "b.yaml").write_text("extends: a.yaml\nname: b\n", encoding="utf-8")
    data = minimal_dict()
    data["extends"] = "b.yaml"
    return write_yaml(d / "a.yaml", data)


def _extends_self(d: Path) -> Path:
    data = minimal_dict()
    data["extends"] = "self.yaml"
    return write_yaml(d / "self.yaml", data)


def _extends_missing(d: Path) -> Path:
    return write_yaml(d / "lever.yaml", {"extends": "no-such-baseline.yaml", "name": "lever"})


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")
)


def _profile_csv(text: str, with_list: bool = False) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        (d / "volumes.csv").write_text(text, encoding="utf-8")
        data = minimal_dict()
        data["arrivals"] = {"profile_file": "volumes.csv"}
        if with_list:
            data["arrivals"]["profile"] = [1, 1, 1, 1]
        return write_yaml(d / "bad.yaml", data)

    return make


# case id -> (file maker, substrings the error line must contain)
CASES = {
    "negative_staffing": (_set("agents.groups.0.staffing", -2), ["agents.groups.0.staffing", "-2", ">= 0|greater than or equal to 0"]),
    "negative_wage": (_set("costs.agent_hourly_wage", -5.0), ["costs.agent_hourly_wage", "-5", "greater than or equal to 0|>= 0"]),
    "shrinkage_one": (_set("costs.shrinkage", 1.0), ["costs.shrinkage", "1.0", "less than 1|< 1"]),
    "unknown_field": (_set("colour", "blue"), ["colour", "unknown field"]),
    "unknown_nested_field": (_set("horizon.colse", "20:00"), ["horizon.colse", "unknown field"]),
    "missing_required": (_set("arrivals", ...), ["arrivals", "required"]),
    "missing_nested_required": (_set("contact_types.0.handle_time", ...), ["contact_types.0.handle_time", "required"]),
    "wrong_type_number": (_set("arrivals.calls_per_day", "lots"), ["arrivals.calls_per_day", "lots", "number"]),
    "wrong_type_mapping": (_set("horizon", 5), ["horizon", "5"]),
    "wrong_type_integer": (_set("agents.groups.0.staffing", 2.5), ["agents.groups.0.staffing", "2.5", "integer"]),
    "bad_time": (_set("horizon.open", "25:00"), ["horizon.open", "25:00", "HH:MM"]),
    "unknown_distribution": (_set("contact_types.0.handle_time.distribution", "weibull"),
                             ["contact_types.0.handle_time.distribution", "weibull", "exponential"]),
    "shares_not_one": (_set("contact_types.0.share", 0.5), ["contact_types", "0.5", "sum to 1"]),
    "profile_length": (_set("arrivals.profile", [1, 2, 3]), ["arrivals.profile", "3 weights", "4 weights"]),
    "staffing_length": (_set("agents.groups.0.staffing", [1, 2, 3]), ["agents.groups.0.staffing", "3 values", "4 integers"]),
    "skill_without_type": (_set("agents.groups.0.skills", ["general", "billing"]),
                           ["agents.groups.0.skills.1", "billing", "general"]),
    "missing_file": (_missing_file, ["does-not-exist.yaml", "not found"]),
    "directory": (_directory, ["a-folder.yaml", "directory"]),
    "binary_file": (_binary, ["binary.yaml"]),
    "malformed_yaml": (_text("name: [unclosed\nseed: 1\n"), ["bad.yaml", "line 2"]),
    "tab_indented_yaml": (_text("name: x\nhorizon:\n\tdays: 2\n"), ["bad.yaml", "YAML"]),
    "empty_file": (_text(""), ["bad.yaml", "empty"]),
    "not_a_mapping": (_text("- 1\n- 2\n"), ["bad.yaml", "mapping"]),
    "extends_loop": (_extends_loop, ["extends", "a.yaml", "b.yaml", "loop"]),
    "extends_self": (_extends_self, ["extends", "self.yaml"]),
    "extends_missing": (_extends_missing, ["extends", "no-such-baseline.yaml"]),
    # Issue 9: hostile and careless input.
    "alias_bomb": (_text(BOMB), ["bad.yaml", "aliases expand", "at most 100,000"]),
    "duplicate_key": (_text("name: a\nseed: 1\nname: b\n"), ["bad.yaml", "'name'", "twice", "line 3"]),
    "near_name": (_set("costs.agent_hourly_wge", 20.0), ["costs.agent_hourly_wge", "did you mean 'agent_hourly_wage'"]),
    "negative_profile_weight": (_set("arrivals.profile", [1, 1, -1, 1]), ["arrivals.profile.2", "-1", "greater than or equal to 0"]),
    "per_type_percentages": (_set("levers", {"ivr": {"containment": {"general": 25}}}),
                             ["levers.ivr.containment.general", "25", "less than or equal to 1"]),
    "bool_for_number": (_set("arrivals.calls_per_day", True), ["arrivals.calls_per_day", "True", "number"]),
    "infinite_volume": (_set("arrivals.calls_per_day", float("inf")), ["arrivals.calls_per_day", "finite"]),
    "huge_volume": (_set("arrivals.calls_per_day", 1e308), ["arrivals.calls_per_day", "1e+308", "less than or equal to"]),
    "infinite_mean": (_set("contact_types.0.handle_time.mean_seconds", float("inf")),
                      ["contact_types.0.handle_time.mean_seconds", "finite"]),
    "nan_wage": (_set("costs.agent_hourly_wage", float("nan")), ["costs.agent_hourly_wage", "finite"]),
    "warmup_beyond_horizon": (_set("horizon.warmup_minutes", 500), ["horizon.warmup_minutes", "500", "opening hours"]),
    "all_zero_samples": (_set("contact_types.0.handle_time", {"distribution": "empirical", "samples": [0, 0]}),
                         ["contact_types.0.handle_time.samples", "above 0"]),
    "profile_and_profile_file": (_profile_csv("calls\n1\n2\n3\n4\n", with_list=True),
                                 ["arrivals.profile_file", "not both"]),
    "all_zero_profile_csv": (_profile_csv("calls\n0\n0\n0\n0\n"), ["arrivals.profile_file", "volumes.csv", "above 0"]),
    "csv_line_after_blank_lines": (_profile_csv("calls\n1\n\n\n2\nx\n"), ["volumes.csv line 6", "'x'"]),
    # Issue 10: weekly patterns.
    "day_weights_length": (_set("arrivals.day_weights", [1, 1, 1]), ["arrivals.day_weights", "[1, 1, 1]", "7 weights"]),
    "day_weights_all_closed": (_set("arrivals.day_weights", [0] * 7), ["arrivals.day_weights", "at least one above 0"]),
    "day_weights_negative": (_set("arrivals.day_weights", [1, 1, 1, 1, 1, 1, -1]),
                             ["arrivals.day_weights.6", "-1", "greater than or equal to 0"]),
    "start_day_unknown": (_set("horizon.start_day", "monday"), ["horizon.start_day", "monday", "'mon'"]),
    "only_closed_days_simulated": (_both({"arrivals.day_weights": [1, 1, 1, 1, 1, 1, 0], "horizon.start_day": "sun"}),
                                   ["arrivals.day_weights", "open day", "start_day sun"]),
    # Issue 10: shift types (more in tests/test_roster.py).
    "shift_start_off_grid": (_set("agents.shifts", [{"name": "x", "starts": ["08:15"], "length_hours": 1}]),
                             ["agents.shifts.0.starts.0", "08:15", "interval grid"]),
}


def _matches(line: str, needle: str) -> bool:
    return any(alt in line for alt in needle.split("|"))


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_naming_the_problem(tmp_path, monkeypatch, case, command):
    monkeypatch.chdir(tmp_path)
    make, needles = CASES[case]
    path = make(tmp_path)
    args = [command, str(path)] + (["--json", "--no-report", "-r", "1", "--workers", "1"] if command == "run" else [])
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    assert isinstance(res.exception, SystemExit), f"uncaught {res.exception!r}"
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr, got {lines!r}"
    line = lines[0]
    for needle in needles:
        assert _matches(line, needle), f"{needle!r} not in {line!r}"
    assert "Traceback" not in res.output and "Traceback" not in res.stderr
    assert res.stdout == "", "nothing on stdout when the input is bad"
    assert not (tmp_path / "reports").exists()


def test_scenario_error_message_format():
    err = ScenarioError("agents.groups.0.staffing", -2, ">= 0")
    assert str(err) == "agents.groups.0.staffing must be >= 0 (got -2)"


def test_cli_option_out_of_range_is_a_usage_error(minimal_file):
    res = runner.invoke(app, ["run", str(minimal_file), "--replications", "0", "--json"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert "replications" in res.stderr


# ---------------------------------------------------------------- extends: deep merge
def test_extends_deep_merges_relative_to_the_file(tmp_path, monkeypatch):
    base = minimal_dict(name="base")
    base["costs"]["telephony"] = {"inbound_per_minute": 0.01, "outbound_per_minute": 0.02}
    base["arrivals"] = {"calls_per_day": 100, "profile": [1, 2, 3, 4]}
    write_yaml(tmp_path / "base.yaml", base)
    sub = tmp_path / "levers"
    sub.mkdir()
    lever = {
        "extends": "../base.yaml",
        "name": "lever",
        "costs": {"telephony": {"inbound_per_minute": 0.0085}},  # nested override keeps siblings
        "arrivals": {"profile": [4, 3, 2, 1]},  # lists replace
        "agents": {"groups": [{"name": "new", "skills": ["general"], "staffing": [1, 2, 3, 4]}]},
    }
    write_yaml(sub / "lever.yaml", lever)
    monkeypatch.chdir(tmp_path / "levers")  # relative to the file, not to the working directory
    sc = load_scenario(sub / "lever.yaml")
    assert sc.name == "lever"
    assert sc.costs.telephony.inbound_per_minute == 0.0085
    assert sc.costs.telephony.outbound_per_minute == 0.02
    assert sc.costs.agent_hourly_wage == 20.0 and sc.costs.benefits_load == 0.25
    assert sc.arrivals.profile == [4, 3, 2, 1] and sc.arrivals.calls_per_day == 100
    assert [g.name for g in sc.agents.groups] == ["new"]
    assert sc.agents.groups[0].staffing == [1, 2, 3, 4]
    assert sc.seed == base["seed"] and sc.horizon.close == "10:00"


def test_extends_chains_two_levels(tmp_path):
    write_yaml(tmp_path / "a.yaml", minimal_dict(name="a", seed=3))
    write_yaml(tmp_path / "b.yaml", {"extends": "a.yaml", "name": "b", "replications": 4})
    write_yaml(tmp_path / "c.yaml", {"extends": "b.yaml", "name": "c", "horizon": {"days": 2}})
    sc = load_scenario(tmp_path / "c.yaml")
    assert (sc.name, sc.seed, sc.replications, sc.horizon.days, sc.horizon.open) == ("c", 3, 4, 2, "08:00")
    res = runner.invoke(app, ["validate", str(tmp_path / "c.yaml")])
    assert res.exit_code == 0, res.output


def test_extends_error_in_the_merged_result_names_the_field(tmp_path):
    write_yaml(tmp_path / "a.yaml", minimal_dict(name="a"))
    write_yaml(tmp_path / "b.yaml", {"extends": "a.yaml", "agents": {"groups": [{"name": "x", "skills": ["nope"], "staffing": 1}]}})
    res = runner.invoke(app, ["validate", str(tmp_path / "b.yaml")])
    assert res.exit_code == 2
    assert "agents.groups.0.skills.0" in res.stderr and "nope" in res.stderr


# ---------------------------------------------------------------- init
def test_init_writes_files_that_validate_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "set"
    res = runner.invoke(app, ["init", str(target)])
    assert res.exit_code == 0, res.output
    files = sorted(target.glob("*.yaml"))
    assert any(f.name == "baseline.yaml" for f in files)
    for f in files:
        v = runner.invoke(app, ["validate", str(f)])
        assert v.exit_code == 0, (f.name, v.output)
        assert "valid" in v.stdout
    # A second init must not overwrite the user's edits
    (target / "baseline.yaml").write_text("# my edits\n" + (target / "baseline.yaml").read_text())
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2
    assert len(again.stderr.strip().splitlines()) == 1
    assert "baseline.yaml" in again.stderr and "--force" in again.stderr
    assert (target / "baseline.yaml").read_text().startswith("# my edits")
    forced = runner.invoke(app, ["init", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert not (target / "baseline.yaml").read_text().startswith("# my edits")


def test_init_into_a_file_is_refused(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    res = runner.invoke(app, ["init", str(f)])
    assert res.exit_code == 2
    assert "file.txt" in res.stderr and "Traceback" not in res.output


def test_validate_accepts_the_minimal_scenario(minimal_file):
    res = runner.invoke(app, ["validate", str(minimal_file)])
    assert res.exit_code == 0, res.output
    assert "minimal" in res.stdout
    data = yaml.safe_load(minimal_file.read_text())
    assert set(data) >= {"name", "seed", "replications", "horizon", "arrivals", "contact_types", "agents", "costs"}


def test_a_lever_file_with_profile_file_replaces_its_parents_profile_list(tmp_path):
    """``extends:``: the child's profile_file replaces the parent's profile (no 'both given' error)."""
    base = minimal_dict()
    base["arrivals"]["profile"] = [1, 1, 1, 1]
    write_yaml(tmp_path / "base.yaml", base)
    (tmp_path / "volumes.csv").write_text("calls\n10\n30\n30\n10\n", encoding="utf-8")
    write_yaml(tmp_path / "child.yaml", {"extends": "base.yaml", "arrivals": {"profile_file": "volumes.csv"}})
    sc = load_scenario(tmp_path / "child.yaml")
    assert sc.arrivals.profile == [10, 30, 30, 10]


def test_yaml_merge_keys_and_shared_anchors_still_load(tmp_path):
    text = """
name: anchors
arrivals: {calls_per_day: 100}
contact_types:
  - name: a
    share: 0.5
    handle_time: &ht {distribution: exponential, mean_seconds: 300}
  - name: b
    share: 0.5
    handle_time: *ht
    repeat_delay: {<<: *ht, mean_seconds: 600}
agents: {groups: [{name: t, skills: [a, b], staffing: 3}]}
"""
    (tmp_path / "ok.yaml").write_text(text, encoding="utf-8")
    sc = load_scenario(tmp_path / "ok.yaml")
    assert sc.contact_types[1].handle_time.mean_seconds == 300
    assert sc.contact_types[1].repeat_delay.mean_seconds == 600


def test_legal_but_odd_inputs_are_named():
    from simulator.model.oddities import odd_inputs
    from simulator.model.scenario import parse_scenario

    assert odd_inputs(parse_scenario(minimal_dict())) == []
    zero = minimal_dict()
    zero["agents"]["groups"][0]["staffing"] = 0
    [odd] = odd_inputs(parse_scenario(zero))
    assert odd.field == "agents.groups" and "no agent" in odd.message
    gap = minimal_dict()
    gap["agents"]["groups"][0]["staffing"] = [3, 0, 3, 3]
    assert "1 interval" in odd_inputs(parse_scenario(gap))[0].value
    long_warmup = minimal_dict(horizon={"days": 1, "open": "08:00", "close": "10:00", "interval_minutes": 30,
                                        "warmup_minutes": 90})
    [odd] = odd_inputs(parse_scenario(long_warmup))
    assert odd.field == "horizon.warmup_minutes" and "75%" in odd.message
