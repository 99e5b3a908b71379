"""The event handlers of the SimPy model: queue entry, service, callbacks, patience, overflow and
outsourcing timers, staffing changes, repeats and redials.

``ContactFlow`` holds the handlers; ``callcenter.CallCenterModel`` sets up the state they read
(per-row lists, routing tables, counters) and runs the environment. A call is a row index and its
events are ``Timer``s whose value is that index (completions carry ``row * GROUP_BITS + group``).
The hot path writes as little as it can: an answered call records its answer time (and group);
the rest is derived, vectorised, when the records are built. Queues are FCFS deques per (contact
type, priority) with lazy deletion: a caller who abandons or is handed to a vendor is marked, and
skipped when they reach the head. Agents of a group are interchangeable, so a group is three
counters (idle, busy, leaving); an agent whose shift ends mid-call finishes it first.
"""

from __future__ import annotations

import math
from array import array
from types import SimpleNamespace
from typing import Callable

import numpy as np
import simpy
from simpy.events import Event, Timeout

from simulator.engine.clock import business_shift_scalar
from simulator.engine.contacts import (
    ContactAttributes,
    contact_attributes,
    secondary_uniforms,
)
from simulator.engine.generations import GENERATIONS, LaterContacts
from simulator.engine.records import (
    ABANDONED,
    CALLBACK_ANSWERED,
    CALLBACK_FAILED,
    KIND_REDIAL,
    KIND_REPEAT,
    OUTSOURCED,
    UNSERVED,
)
from simulator.engine.routing import (
    CB_WAITING,
    DONE,
    IN_SERVICE,
    NOT_QUEUED,
    OVERFLOW_EPS,
    WAITING,
    RoutingTables,
    expected_wait,
    next_call,
)
from simulator.engine.timer import Timer
from simulator.model.plan import EnginePlan

INF = math.inf
# The attributes of a contact read after it is created, on rare paths (``_rare``).
_RARE = ("callback_u", "redial_u", "redial_delay_seconds", "repeat_delay_seconds")
GROUP_BITS = 64  # completion events carry contact * 64 + group



