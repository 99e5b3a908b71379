"""A calibration as a scenario file: valid YAML of the existing schema, a comment above each
fitted value saying how it was estimated (and on what evidence)."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.calibrate.durations import DurationFit
from simulator.calibrate.fit import Calibration
from simulator.calibrate.volumes import WEEKDAYS, Hours, Volumes
from simulator.model.scenario import Arrivals


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _num(x: float, digits: int = 4) -> str:
    return json.dumps(round(float(x), digits))


def _flow(d: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in d.items()) + "}"


def _dist_line(fit: DurationFit) -> str:
    return _flow(fit.spec())


def shares_summing_to_one(values: list[float]) -> list[float]:
    """Rounded shares (> 0, as the schema asks) that still sum to 1 within 1e-9."""
    floor = [max(v, 1e-6) for v in values]
    total = sum(floor)
    rounded = [round(v / total, 6) for v in floor]
    big = max(range(len(rounded)), key=lambda i: rounded[i])
    rounded[big] = round(1.0 - sum(r for i, r in enumerate(rounded) if i != big), 9)
    return rounded


def _followup(indent: str, how: str, key: str, value: float, delay_key: str, delay_s: float | None, between: str) -> list[str]:
    """A share estimated from same-caller follow-ups, and the mean delay of those follow-ups."""
    out = [f"{indent}# {how}", f"{indent}{key}: {_num(value, 4)}"]
    if delay_s:
        spec = {"distribution": "exponential", "mean_seconds": round(max(delay_s, 1.0), 1)}
        out += [f"{indent}# mean opening-hours time from {between} (exponential)", f"{indent}{delay_key}: {_flow(spec)}"]
    return out


# The weekly-patterns schema (arrivals.day_weights, horizon.start_day) is written as fields when the
# schema has them, as a comment before.
WEEKLY_SCHEMA = "day_weights" in Arrivals.model_fields


def _week_lines(v: Volumes, weekly: bool) -> tuple[list[str], list[str]]:
    """(horizon lines, arrivals lines) for the week: fields with the weekly schema, a comment without."""
    how = ["  # day-of-week weights, Monday first (calls on a day = calls_per_day x weight): the mean first attempts",
           "  # on that weekday / calls_per_day, 0 for a weekday without calls (closed)."]
    weights = f"day_weights: [{', '.join(_num(w, 3) for w in v.day_weights)}]"
    if weekly:
        return (["  # one simulated week from Monday; the weekdays without calls in the data are closed (weight 0)",
                 "  days: 7", '  start_day: "mon"'], how + [f"  {weights}"])
    opened = ", ".join(WEEKDAYS[w] for w in v.weekdays_open)
    return ([f"  # the weekdays that had calls ({opened}): one simulated week of open days", f"  days: {len(v.weekdays_open)}"],
            how + ["  # Written as a comment until the scenario schema has arrivals.day_weights:", f"  # {weights}"])


def head_lines(intro: str, name: str, v: Volumes, h: Hours, target_seconds: float, obs: dict[str, float],
               weekly: bool = WEEKLY_SCHEMA) -> list[str]:
    """The file's header, horizon, service target and arrivals (shared by call logs and interval reports)."""
    asa = f", ASA {obs['asa_seconds']:.1f} s" if "asa_seconds" in obs else ""
    week_horizon, week_arrivals = _week_lines(v, weekly)
    return [
        f"# {intro}",
        f"# The data's own KPIs: service level {obs['service_level']:.3f} (answered within {target_seconds:g} s / offered),"
        f" abandonment {obs['abandonment_rate']:.3f}{asa}, AHT {obs['aht_seconds']:.1f} s.",
        "# Costs are not in the data: add a `costs:` block (README \"Cost model\").",
        f"name: {json.dumps(name[:120])}",
        "seed: 1",
        "replications: 10",
        "horizon:",
        *week_horizon,
        f"  # start of the {h.interval_minutes}-minute interval of the earliest call of any day",
        f"  open: {json.dumps(_hhmm(h.open_s))}",
        "  # end of the interval of the latest call of any day",
        f"  close: {json.dumps(_hhmm(h.close_s))}",
        f"  interval_minutes: {h.interval_minutes}",
        "service_target:",
        f"  # --target-seconds; the data answered {obs['service_level']:.1%} of offered calls within it",
        f"  answer_within_seconds: {_num(target_seconds, 2)}",
        "  fraction: 0.8",
        "arrivals:",
        f"  # first attempts (not repeats, not redials) per open day: {v.first_attempts:,} over {v.open_days} days with calls",
        f"  calls_per_day: {_num(v.calls_per_day, 2)}",
        *week_arrivals,
        f"  # first attempts per {h.interval_minutes}-minute interval from {_hhmm(h.open_s)}, mean over the open days (the engine normalises)",
        f"  profile: [{', '.join(_num(x, 2) for x in v.profile)}]",
        "contact_types:",
    ]


