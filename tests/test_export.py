"""Exports: CSV tables, the workbook's live-formula cost model, resolved scenarios and metadata."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from simulator import __version__
from simulator.analysis.costs import COST_COMPONENTS, horizon_days
from simulator.model.build import cost_inputs
from simulator.model.scenario import load_scenario, parse_scenario
from simulator.output.export import slug
from simulator.output.report import write_run_report
from simulator.studies.simulate import simulate


def scenario_dict(**levers) -> dict:  # noqa: ANN003
    return {
        "name": "Export test",
        "seed": 11,
        "replications": 2,
        "horizon": {"days": 1, "open": "09:00", "close": "12:00", "interval_minutes": 30},
        "arrivals": {"calls_per_day": 600},
        "contact_types": [{"name": "general", "handle_time": {"distribution": "exponential", "mean_seconds": 240},
                           "patience": {"distribution": "exponential", "mean_seconds": 200}}],
        "agents": {"groups": [{"name": "team", "skills": ["general"], "staffing": 15}]},
        "costs": {"currency": "EUR", "agent_hourly_wage": 21, "benefits_load": 0.3, "shrinkage": 0.3,
                  "supervisor_hourly_wage": 30, "licence_per_agent_month": 100, "facility_per_seat_month": 300,
                  "telephony": {"inbound_per_minute": 0.02, "outbound_per_minute": 0.013, "line_per_seat_month": 20,
                                "pbx_monthly": 2000},
                  "overhead_monthly": 10000, "seat_sharing_ratio": 1.2},
        "levers": levers,
    }


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    sc = parse_scenario(scenario_dict(ivr={"containment": 0.2, "per_minute": 0.03, "monthly_fee": 900},
                                      callback={"threshold_seconds": 30},
                                      remote_agents={"share": 0.3, "stipend_per_remote_agent_month": 60,
                                                     "shrinkage": 0.2, "wage_factor": 0.9}))
    res = simulate(sc, workers=1)
    out = tmp_path_factory.mktemp("report")
    write_run_report(res, out)
    return res, out


def _evaluate(ws, ref: str, seen: dict | None = None) -> float:  # noqa: ANN001
    """A tiny evaluator for the cost sheet's formulas (+ - * / parentheses, SUM over a column range, MAX)."""
    seen = {} if seen is None else seen
    if ref in seen:
        return seen[ref]
    v = ws[ref].value
    if not (isinstance(v, str) and v.startswith("=")):
        return float(v or 0.0)
    expr = v[1:]

    def col_sum(m: re.Match) -> str:
        col, r1, r2 = m.group(1), int(m.group(2)), int(m.group(4))
        return repr(sum(_evaluate(ws, f"{col}{r}", seen) for r in range(r1, r2 + 1)
                        if ws[f"A{r}"].value and ws[f"{col}{r}"].value is not None))

    expr = re.sub(r"SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", col_sum, expr)
    expr = expr.replace("MAX(", "max(")
    expr = re.sub(r"\b([A-Z]{1,2})(\d+)\b", lambda m: repr(_evaluate(ws, m.group(0), seen)), expr)
    seen[ref] = float(eval(expr, {"__builtins__": {}}, {"max": max}))  # noqa: S307 - our own formulas
    return seen[ref]


def _ref(wb, name: str) -> str:  # noqa: ANN001
    """The cell (``C12``) a defined name points at on the Cost model sheet."""
    sheet, cell = wb.defined_names[name].attr_text.split("!")
    assert sheet.strip("'") == "Cost model"
    return cell.replace("$", "")


def test_cost_sheet_formulas_are_live_and_reproduce_the_simulation(report_dir) -> None:  # noqa: ANN001
    res, out = report_dir
    wb = load_workbook(out / "report.xlsx")
    assert {"Summary", "Cost model", "Intervals", "Cost breakdown", "Replications", "Assumptions"} <= set(wb.sheetnames)
    ws = wb["Cost model"]
    costs = res.costs.mean()
    assert costs["overtime"] > 0 and costs["facilities"] > 0, "the case drains a queue after close and has seats"
    for comp in COST_COMPONENTS:
        cell = ws[_ref(wb, f"{comp}_1")]
        assert isinstance(cell.value, str) and cell.value.startswith("="), f"{comp} is not a formula: {cell.value!r}"
        got = _evaluate(ws, _ref(wb, f"{comp}_1"))
        assert got == pytest.approx(costs[comp], rel=1e-9, abs=1e-6), f"{comp}: formula {got} vs simulated {costs[comp]}"
    assert _evaluate(ws, _ref(wb, "total_cost_1")) == pytest.approx(costs["total_cost"], rel=1e-9)
    assert _evaluate(ws, _ref(wb, "difference_1")) == pytest.approx(0.0, abs=1e-6)
    # Labour is hours x wage x loading over the input cells: change the wage and labour follows.
    assert re.fullmatch(r"=C\d+\*C\d+\*\(1\+C\d+\)", ws[_ref(wb, "agent_labor_1")].value)
    wage = _ref(wb, "hourly_wage_1")
    assert ws[wage].value == pytest.approx(cost_inputs(res.scenario).hourly_wage)
    ws[wage].value = 2 * ws[wage].value
    assert _evaluate(ws, _ref(wb, "agent_labor_1")) == pytest.approx(2 * costs["agent_labor"], rel=1e-9)
    assert _evaluate(ws, _ref(wb, "overtime_1")) == pytest.approx(2 * costs["overtime"], rel=1e-9)


