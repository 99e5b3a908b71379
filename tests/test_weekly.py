"""Weekly patterns (issue 10 item 4): ``arrivals.day_weights`` and ``horizon.start_day``.

Arrivals per weekday against their Poisson expectation (with a tolerance an off-by-one-day bug
would break), closed days, the clock that skips them, the staffing optimizer per weekday against
Erlang C, and scenarios without a weekly pattern left exactly as they were.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import minimal_dict, write_yaml
from simulator.analysis.costs import horizon_days
from simulator.cli import app
from simulator.core.erlang import required_agents
from simulator.engine.clock import business_shift, opening_seconds_until
from simulator.engine.contacts import need_arrival_times
from simulator.model.build import build_plan
from simulator.model.scenario import load_scenario, parse_scenario
from simulator.model.streams import replication_streams
from simulator.studies.roster import optimize_roster
from simulator.studies.simulate import simulate
from simulator.studies.staffing import optimize_staffing

WEEK = [1.3, 1.1, 1.0, 1.0, 0.9, 0.5, 0.0]  # Monday first: a Monday peak, a quiet Saturday, closed Sunday
runner = CliRunner()


def _flat(calls_per_day: float, days: int, staffing, week=None, start_day: str = "mon", **extra) -> dict:
    """One type, exponential handle time, hourly intervals 08:00-16:00."""
    data = minimal_dict(
        horizon={"days": days, "open": "08:00", "close": "16:00", "interval_minutes": 60, "warmup_minutes": 0,
                 "start_day": start_day},
        arrivals={"calls_per_day": calls_per_day, "profile": "flat", **({"day_weights": week} if week else {})},
        contact_types=[{"name": "general", "share": 1.0, "handle_time": {"distribution": "exponential", "mean_seconds": 240},
                        "patience": None, "fcr": 1.0}],
        agents={"groups": [{"name": "team", "skills": ["general"], "staffing": staffing}]},
    )
    data.update(extra)
    return data


def _calls_per_weekday(data: dict, replications: int) -> np.ndarray:
    """Customer needs per day of the horizon, summed over replications."""
    plan = build_plan(parse_scenario(data))
    out = np.zeros(plan.days)
    for r in range(replications):
        t = need_arrival_times(plan, replication_streams(7, r))
        out += np.bincount((t // 86400).astype(int), minlength=plan.days)
    return out


# ---------------------------------------------------------------- arrivals
@pytest.mark.parametrize("start_day", ["mon", "wed"])
def test_calls_per_day_follow_the_weekday_weights(start_day):
    calls, reps = 2000.0, 3
    first = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(start_day)
    counts = _calls_per_weekday(_flat(calls, 7, 10, WEEK, start_day), reps)
    weights = np.roll(WEEK, -first)  # day d of the horizon is weekday start_day + d
    expected = calls * reps * weights
    tolerance = 4.0 * np.sqrt(np.maximum(expected, 1.0))  # Poisson: variance = mean
    assert np.all(np.abs(counts - expected) <= tolerance), (counts, expected, tolerance)
    # The tolerance is far narrower than what a day off would give: a pattern shifted by one day misses.
    for shift in (1, -1):
        assert np.max(np.abs(np.roll(expected, shift) - expected) - tolerance) > 0, shift
        assert np.any(np.abs(counts - np.roll(expected, shift)) > tolerance), (shift, counts)
    assert counts[weights == 0].sum() == 0


def test_a_closed_day_has_no_contacts_no_agents_and_no_cost_day():
    # Repeats and redials come back in opening hours: Saturday's skip the closed Sunday to Monday.
    data = _flat(600.0, 8, 6, WEEK)
    data["contact_types"][0].update(fcr=0.7, repeat_delay={"distribution": "exponential", "mean_seconds": 7200},
                                    patience={"distribution": "exponential", "mean_seconds": 120})
    data["redials"] = {"probability": 0.5, "delay": {"distribution": "exponential", "mean_seconds": 600}}
    res = simulate(parse_scenario(data), replications=2, workers=1)
    iv = res.intervals
    sunday = iv[iv["day"] == 6]
    assert sunday["offered"].sum() == 0 and sunday["agents"].sum() == 0
    assert iv[iv["day"] == 7]["offered"].sum() > 0  # Monday again
    assert res.replications["repeat_contacts"].mean() > 0
    assert horizon_days(res.plan) == 7  # the closed Sunday is no working day
    assert res.replications["staffed_agent_hours"].iloc[0] == pytest.approx(6 * 8 * 7)


def test_the_clock_of_delayed_contacts_skips_closed_days():
    plan = build_plan(parse_scenario(_flat(100.0, 14, 1, WEEK)))
    sat_3pm = 5 * 86400.0 + 15 * 3600.0
    # Two opening hours after Saturday 15:00: one on Saturday, the other on Monday from 08:00.
    assert float(business_shift(plan, sat_3pm, 7200.0)) == pytest.approx(7 * 86400.0 + 9 * 3600.0)
    assert float(opening_seconds_until(plan, 7 * 86400.0 + 8 * 3600.0)) == pytest.approx(6 * 8 * 3600.0)
    assert float(opening_seconds_until(plan, 6 * 86400.0 + 12 * 3600.0)) == pytest.approx(6 * 8 * 3600.0)  # Sunday: flat
    t = np.array([8 * 3600.0, 3 * 86400.0 + 10 * 3600.0, 12 * 86400.0 + 9 * 3600.0])
    for delay in (0.0, 3600.0, 20 * 3600.0, 100 * 3600.0):
        back = opening_seconds_until(plan, business_shift(plan, t, delay)) - opening_seconds_until(plan, t)
        np.testing.assert_allclose(back, delay)


# ---------------------------------------------------------------- staffing per weekday
def test_the_optimizer_staffs_each_weekday_and_meets_erlang_c_on_the_monday_peak():
    # Steady load (flat, exponential, callers who never hang up, no repeats): Erlang C is exact per interval.
    calls, week = 1600.0, [1.5, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0]
    sc = parse_scenario(_flat(calls, 7, "optimize", week))
    res = optimize_staffing(sc, workers=1)
    t = res.table
    assert list(dict.fromkeys(t["day"])) == ["mon", "tue-fri", "sat"]  # equal weekdays are one class
    mon = t[t["day"] == "mon"]["agents"].to_numpy()
    sat = t[t["day"] == "sat"]["agents"].to_numpy()
    erlang_mon = required_agents(calls * 1.5 / 8, 240.0, 20.0, 0.8)
    erlang_sat = required_agents(calls * 0.5 / 8, 240.0, 20.0, 0.8)
    assert np.all(np.abs(mon - erlang_mon) <= 1), (mon, erlang_mon)
    assert np.all(np.abs(sat - erlang_sat) <= 1), (sat, erlang_sat)
    assert np.all(mon > sat)
    # The plan holds a staffing per weekday; the closed Sunday has nobody.
    assert res.plan.staffing.shape == (7, 1, 8)
    assert res.plan.staffing[6].sum() == 0
    np.testing.assert_array_equal(res.plan.staffing[0, 0], mon)
    np.testing.assert_array_equal(res.plan.staffing[1], res.plan.staffing[4])


def test_staffing_optimize_in_a_run_uses_the_weekday_staffing():
    sc = parse_scenario(_flat(800.0, 7, "optimize", WEEK, replications=2))
    res = simulate(sc, replications=2, workers=1)
    agents = res.intervals.groupby("day")["agents"].mean()
    assert agents[0] > agents[2] > agents[5] > agents[6] == 0  # Monday > Wednesday > Saturday > closed Sunday
    assert res.metrics().loc["service_level", "mean"] > 0.75


def test_a_roster_per_weekday_is_simulated_day_by_day():
    data = _flat(800.0, 7, "optimize", WEEK)
    data["agents"]["shifts"] = [{"name": "day", "starts": {"first": "08:00", "last": "12:00", "every_minutes": 60},
                                 "length_hours": 4}]
    study = optimize_roster(parse_scenario(data), workers=1, replications=3)
    heads = study.plan.staffing.sum(axis=(1, 2))  # per weekday, Monday first
    assert study.plan.staffing.shape == (7, 1, 8) and heads[0] > heads[2] > heads[5] > heads[6] == 0
    np.testing.assert_allclose(study.plan.paid_staffing.sum(axis=(1, 2)), heads)  # 4-hour shifts, no breaks
    res = simulate(study.scenario, replications=1, workers=1, plan=study.plan)
    np.testing.assert_allclose(res.intervals.groupby("day")["agents"].sum(), heads)


def test_staff_cli_adds_a_day_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_yaml(tmp_path / "week.yaml", _flat(400.0, 7, "optimize", WEEK))
    csv = tmp_path / "staff.csv"
    res = runner.invoke(app, ["staff", str(path), "--json", "--csv", str(csv), "-r", "3", "--workers", "1"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["staffing"]
    assert [r["day"] for r in rows[::8]] == ["mon", "tue", "wed, thu", "fri", "sat"]
    table = pd.read_csv(csv)
    assert list(table.columns[:3]) == ["day", "interval_start", "group"]
    flat = runner.invoke(app, ["staff", str(write_yaml(tmp_path / "flat.yaml", _flat(400.0, 2, "optimize"))), "--json",
                               "--csv", str(tmp_path / "flat.csv"), "-r", "3", "--workers", "1"])
    assert "day" not in json.loads(flat.stdout)["staffing"][0]


# ---------------------------------------------------------------- scenarios without a weekly pattern
def _legacy(staffing) -> dict:
    return minimal_dict(
        horizon={"days": 3, "open": "08:00", "close": "12:00", "interval_minutes": 60, "warmup_minutes": 0},
        arrivals={"calls_per_day": 300, "profile": [1, 2, 2, 1], "daily_cv": 0.1},
        contact_types=[{"name": "general", "share": 1.0, "handle_time": {"distribution": "exponential", "mean_seconds": 240},
                        "patience": {"distribution": "exponential", "mean_seconds": 120}, "fcr": 0.8,
                        "repeat_delay": {"distribution": "exponential", "mean_seconds": 3600}}],
        agents={"groups": [{"name": "team", "skills": ["general"], "staffing": staffing}]},
        redials={"probability": 0.3, "delay": {"distribution": "exponential", "mean_seconds": 600}},
    )


def test_without_day_weights_results_are_those_computed_before_weekly_patterns():
    # Figures computed with the code before this feature (commit 17ec6f9), same seed and replications.
    m = simulate(parse_scenario(_legacy([5, 7, 7, 5])), replications=2, workers=1).to_json_dict()["metrics"]
    assert m["total_cost"]["mean"] == 1864.4204310307277
    assert m["service_level"]["mean"] == 0.5739995690416844
    assert m["calls_offered"]["mean"] == 1161.0
    res = optimize_staffing(parse_scenario(_legacy("optimize")), replications=3, workers=1)
    assert res.matrix.tolist() == [[6, 10, 10, 6]]
    assert float(res.table["service_level"].sum()) == 3.157252932203228
    assert "day" not in res.table.columns


@pytest.mark.parametrize("staffing", [[5, 7, 7, 5], "optimize"])
def test_all_ones_day_weights_change_nothing(staffing):
    plain = parse_scenario(_legacy(staffing))
    weekly = plain.with_changes({"arrivals.day_weights": [1.0] * 7, "horizon.start_day": "fri"})
    a = simulate(plain, replications=2, workers=1)
    b = simulate(weekly, replications=2, workers=1)
    assert json.dumps(a.to_json_dict()) == json.dumps(b.to_json_dict())
    np.testing.assert_array_equal(a.plan.staffing, b.plan.staffing)


def test_weekly_example_scenario_loads():
    sc = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "more" / "weekly.yaml")
    assert sc.horizon.days == 7 and sc.horizon.start_day == "mon"
    week = sc.arrivals.day_weights
    assert week[0] == max(week) and week[6] == 0
    assert math.isclose(sum(week) / sum(w > 0 for w in week), 1.0)  # the baseline's average open day
    assert math.isclose(sc.arrivals.calls_per_day, 8000)
