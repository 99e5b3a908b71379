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

import ctypes
import math
import sys
from array import array
from collections import deque
from dataclasses import fields
from types import SimpleNamespace
from typing import Callable

import numpy as np
import simpy
from simpy.events import Timeout

from simulator.engine.clock import week_shift_scalar
from simulator.engine.collect import build_records
from simulator.engine.contacts import ContactAttributes, draw_needs
from simulator.engine.events import ContactFlow
from simulator.engine.fastpath import single_queue
from simulator.engine.generations import CHUNK, GENERATIONS, LaterContacts
from simulator.engine.needs import first_contacts
from simulator.engine.records import (
    BOT_HANDOFF,
    BOT_RESOLVED,
    CONTAINED,
    KIND_BOT_FAILED_CALL,
    KIND_BOT_HANDOFF_CALL,
    KIND_BOT_SESSION,
    KIND_CALL,
    KIND_SS_FAILED_CALL,
    KIND_SS_SESSION,
    SS_FAILED,
    SS_RESOLVED,
    Records,
)
from simulator.engine.routing import (
    empty_queues,
    routing_tables,
)
from simulator.engine.timer import Timer, arrivals_callback
from simulator.model.plan import EnginePlan


class CallCenterModel(ContactFlow):
    """One replication of one scenario. ``run()`` returns the per-contact records.

    ``fast_path=False`` runs the general handlers even where the single-queue fast path applies
    (the two give identical records; the flag exists to test that). ``on_day`` (progress of a long
    replication) is called with ``d`` as simulated day ``d`` >= 1 begins; it must not print.
    """

    def __init__(self, plan: EnginePlan, streams: dict[str, np.random.Generator], fast_path: bool = True,
                 on_day: Callable[[int], None] | None = None) -> None:
        self.plan = plan
        self.on_day = on_day
        self.streams = streams
        self.fast_path = fast_path
        self.env = simpy.Environment()
        self._secondary = streams["secondary"]
        self._connect_rng = streams["callback_connect"]
        self.week_shift = week_shift_scalar(plan)  # None unless some weekday is closed
        self._stream_states = {name: g.bit_generator.state for name, g in streams.items()}
        self.closure_lists: list[list] = []

    # ------------------------------------------------------------------ set-up (vectorised)
    def _build_contacts(self) -> None:
        p = self.plan
        needs = draw_needs(p, self.streams)
        fc = first_contacts(p, needs)
        n = len(needs)
        ktype, t_need, a = needs.ctype, needs.arrival_s, fc.attributes
        del needs  # the draws are spent: only their consequences (``fc``) are kept

        # Self-service sessions and bot conversations are contacts of their own (rows), resolved
        # or not, ahead of the calls.
        ss_idx = np.flatnonzero(fc.ss_session)
        bot_idx = np.flatnonzero(fc.bot_session)
        call_idx = np.flatnonzero(fc.is_call)
        m_ss, m_s = len(ss_idx), len(ss_idx) + len(bot_idx)
        rows = m_s + len(call_idx)
        self.n_needs = n
        self.static_rows = rows
        need = np.concatenate([ss_idx, bot_idx, call_idx])
        kind = np.empty(rows, dtype=np.int8)
        kind[:m_ss] = KIND_SS_SESSION
        kind[m_ss:m_s] = KIND_BOT_SESSION
        kind[m_s:] = np.select(
            [fc.ss_failed[call_idx], fc.bot_handoff[call_idx], fc.bot_failed[call_idx]],
            [KIND_SS_FAILED_CALL, KIND_BOT_HANDOFF_CALL, KIND_BOT_FAILED_CALL],
            KIND_CALL,
        )
        outcome = np.zeros(rows, dtype=np.int8)
        outcome[:m_ss] = np.where(fc.ss_resolved[ss_idx], SS_RESOLVED, SS_FAILED)
        outcome[m_ss:m_s] = np.where(fc.bot_resolved[bot_idx], BOT_RESOLVED, BOT_HANDOFF)
        cont = fc.contained[call_idx]
        outcome[m_s:][cont] = CONTAINED
        self.static_resolved = np.concatenate([fc.session_resolved[need[:m_s]], fc.contained_resolved[call_idx]])
        self._pending_repeats = list(zip(fc.leak_repeat_s.tolist(), fc.leak_needs.tolist()))

        # Per-contact state, as typed arrays (``array``: compact, growable as contacts are created
        # during the run, and read as numpy without a copy when the records are built). Each
        # numpy source is dropped once copied: a month of calls holds few columns twice.
        self.arrival = _typed("d", np.concatenate([t_need[need[:m_s]], fc.call_s[call_idx]]))
        del t_need
        ivr = np.full(rows, np.nan)
        ivr[m_s:] = a.ivr_seconds[call_idx]
        self.ivr = _typed("d", ivr)
        del ivr
        q_rows = m_s + np.flatnonzero(~cont)
        del cont
        qtime = np.zeros(rows)
        qtime[m_s:] = fc.call_s[call_idx] + a.ivr_seconds[call_idx]
        del ss_idx, bot_idx, call_idx
        q_rows = q_rows[np.argsort(qtime[q_rows], kind="stable")]
        self.feed_times = _typed("d", qtime[q_rows])
        self.queue_entry_rows = _typed("q", q_rows)
        del q_rows
        self.qtime = _typed("d", qtime)
        del qtime
        self.need_of = _typed("q", need)
        self.kind = _typed("b", kind)
        del kind
        self.ktype = _typed("h", ktype[need])
        self.prio = _typed("b", fc.priority[need])
        self.status = array("b", bytes(rows))  # NOT_QUEUED
        # The attributes every queued contact reads, per row (a row's need's for the rows drawn
        # up front; contacts created during the run append their own).
        self.handle_row = _typed("d", a.handle_seconds[need])
        self.patience_row = _typed("d", a.patience_seconds[need])
        self.fcr_row = _typed("b", a.fcr_ok[need])
        del need
        # Attributes of the need read on rarer paths (callbacks, redials, repeats): numpy arrays,
        # read one scalar at a time, only those the plan uses.
        self._need_rare = _rare_attributes(p, a)
        self.n_ktype = ktype.astype(np.int16)
        self.n_prio = fc.priority.astype(np.int8)
        self.n_gen = array("i", bytes(4 * n))
        del fc, a
        # Later contacts (repeats, redials) of a need: their attributes, computed on demand.
        self.later = LaterContacts(p, self._secondary, self.n_ktype) if self._makes_later_contacts() else None
        self.gen_of = array("b", [-1]) * rows  # -1: a need's first contact; g: its later contact of generation g
        self.late_attrs: dict[int, SimpleNamespace] = {}  # rare-path attributes of rows beyond the generations
        # Outputs filled during the run. An agent answering a call writes its answer time and
        # group: wait, handle, busy time, outcome and resolution follow from it and are derived in
        # ``_collect``. The rarer paths (abandonment, callbacks, outsourcing) write the others;
        # columns only callbacks and outsourcing write are sparse: row -> value.
        self.answer = array("d", [math.nan]) * rows
        self.group_out = array("h", [-1]) * rows
        self.outcome = _typed("b", outcome)
        self.wait = array("d", [math.nan]) * rows
        self.handle_out: dict[int, float] = {}
        self.outbound: dict[int, float] = {}
        self.busy: dict[int, float] = {}
        self.cb_accepted: dict[int, bool] = {}
        self.attempts: dict[int, int] = {}

    def _makes_later_contacts(self) -> bool:
        """Whether the plan can create contacts during the run (repeats, redials)."""
        p = self.plan
        leaks = p.false_containment_share > 0 or p.false_ss_share > 0 or p.bot_false_resolution_share > 0
        failed_bot_repeats = p.bot_failed_fcr_penalty > 0 and any(t.bot_engagement > 0 for t in p.types)
        return p.redial_probability > 0 or leaks or failed_bot_repeats or any(t.fcr < 1.0 for t in p.types)

    @property
    def g_attr(self) -> ContactAttributes | None:
        """The attributes of every need's later contacts as (needs, ``GENERATIONS``) columns, computed
        afresh (for inspection: the run reads them chunk by chunk)."""
        if self.later is None:
            return None
        cols = [[self.later.full(c, g) for g in range(GENERATIONS)]
                for c in range(-(-self.n_needs // CHUNK))]
        return ContactAttributes(**{f.name: np.concatenate([np.stack([getattr(x, f.name) for x in row], axis=1)
                                                           for row in cols]) for f in fields(ContactAttributes)})

    @property
    def need_attr(self) -> ContactAttributes:
        """Every attribute of each need's first contact, drawn afresh from copies of the streams'
        starting states (for inspection: the run keeps only those it reads)."""
        streams = {}
        for name, state in self._stream_states.items():
            bg = np.random.PCG64()
            bg.state = state
            streams[name] = np.random.Generator(bg)
        return first_contacts(self.plan, draw_needs(self.plan, streams)).attributes

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
        feed_rows = self.queue_entry_rows
        feed_times = self.feed_times
        finish = None
        if self.single:
            self.enter_queue, self._next_call, finish = single_queue(self)
        else:
            self.enter_queue = self._enter_queue
        on_feed = arrivals_callback(env, feed_rows, feed_times, self.enter_queue, self.closure_lists)
        if feed_rows:
            Timer(env, feed_times[0], 0, on_feed)
        for t, need in self._pending_repeats:
            self._schedule_repeat(need, t)
        del self._pending_repeats
        env.run()
        if finish is not None:
            finish()
        return self._collect()

    def release(self) -> None:
        """Drop every reference the model holds (the handlers bound into it make reference cycles),
        so that a finished replication is freed at once rather than when the collector runs."""
        env = self.__dict__.get("env")
        if env is not None:
            env.__dict__.clear()  # SimPy binds its event factories to the environment: a cycle
        for lst in self.__dict__.get("closure_lists", ()):
            lst.clear()
        self.__dict__.clear()

    # ------------------------------------------------------------------ output
    def _collect(self) -> Records:
        """The records (``collect.build_records``), once what only the run reads is dropped."""
        if self.later is not None:
            self.later.clear()
        self.patience_row = self.gen_of = self.n_gen = self.late_attrs = self._need_rare = None
        self.queue_entry_rows = self.feed_times = None
        return build_records(self)


def _typed(code: str, values: np.ndarray) -> array:
    """A typed ``array`` holding ``values`` (one copy, no Python objects per element)."""
    out = array(code)
    out.frombytes(memoryview(np.ascontiguousarray(values, dtype=np.dtype(code))).cast("B"))
    return out


def _rare_attributes(plan: EnginePlan, a: ContactAttributes) -> dict[str, np.ndarray]:
    """The per-need attributes read only on rare paths, those the plan can read."""
    keep = {"repeat_delay_seconds": a.repeat_delay_seconds}
    if plan.callback is not None:
        keep["callback_u"] = a.callback_u
    if plan.redial_probability > 0:
        keep["redial_u"] = a.redial_u
        keep["redial_delay_seconds"] = a.redial_delay_seconds
    return keep


def simulate_replication(plan: EnginePlan, streams: dict[str, np.random.Generator],
                         on_day: Callable[[int], None] | None = None) -> Records:
    """Run one replication and return its per-contact records; the model is freed as it returns.
    ``on_day(d)`` is called as simulated day ``d`` >= 1 begins (progress of a long replication)."""
    fixed_mmap_threshold()
    model = CallCenterModel(plan, streams, on_day=on_day)
    try:
        return model.run()
    finally:
        model.release()


_MMAP_FIXED = []


def fixed_mmap_threshold() -> None:
    """Keep large arrays mapped, so that memory freed is given back at once (glibc only, once).

    glibc raises its mmap threshold each time a large block is freed (up to 32 MiB); after that, a
    month's columns and temporaries of a few MiB come from the heap, and freed they stay in the
    process, fragmented: the peak resident memory of a month-long replication grows by a third. A
    fixed threshold (the default 128 KiB) turns that adjustment off. Elsewhere this does nothing.
    """
    if _MMAP_FIXED or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
        _MMAP_FIXED.append(libc)  # kept: the library object is cyclic, not garbage
    except (OSError, AttributeError):
        _MMAP_FIXED.append(None)
