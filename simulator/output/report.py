"""The HTML report of a run or a comparison: the only module that draws (with ``simulator.charts``).

``write_run_report(result, out_dir)`` and ``write_compare_report(comparison, out_dir)`` write into
an existing, empty folder:

- ``report.html``: one self-contained file (charts embedded as PNG, inline CSS, no scripts, a
  Content-Security-Policy that forbids scripts and remote content). Executive summary first,
  then charts, then tables, then the trust panels (input warnings, Erlang A validity).
- CSV tables, ``report.xlsx`` (same tables + a live-formula cost model), the resolved scenario
  files under ``scenarios/`` and ``metadata.json`` (version, seed, replications, date, command).

Every string that comes from a scenario file is passed through ``html.escape`` (see ``_e``).
The comparison is read defensively (``simulator.compare.Comparison``: baseline, results, hold,
differences, finance, attribution) so the report still renders when a table is missing.
"""

from __future__ import annotations

import base64
import html
import math
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from simulator.output import charts
from simulator.analysis.costs import COST_COMPONENTS, horizon_days
from simulator.output.export import (
    cost_breakdown_frame,
    cost_model_column,
    intervals_frame,
    replications_frame,
    run_metadata,
    summary_frame,
    usage_volumes,
    write_csvs,
    write_json,
    write_scenarios,
    write_workbook,
)
from simulator.analysis.kpis import WAIT_BINS
from simulator.levers import lever_label, lever_phrase
from simulator.model.build import cost_inputs
from simulator.model.scenario import Scenario
from simulator.analysis.validity import InputWarning, ValidityReport, erlang_a_types, input_warnings, type_interval_counts, validity_table

PAYBACK_MONTHS = 36
REPLAY_PARALLEL_FROM = 4  # replications; below this a process pool costs more than it saves


# ---------------------------------------------------------------- formatting
def _e(text: Any) -> str:
    """Escape any text for HTML (scenario names, descriptions, type and group names, currency)."""
    return html.escape(str(text), quote=True)


_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


def money(x: float | None, currency: str, digits: int | None = None) -> str:
    """A currency amount in words a manager reads: $1,234 / $4.62 / 12,300 CHF (not escaped)."""
    if x is None or not np.isfinite(x):
        return "–"
    if digits is None:
        digits = 2 if abs(x) < 100 else 0
    sym = _SYMBOLS.get(currency.upper())
    sign = "−" if x < 0 else ""
    body = f"{abs(x):,.{digits}f}"
    return f"{sign}{sym}{body}" if sym else f"{sign}{body} {currency}"


def pct(x: float | None, digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return f"{100 * x:.{digits}f}%"


def _num(x: float | None, digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return f"{x:,.{digits}f}"


def fmt_kpi(kpi: str, x: float | None, currency: str) -> str:
    if kpi in ("service_level", "abandonment_rate", "occupancy", "share_cheaper") or kpi.endswith("_rate"):
        return pct(x)
    if "cost" in kpi:
        return money(x, currency)
    if kpi.endswith("_seconds"):
        return f"{_num(x)} s"
    if kpi.endswith("_hours"):
        return f"{_num(x, 0)} h"
    return _num(x, 0)


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart" alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _figure(fig: Any, title: str, caption: str = "") -> str:
    png = charts.figure_png(fig)
    cap = f'<p class="caption">{caption}</p>' if caption else ""
    return f'<figure><h3>{_e(title)}</h3>{_img(png, title)}{cap}</figure>'


WIDE_FROM = 7  # scenario columns from which a table gets the compact "wide" style


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "", row_classes: Sequence[str] | None = None,
           wide: bool = False) -> str:
    """An HTML table; cells must already be escaped."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = []
    for i, r in enumerate(rows):
        rc = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{rc}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    if wide:  # a comparison of many scenarios: smaller type (and the wrapper scrolls sideways rather than spill)
        cls = f"{cls} wide".strip()
    return (f'<div class="tablewrap"><table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
            '</table></div>')


def _m(result: Any, kpi: str) -> tuple[float, float, float]:
    m = result.metrics()
    if kpi not in m.index:
        return (math.nan, math.nan, math.nan)
    row = m.loc[kpi]
    return float(row["mean"]), float(row["ci95_low"]), float(row["ci95_high"])


def months_factor(result: Any) -> float:
    """Multiply a horizon total by this to get a monthly figure."""
    days = horizon_days(result.plan)
    return result.scenario.costs.working_days_per_month / days if days > 0 else math.nan


def _ci(lo: float, hi: float, fmt) -> str:  # noqa: ANN001
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    return f"{fmt(lo)} to {fmt(hi)}"


# ---------------------------------------------------------------- levers in plain words
def describe_levers(scenario: Scenario, baseline: Scenario | None = None) -> list[str]:
    """Plain-words phrases for the levers a scenario sets (or changes against the baseline); unescaped."""
    out = []
    cur = scenario.currency
    for name in type(scenario.levers).model_fields:
        lev = getattr(scenario.levers, name)
        if lev is None:
            continue
        if baseline is not None:
            base = getattr(baseline.levers, name)
            if base is not None and base.model_dump() == lev.model_dump():
                continue
        out.append(_lever_phrase(name, lev, cur))
    return [p for p in out if p]


def _share_text(v: Any) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k} {pct(x, 0)}" for k, x in v.items())
    return pct(v, 0)


class _PhraseFormat:
    """The report's formatting, lent to a lever for its phrase (``levers.base.PhraseFormat``)."""

    def __init__(self, currency: str) -> None:
        self.currency = currency

    def pct(self, x: float, digits: int = 1) -> str:
        return pct(x, digits)

    def money(self, x: float, digits: int | None = None) -> str:
        return money(x, self.currency, digits)


def _lever_phrase(name: str, lev: Any, cur: str) -> str:
    """The lever's own phrase (each lever module owns it; see ``simulator.levers``)."""
    return lever_phrase(name, lev, _PhraseFormat(cur))


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:]


