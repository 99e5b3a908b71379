"""What the workbook's **Cost model** sheet says: its input rows and live formulas, one column per run.

The formulas are those of ``simulator.analysis.costs``, written over named rows (``{fte}``) that
``export`` turns into cell references. Inputs are the mean simulated volumes, the staffing the
seats are sized by and the scenario's rates (levers applied). Every cost is linear in the volumes,
so the formulas over mean volumes reproduce the mean simulated cost; two value rows close the gaps a
mean of replications leaves (the vendor's minimum applied per replication, and the cost per call KPI
as a mean of ratios), so the check row against the simulated total is 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.analysis.costs import COST_COMPONENTS, horizon_days, peak_heads
from simulator.analysis.kpis import paid_heads, staffed_seconds_per_interval
from simulator.model.build import CostInputs, cost_inputs
from simulator.studies.simulate import SimulationResult


@dataclass(frozen=True)
class CostModelColumn:
    """Inputs of one scenario's column in the Cost model sheet."""

    scenario: str
    currency: str
    days: float
    staffed_hours: float
    peak_agents: float
    calls_answered: float
    volumes: dict[str, float]
    rates: CostInputs
    simulated: dict[str, float]  # mean simulated components and total_cost
    minimum_topup: float = 0.0  # mean of the per-replication vendor MAX minus the MAX over mean volumes
    per_call_averaging: float = 1.0  # mean of per-replication cost per call / (mean cost / mean calls)

    def input_value(self, key: str, source: str) -> float:
        """The value of input row ``key`` (``source`` as in ``MODEL_ROWS``)."""
        if source == "vol":
            return float(self.volumes.get(key, 0.0))
        if source == "rate":
            return float(getattr(self.rates, key))
        if source == "simulated":
            return float(self.simulated.get("total_cost", 0.0))
        return float(getattr(self, source))


def cost_model_column(result: SimulationResult) -> CostModelColumn:
    """The Cost model sheet's column of one run: its mean usage volumes, staffing and rates."""
    staffed = float(staffed_seconds_per_interval(result.plan, paid=True).sum()) / 3600.0
    rates = cost_inputs(result.scenario)
    days = horizon_days(result.plan)
    return CostModelColumn(
        scenario=result.name,
        currency=result.scenario.currency,
        days=days,
        staffed_hours=staffed,
        peak_agents=peak_heads(paid_heads(result.plan)),
        calls_answered=float(result.replications["calls_answered"].mean()),
        volumes={k: float(v) for k, v in result.volumes.mean().items()},
        rates=rates,
        simulated={k: float(v) for k, v in result.costs.mean().items()},
        minimum_topup=_minimum_topup(result, rates, days),
        per_call_averaging=_per_call_averaging(result),
    )


def _per_call_averaging(result: SimulationResult) -> float:
    """The cost-per-call KPI is a mean of ratios; the sheet's total / calls a ratio of means."""
    reps = result.replications
    ratio_of_means = float(reps["total_cost"].mean()) / float(reps["calls_answered"].mean()) if reps["calls_answered"].mean() else 0.0
    kpi = float(reps["cost_per_call"].mean())
    return kpi / ratio_of_means if ratio_of_means and math.isfinite(kpi) else 1.0


def _minimum_topup(result: SimulationResult, rates: CostInputs, days: float) -> float:
    """The vendor's minimum commitment applies per replication: mean(max(usage, minimum)) exceeds
    max(mean usage, minimum) when some replications fall below it and others do not (Jensen)."""
    vol = result.volumes
    if vol.empty or "vendor_minutes" not in vol:
        return 0.0
    usage = vol["vendor_minutes"] * rates.outsource_per_minute + vol["vendor_calls"] * rates.outsource_per_call
    floor = rates.outsource_minimum_monthly * days / rates.working_days_per_month
    return float(usage.clip(lower=floor).mean() - max(float(usage.mean()), floor))


