"""The Excel workbook of a run or a comparison: how it looks and prints, and its live sheets.

Every sheet has a title line, plain column labels (``labels.kpi_label``), number formats in the
scenario's currency, a frozen header that repeats on every printed page, and a page setup that
keeps labels and values together (fit to the page width; a wide sheet goes landscape and, past
two pages wide, repeats its label columns on every page). The **Cost model** sheet
(``cost_sheet``'s rows) and, in a comparison, the **Savings** sheet (``workbook_finance``) are live
formulas over named input cells: change a wage and each scenario's cost, the saving, the payback,
the ROI and the NPV follow. Data files (CSV, JSON) keep the identifiers; the workbook shows words.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from simulator.output.cost_sheet import MODEL_ROWS, VALUE_SOURCES, CostModelColumn, formula
from simulator.output.labels import kpi_label, lever_label
from simulator.output.workbook_cells import (
    INPUT_FILL,
    INPUT_FONT,
    NEVER,
    cell_value,
    figure_format,
    inert,
    name_cell,
    page_setup,
    section_row,
    style_header,
    title,
    unit_format,
    wrap_labels,
)
from simulator.output.workbook_finance import write_savings

# Sheet key -> (sheet name, one line saying what it holds). Keys are the report's table names.
SHEETS: dict[str, tuple[str, str]] = {
    "ranking": ("Ranking", "Scenarios by monthly saving, the largest first (positive = the scenario costs less)"),
    "summary": ("Summary", "Every figure of every scenario: mean and 95% confidence interval over the replications"),
    "Savings": ("Savings", ""),
    "Cost model": ("Cost model", ""),
    "finance": ("Finance", "Savings and return as simulated, with 95% confidence intervals over paired replications"),
    "differences": ("Differences", "Each scenario minus the baseline, replication by replication (paired), with 95% CI"),
    "baselines": ("Baselines", "Today's baseline as given and the optimised baseline the savings are measured against"),
    "attribution": ("Attribution", "The monthly saving of a combined scenario split over its changes (Shapley values)"),
    "cost_breakdown": ("Cost breakdown", "Cost items over the simulated days, per answered call and as a share of the total"),
    "assumptions": ("Assumptions", "The inputs each scenario was simulated with"),
    "changes": ("Changes and sources", "Every input a scenario changes against the baseline, with the comment in its file"),
    "intervals": ("Intervals", "Service and staffing by interval of the day (mean over days and replications)"),
    "replications": ("Replications", "Every replication's figures and cost items"),
    "validity": ("Erlang A check", "Simulated service against the Erlang A formula, where a contact type qualifies"),
    "warnings": ("Input warnings", "Inputs outside common industry ranges"),
}
TEXT_COLUMNS = ("scenario", "kpi", "component", "lever", "assumption", "contact_type", "interval_start", "field",
                "value", "message", "line", "input", "baseline", "source")
LONG_VALUE_COLUMNS = ("mean", "ci95_low", "ci95_high", "baseline_mean", "scenario_mean", "diff_mean", "diff_ci95_low",
                      "diff_ci95_high")



# ---------------------------------------------------------------- the live cost model
def write_cost_model(ws: Worksheet, columns: Sequence[CostModelColumn]) -> dict[str, int]:
    """The Cost model sheet; every row's cell of scenario ``j`` (1 = the baseline) is named ``{key}_{j}``.
    Returns the row of each key."""
    cur = columns[0].currency if columns else ""
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 13
    for j in range(len(columns)):
        ws.column_dimensions[get_column_letter(3 + j)].width = 16
    ws.append([None])
    ws.append([])
    ws.append(["Item", "Unit", *[inert(f"{j}. {c.scenario}") for j, c in enumerate(columns, start=1)]])
    style_header(ws, 3)
    first = 4
    row_of = {key: first + i for i, (key, *_rest) in enumerate(MODEL_ROWS)}
    for i, (key, label, unit, kind, source) in enumerate(MODEL_ROWS):
        r = first + i
        ws.cell(r, 1, label)
        ws.cell(r, 2, unit.replace("{cur}", cur))
        if kind == "head":
            section_row(ws, r, 2 + len(columns))
            continue
        for j, col in enumerate(columns):
            cell = ws.cell(r, 3 + j)
            if kind == "in":
                cell.value = col.input_value(key, source)
                if source not in VALUE_SOURCES:
                    cell.fill = INPUT_FILL
                    cell.font = INPUT_FONT
            else:
                cell.value = formula(source, get_column_letter(3 + j), row_of)
                if key in ("total_cost", "cost_per_call"):
                    cell.font = Font(bold=True)
            cell.number_format = unit_format(key, unit, cur)
            name_cell(ws, f"{key}_{j + 1}", r, 3 + j)
    wrap_labels(ws, first)
    title(ws, "Cost model: blue cells on yellow are inputs (named: Formulas > Name Manager, e.g. hourly_wage_1 is "
          "scenario 1's wage); every other figure is a live formula. Change an input to see its effect.", 2 + len(columns))
    ws.freeze_panes = "C4"
    page_setup(ws, 3, label_cols=2)
    return row_of


# ---------------------------------------------------------------- tables
def _words(column: str, v: Any) -> Any:
    """Identifiers in a table's text columns, in words."""
    if not isinstance(v, str):
        return v
    if column in ("kpi", "component"):
        return kpi_label(v)
    if column == "lever":
        return lever_label(v)
    return v


