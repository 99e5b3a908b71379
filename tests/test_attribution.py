"""Shapley attribution: efficiency, symmetry, order independence, and a simulated combined case."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from simulator.studies.attribution import attribute, changed_players, coalition_scenario, shapley_values
from simulator.studies.compare import compare
from simulator.model.scenario import parse_scenario

from test_compare import IVR, VOIP, small_base, with_levers


def _game(weights: dict[str, float], interaction: float = 0.0):
    def v(s: frozenset[str]) -> np.ndarray:
        x = sum(weights[p] for p in s)
        if {"a", "b"} <= s:
            x += interaction
        return np.array([x, x + 1.0 * len(s)])
    return v


def test_additive_game_gives_each_player_its_own_value() -> None:
    phi, method, _ = shapley_values(["a", "b", "c"], _game({"a": 10, "b": 5, "c": -2}))
    assert phi["a"].tolist() == pytest.approx([10, 11])
    assert phi["c"].tolist() == pytest.approx([-2, -1])
    assert "exact" in method


def test_interaction_is_split_equally_and_values_add_up() -> None:
    v = _game({"a": 10, "b": 5, "c": 1}, interaction=6)
    phi, _, _ = shapley_values(["a", "b", "c"], v)
    assert phi["a"][0] == pytest.approx(13) and phi["b"][0] == pytest.approx(8) and phi["c"][0] == pytest.approx(1)
    total = sum(p for p in phi.values())
    assert total.tolist() == pytest.approx(v(frozenset("abc")).tolist())


def test_order_of_levers_does_not_matter() -> None:
    v = _game({"a": 3, "b": 7, "c": 2}, interaction=-4)
    one, _, _ = shapley_values(["a", "b", "c"], v)
    two, _, _ = shapley_values(["c", "b", "a"], v)
    for p in "abc":
        assert one[p].tolist() == pytest.approx(two[p].tolist())


def test_permutation_sampling_is_exact_on_an_additive_game() -> None:
    players = [f"p{i}" for i in range(8)]
    w = {p: float(i) for i, p in enumerate(players)}
    phi, method, evaluated = shapley_values(players, lambda s: np.array([sum(w[p] for p in s)]), exact_max=5, max_coalitions=40)
    assert "permutation" in method and evaluated <= 2 + 40
    for p in players:
        assert phi[p][0] == pytest.approx(w[p])


def test_changed_players_and_coalitions() -> None:
    base = parse_scenario(small_base())
    combo = parse_scenario(with_levers(small_base(), "combo", {**IVR, **VOIP}))
    assert changed_players(base, combo) == ["ivr", "voip"]
    only_voip = coalition_scenario(base, combo, ["voip"])
    assert only_voip.levers.voip is not None and only_voip.levers.ivr is None
    moved = copy.deepcopy(small_base())
    moved["agents"]["groups"][0]["staffing"] = 20
    assert changed_players(base, parse_scenario(moved)) == ["agents"]


def test_attribution_of_a_combined_scenario() -> None:
    base = parse_scenario(small_base())
    combo = parse_scenario(with_levers(small_base(), "combo", {**IVR, **VOIP}))
    voip = parse_scenario(with_levers(small_base(), "voip", VOIP))
    df, meta = attribute(base, combo, replications=3, days=1, workers=1, full_saving_month=1000.0)
    assert df["lever"].tolist() == ["ivr", "voip", "residual"]
    assert meta["coalitions_simulated"] == 4
    levers = df[df["lever"] != "residual"]
    assert levers["contribution_month"].sum() + df.iloc[-1]["contribution_month"] == pytest.approx(1000.0)
    # VoIP changes rates only; its saving depends a little on the minutes the IVR lever changes
    # (half of that interaction goes to each lever), so it is close to its saving alone.
    comp = compare(base, [voip, combo], replications=3, workers=1)
    assert comp.attribution is not None and set(comp.attribution["scenario"]) == {"combo"}
    voip_alone = comp.finance.set_index("scenario").loc["voip", "savings_month"]
    contrib = comp.attribution.set_index("lever").loc["voip", "contribution_month"]
    assert contrib == pytest.approx(voip_alone, rel=0.15), (contrib, voip_alone)
    js = comp.to_json_dict()["attribution"]["combo"]
    assert set(js["levers"]) == {"ivr", "voip", "residual"}
