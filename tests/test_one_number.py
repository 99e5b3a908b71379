"""One number, one value: each figure of the ranking reads the same in the HTML report, the console,
the CSV and the workbook. Every view is parsed back to a number and compared with the comparison's
value within that view's rounding (whole currency units in the report, k/M on the console, full
precision in CSV and xlsx). Also: money checks in another currency run at the scenario's rate or
say plainly that they did not run.
"""

from __future__ import annotations

import io
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from rich.console import Console

from simulator.analysis.validity import input_warnings, money_note
from simulator.cli_tables import print_comparison
from simulator.model.scenario import parse_scenario
from simulator.output.report import write_compare_report, write_run_report
from simulator.studies.compare import Comparison, compare
from simulator.studies.simulate import simulate
from test_report import tiny_dict


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    """The tiny baseline, an IVR that saves and pays back, an outsourcer that costs more."""
    ivr = parse_scenario(tiny_dict("IVR", ivr={"containment": 0.3, "per_minute": 0.01, "investment": 3000}))
    oso = parse_scenario(tiny_dict("Outsourced", outsourced_overflow={"after_seconds": 30, "per_minute": 0.9,
                                                                       "monthly_fee": 500, "investment": 10000}))
    return compare(parse_scenario(tiny_dict("Baseline")), [ivr, oso], hold="staffing", workers=1, attribution=False)


