"""The report of a comparison: baseline against lever scenarios, with savings, payback and attribution.

``write_compare_report(comparison, out_dir)`` writes into an existing, empty folder: report.html,
the CSV tables (summary, intervals, cost breakdown, replications, differences, finance,
attribution, assumptions, validity, warnings), report.xlsx, the resolved scenarios and
metadata.json. Figures come from ``Comparison`` as ``simulator.studies.compare`` computed them.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.analysis.validity import ERLANG_A_RULE, InputWarning, input_warnings, validity_table
from simulator.output import charts
from simulator.output.export import cost_breakdown_frame, intervals_frame, replications_frame, summary_frame
from simulator.output.fmt import ci_text, kpi_kind, number, pct, points, times
from simulator.output.report.business_case import business_case_html, business_months_option
from simulator.output.labels import kpi_label, lever_label
from simulator.output.report.changes import changes_frame, changes_html
from simulator.output.report.comparison_charts import comparison_charts
from simulator.output.report.files import files_html, scenario_files, write_data
from simulator.output.report.page import WIDE_FROM, esc, header, html_kpi, html_money, summary_box, table, write_page
from simulator.output.report.sections import (
    KPI_ROWS,
    assumptions_frame,
    assumptions_html,
    cost_table,
    interval_table_html,
    metric,
    validity_html,
    warnings_html,
)
from simulator.output.report.summary import compare_summary, difference, scenario_finance
from simulator.studies.baselines import baseline_lines
from simulator.studies.compare import Comparison
from simulator.studies.simulate import SimulationResult

LOWER_IS_BETTER = {"cost_per_call", "cost_per_contact", "cost_per_resolved_contact", "total_cost", "asa_seconds",
                   "abandonment_rate", "calls_abandoned", "repeat_contacts"}

Finance = dict[str, dict[str, float]]


def write_compare_report(comparison: Comparison, out_dir: Path) -> Path:
    """Write the report of a comparison into ``out_dir`` (existing, empty); return report.html's path."""
    out_dir = Path(out_dir)
    base, others = comparison.baseline, comparison.results
    results = [base, *others]
    cur = base.scenario.currency
    colors = charts.scenario_colors([r.name for r in results], baseline=base.name)
    validities = {r.name: validity_table(r, r.type_counts) for r in results}
    fins = scenario_finance(comparison)
    warn_pairs: list[tuple[str, InputWarning]] = []
    seen: set[tuple[str, str]] = set()
    for r in results:
        for w in input_warnings(r.scenario, r.metrics(), r.interval_summary()):
            if (w.field, w.value) in seen:
                continue
            seen.add((w.field, w.value))
            warn_pairs.append((r.name, w))

    # ---- data files
    tables: dict[str, pd.DataFrame] = {
        "summary": summary_frame(results),
        "intervals": intervals_frame(results),
        "cost_breakdown": cost_breakdown_frame(results),
        "replications": replications_frame(results),
        "differences": comparison.differences,
        "finance": comparison.finance,
        "cashflow": comparison.cashflow(),
    }
    rank = tables["ranking"] = comparison.ranking()
    if comparison.attribution is not None:
        tables["attribution"] = comparison.attribution
    lines = baseline_lines(comparison.as_is, base, comparison.optimisation) if comparison.hold == "service" else None
    if lines is not None:
        tables["baselines"] = lines
    tables["assumptions"] = assumptions_frame(results)
    tables["changes"] = changes_frame(base, others, comparison.hold)
    tables["validity"] = pd.concat([v.table.assign(scenario=n) for n, v in validities.items()], ignore_index=True)
    tables["warnings"] = pd.DataFrame([{"scenario": s, "field": w.field, "value": w.value, "message": w.message} for s, w in warn_pairs],
                                      columns=["scenario", "field", "value", "message"])
    files = write_data(out_dir, results, tables, "compare", {"hold": comparison.hold})

    # ---- executive summary
    bullets, notes = compare_summary(comparison, fins)
    body = [header("Call-center what-if comparison", f"{base.name} vs {len(others)} scenario(s)", base.scenario.description,
                   f"{len(base.replications)} replications per scenario · seed {base.seed} · common random numbers · "
                   f"hold {esc(comparison.hold)} · currency {esc(cur)} · written {datetime.now().strftime('%Y-%m-%d %H:%M')} by ccsim")]
    body.append(summary_box(bullets[:1] + [_top_line(comparison, rank, cur)]))
    body.append(_ranking_html(rank, cur))
    legend = " ".join(f'<span><span class="swatch" style="background:{colors[r.name]}"></span>{esc(r.name)}</span>&nbsp;&nbsp;'
                      for r in results)
    if lines is not None and comparison.target is not None:
        body.append(_baselines_html(lines, comparison.target.words(), cur))
    body.append(f'<p class="meta">Colours: {legend}</p>')
    if notes:
        body.append('<div class="note"><b>Read with care</b><ul>' + "".join(f"<li>{n}</li>" for n in notes) + "</ul></div>")
    body.append(warnings_html(warn_pairs, base.scenario))

    body.append("<h2>What each scenario does</h2><ul>" + "".join(f"<li>{b}</li>" for b in bullets[1:]) + "</ul>")

    # ---- charts
    body.append("<h2>Charts</h2>")
    body += comparison_charts(comparison, fins, colors)

    # ---- tables
    body.append("<h2>Scenario results</h2>")
    body.append(_kpi_table(comparison))
    body.append("<h3>Savings and return</h3>")
    body.append(_finance_table(others, fins, cur))
    att = comparison.attribution
    if att is not None and not att.empty:
        body.append("<h3>Saving attributed to each lever</h3>")
        body.append(_attribution_table(att, cur))
    body.append("<h3>Cost breakdown</h3>")
    body.append(cost_table(results, cur))
    body.append(business_case_html(comparison, colors))
    body.append("<h2>Assumptions that drive the result</h2><p class=\"caption\">Highlighted cells differ from the baseline.</p>")
    body.append(assumptions_html(results))
    body.append(changes_html(tables["changes"]))
    body.append("<h2>Per interval</h2>")
    for r in results:
        body.append(f"<details><summary>{esc(r.name)}</summary>{interval_table_html(r.interval_summary())}</details>")
    body.append("<h2>Can we trust it? Erlang A cross-check</h2>")
    checked = [r for r in results if not validities[r.name].table.empty]
    unchecked = [r.name for r in results if validities[r.name].table.empty]
    body.append(f"<p>{esc(ERLANG_A_RULE)}</p>")  # which types qualify: said once, not once per scenario
    if unchecked:
        body.append("<p>No contact type is Erlang-A-like (so no analytic reference applies) in: "
                    + ", ".join(f"<b>{esc(n)}</b>" for n in unchecked) + ". The check is shown where it applies.</p>")
    for r in checked:
        body.append(validity_html(r.name, validities[r.name], True))
    reps = len(base.replications)
    body.append(files_html(files, f"ccsim compare {' '.join(scenario_files(files))} --hold {comparison.hold} --seed {base.seed} "
                                  f"--replications {reps}{business_months_option(comparison)}"))
    return write_page(out_dir, f"ccsim – {base.name} comparison", body)


