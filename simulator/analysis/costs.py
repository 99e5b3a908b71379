"""The cost model: pure functions of one replication's volumes and the scenario's rates.

Formulas (SPEC.md "Cost model", README "Cost model"):
- agent_labor = staffed agent-hours / (1 - shrinkage) x wage x (1 + benefits load); with a roster,
  staffed agent-hours are its paid hours (paid breaks in, unpaid lunch out), not its hours on the phones
- overtime = agent-hours worked after close while the queue drains x wage x (1 + benefits load)
  x overtime multiplier (hours actually worked: no shrinkage)
- supervision = paid agent-hours / span of control x supervisor wage x (1 + benefits load)
- agent_seats (licences and desktops) = FTE x (licence + desktop) per month x months, where FTE = paid
  agent-hours / (paid hours per agent-day x days) and months = days / working days
- facilities = on-site seats x seat cost x months + remote FTE x stipend x months, where on-site
  seats = the most agents on site at once / seat-sharing ratio (``seat_counts``)
- telephony = inbound minutes (IVR + queue + inbound talk) x inbound rate + outbound callback
  minutes x outbound rate + lines x line cost x months + PBX x months, lines = on-site seats +
  remote agents at the peak
- ivr, self_service, automation (agent assist per FTE, AI assistant per conversation), outsourcing,
  programmes, overhead: usage x rate + fees x months
- platform (``costs.platform``) = lines x SaaS price per seat-month x months + an owned platform's
  (capital / (depreciation years x 12) + capital x maintenance share / 12) x months
Every component is reported and they sum to ``total_cost`` exactly.
"""

from __future__ import annotations

import numpy as np

from simulator.analysis.kpis import busy_spans, measured, paid_heads, staffed_seconds_per_interval
from simulator.engine.clock import opening_seconds_until
from simulator.model.build import CostInputs
from simulator.model.plan import EnginePlan
from simulator.engine.records import (
    ANSWERED, OUTSOURCED, SS_FAILED, SS_RESOLVED, Records, is_bot_conversation, is_session,
)

COST_COMPONENTS: tuple[str, ...] = (
    "agent_labor",
    "overtime",
    "supervision",
    "agent_seats",
    "facilities",
    "telephony",
    "ivr",
    "self_service",
    "automation",
    "outsourcing",
    "programmes",
    "platform",
    "overhead",
)


def horizon_days(plan: EnginePlan) -> float:
    """Simulated days that count for costs: the working days (a weekly pattern's closed days left
    out), less the warm-up's share of the opening hours."""
    open_seconds = plan.intervals_per_day * plan.interval_seconds
    days = plan.days if plan.open_pattern is None else int((plan.day_weights() > 0).sum())
    return max(0.0, days - min(plan.warmup_seconds, days * open_seconds) / open_seconds)


def peak_heads(heads: np.ndarray) -> float:
    """The most agents at once: heads summed over groups (the second-to-last axis), the largest
    interval taken (of every day, when ``heads`` is per day: days x groups x intervals)."""
    heads = np.asarray(heads, dtype=float)
    return float(heads.sum(axis=-2).max()) if heads.size else 0.0


def seat_counts(plan: EnginePlan, rates: CostInputs) -> dict[str, float]:
    """Seats and lines the horizon needs: physical capacity, sized by its peak and shared across shifts.

    The agents on site in an interval are those paid for it: on the phones (with a roster, its
    paid heads) / (1 - shrinkage), because time off the phones (breaks, coaching, absence) holds a
    seat too; the remote share of them works from home. On-site seats = the most on site at once /
    the seat-sharing ratio; lines = one per seat + one per remote agent on shift at that peak (the
    remote share applies to every interval alike, so both peaks fall in the same interval).
    Not rounded, like FTE.
    """
    peak = peak_heads(paid_heads(plan))
    onsite = peak * (1.0 - rates.remote_share) / (1.0 - rates.onsite_shrinkage)
    remote = peak * rates.remote_share / (1.0 - rates.remote_shrinkage)
    seats = onsite / rates.seat_sharing_ratio
    return {"peak_agents": peak, "onsite_heads": onsite, "seats": seats, "remote_heads": remote,
            "lines": seats + remote}


def overtime_seconds(r: Records, plan: EnginePlan) -> float:
    """Agent-seconds spent on the contacts ``r`` outside opening hours: the calls still queued at
    close are answered by the agents on the floor before they leave (the engine drains the queue)."""
    start, end = busy_spans(r)
    midnight = np.floor(start / 86400.0) * 86400.0
    # Spans inside one day's opening hours (nearly all) are exactly 0, free of rounding.
    inside_one_day = (start >= midnight + plan.open_seconds) & (end <= midnight + plan.close_seconds)
    outside = (end - start) - (opening_seconds_until(plan, end) - opening_seconds_until(plan, start))
    return float(np.sum(np.where(inside_one_day, 0.0, np.maximum(outside, 0.0))))


