"""Data exports of a run or a comparison: CSV tables, an Excel workbook, resolved scenarios, metadata.

The workbook (``simulator.output.workbook``) holds the same tables as the CSV files, in words and
number formats, plus the live **Cost model** and **Savings** sheets; CSV and JSON keep identifiers.
"""

from __future__ import annotations

import json
import platform
import shlex
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
from simulator.core.version import __version__
from simulator.analysis.costs import COST_COMPONENTS
from simulator.analysis.stats import mean_ci
from simulator.model.scenario import scenario_to_yaml
from simulator.output.cost_sheet import cost_model_column  # noqa: F401 - report.files reads it from here
from simulator.output.names import slug
from simulator.output.workbook import inert, write_workbook  # noqa: F401 - report.files and the CLI read them here
from simulator.studies.simulate import SimulationResult


# ---------------------------------------------------------------- tables
def _stacked(results: Sequence[SimulationResult], frame: Callable[[SimulationResult], pd.DataFrame]) -> pd.DataFrame:
    """One frame per scenario, stacked, with the scenario's name as the first column."""
    parts = []
    for res in results:
        df = frame(res)
        df.insert(0, "scenario", res.name)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def summary_frame(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """KPIs of every scenario, long format: scenario, kpi, mean, ci95_low, ci95_high."""
    return _stacked(results, lambda res: res.metrics()[["mean", "ci95_low", "ci95_high"]].rename_axis("kpi").reset_index())


def intervals_frame(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """Every scenario's ``interval_summary()``."""
    return _stacked(results, SimulationResult.interval_summary)


def cost_breakdown_frame(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """scenario, component, mean and 95% CI over the horizon, per answered call, share of total."""
    rows = []
    for res in results:
        total = float(res.costs["total_cost"].mean())
        per_call = res.per_answered_call()
        per_call["total_cost"] = float(per_call.sum())
        for comp in (*COST_COMPONENTS, "total_cost"):
            m, lo, hi = mean_ci(res.costs[comp].to_numpy())
            rows.append({
                "scenario": res.name, "component": comp, "mean": m, "ci95_low": lo, "ci95_high": hi,
                "per_answered_call": float(per_call[comp]),
                "share_of_total": m / total if total else np.nan,
            })
    return pd.DataFrame(rows)


def replications_frame(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """Every replication of every scenario: its KPIs and cost components."""
    return _stacked(results, lambda res: res.replications.join(res.costs.drop(columns=["total_cost"]), how="left").reset_index())


# ---------------------------------------------------------------- the workbook (simulator.output.workbook)
def inert_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell and column name passed through :func:`inert`."""
    out = df.rename(columns=lambda c: inert(c) if isinstance(c, str) else c)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: inert(v) if isinstance(v, str) else v)
    return out


# ---------------------------------------------------------------- files
def write_scenarios(out_dir: Path, results: Sequence[SimulationResult]) -> dict[str, str]:
    """The fully resolved scenarios (levers, extends and optimized staffing applied) as YAML."""
    folder = out_dir / "scenarios"
    folder.mkdir(exist_ok=True)
    used: dict[str, str] = {}
    for i, res in enumerate(results):
        name = slug(res.name)
        if name + ".yaml" in used.values():
            name = f"{name}-{i}"
        path = folder / f"{name}.yaml"
        header = (f"# Resolved scenario '{res.name}' as simulated (extends merged, levers and staffing applied).\n"
                  f"# Source: {res.scenario.source or '(built in Python)'}\n")
        path.write_text(header + scenario_to_yaml(res.scenario), encoding="utf-8")
        used[res.name] = f"scenarios/{path.name}"
    return used


def run_metadata(results: Sequence[SimulationResult], kind: str, files: dict[str, str],
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    base = results[0]
    reps = int(len(base.replications))
    meta: dict[str, Any] = {
        "kind": kind,
        "ccsim_version": __version__,
        "created": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        "command": shlex.join(["ccsim", *sys.argv[1:]]) if Path(sys.argv[0]).name in ("ccsim", "cli.py") else shlex.join(sys.argv),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "seed": int(base.seed),
        "replications": reps,
        "scenarios": [
            {"name": r.name, "resolved_file": files.get(r.name), "source": r.scenario.source, "seed": int(r.seed),
             "replications": int(len(r.replications))}
            for r in results
        ],
    }
    if kind == "run":
        meta["reproduce"] = f"ccsim run {files.get(base.name)} --seed {base.seed} --replications {reps}"
    else:
        others = " ".join(str(files.get(r.name)) for r in results[1:])
        hold = (extra or {}).get("hold", "staffing")
        meta["reproduce"] = (f"ccsim compare {files.get(base.name)} {others} --hold {hold} --seed {base.seed} "
                             f"--replications {reps}")
    meta.update(extra or {})
    return meta


def write_csvs(out_dir: Path, tables: dict[str, pd.DataFrame]) -> dict[str, Path]:
    out = {}
    for name, df in tables.items():
        path = out_dir / f"{name}.csv"
        inert_frame(df).to_csv(path, index=False)
        out[name] = path
    return out


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, indent=2, default=_json_default, allow_nan=False), encoding="utf-8")
    return path


def _json_default(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, Path):
        return str(o)
    if hasattr(o, "__dataclass_fields__"):
        return asdict(o)
    return str(o)
