"""``Timer``: a SimPy ``Timeout`` with its one callback, built in one call.

The hot path schedules about two events per call; ``Timeout(env, delay, value)`` followed by
``callbacks.append`` costs two more Python calls and a delay check per event. ``Timer`` is the same
event (triggered, ``_ok``, a value, a callbacks list, scheduled at ``now + delay`` with normal
priority) minus that overhead. It sets SimPy's private ``_value`` and ``_ok`` exactly as
``Timeout.__init__`` does in simpy 4.1 (hence the pin ``simpy>=4.1,<4.2`` in pyproject.toml);
``tests/test_engine_unit.py`` compares a ``Timer`` with a ``Timeout`` field by field, so an
upgrade that changes SimPy's events fails there first.

Callers guarantee ``delay >= 0`` (handle times, patience, gaps between sorted arrival times);
delays computed at run time use ``Timeout``, which checks.
"""

from __future__ import annotations

from array import array
from heapq import heappush
from typing import Any, Callable

import simpy
from simpy.events import NORMAL, Event


class Timer(Event):
    """A triggered event processed ``delay`` seconds from now, with value ``value`` and one callback."""

    def __init__(self, env: simpy.Environment, delay: float, value: Any, callback: Callable[[Event], None]) -> None:
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


def arrivals_callback(env: simpy.Environment, rows: array, times: array, enter: Callable[[int], None],
                      closure_lists: list[list]) -> Callable[[Event], None]:
    """The arrivals callback: one event per distinct queue-entry time, whose value is the position
    in ``rows`` (sorted by entry time) of the first call it brings in; ``enter`` puts a call in the
    queue. The one event is reused: once processed, it is pushed back on SimPy's queue (as
    ``Environment.schedule`` does) for the next entry time. Its callbacks list, which the callback
    refers to, is added to ``closure_lists`` (a cycle the model breaks when it is released)."""
    heap, eid = env._queue, env._eid
    n = len(rows)
    callbacks: list = []

    def on_feed(ev: Event) -> None:
        pos = ev._value
        now = env._now
        # Several queue entries may share an instant; take them all, then schedule the next.
        while pos < n and times[pos] <= now:
            enter(rows[pos])
            pos += 1
        if pos < n:
            ev._value = pos
            ev.callbacks = callbacks
            heappush(heap, (now + (times[pos] - now), NORMAL, next(eid), ev))

    callbacks.append(on_feed)
    closure_lists.append(callbacks)
    return on_feed
