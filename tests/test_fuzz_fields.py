"""Issue 9: every field of the schema, mutated as a careless or hostile user would, gives either a
scenario that runs or one clear line and exit 2, in bounded time.

The field list comes from the schema itself (a scenario with every block and every lever set,
dumped with all its fields), so a field added tomorrow is fuzzed without touching this file; a test
checks that the list covers every field name of every model.
"""

from __future__ import annotations

import copy
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from conftest import minimal_dict
from simulator.core.errors import CcsimError
from simulator.engine.callcenter import simulate_replication
from simulator.levers import LEVERS
from simulator.model.build import build_plan, cost_inputs
from simulator.model.scenario import Scenario, load_scenario, parse_scenario
from simulator.model.streams import replication_streams


def full_dict() -> dict[str, Any]:
    """A small scenario with every block filled and every lever pulled (two types, two groups)."""
    data = minimal_dict()
    data["contact_types"] = [
        {"name": "billing", "share": 0.6, "handle_time": {"distribution": "lognormal", "mean_seconds": 240, "cv": 0.6},
         "patience": {"distribution": "exponential", "mean_seconds": 120}, "fcr": 0.8,
         "repeat_delay": {"distribution": "exponential", "mean_seconds": 3600}, "priority": 1},
        {"name": "tech", "share": 0.4, "handle_time": {"distribution": "gamma", "mean_seconds": 400, "cv": 0.8},
         "patience": {"distribution": "empirical", "samples": [30, 90, 300]}, "fcr": 0.7, "priority": 2},
    ]
    data["agents"] = {
        "groups": [{"name": "a", "skills": ["billing", "tech"], "staffing": [3, 4, 4, 3], "proficiency": {"tech": 1.2}},
                   {"name": "b", "skills": ["tech"], "staffing": 2}],
        "routing": {"policy": "skills_based", "overflow_after_seconds": 20, "pooled_handle_time_factor": 1.1,
                    "investment": 1000.0, "monthly_fee": 10.0},
        "shifts": [
            {"name": "long", "starts": ["08:00"], "length_hours": 2.0, "days": ["mon", "tue", "wed", "thu", "fri"],
             "breaks": [{"minutes": 15, "window_minutes": [30, 60]}], "lunch": {"minutes": 30, "window_minutes": [60, 90]},
             "min_heads": 0, "max_heads": 50},
            {"name": "short", "starts": {"first": "08:00", "last": "09:00", "every_minutes": 30}, "length_hours": 1.0},
        ],
    }
    data["service_target"]["max_abandonment"] = 0.1
    data["arrivals"]["profile"] = [1, 2, 2, 1]
    data["arrivals"]["daily_cv"] = 0.1
    data["arrivals"]["day_weights"] = [1.2, 1.0, 1.0, 1.0, 0.9, 0.5, 0.0]
    data["horizon"]["start_day"] = "tue"
    data["redials"] = {"probability": 0.3, "delay": {"distribution": "exponential", "mean_seconds": 300}}
    data["costs"].update(supervisor_hourly_wage=30.0, licence_per_agent_month=100.0, desktop_per_agent_month=20.0,
                         facility_per_seat_month=300.0, overhead_monthly=1000.0, discount_rate=0.08,
                         platform={"model": "owned", "capital_cost": 100000.0, "depreciation_years": 5,
                                   "maintenance_share_per_year": 0.18},
                         usd_per_unit=1.0)
    data["business_case"] = {"ramp_months": {"ivr": 3}, "volume_growth_per_year": 0.03, "attrition_per_year": 0.3,
                             "cost_per_hire": 10000.0, "learning_curve": [1.3, 1.1]}
    data["levers"] = {key: dict(lever.example) for key, lever in LEVERS.items()}
    return data


FULL = parse_scenario(full_dict()).model_dump(mode="json")


def leaf_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        out = [prefix] if prefix else []
        for k, v in node.items():
            out += leaf_paths(v, prefix + (k,))
        return out
    if isinstance(node, list):
        out = [prefix]
        for i, v in enumerate(node[:2]):
            out += leaf_paths(v, prefix + (i,))
        return out
    return [prefix]


PATHS = [p for p in leaf_paths(FULL) if p and p[0] != "source"]

MUTATIONS: dict[str, Any] = {
    "delete": ..., "none": None, "true": True, "false": False, "zero": 0, "negative": -1, "minus_half": -0.5,
    "huge": 1e308, "tiny": 1e-308, "big_int": 10**30, "inf": math.inf, "minus_inf": -math.inf, "nan": math.nan,
    "empty_string": "", "text": "lots", "unicode": "caf\u00e9 \u2603 \U0001F600 \u202e", "list": [1, 2],
    "empty_list": [], "mapping": {"x": 1}, "empty_mapping": {}, "percent": 25, "time": "25:61",
}


def mutate(data: dict, path: tuple, value: Any) -> dict:
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        node = node[part]
    if value is ...:
        if isinstance(node, list):
            node.pop(path[-1])
        else:
            node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return out


def test_the_fuzzed_paths_cover_every_field_of_the_schema():
    def names(model: type[BaseModel], seen: set) -> set[str]:
        seen.add(model)
        out = set(model.model_fields) - {"source"}
        for f in model.model_fields.values():
            for inner in _models(f.annotation):
                if inner not in seen:
                    out |= names(inner, seen)
        return out

    def _models(ann: Any) -> list:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return [ann]
        return [m for a in getattr(ann, "__args__", ()) for m in _models(a)]

    fuzzed = {str(p[-1]) for p in PATHS}
    missing = names(Scenario, set()) - fuzzed
    assert not missing, f"fields never fuzzed: {sorted(missing)}"


def _outcome(data: dict, tmp: Path) -> str:
    """'run' or 'error': what the scenario does; anything else (a crash) fails the test."""
    path = tmp / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except CcsimError as exc:
        line = str(exc)
        assert "\n" not in line and len(line) < 600, line
        return "error"
    plan = build_plan(scenario)
    cost_inputs(scenario)
    if scenario.arrivals.calls_per_day * scenario.horizon.days <= 5000:
        simulate_replication(plan, replication_streams(scenario.seed, 0))
    return "run"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), mutation=st.sampled_from(sorted(MUTATIONS)))
def test_every_field_mutation_runs_or_is_one_clear_error(tmp_path, path, mutation):
    _outcome(mutate(FULL, path, MUTATIONS[mutation]), tmp_path)


@pytest.mark.parametrize("mutation", ["inf", "huge", "true", "unicode", "delete", "percent"])
def test_cli_gives_one_line_and_exit_2_or_runs(tmp_path, mutation):
    """The same through the real command line, on a field of each kind (one subprocess each)."""
    for path in [("arrivals", "calls_per_day"), ("levers", "chatbot", "containment"), ("costs", "currency")]:
        data = mutate(FULL, path, MUTATIONS[mutation])
        f = tmp_path / "fuzz.yaml"
        f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        res = subprocess.run([sys.executable, "-m", "simulator.cli", "validate", str(f)], capture_output=True, text=True,
                             timeout=120)
        assert res.returncode in (0, 2), (path, mutation, res.returncode, res.stderr[-500:])
        assert "Traceback" not in res.stderr
        if res.returncode == 2:
            assert len(res.stderr.strip().splitlines()) == 1, res.stderr
