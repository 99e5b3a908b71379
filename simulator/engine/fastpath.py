"""The single-queue fast path: one contact type in one priority class, served at once by one group,
without callbacks or overflow (the Erlang C/A case, ``RoutingTables.single``).

The same model as ``ContactFlow._enter_queue`` / ``_start`` / ``_on_done`` / ``_agent_free`` /
``_next_call`` restricted to that case, without the loops over groups, types and priority classes,
with the state bound once in a closure rather than looked up on the model per call, and with the
same events in the same order, so the records are identical (``tests/test_engine_paths.py`` runs
both paths and compares every column). Staffing changes, outsourcing, repeats and redials still go
through the general handlers. Three savings, each leaving the records as they were:

- Patience is settled lazily when abandoning has no consequence but its own record (no redials,
  no outsourcing): with one FCFS queue, nobody overtakes a waiting caller, so a caller still
  waiting when their give-up time passes abandoned at that time whenever it is noticed (when an
  agent reaches them at the head of the queue, or at the end of the run). No patience event: two
  events per call (arrival, completion) instead of up to three.
- An agent's completion event is reused for the agent's next call (the event has been processed;
  it is rescheduled with a new value), and agents going idle leave theirs for the next arrival.
- Events are pushed on SimPy's queue directly, as ``Environment.schedule`` does (the same
  ``(time, priority, id, event)`` entries; ``timer.py`` explains the simpy pin).
"""

from __future__ import annotations

from collections import deque
from heapq import heappush
from typing import TYPE_CHECKING, Callable

from simpy.events import NORMAL, Event

from simulator.engine.events import INF
from simulator.engine.records import ABANDONED
from simulator.engine.routing import DONE, IN_SERVICE, WAITING
from simulator.engine.timer import Timer

if TYPE_CHECKING:  # type hints only: the model imports this module
    from simulator.engine.callcenter import CallCenterModel


def single_queue(model: "CallCenterModel") -> tuple[Callable[[int], None], Callable[[int], tuple[int, float]],
                                                Callable[[], None]]:
    """``model``'s one queue: the queue-entry callback, the ``_next_call`` used by staffing changes
    and the general handlers, and what settles the lazy patience of callers left at the end."""
    env = model.env
    heap, eid = env._queue, env._eid
    status, answer, need_of = model.status, model.answer, model.need_of
    handle_row, patience_row, fcr_row = model.handle_row, model.patience_row, model.fcr_row
    idle, busy_n, leaving, waiting = model.idle, model.busy_n, model.leaving, model.waiting
    outcome, wait, qtime = model.outcome, model.wait, model.qtime
    queue = model.queues[0][model.routes.prio_levels[0]]
    f = model.routes.immediate[0][0][1]
    on_patience, on_outsource = model._on_patience, model._on_outsource
    p = model.plan
    out_after = p.outsource.after_seconds if p.outsource is not None else INF
    lazy = p.outsource is None and p.redial_probability <= 0
    gives_up: deque[float] = deque()  # lazy: each queued caller's give-up time, alongside ``queue``
    spare: list[Event] = []  # processed completion events of agents gone idle, to reuse
    done_callbacks: list = []  # one list for every completion event (SimPy only iterates it)

    def enter_queue(r: int) -> None:
        if idle[0] > 0:
            idle[0] -= 1
            busy_n[0] += 1
            now = env._now
            answer[r] = now
            if spare:
                ev = spare.pop()
                ev._value = r
                ev.callbacks = done_callbacks
                heappush(heap, (now + handle_row[r] * f, NORMAL, next(eid), ev))
            else:
                Timer(env, handle_row[r] * f, r, on_done)
            return
        status[r] = WAITING
        queue.append(r)
        waiting[0] += 1
        pat = patience_row[r]
        if lazy:
            gives_up.append(env._now + pat)
            return
        if pat < INF:
            Timer(env, pat, r, on_patience)
        if out_after < pat:
            Timer(env, out_after, r, on_outsource)

    def take(now: float) -> int:
        """The caller at the head of the queue, removed from it (-1: nobody waits)."""
        if lazy:
            while queue:
                r = queue.popleft()
                t = gives_up.popleft()
                waiting[0] -= 1
                if t > now:
                    return r
                abandon(r, t)
            return -1
        if not waiting[0]:
            return -1
        # Abandoned or outsourced callers are still in the deque (lazy deletion).
        while status[queue[0]] != WAITING:
            queue.popleft()
        waiting[0] -= 1
        return queue.popleft()

    def abandon(r: int, t: float) -> None:
        """Caller ``r`` gave up at ``t`` (what ``_on_patience`` records, without redials)."""
        status[r] = DONE
        wait[r] = t - qtime[r]
        outcome[r] = ABANDONED

    def on_done(ev: Event) -> None:
        r = ev._value
        if not fcr_row[r]:
            model._schedule_repeat(need_of[r], env._now, row=r)
        # ``closing`` is read on the model: the staffing events set it.
        if leaving[0] > 0 and not model.closing:
            busy_n[0] -= 1
            leaving[0] -= 1
            spare.append(ev)
            return
        now = env._now
        r = take(now)
        if r >= 0:
            status[r] = IN_SERVICE
            answer[r] = now
            ev._value = r
            ev.callbacks = done_callbacks
            heappush(heap, (now + handle_row[r] * f, NORMAL, next(eid), ev))
            return
        busy_n[0] -= 1
        spare.append(ev)
        if model.closing:
            leaving[0] = max(0, leaving[0] - 1)
        else:
            idle[0] += 1

    def next_call(g: int) -> tuple[int, float]:
        return take(env._now), f

    def finish() -> None:
        """Callers still queued when the run ends gave up at their give-up time (if they have one)."""
        while queue:
            r, t = queue.popleft(), gives_up.popleft()
            waiting[0] -= 1
            if t < INF:
                abandon(r, t)

    done_callbacks.append(on_done)
    model.closure_lists += [done_callbacks, spare]
    return enter_queue, next_call, finish if lazy else (lambda: None)
