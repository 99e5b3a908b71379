"""The engine's configuration: plain numbers and samplers, no YAML, no pydantic.

``levers.build_plan`` turns a validated Scenario (levers included) into an EnginePlan; the engine
reads only this. Keeping the two apart means a lever is a data transform that can be tested
without running a simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.distributions import Sampler


@dataclass(frozen=True)
class TypePlan:
    """One contact type as the engine sees it."""

    name: str
    share: float
    handle: Sampler
    patience: Sampler | None
    fcr: float
    repeat_delay: Sampler
    priority: int
    ivr_containment: float = 0.0
    ss_adoption: float = 0.0
    ss_success: float = 0.0
    remaining_handle_factor: float = 1.0  # calls the IVR did not contain are harder
    ss_failed_handle_factor: float = 1.0
    # The chatbot lever (neutral by default): an AI assistant in front of calls.
    bot_engagement: float = 0.0  # share of needs that start with the bot (of those not adopting self-service)
    bot_containment: float = 0.0  # share of bot conversations the bot resolves
    bot_failed_share: float = 0.0  # of the unresolved conversations: failed-bot transfers (the rest: clean hand-offs)


@dataclass(frozen=True)
class CallbackPlan:
    threshold_seconds: float
    acceptance: float
    connect_rate: float
    max_attempts: int
    retry_delay_seconds: float
    attempt_seconds: float


@dataclass(frozen=True)
class OutsourcePlan:
    after_seconds: float
    handle_time_factor: float
    seats: int | None = None  # calls the vendor takes at once; None: no limit


@dataclass(frozen=True)
class EnginePlan:
    """Everything the engine needs for one scenario."""

    days: int
    open_seconds: int
    close_seconds: int
    interval_seconds: int
    warmup_seconds: float
    calls_per_day: float
    profile: np.ndarray  # weights per interval of a day, summing to 1
    daily_cv: float
    types: tuple[TypePlan, ...]
    group_names: tuple[str, ...]
    # Agents on the phones: int array (groups, intervals_per_day), the same every day, or
    # (7, groups, intervals_per_day), one day per weekday (Monday first) with ``week_weights``.
    staffing: np.ndarray
    # Per group: tuples (type index, overflow delay in seconds, handle-time factor, tier). A call
    # may go to the group once it has waited the delay; a free agent takes calls of its lowest
    # tier first (0: the group's own skill, 1: an overflow skill), then by priority class, then
    # the longest-waiting call.
    group_skills: tuple[tuple[tuple[int, float, float, int], ...], ...]
    ivr_time: Sampler | None = None
    false_containment_share: float = 0.0
    false_ss_share: float = 0.0
    ss_session_seconds: float = 0.0
    handle_factor: float = 1.0  # agent assist and FCR-programme effects on every handled call
    assist_factor: float = 1.0  # the agent-assist part of handle_factor (a vendor does not have it)
    vip_share: float = 0.0
    redial_probability: float = 0.0
    redial_delay: Sampler | None = None
    callback: CallbackPlan | None = None
    outsource: OutsourcePlan | None = None
    target_seconds: float = 20.0
    # The chatbot lever (neutral by default), with the per-type shares in ``TypePlan``.
    bot_session_seconds: float = 0.0  # conversation length; an unresolved customer calls that much opening time later
    bot_handoff_handle_factor: float = 1.0  # handle-time factor of a clean hand-off (the agent gets the bot's context)
    bot_failed_handle_factor: float = 1.0  # handle-time factor of a failed-bot transfer
    bot_failed_fcr_penalty: float = 0.0  # absolute FCR reduction of a failed-bot transfer (floored at 0)
    bot_false_resolution_share: float = 0.0  # bot-"resolved" needs that come back as a repeat
    # With a roster (``studies.roster``): paid agents per (group, interval), those on a paid break
    # included and the unpaid lunch left out, as a float; None: agents are paid while on the phones.
    paid_staffing: np.ndarray | None = None
    # Weekly pattern (``arrivals.day_weights``): volume per weekday, Monday first; 0 is a closed
    # day. None: every day alike (and ``staffing`` is per interval of a day).
    week_weights: tuple[float, ...] | None = None
    start_weekday: int = 0  # weekday of day 0 (0 = Monday)

    @property
    def intervals_per_day(self) -> int:
        return int(self.staffing.shape[-1])

    def weekday(self, day: int) -> int:
        """Weekday (0 = Monday) of day ``day`` of the horizon."""
        return (self.start_weekday + day) % 7

    def day_weights(self) -> np.ndarray:
        """Volume multiplier of each day of the horizon (1.0 without a weekly pattern)."""
        if self.week_weights is None:
            return np.ones(self.days)
        return np.array([self.week_weights[self.weekday(d)] for d in range(self.days)], dtype=float)

    @property
    def open_pattern(self) -> np.ndarray | None:
        """With closed weekdays: whether day 0..6 of the horizon is open (the week repeats); else None."""
        if self.week_weights is None or all(w > 0 for w in self.week_weights):
            return None
        return np.array([self.week_weights[self.weekday(d)] > 0 for d in range(7)])

    def by_day(self, heads: np.ndarray | None = None) -> np.ndarray:
        """Heads per (day of the horizon, group, interval): ``heads`` (default the staffing), given
        per interval of a day or per weekday, laid out over the horizon's days."""
        heads = self.staffing if heads is None else heads
        if heads.ndim == 3:
            return heads[[self.weekday(d) for d in range(self.days)]]
        return np.broadcast_to(heads, (self.days, *heads.shape))

    def open_days_staffing(self) -> np.ndarray:
        """Agents per (open day of the horizon, group, interval): what the center staffs when it is open."""
        if self.staffing.ndim == 2:
            return self.staffing[None]
        return self.by_day()[self.day_weights() > 0]

    @property
    def round_the_clock(self) -> bool:
        return self.open_seconds == 0 and self.close_seconds == 86400

    @property
    def horizon_end(self) -> float:
        return (self.days - 1) * 86400.0 + self.close_seconds

    def type_groups(self, k: int) -> list[tuple[int, float, float]]:
        """Groups that may serve type ``k``: (group, delay, factor), most preferred first.

        Preference: shortest overflow delay, then groups that have ``k`` as their own skill,
        then the fastest (lowest handle-time factor), then the order of the groups in the file.
        """
        out = []
        for g, skills in enumerate(self.group_skills):
            for kk, delay, factor, tier in skills:
                if kk == k:
                    out.append((delay, tier, factor, g))
        out.sort()
        return [(g, delay, factor) for delay, tier, factor, g in out]
