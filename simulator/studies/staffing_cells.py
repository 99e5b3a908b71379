"""The analytic model behind the staffing optimizer: each (group, interval) cell's load, handle time
and patience, and the fewest agents Erlang A says meet the targets (with the simulation's corrections)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.core.erlang import erlang_a_metrics
from simulator.model.load import expected_handle_seconds, offered_load, patience_seconds, type_owners, weekday_offered_load
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario, ServiceTarget
from simulator.studies.cell_counts import DayClasses, day_classes

_MAX_AGENTS = 100_000


# ---------------------------------------------------------------- the analytic model of a cell
@dataclass(frozen=True)
class Cells:
    """Per (group, interval): arrivals per hour, mean handle seconds and mean patience."""

    per_hour: np.ndarray
    aht: np.ndarray
    patience: np.ndarray

    def metrics(self, g: int, i: int, agents: int, target: ServiceTarget):  # noqa: ANN201 - erlang.QueueMetrics
        return erlang_a_metrics(self.per_hour[g, i], self.aht[g, i], agents, target.answer_within_seconds, self.patience[g, i])


def analytic_cells(scenario: Scenario, plan: EnginePlan, classes: DayClasses | None = None) -> Cells:
    """Each group's share of the expected offered load, its handle time and its patience, per
    interval of each class of days (``classes``, default ``day_classes(plan)``), class after class."""
    owners = type_owners(scenario)
    load = class_load(plan, classes or day_classes(plan))  # (types, intervals): calls per interval
    per_hour = owners.T @ load * 3600.0 / plan.interval_seconds
    handle = np.array([expected_handle_seconds(plan, k) for k in range(len(plan.types))])
    patience = np.array([patience_seconds(t) for t in plan.types])
    G, n = per_hour.shape
    aht = np.full((G, n), float(np.mean(handle)))
    pat = np.full((G, n), math.inf)
    for g in range(G):
        for i in range(n):
            w = owners[:, g] * load[:, i]
            if w.sum() <= 0:
                continue
            aht[g, i] = float((w * handle).sum() / w.sum())
            finite = np.isfinite(patience)
            if finite.any() and w[~finite].sum() <= 0.5 * w.sum():
                pat[g, i] = float((w[finite] * patience[finite]).sum() / w[finite].sum())
    return Cells(per_hour, aht, pat)


def class_load(plan: EnginePlan, classes: DayClasses) -> np.ndarray:
    """Expected calls offered per (type, class x interval): one day of each class of days."""
    if plan.week_weights is None:
        return offered_load(plan)
    if len({w for w in plan.week_weights if w > 0}) == 1:  # every open day alike: the steady day at their weight
        return offered_load(plan) * plan.week_weights[classes.weekdays[0][0]]
    week = weekday_offered_load(plan)
    return np.concatenate([week[:, weekdays[0]] for weekdays in classes.weekdays], axis=1)


def requirement(cells: Cells, target: ServiceTarget, sl_shift: np.ndarray, ab_shift: np.ndarray) -> np.ndarray:
    """Fewest agents per cell whose Erlang prediction, corrected by the shifts, meets every target."""
    G, n = cells.per_hour.shape
    out = np.zeros((G, n), dtype=np.int64)
    for g in range(G):
        for i in range(n):
            lam = cells.per_hour[g, i]
            if lam <= 0:
                continue
            erlangs = lam * cells.aht[g, i] / 3600.0
            m = max(1, int(math.floor(erlangs)))
            if target.max_occupancy is not None:
                m = max(m, int(math.ceil(erlangs / target.max_occupancy - 1e-9)))
            # A correction can ask more than any staffing gives (a service level above 1): stop where
            # more agents no longer change the prediction.
            ceiling = min(_MAX_AGENTS, int(2 * erlangs) + 50)
            while m < ceiling:
                q = cells.metrics(g, i, m, target)
                ok = q.service_level + sl_shift[g, i] >= target.fraction
                if target.max_abandonment is not None:
                    ok &= q.abandonment + ab_shift[g, i] <= target.max_abandonment
                if ok:
                    break
                m += 1
            out[g, i] = m
    return out


__all__ = ["Cells", "analytic_cells", "class_load", "requirement"]
