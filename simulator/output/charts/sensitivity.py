"""Charts of ``ccsim study`` and ``ccsim sweep``: tornado, spread over draws, sweep line and heat map.

Input labels are field paths (``costs.agent_hourly_wage``); the report passes short keys instead
when a path holds text the chart cannot draw (``style.drawable``) and lists them in HTML.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from simulator.output.charts.style import NEGATIVE, POSITIVE, MoneyAxisFormatter, legend_above

LOW_COLOR = "#9DC3E6"
HIGH_COLOR = "#1F4E79"


def tornado_chart(labels: Sequence[str], low: Sequence[float], high: Sequence[float], central: float, currency: str) -> Figure:
    """Horizontal bars from the central saving to the saving at each input's low end (light) and
    high end (dark); the first label (largest swing) on top."""
    n = len(labels)
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.55 * max(1, n)))
    y = np.arange(n)[::-1]
    for yi, lo, hi in zip(y, low, high):
        ax.barh(yi, lo - central, left=central, color=LOW_COLOR, height=0.6)
        ax.barh(yi, hi - central, left=central, color=HIGH_COLOR, height=0.6)
    ax.axvline(central, color="#222222", lw=1.2)
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_xlabel(f"monthly saving ({currency})")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    legend_above(fig, [Patch(color=LOW_COLOR), Patch(color=HIGH_COLOR)], ["input at its low end", "input at its high end"])
    return fig


def draws_histogram(values: Sequence[float], p10: float, p50: float, p90: float, currency: str) -> Figure:
    """The monthly saving of every draw, with P10, P50 and P90 marked."""
    fig, ax = plt.subplots(figsize=(10, 3.2))
    x = np.asarray(values, dtype=float)
    bins = min(30, max(5, len(x) // 3))
    color = POSITIVE if p50 >= 0 else NEGATIVE
    ax.hist(x, bins=bins, color=color, alpha=0.55, edgecolor="white")
    for q, style in ((p10, "--"), (p50, "-"), (p90, "--")):
        ax.axvline(q, color="#222222", ls=style, lw=1.4)
    ax.axvline(0, color="#888888", lw=0.8)
    ax.xaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_xlabel(f"monthly saving ({currency}); dashed: P10 and P90, solid: P50")
    ax.set_ylabel("draws")
    fig.tight_layout()
    return fig


def sweep_line(x: Sequence[float], mean: Sequence[float], low: Sequence[float], high: Sequence[float],
               xlabel: str, ylabel: str, money: bool) -> Figure:
    """The swept figure with its 95% band (each point's simulation noise)."""
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.fill_between(x, low, high, color=LOW_COLOR, alpha=0.6, lw=0)
    ax.plot(x, mean, color=HIGH_COLOR, lw=2.2, marker="o", ms=4)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if money:
        ax.yaxis.set_major_formatter(MoneyAxisFormatter())
    fig.tight_layout()
    return fig


def sweep_heatmap(xs: Sequence[float], ys: Sequence[float], grid: np.ndarray, xlabel: str, ylabel: str, label: str) -> Figure:
    """``grid[j, i]`` = the figure at (xs[i], ys[j]), written in each cell."""
    fig, ax = plt.subplots(figsize=(10, 1.8 + 0.45 * len(ys)))
    img = ax.imshow(grid, origin="lower", aspect="auto", cmap="RdYlGn" if "saving" in label else "viridis")
    ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    fig.colorbar(img, ax=ax, label=label, format=MoneyAxisFormatter() if "saving" in label or "cost" in label else None)
    if grid.size <= 120:
        top = np.nanmax(np.abs(grid)) if np.isfinite(grid).any() else 1.0
        for (j, i), v in np.ndenumerate(grid):
            text = f"{v / 1e3:,.1f}k" if top >= 1e4 else f"{v:,.3g}"
            ax.text(i, j, text, ha="center", va="center", fontsize=8, color="#111111")
    fig.tight_layout()
    return fig


__all__ = ["draws_histogram", "sweep_heatmap", "sweep_line", "tornado_chart"]
