"""Outsourced overflow with a vendor capacity (``seats``) priced per seat-month."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_one, single_queue_dict
from simulator.engine.records import OUTSOURCED
from simulator.model.scenario import parse_scenario
from simulator.studies.simulate import simulate


def _busy(seats: int | None, **extra: float) -> dict:
    d = single_queue_dict(calls_per_day=1600, handle={"distribution": "exponential", "mean_seconds": 300}, agents=22,
                          patience={"distribution": "exponential", "mean_seconds": 600}, close="12:00", seed=3)
    lever = {"after_seconds": 30.0, "per_minute": 1.0, **extra}
    if seats is not None:
        lever["seats"] = seats
    d["levers"] = {"outsourced_overflow": lever}
    return d


def _most_at_once(start: np.ndarray, end: np.ndarray) -> int:
    events = sorted([(t, 1) for t in start] + [(t, -1) for t in end], key=lambda e: (e[0], e[1]))
    now = top = 0
    for _, step in events:
        now += step
        top = max(top, now)
    return top


@pytest.mark.parametrize("seats", [1, 3])
def test_the_vendor_never_holds_more_calls_than_its_seats(seats: int) -> None:
    rec, _ = run_one(_busy(seats))
    v = rec.outcome == OUTSOURCED
    assert v.sum() > 10, "the case should send calls to the vendor"
    most = _most_at_once(rec.answer_s[v], rec.answer_s[v] + rec.handle_s[v])
    assert most == seats, f"{most} calls at once with a vendor of {seats} seat(s)"
    # A call waits past the threshold for a free vendor seat: some wait longer than 30 s before going.
    assert np.nanmax(rec.wait_s[v]) > 30.0 + 1e-9


def test_a_capacity_the_vendor_never_reaches_changes_nothing() -> None:
    free, _ = run_one(_busy(None))
    big, _ = run_one(_busy(10_000))
    assert np.array_equal(free.outcome, big.outcome)
    assert np.allclose(np.nan_to_num(free.wait_s), np.nan_to_num(big.wait_s))


def test_seat_month_price_by_hand() -> None:
    # 4 seats x 6,000 per seat-month, 1 day of 21 working days: 24,000 / 21, plus minutes x 1.0.
    res = simulate(parse_scenario(_busy(4, per_seat_month=6000.0)), replications=1, workers=1)
    usage = float(res.volumes["vendor_minutes"].iloc[0]) * 1.0
    assert float(res.costs["outsourcing"].iloc[0]) == pytest.approx(usage + 4 * 6000.0 / 21)


def test_seat_price_needs_seats() -> None:
    from simulator.core.errors import ScenarioError

    with pytest.raises(ScenarioError, match="levers.outsourced_overflow.seats must be a number of vendor seats"):
        parse_scenario(_busy(None, per_seat_month=6000.0))