# ---------------------------------------------------------------- assumptions
def assumption_rows(sc: Scenario, plan: Any = None) -> list[tuple[str, str]]:
    """(label, value) pairs of the inputs that drive the result; unescaped."""
    c, h, cur = sc.costs, sc.horizon, sc.currency
    rows = [
        ("Horizon", f"{h.days} day(s), {h.open}–{h.close}, {h.interval_minutes}-min intervals"),
        ("Customer needs per day", f"{sc.arrivals.calls_per_day:,.0f}"
         + ("" if sc.arrivals.profile == "flat" else " (intraday profile)")
         + (f", day-to-day CV {pct(sc.arrivals.daily_cv, 0)}" if sc.arrivals.daily_cv else "")),
        ("Service target", f"{pct(sc.service_target.fraction, 0)} within {sc.service_target.answer_within_seconds:g} s"),
    ]
    for t in sc.contact_types:
        aht = t.handle_time.mean_seconds
        pat = "never abandons" if t.patience is None else f"patience {t.patience.mean_seconds or 0:g} s"
        rows.append((f"Contact type '{t.name}'",
                     f"{pct(t.share, 0)} of calls, AHT {aht or 0:g} s ({t.handle_time.distribution}), {pat}, FCR {pct(t.fcr, 0)}"))
    for gi, g in enumerate(sc.agents.groups):
        if plan is not None and gi < plan.staffing.shape[0]:
            row = plan.staffing[gi]
            staff = f"{int(row.min())}–{int(row.max())} agents" if row.min() != row.max() else f"{int(row[0])} agents"
        else:
            staff = str(g.staffing)
        rows.append((f"Agent group '{g.name}'", f"{staff}; skills {', '.join(g.skills)}"))
    rows += [
        ("Routing", sc.agents.routing.policy.replace("_", " ")),
        ("Agent wage", f"{money(c.agent_hourly_wage, cur)}/h + {pct(c.benefits_load, 0)} benefits"),
        ("Shrinkage", pct(c.shrinkage, 0)),
        ("Supervision", f"{money(c.supervisor_hourly_wage, cur)}/h, 1 per {c.span_of_control:g} agents"),
        ("Per agent per month", f"licence {money(c.licence_per_agent_month, cur)}, desktop {money(c.desktop_per_agent_month, cur)}, "
                                f"seat {money(c.facility_per_seat_month, cur)}"),
        ("Telephony", f"in {money(c.telephony.inbound_per_minute, cur, 4)}/min, out {money(c.telephony.outbound_per_minute, cur, 4)}/min, "
                      f"line {money(c.telephony.line_per_seat_month, cur)}/seat/month, PBX {money(c.telephony.pbx_monthly, cur)}/month"),
        ("Overhead", f"{money(c.overhead_monthly, cur)}/month"),
        ("Working days per month", f"{c.working_days_per_month:g}"),
        ("Redials", f"{pct(sc.redials.probability, 0)} of abandoned callers call again" if sc.redials.probability else "none"),
    ]
    levers = describe_levers(sc)
    rows.append(("Levers", "; ".join(levers) if levers else "none"))
    inv = cost_inputs(sc).investment
    if inv:
        rows.append(("One-time investment", money(inv, cur)))
    return rows


# ---------------------------------------------------------------- replay (volumes + per-type counts in one pass)
def _replay_one(args: tuple) -> tuple[dict[str, float], pd.DataFrame | None]:
    from simulator.engine.callcenter import simulate_replication  # deferred: replay path (issue 8: to remove)
    from simulator.model.streams import replication_streams  # deferred: replay path (issue 8: to remove)

    plan, seed, rep, need_types = args
    recs = simulate_replication(plan, replication_streams(seed, rep))
    return usage_volumes(recs, plan), (type_interval_counts(recs, plan) if need_types else None)


def replay(result: Any, workers: int | None = None) -> tuple[pd.DataFrame, list[pd.DataFrame] | None]:
    """Re-run a result's replications (bit-identical: same seed tree) for the usage volumes behind the
    costs and, when some contact type is Erlang-A-like, per-type interval counts."""
    from simulator.studies.simulate import default_workers  # deferred: replay path (issue 8: to remove)

    need_types = any(why == "" for why in erlang_a_types(result.plan).values())
    stored_volumes = getattr(result, "volumes", None)
    stored_counts = getattr(result, "type_counts", None)
    if stored_volumes is not None and (stored_counts is not None or not need_types):
        return stored_volumes, (stored_counts if need_types else None)
    jobs = [(result.plan, result.seed, int(r), need_types) for r in result.replications.index]
    workers = default_workers() if workers is None else workers
    if len(jobs) >= REPLAY_PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            outs = list(pool.map(_replay_one, jobs))
    else:
        outs = [_replay_one(j) for j in jobs]
    vols = pd.DataFrame([o[0] for o in outs], index=result.replications.index)
    counts = [o[1] for o in outs] if need_types else None
    return vols, counts