def write_table(ws: Worksheet, df: pd.DataFrame, heading: str, currency: str) -> None:
    """A table with a title line, plain column labels and number formats (per row in long tables)."""
    ws.append([None])
    ws.append([inert(kpi_label(str(c))) for c in df.columns])
    hr = ws.max_row
    row_key = next((c for c in ("kpi", "component") if c in df.columns), None)
    cols = list(df.columns)
    formats: dict[str, str | None] = {c: None if c in TEXT_COLUMNS or df[c].dtype.kind not in "fiu" else figure_format(str(c), currency)
                                      for c in cols}
    for i, row in enumerate(df.itertuples(index=False)):
        r = hr + 1 + i
        key = getattr(row, row_key) if row_key else None
        for j, (c, v) in enumerate(zip(cols, row), start=1):
            if str(c).startswith("payback_month") and isinstance(v, float) and math.isinf(v):
                ws.cell(r, j, NEVER)
                continue
            cell = ws.cell(r, j, cell_value(_words(str(c), v)))
            fmt = formats[c]
            if key is not None and c in LONG_VALUE_COLUMNS:
                fmt = _long_format(str(key), str(c), currency)
            if fmt and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = fmt
    for j, c in enumerate(cols, start=1):
        head = kpi_label(str(c))
        shown = [NEVER if str(c).startswith("payback_month") and v == math.inf else _words(str(c), v) for v in df[c].head(200)]
        width = max([len(head) // 2 + 2] + [len(f"{v}") for v in shown]) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(max(11, width), 50 if c in ("message", "assumption") else 30)
    style_header(ws, hr)
    title(ws, heading, len(cols))
    ws.freeze_panes = ws.cell(hr + 1, 2 if len(cols) > 4 else 1)
    page_setup(ws, hr)


def _long_format(key: str, column: str, currency: str) -> str | None:
    """A value's format in a long table, by the figure its row is about."""
    fmt = figure_format(key, currency)
    if column.startswith("diff") and fmt == "0.0%":
        return '+0.0%;-0.0%;0.0%'
    return fmt


# ---------------------------------------------------------------- the workbook
ORDER = list(SHEETS)


def write_workbook(path: Any, tables: dict[str, pd.DataFrame], cost_columns: Sequence[CostModelColumn],
                   sheet_order: Sequence[str] = ()) -> Any:
    """One sheet per table, in reading order (ranking and summary first, then the live Savings and
    Cost model sheets, the detail after); ``sheet_order`` is accepted for callers and not needed."""
    wb = Workbook()
    wb.remove(wb.active)
    cur = cost_columns[0].currency if cost_columns else "USD"
    keys = [k for k in tables if k not in SHEETS] + list(sheet_order)
    ordered = [k for k in ORDER if k in tables or k in ("Cost model", "Savings")] + [k for k in dict.fromkeys(keys) if k not in SHEETS]
    rows: dict[str, int] = {}
    for key in ordered:
        if key == "Cost model":
            if cost_columns:
                rows = write_cost_model(wb.create_sheet("Cost model"), cost_columns)
            continue
        if key == "Savings":
            continue
        if key not in tables:
            continue
        name, title = SHEETS.get(key, (kpi_label(key)[:31], kpi_label(key)))
        write_table(wb.create_sheet(name), tables[key], f"{title} ({cur})" if key in SHEETS else title, cur)
    finance = tables.get("finance")
    if finance is not None and len(cost_columns) > 1 and rows:
        at = wb.sheetnames.index("Cost model") if "Cost model" in wb.sheetnames else len(wb.sheetnames)
        write_savings(wb.create_sheet("Savings", at), finance, cost_columns)
    wb.save(path)
    return path
