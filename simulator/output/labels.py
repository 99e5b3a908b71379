"""Levers in words: the short label and the plain-words phrase of each lever, for the output layer.

The output layer asks for lever words through ``lever_label`` and ``lever_phrase`` only (and
``describe_levers``, built on ``lever_phrase``), so that when the lever registry owns each
lever's label and phrase these two functions are the one place to point at it. Labels also
cover the other changes an attribution names (agent groups, cost inputs, contact types, the
residual). Phrases are unescaped text.
"""

from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel

from simulator.model.scenario import Scenario
from simulator.output.fmt import money, pct

_LABELS = {
    "ivr": "IVR", "self_service": "self-service", "callback": "callbacks", "fcr": "FCR", "voip": "VoIP",
    "remote_agents": "remote agents", "outsourced_overflow": "outsourcing", "agent_assist": "agent assist",
    "scheduling": "scheduling", "priority": "priority", "agents": "agent groups", "costs": "cost inputs",
    "contact_types": "contact types", "residual": "residual",
}


def _shares(v: float | dict[str, float]) -> str:
    """A share, or a share per contact type (``billing 30%, tech 10%``)."""
    if isinstance(v, dict):
        return ", ".join(f"{k} {pct(x, 0)}" for k, x in v.items())
    return pct(v, 0)


def _fcr(lev: Any, _cur: str) -> str:
    if lev.target:
        return "first-contact resolution raised to " + _shares(lev.target)
    return f"first-contact resolution up {100 * lev.uplift:.0f} points"


_PHRASES: dict[str, Callable[[Any, str], str]] = {
    "ivr": lambda lev, _cur: f"IVR containment of {_shares(lev.containment)}",
    "self_service": lambda lev, _cur: (f"self-service adoption of {_shares(lev.adoption)} "
                                       f"with {_shares(lev.success)} success"),
    "callback": lambda lev, _cur: f"callbacks offered after {lev.threshold_seconds:g} s ({pct(lev.acceptance, 0)} accept)",
    "fcr": _fcr,
    "voip": lambda lev, cur: f"VoIP telephony at {money(lev.inbound_per_minute, cur, 4)}/min",
    "remote_agents": lambda lev, _cur: f"{pct(lev.share, 0)} remote agents",
    "outsourced_overflow": lambda lev, _cur: f"outsourcing calls that wait over {lev.after_seconds:g} s",
    "agent_assist": lambda lev, _cur: f"agent assist cutting handle time by {pct(lev.handle_time_reduction, 0)}",
    "scheduling": lambda _lev, _cur: "staffing shaped to the intraday profile",
    "priority": lambda lev, _cur: f"priority queueing for {pct(lev.vip_share, 0)} VIP callers",
}


def lever_label(name: str) -> str:
    """The short label of a lever (or of another change an attribution names): ``IVR``, ``agent groups``."""
    return _LABELS.get(name, name.replace("_", " "))


def lever_phrase(name: str, settings: BaseModel, *, currency: str) -> str:
    """What a lever's settings do, in plain words: ``IVR containment of 30%``.

    ``currency`` prices the levers that quote a rate (VoIP's per-minute price).
    """
    phrase = _PHRASES.get(name)
    return phrase(settings, currency) if phrase else name.replace("_", " ")


def describe_levers(scenario: Scenario, baseline: Scenario | None = None) -> list[str]:
    """Phrases for the levers a scenario sets (only those that differ from ``baseline``'s, if given)."""
    out = []
    for name in type(scenario.levers).model_fields:
        lev = getattr(scenario.levers, name)
        if lev is None:
            continue
        if baseline is not None:
            base = getattr(baseline.levers, name)
            if base is not None and base.model_dump() == lev.model_dump():
                continue
        out.append(lever_phrase(name, lev, currency=scenario.currency))
    return [p for p in out if p]
