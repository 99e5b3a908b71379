"""Sections both reports share: key-figure helpers, assumptions, input warnings, the Erlang A
cross-check, the per-interval table and the cost breakdown table.

Every function takes typed results and returns HTML (or the rows behind it); text from scenario
files is escaped here.
"""

from __future__ import annotations

import math
from typing import Sequence

import pandas as pd

from simulator.analysis.costs import COST_COMPONENTS, horizon_days
from simulator.analysis.validity import InputWarning, ValidityReport, money_note
from simulator.model.build import cost_inputs
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Scenario
from simulator.output import charts
from simulator.output.fmt import number, pct
from simulator.output.labels import describe_levers, kpi_label
from simulator.output.report.page import WIDE_FROM, esc, figure, html_money, table
from simulator.studies.simulate import SimulationResult

KPI_ROWS = ("cost_per_call", "cost_per_contact", "cost_per_resolved_contact", "total_cost", "contacts", "calls_offered",
            "calls_answered", "calls_abandoned", "ivr_contained", "self_service_resolved", "callbacks_accepted",
            "repeat_contacts", "service_level", "asa_seconds", "abandonment_rate", "occupancy", "aht_seconds",
            "staffed_agent_hours")


def metric(result: SimulationResult, kpi: str) -> tuple[float, float, float]:
    """Mean and 95% CI of a KPI over the replications (NaN where the run has no such KPI)."""
    m = result.metrics()
    if kpi not in m.index:
        return (math.nan, math.nan, math.nan)
    row = m.loc[kpi]
    return float(row["mean"]), float(row["ci95_low"]), float(row["ci95_high"])


def months_factor(result: SimulationResult) -> float:
    """Multiply a horizon total by this to get a monthly figure."""
    days = horizon_days(result.plan)
    return result.scenario.costs.working_days_per_month / days if days > 0 else math.nan


# ---------------------------------------------------------------- assumptions
def assumption_rows(sc: Scenario, plan: EnginePlan) -> list[tuple[str, str]]:
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
    for g, staffing in zip(sc.agents.groups, plan.open_days_staffing().transpose(1, 0, 2).reshape(len(sc.agents.groups), -1),
                           strict=True):
        staff = (f"{int(staffing.min())}–{int(staffing.max())} agents" if staffing.min() != staffing.max()
                 else f"{int(staffing[0])} agents")
        rows.append((f"Agent group '{g.name}'", f"{staff}; skills {', '.join(g.skills)}"))
    blended = cost_inputs(sc).hourly_wage  # after levers that change pay (remote agents' wage factor)
    rows += [
        ("Routing", sc.agents.routing.policy.replace("_", " ")),
        ("Agent wage", f"{html_money(c.agent_hourly_wage, cur)}/h + {pct(c.benefits_load, 0)} benefits"
                       + (f" (levers applied: {html_money(blended, cur)}/h on average)" if abs(blended - c.agent_hourly_wage) > 1e-9 else "")),
        ("Shrinkage", pct(c.shrinkage, 0)),
        ("Supervision", f"{html_money(c.supervisor_hourly_wage, cur)}/h, 1 per {c.span_of_control:g} agents"),
        ("Per agent per month", f"licence {html_money(c.licence_per_agent_month, cur)}, desktop {html_money(c.desktop_per_agent_month, cur)}"),
        ("Per seat per month", f"facility {html_money(c.facility_per_seat_month, cur)}; seats for the most agents on site at once, "
                               f"{c.seat_sharing_ratio:g} per seat"),
        ("Overtime", f"{c.overtime_multiplier:g}× the loaded wage for work after close"),
        ("Telephony", f"in {html_money(c.telephony.inbound_per_minute, cur, 4)}/min, out {html_money(c.telephony.outbound_per_minute, cur, 4)}/min, "
                      f"line {html_money(c.telephony.line_per_seat_month, cur)}/seat/month, PBX {html_money(c.telephony.pbx_monthly, cur)}/month"),
        ("Overhead", f"{html_money(c.overhead_monthly, cur)}/month"),
        ("Working days per month", f"{c.working_days_per_month:g}"),
        ("Redials", f"{pct(sc.redials.probability, 0)} of abandoned callers call again" if sc.redials.probability else "none"),
    ]
    levers = describe_levers(sc)
    rows.append(("Levers", "; ".join(levers) if levers else "none"))
    inv = cost_inputs(sc).investment
    if inv:
        rows.append(("One-time investment", html_money(inv, cur)))
    return rows


