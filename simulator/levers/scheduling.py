"""Shaped schedules (WFM): the same agent-hours per group, placed where the intraday load is.

Agent-intervals are handed out to the interval where one more agent answers the most extra calls
within target (Erlang C per interval: a marginal-analysis schedule, the classic WFM way to place
a fixed budget of hours). A group's load is its share of each contact type's expected offered
calls (``simulator.model.load``: types split over their owner groups in proportion to their
agent-hours). Every interval keeps at least one agent where calls arrive, and each group's total
agent-intervals are kept exactly.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

import numpy as np

from simulator.core.erlang import erlang_c_metrics, required_agents
from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft
from simulator.model.load import expected_handle_seconds, offered_load, type_owners
from simulator.model.plan import EnginePlan


class SchedulingSettings(LeverSettings):
    method: Literal["shaped"] = "shaped"
    """How staffing is placed: "shaped" to the intraday load (marginal analysis, Erlang C). Default shaped."""


class Scheduling(Lever):
    key = "scheduling"
    label = "scheduling"
    settings = SchedulingSettings
    example = {}

    def neutral(self, scenario: Any) -> dict[str, Any] | None:
        """Shaping a flat day with flat staffing keeps it flat (every interval needs the same)."""
        flat = scenario.arrivals.profile == "flat" and all(isinstance(g.staffing, int) for g in scenario.agents.groups)
        return {} if flat else None

    def phrase(self, s: SchedulingSettings, fmt: PhraseFormat) -> str:
        return "staffing shaped to the intraday profile"

    def apply_to_plan(self, s: SchedulingSettings, scenario: Any, draft: PlanDraft) -> None:
        draft.finalizers.append(_shaped)


def _shaped(plan: EnginePlan, scenario: Any) -> EnginePlan:
    return dataclasses.replace(plan, staffing=shape_staffing(scenario, plan))


def _group_factor(plan: EnginePlan, g: int, k: int) -> float:
    for kk, _delay, factor, _tier in plan.group_skills[g]:
        if kk == k:
            return factor
    return 1.0


def shape_staffing(scenario: Any, plan: EnginePlan) -> np.ndarray:
    """The plan's staffing with each group's agent-intervals re-placed over the day."""
    mat = plan.staffing
    L = plan.interval_seconds
    target = scenario.service_target.answer_within_seconds
    load = offered_load(plan)
    owners = type_owners(scenario) > 0
    hours = mat.sum(axis=1).astype(float)
    out = np.zeros_like(mat)
    for gi in range(mat.shape[0]):
        budget = int(mat[gi].sum())
        per_interval = np.zeros(load.shape[1])
        work = patience_w = weight = 0.0
        finite = True
        for k, tp in enumerate(plan.types):
            carriers = np.flatnonzero(owners[k])
            if gi not in carriers:
                continue
            tot = hours[carriers].sum()
            frac = hours[gi] / tot if tot > 0 else 1.0 / len(carriers)
            part = load[k] * frac
            per_interval += part
            vol = part.sum()
            work += vol * expected_handle_seconds(plan, k, _group_factor(plan, gi, k))
            weight += vol
            if tp.patience is None:
                finite = False
            else:
                patience_w += vol * tp.patience.mean
        if weight <= 0:
            # A group with no load of its own: spread its hours like the total arrivals.
            per_interval = load.sum(axis=0)
            weight = per_interval.sum()
            work = sum(load[k].sum() * expected_handle_seconds(plan, k) for k in range(len(plan.types)))
            finite = False
        aht = work / weight if weight > 0 else 300.0
        patience = patience_w / weight if finite and weight > 0 else math.inf
        out[gi] = _shape_group(per_interval * 3600.0 / L, aht, target, scenario.service_target.fraction, budget, patience)
    return out


def _shape_group(
    per_hour: np.ndarray, aht: float, target: float, fraction: float, budget: int, patience: float
) -> np.ndarray:
    """Place ``budget`` agent-intervals over intervals with ``per_hour`` calls.

    1. Each interval's requirement: the fewest agents meeting the service target (Erlang C, fast
       and closed-form; patience only makes it a little conservative).
    2. The budget is split in proportion to the requirements (largest remainders, so the total
       is exact; at least one agent wherever calls arrive, when the budget allows).
    3. Local improvement: move one agent from the interval where it answers the fewest calls
       within target to where it answers the most, while that gains calls and the donor stays
       stable (Erlang C says nothing useful about overloaded intervals).
    """
    n = len(per_hour)
    if budget <= 0 or per_hour.sum() <= 0:
        base = np.full(n, budget // n, dtype=np.int64)
        base[: budget - int(base.sum())] += 1
        return base
    loads = per_hour * aht / 3600.0
    req = np.array([required_agents(x, aht, target, fraction) if x > 0 else 0 for x in per_hour], dtype=float)
    raw = budget * req / req.sum()
    alloc = np.floor(raw).astype(np.int64)
    if budget >= int((per_hour > 0).sum()):
        alloc = np.maximum(alloc, (per_hour > 0).astype(np.int64))
    while alloc.sum() > budget:  # the floor-of-one may overshoot: take from the richest
        alloc[int(np.argmax(alloc - raw))] -= 1
    order = np.argsort(-(raw - alloc), kind="stable")
    for i in order[: budget - int(alloc.sum())]:
        alloc[i] += 1

    def good(i: int, m: int) -> float:
        if per_hour[i] <= 0 or m <= loads[i]:
            return 0.0
        return per_hour[i] * erlang_c_metrics(per_hour[i], aht, m, target).service_level

    for _ in range(4 * n):
        gain = np.array([good(i, alloc[i] + 1) - good(i, alloc[i]) for i in range(n)])
        loss = np.array(
            [good(i, alloc[i]) - good(i, alloc[i] - 1) if alloc[i] - 1 > loads[i] and alloc[i] > 1 else np.inf
             for i in range(n)]
        )
        j, i = int(np.argmax(gain)), int(np.argmin(loss))
        if i == j or not gain[j] > loss[i] + 1e-9:
            break
        alloc[j] += 1
        alloc[i] -= 1
    return alloc
