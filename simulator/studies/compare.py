"""Paired scenario comparison: differences with CRN intervals, savings, ROI and attribution.

Every scenario runs with the baseline's seed and replication count, so replication ``r`` of a
scenario sees the same customers, arrival times and handle-time draws as replication ``r`` of the
baseline wherever its levers do not change them (common random numbers). Differences are taken
replication by replication and get a Student-t interval (``stats.paired_difference``).

``hold="service"`` (the default) re-staffs the baseline and every scenario with the same optimizer
and shift rules to the same target before comparing (``studies.baselines``): this is where a
deflection lever turns into fewer agent-hours, and the answer to "at the service we give today,
what does this lever save?". Today's baseline as given is simulated too, so the scheduling gain
(today vs the optimised baseline) is a line of its own and never mixed into a lever's saving.
``hold="staffing"`` keeps the baseline's agents (what happens to service if nothing else
changes). Method and formulas: docs/compare.md.
"""

from __future__ import annotations

import math
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from simulator.studies import finance
from simulator.studies.attribution import attribute, changed_players, monthly_cost
from simulator.studies.cashflow import BusinessCase, business_case
from simulator.analysis.costs import COST_COMPONENTS, horizon_days
from simulator.core.errors import ScenarioError
from simulator.model.scenario import Scenario
from simulator.studies.simulate import ReplicationStore, SimulationResult, default_workers
from simulator.studies.baselines import TARGETS, HeldTarget, as_is_target, file_target, ranking, with_target
from simulator.studies.staff_cache import StaffToTarget
from simulator.studies.batch import close_pool, simulate_runs, study_pool
from simulator.studies.compare_prepare import fill_optimize_from, prepare_scenarios
from simulator.analysis.stats import mean_ci, paired_difference

HOLDS = ("staffing", "service")


@dataclass
class Comparison:
    """The result of ``compare``.

    Attributes:
        baseline: the baseline's simulation (re-staffed under ``hold="service"``).
        results: each scenario's simulation, in the order given.
        hold: "staffing" or "service".
        differences: one row per (scenario, kpi): baseline_mean, scenario_mean, diff_mean
            (scenario - baseline), diff_ci95_low, diff_ci95_high, share_cheaper. KPIs are the
            per-replication columns of ``SimulationResult.replications`` and the cost components.
        confidence: one row per scenario: share_cheaper (share of replications in which the
            scenario's total_cost is below the baseline's) and replications.
        finance: one row per scenario: savings (horizon, month, year, with 95% CI), investment,
            running_monthly, payback_month, roi_3y, npv_3y (with CI), cost_per_call_up_total_down.
        monthly_savings_paths: per scenario and month 0..36: cumulative_savings (+ CI) and
            investment (for the cumulative-savings-vs-investment chart).
        attribution: per combined scenario (2+ changes) and change: contribution_month with CI
            and share, plus a ``residual`` row; None when no scenario is combined.
        attribution_meta: per scenario, the method and the settings of the coalition runs.
        staffing: under ``hold="service"``, the StaffingResult of the baseline and each scenario.
        as_is: under ``hold="service"``, today's baseline as given (its own staffing); None when
            the file has no staffing of its own (``staffing: optimize``) or under ``hold="staffing"``.
        target: under ``hold="service"``, the service every scenario was staffed to.
        optimisation: the finance row of the optimised baseline against ``as_is`` (savings_month
            with its CI: the scheduling gain, negative when meeting the target costs more).
        business: per scenario, its business case (``studies.cashflow``): the monthly cash flow
            that payback, ROI and NPV are computed from.
    """

    baseline: SimulationResult
    results: list[SimulationResult]
    hold: str
    differences: pd.DataFrame
    confidence: pd.DataFrame
    finance: pd.DataFrame
    monthly_savings_paths: pd.DataFrame
    attribution: pd.DataFrame | None = None
    attribution_meta: dict = field(default_factory=dict)
    staffing: dict = field(default_factory=dict)
    as_is: SimulationResult | None = None
    target: HeldTarget | None = None
    optimisation: dict | None = None
    business: dict[str, BusinessCase] = field(default_factory=dict)

    def cashflow(self) -> pd.DataFrame:
        """Every scenario's cash-flow table (month 0..N), stacked."""
        return pd.concat([c.table() for c in self.business.values()], ignore_index=True) if self.business else pd.DataFrame()

    def ranking(self) -> pd.DataFrame:
        """One row per scenario, the largest monthly saving first (``baselines.ranking``)."""
        return ranking(self.differences, self.finance, self.confidence)

    def to_json_dict(self) -> dict:
        """``{"scenarios": [...], "differences": ..., "finance": ..., "attribution": ..., "hold": ...,
        "business_case": {scenario: {months, investment, payback_month (null: not within the months), npv, roi,
        net_monthly}}}``."""
        diffs: dict[str, dict] = {}
        for r in self.differences.itertuples(index=False):
            diffs.setdefault(r.scenario, {})[r.kpi] = {
                "baseline": _num(r.baseline_mean),
                "scenario": _num(r.scenario_mean),
                "diff": _num(r.diff_mean),
                "ci95": [_num(r.diff_ci95_low), _num(r.diff_ci95_high)],
            }
        for r in self.confidence.itertuples(index=False):
            diffs.setdefault(r.scenario, {})["share_cheaper"] = _num(r.share_cheaper)
        fin = {}
        for r in self.finance.to_dict("records"):
            name = r.pop("scenario")
            fin[name] = {k: (_num(v) if isinstance(v, (float, np.floating)) else (bool(v) if isinstance(v, (bool, np.bool_)) else v))
                         for k, v in r.items()}
        attr = {}
        if self.attribution is not None:
            for name, df in self.attribution.groupby("scenario", sort=False):
                attr[name] = {
                    **{k: v for k, v in self.attribution_meta.get(name, {}).items() if k != "residual_note"},
                    "levers": {
                        r.lever: {"contribution_month": _num(r.contribution_month), "ci95": [_num(r.ci95_low), _num(r.ci95_high)],
                                  "share": _num(r.share)}
                        for r in df.itertuples(index=False)
                    },
                }
        out = {
            "hold": self.hold,
            "scenarios": [self.baseline.to_json_dict()] + [r.to_json_dict() for r in self.results],
            "differences": diffs,
            "finance": fin,
            "attribution": attr,
            "business_case": {name: {"months": c.months, "investment": c.investment, "payback_month": _num(c.payback_month()),
                                     "npv": _num(c.npv()), "roi": _num(c.roi()), "net_monthly": [_num(x) for x in c.net_flows()]}
                              for name, c in self.business.items()},
        }
        if self.hold == "service":
            out["target"] = self.target.to_json_dict() if self.target else None
            out["as_is_baseline"] = self.as_is.to_json_dict() if self.as_is is not None else None
            out["optimised_baseline"] = self.baseline.to_json_dict()
            if self.optimisation is not None:
                o = self.optimisation
                out["optimisation"] = {"savings_month": _num(o["savings_month"]),
                                       "ci95": [_num(o["savings_month_ci95_low"]), _num(o["savings_month_ci95_high"])]}
        return out


