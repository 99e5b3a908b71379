"""Cost charts: cost per call and total cost by scenario, cost components, the savings waterfall.

Functions take plain numbers and DataFrames and return a Figure; titles and captions are the
report's.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from simulator.output.charts.style import (
    BASELINE_COLOR,
    COMPONENT_COLORS,
    NEGATIVE,
    POSITIVE,
    SCENARIO_PALETTE,
    TEXT,
    MoneyAxisFormatter,
    chart_names,
    is_baseline,
    short_label,
)
from simulator.output.fmt import compact_money, money_in_scale, number, pct
from simulator.output.labels import kpi_label


def _err(mean: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    lo = np.where(np.isnan(lo), mean, lo)
    hi = np.where(np.isnan(hi), mean, hi)
    return np.vstack([np.maximum(mean - lo, 0), np.maximum(hi - mean, 0)])


def _cost_label(kpi: str, v: float, base: float | None) -> str:
    """The value at a bar's end, with its change against the baseline: ``6.50 (−3.4%)``."""
    text = number(v, 2) if kpi == "cost_per_call" else compact_money(v)
    if base is None or not np.isfinite(base) or base == 0 or not np.isfinite(v):
        return text
    change = (v / base - 1) * 100
    return f"{text} ({'+' if change >= 0 else '−'}{abs(change):.1f}%)"


KPI_AXES = (("cost_per_call", "Cost per answered call", "{} per answered call"), ("total_cost", "Total cost over the horizon", "{} in total"))


def cost_kpi_bars(summary: pd.DataFrame, colors: dict[str, str], currency: str) -> Figure:
    """Cost per call and total cost by scenario, from zero, with 95% CI error bars.

    ``summary``: one row per scenario (index: name) with columns ``{kpi}_mean``, ``{kpi}_lo``,
    ``{kpi}_hi`` for ``cost_per_call`` and ``total_cost``. Each bar is labelled with its value and
    its change against the baseline (the differences a zoomed axis would exaggerate, in numbers).
    Up to five scenarios: columns side by side; more: horizontal bars in the given order (names
    on the y axis, values at the bar ends).
    """
    names = list(summary.index)
    drawn = chart_names(colors)
    base_name = next((n for n in names if is_baseline(n, colors)), None)
    if len(names) > 5:
        return _cost_kpi_hbars(summary, colors, currency, drawn, base_name)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6 + 0.15 * len(names)))
    for ax, (kpi, title, unit) in zip(axes, KPI_AXES):
        m = summary[f"{kpi}_mean"].to_numpy(float)
        err = _err(m, summary[f"{kpi}_lo"].to_numpy(float), summary[f"{kpi}_hi"].to_numpy(float))
        base = float(summary.loc[base_name, f"{kpi}_mean"]) if base_name is not None else None
        x = np.arange(len(names))
        ax.bar(x, m, color=[colors[n] for n in names], width=0.6, yerr=err, capsize=6, ecolor=TEXT, error_kw={"lw": 1.2})
        for xi, v, e, n in zip(x, m, err[1], names):
            if np.isfinite(v):
                ax.annotate(_cost_label(kpi, v, None if n == base_name else base), (xi, v + e), xytext=(0, 4),
                            textcoords="offset points", ha="center", fontsize=9.5, color=TEXT)
        ax.set_xticks(x, [short_label(drawn[n], 13) for n in names], fontsize=9 if len(names) > 3 else 10)
        ax.set_title(title, loc="left")
        ax.set_ylabel(unit.format(currency))
        ax.yaxis.set_major_formatter(MoneyAxisFormatter())
        ax.grid(axis="x", visible=False)
        ax.set_ylim(0, _top(m, err) * 1.15)
    fig.tight_layout()
    return fig


def _top(m: np.ndarray, err: np.ndarray) -> float:
    tops = (m + err[1])[np.isfinite(m + err[1])]
    return float(tops.max()) if tops.size and tops.max() > 0 else 1.0


