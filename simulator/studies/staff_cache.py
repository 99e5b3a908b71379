"""Staffing every scenario of a study to its target, once per distinct flow of calls."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

import numpy as np

from simulator.model.build import build_plan
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario
from simulator.studies.roster import roster_from
from simulator.studies.staffing import StaffingResult, optimize_staffing


class StaffToTarget:
    """The optimizer's staffing for each scenario of a comparison (rostered with ``agents.shifts``).

    Scenarios whose calls, times and routing are the same (levers that change only costs, such as
    VoIP or remote agents, only the given staffing, such as scheduling, or only the shift rules)
    need the same agents: the optimizer runs once for them, and a scenario with ``agents.shifts``
    rosters that requirement. The staffing is not evaluated on fresh replications here: the
    comparison simulates it on its own replications.

    The first scenario solved (the baseline, in a comparison) is searched from Erlang's start; the
    others start from its corrections of Erlang (``optimize_staffing``'s ``start``), which usually
    saves search runs: a lever moves the load, much less where Erlang is wrong. With an
    ``executor``, ``solve`` runs the other scenarios' searches side by side on it, so its workers
    stay busy across scenarios. Neither changes what a search converges on by its own rule.
    """

    def __init__(self, seed: int, workers: int, executor: Executor | None = None, **options: Any) -> None:
        self.options = {"seed": seed, "workers": workers, "evaluate": False, "executor": executor, **options}
        self._solved: dict[bytes, StaffingResult] = {}
        self._start: tuple[np.ndarray, np.ndarray] | None = None

    def solve(self, scenarios: list[Scenario]) -> None:
        """Find the staffing of each distinct flow among ``scenarios`` (the first one first)."""
        todo = {}
        for sc in scenarios:
            todo.setdefault(_flow_key(sc), sc)
        todo = {k: sc for k, sc in todo.items() if k not in self._solved}
        if not todo:
            return
        if not self._solved:
            first = next(iter(todo))
            self._solve(first, todo.pop(first))
        if self.options["executor"] is None or len(todo) <= 1:
            for key, sc in todo.items():
                self._solve(key, sc)
            return
        threads = ThreadPoolExecutor(max_workers=len(todo))
        try:
            list(threads.map(self._solve, todo.keys(), todo.values()))
        finally:  # on Ctrl-C, no new search starts (the caller cancels the pool's queued replications)
            threads.shutdown(wait=False, cancel_futures=True)

    def _solve(self, key: bytes, scenario: Scenario) -> StaffingResult:
        if key not in self._solved:
            res = optimize_staffing(scenario, start=self._start, **self.options)
            if self._start is None:
                self._start = res.corrections
            self._solved[key] = res
        return self._solved[key]

    def __call__(self, scenario: Scenario) -> tuple[Scenario, EnginePlan, StaffingResult]:
        res = self._solve(_flow_key(scenario), scenario)
        staffed = scenario.with_changes({f"agents.groups.{g}.staffing": group.staffing
                                         for g, group in enumerate(res.scenario.agents.groups)})
        plan = dataclasses.replace(build_plan(staffed), staffing=res.matrix.copy())
        res = dataclasses.replace(res, scenario=staffed, plan=plan)
        if scenario.agents.shifts is not None:
            study = roster_from(scenario, res)
            return study.scenario, study.plan, study.staffing
        return staffed, plan, res


def _flow_key(scenario: Scenario) -> bytes:
    """What the optimizer's answer depends on: the engine plan without its staffing, and the target."""
    work = scenario.with_changes({f"agents.groups.{i}.staffing": 1 for i in range(len(scenario.agents.groups))})
    plan = build_plan(work)
    flow = dataclasses.replace(plan, staffing=np.zeros_like(plan.staffing))
    return hashlib.sha256(pickle.dumps((flow, scenario.service_target.model_dump_json()))).digest()
