"""Matplotlib figures for the report (Agg backend): one function per chart, data in, Figure out.

The only drawing code of the package. ``style`` holds what every chart shares (colours, the names
a chart may draw, money and log axes, small multiples, PNG export); the charts are grouped by
family: ``costs``, ``service``, ``payback`` and ``cashflow``. Functions take plain numbers and DataFrames, never
scenario files; titles, captions and legends are set by the caller (``simulator.output.report``),
which embeds the PNGs and writes the legends in HTML.
"""

from simulator.output.charts.style import (  # first: it selects the Agg backend
    BASELINE_COLOR,
    MANY,
    TEXT,
    chart_names,
    drawable,
    figure_png,
    group_colors,
    scenario_colors,
    uses_keys,
)
from simulator.output.charts.costs import (
    component_bars,
    cost_breakdown_bars,
    cost_kpi_bars,
    savings_waterfall,
)
from simulator.output.charts.cashflow import cashflow_chart
from simulator.output.charts.payback import payback_chart, payback_legend, payback_zoomed
from simulator.output.charts.service import (
    INTERVAL_METRICS,
    agents_by_interval,
    interval_panels,
    interval_service,
    staffing_by_group,
    validity_scatter,
    wait_distribution,
)

__all__ = [
    "BASELINE_COLOR", "INTERVAL_METRICS", "MANY", "TEXT", "agents_by_interval", "cashflow_chart", "chart_names", "component_bars",
    "cost_breakdown_bars", "cost_kpi_bars", "drawable", "figure_png", "group_colors", "interval_panels",
    "interval_service", "payback_chart", "payback_legend", "payback_zoomed", "savings_waterfall", "scenario_colors",
    "staffing_by_group", "uses_keys", "validity_scatter", "wait_distribution",
]
