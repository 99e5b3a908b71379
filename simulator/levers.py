"""Lever settings -> engine configuration and cost inputs (data in, data out, no simulation).

Each lever changes what happens to calls (the EnginePlan) or what things cost (CostInputs) the
way it does in a real center; nothing here multiplies a result by a factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .distributions import make_sampler
from .erlang import erlang_a_metrics
from .errors import ScenarioError
from .plan import CallbackPlan, EnginePlan, OutsourcePlan, TypePlan
from .scenario import Scenario


def _per_type(value: float | dict[str, float], name: str, default: float = 0.0) -> float:
    if isinstance(value, dict):
        return float(value.get(name, default))
    return float(value)


def staffing_matrix(scenario: Scenario) -> np.ndarray:
    """Agents per group and interval of a day, as integers (after the scheduling lever)."""
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
    mat = np.array(rows, dtype=np.int64).reshape(len(rows), n)
    if scenario.levers.scheduling is not None:
        mat = shape_staffing(scenario, mat)
    return mat


def profile_weights(scenario: Scenario) -> np.ndarray:
    n = scenario.horizon.intervals_per_day
    prof = scenario.arrivals.profile
    w = np.ones(n) if prof == "flat" else np.asarray(prof, dtype=float)
    return w / w.sum()


def shape_staffing(scenario: Scenario, mat: np.ndarray) -> np.ndarray:
    """The scheduling lever: the same agent-hours per group, shaped to the intraday load.

    Agent-intervals are handed out one at a time to the interval where one more agent answers
    the most extra calls within target (Erlang A per interval: a marginal-analysis schedule, the
    classic WFM way to place a fixed budget of hours). Every interval keeps at least one agent
    where calls arrive.
    """
    w = profile_weights(scenario)
    L = scenario.horizon.interval_minutes * 60
    target = scenario.service_target.answer_within_seconds
    out = np.zeros_like(mat)
    types = {c.name: c for c in scenario.contact_types}
    for gi, g in enumerate(scenario.agents.groups):
        budget = int(mat[gi].sum())
        shares = [types[s].share for s in g.skills]
        share = sum(shares)
        aht = sum(types[s].share * make_sampler(types[s].handle_time).mean for s in g.skills) / share if share else 300.0
        pats = [types[s].patience for s in g.skills]
        patience = (
            sum(p.mean_seconds or 0 for p in pats if p is not None) / len(pats)
            if pats and all(p is not None for p in pats)
            else math.inf
        )
        per_hour = scenario.arrivals.calls_per_day * share * w * 3600.0 / L
        alloc = np.where(per_hour > 0, 1, 0).astype(np.int64)
        if alloc.sum() > budget:
            alloc = np.zeros_like(alloc)

        def good(i: int, n: int) -> float:
            if n == 0:
                return 0.0
            m = erlang_a_metrics(per_hour[i], aht, n, target, patience)
            return per_hour[i] * m.service_level

        gain = np.array([good(i, alloc[i] + 1) - good(i, alloc[i]) for i in range(len(w))])
        for _ in range(budget - int(alloc.sum())):
            i = int(np.argmax(gain))
            alloc[i] += 1
            gain[i] = good(i, alloc[i] + 1) - good(i, alloc[i])
        out[gi] = alloc
    return out


def _group_skills(scenario: Scenario, type_index: dict[str, int]) -> tuple[tuple[tuple[int, float, float], ...], ...]:
    """Per group: (type, overflow delay, handle-time factor) in the order the group serves them."""
    routing = scenario.agents.routing
    out = []
    for g in scenario.agents.groups:
        skills: list[tuple[int, float, float]] = []
        if routing.policy == "pooled":
            for name, k in type_index.items():
                factor = g.proficiency.get(name, 1.0 if name in g.skills else routing.pooled_handle_time_factor)
                skills.append((k, 0.0, factor))
        elif routing.policy == "dedicated":
            primary = g.skills[0]
            skills.append((type_index[primary], 0.0, g.proficiency.get(primary, 1.0)))
        else:  # skills_based: the first skill is the group's own; the others take overflow
            for rank, name in enumerate(g.skills):
                delay = 0.0 if rank == 0 else routing.overflow_after_seconds
                skills.append((type_index[name], delay, g.proficiency.get(name, 1.0)))
        out.append(tuple(skills))
    return tuple(out)


def build_plan(scenario: Scenario) -> EnginePlan:
    """Translate a validated scenario, levers applied, into the engine's configuration."""
    h = scenario.horizon
    lv = scenario.levers
    type_index = {c.name: i for i, c in enumerate(scenario.contact_types)}
    types = []
    for c in scenario.contact_types:
        fcr = c.fcr
        if lv.fcr is not None:
            fcr = lv.fcr.target.get(c.name, min(1.0, fcr + lv.fcr.uplift))
        containment = _per_type(lv.ivr.containment, c.name) if lv.ivr else 0.0
        uplift_ivr = 1.0 + (lv.ivr.remaining_handle_time_uplift if lv.ivr and containment > 0 else 0.0)
        adoption = _per_type(lv.self_service.adoption, c.name) if lv.self_service else 0.0
        success = _per_type(lv.self_service.success, c.name) if lv.self_service else 0.0
        ss_uplift = 1.0 + (lv.self_service.failed_handle_time_uplift if lv.self_service else 0.0)
        types.append(
            TypePlan(
                name=c.name,
                share=c.share,
                handle=make_sampler(c.handle_time),
                patience=make_sampler(c.patience) if c.patience is not None else None,
                fcr=fcr,
                repeat_delay=make_sampler(c.repeat_delay),
                priority=c.priority,
                ivr_containment=containment,
                ss_adoption=adoption,
                ss_success=success,
                remaining_handle_factor=uplift_ivr,
                ss_failed_handle_factor=ss_uplift,
            )
        )
    handle_factor = 1.0
    if lv.agent_assist is not None:
        handle_factor *= 1.0 - lv.agent_assist.handle_time_reduction
    if lv.fcr is not None:
        handle_factor *= lv.fcr.handle_time_factor
    cb = lv.callback
    out = lv.outsourced_overflow
    return EnginePlan(
        days=h.days,
        open_seconds=h.open_seconds,
        close_seconds=h.close_seconds,
        interval_seconds=h.interval_minutes * 60,
        warmup_seconds=h.warmup_minutes * 60.0,
        calls_per_day=scenario.arrivals.calls_per_day,
        profile=profile_weights(scenario),
        daily_cv=scenario.arrivals.daily_cv,
        types=tuple(types),
        group_names=tuple(g.name for g in scenario.agents.groups),
        staffing=staffing_matrix(scenario),
        group_skills=_group_skills(scenario, type_index),
        ivr_time=make_sampler(lv.ivr.time) if lv.ivr is not None else None,
        false_containment_share=lv.ivr.false_containment_share if lv.ivr else 0.0,
        false_ss_share=lv.self_service.false_resolution_share if lv.self_service else 0.0,
        ss_session_seconds=lv.self_service.session_seconds if lv.self_service else 0.0,
        handle_factor=handle_factor,
        vip_share=lv.priority.vip_share if lv.priority else 0.0,
        redial_probability=scenario.redials.probability,
        redial_delay=make_sampler(scenario.redials.delay),
        callback=CallbackPlan(
            cb.threshold_seconds, cb.acceptance, cb.connect_rate, cb.max_attempts, cb.retry_delay_seconds, cb.attempt_seconds
        )
        if cb is not None
        else None,
        outsource=OutsourcePlan(out.after_seconds, out.handle_time_factor) if out is not None else None,
        target_seconds=scenario.service_target.answer_within_seconds,
    )


