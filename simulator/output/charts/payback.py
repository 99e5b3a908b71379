"""The payback chart: cumulative savings against each scenario's one-time investment.

The chart draws no names; ``payback_legend`` gives the report its legend (names, in HTML).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from simulator.output.charts.style import MANY, MoneyAxisFormatter
from simulator.output.fmt import compact_money


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
    their investments (dots); ``payback_legend`` lists each scenario's payback month.
    """
    if payback_zoomed(lines, months):
        return _payback_many(lines, colors, currency, months)
    fig, ax = plt.subplots(figsize=(11, 4.2))
    m = np.arange(0, months + 1)
    for k, (name, d) in enumerate(lines.items()):
        c = colors[name]
        ax.plot(m, d["monthly"] * m, color=c, lw=2.4)
        lo, hi = d.get("low"), d.get("high")
        if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
            ax.fill_between(m, lo * m, hi * m, color=c, alpha=0.12, lw=0)
        inv = d.get("investment", 0.0) or 0.0
        if inv > 0:
            ax.axhline(inv, color=c, ls="--", lw=1.4)
            ax.annotate(f"investment {compact_money(inv)}", (months * (1 - 0.2 * (k % 4)), inv), xytext=(-4, 4),
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
    ax.set_ylabel(f"cumulative saving ({currency})")
    ax.yaxis.set_major_formatter(MoneyAxisFormatter())
    fig.tight_layout()
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
            a.plot(m, mo * m, color=c, lw=1.8 if many else 2.2)
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
    ax.set_ylabel(f"cumulative saving ({currency})")
    fig.tight_layout()
    return fig


def payback_legend(lines: dict[str, dict], months: int = 36) -> list[tuple[str, str]]:
    """(name, "payback month 7" / "never pays back" / "no investment") per line of ``payback_chart``,
    largest saving over ``months`` first; the payback month is the finance table's when given."""

    def final(name: str) -> float:
        v = lines[name]["monthly"]
        return v * months if np.isfinite(v) else -math.inf

    out = []
    for n in sorted(lines, key=final, reverse=True):
        d = lines[n]
        pb = _payback_month(d)
        table = d.get("payback")  # the finance table's payback month, when the caller has it
        if table is not None:
            pb = float(table) if np.isfinite(table) else math.nan
        inv = float(d.get("investment", 0.0) or 0.0)
        out.append((n, "never pays back" if not np.isfinite(pb) or pb > months
                    else "no investment" if pb <= 0 and inv <= 0 else f"payback month {max(1, math.ceil(pb))}"))
    return out