# (key, label, unit, kind, source): kind "in" = input cell (source: "vol", "rate", "simulated" or a
# CostModelColumn field), "f" = formula over named rows, "head" = a section heading.
MODEL_ROWS: list[tuple[str, str, str, str, str]] = [
    ("h_volumes", "Simulated volumes (mean over replications)", "", "head", ""),
    ("days", "Simulated days counted for costs", "days", "in", "days"),
    ("staffed_hours", "Staffed agent-hours (on the phones; a roster's paid hours)", "hours", "in", "staffed_hours"),
    ("peak_agents", "Most agents at once (on the phones; a roster's paid heads), all groups", "agents", "in",
     "peak_agents"),
    ("calls_answered", "Calls answered", "calls", "in", "calls_answered"),
    ("ivr_minutes", "IVR minutes", "min", "in", "vol"),
    ("queue_minutes", "Queue (waiting) minutes", "min", "in", "vol"),
    ("inbound_talk_minutes", "Inbound talk minutes", "min", "in", "vol"),
    ("outbound_minutes", "Outbound callback minutes", "min", "in", "vol"),
    ("overtime_minutes", "Agent minutes worked after close (the queue drains)", "min", "in", "vol"),
    ("vendor_minutes", "Outsourced minutes", "min", "in", "vol"),
    ("vendor_calls", "Outsourced calls", "calls", "in", "vol"),
    ("sessions", "Self-service sessions", "sessions", "in", "vol"),
    ("bot_conversations", "AI assistant conversations", "conversations", "in", "vol"),
    ("h_rates", "Rates from the scenario (levers applied)", "", "head", ""),
    ("hourly_wage", "Agent hourly wage (blended)", "{cur}/h", "in", "rate"),
    ("benefits_load", "Benefits load on wages", "share", "in", "rate"),
    ("shrinkage", "Shrinkage (blended)", "share", "in", "rate"),
    ("overtime_multiplier", "Overtime rate / wage", "factor", "in", "rate"),
    ("supervisor_hourly_wage", "Supervisor hourly wage", "{cur}/h", "in", "rate"),
    ("span_of_control", "Agents per supervisor", "agents", "in", "rate"),
    ("per_agent_month", "Licence + desktop per agent", "{cur}/month", "in", "rate"),
    ("facility_per_seat_month", "Facility per on-site seat", "{cur}/month", "in", "rate"),
    ("seat_sharing_ratio", "Agents per on-site seat (seat sharing)", "agents", "in", "rate"),
    ("onsite_shrinkage", "Shrinkage of on-site agents", "share", "in", "rate"),
    ("remote_share", "Share of on-phone hours worked remotely", "share", "in", "rate"),
    ("remote_shrinkage", "Shrinkage of remote agents", "share", "in", "rate"),
    ("remote_stipend_per_agent_month", "Stipend per remote agent", "{cur}/month", "in", "rate"),
    ("inbound_per_minute", "Inbound telephony", "{cur}/min", "in", "rate"),
    ("outbound_per_minute", "Outbound telephony", "{cur}/min", "in", "rate"),
    ("line_per_seat_month", "Line per seat", "{cur}/month", "in", "rate"),
    ("pbx_monthly", "PBX", "{cur}/month", "in", "rate"),
    ("ivr_per_minute", "IVR per minute", "{cur}/min", "in", "rate"),
    ("ivr_monthly", "IVR monthly fee", "{cur}/month", "in", "rate"),
    ("self_service_per_session", "Self-service per session", "{cur}/session", "in", "rate"),
    ("self_service_monthly", "Self-service monthly fee", "{cur}/month", "in", "rate"),
    ("automation_per_agent_month", "Agent assist per agent", "{cur}/month", "in", "rate"),
    ("automation_monthly", "Automation monthly fees", "{cur}/month", "in", "rate"),
    ("bot_per_conversation", "AI assistant per conversation", "{cur}/conversation", "in", "rate"),
    ("outsource_per_minute", "Vendor per minute", "{cur}/min", "in", "rate"),
    ("outsource_per_call", "Vendor per call", "{cur}/call", "in", "rate"),
    ("outsource_minimum_monthly", "Vendor minimum per month", "{cur}/month", "in", "rate"),
    ("outsource_monthly", "Vendor monthly fees (account fee + seats x price per seat-month)", "{cur}/month", "in", "rate"),
    ("programmes_monthly", "Programme fees (callback, FCR, ...)", "{cur}/month", "in", "rate"),
    ("platform_per_seat_month", "Platform (SaaS) per seat", "{cur}/month", "in", "rate"),
    ("platform_capital", "Platform (owned): capital cost", "{cur}", "in", "rate"),
    ("platform_depreciation_years", "Platform (owned): depreciation years", "years", "in", "rate"),
    ("platform_maintenance_share", "Platform (owned): maintenance per year / capital", "share", "in", "rate"),
    ("overhead_monthly", "Overhead", "{cur}/month", "in", "rate"),
    ("working_days_per_month", "Working days per month", "days", "in", "rate"),
    ("paid_hours_per_agent_day", "Paid hours per agent-day", "hours", "in", "rate"),
    ("h_adjust", "Averaging over replications (values from the simulation, not inputs)", "", "head", ""),
    ("minimum_topup", "Vendor minimum top-up: the simulation applies the minimum per replication, the MAX above to the "
     "mean volumes; this is the mean of the first minus the second (0 unless usage falls below the minimum in some "
     "replications only)", "{cur}", "in", "minimum_topup"),
    ("per_call_averaging", "Averaging of the per-call figure: the mean of each replication's cost / calls over the "
     "ratio of the means (the KPI averages replications)", "factor", "in", "per_call_averaging"),
    ("h_derived", "Derived", "", "head", ""),
    ("months", "Months simulated", "months", "f", "{days}/{working_days_per_month}"),
    ("paid_hours", "Paid agent-hours = staffed / (1 - shrinkage)", "hours", "f", "{staffed_hours}/(1-{shrinkage})"),
    ("fte", "Agents on payroll (FTE)", "FTE", "f", "{paid_hours}/({paid_hours_per_agent_day}*{days})"),
    ("onsite_heads", "Most agents on site at once = most at once x (1 - remote share) / (1 - on-site shrinkage)",
     "agents", "f", "{peak_agents}*(1-{remote_share})/(1-{onsite_shrinkage})"),
    ("seats", "On-site seats = on site at once / seat sharing", "seats", "f", "{onsite_heads}/{seat_sharing_ratio}"),
    ("remote_heads", "Remote agents at once = most at once x remote share / (1 - remote shrinkage)", "agents", "f",
     "{peak_agents}*{remote_share}/(1-{remote_shrinkage})"),
    ("remote_fte", "Remote agents on payroll (FTE)", "FTE", "f",
     "{staffed_hours}*{remote_share}/(1-{remote_shrinkage})/({paid_hours_per_agent_day}*{days})"),
    ("lines", "Phone lines = on-site seats + remote agents at once", "lines", "f", "{seats}+{remote_heads}"),
    ("h_costs", "Cost components (live formulas)", "", "head", ""),
    ("agent_labor", "Agent pay = paid hours x wage x (1 + load)", "{cur}", "f", "{paid_hours}*{hourly_wage}*(1+{benefits_load})"),
    ("overtime", "Overtime = minutes after close / 60 x wage x (1 + load) x overtime rate", "{cur}", "f",
     "{overtime_minutes}/60*{hourly_wage}*(1+{benefits_load})*{overtime_multiplier}"),
    ("supervision", "Supervision = paid hours / span x supervisor wage x (1 + load)", "{cur}", "f",
     "{paid_hours}/{span_of_control}*{supervisor_hourly_wage}*(1+{benefits_load})"),
    ("agent_seats", "Licences and desktops = FTE x (licence + desktop) x months", "{cur}", "f", "{fte}*{per_agent_month}*{months}"),
    ("facilities", "Facilities = (on-site seats x seat cost + remote FTE x stipend) x months", "{cur}", "f",
     "({seats}*{facility_per_seat_month}+{remote_fte}*{remote_stipend_per_agent_month})*{months}"),
    ("telephony", "Telephony = inbound min x rate + outbound min x rate + lines x line cost x months + PBX", "{cur}", "f",
     ("({ivr_minutes}+{queue_minutes}+{inbound_talk_minutes})*{inbound_per_minute}+{outbound_minutes}*{outbound_per_minute}"
      "+{lines}*{line_per_seat_month}*{months}+{pbx_monthly}*{months}")),
    ("ivr", "IVR = IVR minutes x rate + fee x months", "{cur}", "f", "{ivr_minutes}*{ivr_per_minute}+{ivr_monthly}*{months}"),
    ("self_service", "Self-service = sessions x rate + fee x months", "{cur}", "f",
     "{sessions}*{self_service_per_session}+{self_service_monthly}*{months}"),
    ("automation", "Automation = FTE x per-agent fee x months + fees x months + conversations x price", "{cur}", "f",
     ("{fte}*{automation_per_agent_month}*{months}+{automation_monthly}*{months}"
      "+{bot_conversations}*{bot_per_conversation}")),
    ("outsourcing", "Outsourcing = max(usage, minimum x months) + top-up + fee x months", "{cur}", "f",
     ("MAX({vendor_minutes}*{outsource_per_minute}+{vendor_calls}*{outsource_per_call},{outsource_minimum_monthly}*{months})"
      "+{minimum_topup}+{outsource_monthly}*{months}")),
    ("programmes", "Programmes = fees x months", "{cur}", "f", "{programmes_monthly}*{months}"),
    ("platform", "Platform = (lines x SaaS per seat + capital / (years x 12) + capital x maintenance / 12) x months",
     "{cur}", "f", ("({lines}*{platform_per_seat_month}+{platform_capital}/({platform_depreciation_years}*12)"
                    "+{platform_capital}*{platform_maintenance_share}/12)*{months}")),
    ("overhead", "Overhead = monthly overhead x months", "{cur}", "f", "{overhead_monthly}*{months}"),
    ("total_cost", "Total cost", "{cur}", "f", "+".join("{" + c + "}" for c in COST_COMPONENTS)),
    ("cost_per_call", "Cost per answered call = total / calls answered x averaging", "{cur}", "f",
     "{total_cost}/{calls_answered}*{per_call_averaging}"),
    ("cost_per_month", "Cost per month", "{cur}", "f", "{total_cost}/{months}"),
    ("h_check", "Check against the simulation", "", "head", ""),
    ("simulated_total", "Simulated total cost (mean, value)", "{cur}", "in", "simulated"),
    ("difference", "Formula minus simulation", "{cur}", "f", "{total_cost}-{simulated_total}"),
]
VALUE_SOURCES = ("simulated", "minimum_topup", "per_call_averaging")
"""Input rows that hold the simulation's values (not styled as inputs a user changes)."""
SHARE_ROWS = ("benefits_load", "shrinkage", "onsite_shrinkage", "remote_share", "remote_shrinkage", "platform_maintenance_share")
"""Rows shown with four decimals (with the per-minute rates)."""


def formula(source: str, letter: str, row_of: dict[str, int]) -> str:
    """A formula row's Excel formula in column ``letter``: every ``{name}`` becomes that row's cell."""
    out = source
    for name, r in row_of.items():
        out = out.replace("{" + name + "}", f"{letter}{r}")
    return "=" + out
