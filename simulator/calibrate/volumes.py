"""Volumes from a call log: repeats and redials, first attempts per day, weekday and interval, shares.

A call is a *repeat* when the same caller was answered within ``fcr_window_days`` before (the
first call did not resolve the need), a *redial* when the same caller abandoned within
``redial_window_seconds`` before. Everything else is a first attempt: the scenario's
``calls_per_day`` counts those, since the engine adds repeats (``fcr``) and redials (``redials``)
itself. Without a caller column every call is a first attempt, FCR is 1 and nobody redials.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.calibrate.calllog import CallLog

DAY = 86400.0
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Hours:
    open_s: int
    close_s: int
    interval_minutes: int

    @property
    def intervals(self) -> int:
        return (self.close_s - self.open_s) // (self.interval_minutes * 60)

    def interval_of(self, arrival_s: np.ndarray) -> np.ndarray:
        tod = np.mod(arrival_s, DAY)
        return np.clip(((tod - self.open_s) // (self.interval_minutes * 60)).astype(np.int64), 0, self.intervals - 1)

    def open_seconds_between(self, t1: np.ndarray, t2: np.ndarray) -> np.ndarray:
        """Opening-hours seconds from t1 to t2 (the engine counts repeat and redial delays so)."""
        d1, d2 = np.floor(t1 / DAY), np.floor(t2 / DAY)
        c1 = np.clip(np.mod(t1, DAY), self.open_s, self.close_s)
        c2 = np.clip(np.mod(t2, DAY), self.open_s, self.close_s)
        return np.maximum((d2 - d1) * (self.close_s - self.open_s) + c2 - c1, 0.0)


def opening_hours(log: CallLog, interval_minutes: int) -> Hours:
    """Open at the start of the interval of the earliest arrival, close at the end of the latest's."""
    step = interval_minutes * 60
    tod = np.mod(log.arrival_s, DAY)
    open_s = int(tod.min() // step * step)
    close_s = int(min((tod.max() // step + 1) * step, DAY))
    if (close_s - open_s) % step:  # a grid that does not divide the day: close on the grid from open
        close_s = open_s + ((close_s - open_s) // step) * step
    return Hours(open_s, close_s, interval_minutes)


@dataclass(frozen=True)
class Followups:
    """Per call: whether it is a repeat or a redial; per queue: FCR and its evidence."""

    repeat: np.ndarray
    redial: np.ndarray
    fcr: dict[int, tuple[float, int, int]]  # queue -> (fcr, answered calls judged, followed by a repeat)
    redial_probability: tuple[float, int, int]  # (p, abandoned calls judged, followed by a redial)
    repeat_delay_s: float | None  # mean opening-hours delay of repeats
    redial_delay_s: float | None


def followups(log: CallLog, hours: Hours, fcr_window_days: float, redial_window_s: float) -> Followups:
    n = len(log)
    repeat = np.zeros(n, bool)
    redial = np.zeros(n, bool)
    nq = len(log.queues)
    if log.caller is None:
        return Followups(repeat, redial, {q: (1.0, 0, 0) for q in range(nq)}, (0.0, 0, 0), None, None)
    order = np.lexsort((log.arrival_s, log.caller))  # by caller, then time
    same = log.caller[order][1:] == log.caller[order][:-1]
    prev, nxt = order[:-1][same], order[1:][same]
    gap = log.arrival_s[nxt] - log.arrival_s[prev]
    is_repeat = log.answered[prev] & (gap <= fcr_window_days * DAY)
    is_redial = ~log.answered[prev] & (gap <= redial_window_s)
    repeat[nxt[is_repeat]] = True
    redial[nxt[is_redial]] = True
    followed_rep = np.zeros(n, bool)
    followed_rep[prev[is_repeat]] = True
    followed_red = np.zeros(n, bool)
    followed_red[prev[is_redial]] = True
    # A call too close to the end of the log had no full window to be followed in: not judged.
    end = log.arrival_s.max()
    judged_a = log.answered & (log.arrival_s <= end - fcr_window_days * DAY)
    judged_b = ~log.answered & (log.arrival_s <= end - redial_window_s)
    fcr = {}
    for q in range(nq):
        m = judged_a & (log.queue == q)
        k, r = int(m.sum()), int((m & followed_rep).sum())
        fcr[q] = (1.0 - r / k if k else 1.0, k, r)
    kb, rb = int(judged_b.sum()), int((judged_b & followed_red).sum())
    rep_delay = hours.open_seconds_between(log.arrival_s[prev[is_repeat]], log.arrival_s[nxt[is_repeat]])
    red_delay = hours.open_seconds_between(log.arrival_s[prev[is_redial]], log.arrival_s[nxt[is_redial]])
    return Followups(repeat, redial, fcr, (rb / kb if kb else 0.0, kb, rb),
                     float(rep_delay.mean()) if len(rep_delay) else None, float(red_delay.mean()) if len(red_delay) else None)


@dataclass(frozen=True)
class Volumes:
    calls_per_day: float
    open_days: int
    first_attempts: int
    profile: list[float]  # mean first attempts per interval and open day
    day_weights: list[float]  # Mon..Sun: mean first attempts on that weekday / calls_per_day
    weekdays_open: list[int]
    shares: list[float]  # per queue
    first_day: str
    last_day: str


def volumes(log: CallLog, hours: Hours, fresh: np.ndarray) -> Volumes:
    t = log.arrival_s[fresh]
    day = np.floor(log.arrival_s / DAY).astype(np.int64)
    open_days = np.unique(day)  # days with any call (a day with none was closed)
    fday = day[fresh]
    calls_per_day = len(t) / len(open_days)
    per_interval = np.bincount(hours.interval_of(t), minlength=hours.intervals) / len(open_days)
    counts = dict(zip(*np.unique(fday, return_counts=True)))
    weekday_of = (open_days + 3) % 7  # 1970-01-01 was a Thursday
    weights = []
    for w in range(7):
        days_w = open_days[weekday_of == w]
        mean_w = np.mean([counts.get(d, 0) for d in days_w]) if len(days_w) else 0.0
        weights.append(float(mean_w / calls_per_day) if calls_per_day else 0.0)
    shares = np.bincount(log.queue[fresh], minlength=len(log.queues)) / max(len(t), 1)
    iso = np.datetime_as_string(open_days[[0, -1]].astype("datetime64[D]"))
    return Volumes(float(calls_per_day), len(open_days), int(len(t)), [float(x) for x in per_interval], weights,
                   sorted({int(w) for w in weekday_of}), [float(s) for s in shares], str(iso[0]), str(iso[1]))
