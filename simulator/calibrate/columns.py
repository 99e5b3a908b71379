"""Which columns of a call log hold which field: the default layout, presets and user mappings.

A log has one row per call. The fields ccsim needs are ``arrival_time``, ``queue``,
``wait_seconds``, ``outcome`` and ``handle_seconds``; ``caller_id``, ``agent_group`` and
``call_id`` (the key duplicates are found by) are optional. A field may be read from several
columns: timestamps split in a date and a time column are joined with a space, durations split in
talk, hold and wrap-up columns are added up (``"Agent_Time+ACW_Seconds"``). Outcomes are mapped to
``answered``, ``abandoned`` or ``skip`` (rows left out, e.g. outbound or IVR-only contacts).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from simulator.core.errors import InputFileError
from simulator.model.yamlsafe import YamlProblem, load_yaml

FIELDS = ("arrival_time", "queue", "wait_seconds", "outcome", "handle_seconds", "caller_id", "agent_group", "call_id")
REQUIRED = ("arrival_time", "queue", "wait_seconds", "outcome", "handle_seconds")
OUTCOMES = ("answered", "abandoned", "skip")
ANY = "*"  # an outcome-map key that matches every value not named
EMPTY = ""  # an outcome-map key that matches an empty cell


@dataclass(frozen=True)
class ColumnMap:
    """Columns per field (``None``: the optional field is absent) and how to read them."""

    columns: dict[str, str | None]
    outcome_map: dict[str, str] = field(default_factory=lambda: {"answered": "answered", "abandoned": "abandoned"})
    time_format: str | None = None  # None: ISO 8601
    skip_empty_queue: bool = False  # rows without a queue never reached one (IVR-only): left out
    preset: str | None = None
    explicit: frozenset[str] = frozenset()  # fields the user mapped: their columns must exist

    def without_absent(self, header: list[str]) -> "ColumnMap":
        """The optional fields whose columns the file lacks dropped (unless the user named them)."""
        cols = dict(self.columns)
        for f in FIELDS:
            if f not in REQUIRED and f not in self.explicit and any(c not in header for c in self.parts(f)):
                cols[f] = None
        return replace(self, columns=cols)

    def parts(self, name: str) -> list[str]:
        """The file columns a field is read from (``a+b`` sums or joins several)."""
        spec = self.columns.get(name)
        return [p.strip() for p in spec.split("+")] if spec else []

    def needed(self) -> list[str]:
        return sorted({c for f in FIELDS for c in self.parts(f)})


DEFAULT = ColumnMap(columns={f: f for f in FIELDS})

# Real exports whose layouts are publicly documented (README "Calibrate from your call data").
PRESETS: dict[str, ColumnMap] = {
    # Amazon Connect contact records (the CTR data model), flattened to CSV with dotted names as
    # Athena/Glue or the contact-search export write them. A contact with an agent connection
    # timestamp was answered; one that queued without it abandoned; rows without a queue ended in
    # the flow (IVR) and are left out. Handle = interaction + customer hold + after-contact work.
    "amazon-connect": ColumnMap(
        columns={
            "arrival_time": "InitiationTimestamp",
            "queue": "Queue.Name",
            "wait_seconds": "Queue.Duration",
            "outcome": "Agent.ConnectedToAgentTimestamp",
            "handle_seconds": "Agent.AgentInteractionDuration+Agent.CustomerHoldDuration+Agent.AfterContactWorkDuration",
            "caller_id": "CustomerEndpoint.Address",
            "agent_group": "Agent.RoutingProfile.Name",
            "call_id": "ContactId",
        },
        outcome_map={EMPTY: "abandoned", ANY: "answered"},
        skip_empty_queue=True,
        preset="amazon-connect",
    ),
    # NICE CXone "Call Detail" data download: Start_Date (MM/DD/YYYY) and Start_Time (HH:MM:SS),
    # Skill_Name, InQueue seconds, Abandon Y/N, Agent_Time + ACW_Seconds, ANI_Dialnum, Team_Name.
    "nice-cxone": ColumnMap(
        columns={
            "arrival_time": "Start_Date+Start_Time",
            "queue": "Skill_Name",
            "wait_seconds": "InQueue",
            "outcome": "Abandon",
            "handle_seconds": "Agent_Time+ACW_Seconds",
            "caller_id": "ANI_Dialnum",
            "agent_group": "Team_Name",
            "call_id": "Contact_ID",
        },
        outcome_map={"N": "answered", "Y": "abandoned"},
        time_format="%m/%d/%Y %H:%M:%S",
        preset="nice-cxone",
    ),
}


def column_map(preset: str | None = None, mapping_file: Path | None = None,
               columns: list[str] | None = None, outcomes: list[str] | None = None,
               time_format: str | None = None) -> ColumnMap:
    """The layout to read: a preset (or the default), then a mapping file, then ``--column`` options.

    ``columns`` are ``field=Column`` (``field=`` drops an optional field); ``outcomes`` are
    ``value=answered|abandoned|skip``. A mapping file is YAML: ``columns: {field: Column}``,
    ``outcomes: {value: answered}``, ``time_format: "%d/%m/%Y %H:%M"``.
    """
    if preset is not None and preset not in PRESETS:
        raise InputFileError(f"--preset must be one of {', '.join(sorted(PRESETS))} (got {preset!r})")
    base = PRESETS[preset] if preset else DEFAULT
    cols = dict(base.columns)
    omap = dict(base.outcome_map)
    fmt = base.time_format
    explicit: set[str] = set()
    if mapping_file is not None:
        m_cols, m_out, m_fmt = _read_mapping_file(mapping_file)
        cols.update(m_cols)
        explicit |= set(m_cols)
        omap.update(m_out)
        fmt = m_fmt or fmt
    for item in columns or []:
        key, value = _pair(item, "--column", "field=Column")
        _check_field(key, "--column")
        cols[key] = value or None
        explicit.add(key)
    for item in outcomes or []:
        key, value = _pair(item, "--outcome", "value=answered|abandoned|skip")
        omap[key] = _check_outcome(value, f"--outcome {key}")
    for f in REQUIRED:
        if not cols.get(f):
            raise InputFileError(f"--column {f} must name a column (the field is required)")
    return replace(base, columns=cols, outcome_map=omap, time_format=time_format or fmt, explicit=frozenset(explicit))


def _pair(item: str, option: str, form: str) -> tuple[str, str]:
    if "=" not in item:
        raise InputFileError(f"{option} must be {form} (got {item!r})")
    key, value = item.split("=", 1)
    return key.strip(), value.strip()


def _check_field(key: str, where: str) -> None:
    if key not in FIELDS:
        raise InputFileError(f"{where} field must be one of {', '.join(FIELDS)} (got {key!r})")


def _check_outcome(value: str, where: str) -> str:
    if value not in OUTCOMES:
        raise InputFileError(f"{where} must map to one of {', '.join(OUTCOMES)} (got {value!r})")
    return value


def _read_mapping_file(path: Path) -> tuple[dict[str, str | None], dict[str, str], str | None]:
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(f"mapping file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read mapping file {path}: {exc.__class__.__name__}") from None
    except (YamlProblem, yaml.YAMLError, RecursionError) as exc:
        raise InputFileError(f"{path}: malformed YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not set(data) <= {"columns", "outcomes", "time_format"}:
        raise InputFileError(f"{path} must be a YAML mapping with keys columns, outcomes, time_format (got {data!r:.80})")
    cols = data.get("columns") or {}
    outs = data.get("outcomes") or {}
    if not isinstance(cols, dict) or not isinstance(outs, dict):
        raise InputFileError(f"{path}: columns and outcomes must be mappings (field: Column, value: outcome)")
    for k in cols:
        _check_field(str(k), f"{path} columns")
    out_map = {str(k): _check_outcome(str(v), f"{path} outcomes.{k}") for k, v in outs.items()}
    fmt = data.get("time_format")
    return {str(k): (str(v) if v else None) for k, v in cols.items()}, out_map, (str(fmt) if fmt else None)
