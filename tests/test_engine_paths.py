"""The engine's two paths give the same records: the single-queue fast path (``engine.fastpath``)
and the general handlers (``engine.events``), forced with ``CallCenterModel(fast_path=False)``.

Every column is compared exactly (NaN equal to NaN), on single-queue scenarios that switch on every
mechanism the fast path has to reproduce: congestion and abandonment, staffing changes and the
close, repeats, redials, outsourced overflow, leaky IVR and self-service. Scenarios the fast path
does not take (callbacks, VIP, several types) must run the general path either way.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from conftest import minimal_dict
from simulator.engine.callcenter import CallCenterModel
from simulator.engine.records import (
    ABANDONED,
    CALLBACK_ANSWERED,
    CONTAINED,
    COLUMNS,
    KIND_BOT_FAILED_CALL,
    KIND_BOT_HANDOFF_CALL,
    KIND_REDIAL,
    KIND_REPEAT,
    OUTSOURCED,
    SS_RESOLVED,
    Records,
)
from simulator.model.build import build_plan
from simulator.model.scenario import parse_scenario
from simulator.model.streams import replication_streams

from strategies import scenarios

EXP = "exponential"


def assert_same_records(fast: Records, general: Records) -> None:
    assert len(fast) == len(general), f"{len(fast)} rows on the fast path, {len(general)} on the general path"
    assert fast.n_needs == general.n_needs
    for name in COLUMNS:
        a, b = getattr(fast, name), getattr(general, name)
        assert a.dtype == b.dtype, name
        same = (a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind == "f" else a == b
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), (
            f"column {name!r} differs in {int((~same).sum())} rows, first {np.flatnonzero(~same)[:5].tolist()}: "
            f"fast {a[~same][:3].tolist()} vs general {b[~same][:3].tolist()}")


def run_both(data: dict[str, Any], replication: int = 0) -> tuple[CallCenterModel, CallCenterModel, Records, Records]:
    sc = parse_scenario(data)
    plan = build_plan(sc)
    fast = CallCenterModel(plan, replication_streams(sc.seed, replication))
    general = CallCenterModel(plan, replication_streams(sc.seed, replication), fast_path=False)
    return fast, general, fast.run(), general.run()


def single_queue(*, fcr: float = 1.0, priority: int = 1, staffing: Any = 10, levers: dict | None = None,
                 redial: float = 0.0, days: int = 2, open_: str = "08:00", close: str = "12:00",
                 calls_per_day: float = 650, seed: int = 3, interval_minutes: int = 60) -> dict[str, Any]:
    """One type, one group, congested (about 10.8 Erlangs offered to 10 agents at the peak)."""
    return minimal_dict(
        seed=seed,
        horizon={"days": days, "open": open_, "close": close, "interval_minutes": interval_minutes},
        arrivals={"calls_per_day": calls_per_day, "profile": "flat", "daily_cv": 0.1},
        contact_types=[{"name": "general", "share": 1.0, "priority": priority,
                        "handle_time": {"distribution": "lognormal", "mean_seconds": 240, "cv": 0.7},
                        "patience": {"distribution": EXP, "mean_seconds": 120}, "fcr": fcr,
                        "repeat_delay": {"distribution": EXP, "mean_seconds": 1800}}],
        agents={"groups": [{"name": "team", "skills": ["general"], "staffing": staffing}]},
        redials={"probability": redial, "delay": {"distribution": EXP, "mean_seconds": 300}},
        levers=levers or {},
    )


LEAKY = {
    "ivr": {"time": {"distribution": "lognormal", "mean_seconds": 60, "cv": 0.5}, "containment": 0.25,
            "false_containment_share": 0.3, "remaining_handle_time_uplift": 0.1},
    "self_service": {"adoption": 0.3, "success": 0.5, "session_seconds": 240, "false_resolution_share": 0.2,
                     "failed_handle_time_uplift": 0.1},
    "agent_assist": {"handle_time_reduction": 0.1},
}
OUTSOURCE = {"outsourced_overflow": {"after_seconds": 45, "per_minute": 0.9, "handle_time_factor": 1.1}}


# Each case: the scenario and a mask of rows that must exist, so the mechanism is really exercised.
ELIGIBLE = {
    "abandonment and the close": (single_queue(), lambda r: r.outcome == ABANDONED),
    "staffing changes": (single_queue(staffing=[12, 4, 0, 14]), lambda r: r.outcome == ABANDONED),
    "round the clock": (single_queue(open_="00:00", close="24:00", staffing=[6, 12, 10, 8, 11, 9],
                                     calls_per_day=3600, days=1, interval_minutes=240), lambda r: r.outcome == ABANDONED),
    "repeats": (single_queue(fcr=0.55), lambda r: r.kind == KIND_REPEAT),
    "redials": (single_queue(redial=0.7, fcr=0.8), lambda r: r.kind == KIND_REDIAL),
    "priority class": (single_queue(priority=3, fcr=0.7), lambda r: r.priority == 3),
    "outsourced overflow": (single_queue(fcr=0.7, redial=0.5, levers=OUTSOURCE), lambda r: r.outcome == OUTSOURCED),
    "leaky IVR and self-service": (single_queue(fcr=0.7, redial=0.5, levers={**LEAKY, **OUTSOURCE}),
                                   lambda r: (r.outcome == CONTAINED) & ~r.resolved),
}


@pytest.mark.parametrize("case", list(ELIGIBLE))
@pytest.mark.parametrize("replication", [0, 1])
def test_fast_path_gives_the_general_paths_records(case: str, replication: int) -> None:
    data, must_have = ELIGIBLE[case]
    fast, general, rf, rg = run_both(data, replication)
    assert fast.single and not general.single, "the case must take the fast path unless forced off"
    assert must_have(rf).sum() >= 5, f"{case}: the mechanism is not exercised ({int(must_have(rf).sum())} rows)"
    assert_same_records(rf, rg)


def test_leaky_automation_case_has_sessions_and_late_contacts() -> None:
    """The leaky case reaches the rare paths too: self-service leaks and contacts beyond the
    generations drawn up front (which draw from the secondary stream during the run)."""
    data, _ = ELIGIBLE["leaky IVR and self-service"]
    fast, _, rf, _ = run_both(data)
    assert ((rf.outcome == SS_RESOLVED) & ~rf.resolved).sum() >= 5
    later = np.bincount(rf.need[(rf.kind == KIND_REPEAT) | (rf.kind == KIND_REDIAL)])
    assert later.max() > 3, f"no need came back more than 3 times (max {later.max()})"


@pytest.mark.parametrize("replication", [0, 1])
def test_fast_path_matches_with_the_chatbot(replication: int) -> None:
    data, _ = ELIGIBLE["leaky IVR and self-service"]
    plan = build_plan(parse_scenario(data))
    types = tuple(dataclasses.replace(t, bot_engagement=0.4, bot_containment=0.4, bot_failed_share=0.5)
                  for t in plan.types)
    plan = dataclasses.replace(plan, types=types, bot_session_seconds=300.0, bot_handoff_handle_factor=0.85,
                               bot_failed_handle_factor=1.2, bot_failed_fcr_penalty=0.15,
                               bot_false_resolution_share=0.2)
    fast = CallCenterModel(plan, replication_streams(data["seed"], replication))
    general = CallCenterModel(plan, replication_streams(data["seed"], replication), fast_path=False)
    rf, rg = fast.run(), general.run()
    assert fast.single and not general.single
    assert np.isin(rf.kind, [KIND_BOT_HANDOFF_CALL, KIND_BOT_FAILED_CALL]).sum() > 100
    assert_same_records(rf, rg)


INELIGIBLE = {
    "callbacks with retries": single_queue(fcr=0.8, levers={"callback": {
        "threshold_seconds": 20, "acceptance": 0.6, "connect_rate": 0.6, "max_attempts": 3,
        "retry_delay_seconds": 120, "attempt_seconds": 30}}),
    "VIP": single_queue(fcr=0.8, levers={"priority": {"vip_share": 0.2}}),
}


@pytest.mark.parametrize("case", list(INELIGIBLE))
def test_scenarios_outside_the_fast_path_run_the_general_path(case: str) -> None:
    fast, general, rf, rg = run_both(INELIGIBLE[case])
    assert not fast.single and not general.single
    assert_same_records(rf, rg)
    if case.startswith("callbacks"):
        assert ((rf.outcome == CALLBACK_ANSWERED) & (rf.attempts >= 2)).sum() >= 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_fast_path_matches_on_generated_single_queue_scenarios(data: dict) -> None:
    """Any valid scenario cut down to one type and one group (no callbacks, no VIP)."""
    first = dict(data["contact_types"][0], share=1.0)
    group = dict(data["agents"]["groups"][0], skills=[first["name"]], proficiency={})
    levers = {k: v for k, v in data["levers"].items() if k not in ("callback", "priority")}
    data = {**data, "contact_types": [first], "agents": {**data["agents"], "groups": [group]}, "levers": levers}
    fast, general, rf, rg = run_both(data)
    assert fast.single and not general.single
    assert_same_records(rf, rg)
