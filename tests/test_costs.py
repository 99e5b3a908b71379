"""The cost model: components sum to total_cost exactly; hand-computed components (seats, lines,
the remote stipend, overtime); cost ratios."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import BASELINE, minimal_dict, run_one, single_queue_dict
from simulator.analysis.costs import COST_COMPONENTS, cost_ratios, peak_heads, replication_costs, seat_counts
from simulator.analysis.kpis import replication_kpis
from simulator.model.build import build_plan, cost_inputs
from simulator.engine.records import ANSWERED, Records
from simulator.model.scenario import load_scenario, parse_scenario
from simulator.studies.simulate import simulate


def _assert_identity(costs_df):
    for _, row in costs_df.iterrows():
        parts = [row[c] for c in COST_COMPONENTS]
        assert all(p >= 0 for p in parts), dict(zip(COST_COMPONENTS, parts))
        assert sum(parts) == row["total_cost"], (sum(parts), row["total_cost"])  # exactly, not approx


def test_components_sum_to_total_on_the_baseline():
    base = load_scenario(BASELINE)
    sc = base.with_changes(horizon={**base.horizon.model_dump(), "days": 1})
    res = simulate(sc, replications=2, workers=1)
    assert list(res.costs.columns[: len(COST_COMPONENTS)]) == list(COST_COMPONENTS)
    _assert_identity(res.costs)
    np.testing.assert_array_equal(res.costs["total_cost"].to_numpy(), res.replications["total_cost"].to_numpy())
    bd = res.cost_breakdown()
    assert bd.sum() == pytest.approx(res.replications["total_cost"].mean(), rel=1e-12)
    for comp in ("agent_labor", "supervision", "agent_seats", "facilities", "telephony", "ivr", "overhead"):
        assert bd[comp] > 0, comp
    # labour is the largest line (REFERENCE.md: 65-75% of cost)
    assert bd.idxmax() == "agent_labor"


def test_components_sum_to_total_with_every_lever():
    data = minimal_dict(
        arrivals={"calls_per_day": 400, "profile": "flat"},
        costs={"agent_hourly_wage": 20, "benefits_load": 0.3, "shrinkage": 0.3, "supervisor_hourly_wage": 30,
               "licence_per_agent_month": 100, "desktop_per_agent_month": 40, "facility_per_seat_month": 300,
               "telephony": {"inbound_per_minute": 0.02, "outbound_per_minute": 0.013, "line_per_seat_month": 25,
                             "pbx_monthly": 1000},
               "overhead_monthly": 9000, "platform": {"model": "saas", "per_seat_month": 100}},
        levers={
            "ivr": {"containment": 0.2, "per_minute": 0.015, "monthly_fee": 500},
            "self_service": {"adoption": 0.3, "success": 0.5, "per_session": 0.2, "monthly_fee": 300},
            "callback": {"threshold_seconds": 30, "monthly_fee": 200},
            "outsourced_overflow": {"after_seconds": 60, "per_minute": 0.8, "minimum_monthly": 100},
            "agent_assist": {"handle_time_reduction": 0.1, "per_agent_month": 50, "monthly_fee": 100},
            "remote_agents": {"share": 0.4, "stipend_per_remote_agent_month": 50, "wage_factor": 0.9},
            "fcr": {"uplift": 0.05, "monthly_fee": 150},
        },
    )
    data["agents"]["groups"][0]["staffing"] = 3
    res = simulate(parse_scenario(data), replications=2, workers=1)
    _assert_identity(res.costs)
    bd = res.cost_breakdown()
    for comp in COST_COMPONENTS:
        assert bd[comp] > 0, f"{comp} should be charged in this scenario: {dict(bd)}"


# ---------------------------------------------------------------- a tiny hand-computed case
RATES = {
    "currency": "USD",
    "agent_hourly_wage": 20.0,
    "benefits_load": 0.25,
    "shrinkage": 0.2,
    "supervisor_hourly_wage": 30.0,
    "span_of_control": 10,
    "licence_per_agent_month": 100.0,
    "desktop_per_agent_month": 50.0,
    "facility_per_seat_month": 300.0,
    "telephony": {"inbound_per_minute": 0.02, "outbound_per_minute": 0.013, "line_per_seat_month": 25.0,
                  "pbx_monthly": 2000.0},
    "overhead_monthly": 10000.0,
    "working_days_per_month": 20,
    "paid_hours_per_agent_day": 8,
}


@pytest.fixture(scope="module")
def tiny():
    data = single_queue_dict(calls_per_day=60, handle={"distribution": "constant", "mean_seconds": 100},
                             agents=[2, 3], interval_minutes=60, seed=5,
                             patience={"distribution": "constant", "mean_seconds": 60})
    data["costs"] = RATES
    sc = parse_scenario(data)
    recs, plan = run_one(sc)
    return sc, recs, plan, replication_costs(recs, plan, cost_inputs(sc))


def test_agent_labor_supervision_seats_by_hand(tiny):
    _, _, _, c = tiny
    staffed_hours = 2 + 3  # two 1-hour intervals
    paid = staffed_hours / (1 - 0.2)  # 6.25
    assert c["agent_labor"] == pytest.approx(paid * 20.0 * 1.25)  # 156.25
    assert c["agent_labor"] == pytest.approx(156.25)
    assert c["supervision"] == pytest.approx(paid / 10 * 30.0 * 1.25)
    fte, months = paid / 8.0, 1 / 20
    assert c["agent_seats"] == pytest.approx(fte * 150.0 * months)  # licences and desktops stay per FTE
    seats = max(2, 3) / (1 - 0.2)  # the busier hour's agents, their shrinkage on site too: 3.75
    assert c["facilities"] == pytest.approx(seats * 300.0 * months)
    assert c["overhead"] == pytest.approx(10000.0 * months)
    for comp in ("ivr", "self_service", "automation", "outsourcing", "programmes"):
        assert c[comp] == 0.0, comp


def test_telephony_by_hand(tiny):
    _, recs, _, c = tiny
    queue_minutes = np.nansum(recs.wait_s) / 60  # abandoned callers' waits are paid minutes too
    talk_minutes = recs.handle_s[recs.outcome == ANSWERED].sum() / 60
    assert queue_minutes > 0 and (recs.wait_s == 60).any(), "the case has queueing and abandonment"
    lines, months = 3 / (1 - 0.2), 1 / 20  # one line per seat
    want = (queue_minutes + talk_minutes) * 0.02 + lines * 25.0 * months + 2000.0 * months
    assert c["telephony"] == pytest.approx(want, rel=1e-12)


def test_simulate_reports_the_same_costs(tiny):
    sc, _, _, c = tiny
    res = simulate(sc, replications=1, workers=1)
    for comp in (*COST_COMPONENTS, "total_cost"):
        assert res.costs.loc[0, comp] == pytest.approx(c[comp], rel=1e-12), comp


def test_costs_scale_with_staffing_not_with_volume(tiny):
    sc, _, _, c = tiny
    data = sc.model_dump(mode="json")
    data["agents"]["groups"][0]["staffing"] = [4, 6]
    sc2 = parse_scenario(data)
    recs2, plan2 = run_one(sc2)
    c2 = replication_costs(recs2, plan2, cost_inputs(sc2))
    assert c2["agent_labor"] == pytest.approx(2 * c["agent_labor"])
    assert c2["overhead"] == c["overhead"]


# ---------------------------------------------------------------- ratios
def test_cost_ratio_formulas():
    kpis = {"calls_answered": 80.0, "ivr_contained": 15.0, "self_service_sessions": 3.0, "bot_conversations": 2.0,
            "needs_resolved": 50.0}
    r = cost_ratios(kpis, {"total_cost": 400.0})
    assert r == {"cost_per_call": 5.0, "cost_per_contact": 4.0, "cost_per_resolved_contact": 8.0}
    zero = cost_ratios({k: 0.0 for k in kpis}, {"total_cost": 400.0})
    assert all(np.isnan(v) for v in zero.values())


def test_cost_ratios_per_replication_with_deflection():
    data = minimal_dict(
        arrivals={"calls_per_day": 300, "profile": "flat"},
        levers={"ivr": {"containment": 0.25}, "self_service": {"adoption": 0.3, "success": 0.6}},
    )
    data["contact_types"][0]["fcr"] = 0.7
    data["costs"] = RATES
    res = simulate(parse_scenario(data), replications=3, workers=1)
    df = res.replications
    assert (df["ivr_contained"] > 0).all() and (df["self_service_sessions"] > 0).all()
    np.testing.assert_allclose(df["cost_per_call"], df["total_cost"] / df["calls_answered"], rtol=1e-12)
    handled = df["calls_answered"] + df["ivr_contained"] + df["self_service_sessions"]
    np.testing.assert_allclose(df["cost_per_contact"], df["total_cost"] / handled, rtol=1e-12)
    np.testing.assert_allclose(df["cost_per_resolved_contact"], df["total_cost"] / df["needs_resolved"], rtol=1e-12)
    # the three denominators differ here, so the three ratios do too
    assert (df["cost_per_contact"] < df["cost_per_call"]).all()
    assert (df["needs_resolved"] < handled).all()


def test_kpis_and_costs_cover_the_same_contacts(tiny):
    _, recs, plan, c = tiny
    k = replication_kpis(recs, plan)
    assert k["staffed_agent_hours"] == pytest.approx(5.0)
    assert c["agent_labor"] == pytest.approx(k["staffed_agent_hours"] / 0.8 * 25.0)


# ---------------------------------------------------------------- seats, lines, stipends
def _two_groups(costs: dict, **levers: dict) -> dict:
    data = minimal_dict(arrivals={"calls_per_day": 120, "profile": "flat"}, levers=levers)
    data["contact_types"][0]["handle_time"] = {"distribution": "constant", "mean_seconds": 120}
    data["agents"]["groups"] = [{"name": "a", "skills": ["general"], "staffing": [3, 5, 2, 4]},
                                {"name": "b", "skills": ["general"], "staffing": [4, 1, 6, 2]}]
    data["costs"] = {**RATES, **costs}
    return data


def test_seats_are_the_most_agents_on_site_at_once():
    sc = parse_scenario(_two_groups({}))
    recs, plan = run_one(sc)
    a, b = [3, 5, 2, 4], [4, 1, 6, 2]
    most = max(x + y for x, y in zip(a, b))  # 8 at 09:00, not 5 + 6 (each group's own peak)
    assert most == 8 and peak_heads(plan.staffing) == most
    seats = most / (1 - 0.2)  # those off the phones (shrinkage) are in the building too
    months = 1 / 20
    c = replication_costs(recs, plan, cost_inputs(sc))
    assert seat_counts(plan, cost_inputs(sc))["seats"] == pytest.approx(seats)
    assert c["facilities"] == pytest.approx(seats * 300.0 * months, rel=1e-12)
    minutes = (np.nansum(recs.ivr_s) + np.nansum(recs.wait_s) + recs.handle_s[recs.outcome == ANSWERED].sum()) / 60
    assert c["telephony"] == pytest.approx(minutes * 0.02 + seats * 25.0 * months + 2000.0 * months, rel=1e-12)
    # Per-FTE costs stay per FTE: 13.5 agent-hours on the phones over a 2-hour day.
    fte = sum(a + b) * 0.5 / (1 - 0.2) / 8.0
    assert c["agent_seats"] == pytest.approx(fte * 150.0 * months, rel=1e-12)
    # Heads per day (days x groups x intervals, for per-day staffing): the busiest day's peak.
    assert peak_heads(np.array([[a, b], [[9, 0, 0, 0], [1, 0, 0, 0]]])) == 10


def test_seats_with_a_roster_follow_its_paid_heads():
    sc = parse_scenario(_two_groups({}))
    plan = build_plan(sc)
    assert seat_counts(plan, cost_inputs(sc))["peak_agents"] == 8
    # A roster pays agents on a paid break too (9 at 08:30 here), and not those at an unpaid lunch.
    rostered = replace(plan, paid_staffing=np.array([[4.0, 5.0, 2.0, 4.0], [5.0, 1.0, 5.5, 2.0]]))
    assert seat_counts(rostered, cost_inputs(sc))["seats"] == pytest.approx(9 / (1 - 0.2))


def test_seat_sharing_divides_seats_and_desk_lines():
    plain = parse_scenario(_two_groups({}))
    shared = parse_scenario(_two_groups({"seat_sharing_ratio": 1.25}))
    recs, plan = run_one(plain)
    c0 = replication_costs(recs, plan, cost_inputs(plain))
    c1 = replication_costs(recs, plan, cost_inputs(shared))
    months, seats = 1 / 20, 8 / (1 - 0.2) / 1.25  # 8 seats for 10 agents on site
    assert c1["facilities"] == pytest.approx(seats * 300.0 * months, rel=1e-12)
    assert c0["telephony"] - c1["telephony"] == pytest.approx((10 - seats) * 25.0 * months, rel=1e-9)
    for comp in ("agent_labor", "overtime", "supervision", "agent_seats", "overhead"):
        assert c1[comp] == c0[comp], comp


def test_remote_agents_pay_a_stipend_not_a_seat():
    lever = {"share": 0.4, "stipend_per_remote_agent_month": 50.0, "shrinkage": 0.1}
    sc = parse_scenario(_two_groups({}, remote_agents=lever))
    recs, plan = run_one(sc)
    c = replication_costs(recs, plan, cost_inputs(sc))
    months = 1 / 20
    onsite_seats = 8 * 0.6 / (1 - 0.2)  # 6.0: the on-site 60% of the peak
    remote_heads = 8 * 0.4 / (1 - 0.1)  # remote agents on shift at the peak: no seat, a line each
    remote_fte = 13.5 * 0.4 / (1 - 0.1) / 8.0  # (14 + 13) agents x half an hour on the phones
    assert c["facilities"] == pytest.approx((onsite_seats * 300.0 + remote_fte * 50.0) * months, rel=1e-12)
    minutes = (np.nansum(recs.ivr_s) + np.nansum(recs.wait_s) + recs.handle_s[recs.outcome == ANSWERED].sum()) / 60
    want = minutes * 0.02 + (onsite_seats + remote_heads) * 25.0 * months + 2000.0 * months
    assert c["telephony"] == pytest.approx(want, rel=1e-12)
    # The older field name still reads as the stipend.
    old = parse_scenario(_two_groups({}, remote_agents={"share": 0.4, "facility_per_remote_seat_month": 50.0}))
    assert old.levers.remote_agents.stipend_per_remote_agent_month == 50.0


# ---------------------------------------------------------------- overtime
def test_overtime_of_one_call_arriving_just_before_close():
    # One agent, one call (seed 19) at 08:58:07, constant 30-minute handle time; close at 09:00.
    data = single_queue_dict(calls_per_day=1.5, handle={"distribution": "constant", "mean_seconds": 1800},
                             agents=1, close="09:00", interval_minutes=60, seed=19)
    data["costs"] = RATES
    sc = parse_scenario(data)
    recs, plan = run_one(sc)
    assert len(recs) == 1 and recs.outcome[0] == ANSWERED
    close = 9 * 3600.0
    assert close - 120 < recs.answer_s[0] < close, recs.answer_s
    after_close = recs.answer_s[0] + 1800.0 - close
    c = replication_costs(recs, plan, cost_inputs(sc))
    assert c["overtime"] == pytest.approx(after_close / 3600 * 20.0 * 1.25 * 1.5, rel=1e-12)
    assert c["agent_labor"] == pytest.approx(1 / (1 - 0.2) * 20.0 * 1.25)  # the scheduled hour, unchanged
    free = parse_scenario({**data, "costs": {**RATES, "overtime_multiplier": 0.0}})
    assert replication_costs(recs, plan, cost_inputs(free))["overtime"] == 0.0


def test_overtime_is_the_work_after_each_close():
    # Two days, one agent, ten-minute calls at 20 an hour: a queue at every close, drained after it.
    data = single_queue_dict(calls_per_day=20, handle={"distribution": "constant", "mean_seconds": 600},
                             agents=1, close="09:00", interval_minutes=60, seed=3, days=2)
    data["costs"] = RATES
    sc = parse_scenario(data)
    recs, plan = run_one(sc)
    done = recs.outcome == ANSWERED
    start, end = recs.answer_s[done], recs.answer_s[done] + 600.0
    close = np.floor(start / 86400) * 86400 + 9 * 3600.0  # each call's own day
    after = np.clip(end - np.maximum(start, close), 0.0, None)
    assert (after > 0).sum() > 4 and (start > close).any(), "the case drains a queue after close"
    c = replication_costs(recs, plan, cost_inputs(sc))
    assert c["overtime"] == pytest.approx(after.sum() / 3600 * 20.0 * 1.25 * 1.5, rel=1e-12)


def test_no_overtime_round_the_clock_or_without_a_queue_at_close():
    day = single_queue_dict(calls_per_day=200, handle={"distribution": "exponential", "mean_seconds": 300},
                            agents=6, open_="00:00", close="24:00", seed=2)
    recs, plan = run_one(parse_scenario(day))
    assert replication_costs(recs, plan, cost_inputs(parse_scenario(day)))["overtime"] == 0.0
    # Synthetic records: a call answered an hour before close and one still talking at close.
    plan = build_plan(parse_scenario(single_queue_dict(calls_per_day=10, handle={"distribution": "constant",
                                                                                  "mean_seconds": 60}, agents=1)))
    r = Records.empty(2)
    r.answer_s[:] = [9 * 3600.0, 10 * 3600.0 - 100.0]
    r.queue_s[:] = r.answer_s
    r.busy_s[:] = [300.0, 400.0]
    r.handle_s[:] = r.busy_s
    r.outcome[:] = ANSWERED
    rates = cost_inputs(parse_scenario(minimal_dict()))
    assert replication_costs(r, plan, rates)["overtime"] == pytest.approx(300 / 3600 * 20.0 * 1.25 * 1.5)
