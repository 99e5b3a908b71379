"""Duration distributions fitted by maximum likelihood: handle times, and patience with censoring.

Handle times are fully observed (answered calls). Patience is not: an abandoned call shows its
patience (the wait at which the caller hung up), an answered call only shows that patience was
longer than its wait (right-censored). The mean wait of the abandoners is therefore biased low
(they are the impatient ones) and is never used: the censored log-likelihood is maximised, events
contributing log f(t) and answered calls log S(t). Among exponential, lognormal and gamma the fit
with the lowest AIC (2 x parameters - 2 x log-likelihood) is kept, the exponential unless
another family is lower by more than :data:`EXPONENTIAL_MARGIN`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

FAMILIES = ("exponential", "lognormal", "gamma")
MIN_SECONDS = 0.5  # durations logged as 0 s are "under a second": a density at 0 would be infinite
CV_RANGE = (1e-4, 100.0)  # what the scenario schema accepts
# The one-parameter exponential is kept unless a two-parameter family lowers the AIC by more than
# this (Burnham & Anderson: a difference under 4 is weak support). It matters for patience: under
# heavy censoring the mean beyond the longest observed wait is an extrapolation, and a second
# shape parameter fitted on weak evidence moves it far.
EXPONENTIAL_MARGIN = 4.0


@dataclass(frozen=True)
class DurationFit:
    """A fitted distribution in the scenario's terms, with the evidence for choosing it."""

    distribution: str
    mean_seconds: float
    cv: float | None
    aic: dict[str, float]
    observations: int  # calls used
    events: int  # calls whose duration was seen in full (= observations for handle times)

    def spec(self) -> dict[str, object]:
        out: dict[str, object] = {"distribution": self.distribution, "mean_seconds": round(self.mean_seconds, 2)}
        if self.cv is not None:
            out["cv"] = round(min(max(self.cv, CV_RANGE[0]), CV_RANGE[1]), 4)
        return out

    def frozen(self) -> stats.rv_continuous:
        """The fitted distribution as a frozen scipy distribution (for densities and survival)."""
        if self.distribution == "exponential" or self.cv is None:
            return stats.expon(scale=self.mean_seconds)
        if self.distribution == "lognormal":
            s2 = math.log1p(self.cv**2)
            return stats.lognorm(math.sqrt(s2), scale=math.exp(math.log(self.mean_seconds) - s2 / 2))
        shape = 1 / self.cv**2
        return stats.gamma(shape, scale=self.mean_seconds / shape)

    def criterion(self) -> str:
        ranked = ", ".join(f"{k} {v:,.1f}" for k, v in sorted(self.aic.items(), key=lambda kv: kv[1]))
        return (f"lowest AIC among exponential, lognormal, gamma, the exponential unless beaten by more than "
                f"{EXPONENTIAL_MARGIN:g} (AIC: {ranked})")


def _aic(loglik: float, params: int) -> float:
    return 2 * params - 2 * loglik


def fit_handle_time(seconds: np.ndarray) -> DurationFit:
    """Maximum-likelihood fits of the three families to complete observations; lowest AIC wins."""
    x = np.maximum(np.asarray(seconds, dtype=float), MIN_SECONDS)
    n = len(x)
    if n < 2 or np.ptp(x) == 0:
        return DurationFit("exponential", float(x.mean()), None, {"exponential": math.nan}, n, n)
    m = float(x.mean())
    lx = np.log(x)
    mu, s = float(lx.mean()), float(lx.std())
    shape, _, scale = stats.gamma.fit(x, floc=0)
    fits = {
        "exponential": (m, None, -n * math.log(m) - n, 1),
        "lognormal": (math.exp(mu + s * s / 2), math.sqrt(math.expm1(s * s)),
                      float(-lx.sum() - n * math.log(s) - n / 2 * math.log(2 * math.pi) - n / 2), 2),
        "gamma": (shape * scale, 1 / math.sqrt(shape), float(stats.gamma.logpdf(x, shape, scale=scale).sum()), 2),
    }
    return _best(fits, n, n)


def _best(fits: dict[str, tuple[float, float | None, float, int]], n: int, events: int) -> DurationFit:
    aic = {k: _aic(ll, k_params) for k, (_, _, ll, k_params) in fits.items()}
    best = min(aic, key=lambda k: aic[k])
    if best != "exponential" and aic[best] > aic["exponential"] - EXPONENTIAL_MARGIN:
        best = "exponential"
    mean, cv, _, _ = fits[best]
    return DurationFit(best, float(mean), None if best == "exponential" else float(cv), aic, n, events)


def _censored_loglik(family: str, mean: float, cv: float, t: np.ndarray, event: np.ndarray, w: np.ndarray) -> float:
    if family == "lognormal":
        s2 = math.log1p(cv * cv)
        dist = stats.lognorm(math.sqrt(s2), scale=math.exp(math.log(mean) - s2 / 2))
    else:
        shape = 1 / (cv * cv)
        dist = stats.gamma(shape, scale=mean / shape)
    ll = np.where(event, dist.logpdf(t), dist.logsf(t))
    return float((w * ll).sum())


def fit_patience(wait_seconds: np.ndarray, abandoned: np.ndarray) -> DurationFit | None:
    """Censored maximum likelihood: abandoned calls are events at their wait, answered calls are
    right-censored at theirs. ``None`` when no call abandoned (patience cannot be told apart from
    "never abandons")."""
    wait = np.asarray(wait_seconds, dtype=float)
    ev = np.asarray(abandoned, dtype=bool)
    d = int(ev.sum())
    if d == 0:
        return None
    # An exponential's censored MLE is closed-form: exposure (all waits) / events.
    exp_mean = float(wait.sum() / d)
    # Ties carry the same likelihood: group (wait to 0.1 s, event) pairs with counts, so a million
    # calls cost a few thousand terms. Waits of 0 that were answered say nothing and drop out.
    t = np.where(ev, np.maximum(wait, MIN_SECONDS), wait)
    keep = ev | (t > 0)
    pairs, counts = np.unique(np.stack([np.round(t[keep], 1), ev[keep].astype(float)]), axis=1, return_counts=True)
    tt, ee, ww = pairs[0], pairs[1].astype(bool), counts.astype(float)
    fits: dict[str, tuple[float, float | None, float, int]] = {
        "exponential": (exp_mean, None, float(-d * math.log(exp_mean) - wait.sum() / exp_mean), 1),
    }
    for family in ("lognormal", "gamma"):
        def nll(p: np.ndarray, family: str = family) -> float:
            cv = math.exp(p[1])
            if not CV_RANGE[0] <= cv <= CV_RANGE[1] or not math.isfinite(p[0]) or abs(p[0]) > 30:
                return math.inf
            v = -_censored_loglik(family, math.exp(p[0]), cv, tt, ee, ww)
            return v if math.isfinite(v) else math.inf

        res = optimize.minimize(nll, x0=np.array([math.log(exp_mean), 0.0]), method="Nelder-Mead",
                                options={"xatol": 1e-5, "fatol": 1e-4, "maxiter": 2000})
        if math.isfinite(res.fun):
            fits[family] = (math.exp(res.x[0]), math.exp(res.x[1]), -float(res.fun), 2)
    return _best(fits, len(wait), d)
