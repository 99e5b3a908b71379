"""The fit report: Kaplan-Meier survival, the back-test and the HTML page of ``calibrate --report``."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from calibration_logs import LogTruth, generate, write_log
from simulator.calibrate import FitOptions, column_map, read_call_log
from simulator.calibrate.diagnostics import back_test, kaplan_meier
from simulator.cli import app


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    t = np.array([5.0, 1.0, 3.0, 3.0, 8.0])
    km = kaplan_meier(t, np.ones(5, bool))
    assert list(km.t) == [1.0, 3.0, 5.0, 8.0]
    assert np.allclose(km.s, [0.8, 0.4, 0.2, 0.0])


def test_kaplan_meier_band_covers_the_true_survival_under_heavy_censoring():
    rng = np.random.default_rng(2)
    patience, wait = rng.exponential(200.0, 20000), rng.exponential(30.0, 20000)
    km = kaplan_meier(np.minimum(patience, wait), patience < wait)
    inside = (km.low <= np.exp(-km.t / 200.0)) & (np.exp(-km.t / 200.0) <= km.high)
    assert inside[km.t < 100].mean() > 0.9, inside.mean()


def test_back_test_predicts_the_held_out_week(tmp_path):
    truth = LogTruth()
    path = write_log(generate(truth), tmp_path / "log.csv", truth)
    bt = back_test(read_call_log(path, column_map()), FitOptions(), holdout_days=7, replications=3, workers=1)
    assert bt is not None and bt.test_days == ("2024-03-11", "2024-03-17")
    for k, tol in (("service_level", 0.05), ("abandonment_rate", 0.015)):
        assert abs(bt.predicted[k] - bt.observed[k]) < tol, (k, bt.predicted[k], bt.observed[k])
    assert abs(bt.predicted["offered_per_day"] / bt.observed["offered_per_day"] - 1) < 0.06, bt


def test_calibrate_report_writes_a_page_with_every_section(tmp_path):
    truth = LogTruth()
    path = write_log(generate(truth), tmp_path / "log.csv", truth)
    res = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "out.yaml"),
                                   "--report", str(tmp_path / "rep"), "-r", "2", "--workers", "1"])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    for title in ("The log and the calibrated baseline", "Calls offered by interval of the day", "Calls offered by weekday",
                  "Handle time: histogram and fitted density", "Patience: share still waiting", "Service by interval",
                  "Back-test", "which the calibration did not see"):
        assert title in html, title
    assert html.count("data:image/png;base64,") == 5


def test_a_weekday_center_is_simulated_per_open_day(tmp_path):
    """A log without weekend calls gives closed weekend days; the simulated calls per open day and per
    weekday match the log's (dividing by all seven days would give 5/7 of them)."""
    from simulator.calibrate import calibrate
    from simulator.calibrate.diagnostics import fit_check, observed_by_interval, simulated_by_weekday

    truth = LogTruth()
    assert truth.start_day == "2024-03-04"  # a Monday: day d of the log is weekday d % 7
    rows = [r for r in generate(truth) if int(r["t"] // 86400) % 7 < 5]
    path = write_log(rows, tmp_path / "log.csv", truth)
    cal, sc = calibrate(path, tmp_path / "out.yaml")
    assert sc.arrivals.day_weights[5:] == [0.0, 0.0] and min(sc.arrivals.day_weights[:5]) > 0.9
    check = fit_check(cal, sc, replications=2, workers=1, holdout_days=7)
    observed = observed_by_interval(cal.log, cal.hours, 20.0)["offered"].sum()
    simulated = check.simulated_intervals["offered"].sum()
    assert abs(simulated / observed - 1) < 0.05, (simulated, observed)
    week = simulated_by_weekday(check.simulated)
    assert week[5] == week[6] == 0.0 and np.all(np.abs(week[:5] / observed - 1) < 0.1), week
