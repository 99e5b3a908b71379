"""Scenario files: typed, frozen models, YAML loading and ``extends:`` merging (the only reader of
scenario files). Every model rejects unknown fields; every invalid value becomes a
:class:`ScenarioError` naming the dotted field path, the value and the rule. Defaults: README."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from simulator.core.errors import InputFileError, ScenarioError
from simulator.levers import Levers, active_levers
from simulator.model.business import BusinessCase, Platform
from simulator.model.csvdata import absolutize_paths, inline_csv_inputs, replaced_inputs
from simulator.model.uncertain import central_values, with_uncertain
from simulator.model.yamlsafe import YamlProblem, load_yaml
from simulator.model.validation_errors import to_scenario_error
from simulator.model.schema import DistributionSpec, FrozenModel, NonNegFloat, PositiveFloat, Share
from simulator.model.shifts import WEEKDAYS, ShiftType, Weekday, check_shifts

_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

_Model = FrozenModel  # the scenario's own blocks: frozen, no unknown fields


# ---------------------------------------------------------------- structure
class Horizon(_Model):
    days: Annotated[int, Field(ge=1, le=400)] = 1
    open: str = "08:00"
    close: str = "20:00"
    interval_minutes: Annotated[int, Field(ge=1, le=240)] = 30
    warmup_minutes: NonNegFloat = 0.0
    start_day: Weekday = "mon"
    """Weekday of the horizon's first day, ``mon``..``sun``: day ``d`` is weekday ``start_day + d``,
    which picks its ``arrivals.day_weights`` and, with ``agents.shifts``, the shift types worked. Default mon."""

    @field_validator("open", "close")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        m = _TIME.match(str(v))
        if not m or (int(m.group(1)) == 24 and int(m.group(2)) != 0):
            raise ValueError('|a time "HH:MM" between 00:00 and 24:00')
        return v

    @model_validator(mode="after")
    def _window(self) -> "Horizon":
        if self.close_seconds <= self.open_seconds:
            raise ValueError(f"close|a time after open ({self.open})")
        if (self.close_seconds - self.open_seconds) % (self.interval_minutes * 60):
            raise ValueError(f"interval_minutes|a divisor of the opening hours {self.open}-{self.close}")
        return self

    @property
    def open_seconds(self) -> int:
        h, m = self.open.split(":")
        return int(h) * 3600 + int(m) * 60

    @property
    def close_seconds(self) -> int:
        h, m = self.close.split(":")
        return int(h) * 3600 + int(m) * 60

    @property
    def intervals_per_day(self) -> int:
        return (self.close_seconds - self.open_seconds) // (self.interval_minutes * 60)

    @property
    def round_the_clock(self) -> bool:
        return self.open_seconds == 0 and self.close_seconds == 86400


class ServiceTarget(_Model):
    answer_within_seconds: PositiveFloat = 20.0
    """Answered within this many seconds counts as within target. Default 20."""
    fraction: Annotated[float, Field(gt=0, le=1)] = 0.80
    """Share of offered calls to answer within target. Default 0.80 (80/20)."""
    max_abandonment: Annotated[float, Field(gt=0, lt=1)] | None = None
    """Optional ceiling on abandoned / offered that the staffing optimizer also meets."""
    max_occupancy: Annotated[float, Field(gt=0, le=1)] | None = None
    """Optional ceiling on agent occupancy (busy / staffed) for the optimizer; 0.85 is a common cap."""
    per: Literal["interval", "day"] = "interval"
    """Where the optimizer meets the service level: in every interval, or over each day as a whole."""


class Arrivals(_Model):
    calls_per_day: Annotated[float, Field(gt=0, le=5e7)]
    profile: Union[Literal["flat"], list[NonNegFloat]] = "flat"
    daily_cv: NonNegFloat = 0.0
    day_weights: list[NonNegFloat] | None = None
    """Volume of each weekday, Monday first (7 weights, e.g. ``[1.3, 1.1, 1, 1, 0.9, 0.5, 0]``): a
    day's customer needs are ``calls_per_day`` x its weekday's weight, so ``calls_per_day`` is the
    volume of a weight-1.0 day. Weight 0 is a closed day: no calls, no agents, and the clock of
    delayed contacts (repeats, redials) skips it. Default none: every day has ``calls_per_day``."""

    @field_validator("day_weights")
    @classmethod
    def _week(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and len(v) != 7:
            raise ValueError("|a list of 7 weights, one per weekday from Monday to Sunday")
        if v is not None and not any(w > 0 for w in v):
            raise ValueError("|weights with at least one above 0 (every day would be closed)")
        return v

    @field_validator("daily_cv")
    @classmethod
    def _cv(cls, v: float) -> float:
        if 0 < v < 1e-4 or v > 10:
            raise ValueError("|0 (no day-to-day variation) or a coefficient of variation between 0.0001 and 10")
        return v


class ContactType(_Model):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    share: Annotated[float, Field(gt=0, le=1)] = 1.0
    handle_time: DistributionSpec
    patience: DistributionSpec | None = None
    fcr: Share = 1.0
    repeat_delay: DistributionSpec = DistributionSpec(distribution="exponential", mean_seconds=21600)
    priority: Annotated[int, Field(ge=0, le=9)] = 1


Heads = Annotated[int, Field(ge=0, le=100_000)]  # heads on shift in a group; no center is larger
StaffingSpec = Union[Heads, list[Heads], Literal["optimize"]]


class AgentGroup(_Model):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    skills: Annotated[list[str], Field(min_length=1)]
    staffing: StaffingSpec
    proficiency: dict[str, PositiveFloat] = {}


class Routing(_Model):
    """How calls reach agent groups (README "Levers", "Routing").

    ``policy``: ``dedicated`` (each type only to groups that have it as their first skill),
    ``pooled`` (every group takes every type, first come first served) or ``skills_based`` (the
    groups whose first skill it is, then groups with it as another skill once the call has
    waited ``overflow_after_seconds``). ``pooled_handle_time_factor`` multiplies the handle time
    of a type outside a group's skills when pooled. ``investment`` and ``monthly_fee`` cost a
    routing change (cross-training, ACD configuration).
    """

    policy: Literal["skills_based", "pooled", "dedicated"] = "skills_based"
    overflow_after_seconds: NonNegFloat = 0.0
    pooled_handle_time_factor: PositiveFloat = 1.0
    investment: NonNegFloat = 0.0
    monthly_fee: NonNegFloat = 0.0


class Agents(_Model):
    groups: Annotated[list[AgentGroup], Field(min_length=1)]
    routing: Routing = Routing()
    shifts: Annotated[list[ShiftType], Field(min_length=1)] | None = None
    """Shift types a roster is built from (``ccsim staff --shifts``); default none: no rostering."""


class Redials(_Model):
    """A share ``probability`` of abandoned callers call again after ``delay`` (opening-hours seconds)."""

    probability: Share = 0.0
    delay: DistributionSpec = DistributionSpec(distribution="exponential", mean_seconds=600)


class Telephony(_Model):
    inbound_per_minute: NonNegFloat = 0.0
    outbound_per_minute: NonNegFloat = 0.0
    line_per_seat_month: NonNegFloat = 0.0
    """Phone line (extension, trunk share) per seat and month. Lines = on-site seats (one per desk,
    after ``costs.seat_sharing_ratio``) + remote agents on shift at the peak (one each). Default 0."""
    pbx_monthly: NonNegFloat = 0.0


class Costs(_Model):
    currency: Annotated[str, Field(min_length=1, max_length=8)] = "USD"
    agent_hourly_wage: NonNegFloat = 0.0
    benefits_load: NonNegFloat = 0.0
    shrinkage: Annotated[float, Field(ge=0, lt=1)] = 0.0
    supervisor_hourly_wage: NonNegFloat = 0.0
    span_of_control: PositiveFloat = 12.0
    licence_per_agent_month: NonNegFloat = 0.0
    desktop_per_agent_month: NonNegFloat = 0.0
    facility_per_seat_month: NonNegFloat = 0.0
    """Office cost of one on-site seat (desk) per month, charged per seat, not per FTE: seats are
    shared across shifts. Seats = the most agents on site at once / ``seat_sharing_ratio``, where
    the agents on site in an interval are those paid for it: on the phones (with a roster, its paid
    heads) / (1 - shrinkage), i.e. time off the phones (breaks, coaching, absence) holds a seat too.
    Remote agents need none (``levers.remote_agents`` pays them a stipend). Default 0."""
    seat_sharing_ratio: Annotated[float, Field(gt=0, le=10)] = 1.0
    """Agents per on-site seat at the peak (hot-desking: 1.2 = 1.2 agents share a seat; below 1 =
    spare seats). Divides the seats of ``facility_per_seat_month`` and the desk lines. Default 1.0."""
    overtime_multiplier: Annotated[float, Field(ge=0, le=5)] = 1.5
    """Overtime pay rate / hourly wage (benefits load included) for the agent time worked after
    close while the queue drains. Default 1.5 (time and a half); 0 leaves overtime uncosted."""
    telephony: Telephony = Telephony()
    overhead_monthly: NonNegFloat = 0.0
    working_days_per_month: Annotated[float, Field(gt=0, le=31)] = 21.0
    paid_hours_per_agent_day: Annotated[float, Field(gt=0, le=24)] = 8.0
    discount_rate: Annotated[float, Field(ge=0, lt=1)] = 0.08
    platform: Platform | None = None  # saas per seat-month or owned (simulator.model.business)
    usd_per_unit: PositiveFloat | None = None
    """US dollars per unit of ``currency``, for the USD industry-range checks only (never converts costs)."""


# ---------------------------------------------------------------- scenario
class Scenario(_Model):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: str = ""
    seed: Annotated[int, Field(ge=0)] = 1
    replications: Annotated[int, Field(ge=1, le=10000)] = 10
    horizon: Horizon = Horizon()
    service_target: ServiceTarget = ServiceTarget()
    arrivals: Arrivals
    contact_types: Annotated[list[ContactType], Field(min_length=1)]
    agents: Agents
    redials: Redials = Redials()
    costs: Costs = Costs()
    levers: Levers = Levers()
    business_case: BusinessCase = BusinessCase()  # months derived from the simulated days (model.business)
    # Where the scenario was read from and which files it extends (not part of the model's meaning).
    source: str | None = Field(default=None, exclude=True)
    _uncertain: dict[str, Any] = PrivateAttr(default_factory=dict)  # set by uncertain.with_uncertain
    uncertain = property(lambda self: self._uncertain, doc="The file's uncertain inputs: path -> uncertain.Uncertain.")

    @property
    def currency(self) -> str:
        return self.costs.currency

    @property
    def needs_staffing_optimizer(self) -> bool:
        """Whether some group says ``staffing: optimize`` (to be found before simulating)."""
        return any(g.staffing == "optimize" for g in self.agents.groups)

    def with_changes(self, changes: dict[str, Any] | None = None, /, **top_level: Any) -> "Scenario":
        """An immutable copy with fields replaced, validated again: the one way to derive a scenario.

        ``changes`` maps dotted paths to new values (``{"horizon.days": 2,
        "agents.groups.0.staffing": [3, 4]}``; list items by index); keyword arguments replace
        top-level fields (``name="..."``).
        """
        data = self.model_dump(mode="python")
        for path, value in {**(changes or {}), **top_level}.items():
            *parents, leaf = path.split(".")
            node: Any = data
            for part in parents:
                node = node[int(part)] if isinstance(node, list) else node[part]
            if isinstance(node, list):
                node[int(leaf)] = value
            else:
                node[leaf] = value
        return parse_scenario(data, source=self.source)


def check_scenario(self: Scenario) -> Scenario:
    """Cross-field rules that a single field's type cannot express."""
    names = [c.name for c in self.contact_types]
    _unique(names, "contact_types")
    _unique([g.name for g in self.agents.groups], "agents.groups")
    total = sum(c.share for c in self.contact_types)
    if abs(total - 1.0) > 1e-6:
        raise _Cross("contact_types", total, "shares that sum to 1.0")
    n = self.horizon.intervals_per_day
    open_minutes = self.horizon.days * n * self.horizon.interval_minutes
    if self.horizon.warmup_minutes >= open_minutes:
        raise _Cross("horizon.warmup_minutes", self.horizon.warmup_minutes,
                     f"less than the simulated opening hours ({open_minutes} minutes): nothing would be measured")
    prof = self.arrivals.profile
    if isinstance(prof, list):
        if len(prof) != n:
            raise _Cross("arrivals.profile", f"{len(prof)} weights", f"a list of {n} weights (one per interval)")
        if sum(prof) <= 0:
            raise _Cross("arrivals.profile", prof, "weights with a positive sum")
    week = self.arrivals.day_weights
    if week is not None:
        first = WEEKDAYS.index(self.horizon.start_day)
        if not any(week[(first + d) % 7] > 0 for d in range(min(7, self.horizon.days))):
            raise _Cross("arrivals.day_weights", week,
                         f"weights with an open day (above 0) among the {self.horizon.days} simulated day(s) "
                         f"from horizon.start_day {self.horizon.start_day}")
    for gi, g in enumerate(self.agents.groups):
        for si, s in enumerate(g.skills):
            if s not in names:
                raise _Cross(f"agents.groups.{gi}.skills.{si}", s, f"one of the contact types {names}")
        for s in g.proficiency:
            if s not in g.skills:
                raise _Cross(f"agents.groups.{gi}.proficiency", s, f"a skill of the group {g.skills}")
        if isinstance(g.staffing, list) and len(g.staffing) != n:
            raise _Cross(
                f"agents.groups.{gi}.staffing", f"{len(g.staffing)} values", f"an integer, 'optimize' or a list of {n} integers"
            )
    if self.agents.shifts is not None:
        check_shifts(self.agents.shifts, self.horizon)
    covered = {s for g in self.agents.groups for s in g.skills}
    for ci, c in enumerate(self.contact_types):
        if c.name not in covered and self.agents.routing.policy != "pooled":
            raise _Cross(f"contact_types.{ci}.name", c.name, "a contact type that some agent group has as a skill")
    for lever, settings in active_levers(self.levers):
        for field, referenced in lever.referenced_types(settings).items():
            for k in referenced:
                if k not in names:
                    raise _Cross(f"levers.{lever.key}.{field}.{k}", k, f"one of the contact types {names}")
    return self


