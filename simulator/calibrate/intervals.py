"""Calibrating from an interval report, when that is all a client has.

One row per interval and queue: ``interval_start`` (ISO 8601), ``queue``, ``offered``,
``answered``, ``abandoned``, ``aht_seconds``, ``service_level`` (answered within the target /
offered, a fraction) and ``agents`` (staffed on the phones). Means are all such a report holds, so
less can be fitted than from a per-call log, and the comments say so: handle time is exponential
with the answered-weighted AHT (no shape is observable), there are no callers (FCR 1, no
redials), and patience is the exponential mean whose Erlang A (M/M/n+M) abandonment and service
level, per interval of the day (offered calls, AHT and agents pooled over the days), come closest
to the report's, weighted by offered calls.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

from simulator.calibrate.calllog import bad_utf8_line, read_header
from simulator.calibrate.volumes import DAY, Hours, Volumes
from simulator.calibrate.writer import head_lines, shares_summing_to_one
from simulator.core.erlang import erlang_a_metrics
from simulator.core.errors import InputFileError

FIELDS = ("interval_start", "queue", "offered", "answered", "abandoned", "aht_seconds", "service_level", "agents")
COUNTS = ("offered", "answered", "abandoned", "agents")


def read_interval_report(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The report with the default field names, checked row by row (one-line errors)."""
    p = Path(path)
    mapping = {f: f for f in FIELDS}
    for item in columns or []:
        key, _, value = item.partition("=")
        if key.strip() not in FIELDS or not value.strip():
            raise InputFileError(f"--column must be FIELD=Column with FIELD one of {', '.join(FIELDS)} for an interval report (got {item!r})")
        mapping[key.strip()] = value.strip()
    header = read_header(p)
    missing = [f for f in FIELDS if mapping[f] not in header]
    if missing:
        raise InputFileError(f"{p.name}: column '{mapping[missing[0]]}' (field {missing[0]}) not found; the header has: {', '.join(header[:12])}")
    try:
        raw = pd.read_csv(p, usecols=list(mapping.values()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{p.name} line {bad_utf8_line(p)} is not valid UTF-8 text (save the report as UTF-8 CSV)") from None
    raw = raw.rename(columns={v: k for k, v in mapping.items()})
    lines = np.arange(2, len(raw) + 2)

    def fail(bad: np.ndarray, field: str, rule: str) -> None:
        i = int(np.flatnonzero(bad)[0])
        raise InputFileError(f"{p.name} line {lines[i]}, column '{mapping[field]}' must be {rule} (got {raw[field].iloc[i]!r})")

    out = pd.DataFrame({"queue": raw["queue"].str.strip()})
    if (out["queue"] == "").any():
        fail((out["queue"] == "").to_numpy(), "queue", "a queue name")
    t = pd.to_datetime(raw["interval_start"].str.strip(), format="ISO8601", errors="coerce")
    if t.isna().any():
        fail(t.isna().to_numpy(), "interval_start", "a timestamp like 2024-03-04T09:30:00")
    out["start_s"] = t.to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    for f in ("offered", "answered", "abandoned", "aht_seconds", "service_level", "agents"):
        x = pd.to_numeric(raw[f].str.strip(), errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(x) | (x < 0) | ((x > 1) if f == "service_level" else False)
        if bad.any():
            fail(bad, f, "a fraction between 0 and 1" if f == "service_level" else "a number >= 0")
        out[f] = x
    over = out["answered"] + out["abandoned"] > out["offered"] + 0.5
    if over.any():
        fail(over.to_numpy(), "answered", "at most offered - abandoned")
    dup = out.duplicated(["start_s", "queue"])
    if dup.any():
        fail(dup.to_numpy(), "interval_start", "given once per queue (the interval appears twice)")
    if len(out) == 0:
        raise InputFileError(f"{p.name} has a header but no intervals")
    return out


def _patience(rows: pd.DataFrame, hours: Hours, days: int, target: float) -> float | None:
    """Exponential mean patience whose Erlang A fits the report's abandonment and service level.

    The report is pooled by interval of the day first (offered per day, answered-weighted AHT,
    mean agents, abandoned / offered and service level over all days), as the scenario's profile
    is: Erlang A of each noisy 30-minute row would be biased by its curvature (measured on a
    synthetic report: -41% and -27% instead of -2% and +1%).
    """
    r = rows[(rows["agents"] > 0) & (rows["offered"] > 0)]
    if r["abandoned"].sum() == 0:
        return None
    g = pd.DataFrame({"iv": hours.interval_of(r["start_s"].to_numpy()), "offered": r["offered"], "abandoned": r["abandoned"],
                      "within": r["service_level"] * r["offered"], "handled": r["aht_seconds"] * r["answered"],
                      "answered": r["answered"], "agents": r["agents"]}).groupby("iv")
    pooled = pd.DataFrame({"offered": g["offered"].sum(), "abandoned": g["abandoned"].sum(), "within": g["within"].sum(),
                           "aht": g["handled"].sum() / g["answered"].sum().clip(lower=1), "agents": g["agents"].mean()})
    pooled = pooled[pooled["aht"] > 0]
    per_hour = pooled["offered"].to_numpy() / days * 60.0 / hours.interval_minutes
    weight = pooled["offered"].to_numpy() / pooled["offered"].sum()
    ab = (pooled["abandoned"] / pooled["offered"]).to_numpy()
    sl = (pooled["within"] / pooled["offered"]).to_numpy()

    def loss(log_mean: float) -> float:
        err = 0.0
        for lam, aht, n, a, s, w in zip(per_hour, pooled["aht"], pooled["agents"], ab, sl, weight):
            m = erlang_a_metrics(lam, aht, max(int(round(n)), 1), target, math.exp(log_mean))
            err += w * ((m.abandonment - a) ** 2 + (m.service_level - s) ** 2)
        return err

    res = optimize.minimize_scalar(loss, bounds=(math.log(5.0), math.log(36000.0)), method="bounded", options={"xatol": 1e-3})
    return float(math.exp(res.x))


def interval_scenario_yaml(rows: pd.DataFrame, source: str, name: str, interval_minutes: int | None, target_seconds: float) -> str:
    """Fit what an interval report allows and write it as a commented scenario."""
    starts = np.sort(rows["start_s"].unique())
    gaps = np.diff(starts)
    if interval_minutes is None:  # the report's own spacing: the shortest gap between interval starts
        interval_minutes = int(round(float(gaps[gaps > 0].min()) / 60)) if (gaps > 0).any() else 30
    step_min = interval_minutes
    step = step_min * 60
    busy = rows[rows["offered"] > 0]
    tod = np.mod(busy["start_s"].to_numpy(), DAY)
    hours = Hours(int(tod.min() // step * step), int(min((tod.max() // step + 1) * step, DAY)), step_min)
    day = np.floor(rows["start_s"].to_numpy() / DAY).astype(np.int64)
    open_days = np.unique(day[rows["offered"].to_numpy() > 0])
    total = float(rows["offered"].sum())
    cpd = total / len(open_days)
    interval = hours.interval_of(rows["start_s"].to_numpy())
    profile = np.bincount(interval, weights=rows["offered"], minlength=hours.intervals) / len(open_days)
    per_day = pd.Series(rows["offered"].to_numpy(), index=day).groupby(level=0).sum()
    weekday_of = (per_day.index.to_numpy() + 3) % 7
    weights = [float(per_day[weekday_of == w].mean() / cpd) if (weekday_of == w).any() else 0.0 for w in range(7)]
    queues = list(dict.fromkeys(rows["queue"]))
    shares = shares_summing_to_one([float(rows.loc[rows["queue"] == q, "offered"].sum() / total) for q in queues])
    iso = np.datetime_as_string(open_days[[0, -1]].astype("datetime64[D]"))
    v = Volumes(cpd, len(open_days), int(total), [float(x) for x in profile], weights,
                sorted({int(w) for w in (open_days + 3) % 7}), shares, str(iso[0]), str(iso[1]))
    answered = float(rows["answered"].sum())
    obs = {"service_level": float((rows["service_level"] * rows["offered"]).sum() / total),
           "abandonment_rate": float(rows["abandoned"].sum() / total),
           "aht_seconds": float((rows["aht_seconds"] * rows["answered"]).sum() / max(answered, 1.0))}
    intro = (f"Calibrated by `ccsim calibrate --interval-report` from {Path(source).name}: {len(rows):,} interval rows, "
             f"{int(total):,} calls offered from {v.first_day} to {v.last_day}. No callers in an interval report: FCR 1, no redials.")
    lines = head_lines(intro, name, v, hours, target_seconds, obs)
    groups = []
    for q, queue in enumerate(queues):
        r = rows[rows["queue"] == queue]
        aht = float((r["aht_seconds"] * r["answered"]).sum() / max(r["answered"].sum(), 1.0)) or obs["aht_seconds"]
        patience = _patience(r, hours, len(open_days), target_seconds)
        lines += [f"  - name: {json.dumps(queue[:60])}", "    # share of calls offered", f"    share: {json.dumps(shares[q])}",
                  "    # AHT weighted by answered calls; exponential: a report of means shows no shape",
                  f"    handle_time: {{distribution: \"exponential\", mean_seconds: {round(max(aht, 1.0), 2)}}}"]
        if patience is None:
            lines += ["    # no abandons (or no agents) in the report: the callers are taken never to abandon", "    patience: null"]
        else:
            lines += ["    # exponential mean whose Erlang A abandonment and service level (offered calls, AHT and agents per",
                      "    # interval of the day, pooled over the days) come closest to the report's, weighted by offered calls",
                      f"    patience: {{distribution: \"exponential\", mean_seconds: {round(patience, 1)}}}"]
        lines.append("    fcr: 1.0")
        iv = hours.interval_of(r["start_s"].to_numpy())
        agents = pd.Series(r["agents"].to_numpy(), index=iv).groupby(level=0).mean().reindex(range(hours.intervals)).fillna(0)
        groups.append((queue, [int(round(a)) for a in agents]))
    lines += ["agents:", "  groups:"]
    for queue, staffing in groups:
        lines += [f"    - name: {json.dumps((queue + ' team')[:60])}", f"      skills: [{json.dumps(queue[:60])}]",
                  "      # agents staffed per interval in the report, mean over its days",
                  f"      staffing: [{', '.join(str(a) for a in staffing)}]"]
    lines += ["redials:", "  # no callers in an interval report: redials cannot be seen", "  probability: 0.0"]
    return "\n".join(lines) + "\n"
