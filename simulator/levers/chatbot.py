"""AI assistant (chatbot / voice bot) in front of chat and calls.

A share of needs start with the assistant. It resolves a share of its conversations; the rest
are handed to an agent with the conversation's context (a shorter handle time), except failed
transfers (the bot misunderstood, the customer repeats everything: a longer handle time and a
lower first-contact resolution). Handed-off calls skip the IVR: the assistant did the triage.
Priced per conversation plus a monthly fee, in the ``automation`` cost component.
"""

from __future__ import annotations

from typing import Any

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft, share_text
from simulator.model.schema import NonNegFloat, PerType, PositiveFloat, Share, per_type


class ChatbotSettings(LeverSettings):
    engagement: PerType = 0.0
    """Share of needs (of those not using self-service) that start with the assistant, overall or per type. Default 0."""
    containment: PerType = 0.0
    """Share of conversations the assistant resolves without an agent, overall or per type. Default 0 (Klarna 2024: two thirds of chats in its first month)."""
    conversation_seconds: NonNegFloat = 120.0
    """Length of a conversation (seconds of opening hours): a handed-off call arrives this much later. Default 120."""
    handoff_handle_time_factor: PositiveFloat = 1.0
    """Handle-time multiplier of a call handed off with the conversation's context. Default 1.0 (file: 0.92; assumption)."""
    failed_transfer_share: Share = 0.0
    """Of the conversations the assistant does not resolve, the share that are failed transfers. Default 0."""
    failed_handle_time_factor: PositiveFloat = 1.0
    """Handle-time multiplier of a failed transfer (the customer starts over). Default 1.0 (file: 1.15; assumption)."""
    failed_fcr_penalty: Share = 0.0
    """Points of first-contact resolution lost on a failed transfer (absolute, floored at 0). Default 0."""
    false_resolution_share: Share = 0.0
    """Share of conversations counted as resolved that were not: the customer comes back as a repeat. Default 0."""
    per_conversation: NonNegFloat = 0.0
    """Price of every conversation (currency). Default 0 (Salesforce Agentforce list price $2 per conversation, 2024; Intercom Fin $0.99 per resolution)."""


class Chatbot(Lever):
    key = "chatbot"
    label = "AI assistant"
    settings = ChatbotSettings
    example = {"engagement": 0.4, "containment": 0.5, "per_conversation": 1.0}
    neutral_settings = {}
    per_type_fields = ("engagement", "containment")
    fee_component = "automation"

    def phrase(self, s: ChatbotSettings, fmt: PhraseFormat) -> str:
        return (f"an AI assistant taking {share_text(s.engagement, fmt)} of needs and resolving "
                f"{share_text(s.containment, fmt)} of them")

    def apply_to_plan(self, s: ChatbotSettings, scenario: Any, draft: PlanDraft) -> None:
        for tp in draft.types:
            tp["bot_engagement"] = per_type(s.engagement, tp["name"])
            tp["bot_containment"] = per_type(s.containment, tp["name"])
            tp["bot_failed_share"] = s.failed_transfer_share
        draft.fields.update(
            bot_session_seconds=s.conversation_seconds,
            bot_handoff_handle_factor=s.handoff_handle_time_factor,
            bot_failed_handle_factor=s.failed_handle_time_factor,
            bot_failed_fcr_penalty=s.failed_fcr_penalty,
            bot_false_resolution_share=s.false_resolution_share,
        )

    def apply_to_costs(self, s: ChatbotSettings, scenario: Any, rates: dict[str, float]) -> None:
        rates["bot_per_conversation"] = s.per_conversation
        rates["automation_monthly"] += s.monthly_fee
