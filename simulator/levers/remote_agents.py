"""Remote agents: a share of agents work from home (no office seat but a stipend, wage level, shrinkage)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, Field

from simulator.levers.base import Lever, LeverSettings, PhraseFormat
from simulator.model.schema import NonNegFloat, PositiveFloat, Share


class RemoteAgentsSettings(LeverSettings):
    share: Share = 0.0
    """Share of on-phone agent hours worked remotely. Default 0."""
    stipend_per_remote_agent_month: Annotated[NonNegFloat, Field(validation_alias=AliasChoices(
        "stipend_per_remote_agent_month", "facility_per_remote_seat_month"))] = 0.0
    """Home-office stipend per remote agent (FTE) and month (currency), in ``facilities``; remote
    agents need no office seat. The older name ``facility_per_remote_seat_month`` is read as this.
    Default 0."""
    wage_factor: PositiveFloat = 1.0
    """Remote wage / on-site wage. Default 1.0 (REFERENCE: pay $2-3/h lower in some markets)."""
    shrinkage: Annotated[float, Field(ge=0, lt=1)] | None = None
    """Shrinkage of remote agents (share); none = the center's. REFERENCE: absenteeism 18% -> 7% in one study."""


class RemoteAgents(Lever):
    key = "remote_agents"
    label = "remote agents"
    settings = RemoteAgentsSettings
    example = {"share": 0.5, "stipend_per_remote_agent_month": 50.0, "wage_factor": 0.9}
    neutral_settings = {}

    def phrase(self, s: RemoteAgentsSettings, fmt: PhraseFormat) -> str:
        return f"{fmt.pct(s.share, 0)} remote agents"

    def apply_to_costs(self, s: RemoteAgentsSettings, scenario: Any, rates: dict[str, float]) -> None:
        rates["programmes_monthly"] += s.monthly_fee
        if s.share <= 0:
            return
        c = scenario.costs
        remote_shrink = s.shrinkage if s.shrinkage is not None else c.shrinkage
        # Paid hours scale with 1/(1-shrinkage); blend so that on-phone hours split by share.
        paid_factor = (1 - s.share) / (1 - c.shrinkage) + s.share / (1 - remote_shrink)
        rates["shrinkage"] = 1 - 1 / paid_factor
        onsite_paid = (1 - s.share) / (1 - c.shrinkage) / paid_factor
        rates["hourly_wage"] = c.agent_hourly_wage * (onsite_paid + (1 - onsite_paid) * s.wage_factor)
        # Seats, lines and stipends follow the heads of each part (analysis.costs.seat_counts).
        rates["remote_share"] = s.share
        rates["remote_shrinkage"] = remote_shrink
        rates["remote_stipend_per_agent_month"] = s.stipend_per_remote_agent_month
