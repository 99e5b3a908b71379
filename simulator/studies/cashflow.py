"""The business case: a monthly cash flow over ``business_case.months`` derived from the simulated days.

No month is a new simulation. The comparison measures, per replication, the monthly saving of a
scenario at full effect (``S``, running fees of the levers already deducted). Month ``m`` (1..N)
of the cash flow is then (README "Business case over 36 months"):

- gross saving at full effect ``G = S + F`` (``F``: the change in fixed monthly fees), of which
  ``L`` is labour (agent labour, overtime, supervision; the mean over replications);
- saving at ramp = ramp(m) x volume(m) x (L x wage(m) + (G - L)), where ramp(m) = min(1, m / R)
  (R: months to full effect), volume(m) = (1 + growth) ** ((m - 1) / 12) and wage(m) likewise with
  wage inflation: month 1 is the simulated month. Costs that vary with volume are scaled linearly
  (an approximation that slightly overstates a labour saving under growth: Erlang staffing has
  economies of scale);
- running fees = F every month from go-live (a subscription does not ramp);
- attrition and hiring = ramp(m) x volume(m) x (dH + dC x wage(m)): the change (scenario -
  baseline) in replacement hiring, FTE x attrition / 12 x cost per hire, and in the new hires'
  learning curve, labour x attrition / 12 x sum(multiplier - 1) over their first months; both
  centres are costed with the scenario's ``business_case`` figures, so the change comes from the
  lever's effect on headcount and labour, never from a figure set in one file only;
- net = saving at ramp - running fees - attrition and hiring; month 0 holds the investment.

With no ramp, growth, inflation or attrition every month's net equals ``S``: the simulated month.
Payback, ROI and NPV come from these flows through ``simulator.studies.finance``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from simulator.analysis.costs import horizon_days
from simulator.analysis.kpis import staffed_seconds_per_interval
from simulator.model.build import cost_inputs
from simulator.model.business import BusinessCase as BusinessCaseFields
from simulator.model.scenario import Scenario
from simulator.studies import finance
from simulator.studies.attribution import changed_players
from simulator.studies.simulate import SimulationResult

LABOUR = ("agent_labor", "overtime", "supervision")
CASHFLOW_COLUMNS = ("scenario", "month", "ramp_share", "saving_at_ramp", "running_fees", "attrition_hiring", "net",
                    "cumulative", "discounted", "cumulative_discounted")


def running_monthly(sc: Scenario) -> float:
    """A scenario's fixed monthly fees (levers' fees, PBX, an owned platform's write-off and upkeep)."""
    c = cost_inputs(sc)
    return (c.ivr_monthly + c.self_service_monthly + c.automation_monthly + c.outsource_monthly
            + c.programmes_monthly + c.pbx_monthly + c.platform_monthly)


def ramp_shares(ramp_months: float, months: int) -> np.ndarray:
    """Share of the full effect in months 1..``months``: min(1, m / ramp_months); 1 without a ramp."""
    m = np.arange(1, months + 1, dtype=float)
    return np.ones(months) if ramp_months <= 0 else np.minimum(1.0, m / ramp_months)


def growth_factors(per_year: float, months: int) -> np.ndarray:
    """(1 + per_year) ** ((m - 1) / 12) for months 1..``months``: month 1 is the simulated month."""
    return (1.0 + per_year) ** (np.arange(months, dtype=float) / 12.0)


def scenario_ramp(baseline: Scenario, scenario: Scenario, weights: dict[str, float] | None = None,
                  months: int = finance.MONTHS_3Y) -> np.ndarray:
    """The ramp of a scenario's saving: each change's ramp (``business_case.ramp_months`` of the
    scenario, per lever key), weighted by its share of the saving (``weights``, e.g. the Shapley
    contributions) or, without weights, the slowest change's ramp (the cautious reading)."""
    case = scenario.business_case
    per_player = {p: float(case.ramp_for(p)) for p in changed_players(baseline, scenario)}
    if not per_player:
        return ramp_shares(0 if isinstance(case.ramp_months, dict) else case.ramp_months, months)
    w = {p: max(0.0, float((weights or {}).get(p, 0.0))) for p in per_player}
    total = sum(w.values())
    if weights is None or total <= 0:
        return ramp_shares(max(per_player.values()), months)
    return sum(w[p] / total * ramp_shares(r, months) for p, r in per_player.items())


def fte(result: SimulationResult) -> float:
    """Agents on payroll (FTE), as the cost model counts them: paid hours / (paid hours a day x days)."""
    rates = cost_inputs(result.scenario)
    days = horizon_days(result.plan)
    paid = float(staffed_seconds_per_interval(result.plan, paid=True).sum()) / 3600.0 / (1.0 - rates.shrinkage)
    return paid / (rates.paid_hours_per_agent_day * days) if days > 0 else 0.0


def monthly_mean(result: SimulationResult, components: Sequence[str]) -> float:
    """Mean over replications of the sum of cost components, per month of working days."""
    days = horizon_days(result.plan)
    per_month = result.scenario.costs.working_days_per_month / days if days > 0 else 0.0
    return float(result.costs[list(components)].sum(axis=1).mean()) * per_month


def turnover_monthly(result: SimulationResult, case: BusinessCaseFields | None = None) -> tuple[float, float]:
    """(hiring, learning curve) per month of a centre: replacement hires x cost per hire, and the
    extra labour of new hires' slower handling (labour x hires' share x sum(multiplier - 1)).
    ``case``: the attrition figures to apply (default: the result's own scenario's)."""
    case = case or result.scenario.business_case
    hires_share = case.attrition_per_year / 12.0
    hiring = fte(result) * hires_share * case.cost_per_hire
    slow = sum(m - 1.0 for m in case.learning_curve)
    learning = monthly_mean(result, ("agent_labor", "overtime")) * hires_share * slow
    return hiring, learning


