"""``ccsim calibrate``: a baseline scenario fitted to a client's per-call log.

``read_call_log`` (columns.py, calllog.py) checks and reads the export; ``calibrate_log``
(fit.py with volumes.py, durations.py, staffing.py) estimates every value; ``scenario_yaml``
(writer.py) writes them with how each was estimated. :func:`calibrate` does all three and checks
that the file it wrote loads as a valid scenario.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.calibrate.columns import PRESETS, ColumnMap, column_map
from simulator.core.lazy import lazy_exports

if TYPE_CHECKING:
    from simulator.calibrate.calllog import CallLog, read_call_log
    from simulator.calibrate.fit import Calibration, FitOptions, calibrate_log, observed_kpis
    from simulator.calibrate.writer import scenario_yaml
    from simulator.model.scenario import Scenario

# The fitting (pandas, scipy.stats) loads on first use: `ccsim --help` imports this package for PRESETS.
__getattr__ = lazy_exports(__name__, {
    "CallLog": "simulator.calibrate.calllog", "read_call_log": "simulator.calibrate.calllog",
    "Calibration": "simulator.calibrate.fit", "FitOptions": "simulator.calibrate.fit",
    "calibrate_log": "simulator.calibrate.fit", "observed_kpis": "simulator.calibrate.fit",
    "scenario_yaml": "simulator.calibrate.writer",
})

__all__ = ["PRESETS", "CallLog", "Calibration", "ColumnMap", "FitOptions", "calibrate", "calibrate_interval_report", "calibrate_log",
           "column_map", "observed_kpis", "read_call_log", "scenario_yaml"]


def calibrate(log_path: str | Path, out: str | Path, layout: ColumnMap | None = None,
              options: FitOptions | None = None, name: str | None = None,
              timezone: str | None = None) -> tuple[Calibration, Scenario]:
    """Read ``log_path``, fit, write the scenario to ``out`` and load it back (validated).

    ``options``: the fitting options (default ``FitOptions()``)."""
    from simulator.calibrate.calllog import read_call_log  # pandas: only when a log is read
    from simulator.calibrate.fit import FitOptions, calibrate_log  # scipy.stats: only when fitting
    from simulator.calibrate.writer import scenario_yaml  # with the fit it writes
    options = options or FitOptions()
    log = read_call_log(log_path, layout or column_map(), timezone)
    cal = calibrate_log(log, options)
    return cal, _written(out, scenario_yaml(cal, name or f"Calibrated from {Path(log_path).name}"))


def calibrate_interval_report(report_path: str | Path, out: str | Path, columns: list[str] | None = None,
                              interval_minutes: int | None = None, target_seconds: float = 20.0,
                              name: str | None = None) -> Scenario:
    """The same from an interval report (per interval and queue: offered, answered, abandoned, AHT,
    service level, agents): fewer values can be fitted; the comments say which and how."""
    from simulator.calibrate.intervals import interval_scenario_yaml, read_interval_report  # pandas, scipy.optimize
    rows = read_interval_report(report_path, columns)
    text = interval_scenario_yaml(rows, str(report_path), name or f"Calibrated from {Path(report_path).name}",
                                  interval_minutes, target_seconds)
    return _written(out, text)


def _written(out: str | Path, text: str) -> Scenario:
    from simulator.model.scenario import load_scenario  # pydantic models: only once a file is written
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")  # a kill never leaves a half-written scenario
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, out)
    return load_scenario(out)
