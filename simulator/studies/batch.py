"""The replications of every run of a study on one pool of worker processes.

A study (``compare``, the attribution's coalitions) hands all its runs at once: every replication
of every scenario is queued on one pool, so no worker waits for the last replication of one
scenario before the next scenario starts (issue 14). Runs whose engine plans are identical (levers
that change only costs, such as VoIP or remote agents, or the scheduling lever under the
optimizer's staffing) are simulated once per replication and priced per scenario: records depend
on the plan, the seed and the replication only. Each run's result is identical to ``simulate``'s,
whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait

from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario
from simulator.studies.simulate import (
    ReplicationResult,
    ReplicationStore,
    SimulationResult,
    _ignore_interrupts,
    gather,
    replication_key,
    resolve_optimized_staffing,
    run_replications,
)


def study_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of ``workers`` processes for a whole study (None for one worker), its processes started
    now: they are forked before the study starts threads of its own."""
    if workers <= 1:
        return None
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    pool.submit(int).result()  # with fork, the first job starts every worker
    return pool


def close_pool(pool: Executor | None, interrupted: bool) -> None:
    if pool is not None:
        pool.shutdown(wait=not interrupted, cancel_futures=interrupted)


def _job(args: tuple[tuple[Scenario, ...], EnginePlan, int, int]) -> list[ReplicationResult]:
    return run_replications(*args)


def simulate_runs(
    runs: list[tuple[Scenario, EnginePlan | None]],
    replications: int,
    seed: int,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    store: ReplicationStore | None = None,
) -> list[SimulationResult]:
    """``simulate(scenario, replications, seed, plan=plan, store=store)`` for each run, all on ``executor``
    (in this process without one). ``progress`` gets 1 per finished replication of a run."""
    resolved = [resolve_optimized_staffing(sc) if plan is None else (sc, plan) for sc, plan in runs]
    keys = [replication_key(sc, plan, seed) if store is not None else "" for sc, plan in resolved]
    results: list[list[ReplicationResult]] = [[] for _ in resolved]
    for i, key in enumerate(keys):
        if store is not None:
            results[i] = [res for r, res in store.load(key).items() if r < replications]
            if progress and results[i]:
                progress(len(results[i]))
    # One job per (distinct plan, replication): the runs that share the plan and still need it.
    groups: dict[bytes, list[int]] = {}
    for i, (_, plan) in enumerate(resolved):
        groups.setdefault(hashlib.sha256(pickle.dumps(plan, protocol=5)).digest(), []).append(i)
    jobs: list[tuple[list[int], tuple]] = []
    for members in groups.values():
        plan = resolved[members[0]][1]
        for r in range(replications):
            todo = [i for i in members if all(res.replication != r for res in results[i])]
            if todo:
                jobs.append((todo, (tuple(resolved[i][0] for i in todo), plan, seed, r)))

    def finished(todo: list[int], priced: list[ReplicationResult]) -> None:
        for i, res in zip(todo, priced):
            if store is not None:
                store.save(keys[i], res)
            results[i].append(res)
            if progress:
                progress(1)

    if executor is None:
        for todo, args in jobs:
            finished(todo, _job(args))
    else:
        pending = {executor.submit(_job, args): todo for todo, args in jobs}
        try:
            while pending:
                ready, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in ready:
                    finished(pending.pop(fut), fut.result())
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
    return [gather(sc, plan, seed, res) for (sc, plan), res in zip(resolved, results)]


__all__ = ["simulate_runs", "study_pool", "close_pool"]
