"""Hypothesis strategies for valid scenarios (one place, as STYLE.md asks).

Scenarios are small (a few hours, a few hundred calls) so that a property test can simulate dozens
of them in seconds, but they switch on every mechanism: several contact types and groups, every
routing policy, patience or none, redials, and every lever.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

DIST_KINDS = ("exponential", "lognormal", "gamma", "constant")


@st.composite
def distributions(draw: st.DrawFn, low: float = 30.0, high: float = 400.0) -> dict[str, Any]:
    kind = draw(st.sampled_from(DIST_KINDS + ("empirical",)))
    if kind == "empirical":
        samples = draw(st.lists(st.floats(low, high), min_size=1, max_size=6))
        return {"distribution": "empirical", "samples": samples}
    spec: dict[str, Any] = {"distribution": kind, "mean_seconds": draw(st.floats(low, high))}
    if kind in ("lognormal", "gamma"):
        spec["cv"] = draw(st.floats(0.2, 1.5))
    return spec


@st.composite
def levers(draw: st.DrawFn, type_names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    share = st.floats(0.0, 0.6)
    if draw(st.booleans()):
        out["ivr"] = {"time": {"distribution": "constant", "mean_seconds": draw(st.floats(5, 90))},
                      "containment": draw(share), "per_minute": 0.02, "monthly_fee": 100.0,
                      "false_containment_share": draw(st.floats(0, 0.3)),
                      "remaining_handle_time_uplift": draw(st.floats(0, 0.2))}
    if draw(st.booleans()):
        out["self_service"] = {"adoption": draw(share), "success": draw(st.floats(0, 1)), "per_session": 0.4,
                               "false_resolution_share": draw(st.floats(0, 0.3))}
    if draw(st.booleans()):
        out["callback"] = {"threshold_seconds": draw(st.floats(0, 120)), "acceptance": draw(st.floats(0, 1)),
                           "connect_rate": draw(st.floats(0.3, 1)), "max_attempts": draw(st.integers(1, 3))}
    if draw(st.booleans()):
        out["fcr"] = {"uplift": draw(st.floats(0, 0.3)), "monthly_fee": 500.0}
    if draw(st.booleans()):
        out["outsourced_overflow"] = {"after_seconds": draw(st.floats(10, 200)), "per_minute": 0.8,
                                      "minimum_monthly": draw(st.floats(0, 5000))}
    if draw(st.booleans()):
        out["agent_assist"] = {"handle_time_reduction": draw(st.floats(0, 0.3)), "per_agent_month": 40.0}
    if draw(st.booleans()):
        out["priority"] = {"vip_share": draw(st.floats(0, 0.3))}
    if draw(st.booleans()):
        out["voip"] = {"inbound_per_minute": 0.0085}
    if draw(st.booleans()):
        out["remote_agents"] = {"share": draw(st.floats(0, 1)), "wage_factor": 0.9,
                                "stipend_per_remote_agent_month": 100.0, "shrinkage": 0.2}
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario dict (as a YAML file would hold it)."""
    n_types = draw(st.integers(1, 3))
    names = [f"type{i}" for i in range(n_types)]
    weights = draw(st.lists(st.floats(0.1, 1.0), min_size=n_types, max_size=n_types))
    total = sum(weights)
    shares = [w / total for w in weights]
    shares[-1] = 1.0 - sum(shares[:-1])
    types = []
    for name, share in zip(names, shares):
        patience = draw(st.one_of(st.none(), distributions(20.0, 300.0)))
        types.append({
            "name": name, "share": share, "handle_time": draw(distributions()), "patience": patience,
            "fcr": draw(st.floats(0.5, 1.0)),
            "repeat_delay": {"distribution": "exponential", "mean_seconds": draw(st.floats(60, 3600))},
        })
    round_clock = draw(st.booleans())
    intervals = 6 if round_clock else draw(st.integers(2, 4))
    n_groups = draw(st.integers(1, 3))
    groups = []
    for g in range(n_groups):
        own = names[g % n_types]
        others = [n for n in names if n != own]
        extra = draw(st.lists(st.sampled_from(others), unique=True, max_size=len(others))) if others else []
        staffing = draw(st.one_of(st.integers(1, 6), st.lists(st.integers(0, 6), min_size=intervals, max_size=intervals)))
        groups.append({"name": f"group{g}", "skills": [own, *extra], "staffing": staffing,
                       "proficiency": {own: draw(st.floats(0.8, 1.3))}})
    for i, name in enumerate(names):  # every type is some group's first skill (dedicated routing needs it)
        if i >= n_groups:
            groups[0]["skills"] = list(dict.fromkeys([*groups[0]["skills"], name]))
    policy = draw(st.sampled_from(["skills_based", "pooled", "dedicated"]))
    if policy == "dedicated" and n_types > n_groups:
        policy = "skills_based"
    horizon = ({"days": draw(st.integers(1, 2)), "open": "00:00", "close": "24:00", "interval_minutes": 240}
               if round_clock else
               {"days": draw(st.integers(1, 2)), "open": "09:00", "close": f"{9 + intervals}:00", "interval_minutes": 60})
    return {
        "name": "hypothesis scenario",
        "seed": draw(st.integers(0, 2**31)),
        "replications": 1,
        "horizon": {**horizon, "warmup_minutes": draw(st.sampled_from([0, 0, 30]))},
        "arrivals": {"calls_per_day": draw(st.floats(20, 400)),
                     "profile": draw(st.one_of(st.just("flat"), st.lists(st.floats(0.0, 3.0), min_size=intervals, max_size=intervals).filter(lambda w: sum(w) > 0.1))),
                     "daily_cv": draw(st.sampled_from([0.0, 0.2]))},
        "contact_types": types,
        "agents": {"groups": groups, "routing": {"policy": policy, "overflow_after_seconds": draw(st.floats(0, 60))}},
        "redials": {"probability": draw(st.floats(0, 0.8))},
        "costs": {"agent_hourly_wage": 20.0, "benefits_load": 0.3, "shrinkage": draw(st.floats(0, 0.4)),
                  "supervisor_hourly_wage": 30.0, "licence_per_agent_month": 100.0, "facility_per_seat_month": 300.0,
                  "telephony": {"inbound_per_minute": 0.02, "outbound_per_minute": 0.013, "line_per_seat_month": 20,
                                "pbx_monthly": 1000}, "overhead_monthly": 5000.0},
        "levers": draw(levers(names)),
    }