# ---------------------------------------------------------------- page skeleton
CSS = """
:root{--ink:#1f2933;--muted:#5f6b76;--line:#e3e7eb;--accent:#1f4e79;--good:#1e7b34;--bad:#b42318;--warn:#8a5a00}
*{box-sizing:border-box}
body{margin:0;background:#f4f6f8;color:var(--ink);font:16px/1.5 "Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 32px 48px;background:#fff;box-shadow:0 0 24px rgba(0,0,0,.06)}
header{border-bottom:4px solid var(--accent);padding-bottom:14px;margin-bottom:22px}
header .kicker{text-transform:uppercase;letter-spacing:.08em;font-size:13px;color:var(--muted);font-weight:600}
h1{font-size:30px;margin:4px 0 6px;line-height:1.2}
h2{font-size:22px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line);color:var(--accent)}
h3{font-size:17px;margin:18px 0 8px}
.meta{color:var(--muted);font-size:14px}
.desc{margin:6px 0 0;color:#3c4650}
.summary{background:#f0f6fc;border-left:5px solid var(--accent);padding:16px 22px;border-radius:4px}
.summary ul{margin:6px 0;padding-left:22px}
.summary li{margin:6px 0;font-size:17px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:18px 0 6px}
.card{border:1px solid var(--line);border-radius:6px;padding:12px 14px;background:#fff}
.card .label{font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:26px;font-weight:700;margin-top:2px}
.card .ci{font-size:12.5px;color:var(--muted)}
.card.good .value{color:var(--good)} .card.bad .value{color:var(--bad)}
.note{background:#fff8e6;border-left:5px solid #e8a317;padding:10px 16px;margin:12px 0;border-radius:4px}
.warnings{background:#fff4f2;border-left:5px solid var(--bad);padding:10px 16px;margin:12px 0;border-radius:4px}
.warnings li,.note li{margin:4px 0}
.ok{background:#eef8f0;border-left:5px solid var(--good);padding:10px 16px;margin:12px 0;border-radius:4px}
figure{margin:10px 0 24px}
img.chart{width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
.caption{color:var(--muted);font-size:14px;margin:4px 2px}
table{border-collapse:collapse;width:100%;margin:8px 0 18px;font-size:14.5px}
.tablewrap{overflow-x:auto;margin:8px 0 18px}
.tablewrap>table{margin:0}
table.wide{font-size:12.5px} table.wide th,table.wide td{padding:5px 6px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{background:#f3f5f7;font-weight:600;color:#374151}
th:first-child,td:first-child{text-align:left}
table.text td{text-align:left}
tr.changed td{background:#fffbe6}
td.pos{color:var(--good);font-weight:600} td.neg{color:var(--bad);font-weight:600}
td.changed{background:#fff3c4;font-weight:600}
details{margin:8px 0 16px} summary{cursor:pointer;font-weight:600;color:var(--accent)}
code{background:#f3f5f7;padding:1px 5px;border-radius:3px;font-size:14px}
footer{margin-top:36px;color:var(--muted);font-size:13.5px;border-top:1px solid var(--line);padding-top:12px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
"""


def _page(title: str, body: str) -> str:
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _header(kicker: str, title: str, description: str, meta: str) -> str:
    desc = f'<p class="desc">{_e(description)}</p>' if description else ""
    return f'<header><div class="kicker">{_e(kicker)}</div><h1>{_e(title)}</h1>{desc}<div class="meta">{meta}</div></header>'


def _cards(items: Sequence[tuple[str, str, str, str]]) -> str:
    """(label, value, ci text, class) -> KPI cards; all pre-escaped."""
    return '<div class="cards">' + "".join(
        f'<div class="card {cls}"><div class="label">{label}</div><div class="value">{value}</div><div class="ci">{ci}</div></div>'
        for label, value, ci, cls in items
    ) + "</div>"


def _warnings_html(warnings: Sequence[tuple[str, InputWarning]]) -> str:
    if not warnings:
        return '<div class="ok">All inputs lie within common industry ranges (the README lists the ranges checked).</div>'
    items = []
    for who, w in warnings:
        prefix = f"<b>{_e(who)}</b>: " if who else ""
        items.append(f"<li>{prefix}<code>{_e(w.field)}</code> = {_e(w.value)}. {_e(w.message)}</li>")
    return ('<div class="warnings"><b>Inputs outside common industry ranges</b> — the result may still be right for this '
            f"center, but check these before presenting it:<ul>{''.join(items)}</ul></div>")


def _validity_html(name: str, v: ValidityReport, show_name: bool) -> str:
    title = f"<h3>{_e(name)}</h3>" if show_name else ""
    skipped = [(t, why) for t, why in v.reasons.items() if why]
    skip_html = ""
    if skipped:
        skip_html = ("<p class=\"caption\">Not compared (the model is not Erlang-A-like there): "
                     + "; ".join(f"<b>{_e(t)}</b> – {_e(why)}" for t, why in skipped) + ".</p>")
    if v.table.empty:
        return title + ('<p>No contact type of this scenario is Erlang-A-like, so there is no analytic reference to '
                        "compare with; the simulation is the only model that captures these features.</p>") + skip_html
    t = v.table
    n_close = int(t["close"].sum())
    head = (f"<p>In <b>{n_close} of {len(t)}</b> interval × contact-type cells the simulation is within "
            "5 points of the analytic Erlang A service level and 2 points of its abandonment (or within sampling noise). "
            "Gaps are expected in the first interval (the center opens with an empty queue) and where an interval is "
            "overloaded or inherits a queue from the one before (Erlang A assumes each interval is in steady state).</p>")
    fig = charts.validity_scatter(t)
    rows = [
        (_e(r.contact_type), _e(r.interval_start), str(int(r.agents)), _num(r.offered_per_hour, 0), _num(r.aht_seconds, 0),
         pct(r.erlang_a_service_level), pct(r.simulated_service_level), pct(r.erlang_a_abandonment), pct(r.simulated_abandonment),
         "✓ close" if r.close else "check")
        for r in t.itertuples()
    ]
    table = _table(["contact type", "interval", "agents", "calls/h", "AHT s", "Erlang A SL", "simulated SL",
                    "Erlang A aband.", "simulated aband.", ""], rows,
                   row_classes=["" if r.close else "changed" for r in t.itertuples()])
    return (title + head + _figure(fig, "Simulated against analytic (one dot per interval and contact type)",
                                   "Dots on the dashed diagonal mean the simulation and Erlang A agree.")
            + skip_html + f"<details><summary>Show the {len(t)} rows</summary>{table}</details>")


def _interval_table_html(df: pd.DataFrame) -> str:
    rows = [
        (_e(r.interval_start), _num(r.offered, 1), _num(r.answered, 1), _num(r.abandoned, 1), _num(r.agents, 0),
         pct(r.service_level), _num(r.asa_seconds, 1), pct(r.abandonment_rate), pct(r.occupancy))
        for r in df.itertuples()
    ]
    return _table(["interval", "offered", "answered", "abandoned", "agents", "service level", "ASA s", "abandonment", "occupancy"], rows)


