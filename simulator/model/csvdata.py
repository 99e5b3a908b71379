"""CSV inputs a scenario file may point to: historical interval volumes and duration samples.

Planners have their own data: call counts per interval from the ACD, handle times per call. A
scenario may say ``arrivals: {profile_file: volumes.csv}`` (a ``calls`` column, one row per
interval) or ``handle_time: {distribution: empirical, samples_file: aht.csv}`` (a ``seconds``
column). Paths are relative to the scenario file that names them. Every problem becomes a
ScenarioError naming the field, the file, the row and what is allowed.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from simulator.core.errors import ScenarioError
from simulator.model.schema import MAX_AMOUNT

PROFILE_KEY = "profile_file"
SAMPLES_KEY = "samples_file"


def absolutize_paths(data: Any, base_dir: Path) -> Any:
    """Make every ``profile_file``/``samples_file`` path absolute, relative to ``base_dir``.

    Done per file before ``extends:`` merging, so that a path keeps meaning what its own file meant.
    """
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key in (PROFILE_KEY, SAMPLES_KEY) and isinstance(value, str) and value.strip():
                p = Path(value).expanduser()
                out[key] = str(p if p.is_absolute() else (base_dir / p))
            else:
                out[key] = absolutize_paths(value, base_dir)
        return out
    if isinstance(data, list):
        return [absolutize_paths(v, base_dir) for v in data]
    return data


def inline_csv_inputs(data: Any, path: str = "") -> Any:
    """Replace file references by their values: ``profile_file`` -> ``profile``, ``samples_file`` -> ``samples``."""
    if isinstance(data, list):
        return [inline_csv_inputs(v, f"{path}.{i}" if path else str(i)) for i, v in enumerate(data)]
    if not isinstance(data, dict):
        return data
    out = {k: inline_csv_inputs(v, f"{path}.{k}" if path else str(k)) for k, v in data.items()}
    if PROFILE_KEY in out:
        field = f"{path}.{PROFILE_KEY}" if path else PROFILE_KEY
        _exclusive(out, PROFILE_KEY, "profile", field)
        file = out.pop(PROFILE_KEY)
        values = read_column(file, field, "calls")
        if sum(values) <= 0:
            raise ScenarioError(field, Path(file).name, "a CSV whose 'calls' column has at least one value above 0 (all are 0)")
        out["profile"] = values
        out.setdefault("calls_per_day", sum(values))
    if SAMPLES_KEY in out:
        field = f"{path}.{SAMPLES_KEY}" if path else SAMPLES_KEY
        _exclusive(out, SAMPLES_KEY, "samples", field)
        out["samples"] = read_column(out.pop(SAMPLES_KEY), field, "seconds")
        out.setdefault("distribution", "empirical")
    return out


def _exclusive(mapping: dict[str, Any], file_key: str, value_key: str, field: str) -> None:
    if value_key in mapping:
        raise ScenarioError(field, mapping[file_key], f"either {file_key} or {value_key}, not both (the file would silently win)")


def replaced_inputs(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` without the inputs ``override`` replaces by their other form (``extends:``).

    A lever file that gives ``profile_file`` replaces its parent's ``profile`` list, and the
    other way round; merged key by key they would both be there.
    """
    out = dict(base)
    for file_key, value_key in ((PROFILE_KEY, "profile"), (SAMPLES_KEY, "samples")):
        if file_key in override:
            out.pop(value_key, None)
        if value_key in override:
            out.pop(file_key, None)
    return out


def read_column(file: Any, field: str, column: str) -> list[float]:
    """Non-negative numbers from ``column`` of a CSV with a header (or from its only column)."""
    if not isinstance(file, str) or not file.strip():
        raise ScenarioError(field, file, "the path of a CSV file (relative to the scenario file)")
    p = Path(file)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(field, file, "an existing CSV file") from None
    except IsADirectoryError:
        raise ScenarioError(field, file, "a CSV file, not a folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(field, file, f"a readable UTF-8 CSV file ({exc.__class__.__name__})") from None
    # Keep each row's line number in the file (blank lines are skipped but still counted).
    numbered = [(n, r) for n, r in enumerate(csv.reader(text.splitlines()), start=1) if any(cell.strip() for cell in r)]
    rows = [r for _, r in numbered]
    if len(rows) < 2:
        raise ScenarioError(field, p.name, f"a CSV with a header row and at least one data row (column '{column}')")
    header = [h.strip().lower() for h in rows[0]]
    if column in header:
        idx = header.index(column)
    elif len(header) == 1:
        idx = 0
    else:
        raise ScenarioError(field, p.name, f"a CSV with a '{column}' column (found columns {rows[0]})")
    values: list[float] = []
    for n, row in numbered[1:]:
        cell = row[idx].strip() if idx < len(row) else ""
        try:
            x = float(cell)
        except ValueError:
            raise ScenarioError(f"{field} ({p.name} line {n}, column '{header[idx]}')", cell, "a number >= 0") from None
        if not math.isfinite(x) or x < 0:
            raise ScenarioError(f"{field} ({p.name} line {n}, column '{header[idx]}')", cell, "a number >= 0")
        if x > MAX_AMOUNT:
            raise ScenarioError(f"{field} ({p.name} line {n}, column '{header[idx]}')", cell, f"a number <= {MAX_AMOUNT:g}")
        values.append(x)
    return values
