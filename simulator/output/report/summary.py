"""Executive summaries: the plain-words bullets and KPI cards that open each report, and the
comparison's figures they read (paired differences and each scenario's finance row)."""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from simulator.analysis.costs import horizon_days
from simulator.analysis.validity import InputWarning
from simulator.output.fmt import ci_text, is_missing, number, pct
from simulator.output.labels import describe_levers
from simulator.output.report.page import cards, esc, html_money
from simulator.output.report.sections import metric, months_factor
from simulator.studies.baselines import baseline_lines
from simulator.studies.compare import Comparison
from simulator.studies.simulate import SimulationResult

PAYBACK_MONTHS = 36
FINANCE_FIELDS = ("savings_month", "savings_month_ci95_low", "savings_month_ci95_high", "investment", "running_monthly",
                  "payback_month", "payback_month_ci95_low", "payback_month_ci95_high", "roi_3y", "roi_3y_ci95_low",
                  "roi_3y_ci95_high", "npv_3y", "npv_3y_ci95_low", "npv_3y_ci95_high")


# ---------------------------------------------------------------- a run
def run_summary(result: SimulationResult, warnings: Sequence[tuple[str, InputWarning]]) -> tuple[list[str], str]:
    """The bullets (pre-escaped HTML) and the KPI cards of a run's summary."""
    cur = result.scenario.currency
    cpc, cpc_lo, cpc_hi = metric(result, "cost_per_call")
    tot, tot_lo, tot_hi = metric(result, "total_cost")
    sl, sl_lo, sl_hi = metric(result, "service_level")
    asa, asa_lo, asa_hi = metric(result, "asa_seconds")
    ab, ab_lo, ab_hi = metric(result, "abandonment_rate")
    occ, occ_lo, occ_hi = metric(result, "occupancy")
    mf = months_factor(result)
    target = result.scenario.service_target
    cb = result.cost_breakdown()
    pay = ("agent_labor", "overtime", "supervision")
    labour = sum(cb.get(k, 0) for k in pay)
    labour_share = float(labour / cb.sum()) if cb.sum() else math.nan
    top = cb.drop([k for k in pay if k in cb.index]).sort_values(ascending=False)  # the items after pay
    meets = np.isfinite(sl) and sl >= target.fraction

    def m2(x: float) -> str:
        return html_money(x, cur)

    def m0(x: float) -> str:
        return html_money(x, cur, 0)

    def seconds(x: float) -> str:
        return f"{number(x, 0)} s"

    bullets = [
        f"A call answered by an agent costs <b>{m2(cpc)}</b> (95% CI {ci_text(cpc_lo, cpc_hi, m2)}); "
        f"the center costs <b>{html_money(tot * mf, cur, 0)} per month</b> ({m0(tot)} over the {number(horizon_days(result.plan), 0)} "
        "simulated day(s)).",
        f"<b>{pct(sl, 0)}</b> of calls are answered within {target.answer_within_seconds:g} s against a target of "
        f"{pct(target.fraction, 0)} — the target is <b>{'met' if meets else 'missed'}</b>; callers wait {number(asa, 0)} s on average "
        f"and {pct(ab)} hang up before an agent answers.",
        f"Agents spend {pct(occ, 0)} of their logged-in time on calls. Agent and supervisor pay make up "
        f"{pct(labour_share, 0)} of cost; the next largest items are "
        + ", ".join(f"{esc(k.replace('_', ' '))} ({pct(v / cb.sum(), 0)})" for k, v in top.iloc[:2].items() if v > 0) + ".",
    ]
    if warnings:
        bullets.append(f"{len(warnings)} input(s) lie outside common industry ranges — see the warnings below.")
    kpi_cards = cards([
        ("Cost per call", m2(cpc), esc(ci_text(cpc_lo, cpc_hi, m2)), ""),
        ("Cost per month", m0(tot * mf), esc(ci_text(tot_lo * mf, tot_hi * mf, m0)), ""),
        (f"Answered in {target.answer_within_seconds:g} s", pct(sl, 1), esc(ci_text(sl_lo, sl_hi, pct)), "good" if meets else "bad"),
        ("Avg. speed of answer", seconds(asa), esc(ci_text(asa_lo, asa_hi, seconds)), ""),
        ("Abandonment", pct(ab), esc(ci_text(ab_lo, ab_hi, pct)), ""),
        ("Occupancy", pct(occ, 1), esc(ci_text(occ_lo, occ_hi, pct)), "bad" if occ > 0.9 else ""),
    ])
    return bullets, kpi_cards


# ---------------------------------------------------------------- a comparison
def difference(comp: Comparison, name: str, kpi: str) -> tuple[float, float, float]:
    """Mean scenario - baseline difference of a KPI over paired replications, and its 95% CI."""
    d = comp.differences
    row = d[(d["scenario"] == name) & (d["kpi"] == kpi)].iloc[0]
    return float(row["diff_mean"]), float(row["diff_ci95_low"]), float(row["diff_ci95_high"])


def scenario_finance(comp: Comparison) -> dict[str, dict[str, float]]:
    """Each scenario's monthly saving, investment, payback, ROI and NPV (with CIs), by name."""
    rows = {row["scenario"]: row for row in reversed(comp.finance.to_dict("records"))}
    return {r.name: {k: float(rows[r.name][k]) for k in FINANCE_FIELDS} for r in comp.results}