def assumptions_frame(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """One row per assumption, one column per scenario (blank where a scenario lacks it)."""
    labels: list[str] = []
    cols: dict[str, dict[str, str]] = {}
    for r in results:
        rows = assumption_rows(r.scenario, r.plan)
        cols[r.name] = dict(rows)
        for a, _ in rows:
            if a not in labels:
                labels.append(a)
    return pd.DataFrame({"assumption": labels, **{n: [c.get(a, "") for a in labels] for n, c in cols.items()}})


def assumptions_html(results: Sequence[SimulationResult]) -> str:
    """The assumptions side by side; a scenario's cell is marked where it differs from the baseline's."""
    df = assumptions_frame(results)
    names = [r.name for r in results]
    rows = []
    for _, row in df.iterrows():
        cells = [esc(row["assumption"])]
        for i in range(len(names)):
            v = row.iloc[1 + i]
            cells.append(f"<mark>{esc(v)}</mark>" if i > 0 and v != row.iloc[1] else esc(v))
        rows.append(cells)
    return table(["assumption", *[esc(n) for n in names]], rows, cls="text", wide=len(names) >= WIDE_FROM)


# ---------------------------------------------------------------- trust panels
def warnings_html(warnings: Sequence[tuple[str, InputWarning]], scenario: Scenario) -> str:
    """Inputs outside common industry ranges, each with the scenario it comes from ("" for a run).

    The money ranges are US dollars (REFERENCE.md): for another currency they are checked at the
    scenario's ``costs.usd_per_unit`` or not at all, and the page says which (``money_note``) rather
    than claim a check that did not run.
    """
    note = money_note(scenario)
    unchecked = f" {esc(note)}" if note else ""
    if not warnings:
        return ('<div class="ok">All inputs checked lie within common industry ranges (the README lists the ranges '
                f"checked).{unchecked}</div>")
    items = []
    for who, w in warnings:
        prefix = f"<b>{esc(who)}</b>: " if who else ""
        head, _, rest = w.field.partition(" (")  # a simulated figure reads in words: "Occupancy (by interval)"
        field = f"<code>{esc(w.field)}</code>" if "." in w.field else esc(kpi_label(head) + (f" ({rest}" if rest else ""))
        items.append(f"<li>{prefix}{field} = {esc(w.value)}. {esc(w.message)}</li>")
    return ('<div class="warnings"><b>Inputs outside common industry ranges</b> — the result may still be right for this '
            f"center, but check these before presenting it:<ul>{''.join(items)}</ul>{unchecked}</div>")


def validity_html(name: str, v: ValidityReport, show_name: bool) -> str:
    """The Erlang A cross-check of one run: how many cells agree, a scatter, the rows."""
    title = f"<h3>{esc(name)}</h3>" if show_name else ""
    skipped = [(t, why) for t, why in v.reasons.items() if why]
    skip_html = ""
    if skipped:
        skip_html = ("<p class=\"caption\">Not compared (the model is not Erlang-A-like there): "
                     + "; ".join(f"<b>{esc(t)}</b> – {esc(why)}" for t, why in skipped) + ".</p>")
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
        (esc(r.contact_type), esc(r.interval_start), str(int(r.agents)), number(r.offered_per_hour, 0), number(r.aht_seconds, 0),
         pct(r.erlang_a_service_level), pct(r.simulated_service_level), pct(r.erlang_a_abandonment), pct(r.simulated_abandonment),
         "✓ close" if r.close else "check")
        for r in t.itertuples()
    ]
    rows_html = table(["contact type", "interval", "agents", "calls/h", "AHT s", "Erlang A SL", "simulated SL",
                       "Erlang A aband.", "simulated aband.", ""], rows,
                      row_classes=["" if r.close else "changed" for r in t.itertuples()])
    return (title + head + figure(fig, "Simulated against analytic (one dot per interval and contact type)",
                                  "Dots on the dashed diagonal mean the simulation and Erlang A agree.")
            + skip_html + f"<details><summary>Show the {len(t)} rows</summary>{rows_html}</details>")


# ---------------------------------------------------------------- tables
def interval_table_html(df: pd.DataFrame) -> str:
    """``SimulationResult.interval_summary()`` as a table."""
    rows = [
        (esc(r.interval_start), number(r.offered, 1), number(r.answered, 1), number(r.abandoned, 1), number(r.agents, 0),
         pct(r.service_level), number(r.asa_seconds, 1), pct(r.abandonment_rate), pct(r.occupancy))
        for r in df.itertuples()
    ]
    return table(["interval", "offered", "answered", "abandoned", "agents", "service level", "ASA s", "abandonment", "occupancy"], rows)


def cost_table(results: Sequence[SimulationResult], cur: str) -> str:
    """Every cost component that is not zero everywhere: total, per answered call and share, per scenario."""
    head = ["component"] + [f"{esc(r.name)}<br><small>total · per call · share</small>" for r in results]
    per_call = [r.per_answered_call() for r in results]
    for pc in per_call:
        pc["total_cost"] = float(pc.sum())
    rows = []
    for comp in (*COST_COMPONENTS, "total_cost"):
        cells = [esc(kpi_label(comp))]
        if all(float(r.costs[comp].abs().mean()) == 0 for r in results):
            continue
        for r, pc in zip(results, per_call):
            v = float(r.costs[comp].mean())
            tot = float(r.costs["total_cost"].mean())
            cells.append(f"{html_money(v, cur, 0)} · {html_money(float(pc[comp]), cur)} · "
                         f"{pct(v / tot if tot else math.nan, 0)}")
        rows.append(cells)
    return table(head, rows, wide=len(results) >= WIDE_FROM)
