"""Number formatting for every output: the HTML report, the chart labels and the command line.

One place decides how a figure reads: money (``$1,234`` / ``$4.62`` / ``12,300 CHF``), percentages
(``80.0%``), percentage points (``+1.2 pts``), plain numbers, compact chart amounts (``1.2M``,
``42k``), confidence intervals (``low to high``) and which kind of figure a KPI is (``kpi_kind``).
A missing figure (None, NaN or infinite) reads ``–`` in the report and ``-`` on the command line
(``TEXT_MISSING``). Nothing here escapes HTML: callers do.
"""

from __future__ import annotations

import math
from typing import Callable, Literal

from simulator.analysis.costs import COST_COMPONENTS

MISSING = "–"
TEXT_MISSING = "-"
PERCENT_KPIS = ("service_level", "abandonment_rate", "occupancy", "share_cheaper")
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}

KpiKind = Literal["percent", "money", "seconds", "hours", "count"]


def is_missing(x: float | None) -> bool:
    """True for None, NaN and infinities: figures that print as a dash."""
    return x is None or not math.isfinite(x)


def number(x: float | None, digits: int = 1, signed: bool = False, missing: str = MISSING) -> str:
    """``1,234.5``; with ``signed`` always a sign (``+1,234.5``)."""
    if is_missing(x):
        return missing
    return f"{x:{'+' if signed else ''},.{digits}f}"


def pct(x: float | None, digits: int = 1, missing: str = MISSING) -> str:
    """A share as a percentage: 0.8 -> ``80.0%``."""
    if is_missing(x):
        return missing
    return f"{100 * x:.{digits}f}%"


def times(x: float | None, missing: str = MISSING) -> str:
    """A return as a multiple of the investment, to two significant digits: 0.253 -> ``0.25×``,
    2.345 -> ``2.3×``, 89.21 -> ``89×``, 1234.5 -> ``1,200×`` (one format for ROI in the report, the
    console and the README). Two digits because ROI rests on assumed lever effects and prices: more
    would claim a precision the inputs do not have, whatever the simulation's own interval says."""
    if is_missing(x):
        return missing
    if x == 0:
        return "0×"
    value = float(f"{x:.2g}")  # two significant digits
    return f"{value:,.{max(0, 1 - math.floor(math.log10(abs(value))))}f}×"


def points(x: float, digits: int = 1, unit: str = "pts") -> str:
    """A difference of two shares in percentage points, always signed: 0.012 -> ``+1.2 pts``."""
    return f"{100 * x:+.{digits}f} {unit}"


def money(x: float | None, currency: str, digits: int | None = None) -> str:
    """A currency amount in words a manager reads: $1,234 / $4.62 / −12.00 CHF (cents below 100)."""
    if is_missing(x):
        return MISSING
    if digits is None:
        digits = 2 if abs(x) < 100 else 0
    sym = CURRENCY_SYMBOLS.get(currency.upper())
    sign = "−" if x < 0 else ""
    body = f"{abs(x):,.{digits}f}"
    return f"{sign}{sym}{body}" if sym else f"{sign}{body} {currency}"


def scaled(x: float, unit: float, suffix: str, digits: int) -> str:
    """``x`` divided by ``unit`` with a suffix: scaled(2.5e6, 1e6, "M", 1) -> ``2.5M``."""
    sign = "-" if x < 0 else ""
    return f"{sign}{abs(x) / unit:,.{digits}f}{suffix}"


def short_amount(x: float, signed: bool = False) -> str:
    """An amount in k or M for a narrow console column: ``+102k``, ``-4.6k``, ``1.2M``."""
    if is_missing(x):
        return TEXT_MISSING
    sign = ("+" if x >= 0 else "-") if signed else ("-" if x < 0 else "")
    a = abs(x)
    if a >= 1e6:
        return f"{sign}{a / 1e6:.1f}M"
    if a >= 1e4:
        return f"{sign}{a / 1e3:.0f}k"
    if a >= 1e3:
        return f"{sign}{a / 1e3:.1f}k"
    return f"{sign}{a:.0f}"


def compact_money(x: float) -> str:
    """A chart label for an amount: 12.3M / 42k / 950 / 4.62 (the currency is on the axis)."""
    a = abs(x)
    if a >= 1e7:
        return scaled(x, 1e6, "M", 1)
    if a >= 1e4:
        return scaled(x, 1e3, "k", 0)
    return scaled(x, 1.0, "", 0 if a >= 100 else 2)


def money_in_scale(x: float, scale: float) -> str:
    """``x`` in the unit that suits ``scale`` (a chart's largest figure), so labels side by side match:
    1,257k / 42k / 7.9k rather than 1,256,794 / 42k / 7,917."""
    a = abs(x)
    if abs(scale) >= 1e7:
        return scaled(x, 1e6, "M", 1 if a >= 1e6 else 2)
    if abs(scale) >= 1e4:
        return scaled(x, 1e3, "k", 0 if a >= 1e4 else 1)
    return compact_money(x)


def kpi_kind(kpi: str) -> KpiKind:
    """How a KPI reads: a share, an amount of money, seconds, hours or a count."""
    if kpi in PERCENT_KPIS or kpi.endswith("_rate"):
        return "percent"
    if "cost" in kpi or kpi in COST_COMPONENTS:
        return "money"
    if kpi.endswith("_seconds"):
        return "seconds"
    if kpi.endswith("_hours"):
        return "hours"
    return "count"


def kpi_value(kpi: str, x: float | None, currency: str) -> str:
    """A KPI for the report: ``80.0%``, ``$4.62``, ``12.3 s``, ``1,234 h``, ``5,678``."""
    kind = kpi_kind(kpi)
    if kind == "percent":
        return pct(x)
    if kind == "money":
        return money(x, currency)
    if kind == "seconds":
        return f"{number(x)} s"
    if kind == "hours":
        return f"{number(x, 0)} h"
    return number(x, 0)


def kpi_text(kpi: str, x: float | None, currency: str = "", signed: bool = False) -> str:
    """A KPI for a console table: ``80.0%``, ``USD 4.62``, ``12.3 s``, ``5,678.0``; with ``signed``
    a difference (``+1.2 pt``, ``+0.15``)."""
    if is_missing(x):
        return TEXT_MISSING
    kind = kpi_kind(kpi)
    if kind == "percent":
        return points(x, unit="pt") if signed else pct(x)
    if kind == "money":
        return f"{currency} {number(x, 2, signed)}".strip()
    text = number(x, 1, signed)
    return f"{text} s" if kind == "seconds" else text


def ci_text(lo: float | None, hi: float | None, fmt: Callable[[float], str], sep: str = " to ",
            missing: str | None = "") -> str:
    """A confidence interval ``low to high``; ``missing`` when a bound is missing (None: format anyway)."""
    if missing is not None and (is_missing(lo) or is_missing(hi)):
        return missing
    return f"{fmt(lo)}{sep}{fmt(hi)}"  # type: ignore[arg-type]
