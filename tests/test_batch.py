"""Studies on one pool (issue 14 item 4) and staffing work shared across scenarios (issue 10 item 7):
the same numbers as scenario-by-scenario runs, whatever the number of workers, with less work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simulator.studies.batch as batch
import simulator.studies.staff_cache as staff_cache
from conftest import minimal_dict
from simulator.model.scenario import parse_scenario
from simulator.studies.simulate import simulate
from simulator.studies.staff_cache import StaffToTarget
from simulator.studies.staffing import optimize_staffing
from test_compare import IVR, VOIP, small_base, with_levers


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.replications, b.replications, check_exact=True)
    pd.testing.assert_frame_equal(a.costs, b.costs, check_exact=True)
    pd.testing.assert_frame_equal(a.intervals, b.intervals, check_exact=True)
    pd.testing.assert_frame_equal(a.volumes, b.volumes, check_exact=True)
    np.testing.assert_array_equal(a.wait_hist, b.wait_hist)


@pytest.fixture(scope="module")
def three():
    base = parse_scenario(small_base(replications=3))
    voip = parse_scenario(with_levers(small_base(replications=3), "voip", VOIP))
    ivr = parse_scenario(with_levers(small_base(replications=3), "ivr", IVR))
    return [base, voip, ivr]


@pytest.fixture(scope="module")
def one_by_one(three):
    return [simulate(sc, replications=3, seed=5, workers=1) for sc in three]


@pytest.mark.parametrize("workers", [1, 2])
def test_one_pool_gives_the_runs_one_by_one(three, one_by_one, workers):
    pool = batch.study_pool(workers)
    try:
        got = batch.simulate_runs([(sc, None) for sc in three], 3, 5, pool)
    finally:
        batch.close_pool(pool, interrupted=False)
    for a, b in zip(one_by_one, got):
        _same(a, b)
    assert got[1].costs["telephony"].mean() < got[0].costs["telephony"].mean(), "VoIP is priced at its own rates"


def test_a_plan_shared_by_cost_only_levers_is_simulated_once(three, monkeypatch):
    calls = []
    real = batch.run_replications

    def counting(scenarios, plan, seed, r):
        calls.append(len(scenarios))
        return real(scenarios, plan, seed, r)

    monkeypatch.setattr(batch, "run_replications", counting)
    base, voip, ivr = three
    batch.simulate_runs([(base, None), (voip, None), (ivr, None)], 3, 5)
    assert sorted(calls) == [1, 1, 1, 2, 2, 2], "base and VoIP share each replication; the IVR has its own"


def test_the_store_resumes_a_batch(three, one_by_one):
    class Store:
        def __init__(self):
            self.kept: dict = {}

        def load(self, key):
            return dict(self.kept.get(key, {}))

        def save(self, key, res):
            self.kept.setdefault(key, {})[res.replication] = res

    store = Store()
    batch.simulate_runs([(sc, None) for sc in three[:2]], 2, 5, store=store)
    ticks = []
    got = batch.simulate_runs([(sc, None) for sc in three], 3, 5, progress=ticks.append, store=store)
    assert sum(ticks) == 9 and len(store.kept) == 3
    for a, b in zip(one_by_one, got):
        _same(a, b)


def _steady(calls_per_hour: float) -> dict:
    return {
        "name": "steady", "seed": 3,
        "horizon": {"days": 1, "open": "08:00", "close": "14:00", "interval_minutes": 30},
        "service_target": {"answer_within_seconds": 20, "fraction": 0.8},
        "arrivals": {"calls_per_day": calls_per_hour * 6, "profile": "flat"},
        "contact_types": [{"name": "g", "handle_time": {"distribution": "exponential", "mean_seconds": 240},
                           "patience": {"distribution": "exponential", "mean_seconds": 200}}],
        "agents": {"groups": [{"name": "t", "skills": ["g"], "staffing": "optimize"}]},
    }


def test_a_search_started_from_known_corrections_needs_fewer_runs_and_lands_alike():
    sc = parse_scenario(_steady(800))
    cold = optimize_staffing(sc, replications=6, workers=1)
    assert cold.corrections is not None and cold.corrections[0].shape == cold.matrix.shape
    warm = optimize_staffing(sc, replications=6, workers=1, start=cold.corrections)
    assert warm.iterations <= cold.iterations
    assert np.abs(warm.matrix - cold.matrix).max() <= 1, (warm.matrix, cold.matrix)
    assert warm.met
    # A start of another shape (another scenario's groups) is ignored: the search starts from Erlang.
    other = optimize_staffing(sc, replications=6, workers=1, start=(np.zeros((2, 3)), np.zeros((2, 3))))
    assert np.array_equal(other.matrix, cold.matrix) and other.iterations == cold.iterations


def test_a_roster_reuses_the_staffing_of_its_flow(monkeypatch):
    calls = []
    real = staff_cache.optimize_staffing

    def counting(sc, **kw):
        calls.append((sc.name, kw.get("start") is not None))
        return real(sc, **kw)

    monkeypatch.setattr(staff_cache, "optimize_staffing", counting)
    d = minimal_dict(replications=2)
    d["agents"]["groups"][0]["staffing"] = "optimize"
    base = parse_scenario(d)
    d["name"] = "rostered"
    d["agents"]["shifts"] = [{"name": "short", "starts": {"first": "08:00", "last": "09:00"}, "length_hours": 1}]
    rostered = parse_scenario(d)
    d2 = minimal_dict(replications=2)
    d2["name"], d2["arrivals"]["calls_per_day"] = "busier", d2["arrivals"]["calls_per_day"] * 1.3
    d2["agents"]["groups"][0]["staffing"] = "optimize"
    busier = parse_scenario(d2)
    staff = StaffToTarget(5, 1, replications=3)
    staff.solve([base, rostered, busier])
    assert calls == [(base.name, False), ("busier", True)], "one search per flow; the second starts from the first's corrections"
    _, plan, _ = staff(rostered)
    assert plan.paid_staffing is not None, "the rostered scenario gets its roster"
    assert calls == [(base.name, False), ("busier", True)]
