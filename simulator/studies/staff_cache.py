"""Staffing every scenario of a study to its target, once per distinct flow of calls."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from typing import Any

import numpy as np

from simulator.model.build import build_plan
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario
from simulator.studies.roster import optimize_roster
from simulator.studies.staffing import StaffingResult, optimize_staffing


class StaffToTarget:
    """The optimizer's staffing for each scenario of a comparison (rostered with ``agents.shifts``).

    Scenarios whose calls, times and routing are the same (levers that change only costs, such as
    VoIP or remote agents, or only the given staffing, such as scheduling) need the same agents:
    the optimizer runs once for them. The staffing is not evaluated on fresh replications here:
    the comparison simulates it on its own replications.
    """

    def __init__(self, seed: int, workers: int, **options: Any) -> None:
        self.options = {"seed": seed, "workers": workers, "evaluate": False, **options}
        self._solved: dict[bytes, StaffingResult] = {}

    def __call__(self, scenario: Scenario) -> tuple[Scenario, EnginePlan, StaffingResult]:
        options = self.options
        if scenario.agents.shifts is not None:
            study = optimize_roster(scenario, **options)
            return study.scenario, study.plan, study.staffing
        key = _flow_key(scenario)
        if key not in self._solved:
            self._solved[key] = optimize_staffing(scenario, **options)
        res = self._solved[key]
        staffed = scenario.with_changes({f"agents.groups.{g}.staffing": group.staffing
                                         for g, group in enumerate(res.scenario.agents.groups)})
        plan = dataclasses.replace(build_plan(staffed), staffing=res.matrix.copy())
        return staffed, plan, dataclasses.replace(res, scenario=staffed, plan=plan)


def _flow_key(scenario: Scenario) -> bytes:
    """What the optimizer's answer depends on: the engine plan without its staffing, and the target."""
    work = scenario.with_changes({f"agents.groups.{i}.staffing": 1 for i in range(len(scenario.agents.groups))})
    plan = build_plan(work)
    flow = dataclasses.replace(plan, staffing=np.zeros_like(plan.staffing))
    return hashlib.sha256(pickle.dumps((flow, scenario.service_target.model_dump_json()))).digest()
