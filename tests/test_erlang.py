"""Erlang formulas against independent computations (REFERENCE.md values, a dense-matrix
solution of the Erlang A waiting time, and Erlang C as the limit of infinite patience)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import linalg

from simulator.core.erlang import erlang_a_metrics, erlang_c_metrics, required_agents


def dense_erlang_a_service_level(lam_h: float, aht: float, c: int, t: float, patience: float) -> float:
    """Erlang A service level the slow, obvious way: stationary distribution by brute force and
    the time to reach an agent by a matrix exponential of the queue's absorbing chain."""
    lam, mu, theta = lam_h / 3600, 1 / aht, 1 / patience
    n = c + 400
    p = np.ones(n)
    for j in range(1, n):
        p[j] = p[j - 1] * lam / (min(j, c) * mu + max(j - c, 0) * theta)
    p /= p.sum()
    m_max = n - c
    q = np.zeros((m_max + 2, m_max + 2))  # states: m ahead (0..m_max-1), served, abandoned
    for m in range(m_max):
        q[m, m] = -(c * mu + (m + 1) * theta)
        q[m, m - 1 if m > 0 else m_max] += c * mu
        q[m, m - 1 if m > 0 else m_max] += m * theta  # someone ahead leaves
        q[m, m_max + 1] += theta  # the caller leaves
    served_by_t = linalg.expm(q * t)[:m_max, m_max]
    return float(p[:c].sum() + (p[c:] * served_by_t).sum())


@pytest.mark.parametrize("case", [(200, 180, 13, 20, 300), (100, 300, 10, 20, 60), (900, 240, 62, 30, 120),
                                  (60, 600, 9, 20, 900), (400, 300, 30, 20, 30)])
def test_erlang_a_service_level_matches_a_dense_matrix_solution(case):
    fast = erlang_a_metrics(*case).service_level
    slow = dense_erlang_a_service_level(*case)
    assert fast == pytest.approx(slow, abs=1e-9), (case, fast, slow)


def test_reference_values():
    c = erlang_c_metrics(200, 180, 14, 20)
    assert c.p_wait == pytest.approx(0.1741, abs=5e-5) and c.service_level == pytest.approx(0.8884, abs=5e-5)
    a = erlang_a_metrics(200, 180, 13, 20, 300)
    assert a.service_level == pytest.approx(0.858, abs=5e-4) and a.abandonment == pytest.approx(0.025, abs=5e-4)


def test_erlang_a_tends_to_erlang_c_as_patience_grows():
    c = erlang_c_metrics(200, 180, 14, 20)
    a = erlang_a_metrics(200, 180, 14, 20, 1e7)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.abandonment < 1e-5


def test_large_and_overloaded_queues_stay_finite():
    m = erlang_a_metrics(20000, 300, 1000, 20, 180)  # 1,667 Erlangs on 1,000 agents
    assert 0 <= m.service_level < 1e-6 and m.abandonment == pytest.approx(0.4, abs=1e-3) and math.isfinite(m.asa_seconds)
    assert required_agents(20000, 300, 20, 0.8, 180) > 1667 * 0.95
