"""Shifts and rosters (issue 10 item 3): the shift schema, the integer program, the simulated roster,
its paid hours in the costs, and ``ccsim staff --shifts``.

The brute-force check builds its own shift columns from the shift definitions (not from
``model.shifts`` or ``studies.roster``) and enumerates every head count.
"""

from __future__ import annotations

import copy
import itertools
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import minimal_dict, write_yaml
from simulator.analysis.costs import replication_costs
from simulator.analysis.kpis import interval_table
from simulator.cli import app
from simulator.core.errors import ScenarioError
from simulator.engine.callcenter import simulate_replication
from simulator.model.build import build_plan, cost_inputs
from simulator.model.scenario import parse_scenario
from simulator.model.shifts import MAX_PATTERNS, rest_patterns
from simulator.model.streams import replication_streams
from simulator.studies.roster import roster_plan, schedule_roster
from simulator.studies.simulate import simulate

FULL = {"name": "full", "starts": {"first": "08:00", "last": "11:30"}, "length_hours": 8.5,
        "breaks": [{"minutes": 15, "window_minutes": [90, 180]}, {"minutes": 15, "window_minutes": [330, 450]}],
        "lunch": {"minutes": 30, "window_minutes": [210, 330]}, "days": ["mon", "tue", "wed", "thu", "fri"]}
PART = {"name": "part", "starts": {"first": "08:00", "last": "16:00"}, "length_hours": 4,
        "breaks": [{"minutes": 15, "window_minutes": [90, 150]}], "max_heads": 30}
PROFILE = np.array([3.0, 4.0, 5.0, 5.6, 5.8, 5.6, 5.2, 4.8, 4.6, 4.8, 5.0, 5.0,
                    4.8, 4.5, 4.2, 3.9, 3.6, 3.3, 3.0, 2.7, 2.4, 2.1, 1.8, 1.5])


def _scenario(shifts: list[dict], close: str = "20:00", days: int = 1, interval: int = 30, **agents):
    d = minimal_dict()
    d["horizon"].update(close=close, days=days, interval_minutes=interval)
    d["agents"].update(shifts=shifts, **agents)
    return parse_scenario(d)


