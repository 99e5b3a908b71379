"""The look every chart shares: colours, fonts, money axes, legends, and figure-to-PNG.

Colours are fixed so a reader learns them once: the baseline is always slate grey, scenarios
take the palette in the order they are given (20 distinct colours, neighbours never alike), and
every cost component has its own colour in every chart. Money axes use one unit per axis (all
"M", all "k" or plain). With many scenarios (more than ``MANY``) the charts switch to layouts that
stay readable: horizontal bars, thin lines with the baseline bold, legends below the plots.
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
from matplotlib.ticker import Formatter  # noqa: E402

from simulator.output.fmt import scaled  # noqa: E402

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
    "overtime": "#4A6F8A",
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
        return scaled(x, unit, suffix, digits)


def is_baseline(name: str, colors: dict[str, str]) -> bool:
    return colors.get(name) == BASELINE_COLOR


def line_kw(name: str, colors: dict[str, str], many: bool, lw: float = 2.2) -> dict:
    """Line style: with many scenarios thin lines and the baseline bold and on top."""
    if not many:
        return {"color": colors[name], "lw": lw}
    if is_baseline(name, colors):
        return {"color": colors[name], "lw": lw + 0.8, "zorder": 5}
    return {"color": colors[name], "lw": 1.5, "alpha": 0.9, "zorder": 3}


def legend_below(fig: Figure, handles: list, labels: list[str], fontsize: float = 9.5) -> None:
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


def legend_above(fig: Figure, handles: list, labels: list[str], fontsize: float = 10) -> None:
    """A figure legend above the plots, clear of every subplot title (call after tight_layout)."""
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(5, len(labels)), fontsize=fontsize)


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (and closed, so long runs do not pile up figures)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def short_label(label: str, width: int = 22) -> str:
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


def interval_ticks(ax: plt.Axes, df: pd.DataFrame | None) -> None:
    if df is None or "interval_start" not in df:
        return
    labels = list(df["interval_start"])
    step = max(1, int(math.ceil(len(labels) / 8)))
    idx = list(range(0, len(labels), step))
    ax.set_xticks(idx, [labels[i] for i in idx], fontsize=9)
