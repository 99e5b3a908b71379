"""Matplotlib figures for the report (Agg backend): one function per chart, data in, Figure out.

Colours are fixed so a reader learns them once: the baseline is always slate grey, scenarios
take the palette in the order they are given, and every cost component has its own colour in
every chart. Functions take plain numbers and DataFrames, never scenario files; titles and labels
are set by the caller (``simulator.report``), which also turns figures into embedded PNGs.
"""

from __future__ import annotations

import io
import math
from typing import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

BASELINE_COLOR = "#5B6770"
SCENARIO_PALETTE = ("#1F77B4", "#E8850C", "#2CA02C", "#D62728", "#7B5EA7", "#17A6B8", "#B8860B", "#E377C2")
COMPONENT_COLORS = {
    "agent_labor": "#1F4E79",
    "supervision": "#2E75B6",
    "agent_seats": "#9DC3E6",
    "facilities": "#A5A5A5",
    "telephony": "#ED7D31",
    "ivr": "#FFC000",
    "self_service": "#70AD47",
    "automation": "#5B9BD5",
    "outsourcing": "#C00000",
    "programmes": "#7030A0",
    "overhead": "#7F6000",
}
POSITIVE = "#2CA02C"
NEGATIVE = "#D62728"
TEXT = "#222222"

plt.rcParams.update(
    {
        "font.size": 11,
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "axes.labelsize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#E5E5E5",
        "grid.linewidth": 0.8,
        "axes.axisbelow": True,
        "legend.frameon": False,
        "figure.dpi": 100,
    }
)


def scenario_colors(names: Sequence[str], baseline: str | None = None) -> dict[str, str]:
    """A colour per scenario name: the baseline slate, the others from the palette in order."""
    out: dict[str, str] = {}
    k = 0
    for n in names:
        if n in out:
            continue
        if baseline is not None and n == baseline:
            out[n] = BASELINE_COLOR
        else:
            out[n] = SCENARIO_PALETTE[k % len(SCENARIO_PALETTE)]
            k += 1
    return out


def money_formatter(currency: str) -> FuncFormatter:
    def fmt(x: float, _pos: int | None = None) -> str:
        a = abs(x)
        sign = "-" if x < 0 else ""
        if a >= 1e7:
            return f"{sign}{a / 1e6:,.1f}M"
        if a >= 1e4:
            return f"{sign}{a / 1e3:,.0f}k"
        if a >= 100:
            return f"{sign}{a:,.0f}"
        return f"{sign}{a:,.2f}"

    return FuncFormatter(fmt)


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (and closed, so long runs do not pile up figures)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def _short(label: str, width: int = 22) -> str:
    """Wrap long scenario names onto two lines for tick labels."""
    if len(label) <= width:
        return label
    words, lines, cur = label.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    text = "\n".join(lines[:2])
    return text if len(lines) <= 2 else text[: max(0, len(text) - 1)] + "…"


def _err(mean: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    lo = np.where(np.isnan(lo), mean, lo)
    hi = np.where(np.isnan(hi), mean, hi)
    return np.vstack([np.maximum(mean - lo, 0), np.maximum(hi - mean, 0)])


def cost_kpi_bars(summary: pd.DataFrame, colors: dict[str, str], currency: str) -> Figure:
    """Cost per call and total cost by scenario, with 95% CI error bars.

    ``summary``: one row per scenario (index: name) with columns ``{kpi}_mean``, ``{kpi}_lo``,
    ``{kpi}_hi`` for ``cost_per_call`` and ``total_cost``.
    """
    names = list(summary.index)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6 + 0.15 * len(names)))
    for ax, kpi, title in zip(axes, ("cost_per_call", "total_cost"), ("Cost per answered call", "Total cost over the horizon")):
        m = summary[f"{kpi}_mean"].to_numpy(float)
        err = _err(m, summary[f"{kpi}_lo"].to_numpy(float), summary[f"{kpi}_hi"].to_numpy(float))
        x = np.arange(len(names))
        ax.bar(x, m, color=[colors[n] for n in names], width=0.6, yerr=err, capsize=6, ecolor=TEXT, error_kw={"lw": 1.2})
        for xi, v in zip(x, m):
            ax.annotate(f"{v:,.2f}" if kpi == "cost_per_call" else money_formatter(currency)(v),
                        (xi, v), xytext=(8, 4), textcoords="offset points", fontsize=10, color=TEXT)
        ax.set_xticks(x, [_short(n, 13) for n in names], fontsize=9 if len(names) > 3 else 10)
        ax.set_title(title, loc="left")
        ax.set_ylabel(currency)
        ax.yaxis.set_major_formatter(money_formatter(currency))
        ax.grid(axis="x", visible=False)
        lo = np.nanmin(m - err[0]) if len(m) else 0
        hi = np.nanmax(m + err[1]) if len(m) else 1
        if kpi == "total_cost" or lo <= 0:
            ax.set_ylim(0, hi * 1.12)
        else:
            span = hi - lo
            ax.set_ylim(max(0.0, lo - 2.5 * span if span > 0 else lo * 0.8), hi + 0.25 * (span or hi))
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
                ax.text(li + vi / 2, yi, f"{100 * vi / ti:.0f}%", ha="center", va="center", color="white", fontsize=9,
                        fontweight="bold")
        left += v
    for yi, t in zip(y, total):
        ax.text(t, yi, f"  {money_formatter(currency)(t)}", va="center", fontsize=10, color=TEXT)
    ax.set_yticks(y, [_short(n, 28) for n in names])
    ax.xaxis.set_major_formatter(money_formatter(currency))
    ax.set_xlabel(f"{currency} per {per}" if per else currency)
    ax.set_xlim(0, float(total.max()) * 1.15 if len(total) and total.max() > 0 else 1)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), ncol=1, fontsize=10)
    fig.tight_layout()
    return fig


