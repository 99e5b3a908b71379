"""Contact attributes drawn up front: uniforms from named streams -> named numpy columns.

Every random attribute of a contact (IVR time, handle time, patience, FCR, the callback and
redial decisions, the delays of later contacts) comes from here, vectorised and by inverse CDF,
for three sets of contacts: the first contact of every need (one named stream per quantity), the
later contacts of each need drawn up front for a few generations, and the rare contacts beyond
them, drawn as they occur (both from the ``secondary`` stream). A lever that changes one
contact's fate leaves every other contact's draws as they were: common random numbers.

Pure numpy: no SimPy, no engine state. Results depend on the number, the order and the shapes of
the draws and on the order of the float operations, so those are part of the contract (see
``SECONDARY_ROWS`` and ``contact_attributes``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Sequence

import numpy as np

from simulator.model.distributions import Sampler
from simulator.model.plan import EnginePlan

# A block of the secondary stream holds one row of uniforms per quantity, in this order. The order
# is fixed forever: changing it changes every result with repeats or redials.
SECONDARY_ROWS: tuple[str, ...] = (
    "ivr", "handle", "patience", "fcr", "callback", "redial", "redial_delay", "repeat_delay",
)


@dataclass(frozen=True)
class ContactUniforms:
    """The uniforms behind one set of contacts' attributes: arrays of one shape, one per quantity."""

    ivr: np.ndarray
    handle: np.ndarray
    patience: np.ndarray
    fcr: np.ndarray
    callback: np.ndarray
    redial: np.ndarray
    redial_delay: np.ndarray
    repeat_delay: np.ndarray


assert tuple(f.name for f in fields(ContactUniforms)) == SECONDARY_ROWS


@dataclass(frozen=True)
class ContactAttributes:
    """Named attribute columns of a set of contacts (arrays of one shape)."""

    ivr_seconds: np.ndarray
    handle_seconds: np.ndarray  # before the agent group's proficiency factor
    patience_seconds: np.ndarray  # inf: never abandons
    fcr_ok: np.ndarray  # bool: resolves the need when served
    callback_u: np.ndarray  # accepts a callback offer when < the acceptance rate
    redial_u: np.ndarray  # redials after abandoning when < the redial probability
    redial_delay_seconds: np.ndarray
    repeat_delay_seconds: np.ndarray


@dataclass(frozen=True)
class NeedDraws:
    """Everything drawn per customer need before the run (one entry per need, by arrival time)."""

    arrival_s: np.ndarray
    ctype: np.ndarray  # int64 contact type index
    first: ContactUniforms  # the uniforms of the need's first contact
    self_service_u: np.ndarray
    self_service_success_u: np.ndarray
    ivr_containment_u: np.ndarray
    vip_u: np.ndarray
    false_resolution_u: np.ndarray  # leaky automation (self-service, IVR, bot): one per need
    bot_u: np.ndarray
    bot_success_u: np.ndarray
    bot_failed_u: np.ndarray

    def __len__(self) -> int:
        return len(self.arrival_s)


def need_arrival_times(plan: EnginePlan, streams: dict[str, np.random.Generator]) -> np.ndarray:
    """Arrival times of customer needs, sorted: non-homogeneous Poisson, piecewise constant per interval."""
    p, s = plan, streams
    n_int = p.intervals_per_day
    mult = np.ones(p.days)
    if p.daily_cv > 0:
        shape = 1.0 / p.daily_cv**2
        mult = s["daily_volume"].gamma(shape, 1.0 / shape, size=p.days)
    if p.week_weights is not None:  # the weekday's volume; a closed day's 0 draws no calls
        mult = mult * p.day_weights()
    lam = p.calls_per_day * mult[:, None] * p.profile[None, :]
    counts = s["arrival_counts"].poisson(lam)
    starts = (np.arange(p.days)[:, None] * 86400.0 + p.open_seconds + np.arange(n_int)[None, :] * p.interval_seconds)
    total = int(counts.sum())
    offsets = s["arrival_times"].random(total) * p.interval_seconds
    times = np.repeat(starts.ravel(), counts.ravel()) + offsets
    return np.sort(times)


