"""The what-if page's logic without Streamlit: folder, knobs, the scenarios a choice makes.

A manager picks a baseline file and levers (each lever's settings come from the folder's file that
pulls it), moves knobs, and gets two scenarios: the baseline with the page's context (days,
replications, seed, volume, wage) and the what-if (the same, with the levers). Knob bounds are read
from the pydantic models (``simulator.model.scenario``, the lever settings), never repeated here;
an invalid value is the model's own one-line ``ScenarioError``, placed next to its knob.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from simulator.core.errors import CcsimError, ScenarioError
from simulator.levers import LEVERS, lever_label
from simulator.model.scenario import (
    Arrivals,
    Costs,
    Horizon,
    Scenario,
    load_scenario,
    scenario_to_yaml,
)
from simulator.model.yamlsafe import load_yaml

# The main parameters of each lever the page shows (the rest stay as the folder's file sets them).
MAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "ivr": ("containment", "investment"),
    "self_service": ("adoption", "success", "investment"),
    "chatbot": ("engagement", "containment", "investment"),
    "callback": ("threshold_seconds", "acceptance", "investment"),
    "fcr": ("uplift", "target", "investment"),
    "voip": ("inbound_per_minute", "outbound_per_minute", "investment"),
    "remote_agents": ("share", "investment"),
    "agent_assist": ("handle_time_reduction", "investment"),
    "outsourced_overflow": ("after_seconds", "per_minute", "investment"),
    "scheduling": ("investment",),
    "priority": ("vip_share", "investment"),
}
# Scenario fields the page changes in the baseline and the what-if alike: (path, model, field, label).
CONTEXT: tuple[tuple[str, type[BaseModel], str, str], ...] = (
    ("arrivals.calls_per_day", Arrivals, "calls_per_day", "volume (customer needs per day)"),
    ("costs.agent_hourly_wage", Costs, "agent_hourly_wage", "agent hourly wage"),
)
DAYS = ("horizon.days", Horizon, "days")
REPLICATIONS = ("replications", Scenario, "replications")
HOLDS = {"service": "equal service (both staffed to the target)", "staffing": "equal staffing (the baseline's agents)"}


@dataclass(frozen=True)
class Bounds:
    """A number field's limits as the schema states them (``*_open``: the limit itself is refused)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    @property
    def is_share(self) -> bool:
        """A share of 0..1 (a slider); other fields get a number input."""
        return self.low is not None and self.high is not None and 0 <= self.low and self.high <= 1


def bounds(model: type[BaseModel], name: str) -> Bounds:
    """The ``ge/gt/le/lt`` of ``model.name``, through ``Annotated``, ``Union`` and ``dict`` values."""
    found: dict[str, float] = {}

    def visit(obj: Any) -> None:
        for attr in ("ge", "gt", "le", "lt"):
            if isinstance(getattr(obj, attr, None), (int, float)) and attr not in found:
                found[attr] = float(getattr(obj, attr))
        for m in getattr(obj, "metadata", None) or ():
            visit(m)
        for arg in get_args(obj):
            visit(arg)

    info = model.model_fields[name]
    visit(info)
    visit(info.annotation)
    return Bounds(found.get("ge", found.get("gt")), found.get("le", found.get("lt")), "gt" in found, "lt" in found)


@dataclass(frozen=True)
class Knob:
    """One number the page shows: its scenario path (``levers.ivr.containment.billing``), label,
    the folder's value and the schema's bounds."""

    path: str
    label: str
    value: float
    bounds: Bounds
    integer: bool = False


def lever_knobs(key: str, settings: BaseModel) -> list[Knob]:
    """The knobs of one lever's main fields (one per contact type for a per-type mapping)."""
    knobs = []
    for name in MAIN_FIELDS.get(key, ("investment",)):
        value, b = getattr(settings, name), bounds(type(settings), name)
        words = name.replace("_", " ")
        if isinstance(value, dict):
            knobs += [Knob(f"levers.{key}.{name}.{t}", f"{words}: {t}", float(v), b) for t, v in value.items() if "." not in t]
        elif isinstance(value, (int, float)):
            knobs.append(Knob(f"levers.{key}.{name}", words, float(value), b))
    return knobs


def context_knobs(base: Scenario) -> list[Knob]:
    """Volume and wage: changed in the baseline and the what-if alike."""
    out = []
    for path, model, name, label in CONTEXT:
        node: Any = base
        for part in path.split("."):
            node = getattr(node, part)
        out.append(Knob(path, label, float(node), bounds(model, name)))
    return out


