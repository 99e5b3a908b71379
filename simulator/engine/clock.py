"""The opening-hours clock: when a contact that comes back after a delay actually rings.

Customers come back (repeats, redials, calls after a self-service or bot session) when the center
is open, so their delays count opening hours only.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from simulator.model.plan import EnginePlan


def business_shift(plan: EnginePlan, t: np.ndarray | float, delay: np.ndarray | float) -> np.ndarray:
    """Time ``delay`` seconds of opening hours after ``t``.

    A delay counts only open hours, so a caller whose delay runs past close rings the next
    morning, spread as the delay is, rather than all at the opening.
    """
    L = plan.close_seconds - plan.open_seconds
    b = opening_seconds_until(plan, t) + np.asarray(delay, dtype=float)
    nday = np.floor(b / L)
    pattern = plan.open_pattern
    if pattern is None:
        return nday * 86400.0 + plan.open_seconds + (b - nday * L)
    # The nday-th open day (0-based), the weekly pattern repeating past the horizon.
    m = nday.astype(np.int64)
    opened = np.flatnonzero(pattern)
    day = (m // len(opened)) * 7 + opened[m % len(opened)]
    return day * 86400.0 + plan.open_seconds + (b - nday * L)


def opening_seconds_until(plan: EnginePlan, t: np.ndarray | float) -> np.ndarray:
    """Seconds of opening hours from midnight of day 0 to ``t`` (flat while the center is closed,
    closed days included)."""
    t = np.asarray(t, dtype=float)
    L = plan.close_seconds - plan.open_seconds
    day = np.floor(t / 86400.0)
    within = np.clip(t - day * 86400.0 - plan.open_seconds, 0.0, L)
    pattern = plan.open_pattern
    if pattern is None:
        return day * L + within
    d = day.astype(np.int64)
    before = (d // 7) * int(pattern.sum()) + np.concatenate([[0], np.cumsum(pattern)])[d % 7]
    return before * L + np.where(pattern[d % 7], within, 0.0)


def business_shift_scalar(open_s: float, close_s: float, t: float, delay: float) -> float:
    """``business_shift`` for one time (pure Python: called once per repeat or redial)."""
    L = close_s - open_s
    day = math.floor(t / 86400.0)
    within = min(max(t - day * 86400.0 - open_s, 0.0), L)
    b = day * L + within + delay
    nday = math.floor(b / L)
    return nday * 86400.0 + open_s + (b - nday * L)


def week_shift_scalar(plan: EnginePlan) -> Callable[[float, float], float] | None:
    """``business_shift`` for one time when the plan has closed weekdays (pure Python, bound once per
    replication: called once per repeat or redial); None when every day is open."""
    pattern = plan.open_pattern
    if pattern is None:
        return None
    open_s, L = float(plan.open_seconds), float(plan.close_seconds - plan.open_seconds)
    is_open = [bool(x) for x in pattern]
    before = [0, *np.cumsum(pattern).tolist()]
    opened = np.flatnonzero(pattern).tolist()
    k = len(opened)

    def shift(t: float, delay: float) -> float:
        day = math.floor(t / 86400.0)
        within = min(max(t - day * 86400.0 - open_s, 0.0), L) if is_open[day % 7] else 0.0
        b = ((day // 7) * k + before[day % 7]) * L + within + delay
        m = math.floor(b / L)
        return ((m // k) * 7 + opened[m % k]) * 86400.0 + open_s + (b - m * L)

    return shift
