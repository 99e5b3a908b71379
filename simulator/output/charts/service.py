"""Service charts: service by interval, agents by interval, waiting times, Erlang A against the simulation.

Functions take plain numbers and DataFrames and return a Figure; titles and captions are the
report's.
"""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from simulator.output.charts.style import (
    MANY,
    SCENARIO_PALETTE,
    TEXT,
    interval_ticks,
    legend_above,
    legend_below,
    line_kw,
)
from simulator.output.fmt import pct


def _target_label(ax: plt.Axes, series: list[np.ndarray], target: float, text: str) -> None:
    """Put the service target's label just under (or over) its line, where no scenario line runs."""
    n = max((len(s) for s in series), default=0)
    if n == 0:
        ax.annotate(text, (0, target), xytext=(2, -13), textcoords="offset points", fontsize=9, color="#666666")
        return
    width = max(2, int(math.ceil(n * 0.22)))  # intervals the label covers (about a fifth of the axis)
    best = (-1.0, 0, -1)
    for below in (True, False):
        band = (target - 0.09, target - 0.01) if below else (target + 0.01, target + 0.09)
        for start in range(0, max(1, n - width + 1)):
            gap = math.inf
            for s in series:
                seg = np.asarray(s[start:start + width + 1], float)
                seg = seg[np.isfinite(seg)]
                if seg.size == 0:
                    continue
                inside = (seg >= band[0]) & (seg <= band[1])
                d = 0.0 if inside.any() else float(np.min(np.minimum(np.abs(seg - band[0]), np.abs(seg - band[1]))))
                gap = min(gap, d)
            score = (gap if np.isfinite(gap) else 1.0) + (0.001 if below else 0.0) - 0.0001 * start
            if score > best[0]:
                best = (score, start, -13 if below else 3)
    _, start, dy = best
    ax.annotate(text, (start, target), xytext=(2, dy), textcoords="offset points", fontsize=9, color="#666666")


def interval_service(frames: dict[str, pd.DataFrame], colors: dict[str, str], target_seconds: float, target_fraction: float) -> Figure:
    """Service level, ASA and abandonment by interval, one line per scenario.

    ``frames``: scenario name -> ``SimulationResult.interval_summary()``. The legend sits above the
    plots (below them with more than ``MANY`` scenarios), never over a subplot title.
    """
    many = len(frames) > MANY
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    specs = (
        ("service_level", f"Service level ({target_seconds:g} s)", True),
        ("asa_seconds", "Average speed of answer (s)", False),
        ("abandonment_rate", "Abandonment", True),
    )
    ticks_from = None
    for ax, (col, title, is_share) in zip(axes, specs):
        for name, df in frames.items():
            x = np.arange(len(df))
            marker = {} if many else {"marker": "o", "ms": 3}
            ax.plot(x, df[col].to_numpy(float), label=name, **line_kw(name, colors, many), **marker)
            ticks_from = df
        if col == "service_level":
            ax.axhline(target_fraction, color="#888888", ls="--", lw=1.2)
            _target_label(ax, [df[col].to_numpy(float) for df in frames.values()], target_fraction, f"target {pct(target_fraction, 0)}")
            ax.set_ylim(0, 1.02)
        else:
            ax.set_ylim(bottom=0)
        if is_share:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(title, loc="left")
        interval_ticks(ax, ticks_from)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    if len(frames) > 1:
        (legend_below if many else legend_above)(fig, handles, labels)
    return fig


def agents_by_interval(frames: dict[str, pd.DataFrame], colors: dict[str, str], offered: pd.DataFrame | None = None) -> Figure:
    """Agents on the phones per interval: one step line per scenario (baseline first).

    ``frames``: scenario -> DataFrame with ``interval_start`` and ``agents``; ``offered`` (optional):
    the baseline's interval summary, whose offered calls are drawn as light bars behind. The legend
    is a figure legend (above, or below with many scenarios) so the plot keeps the full width.
    """
    many = len(frames) > MANY
    fig, ax = plt.subplots(figsize=(11, 3.8))
    ref = None
    if offered is not None:
        ax2 = ax.twinx()
        ax2.bar(np.arange(len(offered)), offered["offered"].to_numpy(float), color="#DDE3EA", width=0.85, zorder=0)
        ax2.set_ylabel("calls offered per interval (bars)", color="#8895A3")
        ax2.tick_params(axis="y", colors="#8895A3")
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
    for i, (name, df) in enumerate(frames.items()):
        y = df["agents"].to_numpy(float)
        x = np.arange(len(y))
        if many:
            ax.step(x, y, where="mid", label=name, **line_kw(name, colors, True, lw=2.0))
        else:
            ax.step(x, y, where="mid", color=colors[name], lw=2.6 if i == 0 else 2.0,
                    ls="-" if i == 0 else "--" if i == 1 else "-.", label=name)
        ref = df
    ax.set_ylim(bottom=0)
    ax.set_ylabel("agents on the phones")
    interval_ticks(ax, ref)
    handles, labels = ax.get_legend_handles_labels()
    fig.tight_layout()
    (legend_below if many else legend_above)(fig, handles, labels)
    return fig