def _num(x: object) -> float | None:
    if x is None:
        return None
    x = float(x)  # type: ignore[arg-type]
    return None if math.isnan(x) or math.isinf(x) else x


# ---------------------------------------------------------------- the comparison
def compare(
    baseline: Scenario,
    scenarios: list[Scenario],
    hold: str = "service",
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    store: ReplicationStore | None = None,
    attribution: bool = True,
    attribution_replications: int = 5,
    attribution_days: int = 2,
    target: str = "file",
    phase: Callable[[str], None] | None = None,
    staff_to_target: StaffToTarget | None = None,
    months: int | None = None,
) -> Comparison:
    """Compare lever scenarios with a baseline, replication by replication.

    Args:
        baseline: the reference scenario.
        scenarios: lever scenarios (usually ``extends:`` the baseline's file).
        hold: "service" (default) staffs the baseline and every scenario with the same optimizer
            and shift rules to the same target, and simulates today's baseline as given too;
            "staffing" keeps the baseline's agents.
        target: under "service", "file" (the baseline's service_target) or "as-is" (the service
            level the baseline achieves today, held per day).
        replications, seed: for every scenario (default: the baseline's), so that replications pair.
        workers: processes (default: all cores); results do not depend on it.
        progress: called with 1 after each simulated replication of the main runs.
        store: keeps the main runs' finished replications (resume after Ctrl-C; see ``simulate``).
        attribution: attribute combined scenarios' savings to their levers (Shapley).
        phase: called with a few words when a new phase starts (staffing a scenario, simulating,
            attribution), for progress displays.
        staff_to_target: under "service", a ``StaffToTarget`` for ``seed`` kept between comparisons
            (the what-if page), so that a scenario's staffing is solved once; default a new one.
        months: length of the business case (default: each scenario's ``business_case.months``).
    """
    if hold not in HOLDS:
        raise ValueError(f"hold(={hold!r}) must be one of {HOLDS}")
    if target not in TARGETS:
        raise ValueError(f"target(={target!r}) must be one of {TARGETS}")
    n = replications or baseline.replications
    seed = baseline.seed if seed is None else seed
    w = default_workers() if workers is None else max(1, workers)
    say = phase or (lambda text: None)
    pool = study_pool(w)  # one pool for the whole study: staffing, simulation and attribution
    try:
        comp = _compare(baseline, scenarios, hold, n, seed, w, progress, store, attribution, attribution_replications,
                        attribution_days, target, say, pool, staff_to_target, months)
    except BaseException:
        close_pool(pool, interrupted=True)
        raise
    close_pool(pool, interrupted=False)
    return comp


