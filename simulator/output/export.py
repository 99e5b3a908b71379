"""Data exports of a run or a comparison: CSV tables, an Excel workbook, resolved scenarios, metadata.

The workbook holds the same tables as the CSV files plus a **Cost model** sheet whose figures are
live Excel formulas over input cells (agent-hours x wage x loading, minutes x rate, ...). The
inputs are the simulated volumes (means over replications) and the scenario's rates; the formulas
are those of ``simulator.analysis.costs``, so a consultant can audit a figure and change a rate in Excel.
Because every cost is linear in the volumes, the formulas applied to mean volumes reproduce the
mean simulated cost (the vendor's minimum monthly commitment, a ``MAX``, is the one exception; the
sheet shows the simulated figure next to the formula so any gap is visible).
"""

from __future__ import annotations

import json
import platform
import shlex
import sys
from dataclasses import asdict, dataclass
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
from simulator.analysis.costs import COST_COMPONENTS, horizon_days
from simulator.analysis.kpis import staffed_seconds_per_interval
from simulator.analysis.stats import mean_ci
from simulator.model.build import CostInputs, cost_inputs
from simulator.model.scenario import scenario_to_yaml
from simulator.studies.simulate import SimulationResult


def slug(name: str) -> str:
    """A file-name-safe version of a scenario name."""
    s = "".join(ch if ch.isalnum() else "-" for ch in name.lower())
    while "--" in s:
        s = s.replace("--", "-")
    return s.strip("-")[:60] or "scenario"


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
        answered = float(res.replications["calls_answered"].mean())
        for comp in (*COST_COMPONENTS, "total_cost"):
            m, lo, hi = mean_ci(res.costs[comp].to_numpy())
            rows.append({
                "scenario": res.name, "component": comp, "mean": m, "ci95_low": lo, "ci95_high": hi,
                "per_answered_call": m / answered if answered else np.nan,
                "share_of_total": m / total if total else np.nan,
            })
    return pd.DataFrame(rows)


def replications_frame(results: Sequence[SimulationResult]) -> pd.DataFrame:
    """Every replication of every scenario: its KPIs and cost components."""
    return _stacked(results, lambda res: res.replications.join(res.costs.drop(columns=["total_cost"]), how="left").reset_index())


# ---------------------------------------------------------------- the live cost model
@dataclass(frozen=True)
class CostModelColumn:
    """Inputs of one scenario's column in the Cost model sheet."""

    scenario: str
    currency: str
    days: float
    staffed_hours: float
    calls_answered: float
    volumes: dict[str, float]
    rates: CostInputs
    simulated: dict[str, float]  # mean simulated components and total_cost


def cost_model_column(result: SimulationResult) -> CostModelColumn:
    """The Cost model sheet's column of one run: its mean usage volumes, staffed hours and rates."""
    staffed = float(staffed_seconds_per_interval(result.plan, paid=True).sum()) / 3600.0
    return CostModelColumn(
        scenario=result.name,
        currency=result.scenario.currency,
        days=horizon_days(result.plan),
        staffed_hours=staffed,
        calls_answered=float(result.replications["calls_answered"].mean()),
        volumes={k: float(v) for k, v in result.volumes.mean().items()},
        rates=cost_inputs(result.scenario),
        simulated={k: float(v) for k, v in result.costs.mean().items()},
    )


