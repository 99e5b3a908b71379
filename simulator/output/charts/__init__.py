"""Matplotlib figures for the report (Agg backend): one function per chart, data in, Figure out.

The only drawing code of the package. ``style`` holds what every chart shares (colours, money
axes, legends, PNG export); the charts are grouped by family: ``costs``, ``service`` and
``payback``. Functions take plain numbers and DataFrames, never scenario files; titles and
captions are set by the caller (``simulator.output.report``), which embeds the PNGs.
"""

from simulator.output.charts.style import (  # first: it selects the Agg backend
    MANY,
    figure_png,
    scenario_colors,
)
from simulator.output.charts.costs import (
    component_bars,
    cost_breakdown_bars,
    cost_kpi_bars,
    savings_waterfall,
)
from simulator.output.charts.payback import payback_chart, payback_zoomed
from simulator.output.charts.service import (
    agents_by_interval,
    interval_service,
    staffing_by_group,
    validity_scatter,
    wait_distribution,
)

__all__ = [
    "MANY", "agents_by_interval", "component_bars", "cost_breakdown_bars", "cost_kpi_bars", "figure_png",
    "interval_service", "payback_chart", "payback_zoomed", "savings_waterfall", "scenario_colors",
    "staffing_by_group", "validity_scatter", "wait_distribution",
]
