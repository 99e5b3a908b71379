"""Matplotlib figures for the report (Agg backend): one function per chart, data in, Figure out.

Colours are fixed so a reader learns them once: the baseline is always slate grey, scenarios
take the palette in the order they are given (20 distinct colours, neighbours never alike), and
every cost component has its own colour in every chart. Money axes use one unit per axis (all
"M", all "k" or plain). With many scenarios (more than ``MANY``) the charts switch to layouts that
stay readable: horizontal bars, thin lines with the baseline bold, legends below the plots. Functions take plain numbers and DataFrames, never scenario files; titles and labels
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
from matplotlib.ticker import Formatter, FuncFormatter, PercentFormatter  # noqa: E402

BASELINE_COLOR = "#5B6770"
# The first eight are the original palette (so 1-8 scenarios look as they always did); then the
# rest of tab20's hues, dark ones before their light partners, ordered so neighbours differ in hue.
# No grey: grey is the baseline's.
SCENARIO_PALETTE = (
    "#1F77B4", "#E8850C", "#2CA02C", "#D62728", "#7B5EA7", "#17A6B8", "#B8860B", "#E377C2",
    "#8C564B", "#BCBD22", "#393B79", "#FF9896", "#98DF8A", "#C5B0D5", "#AEC7E8", "#FFBB78",
    "#9EDAE5", "#F7B6D2", "#C49C94", "#DBDB8D",
)
MANY = 4  # more scenarios than this: compact layouts (see the module docstring)
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


def money_in_scale(x: float, scale: float) -> str:
    """``x`` in the unit that suits ``scale`` (a chart's largest figure), so labels side by side match:
    1,257k / 42k / 7.9k rather than 1,256,794 / 42k / 7,917."""
    a, sign = abs(x), "-" if x < 0 else ""
    if abs(scale) >= 1e7:
        return f"{sign}{a / 1e6:,.{1 if a >= 1e6 else 2}f}M"
    if abs(scale) >= 1e4:
        return f"{sign}{a / 1e3:,.{0 if a >= 1e4 else 1}f}k"
    return money_formatter("")(x)


class MoneyAxisFormatter(Formatter):
    """Money tick labels in one unit for the whole axis: 0 / 2M / 4M ..., 0 / 250k / 500k ... or 0.00 / 1.00.

    (A per-value formatter mixes "12.0M" with "8,000k" on one axis; this one looks at all ticks.)
    """

    def __init__(self) -> None:
        self._ticks: list[float] = []

    def set_locs(self, locs: Sequence[float]) -> None:  # called with all tick values before formatting them
        super().set_locs(locs)
        self._ticks = [float(v) for v in locs]

    def __call__(self, x: float, pos: int | None = None) -> str:
        locs = [abs(v) for v in self._ticks if np.isfinite(v)] or [abs(x)]
        top = max(locs)
        if top >= 1e6:
            unit, suffix = 1e6, "M"
        elif top >= 1e4:
            unit, suffix = 1e3, "k"
        else:
            unit, suffix = 1.0, ""
        if unit == 1.0:
            digits = 2 if top < 100 else 0
        else:
            steps = np.diff(sorted(set(self._ticks))) if len(self._ticks) > 1 else np.array([])
            step = float(steps[steps > 0].min()) if steps.size and (steps > 0).any() else top or unit
            digits = int(min(2, max(0, math.ceil(-math.log10(step / unit) - 1e-9))))
        if abs(x) < 1e-12 * max(1.0, top):
            return "0" if unit != 1.0 else f"{0:.{digits}f}"
        sign = "-" if x < 0 else ""
        return f"{sign}{abs(x) / unit:,.{digits}f}{suffix}"


def _is_baseline(name: str, colors: dict[str, str]) -> bool:
    return colors.get(name) == BASELINE_COLOR


def _legend_below(fig: Figure, handles: list, labels: list[str], fontsize: float = 9.5) -> None:
    """A figure legend under the plots (call after tight_layout; savefig's tight bbox takes it in)."""
    width_px = fig.get_figwidth() * 100
    longest = max((len(lb) for lb in labels), default=10)
    ncol = max(1, min(len(labels), int(width_px // (fontsize * 0.62 * longest + 55))))
    leg = fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol, fontsize=fontsize,
                     handlelength=2.2, columnspacing=1.6)
    for h in getattr(leg, "legend_handles", []):  # thin plot lines, but legend keys thick enough to tell colours apart
        if hasattr(h, "set_linewidth") and hasattr(h, "get_linewidth"):
            h.set_linewidth(max(2.4, float(np.max(h.get_linewidth()))))
            if hasattr(h, "set_alpha"):
                h.set_alpha(1.0)


def _legend_above(fig: Figure, handles: list, labels: list[str], fontsize: float = 10) -> None:
    """A figure legend above the plots, clear of every subplot title (call after tight_layout)."""
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(5, len(labels)), fontsize=fontsize)


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


def _cost_ylim(m: np.ndarray, err: np.ndarray, kpi: str) -> tuple[float, float]:
    """Value-axis range: total cost from zero; cost per call zoomed so differences show."""
    lo = float(np.nanmin(m - err[0])) if len(m) else 0.0
    hi = float(np.nanmax(m + err[1])) if len(m) else 1.0
    if kpi == "total_cost" or lo <= 0:
        return 0.0, hi
    span = hi - lo
    return max(0.0, lo - 2.5 * span if span > 0 else lo * 0.8), hi


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
            ax.annotate(f"{v:,.2f}" if kpi == "cost_per_call" else money_formatter(currency)(v),
                        (xi, v), xytext=(8, 4), textcoords="offset points", fontsize=10, color=TEXT)
        ax.set_xticks(x, [_short(n, 13) for n in names], fontsize=9 if len(names) > 3 else 10)
        ax.set_title(title, loc="left")
        ax.set_ylabel(currency)
        ax.yaxis.set_major_formatter(MoneyAxisFormatter())
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


def _cost_kpi_hbars(summary: pd.DataFrame, colors: dict[str, str], currency: str) -> Figure:
    names = list(summary.index)
    n = len(names)
    fig, axes = plt.subplots(1, 2, figsize=(11, 1.3 + 0.36 * n), sharey=True)
    y = np.arange(n)[::-1]  # the given order, top to bottom (baseline first)
    fmt = money_formatter(currency)
    for ax, kpi, title in zip(axes, ("cost_per_call", "total_cost"), ("Cost per answered call", "Total cost over the horizon")):
        m = summary[f"{kpi}_mean"].to_numpy(float)
        err = _err(m, summary[f"{kpi}_lo"].to_numpy(float), summary[f"{kpi}_hi"].to_numpy(float))
        ax.barh(y, m, color=[colors[nm] for nm in names], height=0.62, xerr=err, capsize=3, ecolor=TEXT,
                error_kw={"lw": 1.0})
        for yi, v, e in zip(y, m, err[1]):
            if np.isfinite(v):
                ax.text(v + e, yi, f"  {v:,.2f}" if kpi == "cost_per_call" else f"  {fmt(v)}", va="center", fontsize=9,
                        color=TEXT)
        base = [v for nm, v in zip(names, m) if _is_baseline(nm, colors)]
        if base and np.isfinite(base[0]):
            ax.axvline(base[0], color=BASELINE_COLOR, ls=":", lw=1.2, zorder=3)
        lo, hi = _cost_ylim(m, err, kpi)
        ax.set_xlim(lo, hi + 0.2 * (hi - lo))
        ax.set_title(title, loc="left")
        ax.set_xlabel(currency)
        ax.xaxis.set_major_formatter(MoneyAxisFormatter())
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(y, [_short(nm, 26) for nm in names], fontsize=9.5)
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
                ax.text(li + vi / 2, yi, f"{100 * vi / ti:.0f}%", ha="center", va="center", color="white", fontsize=9,
                        fontweight="bold")
        left += v
    for yi, t in zip(y, total):
        ax.text(t, yi, f"  {money_formatter(currency)(t)}", va="center", fontsize=10, color=TEXT)
    ax.set_yticks(y, [_short(n, 28) for n in names])
    ax.xaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_xlabel(f"{currency} per {per}" if per else currency)
    ax.set_xlim(0, float(total.max()) * 1.15 if len(total) and total.max() > 0 else 1)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), ncol=1, fontsize=10)
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
        ax.set_xticks(x, [_short(lb, 20) for lb in labels], fontsize=10, rotation=30, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(x, [_short(lb, 16) for lb in labels], fontsize=10)
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


def _line_kw(name: str, colors: dict[str, str], many: bool, lw: float = 2.2) -> dict:
    """Line style: with many scenarios thin lines and the baseline bold and on top."""
    if not many:
        return {"color": colors[name], "lw": lw}
    if _is_baseline(name, colors):
        return {"color": colors[name], "lw": lw + 0.8, "zorder": 5}
    return {"color": colors[name], "lw": 1.5, "alpha": 0.9, "zorder": 3}


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
    for ax, (col, title, pct) in zip(axes, specs):
        for name, df in frames.items():
            x = np.arange(len(df))
            marker = {} if many else {"marker": "o", "ms": 3}
            ax.plot(x, df[col].to_numpy(float), label=name, **_line_kw(name, colors, many), **marker)
            ticks_from = df
        if col == "service_level":
            ax.axhline(target_fraction, color="#888888", ls="--", lw=1.2)
            _target_label(ax, [df[col].to_numpy(float) for df in frames.values()], target_fraction, f"target {target_fraction:.0%}")
            ax.set_ylim(0, 1.02)
        else:
            ax.set_ylim(bottom=0)
        if pct:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(title, loc="left")
        _interval_ticks(ax, ticks_from)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    if len(frames) > 1:
        (_legend_below if many else _legend_above)(fig, handles, labels)
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
            ax.step(x, y, where="mid", label=name, **_line_kw(name, colors, True, lw=2.0))
        else:
            ax.step(x, y, where="mid", color=colors[name], lw=2.6 if i == 0 else 2.0,
                    ls="-" if i == 0 else "--" if i == 1 else "-.", label=name)
        ref = df
    ax.set_ylim(bottom=0)
    ax.set_ylabel("agents on the phones")
    _interval_ticks(ax, ref)
    handles, labels = ax.get_legend_handles_labels()
    fig.tight_layout()
    (_legend_below if many else _legend_above)(fig, handles, labels)
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


def _payback_month(d: dict) -> float:
    """Where the cumulative saving line crosses the investment, in months (0: nothing to recover; nan: never)."""
    inv = d.get("investment", 0.0) or 0.0
    monthly = d.get("monthly", math.nan)
    if not np.isfinite(monthly) or monthly <= 0:
        return math.nan
    return inv / monthly if inv > 0 else 0.0


def payback_zoomed(lines: dict[str, dict], months: int = 36) -> bool:
    """Whether ``payback_chart`` draws two panels (36 months + a zoom on the paybacks) rather than one.

    Two panels with more than ``MANY`` lines, or with two or more when the investments are small
    against the 36-month savings (the payback points and their labels would pile up near zero).
    """
    if len(lines) > MANY:
        return True
    if len(lines) < 2:
        return False
    ends = [d["monthly"] * months for d in lines.values() if np.isfinite(d.get("monthly", math.nan))]
    invs = [float(d.get("investment", 0.0) or 0.0) for d in lines.values()]
    span = max(ends + invs + [0.0]) - min(ends + [0.0])
    return span > 0 and max(invs) < 0.15 * span


def payback_chart(lines: dict[str, dict], colors: dict[str, str], currency: str, months: int = 36) -> Figure:
    """Cumulative savings against investment over ``months``.

    ``lines``: scenario -> {"monthly": mean monthly saving, "low"/"high": CI of it (optional),
    "investment": one-time investment, "payback": the finance table's payback month (optional)}.
    One panel (see ``payback_zoomed``): each line with its investment (dashed) and payback
    annotated. Two panels: no per-line text; the second zooms on the months where the lines cross
    their investments (dots), and the legend below lists each scenario's payback month, largest
    36-month saving first.
    """
    if payback_zoomed(lines, months):
        return _payback_many(lines, colors, currency, months)
    fig, ax = plt.subplots(figsize=(11, 4.2))
    m = np.arange(0, months + 1)
    fmt = money_formatter(currency)
    for k, (name, d) in enumerate(lines.items()):
        c = colors[name]
        ax.plot(m, d["monthly"] * m, color=c, lw=2.4, label=f"{name}: cumulative saving")
        lo, hi = d.get("low"), d.get("high")
        if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
            ax.fill_between(m, lo * m, hi * m, color=c, alpha=0.12, lw=0)
        inv = d.get("investment", 0.0) or 0.0
        if inv > 0:
            ax.axhline(inv, color=c, ls="--", lw=1.4)
            ax.annotate(f"investment {fmt(inv)}", (months * (1 - 0.2 * (k % 4)), inv), xytext=(-4, 4),
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
    ax.yaxis.set_major_formatter(MoneyAxisFormatter())
    fig.tight_layout()
    handles, labels = ax.get_legend_handles_labels()
    _legend_above(fig, handles, labels, fontsize=9.5)
    return fig


def _payback_many(lines: dict[str, dict], colors: dict[str, str], currency: str, months: int) -> Figure:
    m = np.arange(0, months + 1)
    many = len(lines) > MANY
    fig, (ax, az) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": (1.5, 1)})
    pbs = {name: _payback_month(d) for name, d in lines.items()}
    invs = {name: float(d.get("investment", 0.0) or 0.0) for name, d in lines.items()}
    crossing = [p for name, p in pbs.items() if np.isfinite(p) and 0 < p <= months and invs[name] > 0]
    zx = int(min(months, max(6, math.ceil(1.35 * max(crossing)) + 1))) if crossing else min(12, months)
    top = max([v for v in invs.values() if v > 0], default=0.0)
    if top <= 0:
        top = max((abs(d["monthly"]) * zx for d in lines.values() if np.isfinite(d["monthly"])), default=1.0)
    for name, d in lines.items():
        c, mo = colors[name], d["monthly"]
        if not np.isfinite(mo):
            continue
        lo, hi = d.get("low"), d.get("high")
        for a in (ax, az):
            a.plot(m, mo * m, color=c, lw=1.8 if many else 2.2, label=name)
            if not many and lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
                a.fill_between(m, lo * m, hi * m, color=c, alpha=0.12, lw=0)
        pb, inv = pbs[name], invs[name]
        if inv > 0 and np.isfinite(pb) and pb <= months:
            az.hlines(inv, 0, pb, color=c, ls="--", lw=1.0, alpha=0.8)
            az.plot([pb], [inv], marker="o", ms=8, color=c, mec="white", mew=1.5, zorder=4)
    neg = min([d["monthly"] * zx for d in lines.values() if np.isfinite(d["monthly"])] + [0.0])
    az.set_xlim(0, zx)
    az.set_ylim(max(neg, -0.35 * top) * 1.1, top * 1.45)
    az.set_title(f"First {zx} months: dots mark payback", loc="left", fontsize=11)
    ax.set_title(f"Cumulative saving over {months} months", loc="left", fontsize=11)
    ax.set_xlim(0, months)
    ax.set_xticks(range(0, months + 1, 6))
    for a in (ax, az):
        a.axhline(0, color="#888888", lw=1)
        a.set_xlabel("months after go-live")
        a.yaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_ylabel(currency)
    fig.tight_layout()

    def final(name: str) -> float:
        v = lines[name]["monthly"]
        return v * months if np.isfinite(v) else -math.inf

    handles = {h.get_label(): h for h in ax.get_lines() if not h.get_label().startswith("_")}
    order = sorted((n for n in lines if n in handles), key=final, reverse=True)
    labels = []
    for n in order:
        pb = pbs[n]
        table = lines[n].get("payback")  # the finance table's payback month, when the caller has it
        if table is not None:
            pb = float(table) if np.isfinite(table) else math.nan
        when = ("never pays back" if not np.isfinite(pb) or pb > months
                else "no investment" if pb <= 0 and invs[n] <= 0 else f"payback month {max(1, math.ceil(pb))}")
        labels.append(f"{n} · {when}")
    _legend_below(fig, [handles[n] for n in order], labels, fontsize=9 if many else 10)
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
                where="post", label=name, **_line_kw(name, colors, many, lw=2.0))
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
    if many:
        handles, labels = ax.get_legend_handles_labels()
        fig.tight_layout()
        _legend_below(fig, handles, labels)
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
    ax.xaxis.set_major_formatter(MoneyAxisFormatter())
    ax.set_xlabel(f"{currency} per answered call")
    ax.set_xlim(0, float(s.max()) * 1.22 if len(s) and s.max() > 0 else 1)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
