"""The report of ``ccsim study`` (how sure are we) and of ``ccsim sweep``, with their CSV files.

Figures are rounded to what their spread justifies (``justified``): a saving whose P10-P90 range
is 5,000 wide is shown to the hundred, not to the cent. The console table and the HTML read the
same texts (``study_rows``), so a figure is the same everywhere.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import numpy as np

from simulator.output.charts.sensitivity import draws_histogram, sweep_heatmap, sweep_line, tornado_chart
from simulator.output.charts.style import drawable
from simulator.output.export import inert_frame
from simulator.output.fmt import MISSING, is_missing, kpi_value, money, pct
from simulator.output.report.page import esc, figure, header, summary_box, table, user_text, write_page
from simulator.studies.uncertainty import PAYBACK_WITHIN, Study
from simulator.studies.sweep import SweepResult


def justified_digits(spread: float, natural: int = 0) -> tuple[int, float]:
    """(decimals, rounding step) for a figure whose P10-P90 range is ``spread`` wide: about a
    tenth of the range, as a power of ten (never finer than ``natural`` decimals)."""
    if is_missing(spread) or spread <= 0:
        return natural, 10.0 ** -natural
    step = 10.0 ** math.floor(math.log10(spread / 10))
    step = max(step, 10.0 ** -natural)
    return max(0, -int(math.floor(math.log10(step)))), step


def _money_j(x: float, spread: float, currency: str) -> str:
    if is_missing(x):
        return MISSING
    digits, step = justified_digits(spread, 2 if abs(x) < 100 else 0)
    return money(round(x / step) * step, currency, digits)


def _roi_j(x: float, spread: float) -> str:
    if is_missing(x):
        return MISSING
    digits, step = justified_digits(spread, 1)
    return f"{round(x / step) * step:,.{digits}f}×".replace("-", "\u2212")  # the minus sign money() uses


def _payback(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    return "never" if math.isinf(x) else f"{x:.0f}"


def study_rows(study: Study) -> list[dict[str, str]]:
    """Per lever, the texts of every figure: saving, payback, NPV, ROI (P50 and P10-P90), payback
    probabilities and the spread's source."""
    cur = study.currency
    out = []
    for name in study.scenarios:
        s = study.summary[study.summary["scenario"] == name].set_index("metric")
        p = study.payback[study.payback["scenario"] == name].iloc[0]
        v = study.spread[study.spread["scenario"] == name].iloc[0]
        row: dict[str, str] = {"scenario": name}
        for m, fmt in (("saving_month", lambda x, w: _money_j(x, w, cur)), ("npv_3y", lambda x, w: _money_j(x, w, cur)),
                       ("roi_3y", _roi_j), ("payback_month", lambda x, w: _payback(x))):
            lo, mid, hi = (float(s.loc[m, q]) for q in ("p10", "p50", "p90"))
            width = hi - lo if np.isfinite([lo, hi]).all() else math.nan
            row[m] = fmt(mid, width)  # type: ignore[operator]
            row[f"{m}_range"] = f"{fmt(lo, width)} to {fmt(hi, width)}"  # type: ignore[operator]
        for mth in PAYBACK_WITHIN:
            row[f"within_{mth}"] = pct(p[f"within_{mth}"], 0)
        row["noise_share"] = pct(1 - v.input_share, 0) if not is_missing(v.input_share) else MISSING
        row["dominant"] = str(v.dominant)
        out.append(row)
    return out


def summary_sentences(study: Study) -> list[str]:
    """Plain text: each lever's P50 saving with its P10-P90 range first, then payback odds."""
    held = ("the baseline's agents held (a deflection lever saves labour only if staffing follows: --hold service)"
            if study.hold == "staffing" else "every draw re-staffed to the same service target")
    out = []
    for r in study_rows(study):
        out.append(f"{r['scenario']}: monthly saving {r['saving_month']} at P50, P10-P90 {r['saving_month_range']}; "
                   f"pays back within 12 months in {r['within_12']} of draws, within 36 in {r['within_36']}; "
                   f"3-year NPV {r['npv_3y']} (P10-P90 {r['npv_3y_range']}). The spread comes mostly from "
                   f"{'the uncertain inputs' if r['dominant'] == 'inputs' else r['dominant']}.")
    out.append(f"{study.n_draws} Latin hypercube draws of {len(study.inputs)} uncertain input(s) x {study.replications} "
               f"paired replications each (seed {study.seed}), with {held}.")
    return out


