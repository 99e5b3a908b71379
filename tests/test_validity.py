"""Validity panel: which contact types are Erlang-A-like, analytic vs simulated, input-range warnings."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from simulator.model.build import build_plan
from simulator.model.scenario import load_scenario, parse_scenario
from simulator.studies.simulate import simulate
from simulator.analysis.validity import erlang_a_types, input_warnings, validity_table

from conftest import BASELINE


def mmc_dict(**over) -> dict:  # noqa: ANN003
    """REFERENCE.md's Erlang A case: 100 calls per 30 min, AHT 180 s, patience 300 s, 13 agents."""
    d = {
        "name": "Erlang A check",
        "seed": 21,
        "replications": 6,
        "horizon": {"days": 1, "open": "08:00", "close": "14:00", "interval_minutes": 30},
        "arrivals": {"calls_per_day": 1200},
        "contact_types": [{"name": "general", "handle_time": {"distribution": "exponential", "mean_seconds": 180},
                           "patience": {"distribution": "exponential", "mean_seconds": 300}}],
        "agents": {"groups": [{"name": "team", "skills": ["general"], "staffing": 13}]},
        "costs": {"agent_hourly_wage": 20, "benefits_load": 0.3, "shrinkage": 0.3},
    }
    d.update(copy.deepcopy(over))
    return d


def test_single_skill_exponential_is_erlang_a_like() -> None:
    assert erlang_a_types(build_plan(parse_scenario(mmc_dict()))) == {0: ""}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"contact_types": [{"name": "general", "handle_time": {"distribution": "lognormal", "mean_seconds": 180, "cv": 0.8}}]},
         "lognormal"),
        ({"levers": {"callback": {"threshold_seconds": 30}}}, "callbacks"),
        ({"redials": {"probability": 0.4}}, "redials"),
    ],
)
def test_features_that_break_erlang_a_are_named(change: dict, reason: str) -> None:
    why = erlang_a_types(build_plan(parse_scenario(mmc_dict(**change))))[0]
    assert reason in why, why


def test_shared_agents_are_not_erlang_a_like() -> None:
    d = mmc_dict(
        contact_types=[
            {"name": "a", "share": 0.5, "handle_time": {"distribution": "exponential", "mean_seconds": 180}},
            {"name": "b", "share": 0.5, "handle_time": {"distribution": "exponential", "mean_seconds": 180}},
        ],
        agents={"groups": [{"name": "both", "skills": ["a", "b"], "staffing": 13}]},
    )
    reasons = erlang_a_types(build_plan(parse_scenario(d)))
    assert all("other contact types" in r for r in reasons.values()), reasons


def test_analytic_and_simulated_agree_on_the_reference_case() -> None:
    res = simulate(parse_scenario(mmc_dict()))
    v = validity_table(res, res.type_counts)
    t = v.table
    assert len(t) == 12 and (t["agents"] == 13).all()
    # The analytic figure uses the simulated arrival rate; REFERENCE: SL 0.858, abandonment 0.025 at 200/h.
    steady = t[t["interval"] > 0]
    assert steady["erlang_a_service_level"].mean() == pytest.approx(0.858, abs=0.03)
    assert steady["erlang_a_abandonment"].mean() == pytest.approx(0.025, abs=0.01)
    gap_sl = (steady["simulated_service_level"] - steady["erlang_a_service_level"]).mean()
    gap_ab = (steady["simulated_abandonment"] - steady["erlang_a_abandonment"]).mean()
    assert abs(gap_sl) < 0.03 and abs(gap_ab) < 0.01, (gap_sl, gap_ab)
    assert v.share_close >= 0.7, t[["interval_start", "erlang_a_service_level", "simulated_service_level", "close"]]


def test_not_erlang_a_like_gives_reasons_and_no_rows() -> None:
    res = simulate(load_scenario(BASELINE), replications=1)
    v = validity_table(res, res.type_counts)
    assert v.table.empty and all(v.reasons.values())


def test_input_warnings_flag_out_of_range_inputs() -> None:
    d = mmc_dict(contact_types=[{"name": "general", "handle_time": {"distribution": "exponential", "mean_seconds": 40}, "fcr": 0.3}])
    d["costs"]["shrinkage"] = 0.05
    metrics = pd.DataFrame({"mean": [0.95, 0.2]}, index=["occupancy", "abandonment_rate"])
    fields = {w.field for w in input_warnings(parse_scenario(d), metrics)}
    assert {"costs.shrinkage", "contact_types.0.handle_time", "contact_types.0.fcr", "occupancy", "abandonment_rate"} <= fields


def test_realistic_baseline_raises_no_input_warning() -> None:
    assert [w.field for w in input_warnings(load_scenario(BASELINE))] == []
