"""ccsim sweep: grids, common random numbers across points, errors, CSV and HTML."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.core.errors import ScenarioError
from simulator.model.scenario import parse_scenario
from simulator.studies.simulate import simulate
from simulator.studies.sweep import parse_vary, sweep
from test_compare import small_base

HANDLE = "contact_types.0.handle_time.mean_seconds"


def light() -> dict:
    """small_base with enough agents that the queue is not saturated (its outcomes then move smoothly)."""
    return small_base(agents={"groups": [{"name": "team", "skills": ["billing", "tech"], "staffing": 24}]})


def test_parse_vary_builds_the_grid_and_keeps_whole_numbers_whole():
    v = parse_vary("costs.agent_hourly_wage=16:24:2")
    assert v.path == "costs.agent_hourly_wage" and v.values == (16, 18, 20, 22, 24)
    assert all(isinstance(x, int) for x in v.values)
    assert parse_vary("levers.ivr.containment=0.1:0.3:0.1").values == (0.1, 0.2, 0.3)
    assert parse_vary("x=0:1:0.3").values == (0.0, 0.3, 0.6, 0.9)


@pytest.mark.parametrize("text, rule", [
    ("costs.agent_hourly_wage=16:24", "PATH=LOW:HIGH:STEP"),
    ("costs.agent_hourly_wage=24:16:2", "LOW <= HIGH and STEP > 0"),
    ("costs.agent_hourly_wage=16:24:0", "LOW <= HIGH and STEP > 0"),
    ("x=0:1000:1", "at most 400 points"),
])
def test_a_bad_vary_is_an_error_naming_the_option(text, rule):
    with pytest.raises(ScenarioError, match=r"^--vary must be") as err:
        parse_vary(text)
    assert rule in str(err.value)


def test_sweep_points_share_random_numbers_so_a_monotone_input_gives_a_monotone_curve():
    sc = parse_scenario(light())
    grid = list(range(200, 301, 10))
    res = sweep(sc, [parse_vary(f"{HANDLE}=200:300:10")], metric="occupancy", replications=2, workers=1)
    y = res.points["mean"].to_numpy()
    assert list(res.points[HANDLE]) == grid
    assert np.all(np.diff(y) > 0), f"longer calls keep agents busier at every step: {np.round(y, 4)}"
    # The same points with independent random numbers jump about: the smoothness is the shared seed's.
    indep = [simulate(sc.with_changes({HANDLE: v}), replications=2, seed=100 + i, workers=1).replications["occupancy"].mean()
             for i, v in enumerate(grid)]
    assert not np.all(np.diff(indep) > 0)


def test_two_varies_make_a_grid_and_a_baseline_makes_it_a_paired_saving(tmp_path):
    base = parse_scenario(light())
    lever = parse_scenario({**light(), "name": "voip", "levers": {"voip": {"inbound_per_minute": 0.0085}}})
    res = sweep(lever, [parse_vary("levers.voip.inbound_per_minute=0.005:0.015:0.005"),
                        parse_vary("costs.agent_hourly_wage=18:22:4")], baseline=base, replications=2, workers=1)
    assert len(res.points) == 6 and res.metric == "saving_month"
    p = res.points.set_index(["levers.voip.inbound_per_minute", "costs.agent_hourly_wage"])["mean"]
    # A cheaper VoIP minute saves more; the wage is the center's, set in both files, so it moves no saving much.
    assert p[(0.005, 18)] > p[(0.01, 18)] > p[(0.015, 18)]
    assert abs(p[(0.01, 22)] - p[(0.01, 18)]) < 0.1 * abs(p[(0.005, 18)] - p[(0.015, 18)])
    from simulator.output.report.study import write_sweep_report

    html = write_sweep_report(res, tmp_path / "heat").read_text(encoding="utf-8")
    assert html.count("<img") == 1 and "over levers.voip.inbound_per_minute and costs.agent_hourly_wage" in html
    assert len(pd.read_csv(tmp_path / "heat" / "sweep.csv")) == 6


def test_sweep_command_writes_csv_and_html_and_refuses_a_path_the_file_lacks(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(light()), encoding="utf-8")
    out = tmp_path / "sweep"
    result = CliRunner().invoke(app, ["sweep", str(path), "--vary", "costs.agent_hourly_wage=18:22:2", "-r", "2", "-w", "1",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    csv = pd.read_csv(out / "sweep.csv")
    assert list(csv["costs.agent_hourly_wage"]) == [18, 20, 22]
    assert np.all(np.diff(csv["mean"]) > 0)
    assert "<img" in (out / "report.html").read_text(encoding="utf-8")
    j = CliRunner().invoke(app, ["sweep", str(path), "--vary", "costs.agent_hourly_wage=18:22:2", "-r", "2", "-w", "1", "--json"])
    assert [p["mean"] for p in json.loads(j.stdout)["points"]] == pytest.approx(list(csv["mean"]))
    bad = CliRunner().invoke(app, ["sweep", str(path), "--vary", "costs.no_such_field=1:2:1"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --vary must be a numeric field path")
    assert len(bad.stderr.strip().splitlines()) == 1
    metric = CliRunner().invoke(app, ["sweep", str(path), "--vary", "costs.agent_hourly_wage=18:22:2", "--metric", "nps"])
    assert metric.exit_code == 2 and "--metric must be one of monthly_cost" in metric.stderr
