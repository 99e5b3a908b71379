"""KPIs of one replication: pure functions of its records (formulas as in SPEC.md, README "KPIs").

Statistics cover contacts that start after the warm-up. Callbacks count as offered calls; an
accepted callback is answered within target when the caller's live wait (to the moment they
accepted) was within target and the callback later connected. Bot conversations, like
self-service sessions, are contacts and contacts handled (``contacts_handled``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.plan import EnginePlan
from simulator.engine.records import (
    ABANDONED,
    BOT_RESOLVED,
    CONTAINED,
    KIND_REDIAL,
    KIND_REPEAT,
    OUTSOURCED,
    SS_FAILED,
    SS_RESOLVED,
    Records,
    is_answered,
    is_bot_conversation,
)

KPI_NAMES: tuple[str, ...] = (
    "contacts",
    "calls_offered",
    "calls_answered",
    "calls_abandoned",
    "ivr_contained",
    "self_service_resolved",
    "self_service_sessions",
    "bot_conversations",
    "bot_resolved",
    "callbacks_accepted",
    "repeat_contacts",
    "redials",
    "calls_outsourced",
    "needs_resolved",
    "service_level",
    "asa_seconds",
    "abandonment_rate",
    "occupancy",
    "aht_seconds",
    "staffed_agent_hours",
)

# A wait-time histogram per replication (answered calls), for the report's distribution chart.
WAIT_BINS = np.concatenate([np.arange(0, 600, 10.0), [np.inf]])


def interval_of_day(queue_s: np.ndarray, plan: EnginePlan) -> tuple[np.ndarray, np.ndarray]:
    """Day and interval-of-the-day index of queue-entry times (calls after close count in the last)."""
    day = np.floor(queue_s / 86400.0).astype(np.int64)
    j = ((queue_s - day * 86400.0 - plan.open_seconds) // plan.interval_seconds).astype(np.int64)
    return day, np.clip(j, 0, plan.intervals_per_day - 1)


def measured(records: Records, plan: EnginePlan) -> Records:
    """Contacts that start after the warm-up."""
    start = plan.open_seconds + plan.warmup_seconds
    if plan.warmup_seconds <= 0:
        return records
    return records.select(records.arrival_s >= start)


def staffed_seconds_per_interval(plan: EnginePlan, paid: bool = False) -> np.ndarray:
    """Scheduled agent-seconds per (day, interval); the part of an interval inside the warm-up is left out.

    ``paid=True``: the paid agent-seconds instead: a roster's (``plan.paid_staffing``: on shift, paid
    breaks in, unpaid lunch out) where there is one, else the same as on the phones.
    """
    heads = paid_heads(plan) if paid else plan.staffing
    agents = heads.sum(axis=-2).astype(float)  # per interval of a day, or per (weekday, interval)
    if heads.ndim == 3:
        agents = plan.by_day(agents[:, None, :])[:, 0, :]
    starts = (np.arange(plan.days)[:, None] * 86400.0 + plan.open_seconds
              + np.arange(plan.intervals_per_day)[None, :] * plan.interval_seconds)
    warmup_end = plan.open_seconds + plan.warmup_seconds
    counted = np.clip(starts + plan.interval_seconds - np.maximum(starts, warmup_end), 0.0, plan.interval_seconds)
    return (agents if agents.ndim == 2 else agents[None, :]) * counted


def paid_heads(plan: EnginePlan) -> np.ndarray:
    """Agents paid per (group, interval): a roster's paid heads where there is one, else those on the phones."""
    return plan.paid_staffing if plan.paid_staffing is not None else plan.staffing


def busy_spans(r: Records) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of the agent time spent on each contact that took some (a callback's failed
    attempts are placed with its connected call, or at its queue entry when it never connected)."""
    start = np.where(np.isnan(r.answer_s), r.queue_s, r.answer_s)
    ok = (r.busy_s > 0) & ~np.isnan(start)
    return start[ok], start[ok] + r.busy_s[ok]


def bot_conversations(records: Records, plan: EnginePlan) -> float:
    """Bot conversations (resolved or handed off) that start after the warm-up: the volume the
    chatbot's per-conversation price applies to."""
    return float(is_bot_conversation(measured(records, plan).outcome).sum())


def contacts_handled(kpis: dict[str, float]) -> float:
    """Contacts handled by any channel: calls answered + IVR contained + self-service sessions +
    bot conversations (the denominator of ``cost_per_contact``)."""
    return kpis["calls_answered"] + kpis["ivr_contained"] + kpis["self_service_sessions"] + kpis["bot_conversations"]


