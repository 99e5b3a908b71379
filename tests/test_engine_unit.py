"""Engine unit tests: exact event logs on deterministic cases, and the building blocks.

Arrivals are always Poisson, so "deterministic" means constant handle time and patience on tiny
horizons: the records of one replication are then checked call by call against an independent
re-computation (FCFS recursions) rather than against averages.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
import simpy
from simpy.events import NORMAL, Timeout

from conftest import minimal_dict, run_one, single_queue_dict
from simulator.model.distributions import Sampler, make_sampler
from simulator.engine.clock import business_shift
from simulator.engine.timer import Timer
from simulator.analysis.kpis import replication_kpis, staffed_seconds_per_interval
from simulator.engine.records import ABANDONED, ANSWERED, CALLBACK_ANSWERED, UNSERVED
from simulator.model.scenario import DistributionSpec

CONST100 = {"distribution": "constant", "mean_seconds": 100}
OPEN, CLOSE = 8 * 3600.0, 10 * 3600.0


def queued(recs):
    """Rows that entered the agent queue, in queue-entry order (stable)."""
    idx = np.flatnonzero(~np.isnan(recs.queue_s))
    return idx[np.argsort(recs.queue_s[idx], kind="stable")]


def fcfs_log(q: np.ndarray, handle: float, servers: int, patience: float = math.inf):
    """Independent FCFS multi-server recursion with constant handle time and patience.

    Returns (answer time or NaN, abandoned flag) per call in queue order. A caller is answered when
    the earliest free server frees up before their patience runs out; abandoned callers leave.
    """
    free = [q[0] - 1.0] * servers if len(q) else []
    heapq.heapify(free)
    answer = np.full(len(q), np.nan)
    abandoned = np.zeros(len(q), dtype=bool)
    for i, t in enumerate(q):
        f = free[0]
        start = max(t, f)
        if start - t < patience:
            heapq.heapreplace(free, start + handle)
            answer[i] = start
        else:
            abandoned[i] = True
    return answer, abandoned


# ---------------------------------------------------------------- exact event logs
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_agent_constant_handle_waits_follow_fcfs_recursion(seed):
    recs, _ = run_one(single_queue_dict(calls_per_day=45, handle=CONST100, agents=1, seed=seed))
    rows = queued(recs)
    q, a = recs.queue_s[rows], recs.answer_s[rows]
    assert len(rows) > 20
    assert (recs.outcome[rows] == ANSWERED).all()
    assert np.all(recs.handle_s[rows] == 100.0)
    # wait_i = max(0, previous answer + 100 - queue entry_i), and answers in queue order (FCFS)
    expected = np.empty(len(q))
    prev = -math.inf
    for i, t in enumerate(q):
        expected[i] = max(t, prev + 100.0)
        prev = expected[i]
    np.testing.assert_allclose(a, expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(recs.wait_s[rows], np.maximum(0.0, expected - q), rtol=0, atol=1e-6)
    assert np.all(np.diff(a) >= 100.0 - 1e-9), "one agent: answers at least one handle time apart"
    assert (recs.wait_s[rows] > 0).sum() >= 3, "the case must actually queue"


@pytest.mark.parametrize("servers, seed", [(3, 4), (5, 5)])
def test_several_agents_follow_the_multi_server_fcfs_recursion(servers, seed):
    recs, _ = run_one(single_queue_dict(calls_per_day=60 * servers, handle=CONST100, agents=servers, seed=seed))
    rows = queued(recs)
    want, _ = fcfs_log(recs.queue_s[rows], 100.0, servers)
    np.testing.assert_allclose(recs.answer_s[rows], want, rtol=0, atol=1e-6)
    busy_at_start = [(np.sum((recs.answer_s[rows] <= t) & (recs.answer_s[rows] + 100 > t))) for t in recs.answer_s[rows]]
    assert max(busy_at_start) == servers


@pytest.mark.parametrize("seed", [11, 12])
def test_constant_patience_abandons_exactly_at_patience(seed):
    recs, _ = run_one(single_queue_dict(calls_per_day=80, handle=CONST100, agents=1, seed=seed,
                                        patience={"distribution": "constant", "mean_seconds": 150}))
    rows = queued(recs)
    want_answer, want_aband = fcfs_log(recs.queue_s[rows], 100.0, 1, patience=150.0)
    out = recs.outcome[rows]
    assert want_aband.sum() >= 3, "the case must produce abandonments"
    np.testing.assert_array_equal(out == ABANDONED, want_aband)
    np.testing.assert_array_equal(out == ANSWERED, ~want_aband)
    np.testing.assert_allclose(recs.wait_s[rows][want_aband], 150.0, rtol=0, atol=1e-9)
    np.testing.assert_allclose(recs.answer_s[rows][~want_aband], want_answer[~want_aband], rtol=0, atol=1e-6)
    assert np.all(recs.wait_s[rows][~want_aband] < 150.0)
    assert np.all(np.isnan(recs.answer_s[rows][want_aband]))


def test_queue_drains_after_close():
    # 100 calls in two hours on one agent with 100 s calls: 1.4 Erlangs, the queue grows all day.
    recs, _ = run_one(single_queue_dict(calls_per_day=100, handle=CONST100, agents=1, seed=3))
    rows = queued(recs)
    assert (recs.outcome[rows] == ANSWERED).all(), "callers still waiting at close are answered after close"
    waiting_at_close = (recs.queue_s[rows] < CLOSE) & (recs.answer_s[rows] > CLOSE)
    assert waiting_at_close.sum() > 5
    want, _ = fcfs_log(recs.queue_s[rows], 100.0, 1)
    np.testing.assert_allclose(recs.answer_s[rows], want, rtol=0, atol=1e-6)
    assert np.all(recs.queue_s[rows] < CLOSE) and np.all(recs.queue_s[rows] >= OPEN)


def test_zero_agents_in_an_interval_answers_nobody_there():
    # 30-min intervals 08:00-10:00 staffed [1, 0, 0, 1]: nobody is answered in 08:30-09:30.
    recs, _ = run_one(single_queue_dict(calls_per_day=60, handle=CONST100, agents=[1, 0, 0, 1], seed=8))
    rows = queued(recs)
    q, a = recs.queue_s[rows], recs.answer_s[rows]
    gap_lo, gap_hi = OPEN + 1800, OPEN + 5400
    assert not np.any((a > gap_lo) & (a < gap_hi)), np.sort(a[(a > gap_lo) & (a < gap_hi)])
    assert np.sum((q >= gap_lo) & (q < gap_hi)) > 5, "calls arrive while nobody is staffed"
    # Exact log: one agent FCFS; a call that would start in the gap starts at 09:30 instead.
    want = np.empty(len(q))
    prev = -math.inf
    for i, t in enumerate(q):
        start = max(t, prev + 100.0)
        if start > gap_lo:
            start = max(start, gap_hi)
        want[i] = prev = start
    np.testing.assert_allclose(a, want, rtol=0, atol=1e-6)
    assert np.any(np.isclose(a, gap_hi)), "the queue head is answered the moment the agent arrives"


def test_staffing_list_caps_concurrent_calls_per_interval():
    staffing = [3, 1, 4, 2]
    recs, _ = run_one(single_queue_dict(calls_per_day=400, handle=CONST100, agents=staffing, seed=21))
    rows = queued(recs)
    a = recs.answer_s[rows]
    for j, n in enumerate(staffing):
        # after the first 100 s of an interval, agents leaving at its start have finished
        lo, hi = OPEN + j * 1800 + 100, OPEN + (j + 1) * 1800
        starts = a[(a >= lo) & (a < hi)]
        busy = [int(np.sum((a <= t) & (a + 100 > t))) for t in starts]
        assert max(busy) == n, f"interval {j}: at most and (under this load) exactly {n} busy, got {max(busy)}"


# ---------------------------------------------------------------- the engine's Timer event
def test_timer_is_exactly_a_timeout_with_one_callback():
    """``Timer`` writes SimPy's private ``_value`` and ``_ok`` as ``Timeout.__init__`` does in
    simpy 4.1 (pinned ``<4.2``). If an upgrade changes what a Timeout is, this fails first."""
    env = simpy.Environment()
    seen = []

    def callback(ev):
        seen.append((env.now, ev))

    env.run(until=3.0)
    timeout = Timeout(env, 2.5, 42)
    timeout.callbacks.append(callback)
    timer = Timer(env, 2.5, 43, callback)
    # The same fields (a Timeout also keeps its delay, for its repr), the same state and value rules.
    assert set(vars(timeout)) - {"_delay"} == set(vars(timer)), (vars(timeout), vars(timer))
    for ev, value in ((timeout, 42), (timer, 43)):
        assert ev.env is env and ev.triggered and ev.ok and not ev.processed and ev.value == value
        assert ev.callbacks == [callback]
    # Scheduled alike: at now + delay, normal priority, in creation order.
    queued = {id(ev): (when, prio, eid) for when, prio, eid, ev in env._queue}
    t_when, t_prio, t_eid = queued[id(timeout)]
    m_when, m_prio, m_eid = queued[id(timer)]
    assert (t_when, t_prio) == (m_when, m_prio) == (5.5, NORMAL) and m_eid == t_eid + 1
    env.run()
    assert seen == [(5.5, timeout), (5.5, timer)]
    assert timeout.processed and timer.processed and timer.value == 43


# ---------------------------------------------------------------- distributions
GRID = (np.arange(1_000_000) + 0.5) / 1_000_000


@pytest.mark.parametrize(
    "spec, mean, var",
    [
        ({"distribution": "exponential", "mean_seconds": 300}, 300.0, 300.0**2),
        ({"distribution": "lognormal", "mean_seconds": 300, "cv": 0.8}, 300.0, (0.8 * 300) ** 2),
        ({"distribution": "gamma", "mean_seconds": 330, "cv": 0.5}, 330.0, (0.5 * 330) ** 2),
        ({"distribution": "gamma", "mean_seconds": 60, "cv": 1.5}, 60.0, (1.5 * 60) ** 2),
        ({"distribution": "constant", "mean_seconds": 42}, 42.0, 0.0),
        ({"distribution": "empirical", "samples": [10, 20, 20, 90]}, 35.0, np.var([10, 20, 20, 90])),
    ],
)
def test_sampler_ppf_has_the_analytic_mean_and_variance(spec, mean, var):
    s = make_sampler(DistributionSpec(**spec))
    assert s.mean == pytest.approx(mean)
    assert s.variance == pytest.approx(var)
    x = s.ppf(GRID)
    assert x.mean() == pytest.approx(mean, rel=1e-4)
    assert x.var() == pytest.approx(var, rel=1e-3, abs=1e-9)
    assert np.all(x >= 0)
    assert np.all(np.diff(x) >= 0), "ppf is monotone (inversion keeps common random numbers)"


def test_lognormal_and_gamma_shapes_are_right():
    # Quantiles, not only moments: lognormal median = mean / sqrt(1 + cv^2); gamma(shape 1) is exponential.
    ln = Sampler("lognormal", 300.0, 0.8)
    assert ln.ppf(np.array([0.5]))[0] == pytest.approx(300 / math.sqrt(1 + 0.64), rel=1e-9)
    g = Sampler("gamma", 200.0, 1.0)
    u = np.array([0.1, 0.5, 0.9, 0.99])
    np.testing.assert_allclose(g.ppf(u), Sampler("exponential", 200.0).ppf(u), rtol=1e-9)
    assert Sampler("exponential", 100.0).ppf(np.array([1 - math.exp(-1)]))[0] == pytest.approx(100.0)


def test_empirical_draws_every_sample_equally_often():
    s = Sampler("empirical", 35.0, 0.0, (90.0, 10.0, 20.0, 20.0))
    vals, counts = np.unique(s.ppf(GRID), return_counts=True)
    assert list(vals) == [10.0, 20.0, 90.0]
    assert list(counts) == [250_000, 500_000, 250_000]


def test_scaled_sampler_and_sampling_with_a_generator():
    s = Sampler("gamma", 100.0, 0.7).scaled(1.5)
    assert (s.mean, s.cv) == (150.0, 0.7)
    x = s.sample(np.random.default_rng(5), 200_000)
    assert x.mean() == pytest.approx(150.0, rel=0.01)
    assert x.std() == pytest.approx(0.7 * 150.0, rel=0.02)


def test_engine_handle_times_follow_the_distribution():
    handle = {"distribution": "lognormal", "mean_seconds": 240, "cv": 0.6}
    recs, plan = run_one(single_queue_dict(calls_per_day=4000, handle=handle, agents=200, seed=4))
    h = recs.handle_s[recs.outcome == ANSWERED]
    assert len(h) > 3000
    se = 0.6 * 240 / math.sqrt(len(h))
    assert abs(h.mean() - 240) < 4 * se, (h.mean(), se)
    assert np.std(h) == pytest.approx(0.6 * 240, rel=0.1)
    assert replication_kpis(recs, plan)["aht_seconds"] == pytest.approx(h.mean())


# ---------------------------------------------------------------- business_shift
@pytest.fixture
def plan_8_20():
    _, plan = run_one(single_queue_dict(calls_per_day=1, handle=CONST100, agents=1, open_="08:00", close="20:00",
                                        days=3))
    return plan


@pytest.mark.parametrize(
    "t, delay, expected",
    [
        (9 * 3600, 3600, 10 * 3600),  # inside opening hours: plain addition
        (19 * 3600, 2 * 3600, 86400 + 9 * 3600),  # runs past close: resumes next morning
        (6 * 3600, 1800, 8 * 3600 + 1800),  # before open: counts from the opening
        (21 * 3600, 0, 86400 + 8 * 3600),  # after close, no delay: next opening
        (19 * 3600, 24 * 3600, 2 * 86400 + 19 * 3600),  # 1 h today, 12 h tomorrow, 11 h the day after
        (86400 + 12 * 3600, 6 * 3600, 86400 + 18 * 3600),
    ],
)
def test_business_shift_counts_only_open_hours(plan_8_20, t, delay, expected):
    assert float(business_shift(plan_8_20, t, delay)) == pytest.approx(expected)


def test_business_shift_is_vectorised_and_plain_round_the_clock(plan_8_20):
    t = np.array([9 * 3600.0, 19 * 3600.0])
    d = np.array([60.0, 7200.0])
    np.testing.assert_allclose(business_shift(plan_8_20, t, d), [9 * 3600 + 60, 86400 + 9 * 3600])
    _, rtc = run_one(single_queue_dict(calls_per_day=1, handle=CONST100, agents=1, open_="00:00", close="24:00"))
    np.testing.assert_allclose(business_shift(rtc, np.array([100.0, 80000.0]), np.array([50.0, 10000.0])),
                               [150.0, 90000.0])


# ---------------------------------------------------------------- warm-up, horizons, volumes
def test_warmup_is_excluded_from_kpis():
    data = single_queue_dict(calls_per_day=200, handle=CONST100, agents=2, warmup_minutes=30, seed=6)
    recs, plan = run_one(data)
    k = replication_kpis(recs, plan)
    after = recs.arrival_s >= OPEN + 1800
    assert 0 < after.sum() < len(recs)
    assert k["contacts"] == after.sum()
    assert k["calls_offered"] == (after & ~np.isnan(recs.queue_s)).sum()
    within = after & (recs.outcome == ANSWERED) & (recs.wait_s <= 20.0)
    assert k["service_level"] == pytest.approx(within.sum() / k["calls_offered"])
    assert k["staffed_agent_hours"] == pytest.approx(2 * 1.5), "the warm-up's agent-hours are not counted"
    assert k["occupancy"] == pytest.approx(recs.busy_s[after].sum() / (2 * 1.5 * 3600))


def test_warmup_not_a_multiple_of_the_interval_counts_staffed_time_from_the_warmup_end():
    data = single_queue_dict(calls_per_day=200, handle=CONST100, agents=2, warmup_minutes=45, seed=6)
    recs, plan = run_one(data)
    k = replication_kpis(recs, plan)
    # Calls are counted from 08:45, so staffed time must be too: 75 min x 2 agents.
    assert k["staffed_agent_hours"] == pytest.approx(2 * 75 / 60)
    assert staffed_seconds_per_interval(plan).sum() == pytest.approx(2 * 75 * 60)


def test_multi_day_horizon_repeats_the_day():
    recs, plan = run_one(single_queue_dict(calls_per_day=120, handle=CONST100, agents=[2, 2, 3, 3], days=3, seed=9))
    rows = queued(recs)
    q, a = recs.queue_s[rows], recs.answer_s[rows]
    day = np.floor(q / 86400).astype(int)
    assert set(day) == {0, 1, 2}
    within_day = q - day * 86400
    assert np.all((within_day >= OPEN) & (within_day < CLOSE)), "arrivals only inside opening hours, every day"
    counts = np.bincount(day, minlength=3)
    assert np.all(np.abs(counts - 120) < 4 * math.sqrt(120)), counts
    # Each day's queue drains that evening: nothing is answered the next day.
    assert np.all(np.floor(a / 86400) == day)
    assert (recs.outcome[rows] == ANSWERED).all()
    # Each day is an exact FCFS log of its own calls with its staffing (2 agents, then 3).
    for d in range(3):
        m = day == d
        assert np.all(a[m] >= q[m])
    assert replication_kpis(recs, plan)["staffed_agent_hours"] == pytest.approx(3 * (2 + 2 + 3 + 3) * 0.5)


def test_round_the_clock_multi_day_has_no_night():
    recs, _ = run_one(single_queue_dict(calls_per_day=480, handle=CONST100, agents=2, days=2, open_="00:00",
                                        close="24:00", interval_minutes=60, seed=10))
    hours = np.floor(recs.arrival_s / 3600).astype(int)
    per_hour = np.bincount(hours, minlength=48)
    assert len(per_hour) == 48 and per_hour.min() > 0, "calls arrive in every hour of both days"
    assert per_hour.sum() == pytest.approx(960, rel=0.15)


def _daily_counts(cv: float, seed: int) -> np.ndarray:
    data = single_queue_dict(calls_per_day=100, handle={"distribution": "constant", "mean_seconds": 5},
                             agents=5, days=300, open_="08:00", close="09:00", interval_minutes=60,
                             daily_cv=cv, seed=seed)
    recs, _ = run_one(data)
    return np.bincount(np.floor(recs.arrival_s / 86400).astype(int), minlength=300)


def test_daily_cv_over_disperses_daily_volumes():
    flat = _daily_counts(0.0, seed=31)
    assert flat.mean() == pytest.approx(100, rel=0.03)
    # Poisson: variance / mean = 1 (SE of the ratio ~ sqrt(2/299) ~ 0.08)
    assert 0.7 < flat.var(ddof=1) / flat.mean() < 1.35, flat.var(ddof=1) / flat.mean()
    cv = 0.3
    mixed = _daily_counts(cv, seed=31)
    assert mixed.mean() == pytest.approx(100, rel=0.06)
    # Gamma-mixed Poisson: variance = mean + (cv x mean)^2 = 100 + 900
    assert mixed.var(ddof=1) > 3 * mixed.mean()
    assert mixed.var(ddof=1) == pytest.approx(100 + (cv * 100) ** 2, rel=0.35)


def test_unserved_when_nobody_is_ever_staffed_after_a_call_arrives():
    # The last interval has no agents: callers arriving then are never answered (offered, unserved).
    recs, _ = run_one(single_queue_dict(calls_per_day=80, handle=CONST100, agents=[1, 1, 1, 0], seed=12))
    rows = queued(recs)
    late = recs.queue_s[rows] >= OPEN + 3 * 1800 + 100
    assert late.sum() > 3
    assert np.all(recs.outcome[rows][late] == UNSERVED)
    assert np.all(np.isnan(recs.answer_s[rows][late]))


def test_a_callback_retry_keeps_the_callers_place_in_the_queue():
    """One agent, every waiting caller takes a callback, half the attempts fail and are retried at
    once: if retries keep their place, the agent serves callers strictly in queue-entry order."""
    data = minimal_dict(
        horizon={"days": 1, "open": "08:00", "close": "10:00", "interval_minutes": 30},
        arrivals={"calls_per_day": 60, "profile": "flat"},
        contact_types=[{"name": "general", "handle_time": {"distribution": "constant", "mean_seconds": 100}}],
        agents={"groups": [{"name": "team", "skills": ["general"], "staffing": 1}]},
        levers={"callback": {"threshold_seconds": 0, "acceptance": 1.0, "connect_rate": 0.5, "max_attempts": 3,
                             "retry_delay_seconds": 0, "attempt_seconds": 30}},
    )
    recs, _ = run_one(data)
    retried = recs.callback & (recs.attempts >= 2) & (recs.outcome == CALLBACK_ANSWERED)
    assert retried.sum() >= 3, "the case must contain callbacks that connected on a retry"
    served = np.isin(recs.outcome, [ANSWERED, CALLBACK_ANSWERED])
    order = np.argsort(recs.answer_s[served], kind="stable")
    entered = recs.queue_s[served][order]
    assert np.all(np.diff(entered) >= 0), "a retried callback lost its place to callers who queued after it"


def test_on_day_hook_reports_each_simulated_day_and_changes_nothing():
    from simulator.engine.callcenter import simulate_replication
    from simulator.engine.records import COLUMNS
    from simulator.model.build import build_plan
    from simulator.model.scenario import parse_scenario
    from simulator.model.streams import replication_streams

    plan = build_plan(parse_scenario(single_queue_dict(calls_per_day=300, handle=CONST100, agents=3, days=4)))
    days: list[int] = []
    with_hook = simulate_replication(plan, replication_streams(1, 0), on_day=days.append)
    without = simulate_replication(plan, replication_streams(1, 0))
    assert days == [1, 2, 3]
    for name in COLUMNS:
        assert np.array_equal(getattr(with_hook, name), getattr(without, name), equal_nan=name.endswith("_s")), name
