"""ccsim: a what-if simulator for call centers.

Notebook use::

    from simulator import load_scenario, simulate, compare
    base = simulate(load_scenario("scenarios/baseline.yaml"))
    base.metrics()            # mean and 95% CI of every KPI
    base.interval_summary()   # per-interval statistics
"""

from __future__ import annotations

from simulator.core.version import __version__
from simulator.model.scenario import Scenario, load_scenario
from simulator.studies.compare import Comparison, compare
from simulator.studies.simulate import SimulationResult, simulate

__all__ = ["Comparison", "Scenario", "SimulationResult", "compare", "load_scenario", "simulate", "__version__"]
