"""The SimPy model of a call center: one replication of one scenario, set up, run and collected
into one row per contact (``records``).

Design, and why:
- Every customer need and all its random attributes are drawn up front, vectorised, by inverse
  CDF from named streams (``contacts``); what happens to each need before the agent queue
  (self-service, the bot, the IVR) follows from them (``needs``). A lever that changes one contact's fate
  therefore leaves every other contact's draws as they were: common random numbers.
- The SimPy environment is driven by event callbacks (``events``) rather than one process per
  call: a call is a row index, and its events are timers (``timer``) whose value is that index.
  This is the same discrete-event semantics as the textbook process model at a fraction of the
  cost (see ``benchmarks/bench_engine.py``). One queue served by one group (the Erlang C/A case)
  has its own callbacks (``fastpath``).
- The hot path writes as little as it can; wait, handle and busy time, outcome and resolution of
  answered calls are derived, vectorised, in ``_collect``.
- Staffing changes at interval boundaries. At close, arrivals stop and the agents on the floor
  drain the queue before leaving.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import simpy
from simpy.events import Timeout

from simulator.engine.clock import week_shift_scalar
from simulator.engine.contacts import ContactAttributes, contact_attributes, draw_needs, secondary_uniforms
from simulator.engine.events import GENERATIONS, ContactFlow
from simulator.engine.fastpath import single_queue
from simulator.engine.needs import first_contacts
from simulator.engine.records import (
    ANSWERED,
    BOT_HANDOFF,
    BOT_RESOLVED,
    CALLBACK_ANSWERED,
    CALLBACK_FAILED,
    CONTAINED,
    KIND_BOT_FAILED_CALL,
    KIND_BOT_HANDOFF_CALL,
    KIND_BOT_SESSION,
    KIND_CALL,
    KIND_SS_FAILED_CALL,
    KIND_SS_SESSION,
    OUTSOURCED,
    SS_FAILED,
    SS_RESOLVED,
    UNSERVED,
    Records,
)
from simulator.engine.routing import CB_WAITING, NOT_QUEUED, WAITING, empty_queues, routing_tables
from simulator.engine.timer import Timer
from simulator.model.plan import EnginePlan


class CallCenterModel(ContactFlow):
    """One replication of one scenario. ``run()`` returns the per-contact records.

    ``fast_path=False`` runs the general handlers even where the single-queue fast path applies
    (the two give identical records; the flag exists to test that).
    """

    def __init__(self, plan: EnginePlan, streams: dict[str, np.random.Generator], fast_path: bool = True) -> None:
        self.plan = plan
        self.streams = streams
        self.fast_path = fast_path
        self.env = simpy.Environment()
        self._secondary = streams["secondary"]
        self._connect_rng = streams["callback_connect"]
        self.week_shift = week_shift_scalar(plan)  # None unless some weekday is closed

    # ------------------------------------------------------------------ set-up (vectorised)
    def _build_contacts(self) -> None:
        p = self.plan
        needs = draw_needs(p, self.streams)
        fc = first_contacts(p, needs)
        n = len(needs)
        ktype, t_need, a = needs.ctype, needs.arrival_s, fc.attributes

        # Self-service sessions and bot conversations are contacts of their own (rows), resolved
        # or not, ahead of the calls.
        ss_idx = np.flatnonzero(fc.ss_session)
        bot_idx = np.flatnonzero(fc.bot_session)
        call_idx = np.flatnonzero(fc.is_call)
        m_ss, m_s, m_call = len(ss_idx), len(ss_idx) + len(bot_idx), len(call_idx)
        rows = m_s + m_call
        self.n_needs = n
        R = self.rec = Records.empty(rows)
        R.need[:m_ss] = ss_idx
        R.kind[:m_ss] = KIND_SS_SESSION
        R.outcome[:m_ss] = np.where(fc.ss_resolved[ss_idx], SS_RESOLVED, SS_FAILED)
        R.need[m_ss:m_s] = bot_idx
        R.kind[m_ss:m_s] = KIND_BOT_SESSION
        R.outcome[m_ss:m_s] = np.where(fc.bot_resolved[bot_idx], BOT_RESOLVED, BOT_HANDOFF)
        sessions = R.need[:m_s]
        R.ctype[:m_s] = ktype[sessions]
        R.priority[:m_s] = fc.priority[sessions]
        R.arrival_s[:m_s] = t_need[sessions]
        R.resolved[:m_s] = fc.session_resolved[sessions]
        R.need[m_s:] = call_idx
        R.kind[m_s:] = np.select(
            [fc.ss_failed[call_idx], fc.bot_handoff[call_idx], fc.bot_failed[call_idx]],
            [KIND_SS_FAILED_CALL, KIND_BOT_HANDOFF_CALL, KIND_BOT_FAILED_CALL],
            KIND_CALL,
        )
        R.ctype[m_s:] = ktype[call_idx]
        R.priority[m_s:] = fc.priority[call_idx]
        R.arrival_s[m_s:] = fc.call_s[call_idx]
        R.ivr_s[m_s:] = a.ivr_seconds[call_idx]
        cont = fc.contained[call_idx]
        R.outcome[m_s:][cont] = CONTAINED
        R.resolved[m_s:] = fc.contained_resolved[call_idx]
        self._pending_repeats = list(zip(fc.leak_repeat_s.tolist(), fc.leak_needs.tolist()))

        # Per-contact engine state, as flat Python lists (fast scalar access in callbacks).
        q_rows = m_s + np.flatnonzero(~cont)
        qtime = (fc.call_s + a.ivr_seconds)[call_idx]
        self.queue_entry_rows = q_rows[np.argsort(qtime[~cont], kind="stable")]
        self.need_of = R.need.tolist()
        self.ktype = R.ctype.tolist()
        self.prio = R.priority.tolist()
        qtime_rows = np.zeros(rows)
        qtime_rows[m_s:] = qtime
        self.static_qtime = qtime_rows
        self.qtime = qtime_rows.tolist()
        self.feed_times = qtime_rows[self.queue_entry_rows].tolist()
        self.status = [NOT_QUEUED] * rows
        # The attributes every queued contact reads, per row (a row's need's for the rows drawn
        # up front; contacts created during the run append their own).
        self.static_handle = a.handle_seconds[R.need]
        self.static_fcr = a.fcr_ok[R.need]
        self.handle_row = self.static_handle.tolist()
        self.patience_row = a.patience_seconds[R.need].tolist()
        self.fcr_row = self.static_fcr.tolist()
        # Attributes of the need read on rarer paths (callbacks, redials, repeats): numpy arrays,
        # read one scalar at a time, rather than lists that cost more to build than to read.
        self.need_attr = a
        self.n_ktype = ktype
        self.n_prio = fc.priority
        self.n_gen = [0] * n
        self.g_attr = self._draw_generations(ktype)
        # Row-level overrides of those for contacts created during the run (repeats, redials).
        self.row_cb: dict[int, float] = {}
        self.row_redial: dict[int, tuple[float, float]] = {}
        self.row_rep_delay: dict[int, float] = {}
        # Outputs filled during the run. An agent answering a call writes only its answer time
        # (and group): wait, handle, busy time, outcome and resolution follow from it and are
        # derived in ``_collect``. The other columns are written only by the rarer paths
        # (abandonment, callbacks, outsourcing), so they are sparse: row -> value.
        self.answer = [math.nan] * rows
        self.group_out: dict[int, int] = {}
        self.outcome: dict[int, int] = {}
        self.wait: dict[int, float] = {}
        self.handle_out: dict[int, float] = {}
        self.outbound: dict[int, float] = {}
        self.busy: dict[int, float] = {}
        self.cb_accepted: dict[int, bool] = {}
        self.attempts: dict[int, int] = {}
        # Dynamic rows appended during the run.
        self.dyn_rows: list[tuple[int, int, int, int, float, float]] = []  # need, kind, ktype, prio, arrival, ivr

    def _draw_generations(self, ktype: np.ndarray) -> ContactAttributes | None:
        """Attributes of each need's later contacts (repeats, redials), drawn up front as
        (needs, ``GENERATIONS``) columns; None when the plan makes no later contacts.

        A need's j-th contact created during the run uses column j, for j < ``GENERATIONS``;
        later ones draw from the secondary stream as they occur. Drawing per need rather than in
        the order contacts happen keeps them common random numbers: when a lever changes which
        needs come back, every other need's repeat still has the same handle time, patience, ...
        """
        p = self.plan
        leaks = p.false_containment_share > 0 or p.false_ss_share > 0 or p.bot_false_resolution_share > 0
        failed_bot_repeats = p.bot_failed_fcr_penalty > 0 and any(t.bot_engagement > 0 for t in p.types)
        if not (p.redial_probability > 0 or leaks or failed_bot_repeats or any(t.fcr < 1.0 for t in p.types)):
            return None
        u = secondary_uniforms(self._secondary, (len(ktype), GENERATIONS))
        # Repeats go through the IVR like first calls, so the IVR's handle-time factor applies.
        factor = np.array([p.handle_factor * t.remaining_handle_factor for t in p.types])[ktype][:, None]
        return contact_attributes(p, ktype, u, (factor,))

    # ------------------------------------------------------------------ routing state
    def _build_routing(self) -> None:
        p = self.plan
        G = len(p.group_names)
        self.routes = rt = routing_tables(p)
        self.single = rt.single and self.fast_path
        self.idle = [0] * G
        self.busy_n = [0] * G
        self.leaving = [0] * G
        self.on_shift = [0] * G
        self.closing = False
        self.queues = empty_queues(rt)
        self.waiting = [0] * len(p.types)
        # The vendor's handle time: its own factor, without our agent-assist tool.
        self._vendor_factor = p.outsource.handle_time_factor / p.assist_factor if p.outsource else 1.0
        self.callback_offers = 0  # callers whose expected wait exceeded the threshold
        self.vendor_busy = 0  # calls with a vendor of limited capacity (outsourced_overflow.seats)
        self.vendor_queue: deque[int] = deque()  # callers past the threshold waiting for a vendor seat

    # ------------------------------------------------------------------ run
    def run(self) -> Records:
        self._build_contacts()
        self._build_routing()
        env = self.env
        p = self.plan
        # Staffing changes at every interval start; the close of each day drains the queue.
        for d in range(p.days):
            for j in range(p.intervals_per_day):
                t = d * 86400.0 + p.open_seconds + j * p.interval_seconds
                ev = Timeout(env, t, (d, j))
                ev.callbacks.append(self._on_interval)
            if not p.round_the_clock:
                ev = Timeout(env, d * 86400.0 + p.close_seconds, d)
                ev.callbacks.append(self._on_close)
        feed_rows = self.queue_entry_rows.tolist()
        feed_times = self.feed_times
        self.enter_queue = single_queue(self) if self.single else self._enter_queue
        on_feed = self._feeder(feed_rows, feed_times, self.enter_queue)
        if feed_rows:
            Timer(env, feed_times[0], 0, on_feed)
        for t, need in self._pending_repeats:
            self._schedule_repeat(need, t)
        env.run()
        return self._collect()

    # ------------------------------------------------------------------ output
    def _collect(self) -> Records:
        R = self.rec
        base = len(R)
        extra = len(self.dyn_rows)
        if extra:
            R = R.extended(extra)
            dyn = np.array([d[:4] for d in self.dyn_rows], dtype=np.int64).reshape(-1, 4)
            R.need[base:] = dyn[:, 0]
            R.kind[base:] = dyn[:, 1]
            R.ctype[base:] = dyn[:, 2]
            R.priority[base:] = dyn[:, 3]
            R.arrival_s[base:] = [d[4] for d in self.dyn_rows]
            R.ivr_s[base:] = [d[5] for d in self.dyn_rows]
            R.outcome[base:] = UNSERVED
        # Rows drawn up front keep their numpy columns; rows created during the run add theirs.
        qtime = np.concatenate([self.static_qtime, self.qtime[base:]])
        handle_row = np.concatenate([self.static_handle, self.handle_row[base:]])
        fcr_row = np.concatenate([self.static_fcr, np.array(self.fcr_row[base:], dtype=bool)])
        outcome, wait, handle, group = R.outcome, R.wait_s, R.handle_s, R.group
        answer = np.array(self.answer)
        _scatter(outcome, self.outcome)
        _scatter(wait, self.wait)
        _scatter(handle, self.handle_out)
        _scatter(group, self.group_out)
        R.outbound_s[:] = 0.0
        _scatter(R.outbound_s, self.outbound)
        R.busy_s[:] = 0.0
        _scatter(R.busy_s, self.busy)
        _scatter(R.callback, self.cb_accepted)
        _scatter(R.attempts, self.attempts)
        # Answered by an agent: only the answer time (and, with several groups, the group) was
        # written. The rest is what ``_start`` used to write, computed with the same float
        # operations on the same numbers, so it is bit for bit the same.
        by_agent = ~np.isnan(answer) & (outcome != OUTSOURCED) & (outcome != CALLBACK_ANSWERED)
        if self.single:
            group[by_agent] = 0
        h = handle_row[by_agent] * self.routes.factor[group[by_agent], R.ctype[by_agent]]
        outcome[by_agent] = ANSWERED
        wait[by_agent] = answer[by_agent] - qtime[by_agent]
        handle[by_agent] = h
        R.busy_s[by_agent] = h
        # Every served contact reached its end (the run goes on until no event is left), where
        # it resolved the need or sent a repeat.
        served = by_agent | (outcome == OUTSOURCED) | (outcome == CALLBACK_ANSWERED)
        R.resolved[served] = fcr_row[served]
        # Still waiting when everything else has finished: offered, never answered.
        status = np.array(self.status, dtype=np.int8)
        waiting_at_end = (status == WAITING) | (status == CB_WAITING)
        outcome[waiting_at_end] = np.where(R.callback[waiting_at_end], CALLBACK_FAILED, UNSERVED)
        queued_rows = ((outcome != CONTAINED) & (outcome != SS_RESOLVED) & (outcome != SS_FAILED)
                       & (outcome != BOT_RESOLVED) & (outcome != BOT_HANDOFF))
        R.queue_s[:] = np.where(queued_rows, qtime, np.nan)
        R.answer_s[:] = answer
        R.n_needs = self.n_needs
        return R


def _scatter(column: np.ndarray, values: dict) -> None:
    """Write the sparse ``row -> value`` outputs of the run into a records column."""
    if values:
        column[np.fromiter(values.keys(), np.int64, len(values))] = list(values.values())


def simulate_replication(plan: EnginePlan, streams: dict[str, np.random.Generator]) -> Records:
    """Run one replication and return its per-contact records."""
    return CallCenterModel(plan, streams).run()
