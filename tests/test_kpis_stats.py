"""KPI formulas on hand-built records, and the summary statistics (t intervals, paired differences)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from conftest import run_one, single_queue_dict
from simulator.analysis.kpis import interval_table, replication_kpis, wait_histogram
from simulator.engine.records import (
    ABANDONED,
    ANSWERED,
    CALLBACK_ANSWERED,
    CONTAINED,
    KIND_CALL,
    KIND_REPEAT,
    KIND_SS_SESSION,
    SS_FAILED,
    SS_RESOLVED,
    UNSERVED,
    Records,
)
from simulator.analysis.stats import mean_ci, paired_difference, summarize

OPEN = 8 * 3600.0


# ---------------------------------------------------------------- stats
@pytest.mark.parametrize("values", [[1.0, 2.0, 4.0], [0.8, 0.82, 0.79, 0.85, 0.81, 0.80], list(np.linspace(-3, 7, 25))])
def test_mean_ci_matches_scipy_t_interval(values):
    x = np.asarray(values)
    m, lo, hi = mean_ci(x)
    want_lo, want_hi = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
    assert m == pytest.approx(x.mean(), rel=1e-14)
    assert lo == pytest.approx(want_lo, rel=1e-12)
    assert hi == pytest.approx(want_hi, rel=1e-12)
    m90, lo90, hi90 = mean_ci(x, level=0.90)
    assert (hi90 - lo90) < (hi - lo)
    assert (lo90, hi90) == pytest.approx(st.t.interval(0.90, len(x) - 1, loc=x.mean(), scale=st.sem(x)))


def test_mean_ci_edge_cases():
    assert all(math.isnan(v) for v in mean_ci([]))
    m, lo, hi = mean_ci([3.0])
    assert m == 3.0 and math.isnan(lo) and math.isnan(hi)
    m, lo, hi = mean_ci([1.0, np.nan, 3.0])  # NaNs ignored
    assert m == 2.0 and (lo, hi) == pytest.approx(st.t.interval(0.95, 1, loc=2.0, scale=st.sem([1.0, 3.0])))
    assert mean_ci([5.0, 5.0, 5.0]) == (5.0, 5.0, 5.0)


def test_paired_difference_is_the_ci_of_differences():
    a = np.array([10.0, 12.0, 9.0, 11.0])
    b = a + np.array([1.0, 1.5, 0.5, 1.0])
    m, lo, hi = paired_difference(a, b)
    assert m == pytest.approx(1.0)
    assert (lo, hi) == pytest.approx(st.t.interval(0.95, 3, loc=1.0, scale=st.sem(b - a)))
    # pairing removes the between-replication spread: narrower than the unpaired difference's
    _, ulo, uhi = mean_ci(b)
    assert (hi - lo) < (uhi - ulo)


def test_summarize_columns():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 2.0, 2.0]})
    s = summarize(df)
    assert list(s.index) == ["x", "y"]
    assert s.loc["x", "mean"] == 2.0 and s.loc["x", "std"] == 1.0
    assert (s.loc["x", "ci95_low"], s.loc["x", "ci95_high"]) == pytest.approx(
        st.t.interval(0.95, 2, loc=2.0, scale=st.sem([1.0, 2.0, 3.0])))


# ---------------------------------------------------------------- KPIs on hand-built records
@pytest.fixture(scope="module")
def plan():
    # 08:00-10:00, 30-min intervals, 2 agents, target 20 s, no warm-up
    _, p = run_one(single_queue_dict(calls_per_day=1, handle={"distribution": "constant", "mean_seconds": 60},
                                     agents=2, target_seconds=20))
    return p


def hand_records() -> Records:
    """Ten contacts with known fates (times in seconds after midnight)."""
    r = Records.empty(10)
    t0 = OPEN + 100
    # rows: 0-3 answered (waits 0, 10, 20, 45), 4 abandoned after 30 s, 5 callback answered (live wait 5),
    # 6 IVR contained, 7 self-service resolved, 8 self-service failed, 9 repeat call, answered, wait 25
    r.need[:] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0]
    r.kind[:] = [KIND_CALL] * 7 + [KIND_SS_SESSION, KIND_SS_SESSION, KIND_REPEAT]
    r.ctype[:] = 0
    r.arrival_s[:] = t0 + np.arange(10) * 60.0
    r.ivr_s[:] = [0, 0, 0, 0, 0, 0, 30, 0, 0, 0]
    queued = [0, 1, 2, 3, 4, 5, 9]
    r.queue_s[queued] = r.arrival_s[queued]
    r.wait_s[queued] = [0.0, 10.0, 20.0, 45.0, 30.0, 5.0, 25.0]
    r.outcome[:] = [ANSWERED] * 4 + [ABANDONED, CALLBACK_ANSWERED, CONTAINED, SS_RESOLVED, SS_FAILED, ANSWERED]
    answered = [0, 1, 2, 3, 5, 9]
    r.answer_s[answered] = r.queue_s[answered] + np.array([0.0, 10.0, 20.0, 45.0, 600.0, 25.0])
    r.handle_s[answered] = [100.0, 200.0, 300.0, 400.0, 500.0, 600.0]
    r.busy_s[:] = 0.0  # the engine writes 0, not NaN, for contacts that took no agent time
    r.outbound_s[:] = 0.0
    r.busy_s[answered] = r.handle_s[answered]
    r.busy_s[5] += 30.0  # one failed callback attempt before the connect
    r.group[answered] = 0
    r.resolved[:] = [False, True, True, True, False, True, True, True, False, True]
    r.callback[5] = True
    r.attempts[5] = 2
    r.outbound_s[5] = 530.0
    r.n_needs = 9
    return r


def test_kpi_formulas_on_hand_built_records(plan):
    k = replication_kpis(hand_records(), plan)
    assert k["contacts"] == 10
    assert k["calls_offered"] == 7
    assert k["calls_answered"] == 6
    assert k["calls_abandoned"] == 1
    assert k["ivr_contained"] == 1
    assert k["self_service_resolved"] == 1
    assert k["self_service_sessions"] == 2
    assert k["callbacks_accepted"] == 1
    assert k["repeat_contacts"] == 1
    assert k["needs_resolved"] == 7
    # within 20 s: waits 0, 10, 20 (inclusive) and the callback (live wait 5) -> 4 of 7 offered
    assert k["service_level"] == pytest.approx(4 / 7)
    assert k["asa_seconds"] == pytest.approx((0 + 10 + 20 + 45 + 5 + 25) / 6)
    assert k["abandonment_rate"] == pytest.approx(1 / 7)
    assert k["aht_seconds"] == pytest.approx((100 + 200 + 300 + 400 + 500 + 600) / 6)
    staffed = 2 * 2 * 3600.0  # 2 agents x 2 hours
    assert k["staffed_agent_hours"] == pytest.approx(4.0)
    assert k["occupancy"] == pytest.approx((2100 + 30) / staffed)


def test_kpis_respect_the_target_boundary(plan):
    r = hand_records()
    r.wait_s[2] = 20.000001  # just over target
    assert replication_kpis(r, plan)["service_level"] == pytest.approx(3 / 7)


def test_unserved_calls_count_against_service_level(plan):
    r = hand_records()
    r.outcome[3] = UNSERVED
    r.answer_s[3] = r.handle_s[3] = np.nan
    r.busy_s[3] = 0.0
    k = replication_kpis(r, plan)
    assert k["calls_offered"] == 7 and k["calls_answered"] == 5
    assert k["service_level"] == pytest.approx(4 / 7)
    assert k["abandonment_rate"] == pytest.approx(1 / 7)


def test_kpis_with_nothing_offered_are_nan(plan):
    r = Records.empty(0)
    k = replication_kpis(r, plan)
    assert k["calls_offered"] == 0
    for name in ("service_level", "asa_seconds", "abandonment_rate", "aht_seconds"):
        assert math.isnan(k[name]), name
    assert k["occupancy"] == 0.0


def test_warmup_drops_early_contacts():
    _, p = run_one(single_queue_dict(calls_per_day=1, handle={"distribution": "constant", "mean_seconds": 60},
                                     agents=2, warmup_minutes=5))
    k = replication_kpis(hand_records(), p)
    # contacts arrive at 08:01:40 + i minutes; warm-up ends 08:05 -> rows 4..9 remain
    assert k["contacts"] == 6
    assert k["calls_offered"] == 3  # rows 4, 5, 9
    assert k["calls_abandoned"] == 1
    assert k["callbacks_accepted"] == 1 and k["repeat_contacts"] == 1
    assert k["asa_seconds"] == pytest.approx((5 + 25) / 2)


def test_interval_table_and_wait_histogram(plan):
    r = hand_records()
    df = interval_table(r, plan)
    assert list(df["interval"]) == [0, 1, 2, 3]
    assert df["offered"].sum() == 7 and df["answered"].sum() == 6 and df["abandoned"].sum() == 1
    first = df.iloc[0]  # every contact starts between 08:01:40 and 08:10:40
    assert first["offered"] == 7
    assert first["service_level"] == pytest.approx(4 / 7)
    assert (df["agents"] == 2).all()
    h = wait_histogram(r, plan)
    assert h.sum() == 6
    assert h[0] == 2 and h[1] == 1 and h[2] == 2 and h[4] == 1  # waits 0, 5 | 10 | 20, 25 | 45


def test_intervals_stop_at_the_bounds_of_the_quantity():
    """Issue 9: a count's interval never goes below 0, a rate's never above 1."""
    df = pd.DataFrame({"calls_abandoned": [0.0, 0.0, 25.0], "service_level": [0.99, 1.0, 0.90]})
    raw = summarize(df)
    assert raw.loc["calls_abandoned", "ci95_low"] < 0 and raw.loc["service_level", "ci95_high"] > 1
    bounded = summarize(df, lower=0.0, upper={"service_level": 1.0})
    assert bounded.loc["calls_abandoned", "ci95_low"] == 0.0
    assert bounded.loc["service_level", "ci95_high"] == 1.0
    assert bounded.loc["calls_abandoned", "ci95_high"] == raw.loc["calls_abandoned", "ci95_high"]
    assert bounded.loc["calls_abandoned", "mean"] == raw.loc["calls_abandoned", "mean"]


def test_json_says_why_one_replication_has_no_interval():
    from simulator.model.scenario import parse_scenario
    from simulator.studies.simulate import NO_INTERVAL_NOTE, simulate

    from conftest import minimal_dict

    one = simulate(parse_scenario(minimal_dict()), replications=1, workers=1).to_json_dict()
    assert one["ci95_note"] == NO_INTERVAL_NOTE and one["metrics"]["total_cost"]["ci95"] == [None, None]
    two = simulate(parse_scenario(minimal_dict()), replications=2, workers=1).to_json_dict()
    assert "ci95_note" not in two
    assert all(v["ci95"][0] is None or v["ci95"][0] >= 0 for v in two["metrics"].values())


def test_the_last_interval_of_each_day_counts_its_own_busy_time() -> None:
    """Issue 11: the day's last interval showed 1/days of its occupancy (its end was taken as the
    next morning's start). On steady load every interval's occupancy is about the same."""
    from conftest import minimal_dict
    from simulator.model.scenario import parse_scenario
    from simulator.studies.simulate import simulate

    d = minimal_dict()
    d["horizon"].update(days=3, close="12:00")
    d["arrivals"]["calls_per_day"] = 4 * 120  # 120 calls an hour x 300 s = 10 Erlangs on 14 agents
    d["agents"]["groups"][0]["staffing"] = 14
    d["contact_types"][0]["patience"] = None
    iv = simulate(parse_scenario(d), replications=3, workers=1).interval_summary()
    occ = iv["occupancy"].to_numpy()
    assert occ[-1] > 0.8 * occ[1:-1].mean(), occ.round(3).tolist()  # the bug gave ~1/3 of it
