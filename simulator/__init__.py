"""ccsim: a what-if simulator for call centers.

Notebook use::

    from simulator import load_scenario, simulate, compare
    base = simulate(load_scenario("scenarios/baseline.yaml"))
    base.metrics()            # mean and 95% CI of every KPI
    base.interval_summary()   # per-interval statistics
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.core.lazy import lazy_exports
from simulator.core.version import __version__

if TYPE_CHECKING:
    from simulator.model.scenario import Scenario, load_scenario
    from simulator.studies.compare import Comparison, compare
    from simulator.studies.simulate import SimulationResult, simulate

# Loaded on first use: `ccsim --help` imports this package and must not pay for the studies.
__getattr__ = lazy_exports(__name__, {
    "Scenario": "simulator.model.scenario", "load_scenario": "simulator.model.scenario",
    "Comparison": "simulator.studies.compare", "compare": "simulator.studies.compare",
    "SimulationResult": "simulator.studies.simulate", "simulate": "simulator.studies.simulate",
})

__all__ = ["Comparison", "Scenario", "SimulationResult", "compare", "load_scenario", "simulate", "__version__"]
