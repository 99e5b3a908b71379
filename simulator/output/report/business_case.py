"""The comparison report's "Business case" section: each scenario's monthly cash flow, its
cumulative chart, payback month and NPV, and how the months were derived from the simulated days.

Figures come from ``Comparison.business`` (``simulator.studies.cashflow``); the same tables are
written as ``cashflow.csv``.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.output import charts
from simulator.output.fmt import number, pct, times
from simulator.output.report.page import esc, figure, html_money, scenario_legend, table
from simulator.studies.cashflow import BusinessCase
from simulator.studies.compare import Comparison


def payback_words(case: BusinessCase) -> str:
    """``payback in month 7`` / ``no investment to recover`` / ``no payback within 36 months``."""
    pb = case.payback_month()
    if case.investment <= 0 and pb == 0:
        return "no investment to recover"
    if not math.isfinite(pb):
        return f"no payback within {case.months} months"
    return f"payback in month {int(pb)}"


def business_months_option(comp: Comparison) -> str:
    """`` --months N`` when the cash flows' length is not the scenarios' own (``compare --months``)."""
    given = {c.months for c in comp.business.values()}
    own = {r.scenario.business_case.months for r in comp.results}
    return f" --months {given.pop()}" if len(given) == 1 and given != own else ""


def _assumptions(comp: Comparison) -> str:
    rows = []
    for res in comp.results:
        c = res.scenario.business_case
        ramp = (", ".join(f"{esc(k)} {v}" for k, v in c.ramp_months.items()) or "0") if isinstance(c.ramp_months, dict) \
            else str(c.ramp_months)
        curve = " → ".join(number(m, 2) for m in c.learning_curve) or "none"
        rows.append((esc(res.name), ramp, pct(c.volume_growth_per_year, 1), pct(c.wage_inflation_per_year, 1),
                     pct(c.attrition_per_year, 0), html_money(c.cost_per_hire, res.scenario.currency, 0), curve))
    return table(["scenario", "months to full effect", "volume growth / year", "wage inflation / year", "attrition / year",
                  "cost per hire", "new-hire handle-time multiplier by month"], rows)


def _cash_table(case: BusinessCase, cur: str) -> str:
    t = case.table()

    def m0(x: float) -> str:
        return html_money(float(x), cur, 0)

    rows = [(str(int(r.month)), pct(r.ramp_share, 0), m0(r.saving_at_ramp), m0(r.running_fees), m0(r.attrition_hiring),
             m0(r.net), m0(r.cumulative), m0(r.discounted)) for r in t.itertuples(index=False)]
    return table(["month", "ramp", "saving at ramp", "running fees", "attrition and hiring", "net", "cumulative",
                  "discounted"], rows)


def business_case_html(comp: Comparison, colors: dict[str, str]) -> str:
    """The section's HTML (empty without lever scenarios)."""
    if not comp.business:
        return ""
    cur = comp.baseline.scenario.currency
    cases = list(comp.business.values())
    months = max(c.months for c in cases)
    cum = {c.scenario: np.asarray(c.table()["cumulative"], dtype=float) for c in cases}
    key = scenario_legend({n: colors[n] for n in cum}, notes={c.scenario: esc(payback_words(c)) for c in cases})
    out = [f"<h2>Business case over {months} months</h2>",
           "<p>No month is a new simulation. Each month takes the simulated monthly saving at full effect and scales "
           "it: by the adoption ramp (share of the full effect, rising linearly to 100% at the lever's months to full "
           "effect), by volume growth (costs that vary with volume scale linearly) and, for its labour part, by wage "
           "inflation. Running fees are paid in full from go-live; attrition and hiring is the change in replacement "
           "hiring and in the new hires' slower first months. Month 0 holds the one-time investment. With no ramp, "
           "growth, inflation or attrition, every month equals the simulated month.</p>",
           _assumptions(comp),
           figure(charts.cashflow_chart(cum, colors, cur), f"Cumulative net cash flow over {months} months",
                  "Each line starts at minus the investment (month 0); a dot marks the month it turns positive (payback).",
                  key)]
    rows = []
    for c in cases:
        roi = c.roi()
        rows.append((esc(c.scenario), html_money(c.investment, cur, 0), esc(payback_words(c)),
                     html_money(c.npv(), cur, 0), times(roi), html_money(float(c.table()["cumulative"].iloc[-1]), cur, 0)))
    out.append(table(["scenario", "investment", "payback", f"NPV at the discount rate ({months} months)",
                      f"ROI ({months} months)", "cumulative net at the end"], rows))
    for c in cases:
        out.append(f"<details><summary>Monthly cash flow: {esc(c.scenario)} (discounted at "
                   f"{pct(c.discount_rate, 1)} a year)</summary>{_cash_table(c, cur)}</details>")
    return "".join(out)
