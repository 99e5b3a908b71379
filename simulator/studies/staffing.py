"""The staffing optimizer: the fewest agents per interval and group that meet the service targets,
found by simulation without following its noise (README "Staffing").

1. **Analytic requirement.** Each (group, interval) cell gets the fewest agents that Erlang A says
   meet the targets (service level, optional abandonment and occupancy ceilings) for the plan's
   expected offered load, handle time and patience (``model.load``; the groups that own a type
   carry its load).
2. **Simulation corrects the model where it is wrong, never where it is only noisy.** The staffing
   is simulated on *search* replications of their own (their seeds never serve a reported figure;
   the same ones at every step: common random numbers). In each cell the simulated service level
   is compared with Erlang's prediction for the same staffing; the difference is kept only beyond
   two standard errors across replications (a soft threshold), so a lucky or unlucky cell is
   taken for what Erlang says, and a cell the model misjudges (a queue carried over from a busy
   interval, redials, callbacks, overflow, non-exponential times) is corrected. The requirement is
   recomputed with those corrections, until the staffing repeats.
3. **Per day** (``service_target.per: day``): from the per-interval plan, agents are removed one at
   a time where they answer the fewest calls within target, while the day's service level (calls
   weighted) stays on target.
4. **Fresh evaluation.** The plan is then simulated on the replications a ``ccsim run`` uses, and
   what is reported (service level per cell with its interval, ``met``) comes from those, free of
   the search's optimisation bias.
"""

from __future__ import annotations

import dataclasses
import math
import os
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from simulator.model.build import build_plan
from simulator.model.load import type_owners
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario, ServiceTarget
from simulator.model.shifts import WEEKDAYS
from simulator.studies.cell_counts import SEARCH_REPLICATION_BASE, CellEvaluator, DayClasses, day_classes
from simulator.studies.staffing_cells import Cells, analytic_cells, requirement

NOISE_SE = 2.0  # corrections smaller than this many standard errors are taken for noise


@dataclass
class StaffingResult:
    """The optimizer's answer.

    Attributes:
        scenario: a copy of the input whose groups' staffing are integer lists per interval (with a
            staffing per weekday, the most agents any day has in the interval: ``plan`` holds each day's).
        table: one row per interval and group: day (only with ``arrivals.day_weights``: the weekday,
            or a run of weekdays with the same weight, staffed alike), interval_start ("HH:MM"), group, agents,
            service_level, abandonment_rate (fresh replications, the group's own contact types),
            erlang_agents (the analytic requirement before any simulation), service_level_low and
            service_level_high (95% interval of the cell's service level over replications).
        matrix: agents per (group, interval) as an int array, or per (weekday, group, interval) when the
            weekdays differ (``EnginePlan.staffing``).
        plan: the engine plan with exactly this staffing (the scheduling lever does not reshape it).
        met: whether every cell (per interval) or every day (per day) met the target on the fresh
            replications, within sampling error (None when the caller asked for no evaluation).
        iterations: simulations run during the search.
        corrections: what the search learnt about Erlang's errors (None without a search run): the
            corrections of service level and abandonment per cell from the last run, and each
            group's simulated-over-expected volume; the start of a similar scenario's search
            (``optimize_staffing``'s ``start``).
    """

    scenario: Scenario
    table: pd.DataFrame
    matrix: np.ndarray
    plan: EnginePlan
    met: bool | None
    iterations: int
    corrections: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _soft_threshold(diff: np.ndarray, se: np.ndarray) -> np.ndarray:
    """The part of a simulated-minus-predicted difference beyond ``NOISE_SE`` standard errors."""
    d = np.nan_to_num(diff)
    margin = NOISE_SE * np.nan_to_num(se, nan=np.inf)
    return np.sign(d) * np.maximum(0.0, np.abs(d) - margin)


