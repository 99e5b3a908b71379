"""``ccsim run`` end to end: the --json contract of SPEC.md, the table output, no report folder."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from conftest import BASELINE, minimal_dict, write_yaml
from simulator.cli import app
from simulator.analysis.costs import COST_COMPONENTS

SPEC_KPIS = (
    "contacts", "calls_offered", "calls_answered", "calls_abandoned", "ivr_contained", "self_service_resolved",
    "callbacks_accepted", "repeat_contacts", "service_level", "asa_seconds", "abandonment_rate", "occupancy",
    "aht_seconds", "total_cost", "cost_per_call", "cost_per_contact", "cost_per_resolved_contact",
)

runner = CliRunner()


@pytest.fixture
def scenario_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a stray report folder would land here
    data = minimal_dict(name="CLI test center", arrivals={"calls_per_day": 400, "profile": "flat"})
    data["contact_types"][0]["fcr"] = 0.8
    data["levers"] = {"ivr": {"containment": 0.1}}
    return write_yaml(tmp_path / "scenario.yaml", data)


def _run(*args):
    return runner.invoke(app, ["run", *map(str, args)])


def test_json_output_is_one_object_with_every_kpi(scenario_file, tmp_path):
    res = _run(scenario_file, "--json", "-r", 2, "--workers", 1, "--no-report")
    assert res.exit_code == 0, res.output
    out = res.stdout.strip()
    assert out.count("\n") == 0, "exactly one line: one JSON object"
    obj = json.loads(out)
    assert set(obj) == {"scenario", "replications", "metrics", "cost_breakdown"}
    assert obj["scenario"] == "CLI test center"
    assert obj["replications"] == 2
    missing = [k for k in SPEC_KPIS if k not in obj["metrics"]]
    assert not missing, f"KPIs of SPEC.md missing from --json: {missing}"
    for name, m in obj["metrics"].items():
        assert set(m) == {"mean", "ci95"}, name
        assert len(m["ci95"]) == 2, name
        if m["mean"] is not None and m["ci95"][0] is not None:
            assert m["ci95"][0] <= m["mean"] + 1e-9 <= m["ci95"][1] + 2e-9, (name, m)
    for k in ("contacts", "calls_offered", "calls_answered", "total_cost", "cost_per_call"):
        assert obj["metrics"][k]["mean"] > 0, k
    assert 0 <= obj["metrics"]["service_level"]["mean"] <= 1
    assert obj["metrics"]["repeat_contacts"]["mean"] > 0 and obj["metrics"]["ivr_contained"]["mean"] > 0
    assert set(COST_COMPONENTS) <= set(obj["cost_breakdown"])
    total = sum(obj["cost_breakdown"][c] for c in COST_COMPONENTS)
    assert total == pytest.approx(obj["metrics"]["total_cost"]["mean"], rel=1e-9)
    assert obj["metrics"]["cost_per_call"]["mean"] == pytest.approx(
        obj["metrics"]["total_cost"]["mean"] / obj["metrics"]["calls_answered"]["mean"], rel=0.05)
    assert not (tmp_path / "reports").exists(), "--no-report writes nothing"
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.yaml"]


def test_json_has_no_nan_and_progress_stays_off_stdout(scenario_file):
    res = _run(scenario_file, "--json", "-r", 1, "--workers", 1, "--no-report")
    assert res.exit_code == 0, res.output
    assert "NaN" not in res.stdout and "Infinity" not in res.stdout
    obj = json.loads(res.stdout)
    # one replication: means, but no interval
    assert obj["metrics"]["contacts"]["ci95"] == [None, None]
    assert not any(isinstance(v, float) and math.isnan(v) for v in obj["cost_breakdown"].values())


def test_seed_and_replications_options_are_honoured(scenario_file):
    a = json.loads(_run(scenario_file, "--json", "-r", 3, "-s", 9, "--workers", 1, "--no-report").stdout)
    b = json.loads(_run(scenario_file, "--json", "--replications", 3, "--seed", 9, "--workers", 1, "--no-report").stdout)
    c = json.loads(_run(scenario_file, "--json", "-r", 3, "-s", 10, "--workers", 1, "--no-report").stdout)
    assert a == b and a["replications"] == 3
    assert a["metrics"] != c["metrics"]


def test_table_output(scenario_file, tmp_path):
    res = _run(scenario_file, "-r", 2, "--workers", 1, "--no-report")
    assert res.exit_code == 0, res.output
    text = res.stdout
    assert "CLI test center" in text
    from simulator.output.labels import kpi_label

    for k in ("service_level", "cost_per_call", "total_cost", "agent_labor", "telephony"):
        assert kpi_label(k) in text and k not in text, k  # the report's words, not the identifiers
    assert "95% CI" in text and "%" in text and "USD" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    assert not (tmp_path / "reports").exists()


def test_baseline_runs_end_to_end_in_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = _run(BASELINE, "--json", "-r", 2, "--workers", 2, "--no-report")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    m = obj["metrics"]
    assert obj["scenario"] == "Acme support baseline"
    # a realistic baseline: 80/20-ish service, a few % abandonment, cost per call in a plausible band
    assert 0.5 < m["service_level"]["mean"] <= 1.0
    assert 0.0 <= m["abandonment_rate"]["mean"] < 0.2
    assert 1.0 < m["cost_per_call"]["mean"] < 15.0
    assert not (tmp_path / "reports").exists()