def _compare(baseline: Scenario, scenarios: list[Scenario], hold: str, n: int, seed: int, w: int,
             progress: Callable[[int], None] | None, store: ReplicationStore | None, attribution: bool,
             attribution_replications: int, attribution_days: int, target: str, say: Callable[[str], None],
             pool: Executor | None, staff_to_target: StaffToTarget | None, months: int | None) -> Comparison:
    as_is, held = None, None
    # Today's baseline as given joins the main runs' pool, unless the target is read from it.
    today = [(baseline, None)] if hold == "service" and not baseline.needs_staffing_optimizer else []
    if hold == "service":
        if today and target == "as-is":
            say("simulating today's baseline as given")
            as_is = simulate_runs(today, n, seed, pool, progress, store)[0]
            today = []
        if target == "as-is" and as_is is None:
            raise ScenarioError("--target", "as-is", "a baseline with staffing of its own (not 'optimize') to measure today's service")
        held = as_is_target(as_is) if target == "as-is" else file_target(baseline)
        baseline, scenarios = with_target(baseline, held), [with_target(sc, held) for sc in scenarios]
    prepared, staffing = prepare_scenarios(baseline, list(scenarios), hold, seed, w, say, staff_to_target, pool)
    say("simulating every scenario" + (" and today's baseline as given" if today else ""))
    runs = simulate_runs(today + prepared, n, seed, pool, progress, store)
    if today:
        as_is, runs = runs[0], runs[1:]
    base, results = runs[0], runs[1:]
    differences, confidence = _differences(base, results)
    attr_frames, attr_meta = [], {}
    if attribution:
        for orig, res in zip(scenarios, results):
            if len(changed_players(baseline, orig)) < 2:
                continue
            saving = float(np.mean(monthly_cost(base) - monthly_cost(res)))
            say(f"attributing the saving of {res.name} to its levers")
            df, meta = attribute(
                prepared[0][0] if hold == "staffing" else baseline,
                fill_optimize_from(prepared[0][0], orig) if hold == "staffing" else orig,
                hold=hold, replications=min(n, attribution_replications), days=attribution_days,
                seed=seed, workers=w, full_saving_month=saving, executor=pool,
            )
            df["scenario"] = res.name
            attr_frames.append(df)
            attr_meta[res.name] = meta
    attr = pd.concat(attr_frames, ignore_index=True) if attr_frames else None
    cases = {res.name: business_case(base, res, months, _weights(attr, res.name)) for res in results}
    fin, paths = _finance(base, results, cases)
    optimisation = _finance(as_is, [base])[0].iloc[0].to_dict() if as_is is not None else None
    return Comparison(base, results, hold, differences, confidence, fin, paths, attr, attr_meta, staffing,
                      as_is, held, optimisation, cases)


def _weights(attr: pd.DataFrame | None, name: str) -> dict[str, float] | None:
    """A combined scenario's Shapley contributions per change (the weights of its levers' ramps)."""
    if attr is None or name not in set(attr["scenario"]):
        return None
    rows = attr[(attr["scenario"] == name) & (attr["lever"] != "residual")]
    return dict(zip(rows["lever"], rows["contribution_month"].astype(float)))


