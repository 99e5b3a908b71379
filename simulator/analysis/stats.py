"""Summary statistics over replications: means, Student-t 95% intervals, paired differences."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student-t quantile; same values as scipy.stats.t.ppf, a fraction of the import


def mean_ci(values: np.ndarray | list[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided Student-t confidence interval (NaNs ignored)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = float(x.mean())
    if n == 1:
        return (m, math.nan, math.nan)
    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(n))
    return (m, m - half, m + half)


def summarize(
    per_replication: pd.DataFrame, lower: float | None = None, upper: dict[str, float] | None = None
) -> pd.DataFrame:
    """One row per column of ``per_replication``: mean, ci95_low, ci95_high, std.

    ``lower`` and ``upper`` (per column) are bounds the quantity cannot cross (a count is never
    below 0, a rate never above 1): the t interval, symmetric by construction, is truncated there
    rather than reporting values that cannot happen.
    """
    rows = {}
    upper = upper or {}
    for col in per_replication.columns:
        m, lo, hi = mean_ci(per_replication[col].to_numpy())
        if lower is not None and not math.isnan(lo):
            lo = max(lo, lower)
        if col in upper and not math.isnan(hi):
            hi = min(hi, upper[col])
        rows[col] = {"mean": m, "ci95_low": lo, "ci95_high": hi, "std": float(per_replication[col].std(ddof=1))}
    return pd.DataFrame.from_dict(rows, orient="index")


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of b - a and its t interval, pairing replication by replication (common random numbers)."""
    return mean_ci(np.asarray(b, dtype=float) - np.asarray(a, dtype=float))