@dataclass(frozen=True)
class CostInputs:
    """Rates the cost model applies to one replication's volumes (levers applied)."""

    hourly_wage: float  # blended over on-site and remote agents
    benefits_load: float
    shrinkage: float  # blended
    supervisor_hourly_wage: float
    span_of_control: float
    per_agent_month: float  # licence + desktop (+ agent assist fee)
    facility_per_agent_month: float  # blended on-site / remote seat cost
    inbound_per_minute: float
    outbound_per_minute: float
    line_per_seat_month: float
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


def cost_inputs(scenario: Scenario) -> CostInputs:
    c = scenario.costs
    lv = scenario.levers
    wage, shrink, facility = c.agent_hourly_wage, c.shrinkage, c.facility_per_seat_month
    if lv.remote_agents is not None and lv.remote_agents.share > 0:
        ra = lv.remote_agents
        s = ra.share
        remote_shrink = ra.shrinkage if ra.shrinkage is not None else c.shrinkage
        # Paid hours scale with 1/(1-shrinkage); blend so that on-phone hours split by share.
        paid_factor = (1 - s) / (1 - c.shrinkage) + s / (1 - remote_shrink)
        shrink = 1 - 1 / paid_factor
        onsite_paid = (1 - s) / (1 - c.shrinkage) / paid_factor
        wage = c.agent_hourly_wage * (onsite_paid + (1 - onsite_paid) * ra.wage_factor)
        facility = c.facility_per_seat_month * onsite_paid + ra.facility_per_remote_seat_month * (1 - onsite_paid)
    tel = c.telephony
    inbound, outbound, line, pbx = tel.inbound_per_minute, tel.outbound_per_minute, tel.line_per_seat_month, tel.pbx_monthly
    if lv.voip is not None:
        v = lv.voip
        inbound, outbound, line, pbx = v.inbound_per_minute, v.outbound_per_minute, v.line_per_seat_month, v.pbx_monthly
    programmes = sum(
        getattr(lv, name).monthly_fee
        for name in ("callback", "fcr", "scheduling", "priority", "remote_agents", "voip")
        if getattr(lv, name) is not None
    )
    investment = sum(
        getattr(lv, name).investment for name in type(lv).model_fields if getattr(lv, name) is not None
    )
    return CostInputs(
        hourly_wage=wage,
        benefits_load=c.benefits_load,
        shrinkage=shrink,
        supervisor_hourly_wage=c.supervisor_hourly_wage,
        span_of_control=c.span_of_control,
        per_agent_month=c.licence_per_agent_month + c.desktop_per_agent_month,
        facility_per_agent_month=facility,
        inbound_per_minute=inbound,
        outbound_per_minute=outbound,
        line_per_seat_month=line,
        pbx_monthly=pbx,
        ivr_per_minute=lv.ivr.per_minute if lv.ivr else 0.0,
        ivr_monthly=lv.ivr.monthly_fee if lv.ivr else 0.0,
        self_service_per_session=lv.self_service.per_session if lv.self_service else 0.0,
        self_service_monthly=lv.self_service.monthly_fee if lv.self_service else 0.0,
        automation_per_agent_month=lv.agent_assist.per_agent_month if lv.agent_assist else 0.0,
        automation_monthly=lv.agent_assist.monthly_fee if lv.agent_assist else 0.0,
        outsource_per_minute=lv.outsourced_overflow.per_minute if lv.outsourced_overflow else 0.0,
        outsource_per_call=lv.outsourced_overflow.per_call if lv.outsourced_overflow else 0.0,
        outsource_minimum_monthly=lv.outsourced_overflow.minimum_monthly if lv.outsourced_overflow else 0.0,
        outsource_monthly=lv.outsourced_overflow.monthly_fee if lv.outsourced_overflow else 0.0,
        programmes_monthly=programmes,
        overhead_monthly=c.overhead_monthly,
        working_days_per_month=c.working_days_per_month,
        paid_hours_per_agent_day=c.paid_hours_per_agent_day,
        investment=investment,
    )