def scenario_yaml(cal: Calibration, name: str) -> str:
    log, v, h, o = cal.log, cal.volumes, cal.hours, cal.options
    intro = (f"Calibrated by `ccsim calibrate` from {Path(log.source).name}: {len(log):,} calls from {v.first_day} to {v.last_day}"
             + (f" ({log.skipped_rows:,} rows skipped by the layout)." if log.skipped_rows else "."))
    lines = head_lines(intro, name, v, h, o.target_seconds, cal.observed)
    shares = shares_summing_to_one(v.shares)
    for q, queue in enumerate(log.queues):
        hf, pf = cal.handle[q], cal.patience[q]
        fcr, judged, repeated = cal.follow.fcr[q]
        lines += [
            f"  - name: {json.dumps(queue[:60])}",
            f"    # share of first attempts in queue '{queue}'",
            f"    share: {json.dumps(shares[q])}",
            f"    # maximum likelihood over {hf.observations:,} answered calls"
            + ("" if (log.answered & (log.queue == q)).any() else " of all queues (none answered in this one)")
            + f"; {hf.criterion()}",
            f"    handle_time: {_dist_line(hf)}",
        ]
        if pf is None:
            lines += ["    # no call of this queue abandoned: the callers are taken never to abandon", "    patience: null"]
        else:
            lines += [
                f"    # censored maximum likelihood: {pf.events:,} abandons are events at their wait, "
                f"{pf.observations - pf.events:,} answered calls are right-censored at theirs; {pf.criterion()}",
                f"    patience: {_dist_line(pf)}",
            ]
        if log.caller is None:
            lines += ["    # no caller_id column: repeat calls cannot be seen, FCR taken as 1", "    fcr: 1.0"]
        elif judged == 0:
            lines += [f"    # no answered call has {o.fcr_window_days:g} days of log after it: FCR cannot be estimated, taken"
                      " as 1 (use a longer log or a shorter --fcr-window-days)", "    fcr: 1.0"]
        else:
            lines += _followup(
                "    ", f"1 - share of answered calls followed by a call from the same caller within {o.fcr_window_days:g} days"
                f" ({repeated:,} of {judged:,} judged; calls in the log's last {o.fcr_window_days:g} days are not judged)",
                "fcr", fcr, "repeat_delay", cal.follow.repeat_delay_s, "an answered call to its repeat")
    lines += ["agents:", "  groups:"]
    for g in cal.groups:
        how = ("the agent_group column: skills are the queues the group answered, most answered first"
               if log.group is not None else "no agent_group column: one dedicated group per queue")
        lines += [
            f"    # {how}",
            f"    - name: {json.dumps(g.name)}",
            f"      skills: [{', '.join(json.dumps(log.queues[q][:60]) for q in g.skills)}]",
            "      # agents per interval whose Erlang A service level and abandonment (observed arrivals, handle time,",
            "      # fitted mean patience) are closest to the log's in that interval of the day",
            f"      staffing: [{', '.join(str(n) for n in g.staffing)}]",
        ]
    lines += ["  routing:", "    # calls go to the groups that answered them; others' skills after no extra wait", "    policy: skills_based"]
    p, judged, redialled = cal.follow.redial_probability
    if log.caller is None:
        lines += ["redials:", "  # no caller_id column: redials cannot be seen", "  probability: 0.0"]
    else:
        lines += ["redials:"] + _followup(
            "  ", f"share of abandoned calls followed by a call from the same caller within {o.redial_window_seconds:g} s"
            f" ({redialled:,} of {judged:,} judged)", "probability", p, "delay", cal.follow.redial_delay_s, "an abandon to the redial")
    return "\n".join(lines) + "\n"
