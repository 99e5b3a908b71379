"""CSV inputs named by scenario files: interval volumes and duration samples, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.model.scenario import load_scenario

SCENARIO = {
    "name": "from csv",
    "horizon": {"days": 1, "open": "08:00", "close": "10:00", "interval_minutes": 30},
    "arrivals": {"profile_file": "data/volumes.csv"},
    "contact_types": [{"name": "general", "handle_time": {"distribution": "empirical", "samples_file": "data/aht.csv"}}],
    "agents": {"groups": [{"name": "team", "skills": ["general"], "staffing": 5}]},
}


def _write(tmp_path: Path, volumes: str = "interval_start,calls\n08:00,10\n08:30,30\n09:00,40\n09:30,20\n",
           aht: str = "call,seconds\n1,100\n2,200\n3,300\n") -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "volumes.csv").write_text(volumes)
    (tmp_path / "data" / "aht.csv").write_text(aht)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))
    return path


def test_volumes_and_samples_come_from_the_csv_files(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path))
    assert s.arrivals.profile == [10.0, 30.0, 40.0, 20.0]
    assert s.arrivals.calls_per_day == 100.0, "without calls_per_day, the day's volume is the file's total"
    assert s.contact_types[0].handle_time.samples == [100.0, 200.0, 300.0]


def test_paths_are_relative_to_the_file_that_names_them(tmp_path: Path) -> None:
    _write(tmp_path)
    child = tmp_path / "levers" / "child.yaml"
    child.parent.mkdir()
    child.write_text("extends: ../scenario.yaml\nname: child\narrivals: {calls_per_day: 500}\n")
    s = load_scenario(child)
    assert s.arrivals.profile == [10.0, 30.0, 40.0, 20.0]
    assert s.arrivals.calls_per_day == 500.0, "an explicit calls_per_day wins over the file's total"


def test_a_single_unnamed_column_is_accepted(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, aht="handle\n120\n180\n"))
    assert s.contact_types[0].handle_time.samples == [120.0, 180.0]


@pytest.mark.parametrize(
    ("volumes", "aht", "expected"),
    [
        ("interval_start,calls\n08:00,12\n08:30,abc\n", None, "arrivals.profile_file (volumes.csv line 3, column 'calls') must be a number >= 0 (got 'abc')"),
        ("interval_start,calls\n08:00,-3\n", None, "must be a number >= 0 (got '-3')"),
        ("interval_start,volume\n08:00,12\n", None, "arrivals.profile_file must be a CSV with a 'calls' column"),
        ("calls\n", None, "arrivals.profile_file must be a CSV with a header row and at least one data row"),
        ("calls\n1\n2\n", None, "arrivals.profile must be a list of 4 weights"),
        (None, "a,b\n1,2\n", "contact_types.0.handle_time.samples_file must be a CSV with a 'seconds' column"),
    ],
)
def test_malformed_csv_gives_one_line_and_exit_2(tmp_path: Path, volumes: str | None, aht: str | None, expected: str) -> None:
    kwargs = {}
    if volumes is not None:
        kwargs["volumes"] = volumes
    if aht is not None:
        kwargs["aht"] = aht
    path = _write(tmp_path, **kwargs)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output + result.stderr


def test_missing_csv_names_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path)
    (tmp_path / "data" / "aht.csv").unlink()
    result = CliRunner().invoke(app, ["run", str(path), "--no-report"])
    assert result.exit_code == 2
    assert "contact_types.0.handle_time.samples_file must be an existing CSV file" in result.stderr
