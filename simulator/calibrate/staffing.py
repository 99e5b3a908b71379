"""Agent groups and their staffing per interval, inferred from the calls they answered.

A per-call log says who answered, not who was logged in. Staffing per interval is therefore
inferred: for each group and interval of the day, the number of agents whose Erlang A (M/M/c+M)
service level and abandonment, at the interval's observed arrival rate, handle time and the
fitted mean patience, come closest to the service level and abandonment the log shows there
(sum of squared differences). It reproduces the client's own service, which a baseline must.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.calibrate.calllog import CallLog
from simulator.calibrate.volumes import Hours
from simulator.core.erlang import erlang_a_metrics


@dataclass(frozen=True)
class Group:
    name: str
    skills: list[int]  # queue indices, the group's own (most answered) first
    staffing: list[int]
    queues_owned: list[int]  # queues whose calls it answered most: their load sizes it


def agent_groups(log: CallLog, hours: Hours, open_days: int, target_seconds: float,
                 patience_mean: dict[int, float | None]) -> list[Group]:
    nq = len(log.queues)
    if log.group is None or not log.groups:
        plans = [(f"{log.queues[q]} team"[:60], [q], [q]) for q in range(nq)]
    else:
        answered = log.answered & (log.group >= 0)
        table = np.zeros((len(log.groups), nq), np.int64)
        np.add.at(table, (log.group[answered], log.queue[answered]), 1)
        owner = {q: int(table[:, q].argmax()) for q in range(nq)}
        plans = []
        for g, name in enumerate(log.groups):
            skills = [int(q) for q in np.argsort(-table[g], kind="stable") if table[g, q] > 0]
            owned = [q for q in range(nq) if owner[q] == g and table[:, q].sum() > 0]
            if skills:
                plans.append((name[:60], skills, owned))
        orphans = [q for q in range(nq) if table[:, q].sum() == 0]  # queues nobody answered
        if orphans:
            plans.append(("unanswered queues", orphans, orphans))
    interval = hours.interval_of(log.arrival_s)
    return [Group(name, skills, _staffing(log, hours, interval, owned, open_days, target_seconds, patience_mean), owned)
            for name, skills, owned in plans]


def _staffing(log: CallLog, hours: Hours, interval: np.ndarray, owned: list[int], open_days: int,
              target_seconds: float, patience_mean: dict[int, float | None]) -> list[int]:
    mine = np.isin(log.queue, owned)
    aht_all = float(np.nanmean(log.handle_s[mine & log.answered])) if (mine & log.answered).any() else 300.0
    waits = [p for q in owned if (p := patience_mean.get(q)) is not None]
    patience = float(np.mean(waits)) if waits else math.inf
    out = []
    for i in range(hours.intervals):
        m = mine & (interval == i)
        offered = int(m.sum())
        if offered == 0:
            out.append(0)
            continue
        ans = m & log.answered
        aht = float(np.mean(log.handle_s[ans])) if ans.sum() >= 5 else aht_all
        sl = float((ans & (log.wait_s <= target_seconds)).sum()) / offered
        ab = float((m & ~log.answered).sum()) / offered
        per_hour = offered / open_days * 60.0 / hours.interval_minutes
        out.append(_invert(per_hour, aht, target_seconds, patience, sl, ab))
    return out


def _invert(per_hour: float, aht: float, target: float, patience: float, sl: float, ab: float) -> int:
    load = per_hour * aht / 3600.0
    best, best_err = 1, math.inf
    for n in range(max(1, int(load * 0.5)), int(math.ceil(load)) + 60):
        m = erlang_a_metrics(per_hour, aht, n, target, patience)
        if not math.isfinite(patience) and n <= load:
            continue
        err = (m.service_level - sl) ** 2 + (m.abandonment - ab) ** 2
        if err < best_err:
            best, best_err = n, err
        if m.service_level > sl + 0.05 and m.abandonment < ab:
            break  # more agents only move further away
    return best
