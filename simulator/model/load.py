"""Expected offered load implied by a plan: the one computation staffing, scheduling, routing and
validity share.

These are expectations of the arrival model (no simulation, no records), which is why they live
with the model: the scheduling lever shapes staffing from them while the plan is being built.
Every lever acts on the load only through the plan fields it sets, so the load the optimizer
staffs for is the load the engine simulates.

Flow of one need of type k (SPEC "The flow of one contact"), as the engine runs it:
  self-service with probability ``ss_adoption``; resolved with ``ss_success``; a failed session
  becomes a call that goes through the IVR. A need that did not adopt self-service engages the
  chatbot with ``bot_engagement``; the bot resolves ``bot_containment`` of its conversations and
  hands the rest straight to an agent (no IVR). Every other call goes through the IVR, which
  contains ``ivr_containment``. An agent-handled call resolves the need with probability FCR,
  otherwise the need comes back as a repeat (repeats go straight to the agent queue), so a first
  agent call brings (1 - FCR0) / FCR repeats on average. Falsely resolved automation (IVR,
  self-service, bot) comes back as a repeat too.
Redials of abandoned callers are left out: they depend on the staffing being looked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.model.plan import EnginePlan, TypePlan

if TYPE_CHECKING:
    from simulator.model.scenario import Scenario

_MIN_FCR = 0.05  # keeps 1/FCR finite for nonsensical inputs; no real center resolves < 5%


def type_owners(scenario: "Scenario") -> np.ndarray:
    """Weights (types x groups) of the groups that carry each contact type's load.

    The one rule for "which groups serve this type" when load is split or service is judged:
    with pooled routing every group; otherwise the groups whose first skill it is, or, if none,
    every group that has it as a skill. A type's weight is split equally among its owners.
    """
    groups = scenario.agents.groups
    pooled = scenario.agents.routing.policy == "pooled"
    w = np.zeros((len(scenario.contact_types), len(groups)))
    for k, c in enumerate(scenario.contact_types):
        if pooled:
            owners = list(range(len(groups)))
        else:
            owners = [gi for gi, g in enumerate(groups) if g.skills[0] == c.name]
            if not owners:
                owners = [gi for gi, g in enumerate(groups) if c.name in g.skills]
        if not owners:
            owners = list(range(len(groups)))
        w[k, owners] = 1.0 / len(owners)
    return w


def expected_handle_seconds(plan: EnginePlan, k: int, group_factor: float = 1.0) -> float:
    """Mean handle time of an agent-handled first call of type ``k`` (seconds), levers applied.

    ``group_factor`` is the answering group's proficiency factor for the type.
    """
    tp = plan.types[k]
    return tp.handle.mean * tp.remaining_handle_factor * plan.handle_factor * group_factor


def patience_seconds(tp: TypePlan) -> float:
    """Mean patience of a type (infinite when its callers never abandon)."""
    return tp.patience.mean if tp.patience is not None else float("inf")


def _per_need(tp: TypePlan, plan: EnginePlan) -> tuple[float, float]:
    """(first agent calls, later agent calls) per need of this type, in expectation."""
    a, s = tp.ss_adoption, tp.ss_success
    e, c = tp.bot_engagement, tp.bot_containment
    q = tp.ivr_containment
    ivr_path = a * (1 - s) + (1 - a) * (1 - e)
    bot_calls = (1 - a) * e * (1 - c)
    first = ivr_path * (1 - q) + bot_calls
    fcr = max(tp.fcr, _MIN_FCR)
    # Falsely resolved automation comes back as repeats; failed bot transfers resolve less.
    leaks = a * s * plan.false_ss_share + ivr_path * q * plan.false_containment_share
    leaks += (1 - a) * e * c * plan.bot_false_resolution_share
    failed = bot_calls * tp.bot_failed_share
    extra = (leaks + failed * (fcr - max(0.0, tp.fcr - plan.bot_failed_fcr_penalty))) / fcr
    return first, extra


def _repeat_kernel(tp: TypePlan, plan: EnginePlan, n: int) -> np.ndarray:
    """Share of a type's repeats coming back 0, 1, ... intervals of opening hours later."""
    mean_intervals = tp.repeat_delay.mean / plan.interval_seconds
    lag = np.arange(4 * n)
    kernel = np.exp(-lag / mean_intervals) if mean_intervals > 0 else (lag == 0).astype(float)
    return kernel / kernel.sum()


def offered_load(plan: EnginePlan) -> np.ndarray:
    """Expected calls offered to agents per (contact type, interval of a day).

    First calls follow the arrival profile; repeats come back a repeat delay of opening hours
    later, so their profile is the arrival profile smeared by that delay (wrapping to the next
    day).
    """
    w = plan.profile
    n = len(w)
    out = np.zeros((len(plan.types), n))
    for k, tp in enumerate(plan.types):
        first, extra = _per_need(tp, plan)
        calls = plan.calls_per_day * tp.share * first
        repeats = calls * (1 / max(tp.fcr, _MIN_FCR) - 1) + plan.calls_per_day * tp.share * extra
        kernel = _repeat_kernel(tp, plan, n)
        lag = np.arange(4 * n)
        rep = np.zeros(n)
        for j in range(n):
            np.add.at(rep, (j + lag) % n, w[j] * kernel)
        out[k] = calls * w + repeats * rep / rep.sum()
    return out


def weekday_offered_load(plan: EnginePlan) -> np.ndarray:
    """Expected calls offered per (contact type, weekday Monday first, interval) of a plan with a
    weekly pattern (``week_weights``), in a steady week.

    First calls: ``offered_load``'s, scaled by the weekday's weight. Repeats come back a repeat
    delay of opening hours later along the week's open days (the clock skips closed days, and the
    week wraps), so Monday's peak spills into Tuesday. A closed weekday has no load.
    """
    if plan.week_weights is None:
        raise ValueError("weekday_offered_load needs a plan with week_weights")
    w = plan.profile
    n = len(w)
    week = np.asarray(plan.week_weights, dtype=float)
    opened = np.flatnonzero(week > 0)
    span = len(opened) * n  # the open intervals of one week, in order
    out = np.zeros((len(plan.types), 7, n))
    for k, tp in enumerate(plan.types):
        first, extra = _per_need(tp, plan)
        calls = plan.calls_per_day * tp.share * first
        repeats = calls * (1 / max(tp.fcr, _MIN_FCR) - 1) + plan.calls_per_day * tp.share * extra
        source = (week[opened][:, None] * w[None, :]).ravel()  # a weight-1 day's profile, day after day
        folded = np.bincount(np.arange(4 * n) % span, weights=_repeat_kernel(tp, plan, n), minlength=span)
        rep = np.real(np.fft.ifft(np.fft.fft(source) * np.fft.fft(folded)))  # circular: the week wraps
        out[k, opened] = (calls * source + repeats * np.maximum(rep, 0.0)).reshape(len(opened), n)
    return out
