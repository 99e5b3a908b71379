"""Payback, ROI and NPV on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from simulator.studies import finance


def test_payback_month_is_first_month_cumulative_reaches_investment() -> None:
    # 300, 600, 900, 1200: the investment of 1000 is back in month 4.
    assert finance.payback_month([300] * 36, 1000) == 4
    assert finance.payback_month([250] * 36, 1000) == 4  # exactly reached counts
    assert finance.payback_month([100, 100, 800, 0], 1000) == 3


def test_payback_never_and_nothing_to_pay_back() -> None:
    assert finance.payback_month([10] * 36, 1000) is None
    assert finance.payback_month([-50] * 36, 1000) is None
    assert finance.payback_month([10] * 36, 0) == 0


def test_roi_three_years() -> None:
    # 36 x 100 = 3600 saved on 1200 invested: (3600 - 1200) / 1200 = 2.0
    assert finance.roi(finance.constant_flows(100, 36), 1200) == pytest.approx(2.0)
    assert finance.roi([100] * 36, 3600) == pytest.approx(0.0)
    assert math.isnan(finance.roi([100] * 36, 0))


def test_monthly_rate_compounds_to_the_annual_rate() -> None:
    assert finance.monthly_rate(1.01**12 - 1) == pytest.approx(0.01)
    assert (1 + finance.monthly_rate(0.08)) ** 12 == pytest.approx(1.08)


def test_npv_hand_computed() -> None:
    # Monthly 1%: -250 + 100/1.01 + 100/1.01^2 + 100/1.01^3 = -250 + 99.00990 + 98.02960 + 97.05901
    assert finance.npv([100, 100, 100], 250, 1.01**12 - 1) == pytest.approx(44.09851, abs=1e-4)
    # Zero rate: plain sum minus investment.
    assert finance.npv([100] * 36, 1200, 0.0) == pytest.approx(2400.0)


def test_npv_of_a_three_year_annuity() -> None:
    r = finance.monthly_rate(0.08)
    annuity = 1000 * (1 - (1 + r) ** -36) / r
    assert finance.npv(finance.constant_flows(1000), 20000, 0.08) == pytest.approx(annuity - 20000)


def test_cumulative_starts_at_zero() -> None:
    assert finance.cumulative([1, 2, 3]).tolist() == [0, 1, 3, 6]


def test_no_investment_and_a_loss_never_pays_back():
    """A free lever that loses money every month has no payback month (it is not 'month 0')."""
    assert finance.payback_month(finance.constant_flows(-100.0, 36), 0.0) is None
    assert finance.payback_month(finance.constant_flows(100.0, 36), 0.0) == 0
