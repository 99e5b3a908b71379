"""Outsourced overflow: calls that wait longer than a threshold go to a vendor."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from simulator.levers.base import Lever, LeverSettings, PhraseFormat, PlanDraft
from simulator.model.plan import OutsourcePlan
from simulator.model.schema import NonNegFloat, PositiveFloat


class OutsourcedOverflowSettings(LeverSettings):
    after_seconds: NonNegFloat = 60.0
    """A call still waiting after this long goes to the vendor (seconds). Default 60."""
    per_minute: NonNegFloat = 0.0
    """Vendor price per handled minute (currency/min). Default 0 (REFERENCE: 0.8-1.5 yuan/min in China)."""
    per_call: NonNegFloat = 0.0
    """Vendor price per handled call (currency). Default 0."""
    minimum_monthly: NonNegFloat = 0.0
    """The vendor bills at least this per month (currency). Default 0."""
    handle_time_factor: PositiveFloat = 1.0
    """Vendor handle time / in-house handle time (without agent assist). Default 1.0."""
    seats: Annotated[int, Field(ge=1, le=100_000)] | None = None
    """Vendor capacity: calls it handles at once. A call past ``after_seconds`` waits on our line
    for a free vendor seat (first come, first served) unless an agent of ours answers first.
    Default none: no limit."""
    per_seat_month: NonNegFloat = 0.0
    """Vendor price per seat and month (currency), x ``seats``. Default 0 (REFERENCE: ¥5,000-8,000
    per seat-month in China)."""

    @model_validator(mode="after")
    def _seats_priced(self) -> "OutsourcedOverflowSettings":
        if self.per_seat_month > 0 and self.seats is None:
            raise ValueError("seats|a number of vendor seats (>= 1) when per_seat_month is given")
        return self


class OutsourcedOverflow(Lever):
    key = "outsourced_overflow"
    label = "outsourcing"
    settings = OutsourcedOverflowSettings
    example = {"after_seconds": 30.0, "per_minute": 1.0}
    neutral_settings = {"after_seconds": 1e9}
    fee_component = "outsourcing"

    def phrase(self, s: OutsourcedOverflowSettings, fmt: PhraseFormat) -> str:
        return f"outsourcing calls that wait over {s.after_seconds:g} s"

    def apply_to_plan(self, s: OutsourcedOverflowSettings, scenario: Any, draft: PlanDraft) -> None:
        draft.fields["outsource"] = OutsourcePlan(s.after_seconds, s.handle_time_factor, s.seats)

    def apply_to_costs(self, s: OutsourcedOverflowSettings, scenario: Any, rates: dict[str, float]) -> None:
        rates["outsource_per_minute"] = s.per_minute
        rates["outsource_per_call"] = s.per_call
        rates["outsource_minimum_monthly"] = s.minimum_monthly
        rates["outsource_monthly"] = s.monthly_fee + (s.seats or 0) * s.per_seat_month
