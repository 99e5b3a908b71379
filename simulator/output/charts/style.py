"""The look every chart shares: colours, fonts, names, money axes, small multiples, and figure-to-PNG.

Colours are fixed so a reader learns them once: the baseline is always slate grey, scenarios
take the palette in the order they are given (20 distinct colours, neighbours never alike), and
every cost component has its own colour in every chart. Money axes use one unit per axis (all
"M", all "k" or plain). With many scenarios (more than ``MANY``) the charts switch to layouts that
stay readable: horizontal bars, and small multiples (one panel per scenario, the baseline in grey
in each) instead of overlapping lines.

Names are the user's text, in any script. Matplotlib draws neither shaped scripts (Arabic comes
out unjoined, Devanagari without its conjuncts) nor glyphs its font lacks (CJK comes out as
boxes), so a chart draws a name only when every name of the report is plain Latin, Greek or
Cyrillic text in its font (``chart_names``); otherwise it draws short keys (``S1``, ``S2``...).
Either way the report puts each chart's legend, with the names, in HTML beside the PNG, where the
browser shapes every script.
"""

from __future__ import annotations

import io
import math
import unicodedata
from functools import lru_cache
from typing import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402
from matplotlib.ticker import Formatter, LogLocator, NullLocator  # noqa: E402

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
    "platform": "#843C0C",
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
            # The fewest decimals (up to 2) that write every tick exactly: 20k / 22.5k / 25k, not 22k.
            scaled_ticks = [v / unit for v in self._ticks if np.isfinite(v)] or [x / unit]
            digits = next((d for d in range(3) if all(abs(round(v, d) - v) < 1e-9 for v in scaled_ticks)), 2)
        if abs(x) < 1e-12 * max(1.0, top):
            return "0" if unit != 1.0 else f"{0:.{digits}f}"
        return scaled(x, unit, suffix, digits)


BASELINE_KEY = "baseline"
_PLAIN_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "COMBINING", "DIGIT")
# Right-to-left letters and digits, and the bidi controls: matplotlib lays text out left to right only.
_BIDI = {"R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF", "PDI"}


@lru_cache(maxsize=1)
def _font_chars() -> frozenset[int]:
    """The characters of the font matplotlib draws text with."""
    return frozenset(FT2Font(findfont(FontProperties(family=plt.rcParams["font.family"]))).get_charmap())


def drawable(text: str) -> bool:
    """Whether matplotlib draws ``text`` as a browser would: every character in its font, and none
    that needs shaping, joining or right-to-left layout (only Latin, Greek and Cyrillic letters)."""
    chars = _font_chars()
    for c in text:
        if c in " \n":
            continue
        cat = unicodedata.category(c)
        if cat[0] == "C" or unicodedata.bidirectional(c) in _BIDI:
            return False
        if cat[0] in "LMN" and not unicodedata.name(c, "").startswith(_PLAIN_SCRIPTS):
            return False
        if ord(c) not in chars:
            return False
    return True


def uses_keys(names: Sequence[str]) -> bool:
    """Whether the charts draw keys (S1, S2 ...) rather than these names (see the module docstring)."""
    return not all(drawable(n) for n in names)


def chart_names(colors: dict[str, str]) -> dict[str, str]:
    """The text a chart draws for each scenario of ``colors`` (the report's scenarios, in order):
    the names, or, if any one of them is not ``drawable``, a key per scenario: ``baseline``, ``S1``,
    ``S2`` ... in order. A ``$`` is escaped so that matplotlib never reads a name as mathtext."""
    if not uses_keys(list(colors)):
        return {n: n.replace("$", r"\$") for n in colors}
    out: dict[str, str] = {}
    for n in colors:
        out[n] = BASELINE_KEY if is_baseline(n, colors) else f"S{sum(1 for k in out.values() if k != BASELINE_KEY) + 1}"
    return out


def is_baseline(name: str, colors: dict[str, str]) -> bool:
    return colors.get(name) == BASELINE_COLOR


def line_kw(name: str, colors: dict[str, str], many: bool, lw: float = 2.2) -> dict:
    """Line style: with many scenarios thin lines and the baseline bold and on top."""
    if not many:
        return {"color": colors[name], "lw": lw}
    if is_baseline(name, colors):
        return {"color": colors[name], "lw": lw + 0.8, "zorder": 5}
    return {"color": colors[name], "lw": 1.5, "alpha": 0.9, "zorder": 3}


def small_multiples(n: int, width: float = 13.0, row_height: float = 2.2, sharey: bool = True) -> tuple[Figure, list[plt.Axes]]:
    """A grid of ``n`` panels with shared axes, at most five a row, the rows as even as they can be;
    tick labels only on the outer panels, spare cells hidden, margins set (no tight_layout needed)."""
    rows = max(1, math.ceil(n / 5))
    cols = max(1, math.ceil(n / rows))
    height = 0.9 + row_height * rows
    fig, grid = plt.subplots(rows, cols, figsize=(width, height), sharex=True, sharey=sharey, squeeze=False)
    # Fixed margins (in inches: room for two-line panel titles, tick and axis labels) rather than
    # tight_layout, which measures every tick of every panel and takes seconds for 15 panels.
    fig.subplots_adjust(left=0.75 / width, right=1 - 0.1 / width, top=1 - 0.45 / height, bottom=0.6 / height,
                        wspace=0.12, hspace=0.5 * 2.2 / row_height)
    axes = list(grid.flat)
    for ax in axes[n:]:
        ax.set_visible(False)
    for i, ax in enumerate(axes[:n]):
        if i + cols < n:  # a panel below it shows the x ticks
            ax.tick_params(axis="x", labelbottom=False)
    return fig, axes[:n]


class LogPercentFormatter(Formatter):
    """Percent labels for the decades of a log axis, each with the decimals it needs (0.01%, 0.1%,
    1%, 10%, 100%), so no two ticks read alike (a fixed ``PercentFormatter(decimals=1)`` prints
    "0.0%" for both 0.01% and 0.001%)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        if not np.isfinite(x) or x <= 0:
            return ""
        p = x * 100
        return f"{p:.{max(0, -math.floor(math.log10(p) + 1e-9))}f}%"


def log_percent_axis(ax: plt.Axes, lowest: float) -> None:
    """A log share axis from the decade under ``lowest`` (at least 0.01%) to 100%, labelled by decade."""
    bottom = 10.0 ** math.floor(math.log10(max(lowest, 1e-4)))
    ax.set_yscale("log")
    ax.set_ylim(bottom, 1.0)
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(LogPercentFormatter())
    ax.yaxis.set_minor_locator(NullLocator())  # decades only: minor ticks of a log axis cost much drawing and say little


def legend_above(fig: Figure, handles: list, labels: list[str], fontsize: float = 10) -> None:
    """A figure legend above the plots, clear of every subplot title (call after tight_layout).

    For fixed series labels only (log, fit, band); scenario names go in HTML legends.
    """
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


def interval_ticks(ax: plt.Axes, df: pd.DataFrame | None, count: int = 8) -> None:
    """About ``count`` interval start times (hh:mm) on the x axis."""
    if df is None or "interval_start" not in df:
        return
    labels = list(df["interval_start"])
    step = max(1, int(math.ceil(len(labels) / count)))
    idx = list(range(0, len(labels), step))
    ax.set_xticks(idx, [labels[i] for i in idx], fontsize=9)


def group_colors(names: Sequence[str]) -> dict[str, str]:
    """A colour per agent group, from the palette in order."""
    return {n: SCENARIO_PALETTE[g % len(SCENARIO_PALETTE)] for g, n in enumerate(names)}