# (key, label, unit, kind, source): kind "in" = input cell, "f" = formula over named rows.
_MODEL_ROWS: list[tuple[str, str, str, str, str]] = [
    ("h_volumes", "Simulated volumes (mean over replications)", "", "head", ""),
    ("days", "Simulated days counted for costs", "days", "in", "days"),
    ("staffed_hours", "Staffed agent-hours (on the phones; a roster's paid hours)", "hours", "in", "staffed_hours"),
    ("calls_answered", "Calls answered", "calls", "in", "calls_answered"),
    ("ivr_minutes", "IVR minutes", "min", "in", "vol"),
    ("queue_minutes", "Queue (waiting) minutes", "min", "in", "vol"),
    ("inbound_talk_minutes", "Inbound talk minutes", "min", "in", "vol"),
    ("outbound_minutes", "Outbound callback minutes", "min", "in", "vol"),
    ("vendor_minutes", "Outsourced minutes", "min", "in", "vol"),
    ("vendor_calls", "Outsourced calls", "calls", "in", "vol"),
    ("sessions", "Self-service sessions", "sessions", "in", "vol"),
    ("h_rates", "Rates from the scenario (levers applied)", "", "head", ""),
    ("hourly_wage", "Agent hourly wage (blended)", "{cur}/h", "in", "rate"),
    ("benefits_load", "Benefits load on wages", "share", "in", "rate"),
    ("shrinkage", "Shrinkage (blended)", "share", "in", "rate"),
    ("supervisor_hourly_wage", "Supervisor hourly wage", "{cur}/h", "in", "rate"),
    ("span_of_control", "Agents per supervisor", "agents", "in", "rate"),
    ("per_agent_month", "Licence + desktop per agent", "{cur}/month", "in", "rate"),
    ("facility_per_agent_month", "Facility per seat (blended)", "{cur}/month", "in", "rate"),
    ("inbound_per_minute", "Inbound telephony", "{cur}/min", "in", "rate"),
    ("outbound_per_minute", "Outbound telephony", "{cur}/min", "in", "rate"),
    ("line_per_seat_month", "Line per seat", "{cur}/month", "in", "rate"),
    ("pbx_monthly", "PBX", "{cur}/month", "in", "rate"),
    ("ivr_per_minute", "IVR per minute", "{cur}/min", "in", "rate"),
    ("ivr_monthly", "IVR monthly fee", "{cur}/month", "in", "rate"),
    ("self_service_per_session", "Self-service per session", "{cur}/session", "in", "rate"),
    ("self_service_monthly", "Self-service monthly fee", "{cur}/month", "in", "rate"),
    ("automation_per_agent_month", "Agent assist per agent", "{cur}/month", "in", "rate"),
    ("automation_monthly", "Agent assist monthly fee", "{cur}/month", "in", "rate"),
    ("outsource_per_minute", "Vendor per minute", "{cur}/min", "in", "rate"),
    ("outsource_per_call", "Vendor per call", "{cur}/call", "in", "rate"),
    ("outsource_minimum_monthly", "Vendor minimum per month", "{cur}/month", "in", "rate"),
    ("outsource_monthly", "Vendor monthly fee", "{cur}/month", "in", "rate"),
    ("programmes_monthly", "Programme fees (callback, FCR, ...)", "{cur}/month", "in", "rate"),
    ("overhead_monthly", "Overhead", "{cur}/month", "in", "rate"),
    ("working_days_per_month", "Working days per month", "days", "in", "rate"),
    ("paid_hours_per_agent_day", "Paid hours per agent-day", "hours", "in", "rate"),
    ("h_derived", "Derived", "", "head", ""),
    ("months", "Months simulated", "months", "f", "{days}/{working_days_per_month}"),
    ("paid_hours", "Paid agent-hours = staffed / (1 - shrinkage)", "hours", "f", "{staffed_hours}/(1-{shrinkage})"),
    ("fte", "Agents on payroll (FTE)", "FTE", "f", "{paid_hours}/({paid_hours_per_agent_day}*{days})"),
    ("h_costs", "Cost components (live formulas)", "", "head", ""),
    ("agent_labor", "agent_labor = paid hours x wage x (1 + load)", "{cur}", "f", "{paid_hours}*{hourly_wage}*(1+{benefits_load})"),
    ("supervision", "supervision = paid hours / span x supervisor wage x (1 + load)", "{cur}", "f",
     "{paid_hours}/{span_of_control}*{supervisor_hourly_wage}*(1+{benefits_load})"),
    ("agent_seats", "agent_seats = FTE x (licence + desktop) x months", "{cur}", "f", "{fte}*{per_agent_month}*{months}"),
    ("facilities", "facilities = FTE x seat cost x months", "{cur}", "f", "{fte}*{facility_per_agent_month}*{months}"),
    ("telephony", "telephony = inbound min x rate + outbound min x rate + lines + PBX", "{cur}", "f",
     "({ivr_minutes}+{queue_minutes}+{inbound_talk_minutes})*{inbound_per_minute}+{outbound_minutes}*{outbound_per_minute}"
     "+{fte}*{line_per_seat_month}*{months}+{pbx_monthly}*{months}"),
    ("ivr", "ivr = IVR minutes x rate + fee x months", "{cur}", "f", "{ivr_minutes}*{ivr_per_minute}+{ivr_monthly}*{months}"),
    ("self_service", "self_service = sessions x rate + fee x months", "{cur}", "f",
     "{sessions}*{self_service_per_session}+{self_service_monthly}*{months}"),
    ("automation", "automation = FTE x per-agent fee x months + fee x months", "{cur}", "f",
     "{fte}*{automation_per_agent_month}*{months}+{automation_monthly}*{months}"),
    ("outsourcing", "outsourcing = max(usage, minimum x months) + fee x months", "{cur}", "f",
     "MAX({vendor_minutes}*{outsource_per_minute}+{vendor_calls}*{outsource_per_call},{outsource_minimum_monthly}*{months})"
     "+{outsource_monthly}*{months}"),
    ("programmes", "programmes = fees x months", "{cur}", "f", "{programmes_monthly}*{months}"),
    ("overhead", "overhead = monthly overhead x months", "{cur}", "f", "{overhead_monthly}*{months}"),
    ("total_cost", "Total cost", "{cur}", "f", "SUM({agent_labor}:{overhead})"),
    ("cost_per_call", "Cost per answered call", "{cur}", "f", "{total_cost}/{calls_answered}"),
    ("cost_per_month", "Cost per month", "{cur}", "f", "{total_cost}/{months}"),
    ("h_check", "Check against the simulation", "", "head", ""),
    ("simulated_total", "Simulated total cost (mean, value)", "{cur}", "in", "simulated"),
    ("difference", "Formula minus simulation", "{cur}", "f", "{total_cost}-{simulated_total}"),
]

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
    row_of = {key: first + i for i, (key, *_rest) in enumerate(_MODEL_ROWS)}
    for i, (key, label, unit, kind, source) in enumerate(_MODEL_ROWS):
        r = first + i
        ws.cell(r, 1, label)
        ws.cell(r, 2, unit.replace("{cur}", cur))
        if kind == "head":
            for cc in range(1, 3 + len(columns)):
                ws.cell(r, cc).fill = SECTION_FILL
            ws.cell(r, 1).font = Font(bold=True)
            continue
        for j, col in enumerate(columns):
            letter = get_column_letter(3 + j)
            cell = ws.cell(r, 3 + j)
            if kind == "in":
                if source == "days":
                    value = col.days
                elif source == "staffed_hours":
                    value = col.staffed_hours
                elif source == "calls_answered":
                    value = col.calls_answered
                elif source == "vol":
                    value = col.volumes.get(key, 0.0)
                elif source == "simulated":
                    value = col.simulated.get("total_cost", 0.0)
                else:
                    value = float(getattr(col.rates, key))
                cell.value = float(value)
                if source != "simulated":
                    cell.fill = INPUT_FILL
                    cell.font = INPUT_FONT
            else:
                formula = source
                for name, rr in row_of.items():
                    formula = formula.replace("{" + name + "}", f"{letter}{rr}")
                cell.value = "=" + formula
                if key in ("total_cost", "cost_per_call"):
                    cell.font = Font(bold=True)
            cell.number_format = "0.0000" if unit.endswith("/min") or key in ("benefits_load", "shrinkage") else "#,##0.00"
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
