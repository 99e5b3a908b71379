"""Trust checks for the report: Erlang A against the simulation, and inputs outside industry ranges.

**When is a contact type Erlang-A-like?** Erlang A (M/M/c+M) assumes Poisson arrivals, one pool of
identical agents serving one queue first come first served, exponential handle times and
exponential patience. A contact type ``k`` of a scenario qualifies when all of these hold:

- its handle time is exponential, and every call of the type gets the same handle-time factor
  (no self-service uplift for failed sessions, which would mix two exponentials);
- its patience is exponential, or absent (then the reference is Erlang C, i.e. patience = inf);
- the agent groups that may serve it serve *only* this type, with the same proficiency and no
  overflow delay (they form one pool), and at least one agent is staffed in the interval;
- the scenario has no callback lever, no outsourced overflow, no VIP priority and no redials
  (each makes arrivals or the queue discipline depend on the state of the queue).

IVR containment, self-service and repeat contacts thin or displace a Poisson stream, which stays
Poisson, so they are allowed; the arrival rate used for the analytic figure is the *simulated*
rate of calls offered to the queue in that interval, which includes them. Each interval is
treated as a steady state: Erlang A ignores the queue carried over from the previous interval, so
in overloaded or rapidly changing intervals, and in the first interval of the day (the center
opens with an empty queue), some gap is expected. A row is flagged "close" when the simulated
service level is within 5 points and abandonment within 2 points of Erlang A, or within the
95% confidence half-width of the simulated share over replications when few calls make it
noisier than that.

The input-range warnings use the figures of REFERENCE.md (the industry ranges the README cites).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.core.erlang import erlang_a_metrics
from simulator.analysis.stats import mean_ci
from simulator.analysis.kpis import interval_of_day, measured
from simulator.model.load import expected_handle_seconds
from simulator.model.plan import EnginePlan
from simulator.model.oddities import odd_inputs
from simulator.engine.records import ABANDONED, Records, is_answered
from simulator.model.scenario import Scenario

SL_TOLERANCE = 0.05
ABANDON_TOLERANCE = 0.02


# ---------------------------------------------------------------- Erlang-A eligibility
ERLANG_A_RULE = ("A contact type qualifies for the Erlang A cross-check when its handle time and patience are exponential, "
                 "agents who serve only it answer it (at one speed, not as overflow), and no callback, outsourced "
                 "overflow, VIP priority or redials change who waits.")
"""What ``erlang_a_types`` requires, in one sentence for the report."""


def erlang_a_types(plan: EnginePlan) -> dict[int, str]:
    """Contact types that are Erlang-A-like -> "" ; others -> the reason they are not.

    Returns a dict for every type index: an empty string when the type qualifies, otherwise a
    short plain-words reason.
    """
    scenario_reason = ""
    if plan.callback is not None:
        scenario_reason = "callbacks change who waits"
    elif plan.outsource is not None:
        scenario_reason = "outsourced overflow takes calls out of the queue"
    elif plan.vip_share > 0:
        scenario_reason = "VIP priority changes the queue order"
    elif plan.redial_probability > 0:
        scenario_reason = "redials make arrivals depend on abandonment"
    out: dict[int, str] = {}
    for k, t in enumerate(plan.types):
        if scenario_reason:
            out[k] = scenario_reason
            continue
        if t.handle.kind != "exponential":
            out[k] = f"handle time is {t.handle.kind}, not exponential"
            continue
        if t.patience is not None and t.patience.kind != "exponential":
            out[k] = f"patience is {t.patience.kind}, not exponential"
            continue
        if t.ss_adoption > 0 and t.ss_failed_handle_factor != 1.0:
            out[k] = "failed self-service calls take longer (two handle-time means)"
            continue
        serving = plan.type_groups(k)
        if not serving:
            out[k] = "no agent group serves it"
            continue
        if any(len(plan.group_skills[g]) != 1 for g, _, _ in serving):
            out[k] = "its agents also serve other contact types"
            continue
        if len({round(f, 9) for _, _, f in serving}) != 1 or any(d > 0 for _, d, _ in serving):
            out[k] = "its agent groups differ in speed or take it only as overflow"
            continue
        out[k] = ""
    return out


def type_pool(plan: EnginePlan, k: int) -> tuple[list[int], float]:
    """Groups that form type ``k``'s pool and the mean handle time (seconds) of its calls."""
    serving = plan.type_groups(k)
    groups = [g for g, _, _ in serving]
    factor = serving[0][2] if serving else 1.0
    aht = expected_handle_seconds(plan, k, factor)
    return groups, aht