def _labels(paths: list[str]) -> tuple[list[str], str]:
    """Chart labels (the paths, or I1, I2 ... when a path cannot be drawn) and the HTML key list."""
    if all(drawable(p) for p in paths):
        return list(paths), ""
    keys = [f"I{i}" for i in range(1, len(paths) + 1)]
    return keys, "<p class=\"caption\">" + "; ".join(f"{k}: {esc(p)}" for k, p in zip(keys, paths)) + "</p>"


def write_study_report(study: Study, out_dir: Path) -> Path:
    """Write report.html, draws.csv, summary.csv (and tornado.csv, sobol.csv) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cur = study.currency
    inert_frame(study.draws).to_csv(out_dir / "draws.csv", index=False)
    merged = study.summary.merge(study.payback, on="scenario").merge(study.spread, on="scenario")
    inert_frame(merged).to_csv(out_dir / "summary.csv", index=False)
    for name, frame in (("tornado", study.tornado), ("sobol", study.sobol)):
        if frame is not None:
            inert_frame(frame).to_csv(out_dir / f"{name}.csv", index=False)
    meta = esc(f"{study.n_draws} draws x {study.replications} replications · seed {study.seed} · hold {study.hold}")
    body = [header("How sure are we", f"{study.baseline} and {len(study.scenarios)} lever scenario(s)", "", meta),
            summary_box([esc(s) for s in summary_sentences(study)])]
    rows = study_rows(study)
    body += ["<h2>Savings and returns over the uncertain inputs</h2>",
             table(["lever", "saving / month P50", "P10 to P90", "payback month P50", "P10 to P90", "NPV 3y P50", "ROI 3y P50",
                    "P10 to P90", "pays back ≤12 mo", "≤36 mo", "noise share of spread"],
                   [[user_text(r["scenario"]), esc(r["saving_month"]), esc(r["saving_month_range"]), esc(r["payback_month"]),
                     esc(r["payback_month_range"]), esc(r["npv_3y"]), esc(r["roi_3y"]), esc(r["roi_3y_range"]),
                     esc(r["within_12"]), esc(r["within_36"]), esc(r["noise_share"])] for r in rows]),
             "<p class=\"caption\">P10/P50/P90 over the draws; payback \"never\" means not within 36 months. Noise share: "
             "the part of the draws' variance of the monthly saving that the simulation's own noise explains "
             "(replication variance / replications); the rest is the inputs'.</p>",
             "<h2>Uncertain inputs</h2>",
             table(["input", "distribution"], [[esc(p), esc(d)] for p, d in study.inputs.items()], cls="text")]
    for name in study.scenarios:
        d = study.draws[study.draws["scenario"] == name]
        s = study.summary[(study.summary["scenario"] == name) & (study.summary["metric"] == "saving_month")].iloc[0]
        body.append(figure(draws_histogram(d["saving_month"].to_numpy(float), s.p10, s.p50, s.p90, cur),
                           f"Monthly saving over the draws: {name}"))
    body += _tornado_section(study)
    body += _sobol_section(study)
    return write_page(out_dir, f"How sure are we - {study.baseline}", body)


def _tornado_section(study: Study) -> list[str]:
    if study.tornado is None or study.tornado.empty:
        return []
    out = ["<h2>Which input matters: tornado</h2>",
           "<p>Each input in turn at its low end, then its high end (the range's bounds; the 5th and 95th percentiles "
           "of an unbounded distribution), every other input at its central value; same seed at every point.</p>"]
    for name, df in study.tornado.groupby("scenario", sort=False):
        labels, key = _labels(list(df["input"]))
        fig = tornado_chart(labels, df["saving_low"].tolist(), df["saving_high"].tolist(), float(df["saving_central"].iloc[0]),
                            study.currency)
        out.append(figure(fig, f"Monthly saving of {name} as each input moves", key))
        out.append(table(["input", "low", "high", "saving at low", "saving at high", "swing"],
                         [[esc(r.input), esc(f"{r.low:g}"), esc(f"{r.high:g}"), esc(money(r.saving_low, study.currency)),
                           esc(money(r.saving_high, study.currency)), esc(money(r.swing, study.currency))]
                          for r in df.itertuples()]))
    return out


def _sobol_section(study: Study) -> list[str]:
    if study.sobol is None or study.sobol.empty:
        return []
    return ["<h2>Global sensitivity: Sobol indices</h2>",
            "<p>Share of the monthly saving's variance due to each input alone (S1) and with its interactions (ST), "
            "with SALib's 95% half-widths; all inputs vary together over their distributions.</p>",
            table(["lever", "input", "S1", "±", "ST", "±"],
                  [[user_text(r.scenario), esc(r.input), esc(f"{r.S1:.2f}"), esc(f"{r.S1_conf:.2f}"), esc(f"{r.ST:.2f}"),
                    esc(f"{r.ST_conf:.2f}")] for r in study.sobol.itertuples()])]


MONEY_METRICS = ("saving_month", "monthly_cost", "total_cost", "cost_per_call", "cost_per_contact")


def sweep_format(result: SweepResult) -> Callable[[float], str]:
    """How a sweep's figure is written (console and HTML alike): money, a share, or a number."""
    if result.metric in MONEY_METRICS:
        return lambda x: money(x, result.currency)
    return lambda x: kpi_value(result.metric, x, result.currency)


