"""First-contact resolution programme: fewer needs come back as repeat contacts."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft
from simulator.model.schema import PositiveFloat, Share


class FcrSettings(LeverSettings):
    uplift: Annotated[float, Field(ge=0, le=1)] = 0.0
    """Points added to every type's FCR (share, capped at 1). Default 0. REFERENCE: 70-79% good, >= 80% world class (SQM)."""
    target: dict[str, Share] = {}
    """FCR per contact type, replacing uplift for the types named. Default none."""
    handle_time_factor: PositiveFloat = 1.0
    """Handle-time multiplier of every handled call (resolving takes a little longer). Default 1.0."""


class Fcr(Lever):
    key = "fcr"
    label = "FCR"
    settings = FcrSettings
    example = {"uplift": 0.1}
    neutral_settings = {}
    per_type_fields = ("target",)

    def phrase(self, s: FcrSettings, fmt: PhraseFormat) -> str:
        if s.target:
            return "first-contact resolution raised to " + ", ".join(f"{k} {fmt.pct(v, 0)}" for k, v in s.target.items())
        return f"first-contact resolution up {100 * s.uplift:.0f} points"

    def apply_to_plan(self, s: FcrSettings, scenario: Any, draft: PlanDraft) -> None:
        for tp in draft.types:
            tp["fcr"] = s.target.get(tp["name"], min(1.0, tp["fcr"] + s.uplift))
        draft.fields["handle_factor"] *= s.handle_time_factor
