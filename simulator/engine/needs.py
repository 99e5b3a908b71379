"""What happens to each customer need before the agent queue: self-service, the bot, the IVR.

Pure numpy over the draws of ``contacts``: which needs adopt self-service or engage the bot and
are resolved there, when the others call, which calls the IVR contains, and each first contact's
attributes (handle-time factors, FCR threshold, priority). The SimPy model (``callcenter``) turns
these columns into record rows and queue entries.

The flow of one need (SPEC.md "The flow of one contact", the ``chatbot`` lever in front of calls):
1. a share adopts self-service; a share of those is resolved, the rest call after the session;
2. needs that did not adopt self-service may engage the bot; a share of those conversations is
   resolved, the others become a call after the conversation: a clean hand-off, or a failed-bot
   transfer (its own handle-time factor and a lower FCR). Bot calls skip the IVR;
3. other calls go through the IVR, which contains a share;
4. "resolved" by self-service, the bot or the IVR but not really helped (leaky automation): the
   need comes back as a repeat a repeat delay after the session (or after leaving the IVR).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from simulator.engine.clock import business_shift
from simulator.engine.contacts import ContactAttributes, NeedDraws, contact_attributes
from simulator.model.plan import EnginePlan


@dataclass(frozen=True)
class FirstContacts:
    """The fate of every need's first contact, one entry per need (bool masks unless noted)."""

    ss_session: np.ndarray  # adopted self-service: a session row
    ss_resolved: np.ndarray
    ss_failed: np.ndarray  # a session that ends in a call
    bot_session: np.ndarray  # engaged the bot: a conversation row
    bot_resolved: np.ndarray
    bot_handoff: np.ndarray  # a clean hand-off call
    bot_failed: np.ndarray  # a failed-bot transfer call
    call_s: np.ndarray  # float: when the need's call rings (the arrival, or after a session)
    is_call: np.ndarray  # a call row: not resolved before calling, and rings inside the horizon
    contained: np.ndarray  # a call the IVR contained
    priority: np.ndarray  # int64 priority class (0: VIP)
    session_resolved: np.ndarray  # the session (self-service or bot) really resolved the need
    contained_resolved: np.ndarray  # the IVR containment really resolved the need
    # Leaked needs (self-service, then IVR, then bot; by need within each: the order their repeats
    # are scheduled in) and when each one's repeat delay starts.
    leak_needs: np.ndarray
    leak_repeat_s: np.ndarray
    attributes: ContactAttributes  # of the first contact (IVR time 0 for bot calls)

    @property
    def bot_call(self) -> np.ndarray:
        return self.bot_handoff | self.bot_failed


def first_contacts(plan: EnginePlan, needs: NeedDraws) -> FirstContacts:
    """The first contact of every need in ``needs``."""
    p = plan
    n = len(needs)
    ktype, t_need, u_false = needs.ctype, needs.arrival_s, needs.false_resolution_u

    def per_type(attr: str) -> np.ndarray:
        return np.array([getattr(t, attr) for t in p.types], dtype=float)[ktype]

    adopt = needs.self_service_u < per_type("ss_adoption")
    ss_ok = adopt & (needs.self_service_success_u < per_type("ss_success"))
    ss_fail = adopt & ~ss_ok
    bot = ~adopt & (needs.bot_u < per_type("bot_engagement"))
    bot_ok = bot & (needs.bot_success_u < per_type("bot_containment"))
    bot_failed = bot & ~bot_ok & (needs.bot_failed_u < per_type("bot_failed_share"))
    bot_handoff = bot & ~bot_ok & ~bot_failed
    bot_call = bot_handoff | bot_failed
    # A session that does not resolve the need ends in a call once the center is open (its length
    # counts in opening hours, like every later contact); a call that would fall after the horizon
    # is not simulated, as repeats beyond the horizon are not.
    call_t = np.where(ss_fail, business_shift(p, t_need, p.ss_session_seconds) if n else t_need, t_need)
    if bot_call.any():
        call_t = np.where(bot_call, business_shift(p, t_need, p.bot_session_seconds), call_t)
    is_call = ~ss_ok & ~bot_ok & (call_t < p.horizon_end)
    # The bot did the triage: its calls skip the IVR (no IVR time, no containment).
    contained = is_call & ~bot_call & (needs.ivr_containment_u < per_type("ivr_containment"))
    handle_fac = np.full(n, p.handle_factor)
    handle_fac *= np.where(is_call & ~contained & ~bot_call, per_type("remaining_handle_factor"), 1.0)
    handle_fac *= np.where(ss_fail, per_type("ss_failed_handle_factor"), 1.0)
    if bot_call.any():
        handle_fac *= np.where(bot_handoff, p.bot_handoff_handle_factor, 1.0)
        handle_fac *= np.where(bot_failed, p.bot_failed_handle_factor, 1.0)
    fcr = per_type("fcr")
    fcr_threshold = np.where(bot_failed, np.maximum(fcr - p.bot_failed_fcr_penalty, 0.0), fcr)
    attrs = contact_attributes(p, ktype, needs.first, (handle_fac,), fcr_threshold)
    if bot_call.any():
        attrs = dataclasses.replace(attrs, ivr_seconds=np.where(bot_call, 0.0, attrs.ivr_seconds))
    prio = np.array([t.priority for t in p.types], dtype=np.int64)[ktype]
    if p.vip_share > 0:
        prio = np.where(needs.vip_u < p.vip_share, 0, prio)

    # Leaky automation: needs "resolved" by self-service, the bot or the IVR that were not really
    # helped come back a repeat delay after the session ends (or after leaving the IVR).
    leak_ss = ss_ok & (u_false < p.false_ss_share)
    leak_bot = bot_ok & (u_false < p.bot_false_resolution_share)
    leak_ivr = contained & (u_false < p.false_containment_share)
    leak_needs = np.concatenate([np.flatnonzero(leak_ss), np.flatnonzero(leak_ivr), np.flatnonzero(leak_bot)])
    leak_s = np.concatenate([
        t_need[leak_ss] + p.ss_session_seconds,
        call_t[leak_ivr] + attrs.ivr_seconds[leak_ivr],
        t_need[leak_bot] + p.bot_session_seconds,
    ])
    return FirstContacts(
        ss_session=adopt,
        ss_resolved=ss_ok,
        ss_failed=ss_fail,
        bot_session=bot,
        bot_resolved=bot_ok,
        bot_handoff=bot_handoff,
        bot_failed=bot_failed,
        call_s=call_t,
        is_call=is_call,
        contained=contained,
        priority=prio,
        session_resolved=(ss_ok & ~leak_ss) | (bot_ok & ~leak_bot),
        contained_resolved=contained & ~leak_ivr,
        leak_needs=leak_needs,
        leak_repeat_s=leak_s,
        attributes=attrs,
    )
