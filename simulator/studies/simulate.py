"""Run replications of a scenario (in parallel if asked) and gather per-replication results.

A replication's result depends only on (scenario, seed, replication index): streams come from the
seed tree, so ``workers=1`` and ``workers=8`` give identical numbers.
"""

from __future__ import annotations

import hashlib
import os
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np
import pandas as pd

from simulator.core.version import __version__
from simulator.analysis.costs import COST_COMPONENTS, cost_ratios, replication_costs, usage_volumes
from simulator.engine.callcenter import simulate_replication
from simulator.analysis.kpis import WAIT_BINS, interval_table, replication_kpis, wait_histogram
from simulator.model.build import build_plan, cost_inputs
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario
from simulator.analysis.stats import summarize
from simulator.analysis.validity import type_interval_counts
from simulator.model.streams import replication_streams
from simulator.studies.roster import optimize_roster
from simulator.studies.staffing import optimize_staffing

# Shares of calls, never above 1. (Occupancy can exceed 1: agents drain the queue after close.)
RATE_KPIS = ("service_level", "abandonment_rate")
NO_INTERVAL_NOTE = "one replication: a 95% interval needs at least 2 replications (use -r 2 or more)"


@dataclass
class ReplicationResult:
    replication: int
    kpis: dict[str, float]
    costs: dict[str, float]
    intervals: pd.DataFrame
    wait_hist: np.ndarray
    volumes: dict[str, float]
    type_counts: pd.DataFrame


@dataclass
class SimulationResult:
    """Everything a run produces, as pandas DataFrames."""

    scenario: Scenario
    plan: EnginePlan
    replications: pd.DataFrame  # one row per replication: every KPI and cost ratio
    costs: pd.DataFrame  # one row per replication: every cost component and total_cost
    intervals: pd.DataFrame  # per replication, day and interval
    wait_hist: np.ndarray  # answered calls per wait bin, summed over replications
    seed: int
    volumes: pd.DataFrame | None = None  # per replication: the minutes and sessions the costs price
    type_counts: list[pd.DataFrame] | None = None  # per replication: offered/within/abandoned per type and interval
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.scenario.name

    def metrics(self) -> pd.DataFrame:
        """Mean and 95% CI of every KPI (costs and cost ratios included).

        Every KPI is a count, a duration, an amount or a ratio, so intervals stop at 0, and shares of
        calls at 1.
        """
        return summarize(self.replications, lower=0.0, upper={k: 1.0 for k in RATE_KPIS})

    def cost_breakdown(self) -> pd.Series:
        return self.costs[list(COST_COMPONENTS)].mean()

    def per_answered_call(self) -> pd.Series:
        """Each cost component per answered call, adding up to the ``cost_per_call`` KPI exactly.

        The KPI is the mean over replications of total cost / calls answered; the components split
        it in proportion to their mean cost, so the breakdown's total and the KPI are one number
        wherever they are shown (a ratio of means would differ in the cents).
        """
        breakdown = self.cost_breakdown()
        total = float(breakdown.sum())
        cpc = float(self.replications["cost_per_call"].mean())
        return breakdown * (cpc / total) if total and np.isfinite(cpc) else breakdown * np.nan

    def interval_summary(self) -> pd.DataFrame:
        """Per interval of the day, averaged over days and replications."""
        df = self.intervals
        g = df.groupby("interval")
        out = g[["offered", "answered", "abandoned", "agents"]].mean()
        sums = g[["offered", "answered", "abandoned"]].sum()
        within = (df["service_level"] * df["offered"]).groupby(df["interval"]).sum()
        wait = (df["asa_seconds"].fillna(0) * df["answered"]).groupby(df["interval"]).sum()
        out["service_level"] = within / sums["offered"].where(sums["offered"] > 0)
        out["asa_seconds"] = wait / sums["answered"].where(sums["answered"] > 0)
        out["abandonment_rate"] = sums["abandoned"] / sums["offered"].where(sums["offered"] > 0)
        out["occupancy"] = g["occupancy"].mean()
        L = self.plan.interval_seconds
        out.insert(0, "interval_start", [_hhmm(self.plan.open_seconds + i * L) for i in out.index])
        return out.reset_index()

    def to_json_dict(self) -> dict:
        m = self.metrics()
        metrics = {
            k: {"mean": _num(m.loc[k, "mean"]), "ci95": [_num(m.loc[k, "ci95_low"]), _num(m.loc[k, "ci95_high"])]}
            for k in m.index
        }
        out = {
            "scenario": self.name,
            "replications": int(len(self.replications)),
            "metrics": metrics,
            "cost_breakdown": {k: _num(v) for k, v in self.cost_breakdown().items()},
        }
        if len(self.replications) < 2:
            out["ci95_note"] = NO_INTERVAL_NOTE
        return out


def _num(x: float) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def _hhmm(seconds: float) -> str:
    s = int(seconds) % 86400
    return f"{s // 3600:02d}:{(s % 3600) // 60:02d}"


def run_replication(scenario: Scenario, plan: EnginePlan, seed: int, replication: int,
                    on_day: Callable[[int], None] | None = None) -> ReplicationResult:
    """One replication: simulate, then KPIs and costs of its records (``on_day``: the engine's
    per-simulated-day progress hook)."""
    return run_replications((scenario,), plan, seed, replication, on_day)[0]


