"""Calibration charts: observed vs fitted volumes, handle-time histograms with the fitted density,
patience survival (Kaplan-Meier and its band) against the fitted curve.

Functions take plain numbers and return a Figure; titles and captions are the report's.
"""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from simulator.output.charts.style import BASELINE_COLOR, SCENARIO_PALETTE, legend_above

OBSERVED = BASELINE_COLOR
FITTED = SCENARIO_PALETTE[0]
MAX_PANELS = 6


def volume_fit(labels: Sequence[str], observed: np.ndarray, simulated: np.ndarray, ylabel: str) -> Figure:
    """Bars: the log's calls per slot; line: the calibrated baseline's (simulated)."""
    fig, ax = plt.subplots(figsize=(11, 3.6))
    x = np.arange(len(labels))
    ax.bar(x, observed, color=OBSERVED, alpha=0.55, label="observed (log)")
    ax.plot(x, simulated, color=FITTED, marker="o", ms=3.5, lw=2, label="calibrated baseline (simulated)")
    step = max(1, math.ceil(len(labels) / 12))
    ax.set_xticks(x[::step], [labels[i] for i in range(0, len(labels), step)], fontsize=9)
    ax.set_ylabel(ylabel)
    fig.tight_layout()
    legend_above(fig, *ax.get_legend_handles_labels())
    return fig


def _panels(n: int) -> tuple[Figure, list[plt.Axes]]:
    n = min(n, MAX_PANELS)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.3 * cols, 3.3 * rows), squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def handle_histograms(panels: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray, str]]) -> Figure:
    """Per queue (name, handle seconds, x grid, fitted density on the grid, fit label): the
    histogram as a density, the fitted density over it (at most six queues)."""
    fig, axes = _panels(len(panels))
    for ax, (name, seconds, grid, density, label) in zip(axes, panels):
        top = float(np.quantile(seconds, 0.99)) if len(seconds) else 1.0
        ax.hist(seconds[seconds <= top], bins=50, density=True, color=OBSERVED, alpha=0.5, label="observed")
        ax.plot(grid, density, color=FITTED, lw=2, label=label)
        ax.set_title(name, loc="left")
        ax.set_xlabel("handle time (s)")
        ax.set_yticks([])
        ax.legend(fontsize=8.5, loc="upper right")
    fig.tight_layout()
    return fig


def patience_survival(panels: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]]) -> Figure:
    """Per queue (name, t, Kaplan-Meier S(t), band low, band high, fitted S(t), fit label): the
    share of callers still willing to wait after t seconds (at most six queues)."""
    fig, axes = _panels(len(panels))
    for ax, (name, t, s, low, high, fitted, label) in zip(axes, panels):
        ax.step(t, s, where="post", color=OBSERVED, lw=1.8, label="Kaplan-Meier (log)")
        ax.fill_between(t, low, high, step="post", color=OBSERVED, alpha=0.2, lw=0, label="95% band")
        ax.plot(t, fitted, color=FITTED, lw=2, ls="--", label=label)
        ax.set_ylim(max(0.0, float(np.min(low)) - 0.05) if len(low) else 0.0, 1.005)
        ax.set_title(name, loc="left")
        ax.set_xlabel("seconds waited")
        ax.legend(fontsize=8.5, loc="lower left")
    fig.tight_layout()
    return fig