# ---------------------------------------------------------------- simulated counts per type
def type_interval_counts(records: Records, plan: EnginePlan) -> pd.DataFrame:
    """Offered, answered-within-target and abandoned calls per (contact type, interval of the day),
    summed over the days of one replication."""
    r = measured(records, plan)
    n_int = plan.intervals_per_day
    offered = ~np.isnan(r.queue_s)
    _, j = interval_of_day(r.queue_s[offered], plan)
    k = r.ctype[offered].astype(np.int64)
    cell = k * n_int + j
    out = r.outcome[offered]
    answered = is_answered(out)
    within = answered & (r.wait_s[offered] <= plan.target_seconds)
    size = len(plan.types) * n_int
    return pd.DataFrame(
        {
            "type": np.repeat(np.arange(len(plan.types)), n_int),
            "interval": np.tile(np.arange(n_int), len(plan.types)),
            "offered": np.bincount(cell, minlength=size).astype(float),
            "within": np.bincount(cell, weights=within, minlength=size),
            "abandoned": np.bincount(cell, weights=out == ABANDONED, minlength=size),
        }
    )


# ---------------------------------------------------------------- the validity table
@dataclass(frozen=True)
class ValidityReport:
    table: pd.DataFrame  # one row per eligible (type, interval)
    reasons: dict[str, str]  # contact type -> why it is not compared ("" when it is)

    @property
    def share_close(self) -> float:
        if self.table.empty:
            return math.nan
        return float(self.table["close"].mean())


def validity_table(result, type_counts: list[pd.DataFrame]) -> ValidityReport:  # noqa: ANN001
    """Analytic Erlang A next to the simulated service level and abandonment.

    ``type_counts``: per replication, ``type_interval_counts`` (kept by ``simulate``).
    """
    plan: EnginePlan = result.plan
    eligible = erlang_a_types(plan)
    names = [t.name for t in plan.types]
    reasons = {names[k]: why for k, why in eligible.items()}
    cols = ["contact_type", "interval", "interval_start", "agents", "offered_per_hour", "aht_seconds", "patience_seconds",
            "erlang_a_service_level", "simulated_service_level", "erlang_a_abandonment", "simulated_abandonment", "close"]
    if not any(why == "" for why in eligible.values()):
        return ValidityReport(pd.DataFrame(columns=cols), reasons)
    per_rep = pd.concat([c.assign(rep=r) for r, c in enumerate(type_counts)], ignore_index=True)
    counts = per_rep.groupby(["type", "interval"])[["offered", "within", "abandoned"]].sum()
    reps = len(type_counts)
    L = plan.interval_seconds
    rows = []
    for k, why in eligible.items():
        if why:
            continue
        groups, aht = type_pool(plan, k)
        patience = plan.types[k].patience.mean if plan.types[k].patience is not None else math.inf
        for i in range(plan.intervals_per_day):
            agents = int(plan.staffing[groups, i].sum()) if plan.staffing.ndim == 2 else _open_day_agents(plan, groups, i)
            if (k, i) not in counts.index:
                continue
            c = counts.loc[(k, i)]
            if agents <= 0 or c["offered"] <= 0:
                continue
            per_hour = c["offered"] / (reps * plan.days) * 3600.0 / L
            if plan.week_weights is None:
                m = erlang_a_metrics(per_hour, aht, agents, plan.target_seconds, patience)
            else:
                m = _weekly_reference(plan, groups, i, per_hour, aht, patience)
            sim_sl = c["within"] / c["offered"]
            sim_ab = c["abandoned"] / c["offered"]
            cell = per_rep[(per_rep["type"] == k) & (per_rep["interval"] == i) & (per_rep["offered"] > 0)]
            half_sl = _half_width((cell["within"] / cell["offered"]).to_numpy())
            half_ab = _half_width((cell["abandoned"] / cell["offered"]).to_numpy())
            start = (plan.open_seconds + i * L) % 86400
            rows.append(
                {
                    "contact_type": names[k],
                    "interval": i,
                    "interval_start": f"{start // 3600:02d}:{(start % 3600) // 60:02d}",
                    "agents": agents,
                    "offered_per_hour": per_hour,
                    "aht_seconds": aht,
                    "patience_seconds": patience,
                    "erlang_a_service_level": m.service_level,
                    "simulated_service_level": sim_sl,
                    "erlang_a_abandonment": m.abandonment,
                    "simulated_abandonment": sim_ab,
                    "close": bool(abs(sim_sl - m.service_level) <= max(SL_TOLERANCE, half_sl)
                                  and abs(sim_ab - m.abandonment) <= max(ABANDON_TOLERANCE, half_ab)),
                }
            )
    return ValidityReport(pd.DataFrame(rows, columns=cols), reasons)


