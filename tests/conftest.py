"""Tiny shared fixtures: scenario dicts, an M/M/c(+M) builder, and a one-replication runner.

Everything here is plain data or a thin call into the public package API, so that a test reads
as "this scenario, these records, this expectation".
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from simulator.engine.callcenter import simulate_replication
from simulator.model.build import build_plan
from simulator.model.plan import EnginePlan
from simulator.engine.records import Records
from simulator.model.scenario import Scenario, parse_scenario
from simulator.model.streams import replication_streams

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


def minimal_dict(**overrides: Any) -> dict[str, Any]:
    """The smallest valid scenario of SPEC.md, as a plain dict (top-level keys replaced by ``overrides``)."""
    data: dict[str, Any] = {
        "name": "minimal",
        "seed": 7,
        "replications": 2,
        "horizon": {"days": 1, "open": "08:00", "close": "10:00", "interval_minutes": 30, "warmup_minutes": 0},
        "service_target": {"answer_within_seconds": 20, "fraction": 0.80},
        "arrivals": {"calls_per_day": 100, "profile": "flat"},
        "contact_types": [
            {
                "name": "general",
                "share": 1.0,
                "handle_time": {"distribution": "exponential", "mean_seconds": 300},
                "patience": {"distribution": "exponential", "mean_seconds": 180},
                "fcr": 1.0,
            }
        ],
        "agents": {"groups": [{"name": "team", "skills": ["general"], "staffing": 5}]},
        "costs": {
            "currency": "USD",
            "agent_hourly_wage": 20.0,
            "benefits_load": 0.25,
            "shrinkage": 0.0,
            "telephony": {"inbound_per_minute": 0.01},
        },
        "levers": {},
    }
    data.update(copy.deepcopy(overrides))
    return data


def single_queue_dict(
    *,
    calls_per_day: float,
    handle: dict[str, Any],
    agents: int | list[int],
    patience: dict[str, Any] | None = None,
    days: int = 1,
    open_: str = "08:00",
    close: str = "10:00",
    interval_minutes: int = 30,
    warmup_minutes: float = 0.0,
    seed: int = 1,
    daily_cv: float = 0.0,
    target_seconds: float = 20.0,
) -> dict[str, Any]:
    """One contact type, one agent group: the building block of the engine's unit tests."""
    return minimal_dict(
        seed=seed,
        horizon={"days": days, "open": open_, "close": close, "interval_minutes": interval_minutes,
                 "warmup_minutes": warmup_minutes},
        service_target={"answer_within_seconds": target_seconds, "fraction": 0.8},
        arrivals={"calls_per_day": calls_per_day, "profile": "flat", "daily_cv": daily_cv},
        contact_types=[{"name": "general", "share": 1.0, "handle_time": handle, "patience": patience, "fcr": 1.0}],
        agents={"groups": [{"name": "team", "skills": ["general"], "staffing": agents}]},
    )


def mmc_dict(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    agents: int,
    patience_seconds: float | None = None,
    hours: float = 24.0,
    warmup_minutes: float = 60.0,
    target_seconds: float = 20.0,
    seed: int = 2024,
    replications: int = 10,
) -> dict[str, Any]:
    """A stationary M/M/c (or M/M/c+M with ``patience_seconds``) center, open round the clock.

    Flat profile, constant staffing, exponential handle time and patience, FCR 1.0. ``hours`` of
    simulated time (whole days, or a fraction of one day, rounded to whole 30-min intervals) after
    which arrivals stop; ``warmup_minutes`` at the start are excluded from every KPI.
    """
    days = max(1, int(np.ceil(hours / 24.0)))
    return minimal_dict(
        name=f"M/M/{agents}{'+M' if patience_seconds else ''}",
        seed=seed,
        replications=replications,
        horizon={"days": days, "open": "00:00", "close": "24:00", "interval_minutes": 30,
                 "warmup_minutes": warmup_minutes},
        service_target={"answer_within_seconds": target_seconds, "fraction": 0.8},
        arrivals={"calls_per_day": arrivals_per_hour * 24.0, "profile": "flat"},
        contact_types=[
            {
                "name": "general",
                "share": 1.0,
                "handle_time": {"distribution": "exponential", "mean_seconds": aht_seconds},
                "patience": (
                    {"distribution": "exponential", "mean_seconds": patience_seconds} if patience_seconds else None
                ),
                "fcr": 1.0,
            }
        ],
        agents={"groups": [{"name": "team", "skills": ["general"], "staffing": agents}]},
    )


def scenario_of(data: dict[str, Any]) -> Scenario:
    return parse_scenario(data)


def run_one(data: dict[str, Any] | Scenario, replication: int = 0, seed: int | None = None) -> tuple[Records, EnginePlan]:
    """One replication of a scenario through the engine: its raw records and its plan."""
    sc = data if isinstance(data, Scenario) else parse_scenario(data)
    plan = build_plan(sc)
    recs = simulate_replication(plan, replication_streams(sc.seed if seed is None else seed, replication))
    return recs, plan


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def minimal() -> dict[str, Any]:
    return minimal_dict()


@pytest.fixture
def minimal_file(tmp_path: Path) -> Path:
    return write_yaml(tmp_path / "minimal.yaml", minimal_dict())
