"""The workbook's **Savings** sheet: each scenario's saving, payback, ROI and NPV as live formulas
over the Cost model sheet's named cells, so that changing a wage (or any input) there moves them.

The formulas are ``simulator.studies.finance``'s on constant monthly flows (the comparison's
convention): saving per month = the baseline's cost per month - the scenario's; payback = the first
month whose cumulative saving covers the investment; ROI = (months x saving - investment) /
investment; NPV = -investment + saving x annuity factor at the monthly rate equivalent to the annual
discount rate. Costs are linear in the mean volumes, so these reproduce the simulation's mean figures
(a check row shows the simulated value and the difference).
"""

from __future__ import annotations

import re
from typing import Sequence

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from simulator.output.cost_sheet import CostModelColumn
from simulator.output.workbook_cells import (
    INPUT_FILL,
    INPUT_FONT,
    NEVER,
    cell_value,
    inert,
    money_format,
    name_cell,
    page_setup,
    section_row,
    style_header,
    title,
    wrap_labels,
)
from simulator.studies.finance import MONTHS_3Y

# (key, label, format, kind, source): kind "in" (source: a finance column or "months"), "f" (a formula
# over ``{name}`` = this column's named cell, ``{base:name}`` = the baseline's), "value" (the simulated
# figure, a finance column), "head". Formats: "money", "money2", "pct", "times", "int".
ROWS: list[tuple[str, str, str, str, str]] = [
    ("h_inputs", "Inputs (change them here; costs are changed on the Cost model sheet)", "", "head", ""),
    ("investment", "Investment (one-time, over the baseline's)", "money", "in", "investment"),
    ("discount_rate", "Discount rate (annual)", "pct", "in", "discount_rate"),
    ("months_appraised", "Months appraised", "int", "in", "months"),
    ("h_costs", "From the Cost model sheet (live)", "", "head", ""),
    ("baseline_cost_month", "Baseline cost per month", "money", "f", "{base:cost_per_month}"),
    ("scenario_cost_month", "Scenario cost per month", "money", "f", "{cost_per_month}"),
    ("h_return", "Savings and return (live formulas)", "", "head", ""),
    ("saving_month", "Saving per month = baseline cost - scenario cost (positive = the scenario costs less)", "money",
     "f", "{baseline_cost_month}-{scenario_cost_month}"),
    ("saving_year", "Saving per year = 12 x saving per month", "money", "f", "12*{saving_month}"),
    ("monthly_rate", "Monthly discount rate = (1 + annual rate)^(1/12) - 1", "pct", "f", "(1+{discount_rate})^(1/12)-1"),
    ("payback_month", "Payback month: the first month whose cumulative saving covers the investment", "int", "f",
     ('IF({investment}<=0,IF({saving_month}>=-1E-9,0,"' + NEVER + '"),IF({saving_month}<=0,"' + NEVER + '",'
      'IF(ROUNDUP(({investment}-1E-9)/{saving_month},0)<={months_appraised},'
      'MAX(1,ROUNDUP(({investment}-1E-9)/{saving_month},0)),"' + NEVER + '")))')),
    ("roi_3y", "Return on investment = (months x saving - investment) / investment", "times", "f",
     'IF({investment}>0,({months_appraised}*{saving_month}-{investment})/{investment},"no investment")'),
    ("npv_3y", "Net present value = -investment + saving x (1 - (1 + monthly rate)^-months) / monthly rate", "money", "f",
     ("-{investment}+IF({monthly_rate}=0,{saving_month}*{months_appraised},"
      "{saving_month}*(1-(1+{monthly_rate})^(-{months_appraised}))/{monthly_rate})")),
    ("h_check", "Check against the simulation (values, mean over paired replications)", "", "head", ""),
    ("simulated_saving_month", "Simulated saving per month", "money", "value", "savings_month"),
    ("saving_difference", "Formula minus simulation", "money2", "f", "ROUND({saving_month}-{simulated_saving_month},6)"),
    ("simulated_npv_3y", "Simulated net present value", "money", "value", "npv_3y"),
    ("npv_difference", "Formula minus simulation", "money2", "f", "ROUND({npv_3y}-{simulated_npv_3y},6)"),
]


def _format(kind: str, currency: str) -> str:
    return {"money": money_format(currency, 0), "money2": money_format(currency, 2), "pct": "0.00%",
            "times": '0.0"×"', "int": "0"}.get(kind, "General")


def _formula(source: str, j: int) -> str:
    """``{name}`` -> ``name_j`` (this scenario's cell), ``{base:name}`` -> ``name_1`` (the baseline's)."""
    out = re.sub(r"\{base:(\w+)\}", r"\1_1", source)
    out = re.sub(r"\{(\w+)\}", lambda m: f"{m.group(1)}_{j}", out)
    return "=" + out


def write_savings(ws: Worksheet, finance: pd.DataFrame, columns: Sequence[CostModelColumn]) -> None:
    """One column per scenario after the baseline (``columns[0]``); finance rows in the same order."""
    cur = columns[0].currency
    fin = finance.to_dict("records")
    ws.column_dimensions["A"].width = 58
    for k in range(len(fin)):
        ws.column_dimensions[get_column_letter(2 + k)].width = 22
    ws.append([None])
    ws.append([])
    ws.append(["Item", *[inert(f"{j}. {c.scenario}") for j, c in enumerate(columns[1:], start=2)]])
    style_header(ws, 3)
    for i, (key, label, fmt, kind, source) in enumerate(ROWS):
        r = 4 + i
        ws.cell(r, 1, label)
        if kind == "head":
            section_row(ws, r, 1 + len(fin))
            continue
        for k, rec in enumerate(fin):
            j = k + 2  # scenario number: the baseline is 1
            cell = ws.cell(r, 2 + k)
            if kind == "in":
                cell.value = MONTHS_3Y if source == "months" else cell_value(rec[source])
                cell.fill, cell.font = INPUT_FILL, INPUT_FONT
            elif kind == "value":
                cell.value = cell_value(rec[source])
            else:
                cell.value = _formula(source, j)
                if key in ("saving_month", "payback_month", "npv_3y"):
                    cell.font = Font(bold=True)
            cell.number_format = _format(fmt, cur)
            cell.alignment = Alignment(horizontal="right")
            name_cell(ws, f"{key}_{j}", r, 2 + k)
    wrap_labels(ws, 4)
    title(ws, f"Savings and return against {columns[0].scenario}: live formulas over the Cost model sheet. Change an "
          "input (blue on yellow) here or there and every figure follows.", 1 + len(fin))
    ws.freeze_panes = "B4"
    page_setup(ws, 3)