def _files_html(files: Sequence[str], reproduce: str) -> str:
    links = " · ".join(f'<a href="{_e(f)}">{_e(f)}</a>' for f in files)
    return (f"<h2>Data and reproducibility</h2><p>Files next to this report: {links}.</p>"
            f"<p>Re-run exactly: <code>{_e(reproduce)}</code> (from the report folder). The workbook's "
            "<b>Cost model</b> sheet recomputes every cost with live formulas from the inputs, so rates can be "
            "audited and changed in Excel.</p>")


KPI_ROWS = ("cost_per_call", "cost_per_contact", "cost_per_resolved_contact", "total_cost", "contacts", "calls_offered",
            "calls_answered", "calls_abandoned", "ivr_contained", "self_service_resolved", "callbacks_accepted",
            "repeat_contacts", "service_level", "asa_seconds", "abandonment_rate", "occupancy", "aht_seconds",
            "staffed_agent_hours")


# ---------------------------------------------------------------- run report
def write_run_report(result: Any, out_dir: Path) -> Path:
    """Write the report of one scenario into ``out_dir`` (existing, empty); return report.html's path."""
    out_dir = Path(out_dir)
    sc: Scenario = result.scenario
    cur = sc.currency
    volumes, counts = replay(result)
    validity = validity_table(result, counts)
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
    files = _write_data(out_dir, [result], tables, {result.name: volumes}, "run", {})

    # ---- executive summary
    cpc, cpc_lo, cpc_hi = _m(result, "cost_per_call")
    tot, tot_lo, tot_hi = _m(result, "total_cost")
    sl, sl_lo, sl_hi = _m(result, "service_level")
    asa, asa_lo, asa_hi = _m(result, "asa_seconds")
    ab, ab_lo, ab_hi = _m(result, "abandonment_rate")
    occ, occ_lo, occ_hi = _m(result, "occupancy")
    mf = months_factor(result)
    target = sc.service_target
    cb = result.cost_breakdown()
    labour_share = float((cb.get("agent_labor", 0) + cb.get("supervision", 0)) / cb.sum()) if cb.sum() else math.nan
    top = cb.sort_values(ascending=False)
    meets = np.isfinite(sl) and sl >= target.fraction
    bullets = [
        f"A call answered by an agent costs <b>{money(cpc, cur)}</b> (95% CI {_ci(cpc_lo, cpc_hi, lambda x: money(x, cur))}); "
        f"the center costs <b>{money(tot * mf, cur, 0)} per month</b> ({money(tot, cur, 0)} over the {_num(horizon_days(result.plan), 0)} "
        "simulated day(s)).",
        f"<b>{pct(sl, 0)}</b> of calls are answered within {target.answer_within_seconds:g} s against a target of "
        f"{pct(target.fraction, 0)} — the target is <b>{'met' if meets else 'missed'}</b>; callers wait {_num(asa, 0)} s on average "
        f"and {pct(ab)} hang up before an agent answers.",
        f"Agents spend {pct(occ, 0)} of their logged-in time on calls. Agent and supervisor pay make up "
        f"{pct(labour_share, 0)} of cost; the next largest items are "
        + ", ".join(f"{_e(k.replace('_', ' '))} ({pct(v / cb.sum(), 0)})" for k, v in top.iloc[1:3].items() if v > 0) + ".",
    ]
    if warnings:
        bullets.append(f"{len(warnings)} input(s) lie outside common industry ranges — see the warnings below.")
    cards = _cards([
        ("Cost per call", money(cpc, cur), _e(_ci(cpc_lo, cpc_hi, lambda x: money(x, cur))), ""),
        ("Cost per month", money(tot * mf, cur, 0), _e(_ci(tot_lo * mf, tot_hi * mf, lambda x: money(x, cur, 0))), ""),
        (f"Answered in {target.answer_within_seconds:g} s", pct(sl, 1), _e(_ci(sl_lo, sl_hi, pct)), "good" if meets else "bad"),
        ("Avg. speed of answer", f"{_num(asa, 0)} s", _e(_ci(asa_lo, asa_hi, lambda x: f"{_num(x, 0)} s")), ""),
        ("Abandonment", pct(ab), _e(_ci(ab_lo, ab_hi, pct)), ""),
        ("Occupancy", pct(occ, 1), _e(_ci(occ_lo, occ_hi, pct)), "bad" if occ > 0.9 else ""),
    ])
    reps = len(result.replications)
    meta = (f"{reps} replications · seed {result.seed} · {sc.horizon.days} day(s) {_e(sc.horizon.open)}–{_e(sc.horizon.close)} · "
            f"currency {_e(cur)} · written {datetime.now().strftime('%Y-%m-%d %H:%M')} by ccsim")
    body = [_header("Call-center simulation report", sc.name, sc.description, meta)]
    body.append('<section class="summary"><h2 style="margin-top:0;border:0">Executive summary</h2><ul>'
                + "".join(f"<li>{b}</li>" for b in bullets) + "</ul></section>")
    body.append(cards)
    body.append(_warnings_html(warnings))

    # ---- charts
    colors = charts.scenario_colors([result.name], baseline=result.name)
    body.append("<h2>Charts</h2>")
    per_call = result.costs[list(COST_COMPONENTS)].mean() / float(result.replications["calls_answered"].mean())
    body.append(_figure(charts.component_bars(per_call, cur), "Cost per answered call, by component",
                        "Every component of the cost model; they add up to the cost per call."))
    body.append(_figure(charts.interval_service({result.name: iv}, colors, target.answer_within_seconds, target.fraction),
                        "Service by interval", "Service level, average speed of answer and abandonment through the day "
                        "(mean over days and replications)."))
    body.append(_figure(charts.staffing_by_group(result.plan.staffing, result.plan.group_names, list(iv["interval_start"]),
                                                 iv["offered"].to_numpy(float)), "Agents by interval",
                        "Agents on the phones per interval and group (bars) against calls offered (line)."))
    body.append(_figure(charts.wait_distribution({result.name: result.wait_hist}, WAIT_BINS, colors, target.answer_within_seconds),
                        "Distribution of waiting times", "Share of answered calls per 10-second band of waiting time."))

    # ---- tables
    body.append("<h2>Key figures</h2>")
    rows = []
    for k in KPI_ROWS:
        if k in metrics.index:
            r = metrics.loc[k]
            rows.append((_e(k.replace("_", " ")), fmt_kpi(k, r["mean"], cur), fmt_kpi(k, r["ci95_low"], cur), fmt_kpi(k, r["ci95_high"], cur)))
    body.append(_table(["KPI", "mean", "95% CI low", "95% CI high"], rows))
    body.append("<h3>Cost breakdown</h3>")
    body.append(_cost_table([result], cur))
    body.append("<h2>Assumptions that drive the result</h2>")
    body.append(_table(["assumption", "value"], [(_e(a), _e(v)) for a, v in assumption_rows(sc, result.plan)], cls="text"))
    body.append("<h2>Per interval</h2>")
    body.append(_interval_table_html(iv))
    body.append("<h2>Can we trust it? Erlang A cross-check</h2>")
    body.append(_validity_html(result.name, validity, False))
    body.append(_files_html(files, f"ccsim run {_first_scenario_file(files)} --seed {result.seed} --replications {reps}"))
    body.append(_footer())
    path = out_dir / "report.html"
    path.write_text(_page(f"ccsim – {sc.name}", "".join(body)), encoding="utf-8")
    return path


