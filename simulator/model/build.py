"""Scenario -> engine plan and cost rates: data in, data out, no simulation.

``build_plan`` starts from the scenario's own contact types, groups and staffing, then lets every
lever the scenario pulls apply its effect (``simulator.levers``, in registry order);
``cost_inputs`` does the same for the rates the cost model applies. Nothing here multiplies a
result by a factor: a lever changes what happens to calls or what things cost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields

import numpy as np

from simulator.core.errors import ScenarioError
from simulator.levers import PlanDraft, active_levers
from simulator.levers.base import finish
from simulator.model.distributions import make_sampler
from simulator.model.plan import EnginePlan, TypePlan
from simulator.model.scenario import Scenario
from simulator.model.shifts import WEEKDAYS


def staffing_matrix(scenario: Scenario) -> np.ndarray:
    """Agents per group and interval of a day, as the file gives them (levers such as scheduling
    reshape them in ``build_plan``)."""
    n = scenario.horizon.intervals_per_day
    rows = []
    for gi, g in enumerate(scenario.agents.groups):
        if g.staffing == "optimize":
            raise ScenarioError(
                f"agents.groups.{gi}.staffing", "optimize", "resolved by the staffing optimizer before simulation"
            )
        if isinstance(g.staffing, list):
            rows.append(list(g.staffing))
        else:
            rows.append([int(g.staffing)] * n)
    return np.array(rows, dtype=np.int64).reshape(len(rows), n)


def profile_weights(scenario: Scenario) -> np.ndarray:
    """Share of a day's arrivals in each interval (sums to 1)."""
    n = scenario.horizon.intervals_per_day
    prof = scenario.arrivals.profile
    w = np.ones(n) if prof == "flat" else np.asarray(prof, dtype=float)
    return w / w.sum()


def _group_skills(
    scenario: Scenario, type_index: dict[str, int]
) -> tuple[tuple[tuple[int, float, float, int], ...], ...]:
    """Per group: (type, overflow delay, handle-time factor, tier) for each type it may take.

    - ``dedicated``: a group takes only its first skill; every contact type must be the first
      skill of some group.
    - ``pooled``: every group takes every type at once, first come first served; a type outside
      the group's skills takes ``pooled_handle_time_factor`` x the handle time (generalists are
      slower than specialists) unless the group's ``proficiency`` says otherwise.
    - ``skills_based``: the first skill is the group's own (at once, tier 0); its other skills
      take overflow after ``overflow_after_seconds`` of waiting (tier 1: a free agent takes a call
      of its own skill before an overflow call).
    """
    routing = scenario.agents.routing
    if routing.policy == "dedicated":
        firsts = {g.skills[0] for g in scenario.agents.groups}
        for ci, c in enumerate(scenario.contact_types):
            if c.name not in firsts:
                raise ScenarioError(
                    f"contact_types.{ci}.name", c.name,
                    "with routing policy 'dedicated', a contact type that is the first skill of some group",
                )
    out = []
    for g in scenario.agents.groups:
        skills: list[tuple[int, float, float, int]] = []
        if routing.policy == "pooled":
            for name, k in type_index.items():
                factor = g.proficiency.get(name, 1.0 if name in g.skills else routing.pooled_handle_time_factor)
                skills.append((k, 0.0, factor, 0))
        elif routing.policy == "dedicated":
            primary = g.skills[0]
            skills.append((type_index[primary], 0.0, g.proficiency.get(primary, 1.0), 0))
        else:
            for rank, name in enumerate(g.skills):
                delay = 0.0 if rank == 0 else routing.overflow_after_seconds
                skills.append((type_index[name], delay, g.proficiency.get(name, 1.0), 0 if rank == 0 else 1))
        out.append(tuple(skills))
    return tuple(out)


def build_plan(scenario: Scenario) -> EnginePlan:
    """Translate a validated scenario, levers applied, into the engine's configuration."""
    h = scenario.horizon
    type_index = {c.name: i for i, c in enumerate(scenario.contact_types)}
    draft = PlanDraft(
        types=[
            dict(
                name=c.name,
                share=c.share,
                handle=make_sampler(c.handle_time),
                patience=make_sampler(c.patience) if c.patience is not None else None,
                fcr=c.fcr,
                repeat_delay=make_sampler(c.repeat_delay),
                priority=c.priority,
            )
            for c in scenario.contact_types
        ],
        fields=dict(
            days=h.days,
            open_seconds=h.open_seconds,
            close_seconds=h.close_seconds,
            interval_seconds=h.interval_minutes * 60,
            warmup_seconds=h.warmup_minutes * 60.0,
            calls_per_day=scenario.arrivals.calls_per_day,
            profile=profile_weights(scenario),
            daily_cv=scenario.arrivals.daily_cv,
            group_names=tuple(g.name for g in scenario.agents.groups),
            staffing=staffing_matrix(scenario),
            group_skills=_group_skills(scenario, type_index),
            handle_factor=1.0,
            redial_probability=scenario.redials.probability,
            redial_delay=make_sampler(scenario.redials.delay),
            target_seconds=scenario.service_target.answer_within_seconds,
            start_weekday=WEEKDAYS.index(scenario.horizon.start_day),
        ),
    )
    if scenario.arrivals.day_weights is not None:
        draft.fields["week_weights"] = tuple(scenario.arrivals.day_weights)
    for lever, settings in active_levers(scenario.levers):
        lever.apply_to_plan(settings, scenario, draft)
    plan = EnginePlan(types=tuple(TypePlan(**t) for t in draft.types), **draft.fields)
    return closed_days_unstaffed(finish(plan, draft, scenario))