class ContactFlow:
    """Event handlers over the state that ``CallCenterModel`` builds (see its ``_build_*``)."""

    plan: EnginePlan
    env: simpy.Environment
    routes: RoutingTables
    enter_queue: Callable[[int], None]
    week_shift: Callable[[float, float], float] | None  # the opening-hours clock when some weekday is closed
    # lists that closures over the state hold and that hold those closures (reference cycles):
    # emptied when the model is released
    closure_lists: list[list]
    on_day: Callable[[int], None] | None  # progress hook: called with d at the start of day d >= 1
    # per row: typed arrays (``array.array``), appended to as contacts are created
    need_of: array
    kind: array
    ktype: array
    prio: array
    arrival: array
    ivr: array
    qtime: array
    status: array
    handle_row: array
    patience_row: array
    fcr_row: array
    gen_of: array  # -1: a need's first contact; g: its contact of generation g (GENERATIONS: beyond)
    answer: array
    group_out: array
    outcome: array
    wait: array
    late_attrs: dict[int, SimpleNamespace]  # rare-path attributes of the rows beyond the pre-drawn generations
    # per need: the first contact's attributes read on rare paths, and the later contacts' (None: none)
    _need_rare: dict[str, np.ndarray]
    later: LaterContacts | None
    n_gen: array
    n_ktype: np.ndarray
    n_prio: np.ndarray

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
            u = self._rare(r, "callback_u")
            if expected_wait(self.routes, k, self.waiting, self.on_shift) > cb.threshold_seconds:
                self.callback_offers += 1
                if u < cb.acceptance:
                    # Leaves the line at once, keeps its place: no queue minutes, no abandonment.
                    self.cb_accepted[r] = True
                    self.wait[r] = 0.0
                    self.status[r] = CB_WAITING
                    self.queues[k][self.prio[r]].append(r)
                    self.waiting[k] += 1
                    return
        self.status[r] = WAITING
        self.queues[k][self.prio[r]].append(r)
        self.waiting[k] += 1
        env = self.env
        pat = self.patience_row[r]
        if pat < INF:
            Timer(env, pat, r, self._on_patience)
        for d in self.routes.delayed[k]:
            Timer(env, d, r, self._on_overflow)
        out = self.plan.outsource
        if out is not None and out.after_seconds < pat:
            Timer(env, out.after_seconds, r, self._on_outsource)

    # ------------------------------------------------------------------ service
    def _start(self, r: int, g: int, factor: float) -> None:
        if self.status[r] == CB_WAITING:
            self._attempt_callback(r, g, factor)
            return
        self.status[r] = IN_SERVICE
        self.answer[r] = self.env.now
        self.group_out[r] = g
        Timer(self.env, self.handle_row[r] * factor, r * GROUP_BITS + g, self._on_done)

    def _attempt_callback(self, r: int, g: int, factor: float) -> None:
        """An agent calls the customer back: connect, or a failed attempt and maybe a retry later."""
        cb = self.plan.callback
        env = self.env
        self.attempts[r] = self.attempts.get(r, 0) + 1
        self.group_out[r] = g
        if self._connect_rng.random() < cb.connect_rate:
            h = self.handle_row[r] * factor
            self.status[r] = IN_SERVICE
            self.answer[r] = env.now
            self.handle_out[r] = h
            self.busy[r] = self.busy.get(r, 0.0) + h
            self.outbound[r] = self.outbound.get(r, 0.0) + h
            self.outcome[r] = CALLBACK_ANSWERED
            Timer(env, h, r * GROUP_BITS + g, self._on_done)
            return
        a = cb.attempt_seconds
        self.busy[r] = self.busy.get(r, 0.0) + a
        self.outbound[r] = self.outbound.get(r, 0.0) + a
        self.status[r] = NOT_QUEUED
        if self.attempts[r] >= cb.max_attempts:
            self.outcome[r] = CALLBACK_FAILED
            self.status[r] = DONE
        else:
            retry = Timeout(env, a + cb.retry_delay_seconds, r)
            retry.callbacks.append(self._on_callback_retry)
        ev = Timeout(env, a, -1 * GROUP_BITS + g)  # the agent is busy dialling
        ev.callbacks.append(self._on_agent_free_event)

    def _on_callback_retry(self, ev: Timeout) -> None:
        r = ev._value
        k = self.ktype[r]
        self.status[r] = CB_WAITING
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
        r, g = divmod(ev._value, GROUP_BITS)
        self.status[r] = DONE
        if not self.fcr_row[r]:
            self._schedule_repeat(self.need_of[r], self.env.now, row=r)
        self._agent_free(g)

    def _on_agent_free_event(self, ev: Timeout) -> None:
        self._agent_free(ev._value % GROUP_BITS)

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

    # ------------------------------------------------------------------ timers
    def _leave_queue(self, r: int) -> float:
        """A waiting caller leaves the queue for good (abandons, or goes to the vendor): the time."""
        self.status[r] = DONE
        self.waiting[self.ktype[r]] -= 1
        now = self.env.now
        self.wait[r] = now - self.qtime[r]
        return now

    def _on_patience(self, ev: Event) -> None:
        r = ev._value
        if self.status[r] != WAITING:
            return
        now = self._leave_queue(r)
        self.outcome[r] = ABANDONED
        p = self.plan
        if p.redial_probability > 0 and self._rare(r, "redial_u") < p.redial_probability:
            self._new_contact(self.need_of[r], KIND_REDIAL, now, self._rare(r, "redial_delay_seconds"))

    def _on_overflow(self, ev: Event) -> None:
        r = ev._value
        if self.status[r] != WAITING:
            return
        k = self.ktype[r]
        waited = self.env.now - self.qtime[r]
        for g, d, f in self.routes.type_groups[k]:
            if d <= waited + OVERFLOW_EPS and self.idle[g] > 0:
                # Take this caller out of its queue: lazy deletion keeps the deque valid.
                self.status[r] = NOT_QUEUED
                self.waiting[k] -= 1
                self.idle[g] -= 1
                self.busy_n[g] += 1
                self._start(r, g, f)
                return

    def _on_outsource(self, ev: Event) -> None:
        self._to_vendor(ev._value)

    def _to_vendor(self, r: int) -> None:
        if self.status[r] != WAITING:
            return
        seats = self.plan.outsource.seats
        if seats is not None:  # a vendor with a capacity: wait on our line for a vendor seat (FCFS)
            if self.vendor_busy >= seats:
                self.vendor_queue.append(r)
                return
            self.vendor_busy += 1
        now = self._leave_queue(r)
        self.answer[r] = now
        self.handle_out[r] = self.handle_row[r] * self._vendor_factor
        self.outcome[r] = OUTSOURCED
        if not self.fcr_row[r]:
            self._schedule_repeat(self.need_of[r], now, row=r)
        if seats is not None:
            Timer(self.env, self.handle_out[r], r, self._on_vendor_free)

    def _on_vendor_free(self, ev: Event) -> None:
        """A vendor seat frees: the longest-waiting caller past the threshold still on our line takes it."""
        self.vendor_busy -= 1
        while self.vendor_queue:
            r = self.vendor_queue.popleft()
            if self.status[r] == WAITING:
                self._to_vendor(r)
                return

    # ------------------------------------------------------------------ staffing
    def _on_interval(self, ev: Timeout) -> None:
        d, j = ev._value
        if j == 0 and d > 0 and self.on_day is not None:
            self.on_day(d)  # d simulated days are behind us
        self.closing = False
        staffing = self.plan.staffing
        if staffing.ndim == 3:  # per weekday
            staffing = staffing[self.plan.weekday(d)]
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
    def _schedule_repeat(self, need: int, t: float, row: int | None = None) -> None:
        """The need comes back a repeat delay after ``t`` (the delay of contact ``row``'s draws,
        or of the need's first contact)."""
        if row is None:
            delay = float(self._need_rare["repeat_delay_seconds"][need])
        else:
            delay = self._rare(row, "repeat_delay_seconds")
        self._new_contact(need, KIND_REPEAT, t, delay)

    def _rare(self, r: int, name: str) -> float:
        """Attribute ``name`` of contact ``r``, read on a rare path (callback, redial, repeat): its
        need's first contact's, or its generation's, or its own beyond the pre-drawn ones."""
        gen = self.gen_of[r]
        if gen < 0:
            return float(self._need_rare[name][self.need_of[r]])
        if gen < GENERATIONS:
            a, i = self.later.get(self.need_of[r], gen)
            return float(getattr(a, name)[i])
        return getattr(self.late_attrs[r], name)[0]

    def _new_contact(self, need: int, kind: int, t: float, delay: float) -> None:
        """A contact created during the run: it rings after ``delay`` open-hours seconds."""
        p = self.plan
        if self.week_shift is None:
            when = business_shift_scalar(p.open_seconds, p.close_seconds, t, delay)
        else:
            when = self.week_shift(t, delay)  # the clock skips closed days
        if when >= p.horizon_end:
            return
        k = int(self.n_ktype[need])
        gen = self.n_gen[need]
        self.n_gen[need] = gen + 1
        r = len(self.status)
        if self.later is not None and gen < GENERATIONS:
            a, at = self.later.get(need, gen)
        else:
            a, at = self._late_attributes(k), 0
            self.late_attrs[r] = SimpleNamespace(**{name: (float(getattr(a, name)[0]),) for name in _RARE})
            gen = GENERATIONS
        ivr = float(a.ivr_seconds[at])
        self.handle_row.append(float(a.handle_seconds[at]))
        self.patience_row.append(float(a.patience_seconds[at]))
        self.fcr_row.append(bool(a.fcr_ok[at]))
        self.gen_of.append(gen)
        self.need_of.append(need)
        self.kind.append(kind)
        self.ktype.append(k)
        self.prio.append(int(self.n_prio[need]))
        self.arrival.append(when)
        self.ivr.append(ivr)
        self.qtime.append(when + ivr)
        self.status.append(NOT_QUEUED)
        self.answer.append(math.nan)
        self.group_out.append(-1)
        self.outcome.append(UNSERVED)
        self.wait.append(math.nan)
        ev = Timeout(self.env, when + ivr - self.env.now, r)
        ev.callbacks.append(self._on_late_contact)

    def _on_late_contact(self, ev: Timeout) -> None:
        self.enter_queue(ev._value)

    def _late_attributes(self, k: int) -> ContactAttributes:
        """Attributes of one contact of type ``k`` beyond the pre-drawn generations (rare): drawn
        from the secondary stream as it occurs."""
        p = self.plan
        u = secondary_uniforms(self._secondary, (1,))
        # (handle x plan factor) x type factor: the rounding this path has always had.
        factors = (p.handle_factor, p.types[k].remaining_handle_factor)
        return contact_attributes(p, np.array([k]), u, factors)