def draw_needs(plan: EnginePlan, streams: dict[str, np.random.Generator]) -> NeedDraws:
    """Arrival time, contact type and every uniform of each need the plan can use.

    One draw of ``n`` from each named stream (the streams are independent, so the order of these
    lines does not matter; the number of draws from each does). A stream whose values the plan
    cannot use (the bot's when no type engages it, ...) is not drawn: since the streams are
    independent, that changes no other draw. Its uniforms are a constant 0.5 (a read-only
    broadcast: no memory per need), only ever compared with probabilities of 0.
    """
    s, p = streams, plan
    t_need = need_arrival_times(plan, s)
    n = len(t_need)
    cum = np.cumsum([t.share for t in plan.types])
    cum[-1] = 1.0
    ktype = np.searchsorted(cum, s["contact_type"].random(n), side="right").astype(np.int64)
    ktype = np.minimum(ktype, len(plan.types) - 1)
    unused = np.broadcast_to(0.5, (n,))

    def draw(name: str, used: bool = True) -> np.ndarray:
        return s[name].random(n) if used else unused

    types = plan.types
    self_service = any(t.ss_adoption > 0 for t in types)
    bot = any(t.bot_engagement > 0 for t in types)
    redial = p.redial_probability > 0
    first = ContactUniforms(
        ivr=draw("ivr_time", p.ivr_time is not None),
        handle=draw("handle_time"),
        patience=draw("patience"),
        fcr=draw("fcr"),
        callback=draw("callback", p.callback is not None),
        redial=draw("redial", redial),
        redial_delay=draw("redial_delay", redial),
        repeat_delay=draw("repeat_delay"),
    )
    return NeedDraws(
        arrival_s=t_need,
        ctype=ktype,
        first=first,
        self_service_u=draw("self_service", self_service),
        self_service_success_u=draw("self_service_success", self_service),
        ivr_containment_u=draw("ivr_containment", any(t.ivr_containment > 0 for t in types)),
        vip_u=draw("priority", p.vip_share > 0),
        false_resolution_u=draw("false_resolution", p.false_ss_share > 0 or p.false_containment_share > 0
                                or p.bot_false_resolution_share > 0),
        bot_u=draw("chatbot", bot),
        bot_success_u=draw("chatbot_success", bot),
        bot_failed_u=draw("chatbot_failed", bot),
    )


def secondary_uniforms(rng: np.random.Generator, shape: tuple[int, ...]) -> ContactUniforms:
    """One block of ``len(SECONDARY_ROWS)`` x ``shape`` uniforms from ``rng``, split by name."""
    u = rng.random((len(SECONDARY_ROWS), *shape))
    return ContactUniforms(**{name: u[i] for i, name in enumerate(SECONDARY_ROWS)})


def _per_type_ppf(samplers: Sequence[Sampler | None], ktype: np.ndarray, u: np.ndarray, fill: float) -> np.ndarray:
    """``samplers[k].ppf`` of the uniforms of the contacts of type ``k`` (``fill`` where a sampler is None)."""
    out = np.full(u.shape, fill) if any(s is None for s in samplers) else np.empty(u.shape)
    for k, sampler in enumerate(samplers):
        if sampler is not None:
            m = ktype == k
            out[m] = sampler.ppf(u[m])
    return out


def contact_attributes(
    plan: EnginePlan,
    ktype: np.ndarray,
    u: ContactUniforms,
    handle_factors: Sequence[np.ndarray | float] = (),
    fcr_threshold: np.ndarray | None = None,
) -> ContactAttributes:
    """The attributes of contacts of types ``ktype`` (indexing the first axis of ``u``'s arrays).

    Rules on the input: ``u``'s arrays share one shape whose first axis is ``ktype``'s.
    ``handle_factors`` multiply the sampled handle time one after the other, in the given order
    (the rounding of a product depends on its order, and each caller keeps its own).
    ``fcr_threshold`` (shape of ``u``) replaces the type's FCR where a contact's own differs.
    """
    types = plan.types
    handle = _per_type_ppf([t.handle for t in types], ktype, u.handle, 0.0)
    for factor in handle_factors:
        handle *= factor
    patience = _per_type_ppf([t.patience for t in types], ktype, u.patience, np.inf)
    if fcr_threshold is None:
        fcr_ok = np.empty(u.fcr.shape, dtype=bool)
        for k, t in enumerate(types):
            m = ktype == k
            fcr_ok[m] = u.fcr[m] < t.fcr
    else:
        fcr_ok = u.fcr < fcr_threshold
    shape = u.ivr.shape
    return ContactAttributes(
        ivr_seconds=plan.ivr_time.ppf(u.ivr) if plan.ivr_time is not None else np.zeros(shape),
        handle_seconds=handle,
        patience_seconds=patience,
        fcr_ok=fcr_ok,
        callback_u=u.callback,
        redial_u=u.redial,
        redial_delay_seconds=plan.redial_delay.ppf(u.redial_delay) if plan.redial_delay is not None else np.zeros(shape),
        repeat_delay_seconds=_per_type_ppf([t.repeat_delay for t in types], ktype, u.repeat_delay, 0.0),
    )
