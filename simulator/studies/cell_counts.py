"""What a staffing does, cell by cell: one staffing matrix simulated on chosen replications, and
the service level and abandonment of each (group, interval) cell with their standard errors.

The optimizer searches on replications of its own (indices from :data:`SEARCH_REPLICATION_BASE`,
a part of the seed tree no reported run uses) and reports on the usual ones (0, 1, ...), so that
what it reports is not biased by what it chose.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from scipy.special import stdtrit

from simulator.analysis.kpis import interval_of_day
from simulator.engine.callcenter import simulate_replication
from simulator.engine.records import ABANDONED, is_answered
from simulator.model.load import weekday_offered_load
from simulator.model.plan import EnginePlan
from simulator.model.streams import replication_streams

SEARCH_REPLICATION_BASE = 1_000_000


@dataclass(frozen=True)
class DayClasses:
    """Days of the horizon that get one staffing: the optimizer staffs each class once.

    Without a weekly pattern one class holds every day. With one, the open weekdays in the horizon
    with the same expected load (``model.load.weekday_offered_load``: the same weight, and the same
    repeats carried over from the days before) form a class, in the horizon's order. Closed days
    belong to none (class -1): nobody is on the phones.
    """

    of_day: np.ndarray  # (days,) class of each day of the horizon, -1 when closed
    weekdays: tuple[tuple[int, ...], ...]  # per class, the weekdays (0 = Monday) it staffs

    @property
    def count(self) -> int:
        return len(self.weekdays)

    def days_in(self) -> np.ndarray:
        """Days of the horizon in each class."""
        return np.bincount(self.of_day[self.of_day >= 0], minlength=self.count)

    def staffing(self, plan: EnginePlan, matrix: np.ndarray) -> np.ndarray:
        """The plan's staffing for a matrix of agents per (group, class x interval): per interval of a
        day when one class covers every day, else per weekday (7, groups, intervals)."""
        matrix = np.asarray(matrix, dtype=np.int64)
        n = plan.intervals_per_day
        if plan.week_weights is None or (self.count == 1 and plan.open_pattern is None):
            return matrix
        out = np.zeros((7, matrix.shape[0], n), dtype=np.int64)
        for c, weekdays in enumerate(self.weekdays):
            out[list(weekdays)] = matrix[:, c * n:(c + 1) * n]
        return out


def day_classes(plan: EnginePlan) -> DayClasses:
    """The plan's classes of days (see ``DayClasses``)."""
    if plan.week_weights is None:
        return DayClasses(np.zeros(plan.days, dtype=np.int64), (tuple(range(7)),))
    weights = plan.day_weights()
    load = weekday_offered_load(plan)
    classes: list[list[int]] = []
    for wd in dict.fromkeys(plan.weekday(int(d)) for d in np.flatnonzero(weights > 0)):
        same = [c for c in classes if np.allclose(load[:, c[0]], load[:, wd], rtol=1e-9, atol=1e-9)]
        if same:
            same[0].append(wd)
        else:
            classes.append([wd])
    of_weekday = {wd: c for c, members in enumerate(classes) for wd in members}
    of_day = np.array([of_weekday[plan.weekday(d)] if weights[d] > 0 else -1 for d in range(plan.days)], dtype=np.int64)
    return DayClasses(of_day, tuple(tuple(members) for members in classes))


def cell_counts(plan: EnginePlan, seed: int, replication: int, classes: DayClasses | None = None) -> np.ndarray:
    """Per (type, class x interval), summed over the class's days: offered, answered within target,
    abandoned (``classes`` default: ``day_classes(plan)``).

    Every contact counts, warm-up included: the optimizer staffs the first interval like the others.
    """
    classes = classes or day_classes(plan)
    rec = simulate_replication(plan, replication_streams(seed, replication))
    n_int, K = plan.intervals_per_day * classes.count, len(plan.types)
    off = ~np.isnan(rec.queue_s)
    day, j = interval_of_day(rec.queue_s[off], plan)
    c = classes.of_day[np.clip(day, 0, plan.days - 1)]
    cell = rec.ctype[off].astype(np.int64) * n_int + c * plan.intervals_per_day + j
    outcome = rec.outcome[off]
    within = is_answered(outcome) & (rec.wait_s[off] <= plan.target_seconds)
    if (c < 0).any():  # a closed day has no calls, whatever comes back drains after a close
        keep = c >= 0
        cell, outcome, within = cell[keep], outcome[keep], within[keep]
    size = K * n_int
    out = np.zeros((3, K, n_int))
    out[0] = np.bincount(cell, minlength=size).reshape(K, n_int)
    out[1] = np.bincount(cell, weights=within, minlength=size).reshape(K, n_int)
    out[2] = np.bincount(cell, weights=outcome == ABANDONED, minlength=size).reshape(K, n_int)
    return out


