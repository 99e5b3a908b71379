"""The charts of a comparison report, with their titles, HTML legends and captions.

``comparison_charts(comparison, finance, colors)`` returns the HTML of every chart, in reading
order: costs, the savings waterfall (attributed shares beside stand-alone savings), payback, then
service through the day (small multiples with many scenarios). Names are in the HTML legends, never
only in a PNG (``simulator.output.charts.style``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.analysis.kpis import WAIT_BINS
from simulator.model.scenario import Scenario
from simulator.output import charts
from simulator.output.labels import describe_levers, lever_label
from simulator.output.report.page import (
    esc,
    figure,
    html_money,
    legend,
    scenario_legend,
    user_text,
)
from simulator.output.report.sections import metric, months_factor
from simulator.output.report.summary import PAYBACK_MONTHS
from simulator.studies.attribution import changed_fields
from simulator.studies.compare import Comparison
from simulator.studies.simulate import SimulationResult

Finance = dict[str, dict[str, float]]


def comparison_charts(comp: Comparison, fins: Finance, colors: dict[str, str]) -> list[str]:
    """Every chart of the comparison as HTML (``colors``: every scenario, baseline first)."""
    base, others = comp.baseline, comp.results
    results = [base, *others]
    cur = base.scenario.currency
    out = []
    summ = pd.DataFrame(index=[r.name for r in results])
    for kpi in ("cost_per_call", "total_cost"):
        vals = [metric(r, kpi) for r in results]
        summ[f"{kpi}_mean"] = [v[0] for v in vals]
        summ[f"{kpi}_lo"] = [v[1] for v in vals]
        summ[f"{kpi}_hi"] = [v[2] for v in vals]
    keys = scenario_legend(colors, mark="box", keys_only=True)
    out.append(figure(charts.cost_kpi_bars(summ, colors, cur), "Cost per call and total cost by scenario",
                      "Bars start at zero and are means over replications; whiskers are 95% confidence intervals; "
                      "each label gives the change against the baseline (dotted line).", keys))
    per_call = pd.DataFrame([r.per_answered_call() for r in results], index=[r.name for r in results])
    out.append(figure(charts.cost_breakdown_bars(per_call, cur, per="answered call", names=charts.chart_names(colors)),
                      "Cost breakdown per answered call", "Bars start at zero; the components add up to the cost per call.", keys))
    out += _waterfall(comp, fins, colors)
    out.append(_payback(comp, others, fins, colors, cur))
    out += _service(comp, colors)
    return out


# ---------------------------------------------------------------- savings waterfall
def _waterfall(comp: Comparison, fins: Finance, colors: dict[str, str]) -> list[str]:
    combined = _combined(comp)
    if combined is None:
        return []
    base = comp.baseline
    cur = base.scenario.currency
    base_cost_month = float(base.costs["total_cost"].mean()) * months_factor(base)
    end = float(combined.costs["total_cost"].mean()) * months_factor(combined)
    steps, attributed = _waterfall_steps(comp, combined, fins)
    if not steps:
        return []
    saving = base_cost_month - end
    gap = saving - sum(s for _, s, _ in steps)
    if abs(gap) > 0.005 * max(1.0, abs(saving)):
        steps.append(("interaction & other", gap, None))

    def m0(x: float) -> str:
        return html_money(x, cur, 0)

    name = f"<b>{user_text(combined.name)}</b>"
    what = "saves" if saving >= 0 else "costs"
    cap = [f"{name} {what} {m0(abs(saving))} per month against the baseline ({m0(base_cost_month)} → {m0(end)} per month)."]
    if attributed:
        cap.append("Attribution splits this combined saving between its levers (Shapley values: each lever's average extra "
                   "saving over every order in which the levers could be added), so the solid steps add up to it. Levers "
                   "interact: two levers that shorten the same queue save less together than the sum of what each saves "
                   "alone, and a lever can make another's saving larger. So a lever's share differs from its stand-alone "
                   "saving (light bars: the compared scenario that makes only that change, with the same settings).")
        if any(lb == lever_label("residual") for lb, _, _ in steps):
            cap.append("The residual step is the gap between the main runs and the shorter runs the attribution uses.")
    else:
        cap.append("Steps: the savings of the one-lever scenarios with the same settings; “interaction & other” is what "
                   "the combined scenario saves beyond (or short of) their sum, because levers interact.")
    cap.append("Green saves money, red adds cost; the axis starts at zero.")
    drawn = charts.chart_names(colors)[combined.name]
    return [figure(charts.savings_waterfall(steps, drawn, cur, end_color=colors.get(combined.name)),
                   "Savings by lever: baseline to combined scenario", " ".join(cap),
                   scenario_legend(colors, mark="box", order=[combined.name], keys_only=True))]


def _combined(comp: Comparison) -> SimulationResult | None:
    """The scenario that combines the most levers (ties: a name with 'combined', else the last)."""
    if not comp.results:
        return None
    base = comp.baseline.scenario
    scored = [(len(describe_levers(r.scenario, base)), "combin" in r.name.lower(), i, r) for i, r in enumerate(comp.results)]
    return max(scored, key=lambda t: (t[0], t[1], t[2]))[3]


def stand_alone_savings(comp: Comparison, combined: SimulationResult, fins: Finance) -> dict[str, float]:
    """Monthly saving of each change the combined scenario makes, made alone: from a compared
    scenario whose only change is that one, with the same settings (by change: a lever or a field).
    Under ``hold="service"`` the optimizer's agent counts differ in every scenario and are no change."""
    base = _settings(comp.baseline.scenario, comp.hold)
    wanted = _settings(combined.scenario, comp.hold)
    players = changed_fields(base, wanted)
    out: dict[str, float] = {}
    for r in comp.results:
        mine = _settings(r.scenario, comp.hold)
        changes = changed_fields(base, mine)
        if r is combined or len(changes) != 1 or changes[0] not in players or changes[0] in out:
            continue
        p = changes[0]
        if (mine["levers"].get(p) == wanted["levers"].get(p)) if p in wanted["levers"] else mine.get(p) == wanted.get(p):
            out[p] = fins[r.name]["savings_month"]
    return out