def test_cost_sheet_seats_follow_the_peak_and_the_sharing_ratio(report_dir) -> None:  # noqa: ANN001
    _, out = report_dir
    wb = load_workbook(out / "report.xlsx")
    ws = wb["Cost model"]
    assert ws[_ref(wb, "peak_agents_1")].value == 15  # one group of 15 all day
    seats = 15 * 0.7 / (1 - 0.3) / 1.2  # the on-site 70%, their shrinkage on site too, 1.2 agents per seat
    assert _evaluate(ws, _ref(wb, "seats_1")) == pytest.approx(seats)
    assert _evaluate(ws, _ref(wb, "lines_1")) == pytest.approx(seats + 15 * 0.3 / (1 - 0.2))
    facilities = _evaluate(ws, _ref(wb, "facilities_1"))
    ws[_ref(wb, "seat_sharing_ratio_1")].value = 2.4  # twice the sharing: half the seats, the stipends unchanged
    stipend = 15 * 0.3 / (1 - 0.2) * 3 * 60 / (8 * 1) / 21  # remote FTE x stipend x months (3 h a day on the phones)
    assert _evaluate(ws, _ref(wb, "facilities_1"), {}) == pytest.approx((facilities - stipend) / 2 + stipend, rel=1e-9)


def test_csv_tables_match_the_result(report_dir) -> None:  # noqa: ANN001
    res, out = report_dir
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["scenario", "kpi", "mean", "ci95_low", "ci95_high"]
    cpc = summary[summary.kpi == "cost_per_call"]["mean"].iloc[0]
    assert cpc == pytest.approx(res.metrics().loc["cost_per_call", "mean"])
    iv = pd.read_csv(out / "intervals.csv")
    assert len(iv) == res.plan.intervals_per_day and {"interval_start", "service_level", "agents"} <= set(iv.columns)
    cb = pd.read_csv(out / "cost_breakdown.csv")
    parts = cb[cb.component != "total_cost"]["mean"].sum()
    assert parts == pytest.approx(cb[cb.component == "total_cost"]["mean"].iloc[0])
    reps = pd.read_csv(out / "replications.csv")
    assert len(reps) == len(res.replications)


def test_metadata_and_resolved_scenario_reproduce_the_run(report_dir) -> None:  # noqa: ANN001
    res, out = report_dir
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["ccsim_version"] == __version__
    assert meta["seed"] == res.seed and meta["replications"] == len(res.replications)
    assert meta["created"] and meta["command"] and meta["kind"] == "run"
    path = out / meta["scenarios"][0]["resolved_file"]
    assert path.name == f"{slug(res.name)}.yaml"
    again = load_scenario(path)
    assert again.model_dump() == res.scenario.model_dump()
    rerun = simulate(again, replications=meta["replications"], seed=meta["seed"])
    assert np.allclose(rerun.replications["total_cost"], res.replications["total_cost"])


def test_stored_volumes_price_to_the_simulated_costs(report_dir) -> None:  # noqa: ANN001
    res, _ = report_dir
    vol = res.volumes
    rates = cost_inputs(res.scenario)
    ivr = vol["ivr_minutes"] * rates.ivr_per_minute
    months = horizon_days(res.plan) / rates.working_days_per_month
    assert np.allclose(ivr + rates.ivr_monthly * months, res.costs["ivr"])
    assert (vol["outbound_minutes"] >= 0).all()


def test_slug() -> None:
    assert slug('<script>alert(1)</script> & "Acme"') == "script-alert-1-script-acme"
    assert slug("***") == "scenario"