def payback_text(fin: dict[str, float]) -> str:
    """``pays back in <b>7 months</b> (95% CI 5 to 11)``, or why it does not."""
    pb, inv = fin["payback_month"], fin["investment"]
    if fin["savings_month"] <= 0:
        return "does not pay back"
    if inv <= 0 or (np.isfinite(pb) and pb <= 0):
        return "needs no up-front investment"
    if not np.isfinite(pb) or pb > PAYBACK_MONTHS:
        return f"does not pay back within {PAYBACK_MONTHS} months"
    ci = ci_text(fin["payback_month_ci95_low"], fin["payback_month_ci95_high"], lambda x: f"{math.ceil(x)}")
    n = math.ceil(pb)
    return f"pays back in <b>{n} month{'s' if n != 1 else ''}</b>" + (f" (95% CI {ci})" if ci else "")


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:]


def saving_interval(saving: float, lo: float, hi: float, m0: Callable[[float], str]) -> str:
    """`` (95% CI ...)`` in the words of the sentence it follows: a saving's interval as savings, an
    extra cost's as extra costs, and one that crosses zero as "from ... saved to ... more"."""
    if is_missing(lo) or is_missing(hi):
        return ""
    if lo >= 0:
        return f" (95% CI {m0(lo)} to {m0(hi)})"
    if hi <= 0:
        return f" (95% CI {m0(-hi)} to {m0(-lo)} more)"
    return f" (95% CI from {m0(-lo)} more to {m0(hi)} saved: the sign is not settled)"


def _equal_service_bullet(comp: Comparison, m0: Callable[[float], str]) -> str:
    """Today's baseline as given, the optimised baseline and the gain between them, in words (the
    figures of ``baselines.baseline_lines``, as in the table below it and the console)."""
    lines = baseline_lines(comp.as_is, comp.baseline, comp.optimisation).set_index("line")
    opt = lines.loc["optimised baseline"]
    optimised = (f"staffed by the optimizer to {esc(comp.target.words())}, it costs {m0(opt['cost_month'])} per month "
                 f"(service level {pct(opt['service_level'], 0)})")
    if comp.as_is is None or comp.optimisation is None:
        return (f"The baseline <b>{esc(comp.baseline.name)}</b>, {optimised}. Every scenario is staffed the same way and "
                "compared with it.")
    today = lines.loc["today's baseline as given"]
    gain, lo, hi = (comp.optimisation[k] for k in ("savings_month", "savings_month_ci95_low", "savings_month_ci95_high"))
    what = (f"a scheduling gain of <b>{m0(gain)} per month</b>" if gain >= 0
            else f"<b>{m0(-gain)} more per month</b> to meet the target")
    return (f"Today, <b>{esc(comp.baseline.name)}</b> as given costs {m0(today['cost_month'])} per month at a service level "
            f"of {pct(today['service_level'], 0)}; {optimised}: {what}{saving_interval(gain, lo, hi, m0)}, which "
            "belongs to staffing, not to any lever. Every lever below is staffed the same way and its saving is measured "
            "against the optimised baseline.")


def compare_summary(comp: Comparison, fins: dict[str, dict[str, float]]) -> tuple[list[str], list[str]]:
    """The bullets and the read-with-care notes (pre-escaped HTML) of a comparison's summary."""
    base = comp.baseline
    cur = base.scenario.currency

    def m0(x: float) -> str:
        return html_money(x, cur, 0)

    base_cost_month = float(base.costs["total_cost"].mean()) * months_factor(base)
    if comp.hold == "service" and comp.target is not None:
        bullets = [_equal_service_bullet(comp, m0)]
    else:
        bullets = [f"The baseline <b>{esc(base.name)}</b> costs {m0(base_cost_month)} per month, "
                   f"{html_money(metric(base, 'cost_per_call')[0], cur)} per answered call. Every scenario keeps the "
                   "baseline's agents (<b>staffing held</b>): a lever that removes calls saves labour only if staffing "
                   "follows, which this comparison does not do."]
    notes = []
    for r in comp.results:
        fin = fins[r.name]
        levers = describe_levers(r.scenario, base.scenario)
        what = _capital("; ".join(levers)) if levers else "This scenario"
        s, lo, hi = fin["savings_month"], fin["savings_month_ci95_low"], fin["savings_month_ci95_high"]
        verb = f"saves <b>{m0(s)} per month</b>" if s >= 0 else f"costs <b>{m0(-s)} more per month</b>"
        verb += " at equal service" if comp.hold == "service" else " with the baseline's staffing held"
        verb += saving_interval(s, lo, hi, m0)
        inv = fin["investment"]
        inv_text = f" on an investment of {m0(inv)}" if np.isfinite(inv) and inv > 0 else ""
        sl_b, sl_s = metric(base, "service_level")[0], metric(r, "service_level")[0]
        bullets.append(f"{esc(what)} (<i>{esc(r.name)}</i>) {verb} and {payback_text(fin)}"
                       f"{inv_text}; service level {pct(sl_b, 0)} → {pct(sl_s, 0)}.")
        d_cpc = difference(comp, r.name, "cost_per_call")[0]
        d_tot = difference(comp, r.name, "total_cost")[0]
        if d_cpc > 0 and d_tot < 0:
            notes.append(f"<b>{esc(r.name)}</b>: cost per answered call <b>rises</b> by {html_money(d_cpc, cur)} while total cost "
                         f"<b>falls</b> by {html_money(-d_tot * months_factor(r), cur, 0)} per month. Fewer calls reach agents, so the "
                         "fixed costs (overhead, PBX, seats) are spread over fewer calls: judge the lever by total cost.")
        if lo < 0 < hi:
            notes.append(f"<b>{esc(r.name)}</b>: the 95% interval of the monthly saving includes zero; run more replications "
                         "before relying on the sign of this saving.")
    return bullets, notes
