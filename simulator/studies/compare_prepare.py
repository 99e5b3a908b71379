"""The scenarios of a comparison, ready to simulate: staffed to the target (``hold="service"``) or
with the baseline's agents (``hold="staffing"``), each with its engine plan when one is fixed."""

from __future__ import annotations

import dataclasses
from concurrent.futures import Executor
from typing import Callable

from simulator.model.build import build_plan
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario
from simulator.studies.staff_cache import StaffToTarget
from simulator.studies.staffing import optimize_staffing


def fill_optimize_from(baseline: Scenario, scenario: Scenario) -> Scenario:
    """``staffing: optimize`` groups of a scenario take the baseline's staffing of the same group."""
    if not scenario.needs_staffing_optimizer:
        return scenario
    base = {g.name: g.staffing for g in baseline.agents.groups}
    return scenario.with_changes({
        f"agents.groups.{i}.staffing": base[g.name]
        for i, g in enumerate(scenario.agents.groups) if g.staffing == "optimize" and g.name in base
    })


def prepare_scenarios(
    baseline: Scenario, scenarios: list[Scenario], hold: str, seed: int, workers: int, say: Callable[[str], None],
    staff_to_target: StaffToTarget | None = None,
    pool: Executor | None = None,
) -> tuple[list[tuple[Scenario, EnginePlan | None]], dict]:
    staffing: dict = {}
    if hold == "service":
        out = []
        staff_to_target = staff_to_target or StaffToTarget(seed, workers, pool)
        say(f"staffing {baseline.name} to the target (1/{1 + len(scenarios)})")
        staff_to_target.solve([baseline])
        if scenarios:
            say(f"staffing the {len(scenarios)} scenarios to the target (2-{1 + len(scenarios)}/{1 + len(scenarios)})")
        staff_to_target.solve(scenarios)
        for sc in [baseline, *scenarios]:
            staffed, plan, res = staff_to_target(sc)
            staffing[sc.name] = res
            out.append((staffed, plan))
        return out, staffing
    base = baseline
    weekly = None  # the baseline's staffing per weekday, which the file's lists cannot hold
    if baseline.needs_staffing_optimizer:
        res = optimize_staffing(baseline, seed=seed, workers=workers, executor=pool)
        staffing[baseline.name] = res
        base = res.scenario
        weekly = res.plan.staffing if res.plan.staffing.ndim == 3 else None
    out: list[tuple[Scenario, EnginePlan | None]] = [(base, None if weekly is None else res.plan)]
    names = [g.name for g in base.agents.groups]
    for sc in scenarios:
        takes_all = weekly is not None and all(g.staffing == "optimize" for g in sc.agents.groups)
        sc = fill_optimize_from(base, sc)
        if sc.needs_staffing_optimizer:  # a group the baseline lacks
            res = optimize_staffing(sc, seed=seed, workers=workers, executor=pool)
            staffing[sc.name] = res
            sc = res.scenario
        same_groups = takes_all and [g.name for g in sc.agents.groups] == names
        out.append((sc, dataclasses.replace(build_plan(sc), staffing=weekly) if same_groups else None))
    return out, staffing
