"""Service charts: service by interval, agents by interval, waiting times, Erlang A against the simulation.

Functions take plain numbers and DataFrames and return a Figure; titles, captions and legends are
the report's (the legends in HTML: see ``style``). Up to ``MANY`` scenarios share one plot, one
line each; more go to small multiples: one panel per scenario with the baseline in grey in each.
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
    BASELINE_COLOR,
    MANY,
    SCENARIO_PALETTE,
    TEXT,
    chart_names,
    group_colors,
    interval_ticks,
    is_baseline,
    line_kw,
    log_percent_axis,
    short_label,
    small_multiples,
)
from simulator.output.fmt import pct

# column -> (panel title, y-axis label, is a share)
INTERVAL_METRICS = {
    "service_level": ("Service level", "% answered within {t:g} s", True),
    "asa_seconds": ("Average speed of answer", "seconds", False),
    "abandonment_rate": ("Abandonment", "% of calls offered", True),
}
INTERVAL_AXIS = "interval start (hh:mm)"


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


def _metric_axis(ax: plt.Axes, col: str, target_seconds: float, target_fraction: float, label: bool = True) -> None:
    """The value axis of one interval metric: from zero, in its unit, with the target line for service level."""
    _, unit, is_share = INTERVAL_METRICS[col]
    if col == "service_level":
        ax.axhline(target_fraction, color="#888888", ls="--", lw=1.2)
        ax.set_ylim(0, 1.02)
    else:
        ax.set_ylim(bottom=0)
    if is_share:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if label:
        ax.set_ylabel(unit.format(t=target_seconds), fontsize=9.5)


def _split(frames: dict, colors: dict[str, str]) -> tuple[str, list[str]]:
    """The baseline's name (the first frame if none is coloured as the baseline) and the others."""
    names = list(frames)
    base = next((n for n in names if is_baseline(n, colors)), names[0])
    return base, [n for n in names if n != base]


def interval_service(frames: dict[str, pd.DataFrame], colors: dict[str, str], target_seconds: float, target_fraction: float) -> Figure:
    """Service level, ASA and abandonment by interval, one line per scenario (up to ``MANY``; for
    more use ``interval_panels``, one metric at a time).

    ``frames``: scenario name -> ``SimulationResult.interval_summary()``.
    """
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9))
    ticks_from = None
    for ax, (col, (title, _, _)) in zip(axes, INTERVAL_METRICS.items()):
        for name, df in frames.items():
            ax.plot(np.arange(len(df)), df[col].to_numpy(float), marker="o", ms=3, **line_kw(name, colors, False))
            ticks_from = df
        _metric_axis(ax, col, target_seconds, target_fraction)
        if col == "service_level":
            _target_label(ax, [df[col].to_numpy(float) for df in frames.values()], target_fraction, f"target {pct(target_fraction, 0)}")
        ax.set_title(title, loc="left")
        ax.set_xlabel(INTERVAL_AXIS, fontsize=9.5)
        interval_ticks(ax, ticks_from, count=6)
    fig.tight_layout()
    return fig


def interval_panels(frames: dict[str, pd.DataFrame], colors: dict[str, str], col: str, target_seconds: float,
                    target_fraction: float) -> Figure:
    """One interval metric (a key of ``INTERVAL_METRICS``) as small multiples: a panel per scenario,
    its line in its colour over the baseline's in grey, on one shared scale."""
    base, others = _split(frames, colors)
    drawn = chart_names(colors)
    fig, axes = small_multiples(max(1, len(others)))
    for ax, name in zip(axes, others):
        x = np.arange(len(frames[name]))
        ax.plot(np.arange(len(frames[base])), frames[base][col].to_numpy(float), color=BASELINE_COLOR, lw=1.8, alpha=0.75)
        ax.plot(x, frames[name][col].to_numpy(float), color=colors[name], lw=2.0)
        _metric_axis(ax, col, target_seconds, target_fraction, label=False)
        ax.set_title(short_label(drawn[name], 30), loc="left", fontsize=10, fontweight="bold")
        interval_ticks(ax, frames[name], count=4)
    _outer_labels(fig, axes, INTERVAL_METRICS[col][1].format(t=target_seconds), INTERVAL_AXIS)
    return fig


def _outer_labels(fig: Figure, axes: list[plt.Axes], ylabel: str, xlabel: str) -> None:
    """Axis labels once for a grid: y on the first column, x under the bottom row."""
    cols = axes[0].get_gridspec().ncols
    for i, ax in enumerate(axes):
        ax.set_ylabel(ylabel if i % cols == 0 else "", fontsize=9)
        ax.set_xlabel(xlabel if i + cols >= len(axes) else "", fontsize=9)


def agents_by_interval(frames: dict[str, pd.DataFrame], colors: dict[str, str], offered: pd.DataFrame | None = None) -> Figure:
    """Agents on the phones per interval: one step line per scenario (baseline first); with more
    than ``MANY`` scenarios, small multiples (each over the baseline in grey).

    ``frames``: scenario -> DataFrame with ``interval_start`` and ``agents``; ``offered`` (optional,
    one plot only): the baseline's interval summary, whose offered calls are drawn as light bars behind.
    """
    if len(frames) > MANY:
        return _agents_panels(frames, colors)
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
        ax.step(np.arange(len(y)), y, where="mid", color=colors[name], lw=2.6 if i == 0 else 2.0,
                ls="-" if i == 0 else "--" if i == 1 else "-.")
        ref = df
    ax.set_ylim(bottom=0)
    ax.set_ylabel("agents on the phones")
    ax.set_xlabel(INTERVAL_AXIS)
    interval_ticks(ax, ref)
    fig.tight_layout()
    return fig


