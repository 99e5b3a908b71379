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


def offered_load(plan: EnginePlan) -> np.ndarray:
    """Expected calls offered to agents per (contact type, interval of a day).

    First calls follow the arrival profile; repeats come back a repeat delay of opening hours
    later, so their profile is the arrival profile smeared by that delay (wrapping to the next
    day).
    """
    w = plan.profile
    n = len(w)
    L = plan.interval_seconds
    out = np.zeros((len(plan.types), n))
    for k, tp in enumerate(plan.types):
        first, extra = _per_need(tp, plan)
        calls = plan.calls_per_day * tp.share * first
        repeats = calls * (1 / max(tp.fcr, _MIN_FCR) - 1) + plan.calls_per_day * tp.share * extra
        mean_intervals = tp.repeat_delay.mean / L
        lag = np.arange(4 * n)
        kernel = np.exp(-lag / mean_intervals) if mean_intervals > 0 else (lag == 0).astype(float)
        kernel /= kernel.sum()
        rep = np.zeros(n)
        for j in range(n):
            np.add.at(rep, (j + lag) % n, w[j] * kernel)
        out[k] = calls * w + repeats * rep / rep.sum()
    return out
