"""The fit report of ``ccsim calibrate --report DIR``: how well the calibrated baseline fits its log.

Sections: the log's KPIs next to the calibrated baseline's (simulated), observed vs simulated
volume by interval and by weekday, handle-time histograms with the fitted density, patience
survival (Kaplan-Meier with its band) against the fitted curve, service by interval, and the
back-test (calibrated on the first weeks, predicting the last).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibrate.diagnostics import KPIS, FitCheck, simulated_by_weekday
from simulator.calibrate.fit import Calibration
from simulator.calibrate.volumes import WEEKDAYS, DAY
from simulator.output import charts
from simulator.output.charts.calibration import handle_histograms, patience_survival, volume_fit
from simulator.output.fmt import kpi_value
from simulator.output.report.page import cards, esc, figure, header, table, write_page

LABELS = {"service_level": "Service level", "abandonment_rate": "Abandonment", "asa_seconds": "ASA", "offered_per_day": "Calls offered per day"}


def _kpi(k: str, x: float) -> str:
    return esc(f"{x:,.0f}") if k == "offered_per_day" else esc(kpi_value(k, x, ""))


def _interval_labels(cal: Calibration) -> list[str]:
    h = cal.hours
    return [f"{(h.open_s + i * h.interval_minutes * 60) // 3600:02d}:{(h.open_s + i * h.interval_minutes * 60) % 3600 // 60:02d}"
            for i in range(h.intervals)]


def _kpi_section(cal: Calibration, check: FitCheck) -> list[str]:
    m = check.simulated.metrics()
    items, rows = [], []
    for k in KPIS:
        obs, sim = cal.observed[k], float(m.loc[k, "mean"])
        ci = f"simulated {_kpi(k, sim)} [{_kpi(k, m.loc[k, 'ci95_low'])}, {_kpi(k, m.loc[k, 'ci95_high'])}]"
        items.append((esc(LABELS[k]), _kpi(k, obs), ci, ""))
        rows.append([esc(LABELS[k]), _kpi(k, obs), _kpi(k, sim), f"{_kpi(k, m.loc[k, 'ci95_low'])} .. {_kpi(k, m.loc[k, 'ci95_high'])}"])
    return ["<h2>The log and the calibrated baseline</h2>", cards(items),
            table(["KPI", "observed (log)", "calibrated baseline (simulated)", "95% CI"], rows)]


def _volume_section(cal: Calibration, check: FitCheck) -> list[str]:
    labels = _interval_labels(cal)
    obs = check.observed_intervals["offered"].fillna(0).to_numpy(float)
    sim = check.simulated_intervals["offered"].reindex(range(len(labels))).fillna(0).to_numpy(float)
    log = cal.log
    day = np.floor(log.arrival_s / DAY).astype(np.int64)
    per_day = pd.Series(1, index=day).groupby(level=0).sum()
    weekday = pd.Series(per_day.to_numpy(), index=(per_day.index.to_numpy() + 3) % 7).groupby(level=0).mean()
    obs_w = np.array([weekday.get(w, 0.0) for w in range(7)])
    sim_w = simulated_by_weekday(check.simulated)
    weights = ", ".join(f"{WEEKDAYS[w]} {x:.2f}" for w, x in enumerate(cal.volumes.day_weights))
    return [
        "<h2>Volumes</h2>",
        figure(volume_fit(labels, obs, sim, "calls offered per day"), "Calls offered by interval of the day",
               "Mean over the days with calls; the simulated line includes the repeats and redials the engine adds to the "
               "fitted first attempts."),
        figure(volume_fit(list(WEEKDAYS), obs_w, sim_w, "calls offered per day"), "Calls offered by weekday",
               esc(f"Observed: mean calls offered on each weekday of the log. Simulated: the calibrated baseline, whose "
                   f"arrivals.day_weights ({weights}) scale calls_per_day per weekday (0: closed).")),
    ]


def _duration_section(cal: Calibration, check: FitCheck) -> list[str]:
    log = cal.log
    hist, surv = [], []
    for q, name in enumerate(log.queues):
        fit = cal.handle[q]
        seconds = log.handle_s[(log.queue == q) & log.answered]
        if len(seconds):
            grid = np.linspace(0.5, float(np.quantile(seconds, 0.99)), 200)
            hist.append((name, seconds, grid, fit.frozen().pdf(grid), f"fitted {fit.distribution}"))
        pf, km = cal.patience[q], check.survival.get(q)
        if pf is not None and km is not None and len(km.t):
            surv.append((name, km.t, km.s, km.low, km.high, pf.frozen().sf(km.t), f"fitted {pf.distribution}"))
    out = ["<h2>Handle time and patience</h2>"]
    if hist:
        out.append(figure(handle_histograms(hist), "Handle time: histogram and fitted density",
                          "Maximum likelihood; the family with the lowest AIC (see the scenario's comments for the values)."))
    if surv:
        out.append(figure(patience_survival(surv), "Patience: share still waiting after t seconds",
                          "Kaplan-Meier on the log (answered calls censored at their wait) with Greenwood's 95% band, "
                          "against the censored maximum-likelihood fit."))
    return out


def _service_section(cal: Calibration, check: FitCheck) -> list[str]:
    labels = _interval_labels(cal)
    frames = {}
    for name, df in (("observed (log)", check.observed_intervals), ("calibrated baseline (simulated)", check.simulated_intervals)):
        d = df.reindex(range(len(labels))).reset_index(drop=True)
        d["interval_start"] = labels
        frames[name] = d
    colors = charts.scenario_colors(list(frames), baseline="observed (log)")
    fig = charts.interval_service(frames, colors, cal.options.target_seconds, 0.8)
    return ["<h2>Service by interval</h2>", figure(fig, "Service level, ASA and abandonment by interval of the day",
                                                  "The log pooled over its days; the baseline over days and replications.")]


def _backtest_section(check: FitCheck) -> list[str]:
    bt = check.backtest
    if bt is None:
        return ["<h2>Back-test</h2>", '<p class="note">The log has fewer than 14 days with calls: no back-test '
                "(calibrate on the first weeks, predict the last 7 days).</p>"]
    rows = [[esc(LABELS[k]), _kpi(k, bt.observed[k]), _kpi(k, bt.predicted[k]),
             f"{_kpi(k, bt.predicted_ci[k][0])} .. {_kpi(k, bt.predicted_ci[k][1])}"] for k in ("offered_per_day", *KPIS)]
    intro = (f"Calibrated on {bt.train_days[0]} to {bt.train_days[1]} (repeat window {bt.fcr_window_days:g} days), "
             f"simulated, and compared with {bt.test_days[0]} to {bt.test_days[1]}, which the calibration did not see.")
    return ["<h2>Back-test</h2>", f"<p>{esc(intro)}</p>",
            table(["KPI", "observed (held-out days)", "predicted", "95% CI"], rows)]


def write_calibration_report(cal: Calibration, check: FitCheck, out_dir: Path) -> Path:
    """Write ``report.html`` (and the calibrated scenario next to it) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    v = cal.volumes
    meta = esc(f"{len(cal.log):,} calls from {v.first_day} to {v.last_day} · {Path(cal.log.source).name} · "
               f"baseline simulated over {len(check.simulated.replications)} replications")
    body = [header("Calibration fit report", check.simulated.scenario.name, "", meta)]
    for section in (_kpi_section, _volume_section, _duration_section, _service_section):
        body += section(cal, check)
    body += _backtest_section(check)
    return write_page(out_dir, f"Calibration - {check.simulated.scenario.name}", body)
