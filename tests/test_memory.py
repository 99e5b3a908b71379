"""Memory: a finished replication is freed at once (no reference cycle keeps its model alive), and
its records are compact numpy columns (no Python object per contact).

``benchmarks/bench_memory.py`` measures the bytes per call at month scale; these tests check the
properties that keep it low, on small scenarios, fast.
"""

from __future__ import annotations

import gc
import tracemalloc
from array import array

import numpy as np
import pytest
import simpy
from conftest import minimal_dict, single_queue_dict

from simulator.engine.callcenter import CallCenterModel, simulate_replication
from simulator.engine.records import COLUMNS
from simulator.model.build import build_plan
from simulator.model.scenario import parse_scenario
from simulator.model.streams import replication_streams

EXP = "exponential"


def general_case() -> dict:
    """Two types, repeats and redials: the general handlers, later contacts, the chunk cache."""
    return minimal_dict(
        horizon={"days": 2, "open": "08:00", "close": "12:00", "interval_minutes": 60},
        arrivals={"calls_per_day": 900, "profile": "flat"},
        contact_types=[
            {"name": "a", "share": 0.6, "handle_time": {"distribution": EXP, "mean_seconds": 240},
             "patience": {"distribution": EXP, "mean_seconds": 120}, "fcr": 0.7,
             "repeat_delay": {"distribution": EXP, "mean_seconds": 1800}},
            {"name": "b", "share": 0.4, "handle_time": {"distribution": EXP, "mean_seconds": 300},
             "patience": {"distribution": EXP, "mean_seconds": 180}, "fcr": 0.8,
             "repeat_delay": {"distribution": EXP, "mean_seconds": 1800}},
        ],
        agents={"groups": [{"name": "g", "skills": ["a", "b"], "staffing": 14}]},
        redials={"probability": 0.5, "delay": {"distribution": EXP, "mean_seconds": 300}},
    )


def fast_path_case() -> dict:
    """One queue, one group, abandonment settled lazily: the single-queue fast path."""
    return single_queue_dict(calls_per_day=900, agents=9, handle={"distribution": EXP, "mean_seconds": 240},
                             patience={"distribution": EXP, "mean_seconds": 120}, days=2)


CASES = {"general": general_case, "fast path": fast_path_case}


def plan_of(case: str):
    sc = parse_scenario(CASES[case]())
    return sc, build_plan(sc)


def live(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


@pytest.mark.parametrize("case", list(CASES))
def test_a_finished_replication_leaves_no_reference_cycle(case: str) -> None:
    sc, plan = plan_of(case)
    gc.collect()
    models, envs = live(CallCenterModel), live(simpy.Environment)
    gc.disable()
    try:
        recs = simulate_replication(plan, replication_streams(sc.seed, 0))
        # Without the collector, only reference counting frees: nothing of the run may be left.
        assert live(CallCenterModel) == models, "the model outlived its replication"
        assert live(simpy.Environment) == envs, "the SimPy environment outlived its replication"
        assert gc.collect() == 0, "the replication left garbage in reference cycles"
    finally:
        gc.enable()
    assert len(recs) > 0


@pytest.mark.parametrize("case", list(CASES))
def test_replications_one_after_another_do_not_accumulate_memory(case: str) -> None:
    sc, plan = plan_of(case)
    simulate_replication(plan, replication_streams(sc.seed, 0))  # warm caches (imports, ufunc loops)
    gc.collect()
    tracemalloc.start()
    try:
        simulate_replication(plan, replication_streams(sc.seed, 1))
        after_one = tracemalloc.get_traced_memory()[0]
        for rep in range(2, 5):
            simulate_replication(plan, replication_streams(sc.seed, rep))
        after_four = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_four - after_one < 200_000, f"{after_four - after_one} bytes kept by three more replications"


@pytest.mark.parametrize("case", list(CASES))
def test_records_are_compact_numpy_columns(case: str) -> None:
    sc, plan = plan_of(case)
    recs = simulate_replication(plan, replication_streams(sc.seed, 0))
    n = len(recs)
    for name, dtype in COLUMNS.items():
        col = getattr(recs, name)
        assert isinstance(col, np.ndarray) and col.dtype == dtype and col.shape == (n,), name
        assert col.flags.c_contiguous, name
    assert sum(getattr(recs, name).itemsize for name in COLUMNS) == sum(d.itemsize for d in COLUMNS.values()) <= 84


def test_per_contact_engine_state_is_typed_arrays_not_lists() -> None:
    """The state the run appends to holds machine numbers, not a Python object per contact."""
    sc, plan = plan_of("general")
    model = CallCenterModel(plan, replication_streams(sc.seed, 0))
    model.run()
    for name in ("need_of", "kind", "ktype", "prio", "arrival", "ivr", "qtime", "status", "handle_row", "fcr_row",
                 "answer", "group_out", "outcome", "wait"):
        assert isinstance(getattr(model, name), array), name
    assert len(model.answer) > model.static_rows, "the case creates contacts during the run"
