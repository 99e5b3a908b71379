"""Self-service (web, app): a share of needs try it first; failed sessions become calls later."""

from __future__ import annotations

from typing import Any

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft, share_text
from simulator.model.schema import NonNegFloat, PerType, Share, per_type


class SelfServiceSettings(LeverSettings):
    adoption: PerType = 0.0
    """Share of needs that try self-service first, overall or per type. Default 0 (file: 30% billing/account, 15% technical, 10% sales; assumption)."""
    success: PerType = 0.0
    """Share of sessions that resolve the need, overall or per type. Default 0 (file: 60/35/40%; assumption)."""
    per_session: NonNegFloat = 0.0
    """Price of every session, resolved or not (currency/session). Default 0 (file: $0.50; an agent chat costs $3.82, ContactBabel)."""
    session_seconds: NonNegFloat = 300.0
    """Length of a session (seconds of opening hours): a failed session's call arrives this much later. Default 300."""
    failed_handle_time_uplift: PerType = 0.0
    """Calls after a failed session take x (1 + uplift) (the agent recaps). Default 0."""
    false_resolution_share: Share = 0.0
    """Share of "resolved" sessions that were not: the customer calls as a repeat after the repeat delay. Default 0."""


class SelfService(Lever):
    key = "self_service"
    label = "self-service"
    settings = SelfServiceSettings
    example = {"adoption": 0.3, "success": 0.5, "per_session": 0.4}
    neutral_settings = {}
    per_type_fields = ("adoption", "success", "failed_handle_time_uplift")
    fee_component = "self_service"

    def phrase(self, s: SelfServiceSettings, fmt: PhraseFormat) -> str:
        return f"self-service adoption of {share_text(s.adoption, fmt)} with {share_text(s.success, fmt)} success"

    def apply_to_plan(self, s: SelfServiceSettings, scenario: Any, draft: PlanDraft) -> None:
        for tp in draft.types:
            name = tp["name"]
            tp["ss_adoption"] = per_type(s.adoption, name)
            tp["ss_success"] = per_type(s.success, name)
            tp["ss_failed_handle_factor"] = 1.0 + per_type(s.failed_handle_time_uplift, name)
        draft.fields["false_ss_share"] = s.false_resolution_share
        draft.fields["ss_session_seconds"] = s.session_seconds

    def apply_to_costs(self, s: SelfServiceSettings, scenario: Any, rates: dict[str, float]) -> None:
        rates["self_service_per_session"] = s.per_session
        rates["self_service_monthly"] = s.monthly_fee
