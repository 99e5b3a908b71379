"""Lever words: every lever of the scenario model has a label and a phrase, and the phrases read as before."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from conftest import minimal_dict

from simulator.model.scenario import Levers, parse_scenario
from simulator.output.labels import describe_levers, lever_label, lever_phrase


@pytest.mark.parametrize("name", list(Levers.model_fields))
def test_every_lever_has_a_label_and_a_phrase(name: str) -> None:
    settings = get_args(Levers.model_fields[name].annotation)[0]()  # the lever's settings, all defaults
    assert lever_label(name) and "_" not in lever_label(name)
    assert lever_phrase(name, settings, currency="USD") != name.replace("_", " "), f"{name} has no phrase of its own"


def test_labels_of_other_changes() -> None:
    assert [lever_label(n) for n in ("ivr", "agents", "costs", "residual", "new_thing")] == \
        ["IVR", "agent groups", "cost inputs", "residual", "new thing"]


def test_phrases_of_a_scenario_and_of_its_changes() -> None:
    base = parse_scenario(minimal_dict(levers={"ivr": {"containment": {"general": 0.3}}}))
    lever = parse_scenario(minimal_dict(name="both", levers={"ivr": {"containment": {"general": 0.3}},
                                                              "voip": {"inbound_per_minute": 0.0085},
                                                              "fcr": {"uplift": 0.05}}))
    assert describe_levers(base) == ["IVR containment of general 30%"]
    assert describe_levers(lever, base) == ["first-contact resolution up 5 points", "VoIP telephony at $0.0085/min"]
    cb = parse_scenario(minimal_dict(levers={"callback": {"threshold_seconds": 45, "acceptance": 0.4}})).levers.callback
    assert lever_phrase("callback", cb, currency="USD") == "callbacks offered after 45 s (40% accept)"


def test_routing_and_shift_changes_are_described_in_words():
    from simulator.model.scenario import load_scenario
    from simulator.output.labels import describe_levers

    root = Path(__file__).resolve().parents[1] / "scenarios"
    base = load_scenario(root / "baseline.yaml")
    assert describe_levers(load_scenario(root / "routing-pooled.yaml"), base) == [
        "one pool of cross-trained agents taking every contact type"]
    assert describe_levers(load_scenario(root / "routing-dedicated.yaml"), base) == ["dedicated teams, no overflow between them"]
    assert "rostered into shifts" in describe_levers(load_scenario(root / "shifts.yaml"), base)[0]
    assert describe_levers(base, base) == []
