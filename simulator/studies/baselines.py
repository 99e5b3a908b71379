"""The baselines of an equal-service comparison, kept apart so a saving says what it is measured against.

Under ``hold="service"`` three figures answer three questions:

1. **Today's baseline as given**: the file's own staffing, simulated as it stands.
2. **The optimised baseline**: the same center staffed by the optimizer (and rostered, when the
   file has ``agents.shifts``) to the target. Line 1 minus line 2 is the scheduling gain (or, when
   today's service is below target, the cost of meeting it) — a figure of its own, not a lever's.
3. **Each lever** staffed by the same optimizer, the same shift rules and the same target, against
   line 2: the lever's own saving at equal service.

The target is the baseline's ``service_target`` (``target="file"``) or the service the baseline
gives today (``target="as-is"``: its simulated service level over the horizon, held per day,
with the same answer-within seconds), so a saving can be quoted "at the service we give today".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.core.errors import ScenarioError
from simulator.model.scenario import Scenario
from simulator.studies.attribution import monthly_cost
from simulator.studies.simulate import SimulationResult

TARGETS = ("file", "as-is")


@dataclass(frozen=True)
class HeldTarget:
    """The service every scenario is staffed to, and where it comes from ("file" or "as-is")."""

    answer_within_seconds: float
    fraction: float
    per: str
    source: str

    def words(self) -> str:
        where = "in every interval" if self.per == "interval" else "over each day"
        origin = "the baseline's target" if self.source == "file" else "what the baseline achieves today"
        return f"{self.fraction:.1%} of calls answered within {self.answer_within_seconds:g} s {where} ({origin})"

    def to_json_dict(self) -> dict:
        return {"answer_within_seconds": self.answer_within_seconds, "fraction": self.fraction, "per": self.per,
                "source": self.source}


def file_target(baseline: Scenario) -> HeldTarget:
    t = baseline.service_target
    return HeldTarget(t.answer_within_seconds, t.fraction, t.per, "file")


def as_is_target(as_is: SimulationResult) -> HeldTarget:
    """The service the baseline gives today: calls answered within target over all calls offered,
    pooled over the replications, held per day (today's staffing is judged by its day, not by
    each interval)."""
    iv = as_is.intervals
    offered = float(iv["offered"].sum())
    within = float((iv["service_level"].fillna(0.0) * iv["offered"]).sum())
    achieved = within / offered if offered > 0 else 0.0
    if not achieved > 0:
        raise ScenarioError("--target", "as-is", "a baseline that answers some calls within target today "
                            "(give service_target in the file instead)")
    fraction = float(np.floor(min(achieved, 1.0) * 10_000) / 10_000)  # to 0.01%, never above what is achieved
    t = as_is.scenario.service_target
    return HeldTarget(t.answer_within_seconds, max(fraction, 1e-4), "day", "as-is")


def with_target(scenario: Scenario, target: HeldTarget) -> Scenario:
    """``scenario`` staffed to ``target`` (its other service settings, such as ceilings, kept)."""
    return scenario.with_changes({"service_target.answer_within_seconds": target.answer_within_seconds,
                                  "service_target.fraction": target.fraction, "service_target.per": target.per})


def baseline_lines(as_is: SimulationResult | None, optimised: SimulationResult, optimisation: dict | None) -> pd.DataFrame:
    """The lines the console and the report show before the levers: today's baseline as given,
    the optimised baseline, and the gain between them (monthly cost with its 95% CI).

    Columns: line, cost_month, cost_month_ci95_low/high (the gain's CI on the gain line),
    cost_per_call, service_level, agent_hours_per_day.
    """
    rows = []
    for label, res in (("today's baseline as given", as_is), ("optimised baseline", optimised)):
        if res is None:
            continue
        m = res.replications.mean()
        month = monthly_cost(res)
        rows.append({"line": label, "cost_month": float(month.mean()), "cost_month_ci95_low": np.nan,
                     "cost_month_ci95_high": np.nan, "cost_per_call": float(m["cost_per_call"]),
                     "service_level": float(m["service_level"]),
                     "agent_hours_per_day": float(m["staffed_agent_hours"]) / max(res.plan.days, 1)})
    if optimisation is not None:
        gain = optimisation["savings_month"]
        rows.append({"line": "scheduling gain" if gain >= 0 else "cost of meeting the target",
                     "cost_month": gain, "cost_month_ci95_low": optimisation["savings_month_ci95_low"],
                     "cost_month_ci95_high": optimisation["savings_month_ci95_high"], "cost_per_call": np.nan,
                     "service_level": np.nan, "agent_hours_per_day": np.nan})
    return pd.DataFrame(rows)


def ranking(differences: pd.DataFrame, finance: pd.DataFrame, confidence: pd.DataFrame) -> pd.DataFrame:
    """The comparison's first table: one row per scenario, the largest monthly saving first.

    Columns: scenario, savings_month with savings_month_ci95_low/high, service_level (the
    scenario's), service_change (scenario − baseline, a share), investment, payback_month,
    npv_3y, share_cheaper. Every figure is the comparison's own (finance and differences tables).
    """
    if finance.empty:
        return pd.DataFrame(columns=["scenario", "savings_month", "savings_month_ci95_low", "savings_month_ci95_high",
                                     "service_level", "service_change", "investment", "payback_month", "npv_3y",
                                     "share_cheaper"])
    sl = differences[differences["kpi"] == "service_level"].set_index("scenario")
    cheaper = confidence.set_index("scenario")["share_cheaper"]
    rows = []
    for r in finance.to_dict("records"):
        name = r["scenario"]
        rows.append({"scenario": name, "savings_month": r["savings_month"],
                     "savings_month_ci95_low": r["savings_month_ci95_low"], "savings_month_ci95_high": r["savings_month_ci95_high"],
                     "service_level": float(sl.loc[name, "scenario_mean"]), "service_change": float(sl.loc[name, "diff_mean"]),
                     "investment": r["investment"], "payback_month": r["payback_month"], "npv_3y": r["npv_3y"],
                     "share_cheaper": float(cheaper.loc[name])})
    return pd.DataFrame(rows).sort_values("savings_month", ascending=False, kind="stable").reset_index(drop=True)