def savings_waterfall(start_label: str, start: float, steps: list[tuple[str, float]], end_label: str, currency: str) -> Figure:
    """Monthly cost from the baseline, lever by lever (each step a saving > 0), to the combined scenario."""
    labels = [start_label] + [s[0] for s in steps] + [end_label]
    fig, ax = plt.subplots(figsize=(11, 4.4))
    level = start
    x = np.arange(len(labels))
    ax.bar(0, start, color=BASELINE_COLOR, width=0.6)
    ax.annotate(f"{start:,.0f}", (0, start), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=10)
    for i, (_, saving) in enumerate(steps, start=1):
        new = level - saving
        color = POSITIVE if saving >= 0 else NEGATIVE
        ax.bar(i, new - level, bottom=level, color=color, width=0.6)
        ax.plot([i - 1 + 0.3, i - 0.3], [level, level], color="#888888", lw=1, ls=":")
        text = ("−" if saving >= 0 else "+") + money_formatter(currency)(abs(saving))
        ax.annotate(text, (i, max(level, new)), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=10,
                    color=color, fontweight="bold")
        level = new
    end = start - sum(s for _, s in steps)
    ax.plot([len(steps) + 0.3 - 1, len(steps) + 1 - 0.3], [level, level], color="#888888", lw=1, ls=":")
    ax.bar(len(labels) - 1, end, color=SCENARIO_PALETTE[0], width=0.6)
    ax.annotate(f"{end:,.0f}", (len(labels) - 1, end), xytext=(0, 4), textcoords="offset points",
                ha="center", fontsize=10)
    ax.set_xticks(x, [_short(lb, 16) for lb in labels], fontsize=10)
    ax.yaxis.set_major_formatter(money_formatter(currency))
    ax.set_ylabel(f"{currency} per month")
    lows = [start, end] + [start - sum(s for _, s in steps[: i + 1]) for i in range(len(steps))]
    lo = min(lows)
    hi = max(lows)
    span = hi - lo if hi > lo else hi * 0.1
    ax.set_ylim(max(0.0, lo - 1.5 * span), hi + 0.35 * span)
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


def interval_service(frames: dict[str, pd.DataFrame], colors: dict[str, str], target_seconds: float, target_fraction: float) -> Figure:
    """Service level, ASA and abandonment by interval, one line per scenario.

    ``frames``: scenario name -> ``SimulationResult.interval_summary()``.
    """
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    specs = (
        ("service_level", f"Service level ({target_seconds:g} s)", True),
        ("asa_seconds", "Average speed of answer (s)", False),
        ("abandonment_rate", "Abandonment", True),
    )
    ticks_from = None
    for ax, (col, title, pct) in zip(axes, specs):
        for name, df in frames.items():
            x = np.arange(len(df))
            ax.plot(x, df[col].to_numpy(float), color=colors[name], lw=2.2, marker="o", ms=3, label=name)
            ticks_from = df
        if col == "service_level":
            ax.axhline(target_fraction, color="#888888", ls="--", lw=1.2)
            ax.annotate(f"target {target_fraction:.0%}", (0, target_fraction), xytext=(2, -13), textcoords="offset points",
                        fontsize=9, color="#666666")
            ax.set_ylim(0, 1.02)
        else:
            ax.set_ylim(bottom=0)
        if pct:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(title, loc="left")
        _interval_ticks(ax, ticks_from)
    handles, labels = axes[0].get_legend_handles_labels()
    if len(frames) > 1:
        fig.tight_layout(rect=(0, 0, 1, 0.9))
        fig.legend(handles, labels, loc="upper center", ncol=min(5, len(labels)), bbox_to_anchor=(0.5, 1.0), fontsize=10)
    else:
        fig.tight_layout()
    return fig


def _interval_ticks(ax: plt.Axes, df: pd.DataFrame | None) -> None:
    if df is None or "interval_start" not in df:
        return
    labels = list(df["interval_start"])
    step = max(1, int(math.ceil(len(labels) / 8)))
    idx = list(range(0, len(labels), step))
    ax.set_xticks(idx, [labels[i] for i in idx], fontsize=9)


