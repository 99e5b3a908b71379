"""Inputs that are legal but probably not what the user meant: the run goes ahead and says so.

A scenario that cannot be simulated is an error (``scenario``); one that can, but whose results
would mislead a reader without a word of explanation, gets a plain-words note here, which the CLI
prints before the run and the report shows beside the results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.scenario import Scenario

WARMUP_SHARE = 0.5  # a warm-up over half the simulated opening hours leaves little to measure


@dataclass(frozen=True)
class Oddity:
    field: str
    value: str
    message: str

    def line(self) -> str:
        return f"{self.field} = {self.value}: {self.message}"


def odd_inputs(scenario: Scenario) -> list[Oddity]:
    """Every legal-but-odd input of ``scenario`` (empty for a sensible one)."""
    out: list[Oddity] = []
    h = scenario.horizon
    open_minutes = h.days * h.intervals_per_day * h.interval_minutes
    if h.warmup_minutes > WARMUP_SHARE * open_minutes:
        out.append(Oddity("horizon.warmup_minutes", f"{h.warmup_minutes:g}",
                          f"the warm-up covers {h.warmup_minutes / open_minutes:.0%} of the simulated opening hours; "
                          "every figure rests on the rest"))
    staffed = _staffed_intervals(scenario)
    if staffed is not None:
        if not staffed.any():
            out.append(Oddity("agents.groups", "0 agents", "no agent is ever on shift: every call goes unanswered "
                              "(callers without patience wait until the end) and cost per call is undefined"))
        elif not staffed.all():
            idle = int((~staffed).sum())
            out.append(Oddity("agents.groups", f"0 agents in {idle} interval(s)",
                              "calls arriving then wait for the next staffed interval or abandon"))
    if scenario.uncertain:
        out.append(Oddity(", ".join(scenario.uncertain), "a range",
                          "uncertain input(s): this command uses the central value (mode or median); "
                          "`ccsim study` draws over the range"))
    return out


def _staffed_intervals(scenario: Scenario) -> np.ndarray | None:
    """Per interval of the day, whether any agent is scheduled (None when the optimizer decides)."""
    if scenario.needs_staffing_optimizer:
        return None
    n = scenario.horizon.intervals_per_day
    total = np.zeros(n, dtype=np.int64)
    for g in scenario.agents.groups:
        total += np.asarray(g.staffing if isinstance(g.staffing, list) else [g.staffing] * n, dtype=np.int64)
    weights = np.ones(n) if scenario.arrivals.profile == "flat" else np.asarray(scenario.arrivals.profile, dtype=float)
    return (total > 0) | (weights <= 0)
