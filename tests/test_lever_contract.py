"""The contract every registered lever passes (the levers' ``check_estimator``).

For each lever in the registry: its neutral settings reproduce the scenario without it exactly
(records and costs); pulled with its example settings it leaves the customer needs alone
(common random numbers: the same needs, of the same types, at the same times); its monthly fee
lands in its own cost component and its investment is kept apart; it has a label, a phrase and a
documented field for every setting; a shipped scenario file pulls it. A new lever module is
covered by these tests as soon as it is in the registry.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import minimal_dict, run_one
from simulator.analysis.costs import COST_COMPONENTS, horizon_days, replication_costs
from simulator.levers import LEVERS
from simulator.model.build import build_plan, cost_inputs
from simulator.model.scenario import Scenario, parse_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RECORD_COLUMNS = ("need", "kind", "ctype", "priority", "arrival_s", "ivr_s", "queue_s", "answer_s", "wait_s",
                  "handle_s", "outcome", "resolved", "group", "outbound_s", "busy_s", "callback", "attempts")


def contract_dict(**levers: dict) -> dict:
    """A small center with every flow a lever can touch: repeats, abandonment, a flat day."""
    data = minimal_dict(levers=levers)
    data["arrivals"]["calls_per_day"] = 160
    data["contact_types"][0]["fcr"] = 0.8
    data["costs"].update(licence_per_agent_month=100.0, facility_per_seat_month=300.0, overhead_monthly=1000.0)
    data["costs"]["telephony"].update(outbound_per_minute=0.02, line_per_seat_month=10.0, pbx_monthly=500.0)
    return data


def contract_scenario(**levers: dict) -> Scenario:
    return parse_scenario(contract_dict(**levers))


class _Fmt:
    """The two formatters a phrase borrows (the output layer lends its own)."""

    def pct(self, x: float, digits: int = 1) -> str:
        return f"{100 * x:.{digits}f}%"

    def money(self, x: float, digits: int | None = None) -> str:
        return f"${x:,.{2 if digits is None else digits}f}"


def _records_equal(a, b) -> list[str]:
    out = []
    if len(a) != len(b):
        return [f"rows {len(a)} != {len(b)}"]
    for col in RECORD_COLUMNS:
        x, y = getattr(a, col), getattr(b, col)
        if not np.array_equal(x, y, equal_nan=np.issubdtype(np.asarray(x).dtype, np.floating)):
            out.append(col)
    return out


WITH_NEUTRAL = [k for k, lever in LEVERS.items() if lever.neutral(contract_scenario()) is not None]
WITHOUT_NEUTRAL = [k for k in LEVERS if k not in WITH_NEUTRAL]


@pytest.mark.parametrize("key", WITH_NEUTRAL)
def test_neutral_settings_reproduce_the_scenario_without_the_lever(key: str) -> None:
    base = contract_scenario()
    pulled = contract_scenario(**{key: LEVERS[key].neutral(base)})
    rec_base, plan_base = run_one(base)
    rec_pulled, plan_pulled = run_one(pulled)
    assert rec_base.n_needs > 100, "the test center must have enough needs to show a difference"
    assert not _records_equal(rec_base, rec_pulled), f"{key}: columns differ: {_records_equal(rec_base, rec_pulled)}"
    assert np.array_equal(plan_base.staffing, plan_pulled.staffing)
    cost_base = replication_costs(rec_base, plan_base, cost_inputs(base))
    cost_pulled = replication_costs(rec_pulled, plan_pulled, cost_inputs(pulled))
    assert cost_base == cost_pulled, f"{key}: neutral costs differ"


@pytest.mark.parametrize("key", WITHOUT_NEUTRAL)
def test_a_lever_without_neutral_settings_says_why(key: str) -> None:
    doc = type(LEVERS[key]).neutral.__doc__ or ""
    assert doc.startswith("None:") and len(doc) > 20, f"{key}: neutral() must say why no setting is neutral"


@pytest.mark.parametrize("key", list(LEVERS))
def test_pulled_lever_changes_something_but_keeps_the_needs(key: str) -> None:
    base = contract_scenario()
    pulled = contract_scenario(**{key: LEVERS[key].example})
    rec_base, plan_base = run_one(base)
    rec_pulled, plan_pulled = run_one(pulled)
    cost_base = replication_costs(rec_base, plan_base, cost_inputs(base))
    cost_pulled = replication_costs(rec_pulled, plan_pulled, cost_inputs(pulled))
    changed = _records_equal(rec_base, rec_pulled) or not np.array_equal(plan_base.staffing, plan_pulled.staffing) \
        or cost_base != cost_pulled
    if key == "scheduling":  # flat day: shaping has nothing to do; check it on a peaked day instead
        peaked = contract_dict(scheduling={})
        peaked["arrivals"]["profile"] = [1, 3, 2, 1]
        changed = not np.array_equal(build_plan(parse_scenario(peaked)).staffing,
                                     build_plan(parse_scenario({**peaked, "levers": {}})).staffing)
    assert changed, f"{key}: its example settings {LEVERS[key].example} change nothing"
    # Common random numbers: the same needs, of the same contact types, whatever the lever does.
    assert rec_base.n_needs == rec_pulled.n_needs
    first_type = lambda rec: dict(zip(rec.need.tolist(), rec.ctype.tolist()))  # noqa: E731
    a, b = first_type(rec_base), first_type(rec_pulled)
    assert all(a[n] == b[n] for n in a.keys() & b.keys()), f"{key}: needs changed contact type"


@pytest.mark.parametrize("key", list(LEVERS))
def test_fee_lands_in_its_component_and_investment_is_kept_apart(key: str) -> None:
    lever = LEVERS[key]
    plain = contract_scenario(**{key: lever.example})
    fee = contract_scenario(**{key: {**lever.example, "monthly_fee": 3000.0, "investment": 50000.0}})
    rec, plan = run_one(plain)
    a = replication_costs(rec, plan, cost_inputs(plain))
    b = replication_costs(rec, plan, cost_inputs(fee))
    months = horizon_days(plan) / plain.costs.working_days_per_month
    for comp in COST_COMPONENTS:
        expected = 3000.0 * months if comp == lever.fee_component else 0.0
        assert b[comp] - a[comp] == pytest.approx(expected, abs=1e-9), f"{key}: {comp} moved by {b[comp] - a[comp]}"
    assert cost_inputs(fee).investment - cost_inputs(plain).investment == pytest.approx(50000.0)


def _attribute_docstrings(model: type) -> dict[str, str]:
    """The string right after each annotated attribute in the class bodies of ``model`` and its bases."""
    docs: dict[str, str] = {}
    for cls in reversed([c for c in model.__mro__ if c.__module__.startswith("simulator.")]):
        body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body  # type: ignore[attr-defined]
        for stmt, nxt in zip(body, body[1:]):
            if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and isinstance(nxt, ast.Expr)
                    and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str)):
                docs[stmt.target.id] = nxt.value.value.strip()
    return docs


@pytest.mark.parametrize("key", list(LEVERS))
def test_label_phrase_and_documented_fields(key: str) -> None:
    lever = LEVERS[key]
    assert lever.label and lever.label == lever.label.strip()
    settings = lever.settings.model_validate(lever.example)
    phrase = lever.phrase(settings, _Fmt())
    assert phrase and "None" not in phrase, f"{key}: phrase {phrase!r}"
    docs = _attribute_docstrings(lever.settings)
    for name in lever.settings.model_fields:
        assert len(docs.get(name, "")) > 15, f"{key}.{name} has no docstring (unit, default, source)"
    assert lever.fee_component in COST_COMPONENTS


@pytest.mark.parametrize("key", list(LEVERS))
def test_a_shipped_scenario_pulls_it(key: str) -> None:
    pulling = [p.name for p in SCENARIOS.glob("*.yaml") if p.name != "all-levers.yaml"
               and key in ((yaml.safe_load(p.read_text()) or {}).get("levers") or {})]
    assert pulling, f"no scenario file in scenarios/ pulls the {key} lever"
