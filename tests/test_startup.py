"""Start-up: the command line imports the heavy modules only in the commands that need them.

Each check runs in a fresh interpreter (other tests import pandas and scipy into this one) and
reads ``sys.modules`` at exit. Speed itself is measured by benchmarks/bench_startup.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.stats
from conftest import minimal_dict, write_yaml
from scipy.special import stdtrit

import simulator
import simulator.calibrate
from simulator.analysis.stats import mean_ci

ROOT = Path(__file__).resolve().parents[1]
# Never for `import simulator.cli`, `ccsim --help` or `ccsim validate`.
HEAVY = ("scipy", "scipy.stats", "pandas", "matplotlib", "openpyxl", "simpy")
# Written to stderr at exit by the probe: which of the modules below the process imported.
WATCHED = (*HEAVY, "rich.table", "numpy")
PROBE = ("import atexit, sys\n"
         f"atexit.register(lambda: sys.stderr.write('\\nIMPORTED ' + ' '.join(m for m in {WATCHED!r} if m in sys.modules) + '\\n'))\n")


def _run(code: str, *args: str, cwd: Path = ROOT) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Run ``code`` (then ``args`` as sys.argv[1:]) in a fresh interpreter on this tree; the watched
    modules it imported, and the process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    proc = subprocess.run([sys.executable, "-c", PROBE + code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    lines = [line for line in proc.stderr.splitlines() if line.startswith("IMPORTED")]
    assert lines, proc.stderr
    proc.stderr = proc.stderr[: proc.stderr.rindex("\nIMPORTED")]
    return set(lines[-1].split()[1:]), proc


def _ccsim(*args: str, cwd: Path = ROOT) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """``ccsim ARGS`` as the console script runs it."""
    return _run("from simulator.cli import app; app()", *args, cwd=cwd)


def test_importing_the_command_line_imports_no_heavy_module() -> None:
    imported, proc = _run("import simulator.cli")
    assert proc.returncode == 0, proc.stderr
    assert not imported & {*HEAVY, "numpy", "rich.table"}, sorted(imported)


def test_the_probe_sees_heavy_modules_when_they_are_imported() -> None:
    imported, _ = _run("import simulator.cli, simulator.studies.simulate, simulator.output.report, simulator.calibrate.fit")
    assert set(HEAVY) <= imported, sorted(imported)


def test_help_imports_no_heavy_module() -> None:
    imported, proc = _ccsim("--help")
    assert proc.returncode == 0 and "validate" in proc.stdout and "compare" in proc.stdout, proc.stdout
    assert not imported & set(HEAVY), sorted(imported)
    for command in ("run", "compare", "staff", "calibrate"):
        imported, proc = _ccsim(command, "--help")
        assert proc.returncode == 0 and "Usage" in proc.stdout, proc.stdout
        assert not imported & set(HEAVY), (command, sorted(imported))


def test_validate_imports_no_heavy_module() -> None:
    imported, proc = _ccsim("validate", "scenarios/baseline.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "valid - 'Acme support baseline'" in proc.stdout
    assert not imported & set(HEAVY), sorted(imported)


def test_validate_of_a_scenario_with_csv_inputs_imports_no_heavy_module(tmp_path: Path) -> None:
    (tmp_path / "volumes.csv").write_text("interval_start,calls\n08:00,10\n08:30,30\n09:00,40\n09:30,20\n")
    (tmp_path / "aht.csv").write_text("call,seconds\n1,100\n2,200\n3,300\n")
    data = minimal_dict(arrivals={"profile_file": "volumes.csv"})
    data["contact_types"][0]["handle_time"] = {"distribution": "empirical", "samples_file": "aht.csv"}
    write_yaml(tmp_path / "s.yaml", data)
    imported, proc = _ccsim("validate", "s.yaml", cwd=tmp_path)
    assert proc.returncode == 0 and "s.yaml: valid - 'minimal'" in proc.stdout, proc.stderr
    assert not imported & set(HEAVY), sorted(imported)


def test_a_bad_file_is_still_one_line_and_exit_2(tmp_path: Path) -> None:
    write_yaml(tmp_path / "bad.yaml", minimal_dict(horizon={"days": 0, "open": "08:00", "close": "10:00"}))
    imported, proc = _ccsim("validate", "bad.yaml", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "days" in proc.stderr and "Traceback" not in proc.stderr
    imported, proc = _ccsim("run", "bad.yaml", "-r", "0", cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "-r" in proc.stderr, proc.stderr
    assert not imported & set(HEAVY), sorted(imported)


def test_run_without_a_report_imports_neither_charts_nor_workbook(tmp_path: Path) -> None:
    write_yaml(tmp_path / "s.yaml", minimal_dict())
    imported, proc = _ccsim("run", "s.yaml", "-r", "2", "-w", "1", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["scenario"] == "minimal" and out["replications"] == 2
    assert "matplotlib" not in imported and "openpyxl" not in imported, sorted(imported)
    assert not list(tmp_path.glob("reports*")), "no report folder without a report"


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 9, 19, 29, 49, 99, 999, 10**6])
@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_the_student_t_quantile_is_scipy_stats_own(df: int, level: float) -> None:
    q = 0.5 + level / 2
    assert float(stdtrit(df, q)) == float(scipy.stats.t.ppf(q, df))


def test_mean_ci_is_the_student_t_interval() -> None:
    x = np.array([3.0, 5.0, 4.0, 8.0, 6.5])
    m, lo, hi = mean_ci(x)
    half = scipy.stats.t.ppf(0.975, 4) * x.std(ddof=1) / np.sqrt(5)
    assert (m, lo, hi) == pytest.approx((5.3, 5.3 - half, 5.3 + half), rel=1e-15)
    assert half == pytest.approx(2.776445105 * x.std(ddof=1) / np.sqrt(5), rel=1e-9)  # t(0.975, 4) from tables


@pytest.mark.parametrize("package", [simulator, simulator.calibrate])
def test_lazy_exports_resolve_to_the_defining_modules(package: object) -> None:
    for name in package.__all__:  # type: ignore[attr-defined]
        obj = getattr(package, name)
        assert getattr(obj, "__name__", name) == name or not callable(obj)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        package.nope  # type: ignore[attr-defined]  # noqa: B018


def test_notebook_api_is_the_studies_own() -> None:
    from simulator import Comparison, SimulationResult, compare, load_scenario, simulate
    from simulator.model.scenario import load_scenario as load
    from simulator.studies.compare import Comparison as C, compare as comp
    from simulator.studies.simulate import SimulationResult as R, simulate as sim

    assert (load_scenario, simulate, compare, SimulationResult, Comparison) == (load, sim, comp, R, C)
