"""Shift types of a roster (``agents.shifts``): when agents may start, how long they stay, their
paid breaks and unpaid lunch, the weekdays a type may be worked and how many heads it may have.

The models check what one block can say on its own; ``check_shifts`` checks them against the
opening hours and the interval grid (the scheduler's resolution), and ``rest_patterns`` lists
where the breaks and the lunch of one shift may go on that grid (README "Shifts and rosters").

**Resolution.** Staffing changes only at interval boundaries in the engine, so the roster is
built on the scenario's interval grid: shift starts and lengths are whole intervals, a break or a
lunch starts at an interval boundary, and an agent is off the phones for every interval his break
or lunch touches (a 15-minute break in a 30-minute interval takes him off for that interval). This
is conservative (he is back after 15 minutes, so the center is never shorter-staffed than the
roster promises) and it makes the roster's on-phone heads exactly the staffing the engine
simulates. Pay follows the real minutes: a paid break is paid, the unpaid lunch's minutes are not.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Annotated, Any, Literal, NamedTuple, Union

from pydantic import AfterValidator, Field, field_validator, model_validator

from simulator.core.errors import ScenarioError
from simulator.model.schema import FrozenModel

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MAX_PATTERNS = 512  # break placements per shift start at most (wider windows are thinned evenly)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def clock_minutes(text: str) -> int:
    """Minutes after midnight of an "HH:MM" time."""
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _clock(v: str) -> str:
    if not _CLOCK.match(v):
        raise ValueError('|a time "HH:MM" between 00:00 and 23:59')
    return v


ClockTime = Annotated[str, AfterValidator(_clock)]
Minutes = Annotated[int, Field(ge=0, le=1440)]


class StartRange(FrozenModel):
    """Start times from ``first`` to ``last`` (both included), every ``every_minutes``."""

    first: ClockTime
    """Earliest start, "HH:MM"."""
    last: ClockTime
    """Latest start, "HH:MM" (not before ``first``)."""
    every_minutes: Annotated[int, Field(ge=1, le=1440)] = 30
    """Step between allowed starts, in minutes. Default 30."""

    @model_validator(mode="after")
    def _order(self) -> "StartRange":
        if clock_minutes(self.last) < clock_minutes(self.first):
            raise ValueError(f"last|a time not before first ({self.first})")
        return self


class Rest(FrozenModel):
    """A break or a lunch: ``minutes`` long, lying inside ``window_minutes``."""

    minutes: Annotated[int, Field(ge=1, le=480)]
    """Length in minutes."""
    window_minutes: Annotated[list[Minutes], Field(min_length=2, max_length=2)]
    """[earliest start, latest end], in minutes after the shift starts."""

    @model_validator(mode="after")
    def _fits(self) -> "Rest":
        lo, hi = self.window_minutes
        if hi - lo < self.minutes:
            raise ValueError(f"window_minutes|[earliest start, latest end] at least {self.minutes} minutes apart (the length)")
        return self


class ShiftType(FrozenModel):
    """One kind of shift; full- and part-time are separate types."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    """Name in the roster ("full-time")."""
    starts: Union[Annotated[list[ClockTime], Field(min_length=1)], StartRange]
    """Allowed start times: a list of "HH:MM", or ``{first, last, every_minutes}``."""
    length_hours: Annotated[float, Field(gt=0, le=24)]
    """From start to end, the unpaid lunch included (8.5 = 8 paid hours and a 30-minute lunch)."""
    breaks: list[Rest] = []
    """Paid breaks, each inside its window (off the phones, paid)."""
    lunch: Rest | None = None
    """The unpaid lunch, inside its window (off the phones, not paid). Default none."""
    days: Annotated[list[Weekday], Field(min_length=1)] = list(WEEKDAYS)
    """Weekdays the type may be worked (mon..sun). Default every day."""
    min_heads: Annotated[int, Field(ge=0, le=100_000)] = 0
    """Fewest heads on this type on a day it may be worked, all groups together. Default 0."""
    max_heads: Annotated[int, Field(ge=0, le=100_000)] | None = None
    """Most heads on this type per day, all groups together. Default no cap."""

    @field_validator("days")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("|weekdays named once each")
        return v

    @model_validator(mode="after")
    def _heads(self) -> "ShiftType":
        if self.max_heads is not None and self.min_heads > self.max_heads:
            raise ValueError(f"min_heads|at most max_heads ({self.max_heads})")
        return self

    @property
    def paid_hours(self) -> float:
        return self.length_hours - (self.lunch.minutes / 60.0 if self.lunch else 0.0)

    def start_minutes(self) -> list[int]:
        """Allowed starts, minutes after midnight, in order."""
        if isinstance(self.starts, StartRange):
            r = self.starts
            return list(range(clock_minutes(r.first), clock_minutes(r.last) + 1, r.every_minutes))
        return sorted({clock_minutes(s) for s in self.starts})


class Placement(NamedTuple):
    """Where one rest of a shift goes: its first interval after the shift start, its minutes, paid or not."""

    offset: int
    minutes: int
    paid: bool


def _options(rest: Rest, interval_minutes: int, length_intervals: int) -> list[int]:
    lo, hi = rest.window_minutes
    k = math.ceil(rest.minutes / interval_minutes)
    return [o for o in range(length_intervals - k + 1) if o * interval_minutes >= lo and o * interval_minutes + rest.minutes <= hi]


def _thinned(options: list[list[int]]) -> list[list[int]]:
    """Every other placement of the widest window dropped (its ends kept) until few enough combinations remain."""
    opts = [list(o) for o in options]
    while math.prod(len(o) for o in opts) > MAX_PATTERNS:
        i = max(range(len(opts)), key=lambda j: len(opts[j]))
        opts[i] = sorted(set(opts[i][::2] + [opts[i][-1]]))
    return opts


def rest_patterns(shift: ShiftType, interval_minutes: int) -> list[tuple[Placement, ...]]:
    """Every placement of the shift's breaks and lunch on the interval grid (none overlapping), at
    most ``MAX_PATTERNS``; one empty pattern for a shift without rests."""
    length_intervals = round(shift.length_hours * 60) // interval_minutes
    rests = [(r, True) for r in shift.breaks] + ([(shift.lunch, False)] if shift.lunch else [])
    options = _thinned([_options(r, interval_minutes, length_intervals) for r, _ in rests])
    out: dict[tuple, tuple[Placement, ...]] = {}
    for offsets in itertools.product(*options):
        taken: set[int] = set()
        ok = True
        for o, (r, _) in zip(offsets, rests):
            span = set(range(o, o + math.ceil(r.minutes / interval_minutes)))
            ok &= not (span & taken)
            taken |= span
        if ok:
            pattern = tuple(sorted(Placement(o, r.minutes, paid) for o, (r, paid) in zip(offsets, rests)))
            out.setdefault(pattern, pattern)
    return list(out.values())


def check_shifts(shifts: list[ShiftType], horizon: Any) -> None:
    """Shift types against the opening hours and the interval grid (``horizon``: a ``Horizon``)."""
    step = horizon.interval_minutes
    open_m, close_m = horizon.open_seconds // 60, horizon.close_seconds // 60
    seen: set[str] = set()
    for i, s in enumerate(shifts):
        path = f"agents.shifts.{i}"
        if s.name in seen:
            raise ScenarioError(f"{path}.name", s.name, "a name not used twice")
        seen.add(s.name)
        length = s.length_hours * 60
        if abs(length - round(length)) > 1e-9 or round(length) % step:
            raise ScenarioError(f"{path}.length_hours", s.length_hours, f"a whole number of {step}-minute intervals")
        if length > close_m - open_m:
            raise ScenarioError(f"{path}.length_hours", s.length_hours, f"at most the opening hours {horizon.open}-{horizon.close}")
        for j, start in enumerate(s.start_minutes()):
            where = f"{path}.starts" + (f".{j}" if isinstance(s.starts, list) else "")
            shown = f"{start // 60:02d}:{start % 60:02d}"
            if start < open_m or start + length > close_m:
                latest = close_m - round(length)
                raise ScenarioError(where, shown, f"a start from {horizon.open} to {latest // 60:02d}:{latest % 60:02d} "
                                    f"(a {s.length_hours:g}-hour shift ends by close, {horizon.close})")
            if (start - open_m) % step:
                raise ScenarioError(where, shown, f"a start on the {step}-minute interval grid from {horizon.open}")
        rests = [(f"breaks.{k}", r) for k, r in enumerate(s.breaks)] + ([("lunch", s.lunch)] if s.lunch else [])
        for name, r in rests:
            if r.window_minutes[1] > length:
                raise ScenarioError(f"{path}.{name}.window_minutes", r.window_minutes,
                                    f"a window inside the shift (ends by minute {round(length)})")
            if not _options(r, step, round(length) // step):
                raise ScenarioError(f"{path}.{name}.window_minutes", r.window_minutes,
                                    f"a window holding a {r.minutes}-minute rest that starts on the {step}-minute interval grid")
        if sum(math.ceil(r.minutes / step) for _, r in rests) >= round(length) // step:
            raise ScenarioError(f"{path}.breaks", len(s.breaks), "breaks and lunch that leave some time on the phones")
        if rests and not rest_patterns(s, step):
            raise ScenarioError(f"{path}.breaks", [r.window_minutes for _, r in rests],
                                f"windows in which the breaks and the lunch fit without overlapping ({step}-minute intervals)")
