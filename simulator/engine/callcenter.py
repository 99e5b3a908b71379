"""The SimPy model of a call center: arrivals, self-service, IVR, queues and routing, callbacks,
agents, repeats and redials. Emits one row per contact as numpy columns (``records``).

Design, and why:
- Every customer need and all its random attributes are drawn up front, vectorised, by inverse
  CDF from named streams (``streams``). A lever that changes one contact's fate therefore leaves
  every other contact's draws as they were: common random numbers between scenarios.
- The SimPy environment is driven by event callbacks rather than one process per call: a call is
  a row index, and its events are timeouts (``_Timer``) whose value is that index. This is the
  same discrete-event semantics as the textbook process model at a fraction of the cost (see
  ``benchmarks/bench_engine.py``).
- The hot path writes as little as it can: an answered call records its answer time (and group);
  its wait, handle and busy time, outcome and resolution are derived, vectorised, in
  ``_collect``. One queue served by one group (the Erlang C/A case) has its own callbacks.
- Queues are FCFS deques per (contact type, priority) with lazy deletion: a caller who abandons
  or is handed to a vendor is marked, and skipped when they reach the head. Which call a free
  agent takes, and which group an arriving call goes to, are the rules of ``routing``.
- Agents of a group are interchangeable, so a group is three counters (idle, busy, leaving).
  Staffing changes at interval boundaries; an agent whose shift ends mid-call finishes it first.
  At close, arrivals stop and the agents on the floor drain the queue before leaving.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import simpy
from simpy.events import NORMAL, Event, Timeout

from simulator.model.plan import EnginePlan
from simulator.engine.records import (
    ABANDONED,
    ANSWERED,
    BOT_HANDOFF,
    BOT_RESOLVED,
    CALLBACK_ANSWERED,
    CALLBACK_FAILED,
    CONTAINED,
    KIND_BOT_HANDOFF_CALL,
    KIND_BOT_SESSION,
    KIND_CALL,
    KIND_REDIAL,
    KIND_REPEAT,
    KIND_SS_FAILED_CALL,
    KIND_SS_SESSION,
    OUTSOURCED,
    SS_FAILED,
    SS_RESOLVED,
    UNSERVED,
    Records,
)
from simulator.engine.routing import (
    CB_WAITING as _CB_WAITING,
    DONE as _DONE,
    IN_SERVICE as _IN_SERVICE,
    NOT_QUEUED as _NOT_QUEUED,
    OVERFLOW_EPS as _EPS,
    WAITING as _WAITING,
    empty_queues,
    expected_wait,
    next_call,
    routing_tables,
)

_INF = math.inf
_GROUP_BITS = 64  # completion events carry contact * 64 + group


class _Timer(Event):
    """A SimPy ``Timeout`` with its one callback, built in one call.

    The hot path schedules about two events per call; ``Timeout(env, delay, value)`` followed by
    ``callbacks.append`` costs two more Python calls and a delay check per event. This is the same
    event (triggered, ``_ok``, a value, a callbacks list, scheduled at ``now + delay`` with normal
    priority) minus that overhead. Callers guarantee ``delay >= 0`` (handle times, patience,
    gaps between sorted arrival times); delays computed at run time still use ``Timeout``.
    """

    def __init__(self, env: simpy.Environment, delay: float, value: int, callback: Callable[[Event], None]) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


def business_shift(plan: EnginePlan, t: np.ndarray | float, delay: np.ndarray | float) -> np.ndarray:
    """Time ``delay`` seconds of opening hours after ``t``.

    Customers come back (repeats, redials) when the center is open: a delay counts only open
    hours, so a caller whose delay runs past close rings the next morning, spread as the delay
    is, rather than all at 08:00.
    """
    t = np.asarray(t, dtype=float)
    L = plan.close_seconds - plan.open_seconds
    day = np.floor(t / 86400.0)
    within = np.clip(t - day * 86400.0 - plan.open_seconds, 0.0, L)
    b = day * L + within + np.asarray(delay, dtype=float)
    nday = np.floor(b / L)
    return nday * 86400.0 + plan.open_seconds + (b - nday * L)


def _business_shift_scalar(open_s: float, close_s: float, t: float, delay: float) -> float:
    """``business_shift`` for one time (pure Python: called once per repeat or redial)."""
    L = close_s - open_s
    day = math.floor(t / 86400.0)
    within = min(max(t - day * 86400.0 - open_s, 0.0), L)
    b = day * L + within + delay
    nday = math.floor(b / L)
    return nday * 86400.0 + open_s + (b - nday * L)


# Attributes of a need's later contacts (repeats, redials) are drawn up front for this many
# generations per need, so that they too are common random numbers between scenarios.
_GENERATIONS = 3


class CallCenterModel:
    """One replication of one scenario. ``run()`` returns the per-contact records."""

    def __init__(self, plan: EnginePlan, streams: dict[str, np.random.Generator]) -> None:
        self.plan = plan
        self.streams = streams
        self.env = simpy.Environment()
        self._secondary = streams["secondary"]
        self._connect_rng = streams["callback_connect"]

    # ------------------------------------------------------------------ set-up (vectorised)
    def _draw_needs(self) -> np.ndarray:
        """Arrival times of customer needs: non-homogeneous Poisson, piecewise constant per interval."""
        p, s = self.plan, self.streams
        n_int = p.intervals_per_day
        mult = np.ones(p.days)
        if p.daily_cv > 0:
            shape = 1.0 / p.daily_cv**2
            mult = s["daily_volume"].gamma(shape, 1.0 / shape, size=p.days)
        lam = p.calls_per_day * mult[:, None] * p.profile[None, :]
        counts = s["arrival_counts"].poisson(lam)
        starts = (np.arange(p.days)[:, None] * 86400.0 + p.open_seconds + np.arange(n_int)[None, :] * p.interval_seconds)
        total = int(counts.sum())
        offsets = s["arrival_times"].random(total) * p.interval_seconds
        times = np.repeat(starts.ravel(), counts.ravel()) + offsets
        return np.sort(times)

    def _build_contacts(self) -> None:
        p, s = self.plan, self.streams
        t_need = self._draw_needs()
        n = len(t_need)
        types = p.types
        cum = np.cumsum([t.share for t in types])
        cum[-1] = 1.0
        ktype = np.searchsorted(cum, s["contact_type"].random(n), side="right").astype(np.int64)
        ktype = np.minimum(ktype, len(types) - 1)
        u_handle = s["handle_time"].random(n)
        u_pat = s["patience"].random(n)
        u_ivr = s["ivr_time"].random(n)
        u_cont = s["ivr_containment"].random(n)
        u_ssa = s["self_service"].random(n)
        u_sss = s["self_service_success"].random(n)
        u_fcr = s["fcr"].random(n)
        u_rep = s["repeat_delay"].random(n)
        u_cb = s["callback"].random(n)
        u_rd = s["redial"].random(n)
        u_rdd = s["redial_delay"].random(n)
        u_vip = s["priority"].random(n)
        u_false = s["false_resolution"].random(n)

        def per_type(attr: str) -> np.ndarray:
            return np.array([getattr(t, attr) for t in types], dtype=float)[ktype]

        adopt = u_ssa < per_type("ss_adoption")
        ss_ok = adopt & (u_sss < per_type("ss_success"))
        ss_fail = adopt & ~ss_ok
        engaged, bot_ok, bot_fail, failed_transfer = self._bot_draws(n, adopt, per_type)
        # A failed session ends in a call once the center is open (the session's length counts in
        # opening hours, like every later contact); a call that would fall after the horizon is
        # not simulated, as repeats beyond the horizon are not.
        call_t = np.where(ss_fail, business_shift(p, t_need, p.ss_session_seconds) if n else t_need, t_need)
        if bot_fail.any():  # the assistant's hand-off rings after the conversation, skipping the IVR
            call_t = np.where(bot_fail, business_shift(p, t_need, p.bot_session_seconds), call_t)
        ivr = p.ivr_time.ppf(u_ivr) if p.ivr_time is not None else np.zeros(n)
        ivr = np.where(bot_fail, 0.0, ivr)
        is_call = ~ss_ok & ~bot_ok & (call_t < p.horizon_end)
        contained = is_call & ~bot_fail & (u_cont < per_type("ivr_containment"))
        handle_fac = np.full(n, p.handle_factor)
        handle_fac *= np.where(is_call & ~contained & ~bot_fail, per_type("remaining_handle_factor"), 1.0)
        handle_fac *= np.where(ss_fail, per_type("ss_failed_handle_factor"), 1.0)
        handle_fac *= np.where(bot_fail, np.where(failed_transfer, p.bot_failed_handle_factor, p.bot_handoff_handle_factor), 1.0)
        handle = np.empty(n)
        patience = np.full(n, _INF)
        for k, tp in enumerate(types):
            m = ktype == k
            handle[m] = tp.handle.ppf(u_handle[m])
            if tp.patience is not None:
                patience[m] = tp.patience.ppf(u_pat[m])
        handle *= handle_fac
        prio = np.array([t.priority for t in types], dtype=np.int64)[ktype]
        if p.vip_share > 0:
            prio = np.where(u_vip < p.vip_share, 0, prio)
        fcr = per_type("fcr")
        fcr_ok = u_fcr < np.where(failed_transfer, np.maximum(0.0, fcr - p.bot_failed_fcr_penalty), fcr)
        rep_delay = np.empty(n)
        for k, tp in enumerate(types):
            m = ktype == k
            rep_delay[m] = tp.repeat_delay.ppf(u_rep[m])
        redial_delay = p.redial_delay.ppf(u_rdd) if p.redial_delay is not None else np.zeros(n)

        # Self-service sessions are contacts of their own (rows), resolved or not.
        ss_idx = np.flatnonzero(adopt)
        bot_idx = np.flatnonzero(engaged)
        call_idx = np.flatnonzero(is_call)
        m_ss, m_bot, m_call = len(ss_idx), len(bot_idx), len(call_idx)
        m_sess = m_ss + m_bot
        rows = m_sess + m_call
        self.n_needs = n
        R = self.rec = Records.empty(rows)
        R.need[:m_ss] = ss_idx
        R.kind[:m_ss] = KIND_SS_SESSION
        R.ctype[:m_ss] = ktype[ss_idx]
        R.priority[:m_ss] = prio[ss_idx]
        R.arrival_s[:m_ss] = t_need[ss_idx]
        R.outcome[:m_ss] = np.where(ss_ok[ss_idx], SS_RESOLVED, SS_FAILED)
        R.resolved[:m_ss] = ss_ok[ss_idx] & (u_false[ss_idx] >= p.false_ss_share)
        # Conversations with the AI assistant are contacts of their own too.
        bots = slice(m_ss, m_sess)
        R.need[bots] = bot_idx
        R.kind[bots] = KIND_BOT_SESSION
        R.ctype[bots] = ktype[bot_idx]
        R.priority[bots] = prio[bot_idx]
        R.arrival_s[bots] = t_need[bot_idx]
        R.outcome[bots] = np.where(bot_ok[bot_idx], BOT_RESOLVED, BOT_HANDOFF)
        R.resolved[bots] = bot_ok[bot_idx] & (u_false[bot_idx] >= p.bot_false_resolution_share)
        R.need[m_sess:] = call_idx
        R.kind[m_sess:] = np.where(ss_fail[call_idx], KIND_SS_FAILED_CALL,
                                   np.where(bot_fail[call_idx], KIND_BOT_HANDOFF_CALL, KIND_CALL))
        R.ctype[m_sess:] = ktype[call_idx]
        R.priority[m_sess:] = prio[call_idx]
        R.arrival_s[m_sess:] = call_t[call_idx]
        R.ivr_s[m_sess:] = ivr[call_idx]
        cont = contained[call_idx]
        R.outcome[m_sess:][cont] = CONTAINED
        R.resolved[m_sess:] = cont & (u_false[call_idx] >= p.false_containment_share)

        # Leaky automation: needs "resolved" by self-service or the IVR that were not really helped.
        leak_ss = ss_ok & (u_false < p.false_ss_share)
        leak_ivr = contained & (u_false < p.false_containment_share)
        # They come back a repeat delay after the session ends (or after leaving the IVR).
        self._pending_repeats = [(float(t_need[i] + p.ss_session_seconds), int(i)) for i in np.flatnonzero(leak_ss)]
        self._pending_repeats += [(float(call_t[i] + ivr[i]), int(i)) for i in np.flatnonzero(leak_ivr)]
        leak_bot = bot_ok & (u_false < p.bot_false_resolution_share)
        self._pending_repeats += [(float(t_need[i] + p.bot_session_seconds), int(i)) for i in np.flatnonzero(leak_bot)]

        # Per-contact engine state, as flat Python lists (fast scalar access in callbacks).
        q_rows = m_sess + np.flatnonzero(~cont)
        qtime = (call_t + ivr)[call_idx]
        self.queue_entry_rows = q_rows[np.argsort(qtime[~cont], kind="stable")]
        self.need_of = R.need.tolist()
        self.ktype = R.ctype.tolist()
        self.prio = R.priority.tolist()
        qtime_rows = np.zeros(rows)
        qtime_rows[m_sess:] = qtime
        self.static_qtime = qtime_rows
        self.qtime = qtime_rows.tolist()
        self.feed_times = qtime_rows[self.queue_entry_rows].tolist()
        self.status = [_NOT_QUEUED] * rows
        # The attributes every queued contact reads, per row (a row's need's for the rows drawn
        # up front; contacts created during the run append their own).
        self.static_handle = handle[R.need]
        self.static_fcr = fcr_ok[R.need]
        self.handle_row = self.static_handle.tolist()
        self.patience_row = patience[R.need].tolist()
        self.fcr_row = self.static_fcr.tolist()
        # Attributes of the need read on rarer paths (callbacks, redials, repeats): numpy arrays,
        # read one scalar at a time, rather than lists that cost more to build than to read.
        self.n_rep_delay = rep_delay
        self.n_cb = u_cb
        self.n_redial = u_rd
        self.n_redial_delay = redial_delay
        self.n_ktype = ktype
        self.n_prio = prio
        self._draw_generations(ktype, n)
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

    def _bot_draws(self, n: int, adopt: np.ndarray, per_type) -> tuple[np.ndarray, ...]:  # noqa: ANN001
        """Needs that talk to the AI assistant, those it resolves, those it hands off, and the
        hand-offs that are failed transfers (own streams: no other draw moves)."""
        p, s = self.plan, self.streams
        none = np.zeros(n, dtype=bool)
        if not any(t.bot_engagement > 0 for t in p.types):
            return none, none, none, none
        engaged = ~adopt & (s["chatbot"].random(n) < per_type("bot_engagement"))
        bot_ok = engaged & (s["chatbot_success"].random(n) < per_type("bot_containment"))
        bot_fail = engaged & ~bot_ok
        failed_transfer = bot_fail & (s["chatbot_failed"].random(n) < per_type("bot_failed_share"))
        return engaged, bot_ok, bot_fail, failed_transfer

    def _draw_generations(self, ktype: np.ndarray, n: int) -> None:
        """Attributes of each need's later contacts (repeats, redials), drawn up front.

        A need's j-th contact created during the run uses column j, for j < ``_GENERATIONS``;
        later ones draw from the secondary stream as they occur. Drawing per need rather than in
        the order contacts happen keeps them common random numbers: when a lever changes which
        needs come back, every other need's repeat still has the same handle time, patience, ...
        """
        p = self.plan
        self.n_gen = [0] * n
        leaks = p.false_containment_share > 0 or p.false_ss_share > 0
        if not (p.redial_probability > 0 or leaks or any(t.fcr < 1.0 for t in p.types)):
            self.g_attr = None
            return
        G = _GENERATIONS
        u = self._secondary.random((8, n, G))
        types = p.types
        handle = np.empty((n, G))
        patience = np.full((n, G), _INF)
        rep_delay = np.empty((n, G))
        fcr_ok = np.empty((n, G), dtype=bool)
        for k, tp in enumerate(types):
            m = ktype == k
            handle[m] = tp.handle.ppf(u[1][m]) * (p.handle_factor * tp.remaining_handle_factor)
            if tp.patience is not None:
                patience[m] = tp.patience.ppf(u[2][m])
            fcr_ok[m] = u[3][m] < tp.fcr
            rep_delay[m] = tp.repeat_delay.ppf(u[7][m])
        ivr = p.ivr_time.ppf(u[0]) if p.ivr_time is not None else np.zeros((n, G))
        redial_delay = p.redial_delay.ppf(u[6]) if p.redial_delay is not None else np.zeros((n, G))
        # Columns as (n, G) numpy arrays: scalar reads only for the contacts actually created.
        self.g_attr = (ivr, handle, patience, fcr_ok, u[4], u[5], redial_delay, rep_delay)

    # ------------------------------------------------------------------ routing state
    def _build_routing(self) -> None:
        p = self.plan
        G = len(p.group_names)
        self.routes = rt = routing_tables(p)
        self.single = rt.single
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
        self.enter_queue = self._single_queue() if self.single else self._enter_queue
        on_feed = self._feeder(feed_rows, feed_times, self.enter_queue)
        if feed_rows:
            _Timer(env, feed_times[0], 0, on_feed)
        for t, need in self._pending_repeats:
            self._schedule_repeat(need, t, from_now=False)
        env.run()
        return self._collect()

    def _feeder(self, rows: list[int], times: list[float], enter):  # noqa: ANN001, ANN202
        """The arrivals callback: one event per distinct queue-entry time, whose value is the
        position in ``rows`` (sorted by entry time) of the first call it brings in; ``enter``
        puts a call in the queue."""
        env = self.env
        n = len(rows)

        def on_feed(ev: Event) -> None:
            pos = ev._value
            now = env.now
            # Several queue entries may share an instant; take them all, then schedule the next.
            while pos < n and times[pos] <= now:
                enter(rows[pos])
                pos += 1
            if pos < n:
                _Timer(env, times[pos] - now, pos, on_feed)

        return on_feed

    # ------------------------------------------------------------------ queue entry
    def _enter_queue(self, r: int) -> None:
        k = self.ktype[r]
        idle = self.idle
        for g, f in self.routes.immediate[k]:
            if idle[g] > 0:
                idle[g] -= 1
                self.busy_n[g] += 1
                self._start(r, g, f)
                return
        cb = self.plan.callback
        if cb is not None:
            u = self.row_cb.get(r)
            if u is None:
                u = float(self.n_cb[self.need_of[r]])
            if expected_wait(self.routes, k, self.waiting, self.on_shift) > cb.threshold_seconds:
                self.callback_offers += 1
                if u < cb.acceptance:
                    # Leaves the line at once, keeps its place: no queue minutes, no abandonment.
                    self.cb_accepted[r] = True
                    self.wait[r] = 0.0
                    self.status[r] = _CB_WAITING
                    self.queues[k][self.prio[r]].append(r)
                    self.waiting[k] += 1
                    return
        self.status[r] = _WAITING
        self.queues[k][self.prio[r]].append(r)
        self.waiting[k] += 1
        env = self.env
        pat = self.patience_row[r]
        if pat < _INF:
            _Timer(env, pat, r, self._on_patience)
        for d in self.routes.delayed[k]:
            _Timer(env, d, r, self._on_overflow)
        out = self.plan.outsource
        if out is not None and out.after_seconds < pat:
            _Timer(env, out.after_seconds, r, self._on_outsource)

    # ------------------------------------------------------------------ service
    def _start(self, r: int, g: int, factor: float) -> None:
        if self.status[r] == _CB_WAITING:
            self._attempt_callback(r, g, factor)
            return
        self.status[r] = _IN_SERVICE
        self.answer[r] = self.env.now
        self.group_out[r] = g
        _Timer(self.env, self.handle_row[r] * factor, r * _GROUP_BITS + g, self._on_done)

    def _attempt_callback(self, r: int, g: int, factor: float) -> None:
        """An agent calls the customer back: connect, or a failed attempt and maybe a retry later."""
        cb = self.plan.callback
        env = self.env
        self.attempts[r] = self.attempts.get(r, 0) + 1
        self.group_out[r] = g
        if self._connect_rng.random() < cb.connect_rate:
            h = self.handle_row[r] * factor
            self.status[r] = _IN_SERVICE
            self.answer[r] = env.now
            self.handle_out[r] = h
            self.busy[r] = self.busy.get(r, 0.0) + h
            self.outbound[r] = self.outbound.get(r, 0.0) + h
            self.outcome[r] = CALLBACK_ANSWERED
            _Timer(env, h, r * _GROUP_BITS + g, self._on_done)
            return
        a = cb.attempt_seconds
        self.busy[r] = self.busy.get(r, 0.0) + a
        self.outbound[r] = self.outbound.get(r, 0.0) + a
        self.status[r] = _NOT_QUEUED
        if self.attempts[r] >= cb.max_attempts:
            self.outcome[r] = CALLBACK_FAILED
            self.status[r] = _DONE
        else:
            retry = Timeout(env, a + cb.retry_delay_seconds, r)
            retry.callbacks.append(self._on_callback_retry)
        ev = Timeout(env, a, -1 * _GROUP_BITS + g)  # the agent is busy dialling
        ev.callbacks.append(self._on_agent_free_event)

    def _on_callback_retry(self, ev: Timeout) -> None:
        r = ev._value
        k = self.ktype[r]
        self.status[r] = _CB_WAITING
        for g, f in self.routes.immediate[k]:
            if self.idle[g] > 0:
                self.idle[g] -= 1
                self.busy_n[g] += 1
                self._start(r, g, f)
                return
        # The caller keeps their place: the retry goes back among the waiting callers by its
        # original queue-entry time (retries are rare, so a short scan from the tail is cheap).
        q = self.queues[k][self.prio[r]]
        qtime = self.qtime
        entered = qtime[r]
        i = len(q)
        while i > 0 and qtime[q[i - 1]] > entered:
            i -= 1
        q.insert(i, r)
        self.waiting[k] += 1

    def _on_done(self, ev: Event) -> None:
        r, g = divmod(ev._value, _GROUP_BITS)
        self.status[r] = _DONE
        if not self.fcr_row[r]:
            self._schedule_repeat(self.need_of[r], self.env.now, from_now=True, row=r)
        self._agent_free(g)

    def _on_agent_free_event(self, ev: Timeout) -> None:
        self._agent_free(ev._value % _GROUP_BITS)

    def _agent_free(self, g: int) -> None:
        self.busy_n[g] -= 1
        if self.leaving[g] > 0 and not self.closing:
            self.leaving[g] -= 1
            return
        r, f = self._next_call(g)
        if r < 0:
            if self.closing:
                self.leaving[g] = max(0, self.leaving[g] - 1)
                return
            self.idle[g] += 1
            return
        self.busy_n[g] += 1
        self._start(r, g, f)

    def _next_call(self, g: int) -> tuple[int, float]:
        """The call group ``g`` takes next (``routing.next_call``), and its handle factor."""
        return next_call(self.routes.group_skills[g], self.queues, self.waiting, self.status, self.qtime, self.env.now)

    # ------------------------------------------------------------------ one queue, one group
    def _single_queue(self):  # noqa: ANN202
        """Queue entry and completion callbacks for one queue served by one group.

        The same model as ``_enter_queue`` / ``_start`` / ``_on_done`` / ``_agent_free`` /
        ``_next_call`` restricted to that case, without the loops over groups, types and priority
        classes, with the state bound once in a closure rather than looked up on ``self`` per
        call, and with the same events created in the same order (so results are identical).
        Returns ``enter_queue``; staffing changes still go through ``_next_call``.
        """
        model = self  # for ``closing``, which the staffing events set
        env = self.env
        status, answer, need_of = self.status, self.answer, self.need_of
        handle_row, patience_row, fcr_row = self.handle_row, self.patience_row, self.fcr_row
        idle, busy_n, leaving, waiting = self.idle, self.busy_n, self.leaving, self.waiting
        queue = self.queues[0][self.routes.prio_levels[0]]
        f = self.routes.immediate[0][0][1]
        on_patience, on_outsource = self._on_patience, self._on_outsource
        out_after = self.plan.outsource.after_seconds if self.plan.outsource is not None else _INF

        def enter_queue(r: int) -> None:
            if idle[0] > 0:
                idle[0] -= 1
                busy_n[0] += 1
                answer[r] = env.now
                _Timer(env, handle_row[r] * f, r, on_done)
                return
            status[r] = _WAITING
            queue.append(r)
            waiting[0] += 1
            pat = patience_row[r]
            if pat < _INF:
                _Timer(env, pat, r, on_patience)
            if out_after < pat:
                _Timer(env, out_after, r, on_outsource)

        def on_done(ev: Event) -> None:
            r = ev._value
            if not fcr_row[r]:
                model._schedule_repeat(need_of[r], env.now, from_now=True, row=r)
            if leaving[0] > 0 and not model.closing:
                busy_n[0] -= 1
                leaving[0] -= 1
                return
            if waiting[0]:
                # Abandoned or outsourced callers are still in the deque (lazy deletion).
                while status[queue[0]] != _WAITING:
                    queue.popleft()
                r = queue.popleft()
                waiting[0] -= 1
                status[r] = _IN_SERVICE
                answer[r] = env.now
                _Timer(env, handle_row[r] * f, r, on_done)
                return
            busy_n[0] -= 1
            if model.closing:
                leaving[0] = max(0, leaving[0] - 1)
            else:
                idle[0] += 1

        return enter_queue

    # ------------------------------------------------------------------ timers
    def _on_patience(self, ev: Event) -> None:
        r = ev._value
        if self.status[r] != _WAITING:
            return
        self.status[r] = _DONE
        self.waiting[self.ktype[r]] -= 1
        now = self.env.now
        self.wait[r] = now - self.qtime[r]
        self.outcome[r] = ABANDONED
        p = self.plan
        if p.redial_probability > 0:
            rd = self.row_redial.get(r)
            if rd is None:
                n = self.need_of[r]
                rd = (float(self.n_redial[n]), float(self.n_redial_delay[n]))
            if rd[0] < p.redial_probability:
                self._new_contact(self.need_of[r], KIND_REDIAL, now, rd[1])

    def _on_overflow(self, ev: Event) -> None:
        r = ev._value
        if self.status[r] != _WAITING:
            return
        k = self.ktype[r]
        waited = self.env.now - self.qtime[r]
        for g, d, f in self.routes.type_groups[k]:
            if d <= waited + _EPS and self.idle[g] > 0:
                # Take this caller out of its queue: lazy deletion keeps the deque valid.
                self.status[r] = _NOT_QUEUED
                self.waiting[k] -= 1
                self.idle[g] -= 1
                self.busy_n[g] += 1
                self._start(r, g, f)
                return

    def _on_outsource(self, ev: Event) -> None:
        r = ev._value
        if self.status[r] != _WAITING:
            return
        self.status[r] = _DONE
        self.waiting[self.ktype[r]] -= 1
        now = self.env.now
        self.answer[r] = now
        self.wait[r] = now - self.qtime[r]
        self.handle_out[r] = self.handle_row[r] * self._vendor_factor
        self.outcome[r] = OUTSOURCED
        if not self.fcr_row[r]:
            self._schedule_repeat(self.need_of[r], now, from_now=True, row=r)

    # ------------------------------------------------------------------ staffing
    def _on_interval(self, ev: Timeout) -> None:
        d, j = ev._value
        self.closing = False
        staffing = self.plan.staffing
        for g in range(len(self.idle)):
            self._set_staffing(g, int(staffing[g, j]))

    def _on_close(self, ev: Timeout) -> None:
        self.closing = True
        for g in range(len(self.idle)):
            self.idle[g] = 0
            self.on_shift[g] = 0
            self.leaving[g] = self.busy_n[g]

    def _set_staffing(self, g: int, target: int) -> None:
        diff = target - self.on_shift[g]
        self.on_shift[g] = target
        if diff > 0:
            cancel = min(self.leaving[g], diff)
            self.leaving[g] -= cancel
            diff -= cancel
            while diff > 0:
                r, f = self._next_call(g)
                if r < 0:
                    break
                self.busy_n[g] += 1
                diff -= 1
                self._start(r, g, f)
            self.idle[g] += diff
        elif diff < 0:
            need = -diff
            gone = min(self.idle[g], need)
            self.idle[g] -= gone
            self.leaving[g] += need - gone

    # ------------------------------------------------------------------ repeats and redials
    def _schedule_repeat(self, need: int, t: float, from_now: bool, row: int | None = None) -> None:
        delay = self.row_rep_delay.get(row) if row is not None else None
        if delay is None:
            delay = float(self.n_rep_delay[need])
        self._new_contact(need, KIND_REPEAT, t, delay)

    def _new_contact(self, need: int, kind: int, t: float, delay: float) -> None:
        """A contact created during the run: it rings after ``delay`` open-hours seconds."""
        p = self.plan
        when = _business_shift_scalar(p.open_seconds, p.close_seconds, t, delay)
        if when >= p.horizon_end:
            return
        k = int(self.n_ktype[need])
        gen = self.n_gen[need]
        self.n_gen[need] = gen + 1
        r = len(self.status)
        if self.g_attr is not None and gen < _GENERATIONS:
            a = self.g_attr
            ivr = float(a[0][need, gen])
            self.handle_row.append(float(a[1][need, gen]))
            self.patience_row.append(float(a[2][need, gen]))
            self.fcr_row.append(bool(a[3][need, gen]))
            self.row_cb[r] = float(a[4][need, gen])
            self.row_redial[r] = (float(a[5][need, gen]), float(a[6][need, gen]))
            self.row_rep_delay[r] = float(a[7][need, gen])
        else:
            ivr = self._draw_late_contact(r, k)
        prio = int(self.n_prio[need])
        self.dyn_rows.append((need, kind, k, prio, when, ivr))
        self.need_of.append(need)
        self.ktype.append(k)
        self.prio.append(prio)
        self.qtime.append(when + ivr)
        self.status.append(_NOT_QUEUED)
        self.answer.append(math.nan)
        ev = Timeout(self.env, when + ivr - self.env.now, r)
        ev.callbacks.append(self._on_late_contact)

    def _on_late_contact(self, ev: Timeout) -> None:
        self.enter_queue(ev._value)

    def _draw_late_contact(self, r: int, k: int) -> float:
        """Attributes of a contact beyond the pre-drawn generations (rare): drawn as it occurs."""
        p = self.plan
        tp = p.types[k]
        u = self._secondary.random(8)
        ivr = float(p.ivr_time.ppf(u[0:1])[0]) if p.ivr_time is not None else 0.0
        self.handle_row.append(float(tp.handle.ppf(u[1:2])[0]) * p.handle_factor * tp.remaining_handle_factor)
        self.patience_row.append(float(tp.patience.ppf(u[2:3])[0]) if tp.patience is not None else _INF)
        self.fcr_row.append(bool(u[3] < tp.fcr))
        self.row_cb[r] = float(u[4])
        self.row_redial[r] = (float(u[5]), float(p.redial_delay.ppf(u[6:7])[0]) if p.redial_delay is not None else 0.0)
        self.row_rep_delay[r] = float(tp.repeat_delay.ppf(u[7:8])[0])
        return ivr

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
        waiting_at_end = (status == _WAITING) | (status == _CB_WAITING)
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
