"""How well a calibration fits its log: the numbers the fit report draws.

Kaplan-Meier patience survival with a Greenwood 95% band (the non-parametric check on the censored
fit), the log's own KPIs per interval of the day, the calibrated baseline simulated next to them,
and a back-test: calibrate on the log's first weeks, simulate, and compare with the last ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from simulator.calibrate.calllog import CallLog
from simulator.calibrate.fit import Calibration, FitOptions, calibrate_log, observed_kpis
from simulator.calibrate.volumes import DAY, Hours
from simulator.calibrate.writer import scenario_yaml
from simulator.model.scenario import Scenario, parse_scenario
from simulator.model.yamlsafe import load_yaml
from simulator.studies.simulate import SimulationResult, simulate

KPIS = ("service_level", "abandonment_rate", "asa_seconds")


@dataclass(frozen=True)
class Survival:
    """Kaplan-Meier estimate of P(patience > t) at the abandon times, with a 95% band."""

    t: np.ndarray
    s: np.ndarray
    low: np.ndarray
    high: np.ndarray


def kaplan_meier(wait_s: np.ndarray, abandoned: np.ndarray, points: int = 400) -> Survival:
    """Product-limit estimate; answered calls are censored at their wait. The band is Greenwood's
    variance on the log-log scale (it stays inside [0, 1]). Thinned to ``points`` steps for drawing."""
    order = np.argsort(wait_s, kind="stable")
    t, ev = wait_s[order], abandoned[order]
    times, first = np.unique(t, return_index=True)
    at_risk = len(t) - first
    deaths = np.add.reduceat(ev.astype(np.int64), first)
    hit = deaths > 0
    times, at_risk, deaths = times[hit], at_risk[hit], deaths[hit]
    s = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.cumsum(deaths / (at_risk * np.maximum(at_risk - deaths, 1)))
        log_s = np.log(s)
        half = stats.norm.ppf(0.975) * np.sqrt(var) / np.abs(log_s)
        low, high = s ** np.exp(half), s ** np.exp(-half)
    keep = np.unique(np.linspace(0, len(times) - 1, min(points, len(times))).astype(int)) if len(times) else np.zeros(0, int)
    return Survival(times[keep], s[keep], np.nan_to_num(low[keep], nan=0.0), np.nan_to_num(high[keep], nan=1.0))


def observed_by_interval(log: CallLog, hours: Hours, target_seconds: float) -> pd.DataFrame:
    """Per interval of the day: offered per day, service level, abandonment, ASA (all days pooled)."""
    days = len(np.unique(np.floor(log.arrival_s / DAY)))
    frame = pd.DataFrame({
        "interval": hours.interval_of(log.arrival_s),
        "within": log.answered & (log.wait_s <= target_seconds),
        "abandoned": ~log.answered,
        "answered_wait": np.where(log.answered, log.wait_s, np.nan),
    })
    g = frame.groupby("interval")
    out = pd.DataFrame({
        "offered": g.size() / days,
        "service_level": g["within"].mean(),
        "abandonment_rate": g["abandoned"].mean(),
        "asa_seconds": g["answered_wait"].mean(),
    })
    return out.reindex(range(hours.intervals))


def simulated_by_interval(result: SimulationResult) -> pd.DataFrame:
    """The simulated baseline per interval of the day, mean over days and replications."""
    iv = result.intervals
    days = int((result.plan.day_weights() > 0).sum())  # open days only, as the log's "days with calls"
    reps = iv["replication"].nunique()
    sums = iv.groupby("interval")[["offered"]].sum() / (days * reps)
    means = iv.groupby("interval")[list(KPIS)].mean()
    return pd.concat([sums, means], axis=1)


def simulated_by_weekday(result: SimulationResult) -> np.ndarray:
    """Calls offered per weekday (Monday first), mean over the simulated days of that weekday and
    the replications; 0 for a weekday the horizon does not cover."""
    iv = result.intervals
    per_day = iv.groupby("day")["offered"].sum() / iv["replication"].nunique()
    out = np.zeros(7)
    for w in range(7):
        days = [d for d in per_day.index if result.plan.weekday(int(d)) == w]
        out[w] = float(per_day.loc[days].mean()) if days else 0.0
    return out


@dataclass(frozen=True)
class BackTest:
    train_days: tuple[str, str]
    fcr_window_days: float
    test_days: tuple[str, str]
    observed: dict[str, float]  # the held-out weeks' KPIs, offered per day included
    predicted: dict[str, float]  # the scenario calibrated on the first weeks, simulated
    predicted_ci: dict[str, tuple[float, float]]


def _day_text(seconds: float) -> str:
    return str(np.datetime64(int(seconds // DAY), "D"))


def back_test(log: CallLog, options: FitOptions, holdout_days: int = 7, replications: int = 5,
              seed: int = 1, workers: int | None = None) -> BackTest | None:
    """Calibrate on all but the last ``holdout_days`` days with calls, predict those. ``None`` when
    the log has fewer than twice that many days."""
    day = np.floor(log.arrival_s / DAY)
    days = np.unique(day)
    if len(days) < 2 * holdout_days:
        return None
    cut = days[-holdout_days]
    train, test = log.subset(day < cut), log.subset(day >= cut)
    # The repeat window must leave answered calls to judge inside the training days.
    window = min(options.fcr_window_days, max((len(days) - holdout_days) / 2, 1.0))
    cal = calibrate_log(train, replace(options, fcr_window_days=window))
    scenario = parse_scenario(load_yaml(scenario_yaml(cal, "back-test")))
    result = simulate(scenario, replications=replications, seed=seed, workers=workers)
    metrics = result.metrics()
    observed = observed_kpis(test, options.target_seconds)
    observed["offered_per_day"] = len(test) / holdout_days
    reps = result.replications
    offered = reps["calls_offered"] / scenario.horizon.days
    predicted = {k: float(reps[k].mean()) for k in KPIS} | {"offered_per_day": float(offered.mean())}
    ci = {k: (float(metrics.loc[k, "ci95_low"]), float(metrics.loc[k, "ci95_high"])) for k in KPIS}
    half = stats.t.ppf(0.975, max(len(offered) - 1, 1)) * offered.std(ddof=1) / np.sqrt(len(offered)) if len(offered) > 1 else np.nan
    ci["offered_per_day"] = (float(offered.mean() - half), float(offered.mean() + half))
    return BackTest((_day_text(train.arrival_s[0]), _day_text(train.arrival_s[-1])), window,
                    (_day_text(test.arrival_s[0]), _day_text(test.arrival_s[-1])), observed, predicted, ci)


@dataclass(frozen=True)
class FitCheck:
    """Everything the fit report shows next to the calibration itself."""

    simulated: SimulationResult
    observed_intervals: pd.DataFrame
    simulated_intervals: pd.DataFrame
    survival: dict[int, Survival]  # per queue with abandons
    backtest: BackTest | None


def fit_check(cal: Calibration, scenario: Scenario, replications: int = 5, seed: int = 1,
              workers: int | None = None, holdout_days: int = 7) -> FitCheck:
    """Simulate the calibrated baseline, tabulate the log per interval, estimate Kaplan-Meier
    survival per queue, and back-test when the log is long enough."""
    log = cal.log
    result = simulate(scenario, replications=replications, seed=seed, workers=workers)
    survival = {q: kaplan_meier(log.wait_s[log.queue == q], ~log.answered[log.queue == q])
                for q in range(len(log.queues)) if (~log.answered[log.queue == q]).any()}
    return FitCheck(result, observed_by_interval(log, cal.hours, cal.options.target_seconds), simulated_by_interval(result),
                    survival, back_test(log, cal.options, holdout_days, replications, seed, workers))
