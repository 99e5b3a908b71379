"""The report of one run: summary and KPI cards, charts, key figures, assumptions, trust panels.

``write_run_report(result, out_dir)`` writes into an existing, empty folder: report.html, the CSV
tables (summary, intervals, cost breakdown, replications, assumptions, validity, warnings),
report.xlsx, the resolved scenario and metadata.json.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from simulator.analysis.kpis import WAIT_BINS
from simulator.analysis.validity import input_warnings, validity_table
from simulator.output import charts
from simulator.output.export import cost_breakdown_frame, intervals_frame, replications_frame, summary_frame
from simulator.output.labels import kpi_label
from simulator.output.report.files import files_html, scenario_files, write_data
from simulator.output.report.page import esc, figure, header, html_kpi, legend, summary_box, table, user_text, write_page
from simulator.output.report.sections import (
    KPI_ROWS,
    assumption_rows,
    cost_table,
    interval_table_html,
    validity_html,
    warnings_html,
)
from simulator.output.report.summary import run_summary
from simulator.studies.simulate import SimulationResult


def write_run_report(result: SimulationResult, out_dir: Path) -> Path:
    """Write the report of one scenario into ``out_dir`` (existing, empty); return report.html's path."""
    out_dir = Path(out_dir)
    sc = result.scenario
    cur = sc.currency
    validity = validity_table(result, result.type_counts)
    iv = result.interval_summary()
    metrics = result.metrics()
    warnings = [("", w) for w in input_warnings(sc, metrics, iv)]

    # ---- data files first, so the report can link to them
    tables = {
        "summary": summary_frame([result]),
        "intervals": intervals_frame([result]),
        "cost_breakdown": cost_breakdown_frame([result]),
        "replications": replications_frame([result]),
        "assumptions": pd.DataFrame(assumption_rows(sc, result.plan), columns=["assumption", "value"]),
        "validity": validity.table,
        "warnings": pd.DataFrame([{"field": w.field, "value": w.value, "message": w.message} for _, w in warnings],
                                 columns=["field", "value", "message"]),
    }
    files = write_data(out_dir, [result], tables, "run", {})

    # ---- executive summary
    bullets, kpi_cards = run_summary(result, warnings)
    reps = len(result.replications)
    meta = (f"{reps} replications · seed {result.seed} · {sc.horizon.days} day(s) {esc(sc.horizon.open)}–{esc(sc.horizon.close)} · "
            f"currency {esc(cur)} · written {datetime.now().strftime('%Y-%m-%d %H:%M')} by ccsim")
    body = [header("Call-center simulation report", sc.name, sc.description, meta)]
    body.append(summary_box(bullets))
    body.append(kpi_cards)
    body.append(warnings_html(warnings, sc))

    # ---- charts
    colors = charts.scenario_colors([result.name], baseline=result.name)
    target = sc.service_target
    body.append("<h2>Charts</h2>")
    body.append(figure(charts.component_bars(result.per_answered_call(), cur), "Cost per answered call, by component",
                       "Every component of the cost model; they add up to the cost per call."))
    body.append(figure(charts.interval_service({result.name: iv}, colors, target.answer_within_seconds, target.fraction),
                       "Service by interval", "Service level, average speed of answer and abandonment through the day "
                       "(mean over days and replications)."))
    groups = [(c, user_text(g), "box") for g, c in charts.group_colors(list(result.plan.group_names)).items()]
    body.append(figure(charts.staffing_by_group(result.plan.open_days_staffing().mean(axis=0), result.plan.group_names, list(iv["interval_start"]),
                                                iv["offered"].to_numpy(float)), "Agents by interval",
                       "Agents on the phones per interval and group (bars, left axis) against calls offered (line, right axis).",
                       legend(groups + [(charts.TEXT, "calls offered", "line")])))
    body.append(figure(charts.wait_distribution({result.name: result.wait_hist}, WAIT_BINS, colors, target.answer_within_seconds),
                       "Distribution of waiting times", "Share of answered calls per 10-second band of waiting time "
                       "(log scale); dashed: the service target."))

    # ---- tables
    body.append("<h2>Key figures</h2>")
    rows = []
    for k in KPI_ROWS:
        if k in metrics.index:
            r = metrics.loc[k]
            rows.append((esc(kpi_label(k)), html_kpi(k, r["mean"], cur), html_kpi(k, r["ci95_low"], cur),
                         html_kpi(k, r["ci95_high"], cur)))
    body.append(table(["KPI", "mean", "95% CI low", "95% CI high"], rows))
    body.append("<h3>Cost breakdown</h3>")
    body.append(cost_table([result], cur))
    body.append("<h2>Assumptions that drive the result</h2>")
    body.append(table(["assumption", "value"], [(esc(a), esc(v)) for a, v in assumption_rows(sc, result.plan)], cls="text"))
    body.append("<h2>Per interval</h2>")
    body.append(interval_table_html(iv))
    body.append("<h2>Can we trust it? Erlang A cross-check</h2>")
    body.append(validity_html(result.name, validity, False))
    body.append(files_html(files, f"ccsim run {scenario_files(files)[0]} --seed {result.seed} --replications {reps}"))
    return write_page(out_dir, f"ccsim – {sc.name}", body)