def replication_kpis(records: Records, plan: EnginePlan) -> dict[str, float]:
    """Every KPI (but costs) of one replication."""
    r = measured(records, plan)
    out = r.outcome
    offered_mask = ~np.isnan(r.queue_s)
    answered_mask = is_answered(out)
    offered = int(offered_mask.sum())
    answered = int(answered_mask.sum())
    abandoned = int((out == ABANDONED).sum())
    within = answered_mask & (r.wait_s <= plan.target_seconds)
    staffed = float(staffed_seconds_per_interval(plan).sum())
    busy = float(r.busy_s.sum())
    return {
        "contacts": float(len(r)),
        "calls_offered": float(offered),
        "calls_answered": float(answered),
        "calls_abandoned": float(abandoned),
        "ivr_contained": float((out == CONTAINED).sum()),
        "self_service_resolved": float((out == SS_RESOLVED).sum()),
        "self_service_sessions": float(((out == SS_RESOLVED) | (out == SS_FAILED)).sum()),
        "bot_conversations": float(is_bot_conversation(out).sum()),
        "bot_resolved": float((out == BOT_RESOLVED).sum()),
        "callbacks_accepted": float(r.callback.sum()),
        "repeat_contacts": float((r.kind == KIND_REPEAT).sum()),
        "redials": float((r.kind == KIND_REDIAL).sum()),
        "calls_outsourced": float((out == OUTSOURCED).sum()),
        "needs_resolved": float(r.resolved.sum()),
        "service_level": within.sum() / offered if offered else np.nan,
        "asa_seconds": float(np.mean(r.wait_s[answered_mask])) if answered else np.nan,
        "abandonment_rate": abandoned / offered if offered else np.nan,
        "occupancy": busy / staffed if staffed > 0 else np.nan,
        "aht_seconds": float(np.mean(r.handle_s[answered_mask])) if answered else np.nan,
        "staffed_agent_hours": staffed / 3600.0,
    }


def wait_histogram(records: Records, plan: EnginePlan) -> np.ndarray:
    r = measured(records, plan)
    answered_mask = is_answered(r.outcome)
    counts, _ = np.histogram(r.wait_s[answered_mask], bins=WAIT_BINS)
    return counts


def _busy_by_interval(r: Records, starts: np.ndarray, length: float) -> np.ndarray:
    """Agent busy seconds inside each [starts[i], starts[i] + length) (integral of the busy-agent
    count). Each interval has its own end: the last interval of a day ends at close, not at the
    next morning's first start."""
    s, e = busy_spans(r)
    n = len(s)
    times = np.concatenate([s, e])
    del s, e  # a month of calls: keep the temporaries few (the same numbers as one expression)
    order = np.argsort(times, kind="stable")
    times = times[order]
    # The busy-agent count after each time: +1 at a start, -1 at an end (integers, exact).
    level = np.where(order < n, np.int32(1), np.int32(-1))
    del order
    np.cumsum(level, out=level)
    # area under the step function up to each time
    area = np.zeros(len(times))
    if len(times):
        d = np.diff(times)
        d *= level[:-1]
        np.cumsum(d, out=area[1:])
        del d

    def area_at(t: np.ndarray) -> np.ndarray:
        if len(times) == 0:
            return np.zeros(len(t))
        idx = np.searchsorted(times, t, side="right") - 1
        out = np.zeros(len(t))
        m = idx >= 0
        out[m] = area[idx[m]] + level[idx[m]] * (t[m] - times[idx[m]])
        return out

    return area_at(starts + length) - area_at(starts)


def interval_table(records: Records, plan: EnginePlan) -> pd.DataFrame:
    """Per-interval statistics for one replication, one row per (day, interval)."""
    r = measured(records, plan)
    n_int, L = plan.intervals_per_day, plan.interval_seconds
    starts = (np.arange(plan.days)[:, None] * 86400.0 + plan.open_seconds + np.arange(n_int)[None, :] * L).ravel()
    busy = _busy_by_interval(r, starts, L)  # first: its temporaries and the ones below never coexist
    offered_mask = ~np.isnan(r.queue_s)
    q = r.queue_s[offered_mask]
    day, j = interval_of_day(q, plan)
    cell = np.clip(day, 0, plan.days - 1) * n_int + j
    size = plan.days * n_int
    out = r.outcome[offered_mask]
    wait = r.wait_s[offered_mask]
    answered = is_answered(out)
    within = answered & (wait <= plan.target_seconds)
    offered_n = np.bincount(cell, minlength=size)
    answered_n = np.bincount(cell, weights=answered, minlength=size)
    within_n = np.bincount(cell, weights=within, minlength=size)
    aband_n = np.bincount(cell, weights=out == ABANDONED, minlength=size)
    wait_sum = np.bincount(cell, weights=np.where(answered, wait, 0.0), minlength=size)
    staffed = staffed_seconds_per_interval(plan).ravel()
    agents = np.tile(plan.staffing.sum(axis=0), plan.days) if plan.staffing.ndim == 2 else plan.by_day().sum(axis=1).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        df = pd.DataFrame(
            {
                "day": np.repeat(np.arange(plan.days), n_int),
                "interval": np.tile(np.arange(n_int), plan.days),
                "offered": offered_n.astype(float),
                "answered": answered_n,
                "abandoned": aband_n,
                "service_level": np.where(offered_n > 0, within_n / np.maximum(offered_n, 1), np.nan),
                "asa_seconds": np.where(answered_n > 0, wait_sum / np.maximum(answered_n, 1), np.nan),
                "abandonment_rate": np.where(offered_n > 0, aband_n / np.maximum(offered_n, 1), np.nan),
                "occupancy": np.where(staffed > 0, busy / np.where(staffed > 0, staffed, 1), np.nan),
                "agents": agents.astype(float),
            }
        )
    return df
