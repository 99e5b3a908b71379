"""Investment arithmetic on monthly cash flows: payback month, ROI and NPV (pure functions).

Conventions (docs/compare.md, "Finance"):
- ``monthly_net[m-1]`` is the net saving of month ``m`` (m = 1, 2, ...), running costs of the lever
  already deducted; the one-time ``investment`` is paid at month 0.
- Payback month: the first month whose cumulative net saving reaches the investment
  (0 when there is nothing to pay back and the first month does not lose money, ``None`` when it
  never pays back within the flows given).
- ROI: (sum of net savings - investment) / investment (``nan`` without an investment).
- NPV: -investment + sum of monthly flows discounted at the monthly rate equivalent to the
  annual ``discount_rate``: (1 + r) ** (1 / 12) - 1.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

MONTHS_3Y = 36


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate that compounds to ``annual_rate`` over 12 months."""
    if annual_rate <= -1:
        raise ValueError(f"annual_rate(={annual_rate}) must be > -1")
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


def constant_flows(monthly_net: float, months: int = MONTHS_3Y) -> np.ndarray:
    """The same net saving every month."""
    if months < 0:
        raise ValueError(f"months(={months}) must be >= 0")
    return np.full(months, float(monthly_net))


def payback_month(monthly_net: Sequence[float], investment: float) -> int | None:
    """First month (1-based) whose cumulative net saving is >= the investment.

    Without an investment the payback month is 0, unless the lever loses money from the first
    month on: then it never pays back (``None``).
    """
    cum = np.cumsum(np.asarray(monthly_net, dtype=float))
    if investment <= 0 and (len(cum) == 0 or cum[0] >= -1e-9):
        return 0
    hit = np.flatnonzero(cum >= investment - 1e-9)
    return int(hit[0]) + 1 if len(hit) else None


def roi(monthly_net: Sequence[float], investment: float) -> float:
    """Return on investment over the flows given: (sum of savings - investment) / investment."""
    if investment <= 0:
        return math.nan
    return (float(np.sum(monthly_net)) - investment) / investment


def npv(monthly_net: Sequence[float], investment: float, annual_rate: float) -> float:
    """Net present value: -investment at month 0 plus month m's flow / (1 + monthly rate) ** m."""
    flows = np.asarray(monthly_net, dtype=float)
    r = monthly_rate(annual_rate)
    months = np.arange(1, len(flows) + 1)
    return float(-investment + np.sum(flows / (1.0 + r) ** months))


def cumulative(monthly_net: Sequence[float]) -> np.ndarray:
    """Cumulative net savings, month 0 (= 0) to the last month."""
    return np.concatenate([[0.0], np.cumsum(np.asarray(monthly_net, dtype=float))])


__all__ = ["MONTHS_3Y", "monthly_rate", "constant_flows", "payback_month", "roi", "npv", "cumulative"]