def _cost_kpi_hbars(summary: pd.DataFrame, colors: dict[str, str], currency: str, drawn: dict[str, str],
                    base_name: str | None) -> Figure:
    names = list(summary.index)
    n = len(names)
    fig, axes = plt.subplots(1, 2, figsize=(11, 1.3 + 0.36 * n), sharey=True)
    y = np.arange(n)[::-1]  # the given order, top to bottom (baseline first)
    for ax, (kpi, title, unit) in zip(axes, KPI_AXES):
        m = summary[f"{kpi}_mean"].to_numpy(float)
        err = _err(m, summary[f"{kpi}_lo"].to_numpy(float), summary[f"{kpi}_hi"].to_numpy(float))
        base = float(summary.loc[base_name, f"{kpi}_mean"]) if base_name is not None else None
        ax.barh(y, m, color=[colors[nm] for nm in names], height=0.62, xerr=err, capsize=3, ecolor=TEXT,
                error_kw={"lw": 1.0})
        for yi, v, e, nm in zip(y, m, err[1], names):
            if np.isfinite(v):
                ax.text(v + e, yi, f"  {_cost_label(kpi, v, None if nm == base_name else base)}", va="center",
                        fontsize=8.5, color=TEXT)
        if base is not None and np.isfinite(base):
            ax.axvline(base, color=BASELINE_COLOR, ls=":", lw=1.2, zorder=3)
        ax.set_xlim(0, _top(m, err) * 1.42)  # room for "6.50 (−3.4%)" after the longest bar
        ax.set_title(title, loc="left")
        ax.set_xlabel(unit.format(currency))
        ax.xaxis.set_major_formatter(MoneyAxisFormatter())
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(y, [short_label(drawn[nm], 26) for nm in names], fontsize=9.5)
    axes[0].set_ylim(-0.6, n - 0.4)
    fig.tight_layout()
    return fig