def _open_day_agents(plan: EnginePlan, groups: list[int], i: int) -> int:
    """The fewest agents of ``groups`` in interval ``i`` over the horizon's open days (per-weekday staffing)."""
    open_days = plan.day_weights() > 0
    return int(plan.by_day()[open_days][:, groups, i].sum(axis=1).min())


def _weekly_reference(plan: EnginePlan, groups: list[int], i: int, per_hour: float, aht: float,
                      patience: float) -> "_Mix":
    """Erlang A of each open day of a weekly pattern (its own volume and staffing), weighted by the
    day's calls: the reference for a row that sums the horizon's days."""
    w = plan.day_weights()
    agents = plan.by_day()[:, groups, i].sum(axis=1)
    sl = ab = 0.0
    for d in np.flatnonzero(w > 0):
        q = erlang_a_metrics(per_hour * w[d] / w.mean(), aht, int(agents[d]), plan.target_seconds, patience)
        sl += w[d] * q.service_level
        ab += w[d] * q.abandonment
    return _Mix(sl / w.sum(), ab / w.sum())


@dataclass(frozen=True)
class _Mix:
    service_level: float
    abandonment: float


def _half_width(values: np.ndarray) -> float:
    """Student-t 95% half-width of a mean over replications (0 with fewer than two)."""

    if len(values) < 2:
        return 0.0
    m, lo, hi = mean_ci(values)
    return float(hi - m) if np.isfinite(hi) else 0.0


# ---------------------------------------------------------------- input-range warnings
@dataclass(frozen=True)
class InputWarning:
    field: str  # dotted path in the scenario, or the KPI name for simulated figures
    value: str  # formatted
    message: str  # plain words, with the usual range and its source


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


USD_NAMES = ("USD", "$", "US$")  # the currencies the reference money ranges are in


def usd_rate(scenario: Scenario) -> float | None:
    """US dollars per unit of the scenario's currency for the money checks: 1 for USD,
    ``costs.usd_per_unit`` for another currency, ``None`` when not given (no money check runs)."""
    c = scenario.costs
    return 1.0 if c.currency.upper() in USD_NAMES else c.usd_per_unit


def money_note(scenario: Scenario) -> str:
    """What the report says about the money checks: nothing for USD, the rate used, or that they did not run."""
    cur = scenario.costs.currency
    rate = usd_rate(scenario)
    if cur.upper() in USD_NAMES:
        return ""
    if rate is None:
        return (f"Money inputs are in {cur} and were not checked: the reference ranges are in US dollars "
                f"(give costs.usd_per_unit, US dollars per {cur}, to check them).")
    return f"Money inputs were checked in US dollars at 1 {cur} = {rate:g} USD (costs.usd_per_unit)."


