"""Cost charts: cost per call and total cost by scenario, cost components, the savings waterfall.

Functions take plain numbers and DataFrames and return a Figure; titles and captions are the
report's.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator.output.charts.style import (
    BASELINE_COLOR,
    COMPONENT_COLORS,
    NEGATIVE,
    POSITIVE,
    SCENARIO_PALETTE,
    TEXT,
    MoneyAxisFormatter,
    is_baseline,
    short_label,
)
from simulator.output.fmt import compact_money, money_in_scale, number, pct


def _err(mean: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    lo = np.where(np.isnan(lo), mean, lo)
    hi = np.where(np.isnan(hi), mean, hi)
    return np.vstack([np.maximum(mean - lo, 0), np.maximum(hi - mean, 0)])


def _cost_range(m: np.ndarray, err: np.ndarray, kpi: str) -> tuple[float, float, float | None]:
    """Value-axis range: total cost from zero; cost per call zoomed so differences show.

    Returns the axis start, the largest whisker end and the spread of the whiskers (None when
    the axis starts at zero).
    """
    lo = float(np.nanmin(m - err[0])) if len(m) else 0.0
    hi = float(np.nanmax(m + err[1])) if len(m) else 1.0
    if kpi == "total_cost" or lo <= 0:
        return 0.0, hi, None
    span = hi - lo
    return max(0.0, lo - 2.5 * span if span > 0 else lo * 0.8), hi, span


def _cost_label(kpi: str, v: float) -> str:
    return number(v, 2) if kpi == "cost_per_call" else compact_money(v)


def cost_kpi_bars(summary: pd.DataFrame, colors: dict[str, str], currency: str) -> Figure:
    """Cost per call and total cost by scenario, with 95% CI error bars.

    ``summary``: one row per scenario (index: name) with columns ``{kpi}_mean``, ``{kpi}_lo``,
    ``{kpi}_hi`` for ``cost_per_call`` and ``total_cost``. Up to five scenarios: columns side by
    side; more: horizontal bars in the given order (names on the y axis, values at the bar ends).
    """
    names = list(summary.index)
    if len(names) > 5:
        return _cost_kpi_hbars(summary, colors, currency)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6 + 0.15 * len(names)))
    for ax, kpi, title in zip(axes, ("cost_per_call", "total_cost"), ("Cost per answered call", "Total cost over the horizon")):
        m = summary[f"{kpi}_mean"].to_numpy(float)
        err = _err(m, summary[f"{kpi}_lo"].to_numpy(float), summary[f"{kpi}_hi"].to_numpy(float))
        x = np.arange(len(names))
        ax.bar(x, m, color=[colors[n] for n in names], width=0.6, yerr=err, capsize=6, ecolor=TEXT, error_kw={"lw": 1.2})
        for xi, v in zip(x, m):
            ax.annotate(_cost_label(kpi, v), (xi, v), xytext=(8, 4), textcoords="offset points", fontsize=10, color=TEXT)
        ax.set_xticks(x, [short_label(n, 13) for n in names], fontsize=9 if len(names) > 3 else 10)
        ax.set_title(title, loc="left")
        ax.set_ylabel(currency)
        ax.yaxis.set_major_formatter(MoneyAxisFormatter())
        ax.grid(axis="x", visible=False)
        bottom, hi, span = _cost_range(m, err, kpi)
        ax.set_ylim(bottom, hi * 1.12 if span is None else hi + 0.25 * (span or hi))
    fig.tight_layout()
    return fig


def _cost_kpi_hbars(summary: pd.DataFrame, colors: dict[str, str], currency: str) -> Figure:
    names = list(summary.index)
    n = len(names)
    fig, axes = plt.subplots(1, 2, figsize=(11, 1.3 + 0.36 * n), sharey=True)
    y = np.arange(n)[::-1]  # the given order, top to bottom (baseline first)
    for ax, kpi, title in zip(axes, ("cost_per_call", "total_cost"), ("Cost per answered call", "Total cost over the horizon")):
        m = summary[f"{kpi}_mean"].to_numpy(float)
        err = _err(m, summary[f"{kpi}_lo"].to_numpy(float), summary[f"{kpi}_hi"].to_numpy(float))
        ax.barh(y, m, color=[colors[nm] for nm in names], height=0.62, xerr=err, capsize=3, ecolor=TEXT,
                error_kw={"lw": 1.0})
        for yi, v, e in zip(y, m, err[1]):
            if np.isfinite(v):
                ax.text(v + e, yi, f"  {_cost_label(kpi, v)}", va="center", fontsize=9, color=TEXT)
        base = [v for nm, v in zip(names, m) if is_baseline(nm, colors)]
        if base and np.isfinite(base[0]):
            ax.axvline(base[0], color=BASELINE_COLOR, ls=":", lw=1.2, zorder=3)
        bottom, hi, _ = _cost_range(m, err, kpi)
        ax.set_xlim(bottom, hi + 0.2 * (hi - bottom))
        ax.set_title(title, loc="left")
        ax.set_xlabel(currency)
        ax.xaxis.set_major_formatter(MoneyAxisFormatter())
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(y, [short_label(nm, 26) for nm in names], fontsize=9.5)
    axes[0].set_ylim(-0.6, n - 0.4)
    fig.tight_layout()
    return fig


def cost_breakdown_bars(breakdown: pd.DataFrame, currency: str, per: str = "call") -> Figure:
    """Stacked cost components per scenario. ``breakdown``: index scenario, columns components."""
    comps = [c for c in breakdown.columns if float(breakdown[c].abs().sum()) > 0]
    names = list(breakdown.index)
    fig, ax = plt.subplots(figsize=(11, 3.2 + 0.45 * len(names)))
    y = np.arange(len(names))[::-1]
    left = np.zeros(len(names))
    total = breakdown[comps].sum(axis=1).to_numpy(float) if comps else np.zeros(len(names))
    for c in comps:
        v = breakdown[c].to_numpy(float)
        ax.barh(y, v, left=left, color=COMPONENT_COLORS.get(c, "#999999"), label=c.replace("_", " "), height=0.6,
                edgecolor="white", linewidth=0.6)
        for yi, li, vi, ti in zip(y, left, v, total):
            if ti > 0 and vi / ti >= 0.07:
                ax.text(li + vi / 2, yi, pct(vi / ti, 0), ha="center", va="center", color="white", fontsize=9,
                        fontweight="bold")
        left += v
    for yi, t in zip(y, total):
        ax.text(t, yi, f"  {compact_money(t)}", va="center", fontsize=10, color=TEXT)
    ax.set_yticks(y, [short_label(n, 28) for n in names])
    ax.xaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_xlabel(f"{currency} per {per}" if per else currency)
    top = float(total[np.isfinite(total)].max()) if np.isfinite(total).any() else 0.0
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), ncol=1, fontsize=10)
    fig.tight_layout()
    return fig


def component_bars(per_call: pd.Series, currency: str) -> Figure:
    """One scenario's cost per answered call by component, largest first, with shares."""
    s = per_call[np.isfinite(per_call) & (per_call.abs() > 0)].sort_values()  # no answered call: nothing per call
    total = float(s.sum())
    fig, ax = plt.subplots(figsize=(11, 0.9 + 0.42 * max(1, len(s))))
    if s.empty:
        ax.text(0.5, 0.5, "No answered calls: the cost per answered call is undefined", ha="center", va="center",
                transform=ax.transAxes, color=TEXT)
    y = np.arange(len(s))
    ax.barh(y, s.to_numpy(float), color=[COMPONENT_COLORS.get(c, "#999999") for c in s.index], height=0.65)
    for yi, v in zip(y, s.to_numpy(float)):
        share = f" ({pct(v / total, 0)})" if total else ""
        ax.text(v, yi, f"  {compact_money(v)}{share}", va="center", fontsize=10, color=TEXT)
    ax.set_yticks(y, [c.replace("_", " ") for c in s.index])
    ax.xaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_xlabel(f"{currency} per answered call")
    ax.set_xlim(0, float(s.max()) * 1.22 if len(s) and s.max() > 0 else 1)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def savings_waterfall(start_label: str, start: float, steps: list[tuple[str, float]], end_label: str, currency: str,
                      end_color: str | None = None) -> Figure:
    """Monthly cost from the baseline, lever by lever (each step a saving > 0), to the combined scenario.

    ``end_color``: the combined scenario's colour in the other charts (default: the first palette colour).
    """
    labels = [start_label] + [s[0] for s in steps] + [end_label]
    crowded = len(labels) > 7
    fig, ax = plt.subplots(figsize=(11, 4.8 if crowded else 4.4))
    scale = max([abs(start), abs(start - sum(v for _, v in steps))] + [abs(v) for _, v in steps])

    def fmt(v: float) -> str:
        return money_in_scale(v, scale)

    fs = 9.5 if crowded else 10
    level = start
    x = np.arange(len(labels))
    ax.bar(0, start, color=BASELINE_COLOR, width=0.6)
    ax.annotate(fmt(start), (0, start), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=fs)
    for i, (_, saving) in enumerate(steps, start=1):
        new = level - saving
        color = POSITIVE if saving >= 0 else NEGATIVE
        ax.bar(i, new - level, bottom=level, color=color, width=0.6)
        ax.plot([i - 1 + 0.3, i - 0.3], [level, level], color="#888888", lw=1, ls=":")
        text = ("−" if saving >= 0 else "+") + fmt(abs(saving))
        ax.annotate(text, (i, max(level, new)), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=fs,
                    color=color, fontweight="bold")
        level = new
    end = start - sum(s for _, s in steps)
    ax.plot([len(steps) + 0.3 - 1, len(steps) + 1 - 0.3], [level, level], color="#888888", lw=1, ls=":")
    ax.bar(len(labels) - 1, end, color=end_color or SCENARIO_PALETTE[0], width=0.6)
    ax.annotate(fmt(end), (len(labels) - 1, end), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=fs)
    if crowded:
        ax.set_xticks(x, [short_label(lb, 20) for lb in labels], fontsize=10, rotation=30, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(x, [short_label(lb, 16) for lb in labels], fontsize=10)
    ax.yaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_ylabel(f"{currency} per month")
    lows = [start, end] + [start - sum(s for _, s in steps[: i + 1]) for i in range(len(steps))]
    lo = min(lows)
    hi = max(lows)
    span = hi - lo if hi > lo else hi * 0.1
    ax.set_ylim(max(0.0, lo - 1.5 * span), hi + 0.35 * span)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig
