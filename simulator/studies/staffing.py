"""The staffing optimizer: the fewest agents per interval and group that meet the service target.

Method (documented in docs/compare.md, "Staffing"):

1. **Erlang A start.** Each contact type is owned by the groups ``model.load.type_owners`` names
   (the same rule the scheduling lever uses). A group's load in an interval is its owned types'
   expected offered calls (``model.load.offered_load``: deflection by self-service, the AI
   assistant and the IVR, repeats smeared by their delay, leaked automation); ``erlang.required_agents``
   gives the agents for the target (and the abandonment ceiling).
2. **Simulation and local adjustment.** The scenario is simulated with a few replications and one
   seed (common random numbers make successive runs comparable), and each (group, interval) cell
   is judged on the calls of the types it owns, averaged over days and replications. After the
   first run the Erlang A estimate is recomputed from the *simulated* offered calls and handle
   times of each cell. Then, for a few rounds: cells that miss the service level or the
   abandonment ceiling get agents (as many as Erlang A says close the gap, at least one); when
   every cell meets, cells whose Erlang-predicted service level without one agent still meets are
   trimmed by as many agents (up to three). A cell that missed after a trim is never trimmed again, so the search ends.
3. The cheapest staffing that met everywhere in a simulation is kept.

Multi-day horizons are judged on the per-interval average over days (one staffing for every day).
"""

from __future__ import annotations

import dataclasses
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from simulator.engine.callcenter import simulate_replication
from simulator.core.erlang import erlang_a_metrics, required_agents
from simulator.analysis.kpis import interval_of_day, measured
from simulator.model.build import build_plan
from simulator.model.plan import EnginePlan
from simulator.engine.records import ABANDONED, is_answered
from simulator.model.load import expected_handle_seconds, offered_load, patience_seconds, type_owners
from simulator.model.scenario import Scenario
from simulator.model.streams import replication_streams

# Cells with fewer offered calls than this (summed over days and replications) are too noisy to
# judge by their own service level; they only need an agent when calls arrive.
_MIN_CALLS = 5
_TRIM_MARGIN = 0.005  # a trim must keep the predicted service level this far above the target


@dataclass
class StaffingResult:
    """The optimizer's answer.

    Attributes:
        scenario: a copy of the input whose groups' staffing are integer lists per interval.
        table: one row per interval and group: interval_start ("HH:MM"), group, agents,
            service_level, abandonment_rate (simulated, the group's own contact types),
            erlang_agents (the analytic Erlang A starting point).
        matrix: agents per (group, interval) as an int array.
        plan: the engine plan with exactly this staffing (the scheduling lever does not reshape it).
        met: whether every cell met the target in the final simulation.
        iterations: simulations run.
    """

    scenario: Scenario
    table: pd.DataFrame
    matrix: np.ndarray
    plan: EnginePlan
    met: bool
    iterations: int


# ---------------------------------------------------------------- the analytic start
def erlang_start(scenario: Scenario, plan: EnginePlan) -> np.ndarray:
    """Erlang A agents per (group, interval) from the plan's expected offered load."""
    offered = offered_load(plan)
    handle = np.array([expected_handle_seconds(plan, k) for k in range(len(plan.types))])
    return _erlang_cells(scenario, plan, type_owners(scenario), offered, offered * handle[:, None], 1.0)


def _erlang_cells(
    scenario: Scenario, plan: EnginePlan, owners: np.ndarray, offered: np.ndarray, handle_sum: np.ndarray, samples: float
) -> np.ndarray:
    """Erlang A agents per cell from offered calls and handle seconds per (type, interval)."""
    st = scenario.service_target
    L = plan.interval_seconds
    G, n_int = owners.shape[1], offered.shape[1]
    patience = np.array([patience_seconds(tp) for tp in plan.types])
    out = np.zeros((G, n_int), dtype=np.int64)
    for g in range(G):
        calls = owners[:, g][:, None] * offered / samples  # per interval, this group's share
        hsum = owners[:, g][:, None] * handle_sum / samples
        for i in range(n_int):
            lam = float(calls[:, i].sum())
            if lam <= 0:
                continue
            aht = float(hsum[:, i].sum()) / lam
            w = calls[:, i] / lam
            finite = np.isfinite(patience)
            pat = math.inf if not finite.any() or w[~finite].sum() > 0.5 else float((w * np.where(finite, patience, 0)).sum() / w[finite].sum())
            out[g, i] = required_agents(lam * 3600.0 / L, max(aht, 1e-6), st.answer_within_seconds, st.fraction, pat, st.max_abandonment)
    return out