# ---------------------------------------------------------------- the folder
@dataclass
class Folder:
    """The scenario files directly in one folder, loaded once. Only these names can be opened."""

    root: Path
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    baselines: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # file name -> the one-line error

    def path(self, name: str) -> Path:
        """The file ``name`` of the folder; anything else (another folder, ``..``) is refused."""
        if name not in self.scenarios:
            raise ScenarioError("file", name, f"one of the scenario files of {self.root}")
        return self.root / name

    def levers(self, baseline: str) -> dict[str, tuple[str, BaseModel]]:
        """Lever key -> (file, settings) for each lever a file of the folder pulls differently from
        ``baseline``; the file that changes fewest levers wins (the one-lever file)."""
        base = self.scenarios[baseline].levers
        found: dict[str, tuple[int, str, BaseModel]] = {}
        for name, sc in self.scenarios.items():
            if name == baseline:
                continue
            changed = [k for k in LEVERS if getattr(sc.levers, k) is not None and getattr(sc.levers, k) != getattr(base, k)]
            for k in changed:
                if k not in found or len(changed) < found[k][0]:
                    found[k] = (len(changed), name, getattr(sc.levers, k))
        return {k: (found[k][1], found[k][2]) for k in LEVERS if k in found}


def open_folder(root: Path) -> Folder:
    """Load every ``*.yaml`` directly in ``root``; baselines are the files without ``extends:``."""
    root = root.resolve()
    folder = Folder(root)
    for path in sorted(root.glob("*.yaml")):
        if path.resolve().parent != root:  # a symlink out of the folder is not one of its files
            continue
        try:
            sc = load_scenario(path)
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except CcsimError as exc:
            folder.problems[path.name] = str(exc)
            continue
        folder.scenarios[path.name] = sc
        if not (isinstance(raw, dict) and "extends" in raw):
            folder.baselines.append(path.name)
    if not folder.baselines:
        folder.baselines = list(folder.scenarios)
    folder.baselines.sort(key=lambda n: (n != "baseline.yaml", n))
    return folder


# ---------------------------------------------------------------- a choice -> two scenarios
@dataclass(frozen=True)
class Choice:
    """What the manager set: files, levers, knob values (path -> value) and the run's size."""

    baseline: str
    levers: tuple[str, ...]
    values: dict[str, float]
    days: int
    replications: int
    seed: int
    hold: str = "service"


def build(folder: Folder, choice: Choice) -> tuple[Scenario, Scenario]:
    """The baseline (with the page's context) and the what-if; ScenarioError on the first bad value."""
    base = folder.scenarios[choice.baseline]
    context = {path: choice.values[path] for path, *_ in CONTEXT if path in choice.values}
    baseline = base.with_changes({DAYS[0]: choice.days, REPLICATIONS[0]: choice.replications, "seed": choice.seed, **context})
    catalogue = folder.levers(choice.baseline)
    changes: dict[str, Any] = {f"levers.{k}": catalogue[k][1].model_dump(mode="python") for k in choice.levers}
    prefixes = tuple(f"levers.{k}." for k in choice.levers)
    changes.update({p: v for p, v in choice.values.items() if p.startswith(prefixes)})
    labels = " + ".join(lever_label(k) for k in choice.levers) or "no lever"
    name = f"What-if: {labels}"[:120]
    if name == baseline.name:
        name = name[:110] + " (what-if)"
    return baseline, baseline.with_changes(changes, name=name)


def error_place(exc: CcsimError, paths: Sequence[str]) -> str | None:
    """The knob an error belongs to (the longest path that is the error's field or its parent)."""
    where = getattr(exc, "path", None)
    if not isinstance(where, str):
        return None
    hits = [p for p in paths if where == p or where.startswith(p + ".")]
    return max(hits, key=len) if hits else None


def error_line(exc: Exception) -> str:
    """The one line the command line prints for the same error."""
    return f"error: {exc}"


def yaml_text(scenario: Scenario) -> str:
    """The resolved scenario as a file ``ccsim validate`` accepts and ``ccsim compare`` reproduces."""
    head = f"# Written by ccsim app: {scenario.name}. Re-run: see the page's command line.\n"
    return head + scenario_to_yaml(scenario)


def command_line(hold: str) -> str:
    """The command that reproduces the page's figures from the downloaded files."""
    return f"ccsim compare baseline.yaml what-if.yaml --hold {hold}"


def agents_needed(staffed_agent_hours: float, baseline: Scenario) -> float:
    """Average agents on the phones while open: the KPI's agent-hours over the horizon's open hours."""
    h = baseline.horizon
    hours = h.days * (h.close_seconds - h.open_seconds) / 3600.0
    return staffed_agent_hours / hours if hours > 0 else math.nan


# ---------------------------------------------------------------- the command's options
@dataclass(frozen=True)
class Options:
    """The page's settings from ``ccsim app`` (passed to the Streamlit script after ``--``)."""

    folder: Path
    days: int = 1
    replications: int = 3
    workers: int = 1
    seed: int | None = None


def options_from_argv(argv: Sequence[str], default_folder: Path) -> Options:
    """Parse the script's arguments (``DIR --days N --replications N --workers N --seed N``)."""
    p = argparse.ArgumentParser(prog="ccsim-app-page", add_help=False)
    p.add_argument("folder", nargs="?", type=Path, default=default_folder)
    p.add_argument("--days", type=int, default=Options.days)
    p.add_argument("--replications", type=int, default=Options.replications)
    p.add_argument("--workers", type=int, default=Options.workers)
    p.add_argument("--seed", type=int, default=None)
    a, _ = p.parse_known_args(list(argv))
    return Options(a.folder, a.days, a.replications, a.workers, a.seed)