def input_warnings(scenario: Scenario, metrics: pd.DataFrame | None = None, intervals: pd.DataFrame | None = None) -> list[InputWarning]:
    """Inputs (and simulated figures) that lie outside the common industry ranges of REFERENCE.md.

    ``metrics``: ``SimulationResult.metrics()``; ``intervals``: ``interval_summary()``. Money
    checks run in US dollars: for another currency at ``costs.usd_per_unit``, and not at all without
    it (``money_note`` says which).
    """
    # Legal but odd inputs (zero agents, a warm-up over most of the horizon) come first: they
    # change what every figure means.
    w: list[InputWarning] = [InputWarning(o.field, o.value, o.message) for o in odd_inputs(scenario)]
    c = scenario.costs
    rate = usd_rate(scenario)
    usd = rate is not None

    def money(x: float, unit: str = "") -> str:
        """An input in its currency, with the dollar figure checked when converted: 20 EUR/h (≈ $21.60)."""
        text = f"{x:,.4g} {c.currency}{unit}"
        return text if rate == 1.0 else f"{text} (≈ ${x * rate:,.4g})"

    def add(field: str, value: str, message: str) -> None:
        w.append(InputWarning(field, value, message))

    if c.shrinkage < 0.15:
        add("costs.shrinkage", _pct(c.shrinkage), "Shrinkage below 15% is rare: surveys report 24% on average, 26–35% commonly "
            "(breaks, training, absence). Labour cost is probably understated.")
    elif c.shrinkage > 0.45:
        add("costs.shrinkage", _pct(c.shrinkage), "Shrinkage above 45% is unusually high (common range 26–35%).")
    if c.benefits_load < 0.15 or c.benefits_load > 0.5:
        add("costs.benefits_load", _pct(c.benefits_load), "Benefits load is usually 20–43% of wages (BLS: about 30%).")
    if usd and c.agent_hourly_wage > 0 and not 12.0 <= c.agent_hourly_wage * rate <= 35.0:
        add("costs.agent_hourly_wage", money(c.agent_hourly_wage, "/h"),
            "US agent wages are usually $15–27 an hour (BLS median about $20.6).")
    if not 6 <= c.span_of_control <= 25:
        add("costs.span_of_control", f"{c.span_of_control:g}", "A supervisor usually leads 8–20 agents (1:12 is typical).")
    if usd and c.licence_per_agent_month * rate > 250:
        add("costs.licence_per_agent_month", money(c.licence_per_agent_month), "Contact-center seat licences usually cost $75–155 per agent per month.")
    if usd and c.telephony.inbound_per_minute * rate > 0.1:
        add("costs.telephony.inbound_per_minute", money(c.telephony.inbound_per_minute),
            "Inbound minutes usually cost $0.0085 (VoIP) to $0.022 (toll-free).")
    if scenario.service_target.fraction < 0.5:
        add("service_target.fraction", _pct(scenario.service_target.fraction), "Most centers target 80% of calls answered within 20 s.")
    for i, t in enumerate(scenario.contact_types):
        mean = t.handle_time.mean_seconds
        if t.handle_time.distribution == "empirical" and t.handle_time.samples:
            mean = float(np.mean(t.handle_time.samples))
        if mean is not None and mean < 60:
            add(f"contact_types.{i}.handle_time", f"{mean:g} s", f"'{t.name}': an average handle time under a minute is unusual "
                "for agent calls (5–7 minutes is typical).")
        elif mean is not None and mean > 1800:
            add(f"contact_types.{i}.handle_time", f"{mean:g} s", f"'{t.name}': an average handle time over 30 minutes is unusual.")
        if t.fcr < 0.5:
            add(f"contact_types.{i}.fcr", _pct(t.fcr), f"'{t.name}': first-contact resolution is usually 70–79% (80%+ is world class).")
        elif t.fcr > 0.95 and t.fcr < 1.0:
            add(f"contact_types.{i}.fcr", _pct(t.fcr), f"'{t.name}': first-contact resolution above 95% is beyond world class (≥ 80%).")
    lv = scenario.levers
    if lv.ivr is not None:
        vals = lv.ivr.containment.values() if isinstance(lv.ivr.containment, dict) else [lv.ivr.containment]
        top = max(vals, default=0.0)
        if top > 0.8:
            add("levers.ivr.containment", _pct(top), "IVR containment above 80% is rarely seen even for balance and payment "
                "intents (55–80%); overall 15–25% is typical.")
    if lv.callback is not None and lv.callback.acceptance > 0.7:
        add("levers.callback.acceptance", _pct(lv.callback.acceptance), "Callback acceptance is about 37% in published studies.")
    if lv.agent_assist is not None and lv.agent_assist.handle_time_reduction > 0.4:
        add("levers.agent_assist.handle_time_reduction", _pct(lv.agent_assist.handle_time_reduction),
            "Partial automation saves about 25% of agent time in published cases; more than 40% is optimistic.")
    if metrics is not None:
        def mean(k: str) -> float:
            return float(metrics.loc[k, "mean"]) if k in metrics.index else math.nan

        occ = mean("occupancy")
        if occ > 0.90:
            add("occupancy", _pct(occ), "Occupancy above 90% burns agents out; centers target 75–85%.")
        elif occ < 0.5:
            add("occupancy", _pct(occ), "Occupancy below 50%: agents are idle half the time (75–85% is the usual target).")
        ab = mean("abandonment_rate")
        if ab > 0.16:
            add("abandonment_rate", _pct(ab), "Abandonment above 16% is beyond what most industries see (5–8% typical).")
        cpc = mean("cost_per_call")
        if usd and math.isfinite(cpc) and not 1.5 <= cpc * rate <= 12.0:
            add("cost_per_call", money(cpc), "Phone calls usually cost $2.70–5.60 each (ContactBabel: ≈ $5.25).")
    if intervals is not None and "occupancy" in intervals:
        hot = intervals[intervals["occupancy"] > 0.95]
        if len(hot):
            add("occupancy (by interval)", f"{len(hot)} interval(s)", "Some intervals run above 95% occupancy: queues there are "
                "unstable and the numbers depend heavily on patience.")
    return w