def _differences(base: SimulationResult, results: list[SimulationResult]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, conf = [], []
    b_all = _per_replication(base)
    for res in results:
        s_all = _per_replication(res)
        idx = b_all.index.intersection(s_all.index)
        cheaper = float((s_all.loc[idx, "total_cost"] < b_all.loc[idx, "total_cost"]).mean())
        conf.append({"scenario": res.name, "share_cheaper": cheaper, "replications": len(idx)})
        for kpi in b_all.columns:
            if kpi not in s_all.columns:
                continue
            a, b = b_all.loc[idx, kpi].to_numpy(float), s_all.loc[idx, kpi].to_numpy(float)
            ok = ~(np.isnan(a) | np.isnan(b))
            d, lo, hi = paired_difference(a[ok], b[ok])
            rows.append({
                "scenario": res.name, "kpi": kpi, "baseline_mean": float(np.nanmean(a)) if ok.any() else math.nan,
                "scenario_mean": float(np.nanmean(b)) if ok.any() else math.nan,
                "diff_mean": d, "diff_ci95_low": lo, "diff_ci95_high": hi, "share_cheaper": cheaper,
            })
    return pd.DataFrame(rows), pd.DataFrame(conf)


def _per_replication(res: SimulationResult) -> pd.DataFrame:
    comps = res.costs[[c for c in COST_COMPONENTS if c in res.costs.columns]]
    return pd.concat([res.replications, comps], axis=1)


def _finance(base: SimulationResult, results: list[SimulationResult],
             cases: dict[str, BusinessCase] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Savings with CIs; payback, 3-year ROI and NPV from each scenario's business case (per replication:
    the cash flow is linear in the saving), or from constant months without one."""
    rows, paths = [], []
    b_month = monthly_cost(base)
    b_total = base.replications["total_cost"].to_numpy(float)
    y3 = finance.MONTHS_3Y
    for res in results:
        sc = res.scenario
        s_month = monthly_cost(res)
        saving_h = b_total - res.replications["total_cost"].to_numpy(float)
        saving_m = b_month - s_month
        case = (cases or {}).get(res.name) or business_case(base, res, max(y3, sc.business_case.months))
        case3 = case if case.months >= y3 else business_case(base, res, y3)
        invest, rate = case.investment, case.discount_rate
        m, lo, hi = mean_ci(saving_m)
        h = mean_ci(saving_h)
        y = (12 * m, 12 * lo, 12 * hi)
        roi_ci = mean_ci([case3.roi(x, y3) for x in saving_m]) if invest > 0 else (math.nan,) * 3
        npv_ci = mean_ci([case3.npv(x, y3) for x in saving_m])

        def payback(x: float) -> float:
            return case.payback_month(x) if not math.isnan(x) else math.inf  # noqa: B023 - called in this iteration

        # Payback falls as the saving grows: the saving's interval bounds give the payback's.
        pb, pb_lo, pb_hi = payback(m), payback(hi), payback(lo)
        bm, sm = base.replications.mean(), res.replications.mean()
        rows.append({
            "scenario": res.name,
            "horizon_days": horizon_days(res.plan),
            "savings_horizon": h[0], "savings_horizon_ci95_low": h[1], "savings_horizon_ci95_high": h[2],
            "savings_month": m, "savings_month_ci95_low": lo, "savings_month_ci95_high": hi,
            "savings_year": y[0], "savings_year_ci95_low": y[1], "savings_year_ci95_high": y[2],
            "investment": invest,
            "running_monthly": case.running_fees, "months": case.months,
            "payback_month": pb, "payback_month_ci95_low": pb_lo, "payback_month_ci95_high": pb_hi,
            "roi_3y": roi_ci[0], "roi_3y_ci95_low": roi_ci[1], "roi_3y_ci95_high": roi_ci[2],
            "npv_3y": npv_ci[0], "npv_3y_ci95_low": npv_ci[1], "npv_3y_ci95_high": npv_ci[2],
            "discount_rate": rate,
            "cost_per_call_up_total_down": bool(sm["cost_per_call"] > bm["cost_per_call"] and sm["total_cost"] < bm["total_cost"]),
        })
        for k, (c, cl, ch) in enumerate(zip(finance.cumulative(case.net_flows(m)), finance.cumulative(case.net_flows(lo)),
                                             finance.cumulative(case.net_flows(hi)))):
            paths.append({"scenario": res.name, "month": k, "cumulative_savings": c, "ci95_low": cl, "ci95_high": ch,
                          "investment": invest, "cumulative_net": c - invest})
    return pd.DataFrame(rows), pd.DataFrame(paths)


def notes(comp: Comparison) -> list[str]:
    """Plain-language remarks the reports must make (SPEC: cost per call up while total cost down)."""
    out = []
    for r in comp.finance.to_dict("records"):
        if r["cost_per_call_up_total_down"]:
            out.append(f"Note: {r['scenario']} raises cost per call while lowering total cost - fewer calls reach agents, so "
                       "fixed costs are spread over fewer handled calls. Judge it by total cost and cost per contact.")
        if comp.hold == "staffing" and r["savings_month_ci95_low"] <= 0 <= r["savings_month_ci95_high"]:
            out.append(f"Note: {r['scenario']}'s saving is not distinguishable from zero with the baseline's staffing; "
                       "deflected calls save labour only if staffing follows (try --hold service).")
    return out


__all__ = ["Comparison", "compare", "notes", "HOLDS"]
