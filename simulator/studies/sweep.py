"""``ccsim sweep``: a figure as one or two inputs move over a grid, with common random numbers.

Every grid point is simulated with the same seed and replication count, so replication r of one
point sees the same customers, arrival times and handle-time draws as replication r of its
neighbour wherever the input does not change them: the curve is smooth (differences between
points are the input's effect) even on few replications. The band is the Student-t 95% interval
of each point's mean over replications (that point's simulation noise).

With a baseline, the figure is the paired monthly saving (baseline - scenario, as in
``compare``); the varied field is set in the scenario and, unless it is a lever's field
(``levers.``), in the baseline too (a wage or a volume is the center's, not the lever's).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from simulator.analysis.stats import mean_ci
from simulator.core.errors import ScenarioError
from simulator.model.scenario import Scenario
from simulator.studies.attribution import monthly_cost
from simulator.studies.compare import compare
from simulator.studies.simulate import simulate

MAX_POINTS = 400
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_VARY = re.compile(rf"^(?P<path>[A-Za-z_][\w.]*)=(?P<low>{_NUMBER}):(?P<high>{_NUMBER}):(?P<step>{_NUMBER})$")


@dataclass(frozen=True)
class Vary:
    """One swept input: its dotted field path and the grid of values."""

    path: str
    values: tuple[float, ...]


def parse_vary(text: str) -> Vary:
    """``PATH=LOW:HIGH:STEP`` -> the grid LOW, LOW+STEP, ... up to HIGH (included when on the grid).

    Whole numbers everywhere give whole-number values (for integer fields such as staffing).
    """
    m = _VARY.match(text.strip())
    if not m:
        raise ScenarioError("--vary", text, "PATH=LOW:HIGH:STEP, e.g. costs.agent_hourly_wage=16:24:2")
    parts = [m["low"], m["high"], m["step"]]
    whole = all(re.fullmatch(r"[-+]?\d+", x) for x in parts)
    low, high, step = (int(x) if whole else float(x) for x in parts)
    if not all(math.isfinite(x) for x in (low, high, step)):
        raise ScenarioError("--vary", text, "finite numbers LOW:HIGH:STEP")
    if step <= 0 or high < low:
        raise ScenarioError("--vary", text, "LOW <= HIGH and STEP > 0")
    count = int(math.floor((high - low) / step + 1e-9)) + 1
    if count > MAX_POINTS:
        raise ScenarioError("--vary", text, f"at most {MAX_POINTS} points (this grid has {count})")
    values = tuple(low + i * step if whole else round(low + i * step, 12) for i in range(count))
    return Vary(m["path"], values)


@dataclass
class SweepResult:
    """One row per grid point: the varied values (a column per path), mean, ci95_low, ci95_high."""

    scenario: str
    baseline: str | None
    metric: str
    varies: list[Vary]
    replications: int
    seed: int
    hold: str | None
    currency: str
    points: pd.DataFrame


def metric_values(metric: str, scenario: Scenario, base: Scenario | None) -> None:
    """Check the metric name before any simulation."""
    allowed = ("saving_month",) if base is not None else ("monthly_cost", "service_level", "asa_seconds", "abandonment_rate",
                                                           "occupancy", "total_cost", "cost_per_call", "cost_per_contact")
    if metric not in allowed:
        raise ScenarioError("--metric", metric, f"one of {', '.join(allowed)}" + (" with --baseline" if base else ""))


def _changed(sc: Scenario, changes: dict[str, float]) -> Scenario:
    try:
        return sc.with_changes(changes)
    except ScenarioError as exc:
        if "unknown field" not in exc.allowed:
            raise ScenarioError(exc.path, exc.value, f"{exc.allowed}, at every point of --vary") from None
        unknown = exc.path
    except (KeyError, IndexError, TypeError, ValueError):
        unknown = next(iter(changes))
    raise ScenarioError("--vary", unknown, f"a numeric field path of {sc.name}, e.g. costs.agent_hourly_wage")


def grid_scenarios(scenario: Scenario, base: Scenario | None, varies: list[Vary]) -> list[tuple[dict, Scenario, Scenario | None]]:
    """Every grid point's (values, scenario, baseline), all validated before any simulation."""
    out = []
    for combo in itertools.product(*(v.values for v in varies)):
        values = {v.path: x for v, x in zip(varies, combo)}
        sc = _changed(scenario, values)
        b = None
        if base is not None:
            shared = {p: x for p, x in values.items() if not p.startswith("levers.")}
            b = _changed(base, shared) if shared else base
        out.append((values, sc, b))
    return out


def sweep(
    scenario: Scenario,
    varies: list[Vary],
    baseline: Scenario | None = None,
    metric: str | None = None,
    hold: str = "staffing",
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Simulate every grid point with the same seed; see the module docstring."""
    metric = metric or ("saving_month" if baseline is not None else "monthly_cost")
    metric_values(metric, scenario, baseline)
    points = grid_scenarios(scenario, baseline, varies)
    n = replications or scenario.replications
    seed = (baseline or scenario).seed if seed is None else seed
    rows = []
    for values, sc, b in points:
        if b is not None:
            comp = compare(b, [sc], hold=hold, replications=n, seed=seed, workers=workers, progress=progress, attribution=False)
            y = monthly_cost(comp.baseline) - monthly_cost(comp.results[0])
        else:
            res = simulate(sc, replications=n, seed=seed, workers=workers, progress=progress)
            y = monthly_cost(res) if metric == "monthly_cost" else res.replications[metric].to_numpy(float)
        m, lo, hi = mean_ci(y)
        rows.append({**values, "mean": m, "ci95_low": lo, "ci95_high": hi})
    return SweepResult(scenario.name, baseline.name if baseline is not None else None, metric, varies, n, seed,
                       hold if baseline is not None else None, scenario.currency, pd.DataFrame(rows))


__all__ = ["MAX_POINTS", "SweepResult", "Vary", "grid_scenarios", "parse_vary", "sweep"]