def _first_scenario_file(files: Sequence[str]) -> str:
    return next((f for f in files if f.startswith("scenarios/")), "scenario.yaml")


def _footer() -> str:
    from simulator.core.version import __version__  # deferred: kept where it was used

    return (f"<footer>ccsim {__version__} · a SimPy discrete-event simulation; figures are means over replications with "
            "Student-t 95% confidence intervals. KPI and cost definitions: see the README.</footer>")


def _cost_table(results: Sequence[Any], cur: str) -> str:
    header = ["component"] + [f"{_e(r.name)}<br><small>total · per call · share</small>" for r in results]
    rows = []
    for comp in (*COST_COMPONENTS, "total_cost"):
        cells = [_e(comp.replace("_", " "))]
        if all(float(r.costs[comp].abs().mean()) == 0 for r in results):
            continue
        for r in results:
            v = float(r.costs[comp].mean())
            tot = float(r.costs["total_cost"].mean())
            ans = float(r.replications["calls_answered"].mean())
            cells.append(f"{money(v, cur, 0)} · {money(v / ans if ans else math.nan, cur)} · {pct(v / tot if tot else math.nan, 0)}")
        rows.append(cells)
    return _table(header, rows, wide=len(results) >= WIDE_FROM)


def _write_data(out_dir: Path, results: Sequence[Any], tables: dict[str, pd.DataFrame], volumes: dict[str, pd.DataFrame],
                kind: str, extra_meta: dict[str, Any]) -> list[str]:
    """CSV tables, the workbook, resolved scenarios and metadata.json; returns the relative file names."""
    files = write_scenarios(out_dir, results)
    csvs = write_csvs(out_dir, tables)
    cost_cols = [cost_model_column(r, volumes.get(r.name)) for r in results]
    order = ["summary", "Cost model", *[k for k in tables if k != "summary"]]
    write_workbook(out_dir / "report.xlsx", tables, cost_cols, sheet_order=order)
    meta = run_metadata(results, kind, files, extra_meta)
    write_json(out_dir / "metadata.json", meta)
    return ["report.xlsx", *[p.name for p in csvs.values()], "metadata.json", *files.values()]


# ---------------------------------------------------------------- comparison report
def _frame_row(df: pd.DataFrame | None, name: str) -> dict[str, Any]:
    """The row of a per-scenario frame (index or a ``scenario`` column) as a dict; {} if missing."""
    if df is None or not isinstance(df, pd.DataFrame) or df.empty:
        return {}
    if "scenario" in df.columns:
        sub = df[df["scenario"] == name]
        return sub.iloc[0].to_dict() if len(sub) else {}
    if name in df.index:
        row = df.loc[name]
        return row.iloc[0].to_dict() if isinstance(row, pd.DataFrame) else row.to_dict()
    return {}


def _f(d: dict[str, Any], key: str) -> float:
    v = d.get(key)
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _diff(comp: Any, name: str, kpi: str, base: Any, res: Any) -> tuple[float, float, float]:
    """Mean scenario - baseline difference of a KPI and its CI (from comparison.differences, else unpaired)."""
    df = getattr(comp, "differences", None)
    if isinstance(df, pd.DataFrame) and {"scenario", "kpi", "diff_mean"} <= set(df.columns):
        sub = df[(df["scenario"] == name) & (df["kpi"] == kpi)]
        if len(sub):
            r = sub.iloc[0]
            return float(r["diff_mean"]), float(r.get("diff_ci95_low", math.nan)), float(r.get("diff_ci95_high", math.nan))
    a = base.replications[kpi].to_numpy(float) if kpi in base.replications else np.array([math.nan])
    b = res.replications[kpi].to_numpy(float) if kpi in res.replications else np.array([math.nan])
    if len(a) == len(b):
        from simulator.analysis.stats import paired_difference  # deferred: replay path (issue 8: to remove)

        return paired_difference(a, b)
    return float(np.nanmean(b) - np.nanmean(a)), math.nan, math.nan


def _finance(comp: Any, name: str, base: Any, res: Any) -> dict[str, float]:
    """Monthly saving (+CI), investment and payback of a scenario, from comparison.finance or computed."""
    row = _frame_row(getattr(comp, "finance", None), name)
    out = {k: _f(row, k) for k in ("savings_month", "savings_month_ci95_low", "savings_month_ci95_high", "investment",
                                   "running_monthly", "payback_month", "payback_month_ci95_low", "payback_month_ci95_high",
                                   "roi_3y", "roi_3y_ci95_low", "roi_3y_ci95_high", "npv_3y", "npv_3y_ci95_low", "npv_3y_ci95_high")}
    if not np.isfinite(out["savings_month"]):
        d, lo, hi = _diff(comp, name, "total_cost", base, res)
        mf = months_factor(res)
        out["savings_month"], out["savings_month_ci95_low"], out["savings_month_ci95_high"] = -d * mf, -hi * mf, -lo * mf
    if not np.isfinite(out["investment"]):
        out["investment"] = cost_inputs(res.scenario).investment - cost_inputs(base.scenario).investment
    if not np.isfinite(out["payback_month"]) and row.get("payback_month", "missing") == "missing":
        s, inv = out["savings_month"], out["investment"]
        out["payback_month"] = 0.0 if inv <= 0 and s > 0 else (inv / s if s > 0 else math.inf)
    return out


