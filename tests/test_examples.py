"""The shipped scenario set: every file validates and builds, and scenarios/ mirrors the package copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.model.build import build_plan
from simulator.model.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def test_init_writes_the_single_shipped_copy_of_the_scenarios(tmp_path: Path):
    """`ccsim init` writes the scenarios/ files themselves (shipped as package data simulator.examples)."""
    from typer.testing import CliRunner

    from simulator.cli import app

    result = CliRunner().invoke(app, ["init", str(tmp_path / "set")])
    assert result.exit_code == 0, result.output
    written = {str(p.relative_to(tmp_path / "set")): p.read_text() for p in (tmp_path / "set").rglob("*.yaml")}
    shipped = {str(p.relative_to(SCENARIOS)): p.read_text() for p in SCENARIOS.rglob("*.yaml")}
    assert written == shipped and "more/weekly.yaml" in written


@pytest.mark.parametrize("path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_scenario_file_validates_and_builds(path: Path):
    scenario = load_scenario(path)
    if not any(g.staffing == "optimize" for g in scenario.agents.groups):
        plan = build_plan(scenario)
        assert plan.staffing.sum() > 0


def test_baseline_is_a_realistic_mid_size_center():
    s = load_scenario(SCENARIOS / "baseline.yaml")
    plan = build_plan(s)
    assert len(s.contact_types) >= 3
    assert plan.staffing.sum(axis=0).max() >= 100, "the baseline should have 100+ agents"
    assert s.horizon.close_seconds - s.horizon.open_seconds == 12 * 3600
    assert isinstance(s.arrivals.profile, list) and len(set(s.arrivals.profile)) > 3, "a realistic intraday profile"
    assert 15 <= s.costs.agent_hourly_wage <= 27 and 0.2 <= s.costs.benefits_load <= 0.43
    text = (SCENARIOS / "baseline.yaml").read_text()
    assert text.count("#") >= 10, "every figure should cite its source in a comment"


@pytest.mark.parametrize("path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_scenario_file_runs_from_the_command_line(path: Path):
    """Issue 3: running the baseline and every lever file works from the command line."""
    import json

    from typer.testing import CliRunner

    from simulator.cli import app

    result = CliRunner().invoke(app, ["run", str(path), "-r", "1", "-w", "1", "--json", "--no-report"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)["metrics"]
    assert metrics["calls_answered"]["mean"] > 1000, metrics["calls_answered"]
    assert metrics["total_cost"]["mean"] > 0
