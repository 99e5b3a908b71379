"""Synthetic per-call logs from known parameters, for calibration tests and the benchmark.

An independent M/G/c+M simulation (first come first served, one dedicated team per queue, constant
heads while open): Poisson arrivals with an intraday profile, lognormal handle times, exponential
patience, repeat calls after an unresolved answer (FCR) and redials after an abandon, each by the
same caller. It shares no code with the engine or with ``simulator.calibrate``, so a calibration
that recovers its parameters is evidence, not an echo.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DAY = 86400.0


@dataclass(frozen=True)
class QueueTruth:
    name: str
    share: float
    handle_mean: float
    handle_cv: float
    patience_mean: float
    fcr: float
    agents: int


@dataclass(frozen=True)
class LogTruth:
    queues: tuple[QueueTruth, ...] = (
        QueueTruth("billing", 0.6, 240.0, 0.8, 180.0, 0.80, 12),
        QueueTruth("tech", 0.4, 420.0, 0.6, 240.0, 0.75, 13),
    )
    calls_per_day: float = 2000.0
    days: int = 14
    start_day: str = "2024-03-04"  # a Monday
    open_hour: int = 8
    close_hour: int = 20
    interval_minutes: int = 30
    profile: tuple[float, ...] = field(default_factory=lambda: tuple(1.0 + 0.4 * math.sin(math.pi * i / 23) for i in range(24)))
    redial_probability: float = 0.4
    redial_delay_mean: float = 600.0
    repeat_delay_mean: float = 6 * 3600.0
    seed: int = 11

    @property
    def open_len(self) -> float:
        return (self.close_hour - self.open_hour) * 3600.0


def _wall(truth: LogTruth, day: int, open_clock: float) -> float:
    """Wall-clock seconds (since the first day's midnight) of an opening-hours clock value."""
    extra_days, within = divmod(open_clock, truth.open_len)
    return (day + extra_days) * DAY + truth.open_hour * 3600.0 + within


def generate(truth: LogTruth = LogTruth()) -> list[dict[str, object]]:
    """One dict per call (times in seconds since the first day's midnight), sorted by arrival."""
    rng = np.random.default_rng(truth.seed)
    heap: list[tuple[float, int, int, int]] = []  # (arrival, seq, queue, caller)
    seq = 0
    prof = np.asarray(truth.profile) / sum(truth.profile)
    step = truth.interval_minutes * 60.0
    for d in range(truth.days):
        for qi, q in enumerate(truth.queues):
            counts = rng.poisson(truth.calls_per_day * q.share * prof)
            for i, k in enumerate(counts):
                for t in rng.uniform(0, step, k):
                    heapq.heappush(heap, (d * DAY + truth.open_hour * 3600.0 + i * step + t, seq, qi, seq))
                    seq += 1
    free = [np.zeros(q.agents) for q in truth.queues]
    end = truth.days * DAY
    rows = []
    while heap:
        t, _, qi, caller = heapq.heappop(heap)
        q = truth.queues[qi]
        agents = free[qi]
        k = int(agents.argmin())
        start = max(t, agents[k])
        patience = rng.exponential(q.patience_mean)
        sigma2 = math.log1p(q.handle_cv**2)
        handle = float(np.exp(rng.normal(math.log(q.handle_mean) - sigma2 / 2, math.sqrt(sigma2))))
        day = int(t // DAY)
        clock = t - day * DAY - truth.open_hour * 3600.0
        if start - t > patience:
            rows.append({"t": t, "queue": q.name, "wait": patience, "outcome": "abandoned", "handle": None, "caller": caller})
            if rng.random() < truth.redial_probability:
                nxt = _wall(truth, day, clock + patience + rng.exponential(truth.redial_delay_mean))
                if nxt < end:
                    heapq.heappush(heap, (nxt, seq, qi, caller))
                    seq += 1
        else:
            agents[k] = start + handle
            rows.append({"t": t, "queue": q.name, "wait": start - t, "outcome": "answered", "handle": handle, "caller": caller})
            if rng.random() > q.fcr:
                nxt = _wall(truth, day, clock + rng.exponential(truth.repeat_delay_mean))
                if nxt < end:
                    heapq.heappush(heap, (nxt, seq, qi, caller))
                    seq += 1
    return rows


def write_log(rows: list[dict[str, object]], path: Path, truth: LogTruth = LogTruth()) -> Path:
    """The rows as a CSV in the default layout (ISO 8601 arrival times, millisecond precision)."""
    import pandas as pd  # only the writer needs it

    t = np.array([r["t"] for r in rows])
    stamps = (np.datetime64(truth.start_day, "ms") + (t * 1000).astype("timedelta64[ms]")).astype(str)
    handle = np.array([np.nan if r["handle"] is None else r["handle"] for r in rows])
    frame = pd.DataFrame({
        "arrival_time": stamps,
        "queue": [r["queue"] for r in rows],
        "wait_seconds": np.round([r["wait"] for r in rows], 2),
        "outcome": [r["outcome"] for r in rows],
        "handle_seconds": np.round(handle, 2),
        "caller_id": [f"c{r['caller']}" for r in rows],
    })
    frame.to_csv(path, index=False, na_rep="")
    return path


def interval_report(rows: list[dict[str, object]], path: Path, truth: LogTruth = LogTruth(), target_seconds: float = 20.0) -> Path:
    """The same calls as an interval report (per interval and queue: offered, answered, abandoned,
    AHT, service level, agents staffed): what a client without per-call data would send."""
    import pandas as pd  # only the writer needs it

    frame = pd.DataFrame(rows)
    step = truth.interval_minutes * 60
    frame["start"] = (frame["t"] // step) * step
    frame["ans"] = frame["outcome"] == "answered"
    frame["within"] = frame["ans"] & (frame["wait"] <= target_seconds)
    g = frame.groupby(["start", "queue"])
    out = pd.DataFrame({
        "offered": g.size(), "answered": g["ans"].sum(), "abandoned": g.size() - g["ans"].sum(),
        "aht_seconds": g["handle"].mean().fillna(0).round(1), "service_level": (g["within"].sum() / g.size()).round(4),
    }).reset_index()
    agents = {q.name: q.agents for q in truth.queues}
    out["agents"] = out["queue"].map(agents)
    out["interval_start"] = (np.datetime64(truth.start_day, "s") + out["start"].astype(int).to_numpy().astype("timedelta64[s]")).astype(str)
    out[["interval_start", "queue", "offered", "answered", "abandoned", "aht_seconds", "service_level", "agents"]].to_csv(path, index=False)
    return path
