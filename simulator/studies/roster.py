"""Rosters: a per-interval requirement turned into shifts that cost the fewest paid hours
(README "Shifts and rosters").

One integer program per distinct day, solved by ``scipy.optimize.milp`` (HiGHS):

- variables: heads per (group, shift type, start, placement of its breaks and lunch), integers >= 0;
  the placements come from ``model.shifts.rest_patterns``, so the program places the breaks;
- coverage: in every interval and group, heads on the phones (on shift and not on a break or lunch
  in that interval) >= the requirement;
- heads: per shift type and day, ``min_heads`` <= heads of all groups together <= ``max_heads``;
- objective: paid hours (shift length minus the unpaid lunch; paid breaks are paid).

The resolution is the scenario's interval: a rest shorter than an interval takes the agent off the
phones for the whole interval it falls in, because the engine changes staffing only at interval
boundaries; the roster's on-phone heads are then exactly what the engine simulates, and service can
only be better than simulated (the agent is back before the interval ends). ``model.shifts``
explains the rule and ``tests/test_roster.py`` checks it.

Day ``d`` of the horizon is weekday ``(start_day + d) mod 7`` (Monday when the horizon names no
start day). Days with the same requirement and the same shift types share one solution, so a roster
that can be the same every day is.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, kron
from scipy.sparse import eye as sparse_eye

from simulator.core.errors import CcsimError, ScenarioError
from simulator.model.plan import EnginePlan
from simulator.model.scenario import Horizon, Scenario
from simulator.model.shifts import WEEKDAYS, Placement, ShiftType, rest_patterns
from simulator.studies.staffing import StaffingResult, optimize_staffing

TIME_LIMIT_SECONDS = 120.0
MIP_REL_GAP = 1e-6  # paid hours come in whole intervals, so this is optimal on any realistic center


@dataclass(frozen=True)
class Column:
    """One kind of shift a head can work: type, start interval and rest placement, over one day."""

    shift: int
    start: int
    pattern: tuple[Placement, ...]
    on_phones: np.ndarray  # (intervals,) 1 where on shift and not resting
    on_shift: np.ndarray  # (intervals,) 1 from start to end
    paid_seconds: np.ndarray  # (intervals,) paid seconds of one head (the unpaid lunch's minutes left out)
    paid_hours: float


def shift_columns(shifts: list[ShiftType], horizon: Horizon) -> list[Column]:
    """Every (shift type, start, rest placement) the scenario allows, as per-interval vectors."""
    step = horizon.interval_minutes
    n = horizon.intervals_per_day
    open_m = horizon.open_seconds // 60
    out = []
    for t, s in enumerate(shifts):
        length = round(s.length_hours * 60) // step
        for start_m in s.start_minutes():
            start = (start_m - open_m) // step
            for pattern in rest_patterns(s, step):
                on_shift = np.zeros(n)
                on_shift[start:start + length] = 1.0
                phones, paid = on_shift.copy(), on_shift * step * 60.0
                for p in pattern:
                    k = math.ceil(p.minutes / step)
                    phones[start + p.offset:start + p.offset + k] = 0.0
                    if not p.paid:
                        for j in range(k):
                            paid[start + p.offset + j] -= min(step, p.minutes - j * step) * 60.0
                out.append(Column(t, start, pattern, phones, on_shift, paid, float(paid.sum()) / 3600.0))
    return out


@dataclass
class Roster:
    """A roster over the horizon's days.

    Attributes:
        table: one row per (day, group, shift) with heads > 0: day (1-based), weekday, group,
            shift_type, start, end, breaks and lunch ("HH:MM-HH:MM", breaks space-separated),
            heads, paid_hours (per head).
        required, on_phones, on_shift: heads per (day, group, interval): the requirement, the
            roster's heads on the phones, and its heads on shift (those on a break or lunch too).
        paid_seconds: paid agent-seconds per (day, group, interval).
        solve_seconds: time in ``milp`` over all distinct days; mip_gap: the largest relative gap
            HiGHS reports (0 when every program was solved to optimality).
    """

    shift_names: tuple[str, ...]
    group_names: tuple[str, ...]
    interval_starts: tuple[str, ...]
    interval_seconds: int
    weekdays: tuple[str, ...]
    table: pd.DataFrame
    required: np.ndarray
    on_phones: np.ndarray
    on_shift: np.ndarray
    paid_seconds: np.ndarray
    solve_seconds: float
    mip_gap: float

    @property
    def paid_hours(self) -> float:
        return float(self.paid_seconds.sum()) / 3600.0

    @property
    def required_hours(self) -> float:
        """Agent-hours on the phones the requirement asks: a lower bound of the paid hours."""
        return float(self.required.sum()) * self.interval_seconds / 3600.0

    def day_classes(self) -> list[tuple[str, list[int]]]:
        """Days with the same roster, as (label such as "days 1-5 (mon-fri)", 0-based day indices)."""
        groups: dict[bytes, list[int]] = {}
        for d in range(len(self.weekdays)):
            key = self.on_shift[d].tobytes() + self.on_phones[d].tobytes() + self.required[d].tobytes()
            groups.setdefault(key, []).append(d)
        out = []
        for days in groups.values():
            span = f"day {days[0] + 1}" if len(days) == 1 else f"days {_ranges([d + 1 for d in days])}"
            names = _weekday_names([self.weekdays[d] for d in days])
            out.append((f"{span} ({names})", days))
        return out

    def interval_summary(self, day: int) -> pd.DataFrame:
        """Per interval of one day, all groups together: required, on_phones, on_shift."""
        return pd.DataFrame({
            "interval_start": list(self.interval_starts),
            "required": self.required[day].sum(axis=0).astype(int),
            "on_phones": self.on_phones[day].sum(axis=0).astype(int),
            "on_shift": self.on_shift[day].sum(axis=0).astype(int),
        })

    def by_shift_type(self, day: int) -> pd.DataFrame:
        """Per shift type on one day: heads and paid hours."""
        t = self.table[self.table["day"] == day + 1]
        heads = t.groupby("shift_type")["heads"].sum()
        paid = (t["heads"] * t["paid_hours"]).groupby(t["shift_type"]).sum()
        names = [s for s in self.shift_names if s in heads.index]
        return pd.DataFrame({"shift_type": names, "heads": [int(heads[s]) for s in names],
                             "paid_hours": [float(paid[s]) for s in names]})

    def to_json_dict(self) -> dict:
        return {
            "paid_hours": self.paid_hours,
            "required_phone_hours": self.required_hours,
            "solve_seconds": self.solve_seconds,
            "shifts": self.table.to_dict("records"),
            "intervals": [
                {"day": d + 1, **row}
                for d in range(len(self.weekdays)) for row in self.interval_summary(d).to_dict("records")
            ],
        }


def _weekday_names(names: list[str]) -> str:
    """"mon-fri" for a run of three or more weekdays, else "mon, wed"."""
    distinct = sorted(set(names), key=WEEKDAYS.index)
    first, last = WEEKDAYS.index(distinct[0]), WEEKDAYS.index(distinct[-1])
    if len(distinct) >= 3 and last - first + 1 == len(distinct):
        return f"{distinct[0]}-{distinct[-1]}"
    return ", ".join(distinct)


def _ranges(days: list[int]) -> str:
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


# ---------------------------------------------------------------- the integer program
def _solve_day(required: np.ndarray, cols: list[Column], shifts: list[ShiftType]) -> tuple[np.ndarray, float, float]:
    """Heads per (group, column) covering ``required`` (groups, intervals) at the fewest paid hours,
    with the time spent in ``milp`` and its relative gap."""
    G = required.shape[0]
    C = len(cols)
    if C == 0:  # no shift type may be worked that day
        return np.zeros(0), 0.0, 0.0
    phones = csr_matrix(np.array([c.on_phones for c in cols]).T)  # (intervals, columns)
    coverage = kron(sparse_eye(G), phones)  # group-major: variable g * C + c
    constraints = [LinearConstraint(coverage, lb=required.ravel().astype(float), ub=np.inf)]
    types = sorted({c.shift for c in cols})
    if types:
        member = csr_matrix(np.array([[1.0 if c.shift == t else 0.0 for c in cols] for t in types]))
        lb = [float(shifts[t].min_heads) for t in types]
        ub = [np.inf if shifts[t].max_heads is None else float(shifts[t].max_heads) for t in types]
        constraints.append(LinearConstraint(hstack([member] * G), lb=lb, ub=ub))
    cost = np.tile([c.paid_hours for c in cols], G)
    began = time.perf_counter()
    res = milp(cost, constraints=constraints, integrality=np.ones(G * C), bounds=Bounds(0, np.inf),
               options={"time_limit": TIME_LIMIT_SECONDS, "mip_rel_gap": MIP_REL_GAP})
    seconds = time.perf_counter() - began
    if res.x is None and res.status != 2:  # 2: infeasible, diagnosed by the caller
        raise CcsimError(f"the roster's integer program stopped without a roster after {seconds:.0f} s: {res.message}")
    if res.x is None:
        return np.zeros(0), seconds, math.nan
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    return np.rint(res.x).astype(np.int64).reshape(G, C), seconds, gap


def _infeasible(required: np.ndarray, cols: list[Column], shifts: list[ShiftType], weekday: str,
                group_names: tuple[str, ...], starts: tuple[str, ...]) -> ScenarioError:
    """Why a day cannot be covered: an interval no allowed shift reaches, or the caps on heads."""
    reach = np.zeros(required.shape[1]) if not cols else np.max([c.on_phones for c in cols], axis=0)
    for g, i in zip(*np.nonzero(required > 0)):
        if reach[i] == 0:
            return ScenarioError(
                "agents.shifts", f"{weekday} {starts[i]}",
                f"shift types that put agents on the phones in every interval with a requirement "
                f"({group_names[g]} needs {int(required[g, i])} at {starts[i]} on {weekday} and no shift type covers it)")
    caps = {s.name: s.max_heads for s in shifts if s.max_heads is not None}
    return ScenarioError(
        "agents.shifts.max_heads", caps,
        f"caps that let the roster cover the requirement on {weekday} (peak {int(required.sum(axis=0).max())} "
        f"agents on the phones at once; the integer program has no solution)")


def schedule_roster(required: np.ndarray, shifts: list[ShiftType], horizon: Horizon, group_names: tuple[str, ...],
                    days: int | None = None) -> Roster:
    """The roster of fewest paid hours that covers ``required``.

    Args:
        required: heads on the phones per (group, interval) every day, or per (day, group, interval).
        shifts: the scenario's ``agents.shifts``.
        horizon: the scenario's ``Horizon`` (grid, opening hours, days, start day).
        group_names: one per group row of ``required``.
        days: days of the roster (default: the horizon's).
    """
    req = np.asarray(required, dtype=np.int64)
    n_days = days or (req.shape[0] if req.ndim == 3 else horizon.days)
    if req.ndim == 2:
        req = np.broadcast_to(req, (n_days, *req.shape))
    cols = shift_columns(shifts, horizon)
    first = WEEKDAYS.index(getattr(horizon, "start_day", "mon"))  # horizon.start_day: issue 10 item 4
    weekdays = tuple(WEEKDAYS[(first + d) % 7] for d in range(n_days))
    step = horizon.interval_minutes
    starts = tuple(f"{(m // 60) % 24:02d}:{m % 60:02d}" for m in
                   range(horizon.open_seconds // 60, horizon.close_seconds // 60, step))
    G, n = req.shape[1:]
    shape = (n_days, G, n)
    on_phones, on_shift, paid = np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(shape)
    solved: dict[bytes, tuple[list[int], np.ndarray]] = {}
    rows, seconds, gap = [], 0.0, 0.0
    for d, wd in enumerate(weekdays):
        allowed = [k for k, c in enumerate(cols) if wd in shifts[c.shift].days]
        key = np.array(allowed).tobytes() + req[d].tobytes()
        if key not in solved:
            day_cols = [cols[k] for k in allowed]
            heads, took, g = _solve_day(req[d], day_cols, shifts)
            seconds += took
            if heads.size == 0 and req[d].any():
                raise _infeasible(req[d], day_cols, shifts, wd, group_names, starts)
            gap = max(gap, g)
            solved[key] = (allowed, heads if heads.size else np.zeros((G, len(allowed)), np.int64))
        allowed, heads = solved[key]
        for g_i in range(G):
            for j, k in enumerate(allowed):
                h = int(heads[g_i, j])
                if h <= 0:
                    continue
                c = cols[k]
                on_phones[d, g_i] += h * c.on_phones.astype(np.int64)
                on_shift[d, g_i] += h * c.on_shift.astype(np.int64)
                paid[d, g_i] += h * c.paid_seconds
                rows.append(_row(d, wd, group_names[g_i], shifts[c.shift], c, h, horizon.open_seconds // 60, step))
    table = pd.DataFrame(rows, columns=["day", "weekday", "group", "shift_type", "start", "end", "breaks", "lunch",
                                        "heads", "paid_hours"])
    return Roster(tuple(s.name for s in shifts), tuple(group_names), starts, step * 60, weekdays, table,
                  req.copy(), on_phones, on_shift, paid, seconds, gap)


def _row(day: int, weekday: str, group: str, shift: ShiftType, c: Column, heads: int, open_m: int, step: int) -> dict:
    begin = open_m + c.start * step

    def clock(m: int) -> str:
        return f"{(m // 60) % 24:02d}:{m % 60:02d}"

    def span(p: Placement) -> str:
        at = begin + p.offset * step
        return f"{clock(at)}-{clock(at + p.minutes)}"

    return {
        "day": day + 1, "weekday": weekday, "group": group, "shift_type": shift.name,
        "start": clock(begin), "end": clock(begin + round(shift.length_hours * 60)),
        "breaks": " ".join(span(p) for p in c.pattern if p.paid),
        "lunch": " ".join(span(p) for p in c.pattern if not p.paid),
        "heads": heads, "paid_hours": c.paid_hours,
    }


# ---------------------------------------------------------------- from a scenario to a simulated roster
def roster_plan(plan: EnginePlan, roster: Roster) -> EnginePlan:
    """The plan with the roster's on-phone heads as its staffing and its paid hours as what labour costs.

    A roster that is the same every day gives a staffing per interval of a day; otherwise one per
    weekday (``EnginePlan.staffing`` of shape (7, groups, intervals); a weekday outside the horizon
    has nobody), which needs the same roster on every day of one weekday.
    """
    days = range(len(roster.weekdays))
    if all(np.array_equal(roster.on_phones[d], roster.on_phones[0])
           and np.array_equal(roster.paid_seconds[d], roster.paid_seconds[0]) for d in days):
        return dataclasses.replace(plan, staffing=roster.on_phones[0].copy(),
                                   paid_staffing=roster.paid_seconds[0] / plan.interval_seconds)
    staffing = np.zeros((7, *roster.on_phones.shape[1:]), dtype=np.int64)
    paid = np.zeros(staffing.shape)
    for d in days:
        wd = plan.weekday(d)
        if d >= 7 and not np.array_equal(staffing[wd], roster.on_phones[d]):
            raise ScenarioError("agents.shifts", [label for label, _ in roster.day_classes()],
                                "shift rules that give the same roster on every day of one weekday")
        staffing[wd], paid[wd] = roster.on_phones[d], roster.paid_seconds[d] / plan.interval_seconds
    return dataclasses.replace(plan, staffing=staffing, paid_staffing=paid)


@dataclass
class RosterStudy:
    """The staffing optimizer's requirement, the roster that covers it, and what simulates it: the
    scenario with the roster's on-phone heads as its groups' staffing, and the plan (paid hours too)."""

    staffing: StaffingResult
    roster: Roster
    scenario: Scenario
    plan: EnginePlan


def optimize_roster(scenario: Scenario, **staffing_options: Any) -> RosterStudy:
    """Staff the scenario (``optimize_staffing``, same options), then roster its requirement with ``agents.shifts``."""
    if scenario.agents.shifts is None:
        raise ScenarioError("agents.shifts", None, "a list of shift types to build a roster from (README 'Shifts and rosters')")
    return roster_from(scenario, optimize_staffing(scenario, **staffing_options))


def roster_from(scenario: Scenario, staffing: StaffingResult) -> RosterStudy:
    """Roster ``staffing``'s requirement (the optimizer's answer for ``scenario``) with its ``agents.shifts``."""
    required = staffing.matrix if staffing.matrix.ndim == 2 else staffing.plan.by_day(staffing.matrix)
    roster = schedule_roster(required, scenario.agents.shifts, scenario.horizon,
                             tuple(g.name for g in scenario.agents.groups))
    plan = roster_plan(staffing.plan, roster)
    # The file's staffing is one list per group: with a staffing per weekday, the most any day has.
    heads = plan.staffing if plan.staffing.ndim == 2 else plan.staffing.max(axis=0)
    rostered = staffing.scenario.with_changes(
        {f"agents.groups.{g}.staffing": [int(x) for x in row] for g, row in enumerate(heads)})
    return RosterStudy(staffing, roster, rostered, plan)
