"""The business case (studies.cashflow): months derived from the simulated days, checked by hand and
against direct simulations at two points of the adoption ramp."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import minimal_dict, single_queue_dict
from simulator.model.scenario import parse_scenario
from simulator.studies import finance
from simulator.studies.cashflow import BusinessCase, band, business_case, ramp_shares, turnover_monthly
from simulator.studies.compare import compare
from simulator.studies.simulate import simulate


def _case(**kw: object) -> BusinessCase:
    n = int(kw.pop("months", 12))  # type: ignore[arg-type]
    base = dict(scenario="s", months=n, investment=0.0, discount_rate=0.0, ramp=np.ones(n), volume=np.ones(n),
                wage=np.ones(n), labour_saving=0.0, running_fees=0.0, hiring_change=0.0, learning_change=0.0,
                saving_month=0.0)
    base.update(kw)
    return BusinessCase(**base)  # type: ignore[arg-type]


def _ivr(containment: float) -> dict:
    return {"levers": {"ivr": {"containment": containment, "per_minute": 0.01,
                               "time": {"distribution": "constant", "mean_seconds": 30}}}}


def _queue():
    d = single_queue_dict(calls_per_day=1600, handle={"distribution": "exponential", "mean_seconds": 300}, agents=36,
                          patience={"distribution": "exponential", "mean_seconds": 300}, close="12:00", seed=3)
    d["costs"]["telephony"]["inbound_per_minute"] = 0.05
    return parse_scenario(d).with_changes(_ivr(0.0))


def test_ramp_shares_at_zero_half_and_full_effect() -> None:
    r = ramp_shares(4, 6)
    assert r.tolist() == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert ramp_shares(0, 3).tolist() == [1.0, 1.0, 1.0]
    t = _case(months=6, ramp=r, saving_month=1000.0).table()
    assert t["ramp_share"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]  # month 0: 0% (the investment only)
    assert t["saving_at_ramp"].tolist() == [0.0, 250.0, 500.0, 750.0, 1000.0, 1000.0, 1000.0]


def test_constant_month_of_the_cash_flow_equals_the_simulated_month() -> None:
    base = _queue()
    lever = base.with_changes(_ivr(0.3), name="ivr")
    comp = compare(base, [lever], hold="staffing", replications=4, workers=1, attribution=False)
    row = comp.finance.iloc[0]
    net = comp.business["ivr"].net_flows()
    assert len(net) == 36
    assert np.allclose(net, row["savings_month"], rtol=1e-12), (net[:3], row["savings_month"])
    flows = finance.constant_flows(row["savings_month"], 36)
    assert row["npv_3y"] == pytest.approx(np.mean([finance.npv(finance.constant_flows(
        s, 36), row["investment"], 0.08) for s in _monthly_savings(comp)]), rel=1e-9)
    assert comp.business["ivr"].npv() == pytest.approx(finance.npv(flows, row["investment"], 0.08), rel=1e-9)


def _monthly_savings(comp) -> np.ndarray:  # noqa: ANN001
    from simulator.studies.attribution import monthly_cost

    return monthly_cost(comp.baseline) - monthly_cost(comp.results[0])


def test_ramp_months_match_direct_simulations_at_a_quarter_and_half_adoption() -> None:
    """Month 1 and 2 of a 4-month ramp (25% and 50% of the full effect) against the lever simulated
    directly at 25% and 50% adoption (containment 7.5% and 15% of 30%), staffing held: within the
    direct runs' 95% CI."""
    base = _queue()
    full = base.with_changes({**_ivr(0.3), "business_case.ramp_months": 4}, name="full")
    half = base.with_changes(_ivr(0.15), name="half")
    quarter = base.with_changes(_ivr(0.075), name="quarter")
    comp = compare(base, [full, half, quarter], hold="staffing", replications=20, workers=1, attribution=False)
    net = comp.business["full"].net_flows()
    fin = comp.finance.set_index("scenario")
    for month, name in ((1, "quarter"), (2, "half")):
        lo, hi = fin.loc[name, "savings_month_ci95_low"], fin.loc[name, "savings_month_ci95_high"]
        assert lo <= net[month - 1] <= hi, f"month {month} of the ramp {net[month - 1]:.1f} outside [{lo:.1f}, {hi:.1f}]"
    assert net[3] == pytest.approx(fin.loc["full", "savings_month"])


def test_npv_and_payback_by_hand() -> None:
    # Investment 1000, ramp over 2 months of a 600 saving, fees 100: net 200, 500, 500, 500.
    c = _case(months=4, investment=1000.0, discount_rate=1.01**12 - 1, ramp=ramp_shares(2, 4), running_fees=100.0,
              saving_month=500.0)
    assert c.net_flows().tolist() == pytest.approx([200.0, 500.0, 500.0, 500.0])
    assert c.payback_month() == 3  # cumulative 200, 700, 1200
    hand = -1000 + 200 / 1.01 + 500 / 1.01**2 + 500 / 1.01**3 + 500 / 1.01**4
    assert c.npv() == pytest.approx(hand, abs=1e-9)
    assert c.table()["cumulative_discounted"].iloc[-1] == pytest.approx(hand, abs=1e-9)
    assert c.roi() == pytest.approx((1700 - 1000) / 1000)
    assert math.isinf(_case(months=4, investment=1e6, saving_month=10.0).payback_month())


def test_growth_and_wage_inflation_by_hand() -> None:
    n = 13
    from simulator.studies.cashflow import growth_factors

    c = _case(months=n, volume=growth_factors(0.10, n), wage=growth_factors(0.05, n), labour_saving=600.0,
              saving_month=1000.0)
    # Month 13: volume 1.10, wages 1.05: 1.10 x (600 x 1.05 + 400) = 1133.
    assert c.net_flows()[12] == pytest.approx(1.10 * (600 * 1.05 + 400))
    assert c.net_flows()[0] == pytest.approx(1000.0)


