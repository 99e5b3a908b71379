"""Routing: dedicated, pooled and skills-based policies, overflow timing, proficiency, priority."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.engine.callcenter import CallCenterModel
from simulator.core.errors import ScenarioError
from simulator.model.build import build_plan
from simulator.engine.records import ANSWERED
from simulator.model.scenario import Scenario, parse_scenario
from simulator.studies.simulate import simulate
from simulator.analysis.stats import paired_difference
from simulator.model.streams import replication_streams


def two_types(policy: str, overflow: float = 30.0, pooled_factor: float = 1.0, calls: float = 3000,
              proficiency: dict[str, float] | None = None, cross: bool = True, **extra: Any) -> Scenario:
    """Two contact types, two groups of 12 (with ``cross``, each has the other's skill second)."""
    data = {
        "name": f"two types {policy}", "seed": 5,
        "horizon": {"days": 1, "open": "08:00", "close": "20:00", "interval_minutes": 30},
        "arrivals": {"calls_per_day": calls},
        "contact_types": [
            {"name": "a", "share": 0.5, "handle_time": {"distribution": "exponential", "mean_seconds": 300},
             "patience": {"distribution": "exponential", "mean_seconds": 200}},
            {"name": "b", "share": 0.5, "handle_time": {"distribution": "exponential", "mean_seconds": 300},
             "patience": {"distribution": "exponential", "mean_seconds": 200}},
        ],
        "agents": {
            "routing": {"policy": policy, "overflow_after_seconds": overflow, "pooled_handle_time_factor": pooled_factor},
            "groups": [
                {"name": "A", "skills": ["a", "b"] if cross else ["a"], "staffing": 12,
                 "proficiency": proficiency or {}},
                {"name": "B", "skills": ["b", "a"] if cross else ["b"], "staffing": 12},
            ],
        },
    }
    data.update(extra)
    return parse_scenario(data)


def reps(sc: Scenario, n: int = 4):
    return simulate(sc, replications=n, workers=1).replications


def test_pooling_cuts_asa_at_equal_agents() -> None:
    """Pooled (no handle-time penalty) vs dedicated queues, 12 + 12 agents: the classic pooling gain."""
    ded, pool = reps(two_types("dedicated")), reps(two_types("pooled"))
    d, lo, hi = paired_difference(ded["asa_seconds"], pool["asa_seconds"])
    assert hi < 0 and d < -0.3 * ded["asa_seconds"].mean(), (
        f"pooled ASA {pool['asa_seconds'].mean():.1f}s vs dedicated {ded['asa_seconds'].mean():.1f}s")
    d_sl, lo_sl, _ = paired_difference(ded["service_level"], pool["service_level"])
    assert lo_sl > 0, f"service level change {d_sl:+.3f}"


def test_skills_based_overflow_sits_between_dedicated_and_pooled() -> None:
    ded, sb, pool = reps(two_types("dedicated")), reps(two_types("skills_based")), reps(two_types("pooled"))
    a, b, c = (x["asa_seconds"].mean() for x in (ded, sb, pool))
    assert c < b < a, f"ASA pooled {c:.1f} < skills-based {b:.1f} < dedicated {a:.1f}"


def test_pooled_handle_time_penalty_costs_service() -> None:
    """Generalists 20% slower on the other skill: AHT rises, and the pooling gain shrinks."""
    fast = reps(two_types("pooled", cross=False))
    slow = reps(two_types("pooled", pooled_factor=1.2, cross=False))
    d_aht, lo, _ = paired_difference(fast["aht_seconds"], slow["aht_seconds"])
    # About half the calls go to the other group's agents when pooled: AHT +5..+10%.
    rel = d_aht / fast["aht_seconds"].mean()
    assert lo > 0 and 0.04 < rel < 0.11, f"AHT change {rel:+.3f}"
    d_sl, _, hi = paired_difference(fast["service_level"], slow["service_level"])
    assert hi < 0, f"service level change {d_sl:+.3f}"


def test_proficiency_factor_raises_aht_and_lowers_service() -> None:
    """A single group at proficiency 1.2 on its only skill: AHT +20%, service level down."""
    def one(prof: float) -> Scenario:
        return parse_scenario({
            "name": "prof", "seed": 3,
            "horizon": {"days": 1, "open": "08:00", "close": "20:00", "interval_minutes": 30},
            "arrivals": {"calls_per_day": 2000},
            "contact_types": [{"name": "g", "handle_time": {"distribution": "lognormal", "mean_seconds": 300, "cv": 0.8},
                               "patience": {"distribution": "exponential", "mean_seconds": 180}}],
            "agents": {"groups": [{"name": "t", "skills": ["g"], "staffing": 17, "proficiency": {"g": prof}}]},
        })
    base, slow = reps(one(1.0)), reps(one(1.2))
    ratio = (slow["aht_seconds"] / base["aht_seconds"]).to_numpy()
    m, lo, hi = paired_difference(np.zeros(len(ratio)), ratio)
    assert abs(m - 1.2) < 0.02, f"AHT ratio {m:.3f} (CI {lo:.3f}..{hi:.3f}), expected 1.20"
    d, _, hi_sl = paired_difference(base["service_level"], slow["service_level"])
    assert hi_sl < -0.05, f"service level change {d:+.3f}"


def test_vip_served_first() -> None:
    sc = two_types("skills_based", calls=3300, levers={"priority": {"vip_share": 0.1}})
    plan = build_plan(sc)
    vip_w, other_w = [], []
    for rep in range(3):
        rec = CallCenterModel(plan, replication_streams(sc.seed, rep)).run()
        ans = rec.outcome == ANSWERED
        vip_w.append(rec.wait_s[ans & (rec.priority == 0)].mean())
        other_w.append(rec.wait_s[ans & (rec.priority != 0)].mean())
        share = (rec.priority == 0).mean()
        assert 0.08 < share < 0.12, f"VIP share {share:.3f}"
    # A VIP waits only for the next agent to free up (~AHT / agents when all are busy).
    assert np.mean(vip_w) < 0.7 * np.mean(other_w), f"VIP ASA {np.mean(vip_w):.1f}s vs others {np.mean(other_w):.1f}s"


def test_overflow_waits_at_least_the_delay_and_own_skill_first() -> None:
    sc = two_types("skills_based", overflow=30.0, calls=3300)
    plan = build_plan(sc)
    rec = CallCenterModel(plan, replication_streams(sc.seed, 0)).run()
    ans = rec.outcome == ANSWERED
    crossed = ans & (rec.group != rec.ctype)  # group 0 owns type 0 (a), group 1 owns type 1 (b)
    own = ans & (rec.group == rec.ctype)
    assert crossed.sum() > 50, "some calls should overflow"
    assert np.all(rec.wait_s[crossed] >= 30.0 - 1e-6), f"overflow before 30 s: min {rec.wait_s[crossed].min():.3f}"
    assert own.sum() > 5 * crossed.sum()


def test_dedicated_serves_only_own_group() -> None:
    sc = two_types("dedicated")
    rec = CallCenterModel(build_plan(sc), replication_streams(sc.seed, 0)).run()
    ans = rec.outcome == ANSWERED
    assert np.all(rec.group[ans] == rec.ctype[ans])


def test_dedicated_needs_an_own_group_for_every_type() -> None:
    sc = two_types("dedicated")
    data = sc.model_dump(mode="python")
    data["agents"]["groups"][1]["skills"] = ["a", "b"]
    with pytest.raises(ScenarioError, match="contact_types.1.name"):
        build_plan(parse_scenario(data))


def test_overflow_exact_timing_deterministic() -> None:
    """Constant times: group A (1 agent) busy, a second 'a' call overflows to idle B at exactly +30 s."""
    data = {
        "name": "det", "seed": 1,
        "horizon": {"days": 1, "open": "08:00", "close": "08:30", "interval_minutes": 30},
        "arrivals": {"calls_per_day": 200},
        "contact_types": [
            {"name": "a", "share": 0.999, "handle_time": {"distribution": "constant", "mean_seconds": 5000}},
            {"name": "b", "share": 0.001, "handle_time": {"distribution": "constant", "mean_seconds": 60}},
        ],
        "agents": {"routing": {"policy": "skills_based", "overflow_after_seconds": 30},
                   "groups": [{"name": "A", "skills": ["a"], "staffing": 1},
                              {"name": "B", "skills": ["b", "a"], "staffing": 1}]},
    }
    sc = parse_scenario(data)
    rec = CallCenterModel(build_plan(sc), replication_streams(1, 0)).run()
    order = np.argsort(rec.queue_s)
    first_a = [i for i in order if rec.ctype[i] == 0][:2]
    assert rec.wait_s[first_a[0]] == 0.0 and rec.group[first_a[0]] == 0
    if rec.ctype[order[0]] == 0 and rec.queue_s[first_a[1]] < 5000 + rec.queue_s[first_a[0]]:
        assert rec.group[first_a[1]] == 1
        assert rec.wait_s[first_a[1]] == pytest.approx(30.0, abs=1e-6)
