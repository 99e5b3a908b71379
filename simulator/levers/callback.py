"""Callbacks (virtual hold): callers facing a long wait may leave the line and be called back."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft
from simulator.model.plan import CallbackPlan
from simulator.model.schema import NonNegFloat, Share


class CallbackSettings(LeverSettings):
    threshold_seconds: NonNegFloat = 60.0
    """A callback is offered when the expected wait exceeds this (seconds). Default 60."""
    acceptance: Share = 0.37
    """Share of offered callers who accept. Default 0.37 (Hathaway, Emadi & Deshpande, Management Science)."""
    connect_rate: Share = 0.93
    """Share of attempts that reach the customer. Default 0.93 (REFERENCE: ~7% of accepted callbacks go unanswered)."""
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 3
    """Attempts before the callback fails (count, 1-10). Default 3."""
    retry_delay_seconds: NonNegFloat = 300.0
    """After a failed attempt the callback re-enters the queue, at its original place, this much later (seconds). Default 300."""
    attempt_seconds: NonNegFloat = 30.0
    """Agent and outbound time of an unanswered attempt (seconds). Default 30."""


class Callback(Lever):
    key = "callback"
    label = "callbacks"
    settings = CallbackSettings
    example = {"threshold_seconds": 10.0, "acceptance": 0.5}
    neutral_settings = {"acceptance": 0.0}

    def phrase(self, s: CallbackSettings, fmt: PhraseFormat) -> str:
        return f"callbacks offered after {s.threshold_seconds:g} s ({fmt.pct(s.acceptance, 0)} accept)"

    def apply_to_plan(self, s: CallbackSettings, scenario: Any, draft: PlanDraft) -> None:
        draft.fields["callback"] = CallbackPlan(
            s.threshold_seconds, s.acceptance, s.connect_rate, s.max_attempts, s.retry_delay_seconds, s.attempt_seconds
        )
