"""Levers in words: the short label and the plain-words phrase of each lever, for the output layer.

The output layer asks for lever words through ``lever_label`` and ``lever_phrase`` only (and
``describe_levers``, built on ``lever_phrase``); both read the lever registry, where each lever
module owns its label and phrase. Labels also
cover the other changes an attribution names (agent groups, cost inputs, contact types, the
residual). Phrases are unescaped text.
"""

from __future__ import annotations
from pydantic import BaseModel

from simulator.levers import lever_label as registry_label
from simulator.levers import lever_phrase as registry_phrase
from simulator.model.scenario import Scenario
from simulator.output.fmt import money, pct

class _Format:
    """The output layer's formatting, lent to a lever for its phrase (``levers.base.PhraseFormat``)."""

    def __init__(self, currency: str) -> None:
        self.currency = currency

    def pct(self, x: float, digits: int = 1) -> str:
        return pct(x, digits)

    def money(self, x: float, digits: int | None = None) -> str:
        return money(x, self.currency, digits)


def lever_label(name: str) -> str:
    """The short label of a lever (or of another change an attribution names): ``IVR``, ``agent groups``."""
    return registry_label(name)


def lever_phrase(name: str, settings: BaseModel, *, currency: str) -> str:
    """What a lever's settings do, in plain words (each lever module owns its phrase)."""
    return registry_phrase(name, settings, _Format(currency))


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
    if baseline is not None:
        out += _agent_changes(scenario, baseline)
    return [p for p in out if p]


def _agent_changes(scenario: Scenario, baseline: Scenario) -> list[str]:
    """Changes outside ``levers`` that a scenario file commonly makes: routing and shifts."""
    out = []
    routing, base_routing = scenario.agents.routing, baseline.agents.routing
    if routing.policy != base_routing.policy:
        words = {"pooled": "one pool of cross-trained agents taking every contact type",
                 "skills_based": "skills-based routing with overflow",
                 "dedicated": "dedicated teams, no overflow between them"}
        out.append(words.get(routing.policy, f"{routing.policy} routing"))
    elif routing.model_dump() != base_routing.model_dump():
        out.append("routing settings changed")
    if scenario.agents.shifts is not None and baseline.agents.shifts is None:
        names = ", ".join(sh.name for sh in scenario.agents.shifts)
        out.append(f"agents rostered into shifts ({names}) with breaks off the phones")
    return out