def _payback_text(fin: dict[str, float]) -> str:
    pb, inv = fin["payback_month"], fin["investment"]
    if fin["savings_month"] <= 0:
        return "does not pay back"
    if inv <= 0 or (np.isfinite(pb) and pb <= 0):
        return "needs no up-front investment"
    if not np.isfinite(pb) or pb > PAYBACK_MONTHS:
        return f"does not pay back within {PAYBACK_MONTHS} months"
    lo, hi = fin["payback_month_ci95_low"], fin["payback_month_ci95_high"]
    ci = f" (95% CI {math.ceil(lo)} to {math.ceil(hi)})" if np.isfinite(lo) and np.isfinite(hi) else ""
    n = math.ceil(pb)
    return f"pays back in <b>{n} month{'s' if n != 1 else ''}</b>{ci}"


def _combined(results: Sequence[Any], base: Any) -> Any | None:
    """The scenario that combines the most levers (ties: a name with 'combined', else the last)."""
    if not results:
        return None
    scored = [(len(describe_levers(r.scenario, base.scenario)), "combin" in r.name.lower(), i, r) for i, r in enumerate(results)]
    best = max(scored, key=lambda t: (t[0], t[1], t[2]))
    return best[3]


class _Labels(dict):
    """Report names of levers and attribution players, from the lever registry."""

    def get(self, key: str, default: str | None = None) -> str:  # type: ignore[override]
        return lever_label(key)


LEVER_LABELS = _Labels()


def _attribution_steps(comp: Any, base: Any, combined: Any, others: Sequence[Any], fins: dict[str, dict]) -> list[tuple[str, float]]:
    att = getattr(comp, "attribution", None)
    steps: list[tuple[str, float]] = []
    if isinstance(att, pd.DataFrame) and not att.empty:
        df = att.reset_index() if "lever" not in att.columns else att
        if "scenario" in df.columns and (df["scenario"] == combined.name).any():
            df = df[df["scenario"] == combined.name]
        label_col = "lever" if "lever" in df.columns else df.columns[0]
        prefer = [c for c in ("saving_month", "savings_month", "contribution_month", "monthly_saving", "contribution")
                  if c in df.columns]
        numeric = [c for c in df.columns if c != label_col and "ci95" not in c and pd.api.types.is_numeric_dtype(df[c])]
        col = prefer[0] if prefer else (numeric[0] if numeric else None)
        if col is not None:
            steps = [(LEVER_LABELS.get(str(r[label_col]), str(r[label_col]).replace("_", " ")), float(r[col]))
                     for _, r in df.iterrows() if np.isfinite(float(r[col]))]
    if not steps:
        want = set(describe_levers(combined.scenario, base.scenario))
        for r in others:
            if r is combined:
                continue
            lv = describe_levers(r.scenario, base.scenario)
            if len(lv) == 1 and (lv[0] in want or not want):
                steps.append((lv[0], fins[r.name]["savings_month"]))
    return steps


