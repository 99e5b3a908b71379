"""Which uncertain input matters: a one-at-a-time tornado and, when asked, Sobol indices.

Tornado: every uncertain input in turn at its low end, then at its high end (``Uncertain.ends``:
the bounds of a bounded spec, the 5th/95th percentiles of an unbounded one), every other input at
its central value; each point is the paired comparison with the same seed, so a bar's length is
the input's effect and not a difference of random streams. Bars are ranked by swing
(|saving at high - saving at low|), per lever.

Sobol (``--sobol``): first-order and total indices of each lever's monthly saving over the inputs'
quantiles (SALib, an optional extra ``ccsim[sensitivity]``; Saltelli's scheme costs N x (k + 2)
paired comparisons for k inputs).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simulator.core.errors import CcsimError
from simulator.model.scenario import Scenario
from simulator.studies.uncertainty import Runs, at_quantiles, at_values, draw_savings, setup

SOBOL_CLIP = 0.005  # Sobol points on the cube's faces would sit on an unbounded spec's infinite ends


def _savings(runs: Runs, files: list[Scenario]) -> dict[str, float]:
    return {r["scenario"]: r["saving_month"] for r in draw_savings(runs.compare(files))}


def tornado(baseline: Scenario, scenarios: list[Scenario], runs: Runs = Runs()) -> pd.DataFrame:
    """One row per (lever scenario, uncertain input that reaches it): input, scenario, low, high
    (the input's values), saving_low, saving_high, saving_central, swing; largest swing first
    within a lever."""
    runs, files, paths = setup(baseline, scenarios, runs)
    by_name = {sc.name: sc for sc in files[1:]}
    runs.say("tornado: every input at its central value")
    central = _savings(runs, files)
    rows = []
    for i, p in enumerate(paths, start=1):
        spec = next(sc.uncertain[p] for sc in files if p in sc.uncertain)
        ends = spec.ends()
        at = []
        for side in (0, 1):
            runs.say(f"tornado: {p} at its {'low' if side == 0 else 'high'} end ({i}/{len(paths)})")
            drawn = [at_values(sc, {p: sc.uncertain[p].ends()[side]}, f"the tornado's {('low', 'high')[side]} end")
                     if p in sc.uncertain else sc for sc in files]
            at.append(_savings(runs, drawn))
        for name in central:
            if p not in by_name[name].uncertain:  # another lever's input: it does not move this lever
                continue
            rows.append({"input": p, "scenario": name, "low": ends[0], "high": ends[1], "saving_low": at[0][name],
                         "saving_high": at[1][name], "saving_central": central[name],
                         "swing": abs(at[1][name] - at[0][name])})
    df = pd.DataFrame(rows, columns=["input", "scenario", "low", "high", "saving_low", "saving_high", "saving_central", "swing"])
    order = {name: i for i, name in enumerate(sc.name for sc in scenarios)}
    df["_o"] = df["scenario"].map(order)
    return df.sort_values(["_o", "swing"], ascending=[True, False], kind="stable").drop(columns="_o").reset_index(drop=True)


def _salib() -> tuple[Any, Any]:
    try:
        from SALib.analyze import sobol as analyze  # optional extra ccsim[sensitivity]
        from SALib.sample import sobol as sample  # optional extra ccsim[sensitivity]
    except ImportError:
        raise CcsimError("--sobol needs SALib, an optional extra: pip install 'ccsim[sensitivity]' (or pip install SALib)") from None
    return sample, analyze


def check_sobol() -> None:
    """Raise the one-line error now, before any simulation, when SALib is missing."""
    _salib()


def sobol(baseline: Scenario, scenarios: list[Scenario], base_samples: int = 8, runs: Runs = Runs()) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices of each lever's monthly saving, with SALib's
    95% confidence half-widths. ``base_samples`` is rounded up to a power of two."""
    sample, analyze = _salib()
    runs, files, paths = setup(baseline, scenarios, runs)
    if len(paths) < 2:
        raise CcsimError(f"--sobol needs at least 2 uncertain inputs (the files have {len(paths)})")
    problem = {"num_vars": len(paths), "names": paths, "bounds": [[0.0, 1.0]] * len(paths)}
    m = 1 << max(1, int(np.ceil(np.log2(max(2, base_samples)))))
    points = np.clip(sample.sample(problem, m, calc_second_order=False, seed=runs.seed), SOBOL_CLIP, 1 - SOBOL_CLIP)
    ys: dict[str, list[float]] = {sc.name: [] for sc in scenarios}
    for i, u in enumerate(points, start=1):
        runs.say(f"Sobol point {i}/{len(points)}")
        q = dict(zip(paths, u))
        for name, y in _savings(runs, [at_quantiles(sc, q, f"Sobol point {i}") for sc in files]).items():
            ys[name].append(y)
    rows = []
    for name, y in ys.items():
        arr = np.asarray(y, dtype=float)
        if np.ptp(arr) == 0:  # no spread at all: every index is 0 (SALib would divide by zero)
            res = {"S1": np.zeros(len(paths)), "ST": np.zeros(len(paths)), "S1_conf": np.zeros(len(paths)),
                   "ST_conf": np.zeros(len(paths))}
        else:
            res = analyze.analyze(problem, arr, calc_second_order=False, seed=runs.seed)
        for j, p in enumerate(paths):
            rows.append({"scenario": name, "input": p, "S1": float(res["S1"][j]), "S1_conf": float(res["S1_conf"][j]),
                         "ST": float(res["ST"][j]), "ST_conf": float(res["ST_conf"][j])})
    return pd.DataFrame(rows)


__all__ = ["check_sobol", "sobol", "tornado"]