def run_replications(scenarios: tuple[Scenario, ...], plan: EnginePlan, seed: int, replication: int,
                     on_day: Callable[[int], None] | None = None) -> list[ReplicationResult]:
    """One replication of ``plan``, priced for each of ``scenarios`` (scenarios with this very plan:
    the records depend on the plan, seed and replication only, the costs on the scenario too)."""
    streams = replication_streams(seed, replication)
    records = simulate_replication(plan, streams, on_day)
    kpis = replication_kpis(records, plan)
    volumes = usage_volumes(records, plan)
    type_counts = type_interval_counts(records, plan)
    intervals = interval_table(records, plan)
    intervals.insert(0, "replication", replication)
    hist = wait_histogram(records, plan)
    out = []
    for scenario in scenarios:
        costs = replication_costs(records, plan, cost_inputs(scenario))
        priced = {**kpis, "total_cost": costs["total_cost"], **cost_ratios(kpis, costs)}
        out.append(ReplicationResult(replication, priced, costs, intervals, hist, volumes, type_counts))
    return out


def _worker(args: tuple[Scenario, EnginePlan, int, int]) -> ReplicationResult:
    return run_replication(*args)


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the main process, which stops the pool and keeps what
    finished (a worker would otherwise print its own KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ReplicationStore(Protocol):
    """Where finished replications are kept, so that an interrupted run can be resumed.

    ``key`` names one (scenario, plan, seed): a replication's result depends on nothing else.
    """

    def load(self, key: str) -> dict[int, ReplicationResult]: ...

    def save(self, key: str, result: ReplicationResult) -> None: ...


def replication_key(scenario: Scenario, plan: EnginePlan, seed: int) -> str:
    """A fingerprint of everything a replication's result depends on (and the ccsim version)."""
    h = hashlib.sha256()
    h.update(f"{__version__}|{seed}|".encode())
    h.update(scenario.model_dump_json().encode())
    h.update(np.ascontiguousarray(plan.staffing).tobytes())
    h.update(repr(plan.staffing.shape).encode())
    return h.hexdigest()[:24]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def simulate(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
    plan: EnginePlan | None = None,
    store: ReplicationStore | None = None,
) -> SimulationResult:
    """Simulate ``replications`` of ``scenario`` and return per-replication results.

    ``staffing: optimize`` groups are solved first (``simulator.staffing``). ``progress`` is called
    with 1 after each finished replication. With a ``store``, replications it already holds for
    this scenario and seed are reused and each new one is saved as soon as it finishes, so a run
    stopped by Ctrl-C (KeyboardInterrupt, re-raised) or a kill loses at most the replications under
    way; the result is identical to an uninterrupted run.
    """
    n = replications or scenario.replications
    seed = scenario.seed if seed is None else seed
    workers = default_workers() if workers is None else max(1, workers)
    if plan is None:
        scenario, plan = resolve_optimized_staffing(scenario, workers)
    key = replication_key(scenario, plan, seed) if store is not None else ""
    done = {r: res for r, res in (store.load(key) if store is not None else {}).items() if r < n}
    results: list[ReplicationResult] = list(done.values())
    if progress and done:
        progress(len(done))

    def finished(res: ReplicationResult) -> None:
        if store is not None:
            store.save(key, res)
        results.append(res)
        if progress:
            progress(1)

    jobs = [(scenario, plan, seed, r) for r in range(n) if r not in done]
    if workers == 1 or len(jobs) <= 1:
        for job in jobs:
            finished(_worker(job))
    else:
        _run_pool(jobs, min(workers, len(jobs)), finished)
    return gather(scenario, plan, seed, results)


def gather(scenario: Scenario, plan: EnginePlan, seed: int, results: list[ReplicationResult]) -> SimulationResult:
    """A run's result from its replications (in any order)."""
    results = sorted(results, key=lambda x: x.replication)
    reps = pd.DataFrame([r.kpis for r in results], index=pd.Index([r.replication for r in results], name="replication"))
    costs = pd.DataFrame([r.costs for r in results], index=reps.index)
    intervals = pd.concat([r.intervals for r in results], ignore_index=True)
    hist = np.sum([r.wait_hist for r in results], axis=0)
    volumes = pd.DataFrame([r.volumes for r in results], index=reps.index)
    return SimulationResult(scenario, plan, reps, costs, intervals, hist, seed, volumes, [r.type_counts for r in results])


def _run_pool(jobs: list, workers: int, finished: Callable[[ReplicationResult], None]) -> None:
    """Run ``jobs`` in worker processes, handing each result to ``finished`` as it completes.

    On Ctrl-C the queued jobs are cancelled and the pool is shut down before the interrupt goes on.
    """
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    try:
        pending = {pool.submit(_worker, job) for job in jobs}
        while pending:
            ready, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in ready:
                finished(fut.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def resolve_optimized_staffing(scenario: Scenario, workers: int = 1) -> tuple[Scenario, EnginePlan]:
    """The scenario and its engine plan, ``staffing: optimize`` replaced by the optimizer's staffing.

    The optimizer's plan is used as is: its staffing is already placed interval by interval, so
    the ``scheduling`` lever must not reshape it again. With ``agents.shifts`` the requirement is
    rostered (``studies.roster``) and the roster's on-phone heads and paid hours are simulated.
    """
    if not scenario.needs_staffing_optimizer:
        return scenario, build_plan(scenario)
    if scenario.agents.shifts is not None:  # rostered: agents on a break are off the phones, paid hours are costed
        study = optimize_roster(scenario, workers=workers)
        return study.scenario, study.plan
    result = optimize_staffing(scenario, workers=workers)
    return result.scenario, result.plan


__all__ = ["simulate", "SimulationResult", "ReplicationStore", "replication_key", "run_replication", "WAIT_BINS"]