def write_compare_report(comparison: Any, out_dir: Path) -> Path:
    """Write the report of a comparison into ``out_dir`` (existing, empty); return report.html's path."""
    out_dir = Path(out_dir)
    base = comparison.baseline
    others = [r for r in getattr(comparison, "results", []) if r is not base]
    results = [base, *others]
    hold = str(getattr(comparison, "hold", "staffing"))
    cur = base.scenario.currency
    colors = charts.scenario_colors([r.name for r in results], baseline=base.name)

    replays = {r.name: replay(r) for r in results}
    validities = {r.name: validity_table(r, replays[r.name][1]) for r in results}
    fins = {r.name: _finance(comparison, r.name, base, r) for r in others}
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
    }
    for attr in ("differences", "finance", "attribution"):
        df = getattr(comparison, attr, None)
        if isinstance(df, pd.DataFrame):
            tables[attr] = df.reset_index() if df.index.name or not isinstance(df.index, pd.RangeIndex) else df
    if "finance" not in tables:
        tables["finance"] = pd.DataFrame([{"scenario": n, **f} for n, f in fins.items()])
    assumptions = _assumptions_frame(results)
    tables["assumptions"] = assumptions
    tables["validity"] = pd.concat([v.table.assign(scenario=n) for n, v in validities.items()], ignore_index=True)
    tables["warnings"] = pd.DataFrame([{"scenario": s, "field": w.field, "value": w.value, "message": w.message} for s, w in warn_pairs],
                                      columns=["scenario", "field", "value", "message"])
    files = _write_data(out_dir, results, tables, {n: v[0] for n, v in replays.items()}, "compare", {"hold": hold})

    # ---- executive summary
    bullets, notes = [], []
    hold_text = ("Every scenario keeps the baseline's agents (staffing held)" if hold == "staffing"
                 else "Every scenario is re-staffed to meet the service target (service held)")
    base_cost_month = float(base.costs["total_cost"].mean()) * months_factor(base)
    bullets.append(f"The baseline <b>{_e(base.name)}</b> costs {money(base_cost_month, cur, 0)} per month, "
                   f"{money(_m(base, 'cost_per_call')[0], cur)} per answered call. {hold_text}.")
    for r in others:
        fin = fins[r.name]
        levers = describe_levers(r.scenario, base.scenario)
        what = _capital("; ".join(levers)) if levers else "This scenario"
        s, lo, hi = fin["savings_month"], fin["savings_month_ci95_low"], fin["savings_month_ci95_high"]
        ci = f" (95% CI {money(lo, cur, 0)} to {money(hi, cur, 0)})" if np.isfinite(lo) and np.isfinite(hi) else ""
        verb = f"saves <b>{money(s, cur, 0)} per month</b>" if s >= 0 else f"costs <b>{money(-s, cur, 0)} more per month</b>"
        inv = fin["investment"]
        inv_text = f" on an investment of {money(inv, cur, 0)}" if np.isfinite(inv) and inv > 0 else ""
        sl_b, sl_s = _m(base, "service_level")[0], _m(r, "service_level")[0]
        bullets.append(f"{_e(what)} (<i>{_e(r.name)}</i>) {verb}{ci} and {_payback_text(fin)}{inv_text}; "
                       f"service level {pct(sl_b, 0)} → {pct(sl_s, 0)}.")
        d_cpc = _diff(comparison, r.name, "cost_per_call", base, r)[0]
        d_tot = _diff(comparison, r.name, "total_cost", base, r)[0]
        if d_cpc > 0 and d_tot < 0:
            notes.append(f"<b>{_e(r.name)}</b>: cost per answered call <b>rises</b> by {money(d_cpc, cur)} while total cost "
                         f"<b>falls</b> by {money(-d_tot * months_factor(r), cur, 0)} per month. Fewer calls reach agents, so the "
                         "fixed costs (overhead, PBX, seats) are spread over fewer calls: judge the lever by total cost.")
        if lo < 0 < hi:
            notes.append(f"<b>{_e(r.name)}</b>: the 95% interval of the monthly saving includes zero; run more replications "
                         "before relying on the sign of this saving.")
    body = [_header("Call-center what-if comparison", f"{base.name} vs {len(others)} scenario(s)", base.scenario.description,
                    f"{len(base.replications)} replications per scenario · seed {base.seed} · common random numbers · "
                    f"hold {_e(hold)} · currency {_e(cur)} · written {datetime.now().strftime('%Y-%m-%d %H:%M')} by ccsim")]
    body.append('<section class="summary"><h2 style="margin-top:0;border:0">Executive summary</h2><ul>'
                + "".join(f"<li>{b}</li>" for b in bullets) + "</ul></section>")
    legend = " ".join(f'<span><span class="swatch" style="background:{colors[r.name]}"></span>{_e(r.name)}</span>&nbsp;&nbsp;'
                      for r in results)
    body.append(f'<p class="meta">Colours: {legend}</p>')
    if notes:
        body.append('<div class="note"><b>Read with care</b><ul>' + "".join(f"<li>{n}</li>" for n in notes) + "</ul></div>")
    body.append(_warnings_html(warn_pairs))

    # ---- charts
    body.append("<h2>Charts</h2>")
    summ = pd.DataFrame(index=[r.name for r in results])
    for kpi in ("cost_per_call", "total_cost"):
        vals = [_m(r, kpi) for r in results]
        summ[f"{kpi}_mean"] = [v[0] for v in vals]
        summ[f"{kpi}_lo"] = [v[1] for v in vals]
        summ[f"{kpi}_hi"] = [v[2] for v in vals]
    body.append(_figure(charts.cost_kpi_bars(summ, colors, cur), "Cost per call and total cost by scenario",
                        "Bars are means over replications; whiskers are 95% confidence intervals."))
    per_call = pd.DataFrame(
        [r.costs[list(COST_COMPONENTS)].mean() / float(r.replications["calls_answered"].mean()) for r in results],
        index=[r.name for r in results])
    body.append(_figure(charts.cost_breakdown_bars(per_call, cur, per="answered call"), "Cost breakdown per answered call"))
    combined = _combined(others, base)
    if combined is not None:
        steps = _attribution_steps(comparison, base, combined, others, fins)
        end = float(combined.costs["total_cost"].mean()) * months_factor(combined)
        if steps:
            gap = (base_cost_month - end) - sum(s for _, s in steps)
            if abs(gap) > 0.005 * max(1.0, abs(base_cost_month - end)):
                steps.append(("interaction & other", gap))
            body.append(_figure(charts.savings_waterfall("baseline", base_cost_month, steps, combined.name, cur,
                                                        end_color=colors.get(combined.name)),
                                "Savings by lever: baseline to combined scenario",
                                "Monthly cost, starting from the baseline; each green step is one lever's saving, "
                                "red steps add cost; the last bar is the combined scenario."))
    lines = {r.name: {"monthly": fins[r.name]["savings_month"], "low": fins[r.name]["savings_month_ci95_low"],
                      "high": fins[r.name]["savings_month_ci95_high"], "investment": fins[r.name]["investment"],
                      "payback": fins[r.name].get("payback_month", math.nan)} for r in others}
    payback_caption = ("Lines: cumulative saving (shaded: 95% CI). Dashed: one-time investment. "
                       "Where a line crosses its investment, the lever has paid for itself.")
    if charts.payback_zoomed(lines, PAYBACK_MONTHS):
        payback_caption = ("Lines: cumulative saving" + ("" if len(lines) > charts.MANY else " (shaded: 95% CI)")
                           + ". Right: the first months, with each one-time investment dashed and a dot "
                           "where the saving covers it (payback); the legend gives the payback month, largest saving first.")
    body.append(_figure(charts.payback_chart(lines, colors, cur, PAYBACK_MONTHS), "Payback over 36 months", payback_caption))
    ivs = {r.name: r.interval_summary() for r in results}
    t = base.scenario.service_target
    body.append(_figure(charts.interval_service(ivs, colors, t.answer_within_seconds, t.fraction), "Service by interval"))
    body.append(_figure(charts.agents_by_interval({n: df for n, df in ivs.items()}, colors, offered=ivs[base.name]),
                        "Agents by interval: baseline against scenarios",
                        "Lines: agents on the phones; light bars: calls offered to agents in the baseline."))
    body.append(_figure(charts.wait_distribution({r.name: r.wait_hist for r in results}, WAIT_BINS, colors, t.answer_within_seconds),
                        "Distribution of waiting times"))

    # ---- tables
    body.append("<h2>Scenario results</h2>")
    body.append(_compare_kpi_table(comparison, base, others, cur))
    body.append("<h3>Savings and return</h3>")
    body.append(_finance_table(others, fins, cur))
    att = getattr(comparison, "attribution", None)
    if isinstance(att, pd.DataFrame) and not att.empty:
        body.append("<h3>Saving attributed to each lever</h3>")
        body.append(_generic_table(att, cur))
    body.append("<h3>Cost breakdown</h3>")
    body.append(_cost_table(results, cur))
    body.append("<h2>Assumptions that drive the result</h2><p class=\"caption\">Highlighted cells differ from the baseline.</p>")
    body.append(_assumptions_html(results))
    body.append("<h2>Per interval</h2>")
    for r in results:
        body.append(f"<details><summary>{_e(r.name)}</summary>{_interval_table_html(ivs[r.name])}</details>")
    body.append("<h2>Can we trust it? Erlang A cross-check</h2>")
    for r in results:
        body.append(_validity_html(r.name, validities[r.name], True))
    reps = len(base.replications)
    scen_files = [f for f in files if f.startswith("scenarios/")]
    body.append(_files_html(files, f"ccsim compare {' '.join(scen_files)} --hold {hold} --seed {base.seed} --replications {reps}"))
    body.append(_footer())
    path = out_dir / "report.html"
    path.write_text(_page(f"ccsim – {base.name} comparison", "".join(body)), encoding="utf-8")
    return path