def _day_requirement(groups: int = 2) -> np.ndarray:
    return np.round(np.vstack([PROFILE * (3 + 2 * g) for g in range(groups)])).astype(np.int64)


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _off_phone_from_table(roster, open_m: int = 480, step: int = 30) -> np.ndarray:
    """On-phone heads per (day, group, interval) rebuilt from the roster's table alone."""
    out = np.zeros_like(roster.on_phones)
    groups = list(roster.group_names)
    for r in roster.table.itertuples(index=False):
        phones = np.zeros(out.shape[2], dtype=np.int64)
        a, b = (_minutes(r.start) - open_m) // step, (_minutes(r.end) - open_m) // step
        phones[a:b] = 1
        for span in (r.breaks + " " + r.lunch).split():
            s, e = (_minutes(t) - open_m for t in span.split("-"))
            phones[s // step:-(-e // step)] = 0  # off for every interval the rest touches
        out[r.day - 1, groups.index(r.group)] += r.heads * phones
    return out


# ---------------------------------------------------------------- schema
@pytest.mark.parametrize("change, needles", [
    ({"starts": ["08:15"]}, ["agents.shifts.0.starts.0", "08:15", "30-minute interval grid"]),
    ({"starts": {"first": "12:00", "last": "13:00"}}, ["agents.shifts.0.starts", "12:00", "11:30"]),
    ({"starts": ["8am"]}, ["agents.shifts.0.starts.0", "8am", "HH:MM"]),
    ({"length_hours": 8.25}, ["agents.shifts.0.length_hours", "8.25", "30-minute intervals"]),
    ({"length_hours": 13}, ["agents.shifts.0.length_hours", "13", "opening hours"]),
    ({"lunch": {"minutes": 30, "window_minutes": [400, 600]}}, ["agents.shifts.0.lunch.window_minutes", "600", "inside the shift"]),
    ({"lunch": {"minutes": 30, "window_minutes": [300, 310]}}, ["agents.shifts.0.lunch.window_minutes", "at least 30 minutes"]),
    ({"breaks": [{"minutes": 15, "window_minutes": [95, 115]}]}, ["agents.shifts.0.breaks.0.window_minutes", "grid"]),
    ({"breaks": [{"minutes": 30, "window_minutes": [90, 120]}, {"minutes": 30, "window_minutes": [90, 120]}],
      "lunch": None}, ["agents.shifts.0.breaks", "without overlapping"]),
    ({"days": ["mon", "mon"]}, ["agents.shifts.0.days", "once"]),
    ({"days": ["monday"]}, ["agents.shifts.0.days.0", "monday", "'mon'"]),
    ({"min_heads": 5, "max_heads": 2}, ["agents.shifts.0.min_heads", "5", "max_heads (2)"]),
    ({"max_heads": -1}, ["agents.shifts.0.max_heads", "-1"]),
    ({"name": "part"}, ["agents.shifts.1.name", "part", "not used twice"]),
    ({"colour": "red"}, ["agents.shifts.0.colour", "unknown field"]),
])
def test_bad_shift_fields_are_one_line_naming_the_field(change, needles):
    full = {**copy.deepcopy(FULL), **change}
    with pytest.raises(ScenarioError) as err:
        _scenario([{k: v for k, v in full.items() if v is not None}, PART])
    line = str(err.value)
    assert "\n" not in line
    for needle in needles:
        assert needle in line, (needle, line)


def test_no_shifts_is_the_default_and_changes_nothing():
    assert parse_scenario(minimal_dict()).agents.shifts is None
    assert build_plan(parse_scenario(minimal_dict())).paid_staffing is None


def test_wide_windows_on_a_fine_grid_keep_the_placements_bounded():
    shift = {"name": "wide", "starts": ["08:00"], "length_hours": 8,
             "breaks": [{"minutes": 15, "window_minutes": [30, 200]}, {"minutes": 15, "window_minutes": [280, 460]}],
             "lunch": {"minutes": 30, "window_minutes": [150, 330]}}
    sc = _scenario([shift], interval=5)
    patterns = rest_patterns(sc.agents.shifts[0], 5)
    assert 100 < len(patterns) <= MAX_PATTERNS
    for p in patterns:
        spans = sorted((q.offset * 5, q.offset * 5 + q.minutes) for q in p)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "rests overlap"
        lunch = next(q for q in p if not q.paid)
        assert 150 <= lunch.offset * 5 and lunch.offset * 5 + 30 <= 330


def test_day_labels_name_the_weekdays():
    sc = _scenario([FULL, PART], days=12)
    req = np.broadcast_to(_day_requirement(), (12, 2, 24)).copy()
    req[5:7] = 0  # a weekend with nothing to cover
    roster = schedule_roster(req, sc.agents.shifts, sc.horizon, ("a", "b"))
    assert [label for label, _ in roster.day_classes()] == ["days 1-5, 8-12 (mon-fri)", "days 6-7 (sat, sun)"]


# ---------------------------------------------------------------- the integer program
def _brute_force(required: np.ndarray, cap_b: int) -> float:
    """Fewest paid hours for the tiny case, enumerating every head count (own columns, no ccsim code).

    Intervals of 30 min from 08:00 to 11:00. Type A: 1.5 h from 08:00, 09:00 or 09:30, a 15-minute paid
    break starting 30 or 60 minutes in (window [30, 75]); paid 1.5 h. Type B: 1 h from 08:00 or 10:00, no
    break, at most ``cap_b`` heads; paid 1 h.
    """
    cols, paid, is_b = [], [], []
    for start in (0, 2, 3):
        for off in (1, 2):
            v = np.zeros(6, dtype=int)
            v[start:start + 3] = 1
            v[start + off] = 0
            cols.append(v), paid.append(1.5), is_b.append(False)
    for start in (0, 4):
        v = np.zeros(6, dtype=int)
        v[start:start + 2] = 1
        cols.append(v), paid.append(1.0), is_b.append(True)
    A, cost, b = np.array(cols).T, np.array(paid), np.array(is_b)
    best = np.inf
    top = int(required.max()) + 1
    for heads in itertools.product(range(top + 1), repeat=len(cols)):
        h = np.array(heads)
        if h[b].sum() <= cap_b and np.all(A @ h >= required):
            best = min(best, float(cost @ h))
    return best


@pytest.mark.parametrize("required, cap_b", [([1, 2, 2, 2, 1, 1], 1), ([2, 1, 3, 2, 2, 1], 2), ([0, 1, 1, 3, 2, 0], 0)])
def test_paid_hours_are_the_brute_force_optimum_on_a_small_case(required, cap_b):
    shifts = [
        {"name": "A", "starts": ["08:00", "09:00", "09:30"], "length_hours": 1.5,
         "breaks": [{"minutes": 15, "window_minutes": [30, 75]}]},
        {"name": "B", "starts": ["08:00", "10:00"], "length_hours": 1, "max_heads": cap_b},
    ]
    sc = _scenario(shifts, close="11:00")
    req = np.array([required])
    roster = schedule_roster(req, sc.agents.shifts, sc.horizon, ("team",))
    assert roster.paid_hours == pytest.approx(_brute_force(req[0], cap_b))
    assert np.all(roster.on_phones >= req)


def test_every_interval_is_covered_and_the_table_is_the_roster():
    sc = _scenario([FULL, PART], days=5)
    req = _day_requirement()
    roster = schedule_roster(req, sc.agents.shifts, sc.horizon, ("a", "b"))
    assert np.all(roster.on_phones >= req[None]), "an interval is short"
    np.testing.assert_array_equal(_off_phone_from_table(roster), roster.on_phones)
    assert roster.paid_hours == pytest.approx(float((roster.table["heads"] * roster.table["paid_hours"]).sum()))
    assert roster.paid_hours >= roster.required_hours
    assert roster.mip_gap <= 1e-6
    assert len(roster.day_classes()) == 1, "identical days get one identical roster"


def test_breaks_and_lunches_lie_inside_their_windows_on_the_grid():
    sc = _scenario([FULL, PART])
    roster = schedule_roster(_day_requirement(), sc.agents.shifts, sc.horizon, ("a", "b"))
    spec = {"full": FULL, "part": PART}
    assert set(roster.table["shift_type"]) == {"full", "part"}
    for r in roster.table.itertuples(index=False):
        s = spec[r.shift_type]
        start = _minutes(r.start)
        assert _minutes(r.end) - start == s["length_hours"] * 60
        breaks = [tuple(_minutes(t) - start for t in span.split("-")) for span in r.breaks.split()]
        assert len(breaks) == len(s["breaks"])
        for (a, b), rule in zip(sorted(breaks), s["breaks"]):
            assert rule["window_minutes"][0] <= a and b <= rule["window_minutes"][1] and b - a == rule["minutes"], r
            assert a % 30 == 0, r
        if "lunch" in s:
            a, b = (_minutes(t) - start for t in r.lunch.split("-"))
            assert s["lunch"]["window_minutes"][0] <= a and b <= s["lunch"]["window_minutes"][1] and b - a == 30, r
        assert r.paid_hours == s["length_hours"] - (0.5 if "lunch" in s else 0.0)


def test_min_and_max_heads_are_respected():
    full = {**FULL, "min_heads": 60}
    part = {**PART, "max_heads": 7}
    sc = _scenario([full, part], days=2)
    roster = schedule_roster(_day_requirement(), sc.agents.shifts, sc.horizon, ("a", "b"))
    for day in range(2):
        heads = roster.by_shift_type(day).set_index("shift_type")["heads"]
        assert heads["full"] >= 60 and heads.get("part", 0) <= 7, heads
    unbounded = schedule_roster(_day_requirement(), _scenario([FULL, {**PART, "max_heads": None}]).agents.shifts,
                                sc.horizon, ("a", "b"))
    assert unbounded.by_shift_type(0).set_index("shift_type")["heads"]["part"] > 7, "the cap should bind"


def test_infeasible_rosters_give_one_clear_line():
    req = _day_requirement()
    capped = _scenario([{**FULL, "max_heads": 5}, {**PART, "max_heads": 5}])
    with pytest.raises(ScenarioError, match=r"^agents\.shifts\.max_heads must be caps .* on mon .*\(got \{'full': 5, 'part': 5\}\)$"):
        schedule_roster(req, capped.agents.shifts, capped.horizon, ("a", "b"))
    early = _scenario([{**PART, "starts": ["08:00", "12:00"]}])
    with pytest.raises(ScenarioError, match=r"no shift type covers it.*mon 16:00"):
        schedule_roster(req, early.agents.shifts, early.horizon, ("a", "b"))
    weekend = _scenario([FULL, {**PART, "days": ["mon"]}], days=6)
    with pytest.raises(ScenarioError, match=r"on sat"):
        schedule_roster(req, weekend.agents.shifts, weekend.horizon, ("a", "b"))


# ---------------------------------------------------------------- simulation and costs
def _rostered_single_agent():
    """One agent 08:00-10:00 with a 15-minute paid break placed at 09:00 (counted off 09:00-09:30)."""
    d = minimal_dict(arrivals={"calls_per_day": 200, "profile": "flat"})
    d["contact_types"][0].update(handle_time={"distribution": "constant", "mean_seconds": 60}, patience=None)
    d["agents"]["shifts"] = [{"name": "solo", "starts": ["08:00"], "length_hours": 2,
                              "breaks": [{"minutes": 15, "window_minutes": [60, 90]}]}]
    sc = parse_scenario(d)
    roster = schedule_roster(np.array([[1, 1, 0, 1]]), sc.agents.shifts, sc.horizon, ("team",))
    return sc, roster, roster_plan(build_plan(sc), roster)


def test_agents_on_break_are_off_the_phones_in_the_engine():
    sc, roster, plan = _rostered_single_agent()
    assert roster.table["breaks"].tolist() == ["09:00-09:15"]
    np.testing.assert_array_equal(plan.staffing, [[1, 1, 0, 1]])
    recs = simulate_replication(plan, replication_streams(sc.seed, 0))
    table = interval_table(recs, plan)
    assert table["agents"].tolist() == [1, 1, 0, 1]
    answered = recs.answer_s[~np.isnan(recs.answer_s)]
    on_break = (answered > 9 * 3600) & (answered < 9.5 * 3600)
    assert on_break.sum() == 0, "a call was answered while the only agent was on break"
    assert (answered < 9 * 3600).sum() > 10 and (answered >= 9.5 * 3600).sum() > 10


def test_labour_costs_the_rosters_paid_hours():
    sc, roster, plan = _rostered_single_agent()
    recs = simulate_replication(plan, replication_streams(sc.seed, 0))
    rates = cost_inputs(sc)
    costs = replication_costs(recs, plan, rates)
    assert roster.paid_hours == 2.0  # on the phones 1.5 h; the break is paid
    assert costs["agent_labor"] == pytest.approx(2.0 / (1 - rates.shrinkage) * rates.hourly_wage * (1 + rates.benefits_load))
    lunch = copy.deepcopy(sc.agents.shifts[0].model_dump())
    lunch.update(breaks=[], lunch={"minutes": 15, "window_minutes": [60, 90]})
    with_lunch = _scenario([lunch], close="10:00")
    r2 = schedule_roster(np.array([[1, 1, 0, 1]]), with_lunch.agents.shifts, with_lunch.horizon, ("team",))
    assert r2.paid_hours == pytest.approx(1.75)  # the unpaid 15 minutes are not paid, the rest of that interval is
    np.testing.assert_allclose(roster_plan(build_plan(with_lunch), r2).paid_staffing, [[1, 1, 0.5, 1]])


def test_staffing_optimize_with_shifts_simulates_the_roster():
    d = minimal_dict(replications=2)
    d["agents"]["groups"][0]["staffing"] = "optimize"
    d["agents"]["shifts"] = [{"name": "short", "starts": {"first": "08:00", "last": "09:00"}, "length_hours": 1,
                              "breaks": [{"minutes": 15, "window_minutes": [0, 60]}]}]
    res = simulate(parse_scenario(d), workers=1)
    assert res.plan.paid_staffing is not None
    paid = float(res.plan.paid_staffing.sum()) * 0.5
    assert res.costs["agent_labor"].iloc[0] == pytest.approx(paid * 20.0 * 1.25)
    assert res.plan.staffing.sum() < res.plan.paid_staffing.sum(), "agents on break are off the phones"
    assert res.scenario.agents.groups[0].staffing == res.plan.staffing[0].tolist()


# ---------------------------------------------------------------- command line
runner = CliRunner()


def _shift_file(tmp_path):
    d = minimal_dict(replications=2)
    d["agents"]["shifts"] = [{"name": "long", "starts": ["08:00"], "length_hours": 2,
                              "breaks": [{"minutes": 15, "window_minutes": [30, 90]}]},
                             {"name": "short", "starts": {"first": "08:00", "last": "09:00"}, "length_hours": 1}]
    return write_yaml(tmp_path / "shifts.yaml", d)


def test_cli_staff_shifts_end_to_end(tmp_path):
    path = _shift_file(tmp_path)
    out = tmp_path / "out" / "plan.csv"
    res = runner.invoke(app, ["staff", str(path), "--shifts", "--csv", str(out), "-w", "1"])
    assert res.exit_code == 0, res.output
    assert "required vs on the phones" in res.stdout and "Paid hours" in res.stdout and "Heads per shift type" in res.stdout
    roster_csv = tmp_path / "out" / "plan-roster.csv"
    assert out.exists() and roster_csv.exists()
    header = roster_csv.read_text().splitlines()[0].split(",")
    assert header[:9] == ["day", "weekday", "group", "shift_type", "start", "end", "breaks", "lunch", "heads"]
    before = roster_csv.read_text()
    again = runner.invoke(app, ["staff", str(path), "--shifts", "--csv", str(out), "-w", "1"])
    assert again.exit_code == 2 and "exists" in again.stderr and roster_csv.read_text() == before

    js = runner.invoke(app, ["staff", str(path), "--shifts", "--json", "--csv", str(tmp_path / "j.csv"), "-w", "1"])
    assert js.exit_code == 0, js.output
    payload = json.loads(js.stdout)
    roster = payload["roster"]
    assert roster["paid_hours"] >= roster["required_phone_hours"] > 0
    assert all(r["on_phones"] >= r["required"] for r in roster["intervals"])
    assert sum(r["heads"] * r["paid_hours"] for r in roster["shifts"]) == pytest.approx(roster["paid_hours"])


def test_cli_staff_shifts_without_shifts_is_one_line_exit_2(tmp_path):
    path = write_yaml(tmp_path / "plain.yaml", minimal_dict())
    res = runner.invoke(app, ["staff", str(path), "--shifts", "--csv", str(tmp_path / "x.csv")])
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [res.stderr.strip()] and "agents.shifts" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "x.csv").exists()