def closed_days_unstaffed(plan: EnginePlan) -> EnginePlan:
    """The plan with nobody on the phones on a closed weekday (``day_weights`` 0): a staffing given
    per interval of a day holds on the open days, as (7, groups, intervals) per weekday."""
    if plan.open_pattern is None or plan.staffing.ndim == 3:
        return plan
    open_weekday = np.array([w > 0 for w in plan.week_weights or ()])
    staffing = np.where(open_weekday[:, None, None], plan.staffing[None], 0).astype(np.int64)
    return dataclasses.replace(plan, staffing=staffing)


@dataclass(frozen=True)
class CostInputs:
    """Rates the cost model applies to one replication's volumes (levers applied)."""

    hourly_wage: float  # blended over on-site and remote agents
    benefits_load: float
    shrinkage: float  # blended
    supervisor_hourly_wage: float
    span_of_control: float
    per_agent_month: float  # licence + desktop (+ agent assist fee)
    facility_per_seat_month: float  # per on-site seat (desk), not per FTE
    seat_sharing_ratio: float  # agents per on-site seat
    onsite_shrinkage: float  # the center's own: on-site heads = agents on the phones / (1 - this)
    inbound_per_minute: float
    outbound_per_minute: float
    line_per_seat_month: float  # per desk and per remote agent on shift
    pbx_monthly: float
    ivr_per_minute: float
    ivr_monthly: float
    self_service_per_session: float
    self_service_monthly: float
    automation_per_agent_month: float
    automation_monthly: float
    outsource_per_minute: float
    outsource_per_call: float
    outsource_minimum_monthly: float  # the vendor bills at least this per month
    outsource_monthly: float
    programmes_monthly: float  # monthly fees of levers that are not a channel (FCR, callback, ...)
    overhead_monthly: float
    working_days_per_month: float
    paid_hours_per_agent_day: float
    investment: float  # one-time lever investments, kept apart for ROI
    bot_per_conversation: float = 0.0  # AI assistant conversations (in automation)
    overtime_multiplier: float = 0.0  # overtime rate / loaded wage, for the work after close
    remote_share: float = 0.0  # share of on-phone hours worked remotely (no seat, a stipend)
    remote_shrinkage: float = 0.0
    remote_stipend_per_agent_month: float = 0.0
    platform_per_seat_month: float = 0.0  # SaaS platform, per line (desk + remote agent at the peak)
    platform_capital: float = 0.0  # owned platform: capital cost, written off straight line
    platform_depreciation_years: float = 1.0
    platform_maintenance_share: float = 0.0  # annual maintenance / capital cost
    platform_monthly: float = 0.0  # owned: capital / (years x 12) + capital x maintenance share / 12


def cost_inputs(scenario: Scenario) -> CostInputs:
    """The cost model's rates: the scenario's costs, then each lever's rates and fees."""
    c = scenario.costs
    tel = c.telephony
    rates: dict[str, float] = dict(
        hourly_wage=c.agent_hourly_wage,
        benefits_load=c.benefits_load,
        shrinkage=c.shrinkage,
        supervisor_hourly_wage=c.supervisor_hourly_wage,
        span_of_control=c.span_of_control,
        per_agent_month=c.licence_per_agent_month + c.desktop_per_agent_month,
        facility_per_seat_month=c.facility_per_seat_month,
        seat_sharing_ratio=c.seat_sharing_ratio,
        onsite_shrinkage=c.shrinkage,
        remote_shrinkage=c.shrinkage,
        overtime_multiplier=c.overtime_multiplier,
        inbound_per_minute=tel.inbound_per_minute,
        outbound_per_minute=tel.outbound_per_minute,
        line_per_seat_month=tel.line_per_seat_month,
        pbx_monthly=tel.pbx_monthly,
        overhead_monthly=c.overhead_monthly,
        working_days_per_month=c.working_days_per_month,
        paid_hours_per_agent_day=c.paid_hours_per_agent_day,
    )
    if c.platform is not None:
        rates.update(platform_per_seat_month=c.platform.per_seat_month, platform_capital=c.platform.capital_cost,
                     platform_depreciation_years=c.platform.depreciation_years,
                     platform_maintenance_share=c.platform.maintenance_share_per_year,
                     platform_monthly=c.platform.monthly_fixed())
    for f in fields(CostInputs):
        rates.setdefault(f.name, 1.0 if f.name == "platform_depreciation_years" else 0.0)
    routing = scenario.agents.routing
    investment = routing.investment + (c.platform.investment if c.platform is not None else 0.0)
    for lever, settings in active_levers(scenario.levers):
        lever.apply_to_costs(settings, scenario, rates)
        investment += settings.investment
    rates["programmes_monthly"] += routing.monthly_fee
    rates["investment"] = investment
    return CostInputs(**rates)