def staffing_by_group(staffing: np.ndarray, group_names: Sequence[str], interval_labels: Sequence[str], offered: np.ndarray | None) -> Figure:
    """One scenario's agents per interval, stacked by group, with offered calls as a line."""
    fig, ax = plt.subplots(figsize=(11, 3.8))
    x = np.arange(staffing.shape[1])
    bottom = np.zeros(staffing.shape[1])
    for g, name in enumerate(group_names):
        ax.bar(x, staffing[g], bottom=bottom, color=SCENARIO_PALETTE[g % len(SCENARIO_PALETTE)], width=0.85, label=name, alpha=0.9)
        bottom += staffing[g]
    ax.set_ylabel("agents on the phones")
    ax.grid(axis="x", visible=False)
    if offered is not None:
        ax2 = ax.twinx()
        ax2.plot(x, offered, color=TEXT, lw=2, marker="o", ms=3, label="calls offered")
        ax2.set_ylabel("calls offered per interval")
        ax2.set_ylim(0, max(1.0, float(np.nanmax(offered))) * 1.3)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        ax2.legend(loc="upper right", fontsize=10)
    step = max(1, int(math.ceil(len(x) / 8)))
    ax.set_xticks(x[::step], [interval_labels[i] for i in x[::step]], fontsize=9)
    ax.legend(loc="upper left", ncol=min(4, len(group_names)), fontsize=10)
    ax.set_ylim(0, max(1.0, float(bottom.max())) * 1.25)
    fig.tight_layout()
    return fig


def wait_distribution(hists: dict[str, np.ndarray], bins: np.ndarray, colors: dict[str, str], target_seconds: float) -> Figure:
    """Share of answered calls by waiting time (10-second bins, the last bin open-ended)."""
    many = len(hists) > MANY
    fig, ax = plt.subplots(figsize=(11, 3.8))
    edges = np.asarray(bins, float)
    finite_hi = edges[-2] + (edges[-2] - edges[-3]) if len(edges) > 2 else 600.0
    lefts = edges[:-1]
    widths = np.diff(np.where(np.isfinite(edges), edges, finite_hi))
    # Show up to the bin where all scenarios have 99.5% of their calls, at least 2 minutes.
    upto = 12
    for h in hists.values():
        h = np.asarray(h, float)
        if h.sum() > 0:
            cum = np.cumsum(h) / h.sum()
            upto = max(upto, int(np.searchsorted(cum, 0.995)) + 2)
    upto = min(upto, len(lefts))
    for name, h in hists.items():
        h = np.asarray(h, float)
        share = h / h.sum() if h.sum() > 0 else h
        ax.step(np.append(lefts[:upto], lefts[upto - 1] + widths[upto - 1]), np.append(share[:upto], share[upto - 1]),
                where="post", label=name, **line_kw(name, colors, many, lw=2.0))
        if len(hists) == 1:
            ax.fill_between(np.append(lefts[:upto], lefts[upto - 1] + widths[upto - 1]), np.append(share[:upto], share[upto - 1]),
                            step="post", color=colors[name], alpha=0.12)
    ax.axvline(target_seconds, color="#888888", ls="--", lw=1.2)
    ax.annotate(f"target {target_seconds:g} s", (target_seconds, ax.get_ylim()[1] * 0.92), xytext=(4, 0),
                textcoords="offset points", fontsize=9, color="#666666")
    if any(np.asarray(h, float).sum() > 0 for h in hists.values()):  # no answered call: nothing to log-scale
        ax.set_yscale("log")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel("waiting time before an agent answered (s)")
    ax.set_ylabel("share of answered calls (log scale)")
    ax.set_xlim(0, lefts[upto - 1] + widths[upto - 1])
    if many:
        handles, labels = ax.get_legend_handles_labels()
        fig.tight_layout()
        legend_below(fig, handles, labels)
        return fig
    ax.legend(loc="upper right", fontsize=10)
    fig.tight_layout()
    return fig


def validity_scatter(table: pd.DataFrame) -> Figure:
    """Simulated against analytic Erlang A service level and abandonment (one dot per interval and type)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    for ax, col, title in zip(axes, ("service_level", "abandonment"), ("Service level", "Abandonment")):
        a = table[f"erlang_a_{col}"].to_numpy(float)
        s = table[f"simulated_{col}"].to_numpy(float)
        lo = float(np.nanmin(np.concatenate([a, s]))) if len(a) else 0.0
        hi = float(np.nanmax(np.concatenate([a, s]))) if len(a) else 1.0
        pad = max(0.02, 0.1 * (hi - lo))
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="#888888", ls="--", lw=1)
        ax.scatter(a, s, color=SCENARIO_PALETTE[0], s=30, alpha=0.8, edgecolor="white", linewidth=0.5)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("Erlang A (analytic)")
        ax.set_ylabel("simulated")
        ax.set_title(title, loc="left")
        ax.set_aspect("equal", adjustable="box")
    fig.tight_layout()
    return fig