# ---------------------------------------------------------------- the optimizer
def optimize_staffing(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
    max_iterations: int = 4,
    days: int | None = None,
    evaluate: bool = True,
    start: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    executor: Executor | None = None,
) -> StaffingResult:
    """Find the fewest agents per interval and group that meet the scenario's service targets.

    Args:
        scenario: any valid scenario; ``staffing`` of its groups is ignored.
        replications: replications of the search and of the final evaluation each (default:
            enough for ~20 simulated days, between 4 and 20).
        seed: the seed (default: the scenario's). Search replications use their own indices.
        workers: processes for the replications of an evaluation (None: all cores).
        progress: called with 1 after each simulation.
        max_iterations: search simulations at most.
        days: simulate this many days per replication instead of the horizon's (faster, coarser; at least a
            week with `arrivals.day_weights`).
        evaluate: simulate the final staffing on fresh replications for the table and ``met``.
            A caller that simulates the staffing on its own replications anyway (``compare``)
            passes False: the table's simulated columns are then NaN and ``met`` is None.
        start: corrections of a similar scenario (``StaffingResult.corrections``, e.g. the
            baseline's for a lever scenario) for the first search step instead of none. Only the
            start moves: the search runs until the staffing repeats on this scenario's own
            simulations, as from Erlang's start, usually in fewer runs.
        executor: a process pool to run the replications on (left open), instead of ``workers`` processes.
    """
    seed = scenario.seed if seed is None else seed
    changes: dict[str, object] = {f"agents.groups.{i}.staffing": 1 for i in range(len(scenario.agents.groups))}
    if days is not None:  # a weekly pattern keeps a week, so that every weekday gets its staffing
        week = 7 if scenario.arrivals.day_weights is not None else 1
        changes["horizon.days"] = min(max(week, int(days)), scenario.horizon.days)
    work = scenario.with_changes(changes)
    plan = build_plan(work)
    reps = replications or int(min(20, max(4, math.ceil(20 / work.horizon.days))))
    target = work.service_target
    owners = type_owners(work)
    classes = day_classes(plan)
    cells = analytic_cells(work, plan, classes)
    zero = np.zeros(cells.per_hour.shape)
    analytic = requirement(cells, target, zero, zero)
    steady = _outside_warmup(plan, classes)
    expected = cells.per_hour.sum(axis=1)
    staffing = analytic.copy()
    if start is not None and start[0].shape == analytic.shape:  # the other scenario's volume factor and corrections
        cells = dataclasses.replace(cells, per_hour=cells.per_hour * start[2][:, None])
        staffing = _first_guess(cells, target, classes, plan, (start[0] * steady, start[1] * steady))
    workers = (os.cpu_count() or 1) if workers is None else max(1, workers)
    evaluator = CellEvaluator(plan, owners, seed, workers, classes, executor)
    seen: set[bytes] = set()
    runs = 0
    shifts = None
    try:
        for _ in range(max_iterations):
            seen.add(staffing.tobytes())
            view = evaluator(staffing, range(SEARCH_REPLICATION_BASE, SEARCH_REPLICATION_BASE + reps))
            runs += 1
            if progress:
                progress(1)
            predicted_sl, predicted_ab = _predict(cells, staffing, target)
            if runs == 1:
                cells = _rescaled(cells, view.offered_share_mean, plan)
            if view.replications < 3:  # too few to tell noise from a real difference
                break
            sl_shift = _soft_threshold(view.sl_mean - predicted_sl, view.sl_se) * steady
            ab_shift = _soft_threshold(view.ab_mean - predicted_ab, view.ab_se) * steady
            with np.errstate(invalid="ignore", divide="ignore"):
                volume = np.where(expected > 0, cells.per_hour.sum(axis=1) / expected, 1.0)
            shifts = (sl_shift, ab_shift, volume)
            new = requirement(cells, target, sl_shift, ab_shift)
            if target.per == "day":
                new = _per_class(classes, plan.intervals_per_day, _trim_to_daily_target, cells, target, new, sl_shift,
                                 view.offered_mean)
            settled = np.abs(new - staffing).sum() <= max(1, new.size // 50)  # noise-level drift
            if new.tobytes() in seen or settled:
                staffing = new
                break
            staffing = new
        final = evaluator(staffing, range(reps)) if evaluate else None
        if progress and evaluate:
            progress(1)
    finally:
        evaluator.close()
    met = _met(final, target) if final is not None else None
    return dataclasses.replace(_result(scenario, classes, staffing, final, analytic, met, runs), corrections=shifts)


def _first_guess(cells: Cells, target: ServiceTarget, classes: DayClasses, plan: EnginePlan,
                 shifts: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The requirement with another scenario's corrections (per day: trimmed on the expected calls)."""
    out = requirement(cells, target, *shifts)
    if target.per == "day":
        expected = cells.per_hour * plan.interval_seconds / 3600.0
        out = _per_class(classes, plan.intervals_per_day, _trim_to_daily_target, cells, target, out, shifts[0], expected)
    return out


def _rescaled(cells: Cells, offered_per_day: np.ndarray, plan: EnginePlan) -> Cells:
    """The analytic volumes scaled, group by group, to the day's simulated calls offered.

    A day's total is estimated precisely (thousands of calls) where an interval's service level is
    not; it carries what the expected load leaves out (redials, repeats that fall beyond a short
    horizon). The intraday shape stays analytic, so the per-interval noise is not followed.
    """
    expected = cells.per_hour.sum(axis=1) * plan.interval_seconds / 3600.0
    simulated = np.nan_to_num(offered_per_day).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(expected > 0, simulated / expected, 1.0)
    return dataclasses.replace(cells, per_hour=cells.per_hour * factor[:, None])


def _outside_warmup(plan: EnginePlan, classes: DayClasses) -> np.ndarray:
    """1.0 for intervals after the warm-up, 0.0 for those it overlaps (in the first day's class): the
    user declared the start unrepresentative (an empty center), so those intervals are staffed by
    the steady-state model."""
    n = plan.intervals_per_day
    starts = np.arange(n) * plan.interval_seconds
    mask = np.ones(classes.count * n)
    first = int(classes.of_day[0])
    if first >= 0:
        mask[first * n:(first + 1) * n] = (starts >= plan.warmup_seconds).astype(float)
    return mask[None, :]


def _per_class(classes: DayClasses, n: int, trim: Callable, cells: Cells, target: ServiceTarget, staffing: np.ndarray,
               sl_shift: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """``trim`` applied to each class of days on its own (each day meets its own target)."""
    out = staffing.copy()
    for c in range(classes.count):
        cols = slice(c * n, (c + 1) * n)
        part = Cells(cells.per_hour[:, cols], cells.aht[:, cols], cells.patience[:, cols])
        out[:, cols] = trim(part, target, staffing[:, cols], sl_shift[:, cols], offered[:, cols])
    return out


def _predict(cells: Cells, staffing: np.ndarray, target: ServiceTarget) -> tuple[np.ndarray, np.ndarray]:
    G, n = staffing.shape
    sl, ab = np.full((G, n), np.nan), np.full((G, n), np.nan)
    for g in range(G):
        for i in range(n):
            if cells.per_hour[g, i] > 0:
                q = cells.metrics(g, i, int(staffing[g, i]), target)
                sl[g, i], ab[g, i] = q.service_level, q.abandonment
    return sl, ab


def _trim_to_daily_target(
    cells: Cells, target: ServiceTarget, staffing: np.ndarray, sl_shift: np.ndarray, offered: np.ndarray
) -> np.ndarray:
    """Remove agents where they answer the fewest calls within target while each group's day
    (calls weighted, corrected predictions) stays on target (marginal analysis)."""
    out = staffing.copy()
    weight = np.where(np.isnan(offered), 0.0, offered)

    def within(g: int, i: int, m: int) -> float:
        if m <= 0:
            return 0.0
        return weight[g, i] * min(1.0, max(0.0, cells.metrics(g, i, m, target).service_level + sl_shift[g, i]))

    for g in range(out.shape[0]):
        total = weight[g].sum()
        if total <= 0:
            continue
        current = [within(g, i, int(out[g, i])) for i in range(out.shape[1])]
        while True:
            best, loss_best = -1, math.inf
            for i in range(out.shape[1]):
                m = int(out[g, i])
                if m <= 1:
                    continue
                erlangs = cells.per_hour[g, i] * cells.aht[g, i] / 3600.0
                if m - 1 <= erlangs or (target.max_occupancy is not None and erlangs / (m - 1) > target.max_occupancy):
                    continue
                loss = current[i] - within(g, i, m - 1)
                if loss < loss_best:
                    best, loss_best = i, loss
            if best < 0 or (sum(current) - loss_best) / total < target.fraction:
                break
            out[g, best] -= 1
            current[best] -= loss_best
    return out


def _met(view, target: ServiceTarget) -> bool:  # noqa: ANN001 - cell_counts.CellView
    """Every cell (or every group's day) meets the target within sampling error.

    With many cells some 95% intervals miss by chance alone, so each cell's interval is widened
    to hold for all cells at once (Bonferroni): a miss then says the staffing, not the luck, fell short.
    """
    if target.per == "day":
        return bool(np.all(view.day_sl_high >= target.fraction))
    cells = max(1, int(np.isfinite(view.sl_se).sum()))
    reps = view.replications
    z = float(stdtrit(reps - 1, 1 - 0.025 / cells)) if reps > 1 else math.inf
    reach = view.sl_mean + z * np.nan_to_num(view.sl_se, nan=np.inf)
    ok = np.isnan(view.sl_mean) | (reach >= target.fraction) | (view.offered_mean < 1)
    if target.max_abandonment is not None:
        ok &= np.isnan(view.ab_low) | (view.ab_low <= target.max_abandonment)
    return bool(ok.all())


def _result(
    scenario: Scenario, classes: DayClasses, staffing: np.ndarray, view, analytic: np.ndarray,  # noqa: ANN001
    met: bool | None, runs: int
) -> StaffingResult:
    def cell(name: str, gi: int, i: int) -> float:
        return float(getattr(view, name)[gi, i]) if view is not None else math.nan

    h = scenario.horizon
    n = h.intervals_per_day
    # The file's staffing is one list per group: with a staffing per weekday it says the most any day has.
    day_max = staffing.reshape(staffing.shape[0], classes.count, n).max(axis=1)
    out = scenario.with_changes({f"agents.groups.{gi}.staffing": [int(x) for x in row] for gi, row in enumerate(day_max)})
    base = build_plan(out)
    matrix = classes.staffing(base, staffing)
    plan = dataclasses.replace(base, staffing=matrix)
    weekly = scenario.arrivals.day_weights is not None
    rows = []
    for c, weekdays in enumerate(classes.weekdays):
        for i in range(n):
            s = h.open_seconds + i * h.interval_minutes * 60
            start = f"{(s // 3600) % 24:02d}:{(s % 3600) // 60:02d}"
            for gi, g in enumerate(scenario.agents.groups):
                col = c * n + i
                rows.append({
                    **({"day": weekday_label(weekdays)} if weekly else {}),
                    "interval_start": start,
                    "group": g.name,
                    "agents": int(staffing[gi, col]),
                    "service_level": cell("sl_mean", gi, col),
                    "abandonment_rate": cell("ab_mean", gi, col),
                    "erlang_agents": int(analytic[gi, col]),
                    "service_level_low": cell("sl_low", gi, col),
                    "service_level_high": cell("sl_high", gi, col),
                })
    return StaffingResult(out, pd.DataFrame(rows), matrix, plan, met, runs)


def weekday_label(weekdays: tuple[int, ...]) -> str:
    """"mon", or "mon-sat" for a run of weekdays staffed alike, else "mon, wed"."""
    names = [WEEKDAYS[d] for d in sorted(weekdays)]
    if len(names) > 2 and sorted(weekdays)[-1] - sorted(weekdays)[0] == len(names) - 1:
        return f"{names[0]}-{names[-1]}"
    return ", ".join(names)


__all__ = ["StaffingResult", "optimize_staffing", "analytic_cells", "requirement"]