# ---------------------------------------------------------------- tables
def _kpi_table(comp: Comparison) -> str:
    base, others = comp.baseline, comp.results
    cur = base.scenario.currency
    head = ["KPI", f"{esc(base.name)}<br><small>baseline</small>"] + [f"{esc(r.name)}<br><small>difference (95% CI)</small>" for r in others]
    rows = []
    for k in KPI_ROWS:
        if k not in base.replications:
            continue
        cells = [esc(kpi_label(k)), html_kpi(k, metric(base, k)[0], cur)]
        for r in others:
            d, lo, hi = difference(comp, r.name, k)
            f = points if kpi_kind(k) == "percent" else (lambda x: ("+" if x >= 0 else "") + html_kpi(k, x, cur))  # noqa: B023
            sig = np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0)
            better = (d < 0) == (k in LOWER_IS_BETTER) if k in LOWER_IS_BETTER or k == "service_level" else None
            cls = ("pos" if better else "neg") if sig and better is not None else ""
            ci = f"<br><small>{esc(ci_text(lo, hi, f))}</small>" if np.isfinite(lo) else ""
            cells.append(f'<span class="{cls}">{html_kpi(k, metric(r, k)[0], cur)} ({f(d)})</span>{ci}')
        rows.append(cells)
    return table(head, rows, wide=1 + len(others) >= WIDE_FROM)


def _top_line(comp: Comparison, rank: pd.DataFrame, cur: str) -> str:
    """The answer in one sentence: how many scenarios save money with 95% confidence, and the best."""
    if rank.empty:
        return "No lever scenario was compared."
    sure = int((rank["savings_month_ci95_low"] > 0).sum())
    best = rank.iloc[0]
    held = "at equal service" if comp.hold == "service" else "with the baseline's staffing held"
    if best["savings_month"] <= 0:
        return f"None of the {len(rank)} scenarios saves money {held}."
    return (f"{sure} of {len(rank)} scenario(s) save money {held} with 95% confidence; the largest saving is "
            f"<b>{esc(best['scenario'])}</b> at <b>{html_money(best['savings_month'], cur, 0)} per month</b>.")


