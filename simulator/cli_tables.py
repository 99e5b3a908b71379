"""Part of the command line: the rich tables of ``ccsim compare`` (KPI differences, savings and
return, attribution) and its plain-language notes, and the roster of ``ccsim staff --shifts``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

from rich import box
from rich.console import Console
from rich.table import Table

from simulator.output.fmt import TEXT_MISSING, ci_text, kpi_text, number, pct, short_amount, times
from simulator.studies.baselines import baseline_lines
from simulator.studies.compare import Comparison, notes

if TYPE_CHECKING:
    from simulator.studies.roster import Roster


def print_comparison(comp: Comparison, console: Console, details: bool = False) -> None:
    """What was held equal, the baselines, one ranking table of the scenarios, and the notes; with
    ``details`` also every KPI's paired difference, the finance figures and the attribution (the
    report and ``--json`` always have them)."""
    if comp.hold == "service":
        console.print(_baselines_table(comp))
    if comp.results:
        console.print(_ranking_table(comp))
    if details:
        _print_details(comp, console)
    for note in notes(comp):
        console.print(note, markup=False, highlight=False)


def _ranking_table(comp: Comparison) -> Table:
    """Scenarios by monthly saving; fits 100 columns (amounts in thousands: k, M)."""
    cur = comp.baseline.scenario.currency
    held = ("at equal service, against the optimised baseline" if comp.hold == "service"
            else "with the baseline's staffing held")
    n = len(comp.baseline.replications)
    t = Table(title=f"Saving per month ({cur}), {held}; 95% CI over {n} paired replications", box=box.SIMPLE_HEAD,
              caption="positive = the scenario costs less; service = the scenario's service level (change in points)")
    t.add_column("scenario", max_width=24, overflow="ellipsis", no_wrap=True)
    for col in ("saving", "95% CI", "service", "invest", "payback", "NPV 3y"):
        t.add_column(col, justify="right", no_wrap=True)
    for r in comp.ranking().to_dict("records"):
        t.add_row(r["scenario"], short_amount(r["savings_month"], True),
                  ci_text(r["savings_month_ci95_low"], r["savings_month_ci95_high"], lambda x: short_amount(x, True), " .. ", TEXT_MISSING),
                  f"{pct(r['service_level'], 1)} ({100 * r['service_change']:+.1f})", short_amount(r["investment"]),
                  _payback_short(r["payback_month"], r["investment"]), short_amount(r["npv_3y"], True))
    return t


def _payback_short(month: float, investment: float) -> str:
    if investment <= 0:
        return "none"
    if math.isnan(month):
        return TEXT_MISSING
    return "never" if math.isinf(month) else f"{int(month)} mo"


def _print_details(comp: Comparison, console: Console) -> None:
    """Every KPI's paired difference per scenario, the finance table and the attribution."""
    cur = comp.baseline.scenario.currency
    n = len(comp.baseline.replications)
    against = "the optimised baseline" if comp.hold == "service" else f"{comp.baseline.name} (staffing held)"
    for res in comp.results:
        d = comp.differences[comp.differences["scenario"] == res.name]
        share = float(comp.confidence.loc[comp.confidence["scenario"] == res.name, "share_cheaper"].iloc[0])
        t = Table(title=f"{res.name} vs {against} - hold {comp.hold}, {n} paired replications, seed {comp.baseline.seed}",
                  caption=f"cheaper than the baseline in {pct(share, 0)} of replications (costs in {cur})")
        for col in ("KPI", "baseline", "scenario", "difference", "95% CI of difference"):
            t.add_column(col, justify="left" if col == "KPI" else "right")
        for r in d.itertuples(index=False):
            diff = lambda x: kpi_text(r.kpi, x, signed=True)  # noqa: B023, E731
            t.add_row(r.kpi, kpi_text(r.kpi, r.baseline_mean), kpi_text(r.kpi, r.scenario_mean), diff(r.diff_mean),
                      ci_text(r.diff_ci95_low, r.diff_ci95_high, diff, " .. ", None))
        console.print(t)
    console.print(_finance_table(comp))
    if comp.attribution is not None:
        a = Table(title=f"Attribution of the monthly saving (Shapley values, {cur} per month)")
        for col in ("scenario", "change", "contribution / month", "95% CI", "share"):
            a.add_column(col, justify="left" if col in ("scenario", "change") else "right")
        for r in comp.attribution.itertuples(index=False):
            signed = lambda x: number(x, 0, True, TEXT_MISSING)  # noqa: E731
            a.add_row(r.scenario, r.lever, signed(r.contribution_month),
                      ci_text(r.ci95_low, r.ci95_high, signed, " .. ", TEXT_MISSING), pct(r.share, 0, TEXT_MISSING))
        console.print(a)
        for name, meta in comp.attribution_meta.items():
            console.print(f"Attribution for {name}: {meta['method']}, {meta['coalitions_simulated']} coalition runs of "
                          f"{meta['replications']} replications x {meta['days']} day(s); 'residual' is the gap to the main run.",
                          markup=False, highlight=False)