def _settings(sc: Scenario, hold: str) -> dict:
    """A scenario's settings as compared by ``stand_alone_savings`` (without the optimizer's staffing under service)."""
    d = sc.model_dump(mode="python")
    if hold == "service":
        d["agents"] = {**d["agents"], "groups": [{k: v for k, v in g.items() if k != "staffing"} for g in d["agents"]["groups"]]}
    return d


def _waterfall_steps(comp: Comparison, combined: SimulationResult,
                     fins: Finance) -> tuple[list[tuple[str, float, float | None]], bool]:
    """(label, monthly saving, stand-alone saving) per change of the combined scenario, and whether
    the savings are its attribution (else the stand-alone savings of the one-lever scenarios)."""
    alone = stand_alone_savings(comp, combined, fins)
    if comp.attribution is not None:
        att = comp.attribution[comp.attribution["scenario"] == combined.name]
        steps = [(lever_label(r.lever), float(r.contribution_month), alone.get(r.lever)) for r in att.itertuples()
                 if np.isfinite(float(r.contribution_month))]
        if steps:
            return steps, True
    return [(lever_label(p), s, None) for p, s in alone.items()], False


# ---------------------------------------------------------------- payback
def _payback(comp: Comparison, others: list[SimulationResult], fins: Finance, colors: dict[str, str], cur: str) -> str:
    lines = {r.name: {"monthly": fins[r.name]["savings_month"], "low": fins[r.name]["savings_month_ci95_low"],
                      "high": fins[r.name]["savings_month_ci95_high"], "investment": fins[r.name]["investment"],
                      "payback": fins[r.name]["payback_month"]} for r in others}
    caption = ("Lines: cumulative saving (shaded: 95% CI). Dashed: one-time investment. "
               "Where a line crosses its investment, the lever has paid for itself.")
    if charts.payback_zoomed(lines, PAYBACK_MONTHS):
        caption = ("Lines: cumulative saving" + ("" if len(lines) > charts.MANY else " (shaded: 95% CI)")
                   + ". Right: the first months, with each one-time investment dashed and a dot "
                   "where the saving covers it (payback). Legend: largest saving first.")
    if any(np.any(np.abs(c.net_flows() - c.saving_month) > 1e-6) for c in comp.business.values()):
        caption += (" The lines assume the full saving from month 1; the payback months (legend) and the business case "
                    "below add the adoption ramp, growth and attrition.")
    order = charts.payback_legend(lines, PAYBACK_MONTHS)
    key = scenario_legend(colors, order=[n for n, _ in order], notes={n: esc(t) for n, t in order})
    return figure(charts.payback_chart(lines, colors, cur, PAYBACK_MONTHS), "Payback over 36 months", caption, key)


# ---------------------------------------------------------------- service through the day
def _service(comp: Comparison, colors: dict[str, str]) -> list[str]:
    base, results = comp.baseline, [comp.baseline, *comp.results]
    ivs = {r.name: r.interval_summary() for r in results}
    hists = {r.name: r.wait_hist for r in results}
    t = base.scenario.service_target
    out = []
    if len(results) > charts.MANY:
        # Small multiples: in each panel the scenario in its colour over the baseline in grey.
        grid_key = scenario_legend(colors, order=None if charts.uses_keys(list(colors)) else [base.name],
                                   notes={base.name: "the grey line in every panel"})
        many = "One panel per scenario, in its colour, over the baseline in grey, all on the same scale."
        for col, (title, _, _) in charts.INTERVAL_METRICS.items():
            out.append(figure(charts.interval_panels(ivs, colors, col, t.answer_within_seconds, t.fraction),
                              f"{title} by interval", many, grid_key))
        out.append(figure(charts.agents_by_interval(ivs, colors), "Agents by interval: baseline against scenarios",
                          many + " Agents on the phones per interval.", grid_key))
        out.append(figure(charts.wait_distribution(hists, WAIT_BINS, colors, t.answer_within_seconds),
                          "Distribution of waiting times", many + " Share of answered calls per 10-second band of waiting "
                          "time (log scale); dashed: the service target.", grid_key))
        return out
    key = scenario_legend(colors)
    out.append(figure(charts.interval_service(ivs, colors, t.answer_within_seconds, t.fraction), "Service by interval",
                      "Service level, average speed of answer and abandonment through the day (mean over days and "
                      "replications); dashed: the service target.", key))
    marks = ["line base"] + ["line dash"] * (len(results) - 1)
    agents_key = legend([(colors[r.name], user_text(r.name), m) for r, m in zip(results, marks)]
                        + [("#DDE3EA", "calls offered to agents in the baseline (right axis)", "box")])
    if charts.uses_keys(list(colors)):
        agents_key = scenario_legend(colors) + agents_key
    out.append(figure(charts.agents_by_interval(ivs, colors, offered=ivs[base.name]),
                      "Agents by interval: baseline against scenarios", "Lines: agents on the phones (left axis).", agents_key))
    out.append(figure(charts.wait_distribution(hists, WAIT_BINS, colors, t.answer_within_seconds),
                      "Distribution of waiting times", "Share of answered calls per 10-second band of waiting time "
                      "(log scale); dashed: the service target.", key))
    return out