# ---------------------------------------------------------------- simulation of one staffing
def _cell_counts(args: tuple[EnginePlan, int, int]) -> np.ndarray:
    """Per (type, interval), summed over days: offered, within target, abandoned, answered, handle s."""
    plan, seed, rep = args
    rec = measured(simulate_replication(plan, replication_streams(seed, rep)), plan)
    n_int, K = plan.intervals_per_day, len(plan.types)
    off = ~np.isnan(rec.queue_s)
    _, j = interval_of_day(rec.queue_s[off], plan)
    cell = rec.ctype[off].astype(np.int64) * n_int + j
    out = rec.outcome[off]
    answered = is_answered(out)
    within = answered & (rec.wait_s[off] <= plan.target_seconds)
    size = K * n_int
    res = np.zeros((5, K, n_int))
    res[0] = np.bincount(cell, minlength=size).reshape(K, n_int)
    res[1] = np.bincount(cell, weights=within, minlength=size).reshape(K, n_int)
    res[2] = np.bincount(cell, weights=out == ABANDONED, minlength=size).reshape(K, n_int)
    res[3] = np.bincount(cell, weights=answered, minlength=size).reshape(K, n_int)
    res[4] = np.bincount(cell, weights=np.where(answered, np.nan_to_num(rec.handle_s[off]), 0.0), minlength=size).reshape(K, n_int)
    return res


