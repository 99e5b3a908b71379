"""Scenario fields of the multi-year business case and of the platform's cost of ownership.

``business_case:`` (top level) says how the saving simulated over a few days becomes a monthly cash
flow over ``months`` (README "Business case over 36 months"): the levers' adoption ramp, volume
growth, wage inflation, agent attrition with its hiring cost and the new hires' learning curve.
``costs.platform`` says how the contact-center platform is paid for: ``saas`` per seat-month, or
``owned`` (capital cost depreciated over some years plus annual maintenance as a share of it).
Neither changes what the engine simulates; ``simulator.studies.cashflow`` and
``simulator.analysis.costs`` read them.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from simulator.levers import LEVERS
from simulator.model.schema import FrozenModel, NonNegFloat

Months = Annotated[int, Field(ge=0, le=240)]
HandleTimeMultiplier = Annotated[float, Field(ge=1, le=5)]


class BusinessCase(FrozenModel):
    """How months of the business case are derived from the simulated days (no new simulation)."""

    months: Annotated[int, Field(ge=1, le=240)] = 36
    """Length of the cash flow in months (``ccsim compare --months`` overrides it). Default 36."""
    ramp_months: Union[Months, dict[str, Months]] = 0
    """Months from go-live to a lever's full effect, adoption rising linearly: month ``m`` has
    min(1, m / ramp_months) of the full saving (0 = full effect from month 1). One number for every
    lever, or a mapping lever key -> months (``{ivr: 6, agent_assist: 3}``; levers not named: 0).
    Default 0."""
    volume_growth_per_year: Annotated[float, Field(ge=-0.5, le=2)] = 0.0
    """Annual growth of contact volume (0.05 = +5% a year, compounded monthly); the saving, the
    centre's headcount and its hiring scale with it linearly (README says why). Default 0."""
    wage_inflation_per_year: Annotated[float, Field(ge=-0.2, le=1)] = 0.0
    """Annual growth of wages (compounded monthly); scales the labour part of the saving
    (agent labour, overtime, supervision) and the learning-curve cost. Default 0."""
    attrition_per_year: Annotated[float, Field(ge=0, le=3)] = 0.0
    """Agents who leave per year / average headcount (REFERENCE: 30-45%, captive ~20%, outsourcers
    up to 100%); each month attrition / 12 of the FTE are replaced. Default 0."""
    cost_per_hire: NonNegFloat = 0.0
    """Recruiting and training cost of one replacement agent (currency; REFERENCE: $10-15k,
    recruiting alone ~$3,400). Default 0."""
    learning_curve: Annotated[list[HandleTimeMultiplier], Field(max_length=36)] = []
    """Handle-time multiplier of a new hire in tenure month 1, 2, ... (``[1.3, 1.15, 1.05]``;
    1.0 after the list ends): the extra agent-hours new hires need, costed as labour. Default []."""

    @field_validator("ramp_months")
    @classmethod
    def _lever_keys(cls, v: int | dict[str, int]) -> int | dict[str, int]:
        if isinstance(v, dict) and any(key not in LEVERS for key in v):
            raise ValueError(f"|a number of months, or a mapping of lever keys (one of {sorted(LEVERS)}) to months")
        return v

    def ramp_for(self, lever_key: str) -> int:
        """Months to full effect of one lever."""
        if isinstance(self.ramp_months, dict):
            return int(self.ramp_months.get(lever_key, 0))
        return int(self.ramp_months)


class Platform(FrozenModel):
    """The contact-center platform (ACD, IVR, recording, WFM): rented or owned (README "Cost model")."""

    model: Literal["saas", "owned"]
    """``saas``: a subscription per seat-month; ``owned``: a self-built platform, capital cost
    depreciated plus annual maintenance."""
    per_seat_month: NonNegFloat = 0.0
    """SaaS price per seat and month (currency); seats = on-site seats + remote agents on shift at
    the peak, as for phone lines (REFERENCE: CCaaS $75-155 per agent-month). ``saas`` only."""
    capital_cost: NonNegFloat = 0.0
    """Up-front cost of an owned platform (currency; REFERENCE: ¥100k-500k self-built). ``owned`` only."""
    depreciation_years: Annotated[float, Field(gt=0, le=30)] = 5.0
    """Years over which the capital cost is written off, straight line. ``owned`` only. Default 5."""
    maintenance_share_per_year: Annotated[float, Field(ge=0, le=1)] = 0.18
    """Annual maintenance as a share of the capital cost (REFERENCE: 15-20% typical). ``owned`` only.
    Default 0.18."""
    investment: NonNegFloat = 0.0
    """One-time cost of moving to this platform (migration, number porting), kept apart for payback
    like a lever's investment. Default 0."""

    @model_validator(mode="after")
    def _fields_of_the_model(self) -> "Platform":
        if self.model == "saas" and self.capital_cost > 0:
            raise ValueError("capital_cost|0 for a saas platform (a subscription has no capital cost; use model: owned)")
        if self.model == "owned" and self.per_seat_month > 0:
            raise ValueError("per_seat_month|0 for an owned platform (use model: saas for a subscription)")
        return self

    def monthly_fixed(self) -> float:
        """An owned platform's cost per month: capital / (years x 12) + capital x maintenance share / 12."""
        if self.model != "owned":
            return 0.0
        return self.capital_cost / (self.depreciation_years * 12.0) + self.capital_cost * self.maintenance_share_per_year / 12.0


__all__ = ["BusinessCase", "Platform"]
