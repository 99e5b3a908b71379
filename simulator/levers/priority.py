"""Priority queueing: calls from VIP customers are served before every other caller."""

from __future__ import annotations

from typing import Any

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft
from simulator.model.schema import Share


class PrioritySettings(LeverSettings):
    vip_share: Share = 0.0
    """Share of needs from VIP customers, served first (priority class 0). Default 0."""


class Priority(Lever):
    key = "priority"
    label = "priority"
    settings = PrioritySettings
    example = {"vip_share": 0.2}
    neutral_settings = {}

    def phrase(self, s: PrioritySettings, fmt: PhraseFormat) -> str:
        return f"priority queueing for {fmt.pct(s.vip_share, 0)} VIP callers"

    def apply_to_plan(self, s: PrioritySettings, scenario: Any, draft: PlanDraft) -> None:
        draft.fields["vip_share"] = s.vip_share