_Cross = ScenarioError


def _unique(names: list[str], path: str) -> None:
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            raise _Cross(f"{path}.{i}.name", n, "a name not used twice")
        seen.add(n)


# ---------------------------------------------------------------- loading
def parse_scenario(data: dict[str, Any], source: str | None = None) -> Scenario:
    """Validate a plain dict into a Scenario, turning the first problem into a ScenarioError."""
    if not isinstance(data, dict):
        raise ScenarioError("scenario", type(data).__name__, "a mapping of fields (YAML key: value)")
    try:
        scenario = Scenario.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise to_scenario_error(exc, data, Scenario) from None
    return check_scenario(scenario)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"scenario file not found: {path}") from None
    except IsADirectoryError:
        raise InputFileError(f"scenario path is a directory, expected a YAML file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read scenario file {path}: {exc.__class__.__name__}") from None
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        raise InputFileError(f"{path}: {exc}") from None
    except RecursionError:
        raise InputFileError(f"{path}: YAML nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputFileError(f"{path}: malformed YAML{where}: {problem}") from None
    if data is None:
        raise InputFileError(f"{path}: the file is empty; expected a YAML mapping of scenario fields")
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: expected a YAML mapping of scenario fields, got {type(data).__name__}")
    return data


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into ``base``: mappings merge key by key, everything else (lists too) replaces."""
    out = copy.deepcopy(replaced_inputs(base, override))
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def resolve_scenario_dict(path: str | Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file and merge the files it ``extends:`` (relative to itself), detecting cycles."""
    p = Path(path).expanduser()
    real = p.resolve()
    if real in _chain:
        loop = " -> ".join(str(c.name) for c in (*_chain, real))
        raise ScenarioError("extends", str(p), f"a file that does not extend itself (loop: {loop})")
    data = absolutize_paths(_read_yaml(p), p.parent)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError("extends", parent, "the path of a scenario file (relative to this file)")
    parent_path = (p.parent / parent) if not Path(parent).is_absolute() else Path(parent)
    if not parent_path.exists():
        raise ScenarioError("extends", parent, f"an existing file (looked for {parent_path})")
    base = resolve_scenario_dict(parent_path, (*_chain, real))
    return deep_merge(base, data)


def load_scenario(path: str | Path) -> Scenario:
    """Load, merge (``extends:``) and validate a scenario file (CSV inputs it names included)."""
    data, uncertain = central_values(inline_csv_inputs(resolve_scenario_dict(path)))
    return with_uncertain(parse_scenario(data, source=str(path)), uncertain)


def scenario_to_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario as YAML (for reports and reproducibility)."""
    data = scenario.model_dump(mode="json", exclude_none=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
