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
    staffing: np.ndarray  # int array (groups, intervals_per_day)
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

    @property
    def intervals_per_day(self) -> int:
        return int(self.staffing.shape[1])

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
