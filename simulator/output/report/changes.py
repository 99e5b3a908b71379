"""Every input a scenario changes against the baseline, with the reason its file gives.

The comparison's assumptions page: for each scenario, each scenario-file value that differs from
the baseline's (dotted path, both values) and the comment written next to it in the scenario file
or a file it extends (``model.comments``), so a client sees what was assumed and on what source.
Staffing the optimizer sets under ``hold="service"`` is not an input and is left out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from simulator.model.comments import comment_for, scenario_comments
from simulator.model.scenario import Scenario
from simulator.output.report.page import esc, table
from simulator.studies.simulate import SimulationResult

COLUMNS = ["scenario", "input", "baseline", "value", "source"]
_NOT_INPUTS = ("name", "description", "source")


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> value for every leaf of a dumped model (lists are leaves)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, sub in value.items():
            out.update(_leaves(sub, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _is_optimizer_staffing(path: str) -> bool:
    return path.startswith("agents.groups.") and path.endswith(".staffing")


def _groups_by_name(data: dict) -> dict:
    """Agent groups keyed by name instead of position, so a scenario that adds a group compares."""
    groups = data.get("agents", {}).get("groups")
    if isinstance(groups, list):
        data["agents"]["groups"] = {str(g.get("name", i)): g for i, g in enumerate(groups)}
    return data


def _at(tree: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items() if v is not None)
    return str(value)


def input_changes(baseline: Scenario, scenario: Scenario, hold: str = "service") -> list[dict[str, str]]:
    """The inputs ``scenario`` sets differently from ``baseline``, with their source comments.

    An input given as one number on one side and per contact type on the other (``containment:
    0.1`` against ``{billing: 0.3, ...}``) is one row at the path where the two shapes part.
    """
    trees = [_groups_by_name(s.model_dump(mode="json", exclude=set(_NOT_INPUTS))) for s in (baseline, scenario)]
    base, mine = (_leaves(t) for t in trees)
    comments = scenario_comments(scenario.source) if scenario.source else {}
    rows, seen = [], set()
    for path in sorted(set(base) | set(mine)):
        parts = path.split(".")
        key = next(".".join(parts[:n]) for n in range(1, len(parts) + 1) if ".".join(parts[:n]) in base or ".".join(parts[:n]) in mine)
        was, now = _at(trees[0], key), _at(trees[1], key)
        if (was is None and isinstance(now, dict)) or (now is None and isinstance(was, dict)):  # a lever switched on:
            if key == path:  # or off: each of its values is a row of its own, with its own comment
                continue
            key, was, now = path, _at(trees[0], path), _at(trees[1], path)
        if key in seen or was == now or (hold == "service" and _is_optimizer_staffing(key)):
            continue
        seen.add(key)
        rows.append({"scenario": scenario.name, "input": key, "baseline": _text(was), "value": _text(now),
                     "source": comment_for(comments, key)})
    return rows


def changes_frame(baseline: SimulationResult, results: list[SimulationResult], hold: str) -> pd.DataFrame:
    """``input_changes`` of every scenario against the baseline, as one table (``changes.csv``)."""
    rows = [row for r in results for row in input_changes(baseline.scenario, r.scenario, hold)]
    return pd.DataFrame(rows, columns=COLUMNS)


def changes_html(frame: pd.DataFrame) -> str:
    """The assumptions page: one row per changed input, its source comment beside it."""
    if frame.empty:
        return "<p>No scenario changes an input of the baseline.</p>"
    def short(text: str) -> str:  # the whole value is in changes.csv and the workbook
        return esc(text if len(text) <= 160 else text[:159] + "…")

    rows = [(esc(r.scenario), f"<code>{esc(r.input)}</code>", short(r.baseline), f"<b>{short(r.value)}</b>",
             esc(r.source) or '<span class="ci">no comment in the file</span>') for r in frame.itertuples()]
    return ("<h3>Every input a scenario changes, and its source</h3><p class=\"caption\">Each value a scenario file "
            "sets differently from the baseline, with the comment written beside it in the file (or in a file it "
            "extends). Staffing set by the optimizer is not listed.</p>"
            + table(["scenario", "input", "baseline", "scenario's value", "source (comment in the file)"], rows,
                    cls="text", cards=True))