def cost_breakdown_bars(breakdown: pd.DataFrame, currency: str, per: str = "call", names: dict[str, str] | None = None) -> Figure:
    """Stacked cost components per scenario, from zero. ``breakdown``: index scenario, columns
    components; ``names``: the text drawn for each scenario (``style.chart_names``; default: the index)."""
    comps = [c for c in breakdown.columns if float(breakdown[c].abs().sum()) > 0]
    names_in = list(breakdown.index)
    fig, ax = plt.subplots(figsize=(11, 3.2 + 0.45 * len(names_in)))
    y = np.arange(len(names_in))[::-1]
    left = np.zeros(len(names_in))
    total = breakdown[comps].sum(axis=1).to_numpy(float) if comps else np.zeros(len(names_in))
    for c in comps:
        v = breakdown[c].to_numpy(float)
        ax.barh(y, v, left=left, color=COMPONENT_COLORS.get(c, "#999999"), label=kpi_label(c), height=0.6,
                edgecolor="white", linewidth=0.6)
        for yi, li, vi, ti in zip(y, left, v, total):
            if ti > 0 and vi / ti >= 0.07:
                ax.text(li + vi / 2, yi, pct(vi / ti, 0), ha="center", va="center", color="white", fontsize=9,
                        fontweight="bold")
        left += v
    for yi, t in zip(y, total):
        ax.text(t, yi, f"  {compact_money(t)}", va="center", fontsize=10, color=TEXT)
    drawn = names or {n: n.replace("$", r"\$") for n in names_in}
    ax.set_yticks(y, [short_label(drawn[n], 28) for n in names_in])
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
    ax.set_yticks(y, [kpi_label(c) for c in s.index])
    ax.xaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_xlabel(f"{currency} per answered call")
    ax.set_xlim(0, float(s.max()) * 1.22 if len(s) and s.max() > 0 else 1)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def savings_waterfall(steps: list[tuple[str, float, float | None]], end_label: str, currency: str,
                      end_color: str | None = None) -> Figure:
    """The combined scenario's monthly saving built up from zero, lever by lever, with each lever's
    stand-alone saving beside its share.

    ``steps``: (label, share of the combined saving, stand-alone saving or None), per month; the
    shares add up to the combined saving (the caller closes any gap with a step of its own). Each
    share floats from the running total (green: saves, red: adds cost); beside it a light bar from
    zero shows what the lever saves on its own. The last bar, from zero, is the combined saving
    (``end_color``: the combined scenario's colour in the other charts; default the first palette colour).
    The axis always includes zero, so every bar's length is its amount.
    """
    n = len(steps)
    crowded = n > 6
    fig, ax = plt.subplots(figsize=(11, 4.8 if crowded else 4.4))
    alone = [a for _, _, a in steps if a is not None and np.isfinite(a)]
    total = float(sum(v for _, v, _ in steps))
    levels = np.concatenate([[0.0], np.cumsum([v for _, v, _ in steps])])
    scale = max([abs(total), *map(abs, levels), *map(abs, alone), 1.0])

    def fmt(v: float) -> str:
        return ("−" if v < 0 else "") + money_in_scale(abs(v), scale)

    fs = 9 if crowded else 10
    w = 0.38 if alone else 0.6
    shift = w / 2 if alone else 0.0
    for i, (_, saving, stand_alone) in enumerate(steps):
        lo, hi = levels[i], levels[i + 1]
        color = POSITIVE if saving >= 0 else NEGATIVE
        ax.bar(i - shift, hi - lo, bottom=lo, color=color, width=w)
        ax.annotate(fmt(saving), (i - shift, max(lo, hi)), xytext=(0, 3), textcoords="offset points", ha="center",
                    fontsize=fs, color=color, fontweight="bold")
        ax.plot([i - shift + w / 2, i + 1 - shift - w / 2], [hi, hi], color="#888888", lw=1, ls=":")
        if stand_alone is not None and np.isfinite(stand_alone):
            c = POSITIVE if stand_alone >= 0 else NEGATIVE
            ax.bar(i + shift, stand_alone, color=c, alpha=0.28, width=w, edgecolor=c, linewidth=0.8)
            ax.annotate(fmt(stand_alone), (i + shift, stand_alone), xytext=(0, 3 if stand_alone >= 0 else -3),
                        textcoords="offset points", ha="center", va="bottom" if stand_alone >= 0 else "top", fontsize=fs - 1,
                        color=TEXT)
    ax.bar(n, total, color=end_color or SCENARIO_PALETTE[0], width=0.6)
    ax.annotate(fmt(total), (n, max(0.0, total)), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=fs,
                fontweight="bold")
    ax.axhline(0, color=TEXT, lw=1)
    labels = [lb for lb, _, _ in steps] + [f"{end_label}\n(combined)"]
    x = np.arange(n + 1)
    if crowded:
        ax.set_xticks(x, [short_label(lb, 20) for lb in labels], fontsize=9.5, rotation=30, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(x, [short_label(lb, 16) if i < n else lb for i, lb in enumerate(labels)], fontsize=10)
    ax.yaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_ylabel(f"saving, {currency} per month")
    values = [0.0, total, *levels, *alone]
    lo, hi = min(values), max(values)
    pad = 0.12 * (hi - lo or 1.0)
    ax.set_ylim(min(0.0, lo - pad), max(0.0, hi + pad))
    ax.set_xlim(-0.6, n + 0.6)
    ax.grid(axis="x", visible=False)
    if alone:
        ax.legend(handles=[Patch(color=POSITIVE, label="share of the combined saving"),
                           Patch(facecolor=POSITIVE, alpha=0.28, edgecolor=POSITIVE, label="saving of the lever alone")],
                  loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=9.5, ncol=2)
    fig.tight_layout()
    return fig
