"""From a checked call log to every fitted value of a scenario, each with how it was estimated."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.calibrate.calllog import CallLog
from simulator.calibrate.durations import DurationFit, fit_handle_time, fit_patience
from simulator.calibrate.staffing import Group, agent_groups
from simulator.core.errors import InputFileError
from simulator.calibrate.volumes import Followups, Hours, Volumes, followups, opening_hours, volumes


@dataclass(frozen=True)
class FitOptions:
    interval_minutes: int = 30
    target_seconds: float = 20.0
    fcr_window_days: float = 7.0
    redial_window_seconds: float = 3600.0


@dataclass(frozen=True)
class Calibration:
    """Everything fitted from one log (the writer turns it into a commented scenario)."""

    log: CallLog
    options: FitOptions
    hours: Hours
    follow: Followups
    volumes: Volumes
    handle: dict[int, DurationFit]
    handle_pooled: DurationFit
    patience: dict[int, DurationFit | None]
    groups: list[Group]
    observed: dict[str, float]  # the log's own KPIs: service_level, abandonment_rate, asa_seconds, aht_seconds


def observed_kpis(log: CallLog, target_seconds: float) -> dict[str, float]:
    """The log's service level (answered within target / offered), abandonment, ASA and AHT."""
    n = len(log)
    ans = log.answered
    return {
        "calls_offered": float(n),
        "service_level": float((ans & (log.wait_s <= target_seconds)).sum() / n),
        "abandonment_rate": float((~ans).sum() / n),
        "asa_seconds": float(log.wait_s[ans].mean()) if ans.any() else float("nan"),
        "aht_seconds": float(np.nanmean(log.handle_s[ans])) if ans.any() else float("nan"),
    }


def calibrate_log(log: CallLog, options: FitOptions = FitOptions()) -> Calibration:
    hours = opening_hours(log, options.interval_minutes)
    follow = followups(log, hours, options.fcr_window_days, options.redial_window_seconds)
    fresh = ~(follow.repeat | follow.redial)
    vols = volumes(log, hours, fresh)
    answered_all = log.handle_s[log.answered]
    pooled = fit_handle_time(answered_all) if len(answered_all) else None
    handle, patience = {}, {}
    for q in range(len(log.queues)):
        m = log.queue == q
        h = log.handle_s[m & log.answered]
        handle[q] = fit_handle_time(h) if len(h) else pooled
        patience[q] = fit_patience(log.wait_s[m], ~log.answered[m])
    if pooled is None:
        raise InputFileError(f"{log.source}: no call was answered, so no handle time can be estimated")
    groups = agent_groups(log, hours, vols.open_days, options.target_seconds,
                          {q: (p.mean_seconds if p else None) for q, p in patience.items()})
    return Calibration(log, options, hours, follow, vols, handle, pooled, patience, groups,
                       observed_kpis(log, options.target_seconds))
