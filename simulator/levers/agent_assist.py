"""Agent assist (AI suggestions, summaries): shorter handle times on in-house calls."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft
from simulator.model.schema import NonNegFloat


class AgentAssistSettings(LeverSettings):
    handle_time_reduction: Annotated[float, Field(ge=0, lt=1)] = 0.0
    """Share cut from every in-house handle time. Default 0 (file: 10%; REFERENCE: partial automation saves ~25% of agent time)."""
    per_agent_month: NonNegFloat = 0.0
    """Licence per agent FTE and month (currency). Default 0."""


class AgentAssist(Lever):
    key = "agent_assist"
    label = "agent assist"
    settings = AgentAssistSettings
    example = {"handle_time_reduction": 0.1, "per_agent_month": 20.0}
    neutral_settings = {}
    fee_component = "automation"

    def phrase(self, s: AgentAssistSettings, fmt: PhraseFormat) -> str:
        return f"agent assist cutting handle time by {fmt.pct(s.handle_time_reduction, 0)}"

    def apply_to_plan(self, s: AgentAssistSettings, scenario: Any, draft: PlanDraft) -> None:
        assist = 1.0 - s.handle_time_reduction
        draft.fields["assist_factor"] = assist
        draft.fields["handle_factor"] *= assist

    def apply_to_costs(self, s: AgentAssistSettings, scenario: Any, rates: dict[str, float]) -> None:
        rates["automation_per_agent_month"] += s.per_agent_month
        rates["automation_monthly"] += s.monthly_fee
