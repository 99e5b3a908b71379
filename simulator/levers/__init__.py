"""The lever registry: every lever module, in a fixed order, and what the rest of ccsim reads.

A lever is one module (see ``base`` for the interface). The scenario's ``levers`` model, the
plan builder, the cost rates, the report labels and phrases all come from :data:`LEVERS`, so a
new lever is one module here, one line in :data:`_MODULES`, a scenario file and its tests
(README "Add a lever"). The order is fixed: levers apply to the plan in this order, and new
levers go at the end.
"""

from __future__ import annotations

from typing import Any

from pydantic import create_model

from simulator.levers.agent_assist import AgentAssist
from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft
from simulator.levers.callback import Callback
from simulator.levers.chatbot import Chatbot
from simulator.levers.fcr import Fcr
from simulator.levers.ivr import Ivr
from simulator.levers.outsourced_overflow import OutsourcedOverflow
from simulator.levers.priority import Priority
from simulator.levers.remote_agents import RemoteAgents
from simulator.levers.scheduling import Scheduling
from simulator.levers.self_service import SelfService
from simulator.levers.voip import Voip
from simulator.model.schema import FrozenModel

_MODULES: tuple[Lever, ...] = (
    Ivr(), SelfService(), Callback(), Fcr(), Voip(), RemoteAgents(), OutsourcedOverflow(),
    AgentAssist(), Scheduling(), Priority(), Chatbot(),
)

LEVERS: dict[str, Lever] = {lever.key: lever for lever in _MODULES}
"""Every lever by its scenario key, in application order."""

Levers = create_model(  # type: ignore[call-overload]
    "Levers",
    __base__=FrozenModel,
    __doc__="The levers a scenario pulls: one optional settings block per registered lever.",
    **{key: (lever.settings | None, None) for key, lever in LEVERS.items()},
)
"""The scenario's ``levers:`` block, assembled from the registry."""

# Labels of the other things attribution can credit a saving to (not levers).
_OTHER_LABELS = {
    "agents": "agent groups", "costs": "cost inputs", "contact_types": "contact types", "residual": "residual",
}


def active_levers(levers: Any) -> list[tuple[Lever, LeverSettings]]:
    """The levers a ``Levers`` block sets, with their settings, in application order."""
    return [(lever, getattr(levers, key)) for key, lever in LEVERS.items() if getattr(levers, key) is not None]


def lever_label(key: str) -> str:
    """A lever's (or an attribution player's) name in reports."""
    if key in LEVERS:
        return LEVERS[key].label
    return _OTHER_LABELS.get(key, key.replace("_", " "))


def lever_phrase(key: str, settings: LeverSettings, fmt: PhraseFormat) -> str:
    """What a lever's settings do, in a few plain words."""
    return LEVERS[key].phrase(settings, fmt)


__all__ = ["LEVERS", "Lever", "LeverSettings", "Levers", "PlanDraft", "PhraseFormat", "active_levers", "lever_label", "lever_phrase"]
