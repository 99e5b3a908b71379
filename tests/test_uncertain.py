"""Uncertain inputs in scenario files: specs, central values, draws checked like any value, errors."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats
from typer.testing import CliRunner

from simulator.cli import app
from simulator.core.errors import ScenarioError
from simulator.model.oddities import odd_inputs
from simulator.model.scenario import load_scenario
from simulator.model.uncertain import central_values, is_uncertain_spec, parse_spec
from simulator.studies.uncertainty import at_quantiles, check_ranges, latin_hypercube, share_baseline_inputs
from test_compare import IVR, small_base, with_levers


def write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_triangle_is_the_experts_range_and_mode():
    spec = parse_spec("x", {"low": 2, "mode": 3, "high": 7})
    assert spec.distribution == "triangular" and spec.central == 3
    u = np.array([0.0, 0.25, 0.5, 0.9, 1.0])
    # Independent formula of the triangular quantile (mode at 1/5 of the range).
    c = (3 - 2) / 5
    expect = np.where(u < c, 2 + np.sqrt(u * 5 * 1), 7 - np.sqrt((1 - u) * 5 * 4))
    assert np.allclose(spec.ppf(u), expect)
    assert spec.ends() == (2.0, 7.0)


@pytest.mark.parametrize("value, central", [
    ({"distribution": "uniform", "low": 1, "high": 3}, 2.0),
    ({"distribution": "pert", "low": 1, "mode": 1.5, "high": 4}, 1.5),
    ({"distribution": "normal", "mean": 10, "sd": 2}, 10.0),
    ({"distribution": "normal", "mean": 10, "sd": 2, "low": 9}, 10.0),
    ({"distribution": "lognormal", "median": 5, "sigma": 0.2}, 5.0),
])
def test_every_distribution_has_its_central_value_and_stays_in_its_bounds(value, central):
    spec = parse_spec("x", value)
    assert spec.central == pytest.approx(central)
    draws = spec.ppf(np.linspace(0.001, 0.999, 200))
    assert np.all(np.diff(draws) >= 0)
    if "low" in value:
        assert draws.min() >= value["low"]


def test_the_normal_quantiles_are_scipys_and_truncation_keeps_draws_above_low():
    spec = parse_spec("x", {"distribution": "normal", "mean": 10, "sd": 2})
    assert spec.ppf(0.9) == pytest.approx(stats.norm(10, 2).ppf(0.9))
    assert spec.ends() == pytest.approx((stats.norm(10, 2).ppf(0.05), stats.norm(10, 2).ppf(0.95)))
    cut = parse_spec("x", {"distribution": "normal", "mean": 10, "sd": 2, "low": 9})
    assert cut.ppf(0.0) == pytest.approx(9.0) and cut.ppf(0.5) > 10


def test_duration_distributions_and_per_type_maps_are_not_uncertain():
    assert not is_uncertain_spec({"distribution": "lognormal", "mean_seconds": 300, "cv": 0.8})
    assert not is_uncertain_spec({"distribution": "exponential", "mean_seconds": 30})
    assert not is_uncertain_spec({"billing": 0.3, "tech": 0.1})
    assert is_uncertain_spec({"low": 1, "mode": 2, "high": 3})
    assert is_uncertain_spec({"distribution": "lognormal", "median": 3, "sigma": 0.1})


def test_central_values_replace_specs_and_record_their_paths():
    data = small_base()
    data["costs"]["agent_hourly_wage"] = {"low": 18, "mode": 20, "high": 24}
    data["contact_types"][0]["handle_time"]["mean_seconds"] = {"distribution": "uniform", "low": 200, "high": 280}
    out, found = central_values(data)
    assert out["costs"]["agent_hourly_wage"] == 20 and isinstance(out["costs"]["agent_hourly_wage"], int)
    assert out["contact_types"][0]["handle_time"] == {"distribution": "exponential", "mean_seconds": 240.0}
    assert list(found) == ["contact_types.0.handle_time.mean_seconds", "costs.agent_hourly_wage"]
    assert data["costs"]["agent_hourly_wage"] == {"low": 18, "mode": 20, "high": 24}, "the input is not changed"


def test_a_file_with_ranges_loads_at_its_central_values_and_says_so(tmp_path):
    data = with_levers(small_base(), "ivr", copy.deepcopy(IVR))
    data["levers"]["ivr"]["containment"] = {"billing": {"low": 0.1, "mode": 0.3, "high": 0.4}}
    sc = load_scenario(write(tmp_path, "ivr.yaml", data))
    assert sc.levers.ivr.containment == {"billing": 0.3}
    assert list(sc.uncertain) == ["levers.ivr.containment.billing"]
    assert any("levers.ivr.containment.billing" in o.line() and "central value" in o.line() for o in odd_inputs(sc))
    drawn = at_quantiles(sc, {"levers.ivr.containment.billing": 1.0})
    assert drawn.levers.ivr.containment == {"billing": 0.4} and drawn.uncertain == {}
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "ivr.yaml")])
    assert result.exit_code == 0 and "central value" in result.stdout


def test_a_lever_file_inherits_the_baselines_ranges_unless_it_sets_its_own(tmp_path):
    base = small_base()
    base["costs"]["agent_hourly_wage"] = {"low": 18, "mode": 20, "high": 24}
    write(tmp_path, "base.yaml", base)
    write(tmp_path, "same.yaml", {"extends": "plain.yaml", "name": "same"})
    write(tmp_path, "plain.yaml", small_base())
    own = small_base(name="own")
    own["costs"]["agent_hourly_wage"] = 22
    write(tmp_path, "own.yaml", own)
    b = load_scenario(tmp_path / "base.yaml")
    same, mine = share_baseline_inputs(b, [load_scenario(tmp_path / "same.yaml"), load_scenario(tmp_path / "own.yaml")])
    assert list(same.uncertain) == ["costs.agent_hourly_wage"]
    assert mine.uncertain == {}


def test_latin_hypercube_puts_one_draw_in_each_stratum_and_is_seeded():
    u = latin_hypercube(10, 3, seed=5)
    for col in u.T:
        assert sorted(np.floor(col * 10).astype(int)) == list(range(10))
    assert np.array_equal(u, latin_hypercube(10, 3, seed=5))
    assert not np.array_equal(u, latin_hypercube(10, 3, seed=6))


@pytest.mark.parametrize("spec, expected", [
    ({"low": 22, "mode": 20, "high": 24}, "costs.agent_hourly_wage must be an uncertain number with low <= mode <= high"),
    ({"low": 18, "high": 24}, "costs.agent_hourly_wage must be a triangular uncertain number with low, mode, high (missing mode)"),
    ({"distribution": "beta", "low": 1, "high": 2}, "costs.agent_hourly_wage.distribution must be one of uniform, triangular"),
    ({"distribution": "normal", "mean": 20, "sd": -1}, "costs.agent_hourly_wage.sd must be a number >= 0 (got -1)"),
    ({"distribution": "normal", "mean": 20, "sigma": 1}, "costs.agent_hourly_wage.sigma must be not given for a normal"),
    ({"low": 18, "mode": float("inf"), "high": 24}, "costs.agent_hourly_wage.mode must be a finite number"),
    ({"low": 18, "mode": "20", "high": 24}, "costs.agent_hourly_wage.mode must be a finite number (got '20')"),
])
def test_a_bad_spec_is_one_line_naming_the_field_and_exit_2(tmp_path, spec, expected):
    data = small_base()
    data["costs"]["agent_hourly_wage"] = spec
    path = write(tmp_path, "bad.yaml", data)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value).startswith(expected)
    for command in (["validate", str(path)], ["study", str(path), str(path), "-n", "2"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output


def test_a_range_its_field_cannot_take_fails_before_any_simulation(tmp_path):
    data = with_levers(small_base(), "ivr", copy.deepcopy(IVR))
    data["levers"]["ivr"]["containment"] = {"billing": {"low": 0.2, "mode": 0.5, "high": 1.3}}
    path = write(tmp_path, "wide.yaml", data)
    sc = load_scenario(path)  # the central value 0.5 is fine
    with pytest.raises(ScenarioError, match=r"^levers\.ivr\.containment\.billing must be less than or equal to 1; the high end"):
        check_ranges([sc])
    result = CliRunner().invoke(app, ["study", str(write(tmp_path, "base.yaml", small_base())), str(path), "-n", "2"])
    assert result.exit_code == 2 and "levers.ivr.containment.billing" in result.stderr


def test_the_key_uncertain_is_not_a_scenario_field(tmp_path):
    path = write(tmp_path, "odd.yaml", {**small_base(), "uncertain": {"costs.agent_hourly_wage": 1}})
    with pytest.raises(ScenarioError, match="^uncertain must be a known field"):
        load_scenario(path)
