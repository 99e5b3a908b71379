"""costs.platform (saas / owned) and business_case fields: hand-computed costs, one-line errors
(exit 2), and ``ccsim compare --months``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import minimal_dict, write_yaml
from simulator.cli import app
from simulator.model.scenario import parse_scenario
from simulator.studies.simulate import simulate

runner = CliRunner()


def _platform_cost(platform: dict, **costs: object) -> float:
    d = minimal_dict()
    d["costs"].update(costs, platform=platform)
    res = simulate(parse_scenario(d), replications=1, workers=1)
    return float(res.costs["platform"].iloc[0])


def test_saas_platform_is_seats_times_price_times_months() -> None:
    # 5 agents on the phones, shrinkage 0.2: 5 / 0.8 = 6.25 seats at the peak (one desk each, no
    # remote agents); 1 day of 21 working days a month: 6.25 x 110 / 21.
    assert _platform_cost({"model": "saas", "per_seat_month": 110.0}, shrinkage=0.2) == pytest.approx(6.25 * 110 / 21)


def test_owned_platform_is_depreciation_plus_maintenance() -> None:
    # 120,000 over 5 years = 2,000 a month; maintenance 18% a year = 1,800 a month; 1 day of 21.
    cost = _platform_cost({"model": "owned", "capital_cost": 120000.0, "depreciation_years": 5,
                           "maintenance_share_per_year": 0.18})
    assert cost == pytest.approx((2000.0 + 1800.0) / 21)


def test_platform_investment_is_kept_apart_for_payback() -> None:
    from simulator.model.build import cost_inputs

    d = minimal_dict()
    d["costs"]["platform"] = {"model": "saas", "per_seat_month": 100.0, "investment": 50000.0}
    assert cost_inputs(parse_scenario(d)).investment == 50000.0


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("costs", {"platform": {"model": "saas", "per_seat_month": 100, "capital_cost": 5}}, "costs.platform.capital_cost must be 0 for a saas platform"),
    ("costs", {"platform": {"model": "owned", "per_seat_month": 100}}, "costs.platform.per_seat_month must be 0 for an owned platform"),
    ("costs", {"platform": {"model": "rented"}}, "costs.platform.model must be"),
    ("costs", {"platform": {"model": "owned", "depreciation_years": 0}}, "costs.platform.depreciation_years must be"),
    ("business_case", {"ramp_months": {"ivrr": 3}}, "business_case.ramp_months must be a number of months, or a mapping of lever keys"),
    ("business_case", {"ramp_months": -1}, "business_case.ramp_months must be"),
    ("business_case", {"attrition_per_year": -0.1}, "business_case.attrition_per_year must be"),
    ("business_case", {"learning_curve": [0.8]}, "business_case.learning_curve.0 must be"),
    ("business_case", {"months": 0}, "business_case.months must be"),
])
def test_bad_new_fields_are_one_line_errors(tmp_path, field: str, value: dict, expected: str) -> None:  # noqa: ANN001
    data = minimal_dict()
    if field == "costs":
        data["costs"].update(value)
    else:
        data[field] = value
    res = runner.invoke(app, ["validate", str(write_yaml(tmp_path / "bad.yaml", data))])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], lines
    assert "Traceback" not in res.stderr


def test_compare_months_sets_the_business_case_length(tmp_path) -> None:  # noqa: ANN001
    base = minimal_dict(business_case={"ramp_months": 3})
    lever = minimal_dict(name="ivr", business_case={"ramp_months": 3},
                         levers={"ivr": {"containment": 0.2, "investment": 1000.0}})
    b, s = write_yaml(tmp_path / "b.yaml", base), write_yaml(tmp_path / "s.yaml", lever)
    out = tmp_path / "out"
    res = runner.invoke(app, ["compare", str(b), str(s), "--hold", "staffing", "--months", "24", "--out", str(out),
                              "--json", "-r", "2", "-w", "1"])
    assert res.exit_code == 0, res.stderr
    obj = json.loads(res.stdout)
    fin, case = obj["finance"]["ivr"], obj["business_case"]["ivr"]
    assert fin["months"] == 24 and case["months"] == 24 and len(case["net_monthly"]) == 24
    # Payback in the finance table and the business case is one value (3-month ramp, same flows).
    assert fin["payback_month"] == case["payback_month"] or (fin["payback_month"] is None and case["payback_month"] is None)
    lines = (out / "cashflow.csv").read_text().splitlines()
    assert lines[0].startswith("scenario,month,ramp_share,saving_at_ramp,running_fees,attrition_hiring,net,cumulative")
    assert len(lines) == 1 + 25  # months 0..24
    html = (out / "report.html").read_text()
    assert "Business case over 24 months" in html
    assert "--replications 2 --months 24" in html  # the re-run command keeps the option
    bad = runner.invoke(app, ["compare", str(b), str(s), "--months", "0"])
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1
