"""The one formatting module: money, shares, numbers, KPIs and intervals, for the report and the console."""

from __future__ import annotations

import math

import pytest

from simulator.output.fmt import (
    MISSING,
    TEXT_MISSING,
    ci_text,
    compact_money,
    kpi_kind,
    kpi_text,
    kpi_value,
    money,
    money_in_scale,
    number,
    pct,
    points,
)


@pytest.mark.parametrize(("x", "currency", "digits", "text"), [
    (4.625, "USD", None, "$4.62"),
    (1234.0, "USD", None, "$1,234"),
    (-12.0, "CHF", None, "−12.00 CHF"),
    (0.0085, "EUR", 4, "€0.0085"),
    (math.nan, "USD", None, MISSING),
    (math.inf, "USD", None, MISSING),
    (None, "USD", None, MISSING),
])
def test_money(x: float | None, currency: str, digits: int | None, text: str) -> None:
    assert money(x, currency, digits) == text


def test_shares_points_and_numbers() -> None:
    assert pct(0.8) == "80.0%" and pct(0.8, 0) == "80%" and pct(math.nan) == MISSING
    assert pct(None, missing=TEXT_MISSING) == "-"
    assert points(0.012) == "+1.2 pts" and points(-0.012, unit="pt") == "-1.2 pt"
    assert number(1234.56) == "1,234.6" and number(1234.56, 0, signed=True) == "+1,235"
    assert number(math.nan, missing=TEXT_MISSING) == "-"


@pytest.mark.parametrize(("x", "text"), [(2.5e7, "25.0M"), (-42_000.0, "-42k"), (950.0, "950"), (4.619, "4.62")])
def test_compact_money(x: float, text: str) -> None:
    assert compact_money(x) == text


def test_money_in_scale_matches_the_largest_figure() -> None:
    assert [money_in_scale(x, 1_256_794) for x in (1_256_794, 42_000, 7_917)] == ["1,257k", "42k", "7.9k"]
    assert money_in_scale(3_500_000, 2e7) == "3.5M" and money_in_scale(12.5, 50) == "12.50"


@pytest.mark.parametrize(("kpi", "kind"), [
    ("service_level", "percent"), ("abandonment_rate", "percent"), ("share_cheaper", "percent"), ("cost_per_call", "money"),
    ("agent_labor", "money"), ("asa_seconds", "seconds"), ("staffed_agent_hours", "hours"), ("calls_answered", "count"),
])
def test_kpi_kind(kpi: str, kind: str) -> None:
    assert kpi_kind(kpi) == kind


def test_kpi_in_the_report_and_on_the_console() -> None:
    assert [kpi_value(k, x, "USD") for k, x in (("service_level", 0.8), ("cost_per_call", 4.5), ("asa_seconds", 12.34),
                                                 ("staffed_agent_hours", 1234.4), ("calls_answered", 5678.2))] == \
        ["80.0%", "$4.50", "12.3 s", "1,234 h", "5,678"]
    assert kpi_text("cost_per_call", 4.5, "USD") == "USD 4.50" and kpi_text("total_cost", -100.0, signed=True) == "-100.00"
    assert kpi_text("service_level", 0.8) == "80.0%" and kpi_text("service_level", 0.012, signed=True) == "+1.2 pt"
    assert kpi_text("asa_seconds", 3.0, signed=True) == "+3.0 s" and kpi_text("contacts", math.nan) == TEXT_MISSING


def test_ci_text() -> None:
    assert ci_text(0.7, 0.9, pct) == "70.0% to 90.0%"
    assert ci_text(math.nan, 0.9, pct) == ""
    assert ci_text(math.nan, 0.9, lambda x: number(x, missing=TEXT_MISSING), " .. ", None) == "- .. 0.9"
