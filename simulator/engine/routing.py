"""Routing rules: which agent groups may take a contact type, and which waiting call a free agent
takes next.

The tables are built once per replication from the plan; queue selection is a function of the
queues and the contacts' status, with no SimPy and no randomness, so the engine (``engine``)
keeps the events and the records and this module keeps the rules.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from simulator.model.load import expected_handle_seconds
from simulator.model.plan import EnginePlan

# Status of a contact while the simulation runs. Queues are FCFS deques with lazy deletion: a
# caller who abandons or is handed to a vendor changes status and is skipped at the head.
NOT_QUEUED, WAITING, CB_WAITING, IN_SERVICE, DONE = 0, 1, 2, 3, 4
OVERFLOW_EPS = 1e-9  # float slack when comparing a wait with an overflow delay


@dataclass(frozen=True)
class RoutingTables:
    """Who may take what, per contact type ``k`` and agent group ``g``."""

    prio_levels: list[int]  # priority classes in use, best (lowest) first
    immediate: list[list[tuple[int, float]]]  # per k: (g, handle factor) taking it at once, preferred first
    delayed: list[list[float]]  # per k: the distinct overflow delays after which more groups may take it
    type_groups: list[list[tuple[int, float, float]]]  # per k: (g, delay, factor), preferred first
    group_skills: list[list[tuple[int, float, float, int]]]  # per g: (k, delay, factor, tier), own skills first
    factor: np.ndarray  # (G, K) handle-time factor of g on k (NaN: g does not take k)
    mean_handle: list[float]  # per k: the AHT announced to callers
    # One type in one priority class, taken at once by one group, no callbacks: the engine's
    # single-queue fast path applies.
    single: bool


def routing_tables(plan: EnginePlan) -> RoutingTables:
    """The routing tables of ``plan``."""
    G, K = len(plan.group_names), len(plan.types)
    prios = sorted({t.priority for t in plan.types} | ({0} if plan.vip_share > 0 else set()))
    type_groups = [plan.type_groups(k) for k in range(K)]
    immediate = [[(g, f) for g, d, f in tg if d <= 0] for tg in type_groups]
    delayed = [sorted({d for g, d, f in tg if d > 0}) for tg in type_groups]
    # The factor depends on the group and the type only (a skill listed twice has one
    # proficiency), which lets the engine derive handle times from the group that answered.
    factor = np.full((G, K), np.nan)
    for g, skills in enumerate(plan.group_skills):
        for k, _delay, f, _tier in skills:
            assert np.isnan(factor[g, k]) or factor[g, k] == f, f"group {g} has two factors for type {k}"
            factor[g, k] = f
    single = (G == 1 and K == 1 and len(prios) == 1 and not delayed[0] and len(immediate[0]) == 1
              and plan.callback is None)
    return RoutingTables(
        prio_levels=prios,
        immediate=immediate,
        delayed=delayed,
        type_groups=type_groups,
        group_skills=[sorted(s, key=lambda x: x[3]) for s in plan.group_skills],
        factor=factor,
        mean_handle=[expected_handle_seconds(plan, k) for k in range(len(plan.types))],
        single=single,
    )


def empty_queues(tables: RoutingTables) -> list[dict[int, deque]]:
    """Per contact type, one FCFS deque per priority class (best class first)."""
    return [{pr: deque() for pr in tables.prio_levels} for _ in tables.type_groups]


def next_call(
    skills: list[tuple[int, float, float, int]],
    queues: list[dict[int, deque]],
    waiting: list[int],
    status: list[int],
    qtime: list[float],
    now: float,
) -> tuple[int, float]:
    """The call a free agent with ``skills`` takes next, removed from its queue, and the handle
    factor; ``(-1, 1.0)`` if none.

    Own skill before overflow, then the best priority class, then the longest waiting (FCFS per
    type and class). A call of an overflow skill is eligible once it has waited the overflow
    delay; an accepted callback at any time. ``waiting[k]`` counts the live calls of type ``k``
    in the queues and is decremented for the call taken.
    """
    best_r, best_key, best_f, best_k = -1, None, 1.0, -1
    for k, delay, f, tier in skills:
        if waiting[k] == 0:
            continue
        if best_key is not None and tier > best_key[0]:
            break  # a call of the group's own skill beats any overflow call
        for pr, q in queues[k].items():
            while q and status[q[0]] != WAITING and status[q[0]] != CB_WAITING:
                q.popleft()
            if not q:
                continue
            head = q[0]
            if delay > 0 and now - qtime[head] < delay - OVERFLOW_EPS and status[head] == WAITING:
                continue
            key = (tier, pr, qtime[head])
            if best_key is None or key < best_key:
                best_r, best_key, best_f, best_k = head, key, f, k
            break  # lower priority queues of this type come after this one
    if best_r >= 0:
        queues[best_k][best_key[1]].popleft()
        waiting[best_k] -= 1
    return best_r, best_f


def expected_wait(tables: RoutingTables, k: int, waiting: list[int], on_shift: list[int]) -> float:
    """The wait announced to a caller of type ``k``: people ahead x AHT / agents who can take it."""
    agents = 0
    for g, _d, _f in tables.type_groups[k]:
        agents += on_shift[g]
    if agents <= 0:
        return float("inf")
    return (waiting[k] + 1) * tables.mean_handle[k] / agents