def usage_volumes(records: Records, plan: EnginePlan) -> dict[str, float]:
    """The volumes the cost model prices, for one replication (warm-up excluded)."""
    r = measured(records, plan)
    is_call = ~is_session(r.kind)
    vendor = r.outcome == OUTSOURCED
    return {
        "ivr_minutes": float(np.nansum(r.ivr_s[is_call])) / 60.0,
        "queue_minutes": float(np.nansum(r.wait_s)) / 60.0,
        "inbound_talk_minutes": float(np.nansum(np.where(r.outcome == ANSWERED, r.handle_s, 0.0))) / 60.0,
        "outbound_minutes": float(r.outbound_s.sum()) / 60.0,
        "vendor_minutes": float(np.nansum(r.handle_s[vendor])) / 60.0,
        "vendor_calls": float(vendor.sum()),
        "sessions": float(((r.outcome == SS_RESOLVED) | (r.outcome == SS_FAILED)).sum()),
        "bot_conversations": float(is_bot_conversation(r.outcome).sum()),
        "overtime_minutes": overtime_seconds(r, plan) / 60.0,
    }


def replication_costs(records: Records, plan: EnginePlan, rates: CostInputs) -> dict[str, float]:
    """Cost components of one replication (currency units over the simulated horizon)."""
    days = horizon_days(plan)
    months = days / rates.working_days_per_month
    staffed_hours = float(staffed_seconds_per_interval(plan, paid=True).sum()) / 3600.0  # a roster's paid hours
    paid_hours = staffed_hours / (1.0 - rates.shrinkage)
    loaded_wage = rates.hourly_wage * (1.0 + rates.benefits_load)
    agent_days = rates.paid_hours_per_agent_day * days
    fte = paid_hours / agent_days if days > 0 else 0.0
    remote_fte = staffed_hours * rates.remote_share / (1.0 - rates.remote_shrinkage) / agent_days if days > 0 else 0.0
    seats = seat_counts(plan, rates)

    v = usage_volumes(records, plan)
    ivr_minutes, queue_minutes, inbound_talk = v["ivr_minutes"], v["queue_minutes"], v["inbound_talk_minutes"]
    outbound_minutes, vendor_minutes, vendor_calls, sessions = (
        v["outbound_minutes"], v["vendor_minutes"], v["vendor_calls"], v["sessions"])

    outsourcing = 0.0
    if rates.outsource_per_minute or rates.outsource_per_call or rates.outsource_minimum_monthly or rates.outsource_monthly:
        usage = vendor_minutes * rates.outsource_per_minute + vendor_calls * rates.outsource_per_call
        outsourcing = max(usage, rates.outsource_minimum_monthly * months) + rates.outsource_monthly * months

    costs = {
        "agent_labor": paid_hours * loaded_wage,
        "overtime": v["overtime_minutes"] / 60.0 * loaded_wage * rates.overtime_multiplier,
        "supervision": paid_hours / rates.span_of_control * rates.supervisor_hourly_wage * (1.0 + rates.benefits_load),
        "agent_seats": fte * rates.per_agent_month * months,
        "facilities": (seats["seats"] * rates.facility_per_seat_month
                       + remote_fte * rates.remote_stipend_per_agent_month) * months,
        "telephony": (ivr_minutes + queue_minutes + inbound_talk) * rates.inbound_per_minute
        + outbound_minutes * rates.outbound_per_minute
        + seats["lines"] * rates.line_per_seat_month * months
        + rates.pbx_monthly * months,
        "ivr": ivr_minutes * rates.ivr_per_minute + rates.ivr_monthly * months,
        "self_service": sessions * rates.self_service_per_session + rates.self_service_monthly * months,
        "automation": fte * rates.automation_per_agent_month * months + rates.automation_monthly * months
        + v["bot_conversations"] * rates.bot_per_conversation,
        "outsourcing": outsourcing,
        "programmes": rates.programmes_monthly * months,
        "platform": (seats["lines"] * rates.platform_per_seat_month + rates.platform_monthly) * months,
        "overhead": rates.overhead_monthly * months,
    }
    costs["total_cost"] = float(sum(costs.values()))
    return costs


def cost_ratios(kpis: dict[str, float], costs: dict[str, float]) -> dict[str, float]:
    """cost_per_call, cost_per_contact and cost_per_resolved_contact."""
    total = costs["total_cost"]
    handled = kpis["calls_answered"] + kpis["ivr_contained"] + kpis["self_service_sessions"] + kpis["bot_conversations"]

    def ratio(den: float) -> float:
        return total / den if den > 0 else float("nan")

    return {
        "cost_per_call": ratio(kpis["calls_answered"]),
        "cost_per_contact": ratio(handled),
        "cost_per_resolved_contact": ratio(kpis["needs_resolved"]),
    }


