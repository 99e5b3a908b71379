"""Analytic references: Erlang B, Erlang C (M/M/c) and Erlang A (M/M/c+M).

Used as starting points (staffing, the scheduling lever) and cross-checks (the report's validity
panel); never as a replacement for the simulation.

Erlang A is solved exactly from its birth-death chain: the stationary distribution gives the
state an arrival sees (PASTA); a caller who finds ``m`` people ahead in the queue moves up at rate
``c*mu + i*theta`` while ``i`` are ahead and abandons at rate ``theta``, so the time to reach an
agent is a sum of independent exponentials with rates ``c*mu + i*theta + theta``, whose
distribution is a regularized incomplete beta function (``_stages_done_by``, by recurrence). Everything is a
recurrence or a closed form over numpy vectors: tens of microseconds per call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``load`` Erlangs (stable recursion)."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits in M/M/c (1.0 when the queue is unstable)."""
    if servers <= load:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of one interval's queue."""

    service_level: float  # answered within target / offered
    abandonment: float  # abandoned / offered
    asa_seconds: float  # mean wait of answered calls
    occupancy: float  # busy / staffed
    p_wait: float


def erlang_c_metrics(arrivals_per_hour: float, aht_seconds: float, agents: int, target_seconds: float) -> QueueMetrics:
    """M/M/c service level, ASA and occupancy."""
    lam = arrivals_per_hour / 3600.0
    mu = 1.0 / aht_seconds
    a = lam / mu
    if agents <= a:
        return QueueMetrics(0.0, 0.0, math.inf, 1.0, 1.0)
    pw = erlang_c(agents, a)
    sl = 1.0 - pw * math.exp(-(agents - a) * mu * target_seconds)
    asa = pw / (agents * mu - lam)
    return QueueMetrics(sl, 0.0, asa, a / agents, pw)


def erlang_a_metrics(
    arrivals_per_hour: float,
    aht_seconds: float,
    agents: int,
    target_seconds: float,
    patience_seconds: float,
) -> QueueMetrics:
    """M/M/c+M (Erlang A) metrics, exact up to truncating the queue where it is negligible."""
    if not math.isfinite(patience_seconds):
        return erlang_c_metrics(arrivals_per_hour, aht_seconds, agents, target_seconds)
    lam = arrivals_per_hour / 3600.0
    mu = 1.0 / aht_seconds
    theta = 1.0 / patience_seconds
    c = agents
    if c == 0:
        return QueueMetrics(0.0, 1.0, 0.0, 0.0, 1.0)
    logp = _log_stationary(lam, mu, theta, c)
    p = np.exp(logp - logp.max())
    p /= p.sum()
    states = np.arange(len(p))
    queue = np.maximum(states - c, 0)
    abandon = theta * float((queue * p).sum()) / lam
    busy = float((np.minimum(states, c) * p).sum())
    p_wait = float(p[c:].sum())
    # A caller who arrives to state c+m has m ahead; the time to an agent has stages
    # i = m..0 with rate r_i + theta, and they reach the agent with probability prod r_i/(r_i+theta).
    m_max = len(p) - c
    i = np.arange(m_max)
    r = c * mu + i * theta
    stage = r + theta
    reach = np.exp(np.cumsum(np.log(r / stage)))  # P(served | m ahead) for m = 0..m_max-1
    mean_wait_served = np.cumsum(1.0 / stage)
    within = _stages_done_by(c * mu / theta, theta, m_max, target_seconds)
    pq = p[c : c + m_max]
    served_immediately = float(p[:c].sum())
    sl = served_immediately + float((pq * reach * within).sum())
    p_served = served_immediately + float((pq * reach).sum())
    asa = float((pq * reach * mean_wait_served).sum()) / p_served if p_served > 0 else math.inf
    return QueueMetrics(sl, abandon, asa, busy / c, p_wait)


def _log_stationary(lam: float, mu: float, theta: float, c: int) -> np.ndarray:
    """Log of the unnormalised stationary probabilities of M/M/c+M, states 0..c+K.

    The birth-death recurrence p[j] = p[j-1] * lam / death(j) summed in log space (no overflow at
    any size); the queue part is extended until its tail is 40 nats below the peak.
    """
    extra = 64
    while True:
        j = np.arange(1, c + extra + 1)
        death = np.minimum(j, c) * mu + np.maximum(j - c, 0) * theta
        logp = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(death))))
        if logp[-1] < logp.max() - 40 or extra > 200000:
            keep = np.flatnonzero(logp >= logp.max() - 40)
            return logp[: max(int(keep[-1]) + 1, c + 21)]
        extra *= 2


def _stages_done_by(beta: float, theta: float, m_max: int, t: float) -> np.ndarray:
    """P(a caller with m ahead reaches the head of the queue within ``t``), m = 0..m_max-1.

    Their time is a sum of m+1 exponential stages with rates theta*(beta + k), k = 1..m+1. Such a
    sum S has exp(-theta*S) ~ Beta(beta + 1, m + 1) (its Mellin transform is the product of the
    stages'), so P(S <= t) = 1 - I_x(beta + 1, m + 1) with x = exp(-theta*t), the regularized
    incomplete beta function, here by its recurrence in the second argument:
    I_x(a, b+1) = I_x(a, b) + x^a (1-x)^b / (b B(a, b)), I_x(a, 1) = x^a.
    """
    from scipy import special  # scipy: when computing Erlang A, not when `ccsim validate` imports the levers
    a = beta + 1.0
    x = math.exp(-theta * t)
    b = np.arange(1, m_max, dtype=float)
    log_terms = a * math.log(x) + b * math.log1p(-x) + special.gammaln(a + b) - special.gammaln(a) - special.gammaln(b + 1)
    incomplete = x**a + np.concatenate(([0.0], np.cumsum(np.exp(log_terms))))
    return np.clip(1.0 - incomplete, 0.0, 1.0)


def required_agents(
    arrivals_per_hour: float,
    aht_seconds: float,
    target_seconds: float,
    target_fraction: float,
    patience_seconds: float = math.inf,
    max_abandonment: float | None = None,
) -> int:
    """Fewest agents meeting the service target (Erlang A, or Erlang C without patience)."""
    if arrivals_per_hour <= 0:
        return 0
    load = arrivals_per_hour * aht_seconds / 3600.0
    n = max(1, int(math.floor(load)) if math.isfinite(patience_seconds) else int(math.floor(load)) + 1)
    while True:
        m = erlang_a_metrics(arrivals_per_hour, aht_seconds, n, target_seconds, patience_seconds)
        ok = m.service_level >= target_fraction and (max_abandonment is None or m.abandonment <= max_abandonment)
        if ok:
            return n
        n += 1
        if n > 100000:
            raise ValueError("required_agents: no staffing up to 100000 agents meets the target")