def _baselines_table(comp: Comparison) -> Table:
    """Today's baseline as given, the optimised baseline, and the gain between them."""
    cur = comp.baseline.scenario.currency
    t = Table(title=f"Held equal: every scenario staffed by the same optimizer to {comp.target.words()}",
              caption="Levers are measured against the optimised baseline; today - optimised belongs to staffing.",
              box=box.SIMPLE_HEAD)
    for col in ("baseline", f"{cur} / month", "per call", "service", "agent-h / day"):
        t.add_column(col, justify="left" if col == "baseline" else "right")
    for r in baseline_lines(comp.as_is, comp.baseline, comp.optimisation).to_dict("records"):
        month = number(r["cost_month"], 0, missing=TEXT_MISSING)
        if not math.isnan(r["cost_month_ci95_low"]):
            signed = lambda x: short_amount(x, True)  # noqa: E731
            month = f"{signed(r['cost_month'])} [{ci_text(r['cost_month_ci95_low'], r['cost_month_ci95_high'], signed, ' .. ', None)}]"
        t.add_row(r["line"], month, kpi_text("cost_per_call", r["cost_per_call"]), kpi_text("service_level", r["service_level"]),
                  number(r["agent_hours_per_day"], 0, missing=TEXT_MISSING))
    return t


def _months(x: float) -> str:
    """A payback month; infinite when the saving never covers the investment."""
    if math.isnan(x):
        return TEXT_MISSING
    return "never (36 months)" if math.isinf(x) else f"{int(x)}"


def _finance_table(comp: Comparison) -> Table:
    cur = comp.baseline.scenario.currency
    held = (f"against the optimised baseline, every scenario staffed to {comp.target.words()}" if comp.target is not None
            else "with the baseline's staffing held: fewer calls save labour only if staffing follows (--hold service)")
    f = Table(title=f"Savings and return ({cur}; positive = the scenario costs less; [95% CI])", caption=held)
    f.add_column("figure")
    recs = comp.finance.to_dict("records")
    for r in recs:
        f.add_column(r["scenario"], justify="right")

    def ci(r: dict, key: str, fmt: Callable[[float], str]) -> str:
        if math.isnan(r[key]):
            return TEXT_MISSING
        return f"{fmt(r[key])} [{ci_text(r[key + '_ci95_low'], r[key + '_ci95_high'], fmt, ' .. ', None)}]"

    def amount(x: float) -> str:
        return number(x, 0, missing=TEXT_MISSING)

    def payback(r: dict) -> str:
        pb = _months(r["payback_month"])
        if not math.isinf(r["payback_month"]) and r["investment"] > 0:
            pb += f" [{_months(r['payback_month_ci95_low'])} .. {_months(r['payback_month_ci95_high'])}]"
        return pb

    cheaper = dict(zip(comp.confidence["scenario"], comp.confidence["share_cheaper"]))
    lines: list[tuple[str, Callable[[dict], str]]] = [
        ("saving per simulated horizon", lambda r: ci(r, "savings_horizon", amount)),
        ("saving per month", lambda r: ci(r, "savings_month", amount)),
        ("saving per year", lambda r: ci(r, "savings_year", amount)),
        ("investment (one-time)", lambda r: amount(r["investment"])),
        ("running cost change / month", lambda r: f"{number(r['running_monthly'], 0, True, TEXT_MISSING)} (in the saving)"),
        ("payback month", payback),
        ("ROI over 3 years", lambda r: ci(r, "roi_3y", lambda x: times(x, TEXT_MISSING))),
        ("NPV over 3 years", lambda r: ci(r, "npv_3y", amount) + f" at {pct(r['discount_rate'], 0)}"),
        ("cheaper in (replications)", lambda r: pct(cheaper[r["scenario"]], 0)),
    ]
    for label, fn in lines:
        f.add_row(label, *[fn(r) for r in recs])
    return f


def print_roster(roster: Roster, console: Console) -> None:
    """The roster of ``ccsim staff --shifts``: per day class, required vs on the phones and heads per
    shift type; then the paid hours and how the integer program ended."""
    for label, days in roster.day_classes():
        for title, frame in ((f"Roster, {label}: required vs on the phones per interval (all groups)", roster.interval_summary(days[0])),
                             (f"Heads per shift type, {label} (per day)", roster.by_shift_type(days[0]))):
            t = Table(title=title)
            for col in frame.columns:
                t.add_column(col, justify="right")
            for r in frame.itertuples(index=False):
                t.add_row(*[number(v, 1) if isinstance(v, float) else str(v) for v in r])
            console.print(t)
    console.print(f"Paid hours: {number(roster.paid_hours, 1)} over {len(roster.weekdays)} day(s), paid breaks in, unpaid "
                  f"lunch out (the requirement is {number(roster.required_hours, 1)} agent-hours on the phones); "
                  f"integer program solved in {roster.solve_seconds:.2f} s"
                  + (f", within {roster.mip_gap:.2%} of the optimum (time limit)" if roster.mip_gap > 1e-6 else ", optimal"),
                  markup=False, highlight=False)