def _months_text(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _ranking_html(rank: pd.DataFrame, cur: str) -> str:
    """The ranking table with an inline bar per saving (drawn by the browser, from zero)."""
    if rank.empty:
        return ""
    top = float(max(rank["savings_month_ci95_high"].abs().max(), rank["savings_month"].abs().max(), 1.0))
    rows = []
    for r in rank.to_dict("records"):
        s = r["savings_month"]
        width = 50 * min(abs(s) / top, 1.0)
        bar = (f'<span class="bar {"pos" if s >= 0 else "neg"}" style="width:{width:.1f}%;'
               f'{"left:50%" if s >= 0 else f"left:{50 - width:.1f}%"}"></span>')
        ci = ci_text(r["savings_month_ci95_low"], r["savings_month_ci95_high"], lambda x: html_money(x, cur, 0))
        pb = ("none needed" if r["investment"] <= 0 else
              ("never" if math.isinf(r["payback_month"]) else _months_text(math.ceil(r["payback_month"]))))
        rows.append((esc(r["scenario"]), f'<span class="barcell">{bar}</span>',
                     f"{html_money(s, cur, 0)}<br><span class=\"ci\">{ci}</span>",
                     f"{pct(r['service_level'], 1)} ({points(r['service_change'])})", html_money(r["investment"], cur, 0), pb,
                     html_money(r["npv_3y"], cur, 0)))
    return ("<h2>Ranking: saving per month</h2>" + table(
        ["scenario", "saving (bar from zero)", "saving per month (95% CI)", "service level (change)", "investment", "payback",
         "NPV over 3 years"], rows, cls="ranking", cards=True))


def _baselines_html(lines: pd.DataFrame, target: str, cur: str) -> str:
    """Today's baseline as given, the optimised baseline and the gain: the reference of every saving."""
    rows = []
    for r in lines.to_dict("records"):
        month = html_money(r["cost_month"], cur, 0)
        if not math.isnan(r["cost_month_ci95_low"]):
            month = f"{'+' if r['cost_month'] >= 0 else ''}{month} (95% CI {ci_text(r['cost_month_ci95_low'], r['cost_month_ci95_high'], lambda x: html_money(x, cur, 0))})"
        rows.append((esc(r["line"]), month, html_kpi("cost_per_call", r["cost_per_call"], cur),
                     html_kpi("service_level", r["service_level"], cur), number(r["agent_hours_per_day"], 0)))
    return (f"<h3>What every saving is measured against</h3><p class=\"caption\">Every scenario is staffed by the same optimizer "
            f"(and the same shift rules) to {esc(target)}. The gain between today and the optimised baseline belongs to "
            "staffing; each lever's saving is measured against the optimised baseline.</p>"
            + table(["line", "cost per month", "cost per answered call", "service level", "agent-hours per day"], rows))


def _finance_table(others: list[SimulationResult], fins: Finance, cur: str) -> str:
    def m0(x: float) -> str:
        return html_money(x, cur, 0)

    def months(x: float) -> str:
        return f"{math.ceil(x)}"

    rows = []
    for r in others:
        f = fins[r.name]

        def ci(a: str, fmt) -> str:  # noqa: ANN001
            text = ci_text(f[f"{a}_ci95_low"], f[f"{a}_ci95_high"], fmt)  # noqa: B023
            return f"<br><small>{esc(text)}</small>" if text else ""

        pb = f["payback_month"]
        pb_text = "never" if not np.isfinite(pb) else ("immediate" if pb <= 0 else months(pb))
        rows.append((
            esc(r.name), m0(f["savings_month"]) + ci("savings_month", m0), m0(f["investment"]), m0(f["running_monthly"]),
            pb_text + ci("payback_month", months), times(f["roi_3y"]) + ci("roi_3y", times),
            m0(f["npv_3y"]) + ci("npv_3y", m0),
        ))
    return table(["scenario", "saving per month", "investment", "running cost / month", "payback month", "3-year ROI", "3-year NPV"], rows)


def _attribution_table(att: pd.DataFrame, cur: str) -> str:
    """The attribution frame as it is: shares as percentages, other figures as money."""
    rows = []
    for _, r in att.iterrows():
        cells = []
        for c in att.columns:
            v = r[c]
            if isinstance(v, (float, np.floating)):
                cells.append(pct(v) if "share" in str(c) else html_money(float(v), cur, 0))
            else:
                cells.append(esc(lever_label(v) if c == "lever" else v))
        rows.append(cells)
    return table([esc(kpi_label(str(c))) for c in att.columns], rows)