def _compare_kpi_table(comp: Any, base: Any, others: Sequence[Any], cur: str) -> str:
    lower_better = {"cost_per_call", "cost_per_contact", "cost_per_resolved_contact", "total_cost", "asa_seconds",
                    "abandonment_rate", "calls_abandoned", "repeat_contacts"}
    header = ["KPI", f"{_e(base.name)}<br><small>baseline</small>"] + [f"{_e(r.name)}<br><small>difference (95% CI)</small>" for r in others]
    rows = []
    for k in KPI_ROWS:
        if k not in base.replications:
            continue
        cells = [_e(k.replace("_", " ")), fmt_kpi(k, _m(base, k)[0], cur)]
        for r in others:
            d, lo, hi = _diff(comp, r.name, k, base, r)
            pct_kpi = k in ("service_level", "abandonment_rate", "occupancy")
            f = (lambda x: f"{100 * x:+.1f} pts") if pct_kpi else (lambda x: (("+" if x >= 0 else "") + fmt_kpi(k, x, cur)))
            sig = np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0)
            better = (d < 0) == (k in lower_better) if k in lower_better or k == "service_level" else None
            cls = ("pos" if better else "neg") if sig and better is not None else ""
            ci = f"<br><small>{_e(_ci(lo, hi, f))}</small>" if np.isfinite(lo) else ""
            cells.append(f'<span class="{cls}">{fmt_kpi(k, _m(r, k)[0], cur)} ({f(d)})</span>{ci}')
        rows.append(cells)
    return _table(header, rows, wide=1 + len(others) >= WIDE_FROM)


def _finance_table(others: Sequence[Any], fins: dict[str, dict], cur: str) -> str:
    rows = []
    for r in others:
        f = fins[r.name]

        def ci(a: str, fmt) -> str:  # noqa: ANN001
            lo, hi = f.get(f"{a}_ci95_low", math.nan), f.get(f"{a}_ci95_high", math.nan)
            return f"<br><small>{_e(_ci(lo, hi, fmt))}</small>" if np.isfinite(lo) and np.isfinite(hi) else ""

        m0 = lambda x: money(x, cur, 0)  # noqa: E731
        pb = f["payback_month"]
        pb_text = "never" if not np.isfinite(pb) else ("immediate" if pb <= 0 else f"{math.ceil(pb)}")
        rows.append((
            _e(r.name), m0(f["savings_month"]) + ci("savings_month", m0), m0(f["investment"]),
            m0(f["running_monthly"]) if np.isfinite(f["running_monthly"]) else "–",
            pb_text + ci("payback_month", lambda x: f"{math.ceil(x)}" if np.isfinite(x) else "never"),
            pct(f["roi_3y"], 0) + ci("roi_3y", lambda x: pct(x, 0)), m0(f["npv_3y"]) + ci("npv_3y", m0),
        ))
    return _table(["scenario", "saving per month", "investment", "running cost / month", "payback month", "3-year ROI", "3-year NPV"], rows)


def _generic_table(df: pd.DataFrame, cur: str) -> str:
    d = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
    rows = []
    for _, r in d.iterrows():
        cells = []
        for c in d.columns:
            v = r[c]
            if isinstance(v, (float, np.floating)):
                cells.append(pct(v) if "share" in str(c) else money(float(v), cur, 0))
            else:
                cells.append(_e(v))
        rows.append(cells)
    return _table([_e(str(c).replace("_", " ")) for c in d.columns], rows)


def _assumptions_frame(results: Sequence[Any]) -> pd.DataFrame:
    labels: list[str] = []
    cols: dict[str, dict[str, str]] = {}
    for r in results:
        rows = assumption_rows(r.scenario, r.plan)
        cols[r.name] = dict(rows)
        for a, _ in rows:
            if a not in labels:
                labels.append(a)
    return pd.DataFrame({"assumption": labels, **{n: [c.get(a, "") for a in labels] for n, c in cols.items()}})


def _assumptions_html(results: Sequence[Any]) -> str:
    df = _assumptions_frame(results)
    names = [r.name for r in results]
    rows = []
    for _, row in df.iterrows():
        cells = [_e(row["assumption"])]
        for i in range(len(names)):
            v = row.iloc[1 + i]
            cells.append(f"<mark>{_e(v)}</mark>" if i > 0 and v != row.iloc[1] else _e(v))
        rows.append(cells)
    return _table(["assumption", *[_e(n) for n in names]], rows, cls="text", wide=len(names) >= WIDE_FROM)