def test_attrition_hiring_and_learning_curve_by_hand() -> None:
    # 5 agents x 2 h a day, no shrinkage, 8 paid hours per agent-day: FTE = 10 / 8 = 1.25.
    # Labour per day 5 x 2 x 20 x 1.25 = 250, per month (21 days) 5,250.
    d = minimal_dict(business_case={"attrition_per_year": 0.36, "cost_per_hire": 12000.0,
                                    "learning_curve": [1.5, 1.2, 1.0]})
    res = simulate(parse_scenario(d), replications=2, workers=1)
    hiring, learning = turnover_monthly(res)
    assert hiring == pytest.approx(1.25 * 0.03 * 12000.0)  # 450 a month
    overtime = float(res.costs["overtime"].mean()) * 21
    assert learning == pytest.approx((5250.0 + overtime) * 0.03 * 0.7)


def test_attrition_change_enters_the_cash_flow_as_the_difference() -> None:
    base = parse_scenario(minimal_dict(business_case={"attrition_per_year": 0.36, "cost_per_hire": 12000.0}))
    fewer = base.with_changes({"agents.groups.0.staffing": 4}, name="fewer")
    b = simulate(base, replications=2, workers=1)
    s = simulate(fewer, replications=2, workers=1)
    case = business_case(b, s)
    # FTE 1.25 -> 1.0: 0.25 x 0.03 x 12,000 = 90 a month less hiring.
    assert case.hiring_change == pytest.approx(-90.0)
    assert case.parts()["attrition_hiring"][0] == pytest.approx(-90.0)


def test_band_of_draws() -> None:
    c = _case(months=3, investment=100.0)
    out = band(c, [10.0, 20.0, 30.0, 40.0, 50.0])
    assert out["p50"].tolist() == pytest.approx([-100.0, -70.0, -40.0, -10.0])
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
    assert band(c, [25.0] * 4)["p90"].tolist() == pytest.approx([-100.0, -75.0, -50.0, -25.0])
    with pytest.raises(ValueError):
        band(c, [])


def test_at_equal_service_the_linear_ramp_overstates_half_adoption_by_a_bounded_share() -> None:
    """Re-staffed to the target, staffing has economies of scale (agents ~ load + c sqrt(load)) and
    whole agents: half of agent assist's effect saves less than half its saving. The README quotes
    this gap; the test keeps it honest (direction and size) on a 37-agent queue."""
    d = single_queue_dict(calls_per_day=1600, handle={"distribution": "exponential", "mean_seconds": 300}, agents=20,
                          patience={"distribution": "exponential", "mean_seconds": 300}, close="12:00", seed=3)
    base = parse_scenario(d)
    full = base.with_changes({"levers": {"agent_assist": {"handle_time_reduction": 0.2}},
                              "business_case": {"ramp_months": 2}}, name="full")
    half = base.with_changes({"levers": {"agent_assist": {"handle_time_reduction": 0.1}}}, name="half")
    comp = compare(base, [full, half], hold="service", replications=10, workers=1, attribution=False)
    ramp_month = comp.business["full"].net_flows()[0]  # 50% of the full effect
    direct = float(comp.finance.set_index("scenario").loc["half", "savings_month"])
    gap = ramp_month / direct - 1
    assert 0.0 < gap < 0.20, f"linear ramp {ramp_month:.0f} vs direct half adoption {direct:.0f} ({gap:+.1%})"


def test_cashflow_chart_draws_the_band_and_a_payback_dot() -> None:
    from matplotlib.collections import PolyCollection

    from simulator.output.charts import cashflow_chart

    c = _case(months=6, investment=100.0, saving_month=40.0)
    b = band(c, [20.0, 40.0, 60.0])
    cum = np.asarray(c.table()["cumulative"])
    fig = cashflow_chart({"s": cum}, {"s": "#1F77B4"}, "USD", band={"s": (b["p10"].to_numpy(), b["p90"].to_numpy())})
    ax = fig.axes[0]
    assert any(isinstance(a, PolyCollection) for a in ax.collections), "the P10-P90 band is shaded"
    dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
    assert len(dots) == 1 and dots[0].get_xdata()[0] == 3  # cumulative -100, -60, -20, +20: payback in month 3


def test_a_combined_scenario_ramps_each_lever_by_its_share_or_the_slowest() -> None:
    from simulator.studies.cashflow import scenario_ramp

    base = parse_scenario(minimal_dict())
    both = base.with_changes({"levers": {"ivr": {"containment": 0.2}, "agent_assist": {"handle_time_reduction": 0.1}},
                              "business_case": {"ramp_months": {"ivr": 4, "agent_assist": 2}}})
    # Shapley shares 3:1 -> month 1: 0.75 x 1/4 + 0.25 x 1/2 = 0.3125; month 2: 0.75 x 0.5 + 0.25 = 0.625.
    r = scenario_ramp(base, both, {"ivr": 300.0, "agent_assist": 100.0}, months=5)
    assert r.tolist() == pytest.approx([0.3125, 0.625, 0.8125, 1.0, 1.0])
    assert scenario_ramp(base, both, None, months=5).tolist() == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0])
    one = base.with_changes({"levers": {"ivr": {"containment": 0.2}}, "business_case": {"ramp_months": {"agent_assist": 3}}})
    assert scenario_ramp(base, one, None, months=2).tolist() == [1.0, 1.0]  # the ivr is not ramped
