"""The single-queue fast path: one contact type in one priority class, served at once by one group,
without callbacks or overflow (the Erlang C/A case, ``RoutingTables.single``).

The same model as ``ContactFlow._enter_queue`` / ``_start`` / ``_on_done`` / ``_agent_free`` /
``_next_call`` restricted to that case, without the loops over groups, types and priority classes,
with the state bound once in a closure rather than looked up on the model per call, and with the
same events created in the same order, so the records are identical (``tests/test_engine_paths.py``
runs both paths and compares every column). Staffing changes, patience, outsourcing, repeats and
redials still go through the general handlers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from simpy.events import Event

from simulator.engine.events import INF
from simulator.engine.routing import IN_SERVICE, WAITING
from simulator.engine.timer import Timer

if TYPE_CHECKING:  # type hints only: the model imports this module
    from simulator.engine.callcenter import CallCenterModel


def single_queue(model: "CallCenterModel") -> Callable[[int], None]:
    """The queue-entry callback of ``model``'s one queue (its completions are closures too)."""
    env = model.env
    status, answer, need_of = model.status, model.answer, model.need_of
    handle_row, patience_row, fcr_row = model.handle_row, model.patience_row, model.fcr_row
    idle, busy_n, leaving, waiting = model.idle, model.busy_n, model.leaving, model.waiting
    queue = model.queues[0][model.routes.prio_levels[0]]
    f = model.routes.immediate[0][0][1]
    on_patience, on_outsource = model._on_patience, model._on_outsource
    out_after = model.plan.outsource.after_seconds if model.plan.outsource is not None else INF

    def enter_queue(r: int) -> None:
        if idle[0] > 0:
            idle[0] -= 1
            busy_n[0] += 1
            answer[r] = env.now
            Timer(env, handle_row[r] * f, r, on_done)
            return
        status[r] = WAITING
        queue.append(r)
        waiting[0] += 1
        pat = patience_row[r]
        if pat < INF:
            Timer(env, pat, r, on_patience)
        if out_after < pat:
            Timer(env, out_after, r, on_outsource)

    def on_done(ev: Event) -> None:
        r = ev._value
        if not fcr_row[r]:
            model._schedule_repeat(need_of[r], env.now, row=r)
        # ``closing`` is read on the model: the staffing events set it.
        if leaving[0] > 0 and not model.closing:
            busy_n[0] -= 1
            leaving[0] -= 1
            return
        if waiting[0]:
            # Abandoned or outsourced callers are still in the deque (lazy deletion).
            while status[queue[0]] != WAITING:
                queue.popleft()
            r = queue.popleft()
            waiting[0] -= 1
            status[r] = IN_SERVICE
            answer[r] = env.now
            Timer(env, handle_row[r] * f, r, on_done)
            return
        busy_n[0] -= 1
        if model.closing:
            leaving[0] = max(0, leaving[0] - 1)
        else:
            idle[0] += 1

    return enter_queue
