"""Calibration recovers the parameters of synthetic logs (tests/calibration_logs.py) within their
sampling error, and the calibrated scenario, simulated, reproduces the log's service."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from simulator.calibrate import calibrate, column_map, read_call_log
from simulator.calibrate.durations import fit_handle_time, fit_patience
from simulator.model.scenario import load_scenario
from simulator.studies.simulate import simulate
from calibration_logs import LogTruth, generate, write_log

TRUTH = LogTruth()


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calib")
    rows = generate(TRUTH)
    log_path = write_log(rows, folder / "log.csv", TRUTH)
    cal, scenario = calibrate(log_path, folder / "baseline.yaml")
    return rows, cal, scenario, folder / "baseline.yaml"


def _queue(cal, name):
    return cal.log.queues.index(name)


def test_the_written_file_is_a_valid_scenario_with_a_comment_per_fitted_value(calibrated):
    _, cal, scenario, path = calibrated
    assert load_scenario(path).name == scenario.name
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for key in ("calls_per_day:", "profile:", "share:", "handle_time:", "patience:", "fcr:", "staffing:", "probability:"):
        for i, line in enumerate(lines):
            if line.strip().startswith(key) or line.strip().startswith(f"- {key}"):
                assert lines[i - 1].strip().startswith("#"), f"{key} at line {i + 1} has no comment above it"
    assert "day_weights" in text and "censored" in text and "AIC" in text


def test_handle_time_mean_within_3_percent_and_its_standard_error(calibrated):
    _, cal, _, _ = calibrated
    for q in TRUTH.queues:
        fit = cal.handle[_queue(cal, q.name)]
        se = q.handle_cv * q.handle_mean / math.sqrt(fit.observations)
        err = fit.mean_seconds - q.handle_mean
        assert abs(err) < 0.03 * q.handle_mean and abs(err) < 4 * se, (q.name, fit, se)
        assert fit.distribution == "lognormal", fit.criterion()


def test_patience_mean_within_10_percent_under_heavy_censoring(calibrated):
    _, cal, _, _ = calibrated
    for q in TRUTH.queues:
        qi = _queue(cal, q.name)
        m = cal.log.queue == qi
        answered = cal.log.answered[m].mean()
        assert answered > 0.80, f"{q.name}: only {answered:.1%} answered, the test needs heavy censoring"
        fit = cal.patience[qi]
        se = q.patience_mean / math.sqrt(fit.events)  # exponential MLE: mean / sqrt(events)
        err = abs(fit.mean_seconds - q.patience_mean)
        assert err < 0.10 * q.patience_mean and err < 3 * se, (q.name, fit.mean_seconds, se)
        naive = cal.log.wait_s[m & ~cal.log.answered].mean()  # the mean wait of the abandoners
        assert abs(naive - q.patience_mean) > 5 * max(err, 3 * se), (q.name, naive, "the naive estimate should be far off")


def test_volumes_shares_fcr_and_redials_within_sampling_error(calibrated):
    rows, cal, scenario, _ = calibrated
    v = cal.volumes
    # Against the draw: repeats and redials told apart from first attempts (a first attempt is a
    # caller's first call in the generator) ...
    first_calls = len({r["caller"] for r in rows})
    assert abs(v.first_attempts - first_calls) <= 0.002 * first_calls, (v.first_attempts, first_calls)
    # ... and against the parameter, within the Poisson error of the draw (this seed is 3.5 SE high).
    se_day = math.sqrt(v.first_attempts) / v.open_days
    assert abs(v.calls_per_day - TRUTH.calls_per_day) < 4 * se_day, (v.calls_per_day, se_day)
    for q in TRUTH.queues:
        qi = _queue(cal, q.name)
        se = math.sqrt(q.share * (1 - q.share) / v.first_attempts)
        assert abs(v.shares[qi] - q.share) < 3 * se, (q.name, v.shares[qi], se)
        fcr, judged, _ = cal.follow.fcr[qi]
        se = math.sqrt(q.fcr * (1 - q.fcr) / judged)
        assert abs(fcr - q.fcr) < 3 * se, (q.name, fcr, se)
    p, judged, _ = cal.follow.redial_probability
    se = math.sqrt(TRUTH.redial_probability * (1 - TRUTH.redial_probability) / judged)
    assert abs(p - TRUTH.redial_probability) < 3 * se, (p, se)
    assert v.weekdays_open == list(range(7)) and scenario.horizon.days == 7
    weekday_se = 1 / math.sqrt(2 * TRUTH.calls_per_day)  # two of each weekday in 14 days
    assert max(abs(w - 1) for w in v.day_weights) < 4 * weekday_se, v.day_weights
    prof = np.asarray(TRUTH.profile) / sum(TRUTH.profile) * TRUTH.calls_per_day
    se = np.sqrt(prof / v.open_days)
    assert np.all(np.abs(np.asarray(v.profile) - prof) < 4 * se), (v.profile, prof)
    assert (scenario.horizon.open, scenario.horizon.close) == ("08:00", "20:00")


def test_simulated_service_level_and_abandonment_match_the_log(calibrated):
    rows, cal, scenario, _ = calibrated
    result = simulate(scenario, replications=4, workers=1)
    reps = result.replications
    t = np.array([r["t"] for r in rows])
    day = (t // 86400).astype(int)
    answered = np.array([r["outcome"] == "answered" for r in rows])
    wait = np.array([r["wait"] for r in rows])
    for kpi, per_call in (("service_level", answered & (wait <= 20)), ("abandonment_rate", ~answered)):
        daily = np.array([per_call[day == d].mean() for d in range(TRUTH.days)])
        se_log = daily.std(ddof=1) / math.sqrt(TRUTH.days)
        se_sim = reps[kpi].std(ddof=1) / math.sqrt(len(reps))
        observed = cal.observed[kpi]
        simulated = reps[kpi].mean()
        assert abs(simulated - observed) < 3 * math.hypot(se_log, se_sim), (kpi, observed, simulated, se_log, se_sim)


def test_censored_fits_agree_with_scipy_censored_data():
    rng = np.random.default_rng(3)
    patience = rng.lognormal(5.0, 0.8, 3000)
    wait = rng.exponential(60.0, 3000)
    abandoned = patience < wait
    t = np.minimum(patience, wait)
    data = stats.CensoredData(uncensored=t[abandoned], right=t[~abandoned])
    ours = fit_patience(t, abandoned)
    scale = stats.expon.fit(data, floc=0)[1]
    assert ours.aic["exponential"] == pytest.approx(2 - 2 * stats.expon.logpdf(t[abandoned], scale=scale).sum()
                                                   - 2 * stats.expon.logsf(t[~abandoned], scale=scale).sum(), rel=1e-3)
    s, _, sc = stats.lognorm.fit(data, floc=0)
    assert ours.distribution == "lognormal"
    assert ours.mean_seconds == pytest.approx(sc * math.exp(s * s / 2), rel=0.02)
    assert ours.cv == pytest.approx(math.sqrt(math.expm1(s * s)), rel=0.02)


def test_handle_time_family_follows_the_data():
    rng = np.random.default_rng(5)
    assert fit_handle_time(rng.exponential(200, 20000)).distribution == "exponential"
    assert fit_handle_time(rng.gamma(4.0, 50.0, 20000)).distribution == "gamma"
    assert fit_handle_time(rng.lognormal(5, 1.0, 20000)).distribution == "lognormal"


def test_no_abandons_means_no_patience_and_no_caller_means_fcr_one(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("arrival_time,queue,wait_seconds,outcome,handle_seconds\n"
                    + "".join(f"2024-03-04T09:{m:02d}:00,sales,{m % 7},answered,{100 + 10 * m}\n" for m in range(50)),
                    encoding="utf-8")
    cal, scenario = calibrate(path, tmp_path / "out.yaml")
    assert scenario.contact_types[0].patience is None and scenario.contact_types[0].fcr == 1.0
    assert scenario.redials.probability == 0.0
    assert read_call_log(path, column_map()).caller is None


def test_weekday_weights_become_fields_once_the_schema_has_them(calibrated):
    from simulator.calibrate.writer import head_lines

    _, cal, _, _ = calibrated
    weekly = head_lines("intro", "n", cal.volumes, cal.hours, 20.0, cal.observed, weekly=True)
    flat = head_lines("intro", "n", cal.volumes, cal.hours, 20.0, cal.observed, weekly=False)
    assert '  start_day: "mon"' in weekly and "  days: 7" in weekly
    assert any(line.startswith("  day_weights: [") for line in weekly)
    assert any(line.startswith("  # day_weights: [") for line in flat) and not any("start_day" in line for line in flat)