def write_sweep_report(result: SweepResult, out_dir: Path) -> Path:
    """Write report.html and sweep.csv into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    inert_frame(result.points).to_csv(out_dir / "sweep.csv", index=False)
    label = {"saving_month": f"monthly saving vs {result.baseline} ({result.currency})",
             "monthly_cost": f"monthly cost ({result.currency})"}.get(result.metric, result.metric)
    money_metric = result.metric in MONEY_METRICS
    pts = result.points
    if len(result.varies) == 1:
        v = result.varies[0]
        fig = sweep_line(pts[v.path].to_numpy(float), pts["mean"], pts["ci95_low"], pts["ci95_high"], v.path, label, money_metric)
        chart = figure(fig, f"{label} as {v.path} moves", esc("The band: each point's 95% interval over replications; "
                                                                 "every point uses the same seed (common random numbers)."))
    else:
        vx, vy = result.varies
        grid = pts.pivot(index=vy.path, columns=vx.path, values="mean").reindex(index=list(vy.values), columns=list(vx.values))
        chart = figure(sweep_heatmap(list(vx.values), list(vy.values), grid.to_numpy(float), vx.path, vy.path, label),
                       f"{label} over {vx.path} and {vy.path}", esc("Every cell uses the same seed (common random numbers)."))
    held = f", hold {result.hold}" if result.hold else ""
    meta = esc(f"{len(pts)} points x {result.replications} replications · seed {result.seed}{held}")
    head = [v.path for v in result.varies] + ["mean", "95% CI low", "95% CI high"]
    fmt = sweep_format(result)
    rows = [[esc(f"{r[v.path]:g}") for v in result.varies] + [esc(fmt(r["mean"])), esc(fmt(r["ci95_low"])), esc(fmt(r["ci95_high"]))]
            for r in pts.to_dict("records")]
    body = [header("Sweep", result.scenario, "", meta), chart, table(head, rows)]
    return write_page(out_dir, f"Sweep - {result.scenario}", body)


__all__ = ["MONEY_METRICS", "justified_digits", "sweep_format", "study_rows", "summary_sentences", "write_study_report", "write_sweep_report"]
