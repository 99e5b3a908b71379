"""The business case's cumulative cash-flow chart: net of the investment, month 0 to N.

Draws no names (the report's HTML legend gives them). An optional band per scenario (P10-P90 of the
cumulative cash flow over draws of the uncertain inputs, ``studies.cashflow.band``) is shaded.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from simulator.output.charts.style import MoneyAxisFormatter


def cashflow_chart(cumulative: dict[str, np.ndarray], colors: dict[str, str], currency: str,
                   band: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> Figure:
    """Cumulative net cash flow per scenario (``cumulative[name]``: months 0..N, the investment at
    month 0 included); a dot where it first reaches zero (payback). ``band[name]``: (low, high)
    arrays of the same length, shaded."""
    fig, ax = plt.subplots(figsize=(11, 4.2))
    months = max((len(v) - 1 for v in cumulative.values()), default=1)
    for name, cum in cumulative.items():
        c = colors[name]
        m = np.arange(len(cum))
        if band and name in band:
            lo, hi = band[name]
            ax.fill_between(m, lo, hi, color=c, alpha=0.15, lw=0)
        ax.plot(m, cum, color=c, lw=2.2)
        hit = np.flatnonzero(cum[1:] >= -1e-9)
        if cum[0] < 0 and len(hit):
            ax.plot([hit[0] + 1], [cum[hit[0] + 1]], marker="o", ms=8, color=c, mec="white", mew=1.5, zorder=4)
    ax.axhline(0, color="#888888", lw=1)
    ax.set_xlim(0, months)
    ax.set_xticks(range(0, months + 1, 6 if months <= 60 else 12))
    ax.set_xlabel("months after go-live")
    ax.set_ylabel(f"cumulative net cash flow ({currency})")
    ax.yaxis.set_major_formatter(MoneyAxisFormatter())
    fig.tight_layout()
    return fig
