"""Lever settings -> engine configuration and cost inputs (data in, data out, no simulation).

Each lever changes what happens to calls (the EnginePlan) or what things cost (CostInputs) the
way it does in a real center; nothing here multiplies a result by a factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.model.distributions import make_sampler
from simulator.core.erlang import erlang_c_metrics, required_agents
from simulator.core.errors import ScenarioError
from simulator.model.plan import CallbackPlan, EnginePlan, OutsourcePlan, TypePlan
from simulator.model.scenario import Scenario


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


def offered_load_per_type(scenario: Scenario) -> np.ndarray:
    """Expected calls offered per (contact type, interval of a day), for shaping staffing.

    First contacts follow the arrival profile after self-service and IVR containment; repeats
    (1/FCR - 1 per call, and leaked automation) come back a repeat delay of opening hours later,
    so their profile is the arrival profile smeared by that delay (wrapping to the next day).
    Redials are left out (they depend on the staffing being shaped).
    """
    w = profile_weights(scenario)
    n = len(w)
    L = scenario.horizon.interval_minutes * 60
    lv = scenario.levers
    out = np.zeros((len(scenario.contact_types), n))
    for k, c in enumerate(scenario.contact_types):
        ss = lv.self_service
        adopt = _per_type(ss.adoption, c.name) if ss else 0.0
        success = _per_type(ss.success, c.name) if ss else 0.0
        cont = _per_type(lv.ivr.containment, c.name) if lv.ivr else 0.0
        calls = scenario.arrivals.calls_per_day * c.share * (1 - adopt * success) * (1 - cont)
        fcr = c.fcr
        if lv.fcr is not None:
            fcr = lv.fcr.target.get(c.name, min(1.0, fcr + lv.fcr.uplift))
        repeats = calls * (1 / max(fcr, 0.05) - 1)
        # Repeat profile: the arrival profile convolved with the repeat delay on the open-hours clock.
        mean_intervals = make_sampler(c.repeat_delay).mean / L
        lag = np.arange(4 * n)
        kernel = np.exp(-lag / mean_intervals) if mean_intervals > 0 else (lag == 0).astype(float)
        kernel /= kernel.sum()
        rep = np.zeros(n)
        for j in range(n):
            np.add.at(rep, (j + lag) % n, w[j] * kernel)
        out[k] = calls * w + repeats * rep / rep.sum()
    return out


def shape_staffing(scenario: Scenario, mat: np.ndarray) -> np.ndarray:
    """The scheduling lever: the same agent-hours per group, shaped to the intraday load.

    Agent-intervals are handed out one at a time to the interval where one more agent answers
    the most extra calls within target (Erlang A per interval: a marginal-analysis schedule, the
    classic WFM way to place a fixed budget of hours). A group's load is its share of each
    contact type's offered calls (types split over the groups that have them as their own skill,
    in proportion to their agent-hours; overflow skills are left out). Every interval keeps at
    least one agent where calls arrive, and each group's total agent-intervals are kept exactly.
    """
    L = scenario.horizon.interval_minutes * 60
    target = scenario.service_target.answer_within_seconds
    load = offered_load_per_type(scenario)
    groups = scenario.agents.groups
    policy = scenario.agents.routing.policy
    hours = mat.sum(axis=1).astype(float)
    # Which groups carry each type's load: own-skill groups (all groups when pooled).
    carriers = []
    for c in scenario.contact_types:
        if policy == "pooled":
            own = list(range(len(groups)))
        else:
            own = [gi for gi, g in enumerate(groups) if g.skills[0] == c.name]
            if not own:
                own = [gi for gi, g in enumerate(groups) if c.name in g.skills]
        carriers.append(own)
    out = np.zeros_like(mat)
    for gi, g in enumerate(groups):
        budget = int(mat[gi].sum())
        per_interval = np.zeros(load.shape[1])
        work = patience_w = weight = 0.0
        finite = True
        for k, c in enumerate(scenario.contact_types):
            if gi not in carriers[k]:
                continue
            tot = hours[carriers[k]].sum()
            frac = hours[gi] / tot if tot > 0 else 1.0 / len(carriers[k])
            part = load[k] * frac
            per_interval += part
            vol = part.sum()
            factor = g.proficiency.get(c.name, 1.0 if c.name in g.skills else scenario.agents.routing.pooled_handle_time_factor)
            work += vol * make_sampler(c.handle_time).mean * factor
            weight += vol
            if c.patience is None:
                finite = False
            else:
                patience_w += vol * make_sampler(c.patience).mean
        if weight <= 0:
            # A group with no load of its own: spread its hours like the total arrivals.
            per_interval = load.sum(axis=0)
            weight = per_interval.sum()
            work = sum(load[k].sum() * make_sampler(c.handle_time).mean for k, c in enumerate(scenario.contact_types))
            finite = False
        aht = work / weight if weight > 0 else 300.0
        patience = patience_w / weight if finite and weight > 0 else math.inf
        out[gi] = _shape_group(per_interval * 3600.0 / L, aht, target, scenario.service_target.fraction, budget, patience)
    return out


def _shape_group(
    per_hour: np.ndarray, aht: float, target: float, fraction: float, budget: int, patience: float
) -> np.ndarray:
    """Place ``budget`` agent-intervals over intervals with ``per_hour`` calls (see shape_staffing).

    1. Each interval's requirement: the fewest agents meeting the service target (Erlang C, fast
       and closed-form; patience only makes it a little conservative).
    2. The budget is split in proportion to the requirements (largest remainders, so the total
       is exact; at least one agent wherever calls arrive, when the budget allows).
    3. Local improvement: move one agent from the interval where it answers the fewest calls
       within target to where it answers the most, while that gains calls and the donor stays
       stable (Erlang C says nothing useful about overloaded intervals).
    """
    n = len(per_hour)
    if budget <= 0 or per_hour.sum() <= 0:
        base = np.full(n, budget // n, dtype=np.int64)
        base[: budget - int(base.sum())] += 1
        return base
    loads = per_hour * aht / 3600.0
    req = np.array([required_agents(x, aht, target, fraction) if x > 0 else 0 for x in per_hour], dtype=float)
    raw = budget * req / req.sum()
    alloc = np.floor(raw).astype(np.int64)
    if budget >= int((per_hour > 0).sum()):
        alloc = np.maximum(alloc, (per_hour > 0).astype(np.int64))
    while alloc.sum() > budget:  # the floor-of-one may overshoot: take from the richest
        alloc[int(np.argmax(alloc - raw))] -= 1
    order = np.argsort(-(raw - alloc), kind="stable")
    for i in order[: budget - int(alloc.sum())]:
        alloc[i] += 1

    def good(i: int, m: int) -> float:
        if per_hour[i] <= 0 or m <= loads[i]:
            return 0.0
        return per_hour[i] * erlang_c_metrics(per_hour[i], aht, m, target).service_level

    for _ in range(4 * n):
        gain = np.array([good(i, alloc[i] + 1) - good(i, alloc[i]) for i in range(n)])
        loss = np.array(
            [good(i, alloc[i]) - good(i, alloc[i] - 1) if alloc[i] - 1 > loads[i] and alloc[i] > 1 else np.inf
             for i in range(n)]
        )
        j, i = int(np.argmax(gain)), int(np.argmin(loss))
        if i == j or not gain[j] > loss[i] + 1e-9:
            break
        alloc[j] += 1
        alloc[i] -= 1
    return alloc


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
    lv = scenario.levers
    type_index = {c.name: i for i, c in enumerate(scenario.contact_types)}
    types = []
    for c in scenario.contact_types:
        fcr = c.fcr
        if lv.fcr is not None:
            fcr = lv.fcr.target.get(c.name, min(1.0, fcr + lv.fcr.uplift))
        containment = _per_type(lv.ivr.containment, c.name) if lv.ivr else 0.0
        uplift_ivr = 1.0 + (_per_type(lv.ivr.remaining_handle_time_uplift, c.name) if lv.ivr and containment > 0 else 0.0)
        adoption = _per_type(lv.self_service.adoption, c.name) if lv.self_service else 0.0
        success = _per_type(lv.self_service.success, c.name) if lv.self_service else 0.0
        ss_uplift = 1.0 + (_per_type(lv.self_service.failed_handle_time_uplift, c.name) if lv.self_service else 0.0)
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
    assist_factor = 1.0
    if lv.agent_assist is not None:
        assist_factor = 1.0 - lv.agent_assist.handle_time_reduction
        handle_factor *= assist_factor
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
        assist_factor=assist_factor,
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
        inbound, outbound, line = v.inbound_per_minute, v.outbound_per_minute, v.line_per_seat_month
        # The PBX is replaced: what stays is the VoIP subscription (SIP trunks, platform fee).
        pbx = v.pbx_monthly + v.monthly_fee
    programmes = sum(
        getattr(lv, name).monthly_fee
        for name in ("callback", "fcr", "scheduling", "priority", "remote_agents")
        if getattr(lv, name) is not None
    )
    routing = scenario.agents.routing
    programmes += routing.monthly_fee
    investment = routing.investment + sum(
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