def _agents_panels(frames: dict[str, pd.DataFrame], colors: dict[str, str]) -> Figure:
    base, others = _split(frames, colors)
    drawn = chart_names(colors)
    fig, axes = small_multiples(len(others))
    for ax, name in zip(axes, others):
        b = frames[base]["agents"].to_numpy(float)
        y = frames[name]["agents"].to_numpy(float)
        ax.step(np.arange(len(b)), b, where="mid", color=BASELINE_COLOR, lw=1.8, alpha=0.75)
        ax.step(np.arange(len(y)), y, where="mid", color=colors[name], lw=2.0)
        ax.set_ylim(bottom=0)
        ax.set_title(short_label(drawn[name], 30), loc="left", fontsize=10, fontweight="bold")
        interval_ticks(ax, frames[name], count=4)
    _outer_labels(fig, axes, "agents on the phones", INTERVAL_AXIS)
    return fig


def staffing_by_group(staffing: np.ndarray, group_names: Sequence[str], interval_labels: Sequence[str], offered: np.ndarray | None) -> Figure:
    """One scenario's agents per interval, stacked by group (colours: ``style.group_colors``), with
    offered calls as a line on the right axis."""
    fig, ax = plt.subplots(figsize=(11, 3.8))
    x = np.arange(staffing.shape[1])
    bottom = np.zeros(staffing.shape[1])
    for g, color in enumerate(group_colors(list(group_names)).values()):
        ax.bar(x, staffing[g], bottom=bottom, color=color, width=0.85, alpha=0.9)
        bottom += staffing[g]
    ax.set_ylabel("agents on the phones (bars)")
    ax.set_xlabel(INTERVAL_AXIS)
    ax.grid(axis="x", visible=False)
    if offered is not None:
        ax2 = ax.twinx()
        ax2.plot(x, offered, color=TEXT, lw=2, marker="o", ms=3)
        ax2.set_ylabel("calls offered per interval (line)")
        ax2.set_ylim(0, max(1.0, float(np.nanmax(offered))) * 1.3)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
    step = max(1, int(math.ceil(len(x) / 8)))
    ax.set_xticks(x[::step], [interval_labels[i] for i in x[::step]], fontsize=9)
    ax.set_ylim(0, max(1.0, float(bottom.max())) * 1.25)
    fig.tight_layout()
    return fig


def _wait_steps(hists: dict[str, np.ndarray], bins: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], float]:
    """Step x, share per scenario and the x limit: up to the bin where every scenario has 99.5% of
    its answered calls, at least 2 minutes (the last bin is open-ended)."""
    edges = np.asarray(bins, float)
    finite_hi = edges[-2] + (edges[-2] - edges[-3]) if len(edges) > 2 else 600.0
    lefts = edges[:-1]
    widths = np.diff(np.where(np.isfinite(edges), edges, finite_hi))
    upto = 12
    for h in hists.values():
        h = np.asarray(h, float)
        if h.sum() > 0:
            upto = max(upto, int(np.searchsorted(np.cumsum(h) / h.sum(), 0.995)) + 2)
    upto = min(upto, len(lefts))
    end = lefts[upto - 1] + widths[upto - 1]
    x = np.append(lefts[:upto], end)
    shares = {}
    for name, h in hists.items():
        h = np.asarray(h, float)
        share = h / h.sum() if h.sum() > 0 else h
        shares[name] = np.append(share[:upto], share[upto - 1])
    return x, shares, end


def _wait_axes(ax: plt.Axes, shares: dict[str, np.ndarray], end: float, target_seconds: float) -> None:
    ax.axvline(target_seconds, color="#888888", ls="--", lw=1.2)
    positive = [float(s[s > 0].min()) for s in shares.values() if (s > 0).any()]
    if positive:  # no answered call: nothing to log-scale
        log_percent_axis(ax, min(positive))
    else:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, end)


def wait_distribution(hists: dict[str, np.ndarray], bins: np.ndarray, colors: dict[str, str], target_seconds: float) -> Figure:
    """Share of answered calls by waiting time (10-second bins, the last bin open-ended), on a log
    scale; with more than ``MANY`` scenarios, small multiples (each over the baseline in grey)."""
    x, shares, end = _wait_steps(hists, bins)
    xlabel, ylabel = "waiting time before an agent answered (s)", "% of answered calls (log scale)"
    if len(hists) > MANY:
        base, others = _split(hists, colors)
        drawn = chart_names(colors)
        fig, axes = small_multiples(len(others))
        for ax, name in zip(axes, others):
            ax.step(x, shares[base], where="post", color=BASELINE_COLOR, lw=1.6, alpha=0.75)
            ax.step(x, shares[name], where="post", color=colors[name], lw=1.8)
            _wait_axes(ax, shares, end, target_seconds)
            ax.set_title(short_label(drawn[name], 30), loc="left", fontsize=10, fontweight="bold")
        _outer_labels(fig, axes, "% of answered calls", "waiting time (s)")
        return fig
    fig, ax = plt.subplots(figsize=(11, 3.8))
    for name in hists:
        ax.step(x, shares[name], where="post", **line_kw(name, colors, False, lw=2.0))
        if len(hists) == 1:
            ax.fill_between(x, shares[name], step="post", color=colors[name], alpha=0.12)
    _wait_axes(ax, shares, end, target_seconds)
    ax.annotate(f"target {target_seconds:g} s", (target_seconds, 0.98), xycoords=("data", "axes fraction"), xytext=(4, -10),
                textcoords="offset points", fontsize=9, color="#666666")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
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
        ax.set_xlabel("Erlang A, analytic (%)")
        ax.set_ylabel("simulated (%)")
        ax.set_title(title, loc="left")
        ax.set_aspect("equal", adjustable="box")
    fig.tight_layout()
    return fig