class _Evaluator:
    """Simulates a staffing matrix with fixed seed and replications (a process pool if asked)."""

    def __init__(self, plan: EnginePlan, seed: int, replications: int, workers: int) -> None:
        self.plan, self.seed, self.replications = plan, seed, replications
        self.pool = ProcessPoolExecutor(max_workers=min(workers, replications)) if workers > 1 and replications > 1 else None
        self.runs = 0

    def __call__(self, staffing: np.ndarray) -> np.ndarray:
        plan = dataclasses.replace(self.plan, staffing=np.asarray(staffing, dtype=np.int64))
        jobs = [(plan, self.seed, r) for r in range(self.replications)]
        results = list(self.pool.map(_cell_counts, jobs)) if self.pool else [_cell_counts(j) for j in jobs]
        self.runs += 1
        return np.sum(results, axis=0)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _group_view(counts: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offered calls, service level and abandonment per (group, interval) over owned types."""
    own = (owners > 0).astype(float)  # a shared type counts fully for each owner's judgement
    offered = own.T @ counts[0]
    within = own.T @ counts[1]
    aband = own.T @ counts[2]
    with np.errstate(invalid="ignore", divide="ignore"):
        sl = np.where(offered > 0, within / np.maximum(offered, 1), np.nan)
        ab = np.where(offered > 0, aband / np.maximum(offered, 1), np.nan)
    return offered, sl, ab


def _meets(scenario: Scenario, offered: np.ndarray, sl: np.ndarray, ab: np.ndarray, staffing: np.ndarray) -> np.ndarray:
    st = scenario.service_target
    ok = np.isnan(sl) | (sl >= st.fraction)
    if st.max_abandonment is not None:
        ok &= np.isnan(ab) | (ab <= st.max_abandonment)
    thin = offered < _MIN_CALLS
    return np.where(thin, (offered == 0) | (staffing > 0), ok)


# ---------------------------------------------------------------- the optimizer
def optimize_staffing(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
    max_iterations: int = 10,
    days: int | None = None,
) -> StaffingResult:
    """Find the fewest agents per interval and group that meet the scenario's service target.

    Args:
        scenario: any valid scenario; ``staffing`` of its groups is ignored (a placeholder is used).
        replications: simulated replications per evaluation (default: enough for ~20 simulated
            days, between 3 and 20).
        seed: the seed of every evaluation (default: the scenario's).
        workers: processes for the replications of an evaluation.
        progress: called with 1 after each evaluation.
        max_iterations: simulations at most.
        days: simulate this many days per replication instead of the horizon's (faster, coarser).
    """
    seed = scenario.seed if seed is None else seed
    placeholder = {f"agents.groups.{i}.staffing": 1 for i in range(len(scenario.agents.groups))}  # so a plan builds
    if days is not None:
        placeholder["horizon.days"] = max(1, min(int(days), scenario.horizon.days))
    work = scenario.with_changes(placeholder)
    plan = build_plan(work)
    sim_days = work.horizon.days
    # Interval service levels are noisy (queues are autocorrelated): judge on ~20 simulated days.
    reps = replications or int(min(20, max(3, math.ceil(20 / sim_days))))
    owners = type_owners(work)
    erl0 = erlang_start(work, plan)
    staffing = erl0.copy()
    evaluate = _Evaluator(plan, seed, reps, 1 if workers is None else max(1, workers))
    locked = np.zeros_like(staffing, dtype=bool)
    best: tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    last_trim = np.zeros_like(locked)
    samples = float(reps * sim_days)
    erl = erl0
    try:
        for it in range(max_iterations):
            counts = evaluate(staffing)
            if progress:
                progress(1)
            offered, sl, ab = _group_view(counts, owners)
            ok = _meets(work, offered, sl, ab, staffing)
            if it == 0:
                # Re-estimate the analytic requirement from the simulated volumes and handle times.
                erl = _erlang_cells(work, plan, owners, counts[0], np.where(counts[3] > 0, counts[4] / np.maximum(counts[3], 1) * counts[0], 0.0), samples)
            if ok.all():
                total = int(staffing.sum())
                if best is None or total <= best[0]:
                    best = (total, staffing.copy(), sl.copy(), ab.copy(), offered.copy())
                trim = _trim_candidates(work, plan, owners, counts, staffing, sl, ab, locked, samples)
                if not trim.any():
                    break
                staffing = staffing - trim
                last_trim = trim
            elif last_trim.any():
                staffing = staffing + _undo_trims(~ok, last_trim, locked)
                last_trim = np.zeros_like(locked)
            else:
                staffing = staffing + _additions(work, plan, owners, counts, staffing, sl, ab, ok, samples, erl if it == 0 else None)
        if best is None:  # never met in the budget: keep adding until it does
            for _ in range(6):
                counts = evaluate(staffing)
                offered, sl, ab = _group_view(counts, owners)
                ok = _meets(work, offered, sl, ab, staffing)
                if ok.all():
                    best = (int(staffing.sum()), staffing.copy(), sl.copy(), ab.copy(), offered.copy())
                    break
                staffing = staffing + _additions(work, plan, owners, counts, staffing, sl, ab, ok, samples, None)
        met = best is not None
        if best is None:
            best = (int(staffing.sum()), staffing.copy(), sl, ab, offered)
    finally:
        evaluate.close()
    _, final, sl, ab, offered = best
    return _result(scenario, final, sl, ab, erl0, met, evaluate.runs)


def _cell_handle(plan: EnginePlan, owners: np.ndarray, counts: np.ndarray, samples: float, g: int, i: int) -> tuple[float, float, float]:
    """Arrivals per hour, AHT and patience of one cell, from simulated counts."""
    L = plan.interval_seconds
    w = owners[:, g]
    calls = float((w * counts[0][:, i]).sum()) / samples
    ans = float((w * counts[3][:, i]).sum())
    aht = float((w * counts[4][:, i]).sum()) / ans if ans > 0 else float(np.mean([expected_handle_seconds(plan, k) for k in range(len(plan.types))]))
    pats = np.array([patience_seconds(t) for t in plan.types])
    wk = w * counts[0][:, i]
    fin = np.isfinite(pats)
    if wk.sum() <= 0 or not fin.any() or wk[~fin].sum() > 0.5 * wk.sum():
        pat = math.inf
    else:
        pat = float((wk[fin] * pats[fin]).sum() / wk[fin].sum())
    return calls * 3600.0 / L, max(aht, 1e-6), pat


def _additions(
    scenario: Scenario, plan: EnginePlan, owners: np.ndarray, counts: np.ndarray, staffing: np.ndarray,
    sl: np.ndarray, ab: np.ndarray, ok: np.ndarray, samples: float, erl: np.ndarray | None,
) -> np.ndarray:
    """Agents to add to each failing cell: enough for Erlang A to close the simulated gap (1..3)."""
    st = scenario.service_target
    add = np.zeros_like(staffing)
    for g, i in zip(*np.nonzero(~ok)):
        n = int(staffing[g, i])
        if erl is not None and erl[g, i] > n:
            add[g, i] = min(int(erl[g, i]) - n, max(3, n // 5))
            continue
        lam, aht, pat = _cell_handle(plan, owners, counts, samples, g, i)
        gap = st.fraction - (sl[g, i] if not np.isnan(sl[g, i]) else 0.0)
        base = erlang_a_metrics(lam, aht, n, st.answer_within_seconds, pat).service_level if n > 0 else 0.0
        k = 1
        while k < 3:
            m = erlang_a_metrics(lam, aht, n + k, st.answer_within_seconds, pat)
            if m.service_level - base >= gap:
                break
            k += 1
        add[g, i] = k
    return add


def _undo_trims(fails: np.ndarray, trimmed: np.ndarray, locked: np.ndarray) -> np.ndarray:
    """After a trim made cells fail: give back the trims in the failing interval or the one
    before it (a queue carries over), or else one agent to the failing cell; lock them all."""
    add = np.zeros_like(trimmed)
    for g, i in zip(*np.nonzero(fails)):
        near = np.zeros_like(locked)
        near[:, max(0, i - 1) : i + 1] = True
        culprits = near & (trimmed > 0)
        if culprits.any():
            add[culprits] = 1
            locked |= culprits
        else:
            add[g, i] = max(add[g, i], 1)
            locked[g, i] = True
    return add


def _trim_candidates(
    scenario: Scenario, plan: EnginePlan, owners: np.ndarray, counts: np.ndarray, staffing: np.ndarray,
    sl: np.ndarray, ab: np.ndarray, locked: np.ndarray, samples: float,
) -> np.ndarray:
    """Cells that can lose one agent and, by Erlang A's marginal effect, still meet the target."""
    st = scenario.service_target
    trim = np.zeros_like(staffing)
    offered = owners.T @ counts[0]
    for g, i in zip(*np.nonzero((staffing > 0) & ~locked)):
        n = int(staffing[g, i])
        if offered[g, i] <= 0:
            trim[g, i] = 1 if n > 0 else 0
            continue
        if np.isnan(sl[g, i]):
            continue
        lam, aht, pat = _cell_handle(plan, owners, counts, samples, g, i)
        if n - 1 <= 0:
            continue
        now = erlang_a_metrics(lam, aht, n, st.answer_within_seconds, pat)
        for k in range(1, min(3, n - 1) + 1):
            less = erlang_a_metrics(lam, aht, n - k, st.answer_within_seconds, pat)
            pred_sl = sl[g, i] - (now.service_level - less.service_level)
            pred_ab = ab[g, i] + (less.abandonment - now.abandonment)
            if pred_sl < st.fraction + _TRIM_MARGIN or (st.max_abandonment is not None and pred_ab > st.max_abandonment):
                break
            trim[g, i] = k
    return trim


def _result(
    scenario: Scenario, staffing: np.ndarray, sl: np.ndarray, ab: np.ndarray, erl0: np.ndarray, met: bool, runs: int
) -> StaffingResult:
    out = scenario.with_changes({f"agents.groups.{gi}.staffing": [int(x) for x in row] for gi, row in enumerate(staffing)})
    plan = dataclasses.replace(build_plan(out), staffing=staffing.astype(np.int64))
    h = scenario.horizon
    rows = []
    for i in range(h.intervals_per_day):
        s = h.open_seconds + i * h.interval_minutes * 60
        start = f"{(s // 3600) % 24:02d}:{(s % 3600) // 60:02d}"
        for gi, g in enumerate(scenario.agents.groups):
            rows.append(
                {
                    "interval_start": start,
                    "group": g.name,
                    "agents": int(staffing[gi, i]),
                    "service_level": float(sl[gi, i]),
                    "abandonment_rate": float(ab[gi, i]),
                    "erlang_agents": int(erl0[gi, i]),
                }
            )
    return StaffingResult(out, pd.DataFrame(rows), staffing.astype(np.int64), plan, met, runs)


__all__ = ["StaffingResult", "optimize_staffing", "erlang_start"]
