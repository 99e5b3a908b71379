"""How long a run will take, from a quick calibration run, so the CLI can say so before long work.

The engine's cost is close to proportional to the number of calls, so one short replication of the
same scenario at a small volume (one day, same levers and contact types, staffing scaled to the
volume) gives seconds per call on this machine; the run then costs about that times the calls of
every replication, shared by the workers.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

from simulator.engine.callcenter import simulate_replication
from simulator.model.build import build_plan
from simulator.model.load import expected_handle_seconds, offered_load
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario
from simulator.model.streams import replication_streams

CALIBRATION_CALLS = 2000.0
# Below this many calls per worker a run takes well under a minute: no calibration needed.
QUICK_CALLS_PER_WORKER = 600_000.0


@dataclass(frozen=True)
class WorkEstimate:
    calls_per_replication: float
    replications: int
    workers: int
    seconds: float  # expected wall time of the simulation (nan when not calibrated)
    calibration_seconds_per_call: float


def calls_per_replication(scenario: Scenario) -> float:
    """Customer needs reaching the center over the horizon (before IVR, self-service, repeats)."""
    return scenario.arrivals.calls_per_day * scenario.horizon.days


def estimate_work(scenario: Scenario, replications: int, workers: int) -> WorkEstimate:
    """The expected time of ``replications`` of ``scenario`` on ``workers`` processes.

    Small runs are not calibrated (``seconds`` is nan): the answer would cost more than it tells.
    """
    calls = calls_per_replication(scenario)
    parallel = max(1, min(workers, replications))
    if calls * replications / parallel < QUICK_CALLS_PER_WORKER:
        return WorkEstimate(calls, replications, parallel, math.nan, math.nan)
    plan = _calibration_plan(scenario)
    start = time.perf_counter()
    simulate_replication(plan, replication_streams(scenario.seed, 0))
    per_call = (time.perf_counter() - start) / (plan.calls_per_day * plan.days)
    rounds = math.ceil(replications / parallel)
    return WorkEstimate(calls, replications, parallel, per_call * calls * rounds, per_call)


def _calibration_plan(scenario: Scenario) -> EnginePlan:
    """One day of ``scenario`` at ``CALIBRATION_CALLS`` calls, with agents for that load."""
    fixed = scenario.with_changes({f"agents.groups.{i}.staffing": 1
                                   for i, g in enumerate(scenario.agents.groups) if g.staffing == "optimize"})
    plan = build_plan(fixed)
    small = dataclasses.replace(plan, days=1, warmup_seconds=0.0, calls_per_day=min(plan.calls_per_day, CALIBRATION_CALLS))
    load = offered_load(small)
    erlangs = sum(load[k] * expected_handle_seconds(small, k) for k in range(len(small.types))) / small.interval_seconds
    per_group = np.ceil(1.2 * erlangs / len(small.group_names)) + 1
    staffing = np.tile(per_group.astype(int), (len(small.group_names), 1))
    return dataclasses.replace(small, staffing=staffing)