@dataclass(frozen=True)
class BusinessCase:
    """One scenario's cash-flow inputs: what the simulation measured and how months scale it."""

    scenario: str
    months: int
    investment: float
    discount_rate: float
    ramp: np.ndarray  # share of full effect, months 1..months
    volume: np.ndarray
    wage: np.ndarray
    labour_saving: float  # mean monthly labour saving at full effect (month-1 wages)
    running_fees: float  # change in fixed monthly fees, scenario - baseline
    hiring_change: float  # change in monthly replacement hiring at full effect, scenario - baseline
    learning_change: float  # change in monthly learning-curve labour, scenario - baseline
    saving_month: float  # mean simulated monthly saving at full effect (fees deducted)

    def parts(self, saving_month: float | None = None) -> dict[str, np.ndarray]:
        """Months 1..N: saving_at_ramp, running_fees, attrition_hiring, net (see the module docstring)."""
        s = self.saving_month if saving_month is None else float(saving_month)
        gross = s + self.running_fees
        at_ramp = self.ramp * self.volume * (self.labour_saving * self.wage + (gross - self.labour_saving))
        fees = np.full(self.months, self.running_fees)
        turnover = self.ramp * self.volume * (self.hiring_change + self.learning_change * self.wage)
        return {"saving_at_ramp": at_ramp, "running_fees": fees, "attrition_hiring": turnover,
                "net": at_ramp - fees - turnover}

    def net_flows(self, saving_month: float | None = None) -> np.ndarray:
        """Net cash flow of months 1..N (the investment, at month 0, is apart)."""
        return self.parts(saving_month)["net"]

    def table(self, saving_month: float | None = None) -> pd.DataFrame:
        """The cash-flow table, month 0 (the investment) to N: cumulative and discounted included."""
        p = self.parts(saving_month)
        r = finance.monthly_rate(self.discount_rate)
        net = np.concatenate([[-self.investment], p["net"]])
        discounted = net / (1.0 + r) ** np.arange(self.months + 1)
        return pd.DataFrame({
            "scenario": self.scenario, "month": np.arange(self.months + 1),
            "ramp_share": np.concatenate([[0.0], self.ramp]),
            **{k: np.concatenate([[0.0], p[k]]) for k in ("saving_at_ramp", "running_fees", "attrition_hiring")},
            "net": net, "cumulative": np.cumsum(net), "discounted": discounted,
            "cumulative_discounted": np.cumsum(discounted),
        }, columns=list(CASHFLOW_COLUMNS))

    def payback_month(self, saving_month: float | None = None) -> float:
        """First month whose cumulative net reaches the investment (inf: not within the months)."""
        p = finance.payback_month(self.net_flows(saving_month), self.investment)
        return math.inf if p is None else float(p)

    def npv(self, saving_month: float | None = None, months: int | None = None) -> float:
        """NPV at the scenario's discount rate over ``months`` (default: all) of the cash flow."""
        return finance.npv(self.net_flows(saving_month)[:months], self.investment, self.discount_rate)

    def roi(self, saving_month: float | None = None, months: int | None = None) -> float:
        """(sum of net flows - investment) / investment over ``months`` (default: all)."""
        return finance.roi(self.net_flows(saving_month)[:months], self.investment)


def business_case(base: SimulationResult, res: SimulationResult, months: int | None = None,
                  weights: dict[str, float] | None = None) -> BusinessCase:
    """The cash-flow inputs of ``res`` against ``base`` (paired runs of ``compare``)."""
    case = res.scenario.business_case
    n = int(months or case.months)
    saving = monthly_mean(base, ("total_cost",)) - monthly_mean(res, ("total_cost",))
    hire_b, learn_b = turnover_monthly(base, case)  # the scenario's figures for both: the change is the lever's
    hire_s, learn_s = turnover_monthly(res, case)
    return BusinessCase(
        scenario=res.name, months=n,
        investment=max(0.0, cost_inputs(res.scenario).investment - cost_inputs(base.scenario).investment),
        discount_rate=res.scenario.costs.discount_rate,
        ramp=scenario_ramp(base.scenario, res.scenario, weights, n),
        volume=growth_factors(case.volume_growth_per_year, n), wage=growth_factors(case.wage_inflation_per_year, n),
        labour_saving=monthly_mean(base, LABOUR) - monthly_mean(res, LABOUR),
        running_fees=running_monthly(res.scenario) - running_monthly(base.scenario),
        hiring_change=hire_s - hire_b, learning_change=learn_s - learn_b, saving_month=saving,
    )


def band(case: BusinessCase, saving_draws: Sequence[float], quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
    """P10/P50/P90 (or ``quantiles``) of the cumulative net cash flow, month 0..N, over draws of the
    monthly saving at full effect (e.g. the uncertainty study's draws): one cash flow per draw."""
    draws = np.asarray(saving_draws, dtype=float)
    if draws.ndim != 1 or draws.size == 0:
        raise ValueError(f"saving_draws(={draws.shape}) must be a non-empty 1-D array")
    cum = np.array([np.cumsum(np.concatenate([[-case.investment], case.net_flows(x)])) for x in draws])
    out = pd.DataFrame({"scenario": case.scenario, "month": np.arange(case.months + 1)})
    for q in quantiles:
        out[f"p{round(100 * q):d}"] = np.quantile(cum, q, axis=0)
    return out


__all__ = ["BusinessCase", "CASHFLOW_COLUMNS", "band", "business_case", "growth_factors", "ramp_shares",
           "running_monthly", "scenario_ramp", "turnover_monthly"]