def _job(args: tuple[EnginePlan, int, int, DayClasses]) -> np.ndarray:
    return cell_counts(*args)


@dataclass(frozen=True)
class CellView:
    """Per (group, interval), over replications: offered calls per replication-day, service level
    and abandonment (ratio estimates with standard errors and 95% intervals), and each group's
    whole-day service level interval per class of days."""

    offered_mean: np.ndarray
    sl_mean: np.ndarray
    sl_se: np.ndarray
    sl_low: np.ndarray
    sl_high: np.ndarray
    ab_mean: np.ndarray
    ab_se: np.ndarray
    ab_low: np.ndarray
    day_sl_high: np.ndarray
    replications: int
    # Offered calls per replication-day with a shared type split among its owners, as the analytic
    # cells split it (``offered_mean`` counts a shared type fully for each owner, as service is judged).
    offered_share_mean: np.ndarray | None = None


def _ratio(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ratio estimate sum(num)/sum(den) over replications (axis 0), its standard error (delta
    method) and 95% t interval clipped to [0, 1]."""
    R = num.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = num.sum(axis=0) / den.sum(axis=0)
        if R > 1:
            resid = num - p * den
            se = np.sqrt((resid**2).sum(axis=0) / (R * (R - 1))) / den.mean(axis=0)
            half = stdtrit(R - 1, 0.975) * se
        else:
            se = half = np.full(p.shape, np.nan)
    return p, se, np.clip(p - half, 0.0, 1.0), np.clip(p + half, 0.0, 1.0)


class CellEvaluator:
    """Simulates staffing matrices of one plan; each group is judged on the contact types it owns.

    With ``executor`` the replications go to that pool (shared with other studies, which keeps its
    workers busy across scenarios; it is left open), else to a pool of ``workers`` processes of its own.
    """

    def __init__(self, plan: EnginePlan, owners: np.ndarray, seed: int, workers: int, classes: DayClasses | None = None,
                 executor: Executor | None = None) -> None:
        self.plan, self.seed = plan, seed
        self.classes = classes or day_classes(plan)
        self.own = (owners > 0).astype(float)  # a shared type counts fully for each owner
        self.share = owners  # ... and its load is split among them
        self.owned = executor is None and workers > 1
        self.pool = executor or (ProcessPoolExecutor(max_workers=workers) if workers > 1 else None)

    def __call__(self, staffing: np.ndarray, replications: Iterable[int]) -> CellView:
        plan = dataclasses.replace(self.plan, staffing=self.classes.staffing(self.plan, staffing))
        jobs = [(plan, self.seed, r, self.classes) for r in replications]
        per_rep = np.array(list(self.pool.map(_job, jobs)) if self.pool else [_job(j) for j in jobs])
        own = self.own.T
        offered = np.einsum("gk,rkn->rgn", own, per_rep[:, 0])
        within = np.einsum("gk,rkn->rgn", own, per_rep[:, 1])
        abandoned = np.einsum("gk,rkn->rgn", own, per_rep[:, 2])
        sl, sl_se, sl_low, sl_high = _ratio(within, offered)
        ab, ab_se, ab_low, _ = _ratio(abandoned, offered)
        C = self.classes.count
        by_class = (*offered.shape[:2], C, -1)  # a day per class: (replications, groups, classes, intervals)
        _, _, _, day_high = _ratio(within.reshape(by_class).sum(axis=3), offered.reshape(by_class).sum(axis=3))
        share = np.einsum("gk,rkn->rgn", self.share.T, per_rep[:, 0])
        days = plan.days if C == 1 and plan.open_pattern is None else np.repeat(np.maximum(self.classes.days_in(), 1),
                                                                                 plan.intervals_per_day)
        return CellView(offered.mean(axis=0) / days, sl, sl_se, sl_low, sl_high, ab, ab_se, ab_low, day_high, len(jobs),
                        share.mean(axis=0) / days)

    def close(self) -> None:
        if self.owned:
            self.pool.shutdown()
