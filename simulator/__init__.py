"""ccsim: a what-if simulator for call centers.

Notebook use::

    from simulator import load_scenario

    from simulator.studies import simulate

    from simulator.studies import compare
    base = simulate(load_scenario("scenarios/baseline.yaml"))
    base.metrics()            # mean and 95% CI of every KPI
    base.interval_summary()   # per-interval statistics
"""

from __future__ import annotations

from simulator.model.scenario import Scenario, load_scenario
from simulator.studies.simulate import SimulationResult, simulate

__version__ = "0.1.0"


def compare(baseline, scenarios, **kwargs):  # noqa: ANN001, ANN201 - thin re-export
    """Paired comparison of lever scenarios against a baseline (see ``simulator.compare``)."""
    from simulator.studies.compare import compare as _compare

    return _compare(baseline, scenarios, **kwargs)


__all__ = ["Scenario", "SimulationResult", "compare", "load_scenario", "simulate", "__version__"]
