"""The workbook's cell conventions: number formats in the scenario's currency, inert user text,
defined names, header styles and the page setup every sheet shares (``workbook``, ``workbook_finance``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from simulator.output.fmt import CURRENCY_SYMBOLS, kpi_kind

HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="0000CC")
HEAD_FONT = Font(bold=True, color="FFFFFF")

PER_CALL = ("cost_per_call", "cost_per_contact", "cost_per_resolved_contact", "per_answered_call")
MONEY = ("savings_horizon", "savings_month", "savings_year", "investment", "running_monthly", "npv_3y",
         "contribution_month", "cost_month")
PERCENT = ("share_of_total", "discount_rate", "share", "share_cheaper", "erlang_a_service_level",
           "simulated_service_level", "erlang_a_abandonment", "simulated_abandonment")
NEVER = "never (within 3 years)"


# ---------------------------------------------------------------- number formats
def money_format(currency: str, digits: int = 0) -> str:
    """An Excel format for an amount in ``currency``: ``"$"#,##0`` or ``#,##0.00 "CHF"``."""
    body = "#,##0" + ("." + "0" * digits if digits else "")
    sym = CURRENCY_SYMBOLS.get(currency.upper())
    if sym:
        return f'"{sym}"{body};-"{sym}"{body}'
    code = "".join(ch for ch in currency if ch.isalnum())[:8]
    return f'{body} "{code}";-{body} "{code}"'


def figure_format(key: str, currency: str) -> str | None:
    """The number format of a figure or column ``key`` (``None``: leave as is)."""
    base = key.removesuffix("_ci95_low").removesuffix("_ci95_high")
    if base in PER_CALL:
        return money_format(currency, 2)
    if base in MONEY:
        return money_format(currency, 0)
    if base in PERCENT:
        return "0.0%"
    if base == "service_change":
        return '+0.0%;-0.0%;0.0%'
    if base == "roi_3y":
        return '0.0"×"'
    if base in ("payback_month", "replication", "interval", "horizon_days"):
        return "0"
    kind = kpi_kind(base)
    if kind == "percent":
        return "0.0%"
    if kind == "money":
        return money_format(currency, 0)
    if kind == "seconds":
        return '#,##0.0" s"'
    if kind == "hours":
        return "#,##0"
    return "#,##0.0"


def unit_format(key: str, unit: str, currency: str) -> str:
    """The Cost model sheet's format of a row by its unit."""
    if unit == "share":
        return "0.0%"
    if unit.endswith("/min"):
        return money_format(currency, 4)
    if unit.startswith("{cur}"):
        return money_format(currency, 2 if unit != "{cur}" or key in ("cost_per_call", "difference") else 0)
    if unit in ("min", "calls", "sessions", "conversations", "hours"):
        return "#,##0"
    if unit == "factor":
        return "0.00"
    return "#,##0.0"


# ---------------------------------------------------------------- cells and names
def cell_value(v: Any) -> Any:
    """A value as a cell holds it: numbers as numbers, text made inert, missing as empty."""
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


def name_cell(ws: Worksheet, name: str, row: int, col: int) -> None:
    """A workbook-wide defined name for one cell (``hourly_wage_1``: scenario 1's wage)."""
    ref = f"{quote_sheetname(ws.title)}!${get_column_letter(col)}${row}"
    ws.parent.defined_names[name] = DefinedName(name, attr_text=ref)


def style_header(ws: Worksheet, row: int) -> None:
    """White on blue, wrapped, the row as tall as its longest label needs."""
    lines = 1
    for cell in ws[row]:
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = ws.column_dimensions[cell.column_letter].width or 10
        lines = max(lines, text_lines(str(cell.value or ""), width))
    ws.row_dimensions[row].height = 15 * lines


def section_row(ws: Worksheet, row: int, columns: int) -> None:
    """A section heading across the sheet's columns: bold on light blue."""
    for col in range(1, columns + 1):
        ws.cell(row, col).fill = SECTION_FILL
    ws.cell(row, 1).font = Font(bold=True)


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (an estimate: spreadsheet
    programs do not grow rows written by openpyxl, so rows with wrapped labels get their height here)."""
    return max(1, math.ceil(len(text) / max(width - 1, 1)))


def title(ws: Worksheet, text: str, columns: int) -> None:
    """The sheet's title line in A1, wrapped across the printed columns (so that it prints whole)."""
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=12)
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    last = max(columns, 1)
    if last > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    width = sum((ws.column_dimensions[get_column_letter(j)].width or 10) for j in range(1, last + 1))
    ws.row_dimensions[1].height = 18 * text_lines(text, width / 1.2)


def wrap_labels(ws: Worksheet, first_row: int, column: str = "A") -> None:
    """Rows as tall as their wrapped label in ``column`` needs."""
    width = ws.column_dimensions[column].width or 10
    for r in range(first_row, ws.max_row + 1):
        text = ws[f"{column}{r}"].value
        if isinstance(text, str) and text_lines(text, width) > 1:
            for cell in ws[r]:
                cell.alignment = Alignment(wrap_text=cell.column_letter == column, vertical="top",
                                           horizontal=cell.alignment.horizontal)
            ws.row_dimensions[r].height = 15 * text_lines(text, width)


def page_setup(ws: Worksheet, header_row: int, label_cols: int = 1) -> None:
    """Print area, header rows repeated on every page, fit to the page width (landscape when wide;
    past two landscape pages wide, the label columns repeat on every page)."""
    last = get_column_letter(max(ws.max_column, 1))
    ws.print_area = f"A1:{last}{ws.max_row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    width = sum((ws.column_dimensions[get_column_letter(j)].width or 10) for j in range(1, ws.max_column + 1))
    landscape = width > 130
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    pages_wide = max(1, math.ceil(width / 240))
    if pages_wide > 1:
        ws.print_title_cols = f"A:{get_column_letter(label_cols)}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "&A – page &P of &N"
    ws.oddHeader.left.text = "ccsim"


