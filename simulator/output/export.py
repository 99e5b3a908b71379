"""Data exports of a run or a comparison: CSV tables, an Excel workbook, resolved scenarios, metadata.

The workbook holds the same tables as the CSV files plus a **Cost model** sheet whose figures are
live Excel formulas over input cells (agent-hours x wage x loading, minutes x rate, seats x seat
cost, ...), so a consultant can audit a figure and change a rate in Excel. What the sheet says (its
rows and formulas, those of ``simulator.analysis.costs``) is ``cost_sheet``'s; how it looks is here.
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
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from simulator.core.version import __version__
from simulator.analysis.costs import COST_COMPONENTS
from simulator.analysis.stats import mean_ci
from simulator.model.scenario import scenario_to_yaml
from simulator.output.cost_sheet import MODEL_ROWS, SHARE_ROWS, CostModelColumn, formula
from simulator.output.cost_sheet import cost_model_column  # noqa: F401 - report.files reads it from here
from simulator.output.names import slug
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


# ---------------------------------------------------------------- the live cost model
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="0000CC")


def _write_cost_model(ws: Worksheet, columns: Sequence[CostModelColumn]) -> None:
    cur = columns[0].currency if columns else ""
    ws["A1"] = "Cost model: blue cells on yellow are inputs; every other figure is a live formula. Change an input to see its effect."
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    header = ["Item", "Unit", *[inert(c.scenario) for c in columns]]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEAD_FILL
    first = 4
    row_of = {key: first + i for i, (key, *_rest) in enumerate(MODEL_ROWS)}
    for i, (key, label, unit, kind, source) in enumerate(MODEL_ROWS):
        r = first + i
        ws.cell(r, 1, label)
        ws.cell(r, 2, unit.replace("{cur}", cur))
        if kind == "head":
            for cc in range(1, 3 + len(columns)):
                ws.cell(r, cc).fill = SECTION_FILL
            ws.cell(r, 1).font = Font(bold=True)
            continue
        for j, col in enumerate(columns):
            cell = ws.cell(r, 3 + j)
            if kind == "in":
                cell.value = col.input_value(key, source)
                if source != "simulated":
                    cell.fill = INPUT_FILL
                    cell.font = INPUT_FONT
            else:
                cell.value = formula(source, get_column_letter(3 + j), row_of)
                if key in ("total_cost", "cost_per_call"):
                    cell.font = Font(bold=True)
            cell.number_format = "0.0000" if unit.endswith("/min") or key in SHARE_ROWS else "#,##0.00"
    ws.column_dimensions["A"].width = 66
    ws.column_dimensions["B"].width = 14
    for j in range(len(columns)):
        ws.column_dimensions[get_column_letter(3 + j)].width = 22
    ws.freeze_panes = "C4"


def _write_table(ws: Worksheet, df: pd.DataFrame, title: str | None = None) -> None:
    if title:
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=12)
    ws.append([inert(str(c)) for c in df.columns])
    hr = ws.max_row
    for cell in ws[hr]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in df.itertuples(index=False):
        ws.append([_xl(v) for v in row])
    for j, col in enumerate(df.columns, start=1):
        width = max([len(str(col))] + [len(f"{_xl(v)}") for v in df[col].head(200)])
        ws.column_dimensions[get_column_letter(j)].width = min(max(10, width + 2), 60)
        if df[col].dtype.kind == "f":
            for r in range(hr + 1, ws.max_row + 1):
                ws.cell(r, j).number_format = "#,##0.0000" if df[col].abs().max(skipna=True) < 10 else "#,##0.00"
    ws.freeze_panes = ws.cell(hr + 1, 1)


def _xl(v: Any) -> Any:
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) or np.isinf(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, str):
        return inert(v)
    if v is None or isinstance(v, (int, bool)):
        return v
    return inert(str(v))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """User text that a spreadsheet would run as a formula, made inert (OWASP CSV injection:
    a leading quote). Numbers are written as numbers and never pass through here."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def inert_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell and column name passed through :func:`inert`."""
    out = df.rename(columns=lambda c: inert(c) if isinstance(c, str) else c)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: inert(v) if isinstance(v, str) else v)
    return out


def write_workbook(path: Path, tables: dict[str, pd.DataFrame], cost_columns: Sequence[CostModelColumn],
                   sheet_order: Sequence[str] = ()) -> Path:
    """One sheet per table (sheet names are the keys), the live Cost model after the first."""
    wb = Workbook()
    wb.remove(wb.active)
    names = list(sheet_order) or list(tables)
    for name in names:
        if name == "Cost model":
            _write_cost_model(wb.create_sheet("Cost model"), cost_columns)
            continue
        if name not in tables:
            continue
        ws = wb.create_sheet(name[:31])
        _write_table(ws, tables[name])
    if "Cost model" not in names and cost_columns:
        _write_cost_model(wb.create_sheet("Cost model", 1), cost_columns)
    wb.save(path)
    return path


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
