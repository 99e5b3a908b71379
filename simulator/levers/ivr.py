"""IVR containment: calls resolved in the IVR never reach an agent (README "Levers", `ivr`)."""

from __future__ import annotations

from typing import Any

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft, share_text
from simulator.model.distributions import make_sampler
from simulator.model.schema import DistributionSpec, NonNegFloat, PerType, Share, per_type


class IvrSettings(LeverSettings):
    time: DistributionSpec = DistributionSpec(distribution="constant", mean_seconds=60)
    """Time in the IVR of every call (seconds). Default constant 60 s; baseline lognormal mean 45 s, cv 0.5 (menu IVR)."""
    containment: PerType = 0.0
    """Share of calls resolved in the IVR, overall or per contact type. Default 0. REFERENCE: 15-25% overall, 55-80% for balance/payment intents."""
    per_minute: NonNegFloat = 0.0
    """IVR port or speech minute price (currency/min) on every call's IVR time. Default 0 (assumption: $0.015 menu, $0.06 speech)."""
    remaining_handle_time_uplift: PerType = 0.0
    """Calls the IVR does not contain are harder: handle time x (1 + uplift) for types with containment > 0. Default 0."""
    false_containment_share: Share = 0.0
    """Share of contained callers not really helped; they come back as a repeat after the type's repeat delay. Default 0."""


class Ivr(Lever):
    key = "ivr"
    label = "IVR"
    settings = IvrSettings
    example = {"containment": 0.3, "per_minute": 0.05}
    per_type_fields = ("containment", "remaining_handle_time_uplift")
    fee_component = "ivr"

    def neutral(self, scenario: Any) -> dict[str, Any] | None:
        """None: every call spends time in an IVR: no IVR setting is the absence of one."""
        return None

    def phrase(self, s: IvrSettings, fmt: PhraseFormat) -> str:
        return f"IVR containment of {share_text(s.containment, fmt)}"

    def apply_to_plan(self, s: IvrSettings, scenario: Any, draft: PlanDraft) -> None:
        for tp in draft.types:
            containment = per_type(s.containment, tp["name"])
            tp["ivr_containment"] = containment
            tp["remaining_handle_factor"] = 1.0 + (per_type(s.remaining_handle_time_uplift, tp["name"]) if containment > 0 else 0.0)
        draft.fields["ivr_time"] = make_sampler(s.time)
        draft.fields["false_containment_share"] = s.false_containment_share

    def apply_to_costs(self, s: IvrSettings, scenario: Any, rates: dict[str, float]) -> None:
        rates["ivr_per_minute"] = s.per_minute
        rates["ivr_monthly"] = s.monthly_fee
