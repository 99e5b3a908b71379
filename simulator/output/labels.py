"""Levers in words: the short label and the plain-words phrase of each lever, for the output layer.

The output layer asks for lever words through ``lever_label`` and ``lever_phrase`` only (and
``describe_levers``, built on ``lever_phrase``); both read the lever registry, where each lever
module owns its label and phrase. Labels also
cover the other changes an attribution names (agent groups, cost inputs, contact types, the
residual). Phrases are unescaped text.
"""

from __future__ import annotations
from pydantic import BaseModel

from simulator.levers import lever_label as registry_label
from simulator.levers import lever_phrase as registry_phrase
from simulator.model.scenario import Scenario
from simulator.output.fmt import money, pct

class _Format:
    """The output layer's formatting, lent to a lever for its phrase (``levers.base.PhraseFormat``)."""

    def __init__(self, currency: str) -> None:
        self.currency = currency

    def pct(self, x: float, digits: int = 1) -> str:
        return pct(x, digits)

    def money(self, x: float, digits: int | None = None) -> str:
        return money(x, self.currency, digits)


def lever_label(name: str) -> str:
    """The short label of a lever (or of another change an attribution names): ``IVR``, ``agent groups``."""
    return registry_label(name)


def lever_phrase(name: str, settings: BaseModel, *, currency: str) -> str:
    """What a lever's settings do, in plain words (each lever module owns its phrase)."""
    return registry_phrase(name, settings, _Format(currency))


def describe_levers(scenario: Scenario, baseline: Scenario | None = None) -> list[str]:
    """Phrases for the levers a scenario sets (only those that differ from ``baseline``'s, if given)."""
    out = []
    for name in type(scenario.levers).model_fields:
        lev = getattr(scenario.levers, name)
        if lev is None:
            continue
        if baseline is not None:
            base = getattr(baseline.levers, name)
            if base is not None and base.model_dump() == lev.model_dump():
                continue
        out.append(lever_phrase(name, lev, currency=scenario.currency))
    if baseline is not None:
        out += _agent_changes(scenario, baseline)
    return [p for p in out if p]


def _agent_changes(scenario: Scenario, baseline: Scenario) -> list[str]:
    """Changes outside ``levers`` that a scenario file commonly makes: routing and shifts."""
    out = []
    routing, base_routing = scenario.agents.routing, baseline.agents.routing
    if routing.policy != base_routing.policy:
        words = {"pooled": "one pool of cross-trained agents taking every contact type",
                 "skills_based": "skills-based routing with overflow",
                 "dedicated": "dedicated teams, no overflow between them"}
        out.append(words.get(routing.policy, f"{routing.policy} routing"))
    elif routing.model_dump() != base_routing.model_dump():
        out.append("routing settings changed")
    if scenario.agents.shifts is not None and baseline.agents.shifts is None:
        names = ", ".join(sh.name for sh in scenario.agents.shifts)
        out.append(f"agents rostered into shifts ({names}) with breaks off the phones")
    return out


# ---------------------------------------------------------------- figures in words
# One label per KPI, cost component and table column, for every view a client reads (the report,
# the console tables, the workbook). Data files (CSV, JSON) keep the identifiers.
KPI_LABELS: dict[str, str] = {
    "contacts": "Contacts", "calls_offered": "Calls offered", "calls_answered": "Calls answered",
    "calls_abandoned": "Calls abandoned", "ivr_contained": "Resolved in the IVR",
    "self_service_resolved": "Resolved in self-service", "self_service_sessions": "Self-service sessions",
    "bot_conversations": "AI assistant conversations", "bot_resolved": "Resolved by the AI assistant",
    "callbacks_accepted": "Callbacks accepted", "repeat_contacts": "Repeat contacts", "redials": "Redials",
    "calls_outsourced": "Calls outsourced", "needs_resolved": "Needs resolved", "service_level": "Service level",
    "asa_seconds": "Average speed of answer", "abandonment_rate": "Abandonment rate", "occupancy": "Occupancy",
    "aht_seconds": "Average handle time", "staffed_agent_hours": "Staffed agent-hours", "total_cost": "Total cost",
    "cost_per_call": "Cost per answered call", "cost_per_contact": "Cost per contact",
    "cost_per_resolved_contact": "Cost per resolved contact", "share_cheaper": "Share of replications cheaper",
}
COMPONENT_LABELS: dict[str, str] = {
    "agent_labor": "Agent pay", "overtime": "Overtime", "supervision": "Supervision",
    "agent_seats": "Licences and desktops", "facilities": "Facilities", "telephony": "Telephony", "ivr": "IVR",
    "self_service": "Self-service", "automation": "Automation", "outsourcing": "Outsourcing",
    "programmes": "Programmes", "overhead": "Overhead", "total_cost": "Total cost",
}
COLUMN_LABELS: dict[str, str] = {
    "scenario": "Scenario", "kpi": "Figure", "mean": "Mean", "ci95_low": "95% CI low", "ci95_high": "95% CI high",
    "component": "Cost item", "per_answered_call": "Per answered call", "share_of_total": "Share of total",
    "replication": "Replication", "interval": "Interval", "interval_start": "Starts", "offered": "Offered",
    "answered": "Answered", "abandoned": "Abandoned", "agents": "Agents on the phones",
    "baseline_mean": "Baseline", "scenario_mean": "Scenario", "diff_mean": "Difference",
    "diff_ci95_low": "Difference, 95% CI low", "diff_ci95_high": "Difference, 95% CI high",
    "horizon_days": "Days simulated", "savings_horizon": "Saving over the simulated days",
    "savings_month": "Saving per month", "savings_year": "Saving per year", "investment": "Investment (one-time)",
    "running_monthly": "Running cost change per month (in the saving)", "payback_month": "Payback month",
    "roi_3y": "Return over 3 years (× investment)", "npv_3y": "Net present value over 3 years",
    "discount_rate": "Discount rate (annual)", "cost_per_call_up_total_down": "Cost per call up while total cost falls",
    "service_change": "Service level change (points)", "assumption": "Assumption", "contact_type": "Contact type",
    "offered_per_hour": "Offered per hour", "patience_seconds": "Average patience",
    "erlang_a_service_level": "Service level, Erlang A", "simulated_service_level": "Service level, simulated",
    "erlang_a_abandonment": "Abandonment, Erlang A", "simulated_abandonment": "Abandonment, simulated",
    "close": "Within tolerance", "field": "Input", "value": "Value", "message": "Note", "line": "Baseline",
    "cost_month": "Cost per month", "agent_hours_per_day": "Agent-hours per day", "lever": "Change",
    "contribution_month": "Contribution per month", "share": "Share",
}
_CI_SUFFIXES = (("_ci95_low", ", 95% CI low"), ("_ci95_high", ", 95% CI high"))


def kpi_label(key: str) -> str:
    """A KPI, cost component or table column in words: ``cost_per_call`` -> ``Cost per answered call``.
    Unknown keys read as words (``platform_fees`` -> ``Platform fees``), never as an identifier."""
    for table in (KPI_LABELS, COMPONENT_LABELS, COLUMN_LABELS):
        if key in table:
            return table[key]
    for suffix, words in _CI_SUFFIXES:
        if key.endswith(suffix):
            return kpi_label(key[: -len(suffix)]) + words
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
