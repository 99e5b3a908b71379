"""Lever words: every lever of the scenario model has a label and a phrase, and the phrases read as before."""

from __future__ import annotations

from typing import get_args

import pytest

from simulator.model.scenario import Levers, parse_scenario
from simulator.output.labels import describe_levers, lever_label, lever_phrase

from conftest import minimal_dict


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
