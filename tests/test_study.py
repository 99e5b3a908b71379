"""ccsim study: the outer loop over uncertain inputs, its spread, tornado and report."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.model.scenario import load_scenario, parse_scenario
from simulator.studies import finance
from simulator.studies.compare import compare
from simulator.studies.sensitivity import tornado
from simulator.studies.uncertainty import Runs, decompose, lever_finance, run_study
from test_compare import IVR, small_base, with_levers

FAST = Runs(replications=2, workers=1)


def files(tmp_path: Path, containment: object, wage: object = 20, **ivr: object) -> tuple[Path, Path]:
    """A tiny baseline (wage possibly a range) and an IVR file extending it (containment possibly a range)."""
    base = small_base()
    base["costs"]["agent_hourly_wage"] = wage
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    lever = {"extends": "base.yaml", "name": "ivr",
             "levers": {"ivr": {**copy.deepcopy(IVR["ivr"]), "containment": {"billing": containment}, **ivr}}}
    (tmp_path / "ivr.yaml").write_text(yaml.safe_dump(lever), encoding="utf-8")
    return tmp_path / "base.yaml", tmp_path / "ivr.yaml"


def test_lever_finance_is_the_finance_modules_arithmetic():
    out = lever_finance(2000.0, 30000.0, 0.08)
    flows = np.full(36, 2000.0)
    assert out["payback_month"] == 15
    assert out["roi_3y"] == pytest.approx((72000 - 30000) / 30000)
    r = 1.08 ** (1 / 12) - 1
    assert out["npv_3y"] == pytest.approx(-30000 + sum(2000 / (1 + r) ** m for m in range(1, 37)))
    assert lever_finance(-5.0, 1000.0, 0.08)["payback_month"] == math.inf
    assert finance.payback_month(flows, 30000.0) == 15


def test_zero_width_input_gives_the_deterministic_result_exactly(tmp_path):
    base, lever = files(tmp_path, {"low": 0.3, "mode": 0.3, "high": 0.3})
    study = run_study(load_scenario(base), [load_scenario(lever)], draws=3, runs=FAST)
    plain = compare(parse_scenario(small_base()), [parse_scenario(with_levers(small_base(), "ivr", IVR))],
                    hold="staffing", replications=2, seed=3, workers=1, attribution=False)
    want = plain.finance.iloc[0]
    assert (study.draws["saving_month"] == want["savings_month"]).all()
    assert (study.draws["npv_3y"] == want["npv_3y"]).all()
    s = study.summary.set_index("metric")
    assert s.loc["saving_month", "p10"] == s.loc["saving_month", "p90"] == want["savings_month"]
    assert s.loc["roi_3y", "p50"] == pytest.approx(want["roi_3y"])  # the same formula, one draw's mean
    spread = study.spread.iloc[0]
    assert spread["input_variance"] == 0.0 and spread["dominant"] == "simulation noise"


def test_widening_a_range_widens_the_p10_p90_of_the_saving(tmp_path):
    def width(lo: float, hi: float) -> float:
        folder = tmp_path / f"w{lo}"
        folder.mkdir()
        base, lever = files(folder, {"low": lo, "mode": 0.3, "high": hi})
        s = run_study(load_scenario(base), [load_scenario(lever)], draws=6, runs=FAST).summary.set_index("metric")
        return s.loc["saving_month", "p90"] - s.loc["saving_month", "p10"]

    narrow, wide = width(0.28, 0.32), width(0.05, 0.6)
    assert wide > 3 * narrow > 0


def test_the_spread_says_the_inputs_dominate_when_they_do():
    rng = np.random.default_rng(1)
    means = rng.normal(0, 100, 40)  # inputs move the mean by ~100
    out = decompose(means, np.full(40, 25.0), replications=4)  # noise variance of a mean 25/4
    assert out["noise_variance"] == pytest.approx(6.25)
    assert out["input_variance"] == pytest.approx(np.var(means, ddof=1) - 6.25)
    assert out["dominant"] == "inputs"
    assert decompose(rng.normal(0, 1, 40), np.full(40, 400.0), 4)["dominant"] == "simulation noise"


def test_the_tornado_ranks_a_dominant_input_first(tmp_path):
    # monthly_fee moves the saving by 20,000 a month; containment and the wage by far less.
    base, lever = files(tmp_path, {"low": 0.2, "mode": 0.3, "high": 0.4}, wage={"low": 19, "mode": 20, "high": 21},
                        monthly_fee={"low": 0, "mode": 1000, "high": 20000})
    t = tornado(load_scenario(base), [load_scenario(lever)], FAST)
    assert t["input"].iloc[0] == "levers.ivr.monthly_fee"
    top = t.iloc[0]
    assert top["saving_low"] - top["saving_high"] == pytest.approx(20000, rel=1e-6)  # the fee, nothing else moved
    assert list(t["swing"]) == sorted(t["swing"], reverse=True) and len(t) == 3


def test_latin_hypercube_runs_are_reproducible_and_do_not_depend_on_workers(tmp_path):
    base, lever = files(tmp_path, {"low": 0.1, "mode": 0.3, "high": 0.4}, wage={"low": 18, "mode": 20, "high": 24})
    b, sc = load_scenario(base), load_scenario(lever)
    one = run_study(b, [sc], draws=3, runs=FAST).draws
    again = run_study(b, [sc], draws=3, runs=FAST).draws
    two = run_study(b, [sc], draws=3, runs=Runs(replications=2, workers=2)).draws
    pd.testing.assert_frame_equal(one, again)
    pd.testing.assert_frame_equal(one, two)
    other = run_study(b, [sc], draws=3, runs=Runs(replications=2, workers=1, seed=99)).draws
    assert not np.allclose(one["costs.agent_hourly_wage"], other["costs.agent_hourly_wage"])
    # The baseline's range is the lever's too: the wage draw is the same in both (saving = lever effect).
    assert one["costs.agent_hourly_wage"].nunique() == 3


def test_study_command_writes_the_table_the_report_and_the_draws(tmp_path):
    base, lever = files(tmp_path, {"low": 0.1, "mode": 0.3, "high": 0.4}, wage={"low": 18, "mode": 20, "high": 24})
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["study", str(base), str(lever), "-n", "4", "-r", "2", "-w", "1", "--out", str(out)],
                                env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 100 for line in result.stdout.splitlines())
    assert "P10..P90" in result.stdout and "Tornado, ivr:" in result.stdout
    draws = pd.read_csv(out / "draws.csv")
    assert len(draws) == 4 and {"saving_month", "payback_month", "npv_3y", "roi_3y", "costs.agent_hourly_wage"} <= set(draws.columns)
    html = (out / "report.html").read_text(encoding="utf-8")
    summary = html.split('<section class="summary">')[1].split("</section>")[0]
    p50 = np.quantile(draws["saving_month"], 0.5, method="inverted_cdf")
    assert "at P50, P10-P90" in summary.split("<li>")[1], "the summary leads with P50 and the P10-P90 range"
    assert "tornado" in html.lower() and (out / "tornado.csv").exists()
    j = CliRunner().invoke(app, ["study", str(base), str(lever), "-n", "4", "-r", "2", "-w", "1", "--json"])
    data = json.loads(j.stdout)
    assert data["levers"]["ivr"]["saving_month"]["p50"] == pytest.approx(p50)
    assert data["draws"] == 4 and data["hold"] == "staffing"


def test_sobol_without_salib_is_one_line_and_exit_2(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_salib(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if name.startswith("SALib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_salib)
    base, lever = files(tmp_path, {"low": 0.1, "mode": 0.3, "high": 0.4})
    result = CliRunner().invoke(app, ["study", str(base), str(lever), "--sobol", "-n", "2"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --sobol needs SALib, an optional extra: pip install 'ccsim[sensitivity]' (or pip install SALib)"


def test_sobol_indices_put_the_dominant_input_first(tmp_path):
    pytest.importorskip("SALib")
    from simulator.studies.sensitivity import sobol

    base, lever = files(tmp_path, {"low": 0.25, "mode": 0.3, "high": 0.35}, monthly_fee={"low": 0, "mode": 1000, "high": 20000})
    s = sobol(load_scenario(base), [load_scenario(lever)], base_samples=4, runs=FAST).set_index("input")
    assert s.loc["levers.ivr.monthly_fee", "ST"] > 0.8 > s.loc["levers.ivr.containment.billing", "ST"]


def test_hold_service_restaffs_every_draw_so_deflection_saves_labour(tmp_path):
    """With staffing held the IVR only adds fees; re-staffed to the same target it frees agent hours."""
    base, lever = files(tmp_path, {"low": 0.2, "mode": 0.3, "high": 0.4})
    b, sc = load_scenario(base), load_scenario(lever)
    held = run_study(b, [sc], draws=2, runs=FAST).draws["saving_month"]
    restaffed = run_study(b, [sc], draws=2, runs=Runs("service", 2, workers=1)).draws["saving_month"]
    assert (held < 0).all() and (restaffed > 0).all()


def test_a_draw_s_payback_and_npv_follow_the_business_case(tmp_path):
    """The draws' payback and NPV are those of the monthly cash flow: a 6-month adoption ramp moves
    the NPV towards zero by about 2.5 months of saving against the same lever at full effect."""
    base, lever = files(tmp_path, {"low": 0.3, "mode": 0.3, "high": 0.3}, investment=2000.0)
    flat = run_study(load_scenario(base), [load_scenario(lever)], draws=2, runs=FAST)
    data = yaml.safe_load(lever.read_text(encoding="utf-8"))
    data["business_case"] = {"ramp_months": 6}
    lever.write_text(yaml.safe_dump(data), encoding="utf-8")
    ramped = run_study(load_scenario(base), [load_scenario(lever)], draws=2, runs=FAST)
    assert (ramped.draws["saving_month"].to_numpy() == flat.draws["saving_month"].to_numpy()).all()
    saving = flat.draws["saving_month"].to_numpy(float)
    gap = flat.draws["npv_3y"].to_numpy(float) - ramped.draws["npv_3y"].to_numpy(float)
    # the ramp scales the first 5 months' saving (or loss, with staffing held) by 1/6 .. 5/6
    assert (np.abs(gap) > 0.5 * np.abs(saving)).all() and (np.sign(gap) == np.sign(saving)).all(), (gap, saving)
    assert (ramped.draws["payback_month"] >= flat.draws["payback_month"]).all()