def agents_by_interval(frames: dict[str, pd.DataFrame], colors: dict[str, str], offered: pd.DataFrame | None = None) -> Figure:
    """Agents on the phones per interval: one step line per scenario (baseline first).

    ``frames``: scenario -> DataFrame with ``interval_start`` and ``agents``; ``offered`` (optional):
    the baseline's interval summary, whose offered calls are drawn as light bars behind.
    """
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
        ax.step(x, y, where="mid", color=colors[name], lw=2.6 if i == 0 else 2.0, ls="-" if i == 0 else "--" if i == 1 else "-.",
                label=name)
        ref = df
    ax.set_ylim(bottom=0)
    ax.set_ylabel("agents on the phones")
    _interval_ticks(ax, ref)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(5, len(frames)), fontsize=10)
    fig.tight_layout()
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


def payback_chart(lines: dict[str, dict], colors: dict[str, str], currency: str, months: int = 36) -> Figure:
    """Cumulative savings against investment over ``months``.

    ``lines``: scenario -> {"monthly": mean monthly saving, "low"/"high": CI of it (optional),
    "investment": one-time investment}.
    """
    fig, ax = plt.subplots(figsize=(11, 4.2))
    m = np.arange(0, months + 1)
    for k, (name, d) in enumerate(lines.items()):
        c = colors[name]
        ax.plot(m, d["monthly"] * m, color=c, lw=2.4, label=f"{name}: cumulative saving")
        lo, hi = d.get("low"), d.get("high")
        if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
            ax.fill_between(m, lo * m, hi * m, color=c, alpha=0.12, lw=0)
        inv = d.get("investment", 0.0) or 0.0
        if inv > 0:
            ax.axhline(inv, color=c, ls="--", lw=1.4)
            ax.annotate(f"investment {money_formatter(currency)(inv)}", (months * (1 - 0.2 * (k % 4)), inv), xytext=(-4, 4),
                        textcoords="offset points", ha="right", fontsize=9, color=c)
            if d["monthly"] > 0:
                pb = inv / d["monthly"]
                if pb <= months:
                    ax.plot([pb], [inv], marker="o", ms=8, color=c, mec="white", mew=1.5)
                    ax.annotate(f"payback ≈ month {math.ceil(pb)}", (pb, inv), xytext=(6, -16), textcoords="offset points",
                                fontsize=9, color=c, fontweight="bold")
    ax.axhline(0, color="#888888", lw=1)
    ax.set_xlim(0, months)
    ax.set_xticks(range(0, months + 1, 6))
    ax.set_xlabel("months after go-live")
    ax.set_ylabel(currency)
    ax.yaxis.set_major_formatter(money_formatter(currency))
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


def wait_distribution(hists: dict[str, np.ndarray], bins: np.ndarray, colors: dict[str, str], target_seconds: float) -> Figure:
    """Share of answered calls by waiting time (10-second bins, the last bin open-ended)."""
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
                where="post", color=colors[name], lw=2, label=name)
        if len(hists) == 1:
            ax.fill_between(np.append(lefts[:upto], lefts[upto - 1] + widths[upto - 1]), np.append(share[:upto], share[upto - 1]),
                            step="post", color=colors[name], alpha=0.12)
    ax.axvline(target_seconds, color="#888888", ls="--", lw=1.2)
    ax.annotate(f"target {target_seconds:g} s", (target_seconds, ax.get_ylim()[1] * 0.92), xytext=(4, 0),
                textcoords="offset points", fontsize=9, color="#666666")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel("waiting time before an agent answered (s)")
    ax.set_ylabel("share of answered calls (log scale)")
    ax.set_xlim(0, lefts[upto - 1] + widths[upto - 1])
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


def component_bars(per_call: pd.Series, currency: str) -> Figure:
    """One scenario's cost per answered call by component, largest first, with shares."""
    s = per_call[per_call.abs() > 0].sort_values()
    total = float(per_call.sum())
    fig, ax = plt.subplots(figsize=(11, 0.9 + 0.42 * max(1, len(s))))
    y = np.arange(len(s))
    ax.barh(y, s.to_numpy(float), color=[COMPONENT_COLORS.get(c, "#999999") for c in s.index], height=0.65)
    for yi, v in zip(y, s.to_numpy(float)):
        share = f" ({100 * v / total:.0f}%)" if total else ""
        ax.text(v, yi, f"  {money_formatter(currency)(v)}{share}", va="center", fontsize=10, color=TEXT)
    ax.set_yticks(y, [c.replace("_", " ") for c in s.index])
    ax.xaxis.set_major_formatter(money_formatter(currency))
    ax.set_xlabel(f"{currency} per answered call")
    ax.set_xlim(0, float(s.max()) * 1.22 if len(s) and s.max() > 0 else 1)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
