"""VoIP telephony: per-minute and per-seat rates replace the PSTN's, the PBX is retired."""

from __future__ import annotations

from typing import Any

from simulator.levers.base import Lever, LeverSettings, PhraseFormat
from simulator.model.schema import NonNegFloat


class VoipSettings(LeverSettings):
    inbound_per_minute: NonNegFloat = 0.0085
    """Inbound rate (currency/min). Default $0.0085 (REFERENCE: VoIP/CPaaS inbound)."""
    outbound_per_minute: NonNegFloat = 0.013
    """Outbound rate (currency/min). Default $0.013 (REFERENCE)."""
    line_per_seat_month: NonNegFloat = 0.0
    """Line cost per seat and month (currency). Default 0."""
    pbx_monthly: NonNegFloat = 0.0
    """What remains of the PBX per month (currency); the VoIP monthly fee is added to it. Default 0."""


class Voip(Lever):
    key = "voip"
    label = "VoIP"
    settings = VoipSettings
    example = {"inbound_per_minute": 0.004, "outbound_per_minute": 0.006}
    fee_component = "telephony"

    def neutral(self, scenario: Any) -> dict[str, Any] | None:
        """The scenario's own telephony rates: VoIP at the PSTN's prices changes nothing."""
        t = scenario.costs.telephony
        return {"inbound_per_minute": t.inbound_per_minute, "outbound_per_minute": t.outbound_per_minute,
                "line_per_seat_month": t.line_per_seat_month, "pbx_monthly": t.pbx_monthly}

    def phrase(self, s: VoipSettings, fmt: PhraseFormat) -> str:
        return f"VoIP telephony at {fmt.money(s.inbound_per_minute, 4)}/min"

    def apply_to_costs(self, s: VoipSettings, scenario: Any, rates: dict[str, float]) -> None:
        rates["inbound_per_minute"] = s.inbound_per_minute
        rates["outbound_per_minute"] = s.outbound_per_minute
        rates["line_per_seat_month"] = s.line_per_seat_month
        # The PBX is replaced: what stays is the VoIP subscription (SIP trunks, platform fee).
        rates["pbx_monthly"] = s.pbx_monthly + s.monthly_fee