@pytest.fixture(scope="module")
def views(comparison: Comparison, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("one")
    write_compare_report(comparison, out)
    console = Console(record=True, width=100, file=io.StringIO())
    print_comparison(comparison, console)
    return {"dir": out, "html": _html_table(out / "report.html", "ranking"), "console": console.export_text(),
            "csv": pd.read_csv(out / "ranking.csv")}


class _Tables(HTMLParser):
    """The text of each cell of the tables with a given class."""

    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls, self.depth, self.rows, self.cell = cls, 0, [], None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table" and self.cls in (dict(attrs).get("class") or "").split():
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = ""
        elif self.depth and tag == "br" and self.cell is not None:
            self.cell += "\n"

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell += data


def _html_table(path: Path, cls: str) -> dict[str, list[str]]:
    p = _Tables(cls)
    p.feed(path.read_text(encoding="utf-8"))
    return {row[0]: row for row in p.rows[1:] if row}


def money_value(text: str) -> float:
    """``−$3,564`` -> -3564."""
    t = text.replace("\u2060", "").replace("\u2212", "-").replace("$", "").replace(",", "").strip()
    return float(t)


def short_value(text: str) -> tuple[float, float]:
    """A console amount and its rounding: ``+360`` -> (360, 0.5), ``-3.6k`` -> (-3600, 50), ``12k`` -> (12000, 500)."""
    m = re.fullmatch(r"([+-]?)([\d.]+)([kM]?)", text.strip())
    assert m, text
    unit = {"": 1.0, "k": 1e3, "M": 1e6}[m.group(3)]
    decimals = len(m.group(2).split(".")[1]) if "." in m.group(2) else 0
    sign = -1.0 if m.group(1) == "-" else 1.0
    return sign * float(m.group(2)) * unit, 0.5 * unit * 10 ** -decimals + 1e-9


def test_the_ranking_is_one_value_in_html_console_csv_and_xlsx(views: dict, comparison: Comparison) -> None:
    rank = comparison.ranking()
    csv, html, console = views["csv"], views["html"], views["console"]
    xlsx = load_workbook(views["dir"] / "report.xlsx")["Ranking"]
    header = [c.value for c in xlsx[2]]
    sheet = {row[0]: dict(zip(header, row)) for row in xlsx.iter_rows(min_row=3, values_only=True)}
    lines = {parts[0]: parts for parts in (re.split(r"\s{2,}", ln.strip()) for ln in console.splitlines() if ln.strip())}
    assert list(csv["scenario"]) == list(rank["scenario"]) == ["IVR", "Outsourced"], "sorted by saving, the same order"
    for r in rank.to_dict("records"):
        name = r["scenario"]
        c = csv[csv["scenario"] == name].iloc[0]
        for key in ("savings_month", "savings_month_ci95_low", "savings_month_ci95_high", "investment", "npv_3y", "service_level"):
            assert c[key] == pytest.approx(r[key], rel=1e-12, abs=1e-9), f"CSV {key}"
        # workbook: the same value at full precision, under plain labels
        assert sheet[name]["Saving per month"] == pytest.approx(r["savings_month"], rel=1e-12)
        assert sheet[name]["Net present value over 3 years"] == pytest.approx(r["npv_3y"], rel=1e-12)
        assert sheet[name]["Investment (one-time)"] == pytest.approx(r["investment"])
        assert sheet[name]["Service level"] == pytest.approx(r["service_level"], rel=1e-12)
        # HTML: whole currency units
        cells = html[name]
        saving, ci = cells[2].split("\n")
        assert abs(money_value(saving) - r["savings_month"]) <= 0.5
        lo, hi = (money_value(x) for x in ci.split(" to "))
        assert abs(lo - r["savings_month_ci95_low"]) <= 0.5 and abs(hi - r["savings_month_ci95_high"]) <= 0.5
        assert abs(money_value(cells[4]) - r["investment"]) <= 0.5
        assert abs(money_value(cells[6]) - r["npv_3y"]) <= 0.5
        sl = float(cells[3].split("%")[0])
        assert abs(sl - 100 * r["service_level"]) <= 0.05
        # console: k/M amounts
        row = lines[name]
        for text, key in ((row[1], "savings_month"), (row[-1], "npv_3y")):
            v, tol = short_value(text)
            assert abs(v - r[key]) <= tol, f"console {key}: {text} vs {r[key]}"
        assert abs(float(row[3].split("%")[0]) - 100 * r["service_level"]) <= 0.05
        # payback: a whole month everywhere
        if math.isfinite(r["payback_month"]):
            assert cells[5] == f"{int(r['payback_month'])} months" and f"{int(r['payback_month'])} mo" in row
            assert sheet[name]["Payback month"] == r["payback_month"]
        else:
            assert cells[5] == "never" and "never" in row and str(sheet[name]["Payback month"]).startswith("never")
    ivr = rank.iloc[0]
    assert ivr["savings_month"] > 0 and math.isfinite(ivr["payback_month"]), "the case covers a saving that pays back"
    assert rank.iloc[1]["savings_month"] < 0, "and a loss"


def test_no_identifier_in_the_report_text(views: dict) -> None:
    """A client reads words: no snake_case KPI or cost name in the report's text (scripts and attributes aside)."""
    from simulator.analysis.costs import COST_COMPONENTS
    from simulator.analysis.kpis import KPI_NAMES

    html = (views["dir"] / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    names = [n for n in (*KPI_NAMES, *COST_COMPONENTS, "cost_per_call", "total_cost", "savings_month", "npv_3y")
             if "_" in n]
    found = sorted({m.group(0) for m in re.finditer(r"\b(" + "|".join(names) + r")\b", text)})
    # the files' own names (summary.csv, cost_breakdown.csv) are links, not figures
    assert not found, found


# ---------------------------------------------------------------- money checks in other currencies
def _eur(wage: float, rate: float | None) -> dict:
    d = tiny_dict("Euro center")
    d["costs"].update(currency="EUR", agent_hourly_wage=wage)
    if rate is not None:
        d["costs"]["usd_per_unit"] = rate
    return d


def _wage_warned(d: dict) -> bool:
    return any(w.field == "costs.agent_hourly_wage" for w in input_warnings(parse_scenario(d)))


def test_money_checks_run_at_the_scenarios_rate_or_say_they_did_not() -> None:
    # $12-35 an hour: 30 EUR is $30 at 1.0 and $45 at 1.5
    assert not _wage_warned(_eur(30, 1.0)) and _wage_warned(_eur(30, 1.5))
    assert _wage_warned(_eur(10, 1.0)) and not _wage_warned(_eur(10, 1.5))
    assert not _wage_warned(_eur(300, None)), "without a rate no money check runs"
    warn = next(w for w in input_warnings(parse_scenario(_eur(30, 1.5))) if w.field == "costs.agent_hourly_wage")
    assert "30 EUR/h" in warn.value and "$45" in warn.value, "the value in its currency and the dollars checked"
    assert "were not checked" in money_note(parse_scenario(_eur(30, None)))
    assert "1 EUR = 1.5 USD" in money_note(parse_scenario(_eur(30, 1.5)))
    assert money_note(parse_scenario(tiny_dict("Dollar center"))) == ""


def test_the_report_says_which_money_checks_ran(tmp_path: Path) -> None:
    with_rate = write_run_report(simulate(parse_scenario(_eur(20, 1.08)), replications=2), tmp_path)
    text = with_rate.read_text(encoding="utf-8")
    assert "checked in US dollars at 1 EUR = 1.08 USD" in text and "were not checked" not in text
    (tmp_path / "no-rate").mkdir()
    text = write_run_report(simulate(parse_scenario(_eur(20, None)), replications=2), tmp_path / "no-rate").read_text(encoding="utf-8")
    assert "Money inputs are in EUR and were not checked" in text and "All inputs checked lie within" in text


def test_the_console_ranking_cuts_names_never_figures(comparison: Comparison) -> None:
    """Not a terminal: rich prints 80 columns. Long names are shortened; every figure stays whole."""
    console = Console(record=True, width=80, file=io.StringIO())
    print_comparison(comparison, console)
    text = console.export_text()
    assert max(len(ln.rstrip()) for ln in text.splitlines()) <= 80
    header = next(ln for ln in text.splitlines() if "saving" in ln and "payback" in ln)
    assert "NPV 3y" in header and "invest" in header and "…" not in header
    for r in comparison.ranking().to_dict("records"):
        row = next(ln for ln in text.splitlines() if ln.strip().startswith(r["scenario"][:6]))
        assert "…" not in row.split()[-1] and row.rstrip().endswith(re.split(r"\s+", row.strip())[-1])
        v, tol = short_value(row.split()[-1])
        assert abs(v - r["npv_3y"]) <= tol


def test_the_validity_panel_says_once_which_types_qualify(views: dict) -> None:
    from simulator.analysis.validity import ERLANG_A_RULE

    html = (views["dir"] / "report.html").read_text(encoding="utf-8")
    assert html.count("qualifies for the Erlang A cross-check") == 1 and ERLANG_A_RULE.split(",")[0] in html
    assert html.count("Erlang-A-like (so no analytic reference applies)") <= 1
