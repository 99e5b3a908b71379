"""Levers: the direction and a plausible magnitude of each lever's effect on the KPIs.

Every comparison runs the baseline and the lever with the same seed (common random numbers) and
judges the paired difference replication by replication (``stats.paired_difference``): the
tolerance is the 95% confidence interval of that difference, widened by a stated modelling
allowance where the expectation is an approximation. Scenarios are the shipped example files cut
to one day so that the whole file runs in well under a minute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator.analysis.costs import horizon_days
from simulator.engine.callcenter import CallCenterModel
from simulator.model.build import build_plan, cost_inputs
from simulator.engine.records import ABANDONED, CALLBACK_ANSWERED, CALLBACK_FAILED, OUTSOURCED
from simulator.model.scenario import Scenario, load_scenario, parse_scenario
from simulator.studies.simulate import simulate
from simulator.analysis.stats import paired_difference
from simulator.model.streams import replication_streams

EXAMPLES = Path(__file__).resolve().parents[1] / "scenarios"
REPS = 8


def example(name: str, days: int = 1, **levers: Any) -> Scenario:
    """An example file cut to ``days`` days, with lever fields replaced (``None`` removes a lever)."""
    sc = load_scenario(EXAMPLES / name)
    data = sc.model_dump(mode="python")
    data["horizon"]["days"] = days
    for k, v in levers.items():
        data["levers"][k] = v
    return parse_scenario(data)


def changed(sc: Scenario, **top: Any) -> Scenario:
    data = sc.model_dump(mode="python")
    for k, v in top.items():
        data[k] = v
    return parse_scenario(data)


_CACHE: dict[str, Any] = {}


def run(sc: Scenario, reps: int = REPS):
    key = sc.model_dump_json() + str(reps)
    if key not in _CACHE:
        _CACHE[key] = simulate(sc, replications=reps, workers=1)
    return _CACHE[key]


def diff(a, b, kpi: str, table: str = "replications") -> tuple[float, float, float]:
    """Paired difference b - a of a KPI (or cost component with table='costs')."""
    return paired_difference(getattr(a, table)[kpi].to_numpy(), getattr(b, table)[kpi].to_numpy())


def mean(res, kpi: str, table: str = "replications") -> float:
    return float(getattr(res, table)[kpi].mean())


@pytest.fixture(scope="module")
def base():
    return run(example("baseline.yaml"))


# ---------------------------------------------------------------- every file
@pytest.mark.parametrize("path", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_example_loads_and_builds(path: str) -> None:
    sc = load_scenario(EXAMPLES / path)
    plan = build_plan(sc)
    rates = cost_inputs(sc)
    assert plan.staffing.sum() > 0
    if path not in ("baseline.yaml", "routing-dedicated.yaml", "shifts.yaml"):  # shift rules, a week, a baseline variant: not levers
        assert rates.investment > 0, f"{path}: a lever file should carry its one-time investment"


# ---------------------------------------------------------------- IVR
def test_ivr_containment_cuts_calls_by_the_contained_share(base) -> None:
    """30% of billing/account contained (10% before): ~20% of calls end in the IVR instead of 10%."""
    ivr = load_scenario(EXAMPLES / "ivr.yaml").levers.ivr.model_dump()
    ivr.update(remaining_handle_time_uplift=0.0, false_containment_share=0.0)
    lever = run(example("ivr.yaml", ivr=ivr))
    # Share of first-contact calls contained, per the file: .35*.3 + .15*.3 + .30*.1 + .20*.1 = 0.20
    first_calls = lever.replications["ivr_contained"] + lever.replications["calls_offered"] - lever.replications[
        "repeat_contacts"] - lever.replications["redials"]
    share = float((lever.replications["ivr_contained"] / first_calls).mean())
    assert abs(share - 0.20) < 0.01, f"contained share of first calls {share:.3f}, expected 0.20"
    # Calls offered fall by ~ (0.20 - 0.10) / 0.90 = 11% (repeats and redials fall with them).
    d, lo, hi = diff(base, lever, "calls_offered")
    rel = d / mean(base, "calls_offered")
    assert -0.15 < rel < -0.08 and hi < 0, f"calls offered change {rel:+.3f} (CI {lo:.0f}..{hi:.0f}), expected ~-0.11"
    # At equal staffing, service improves.
    d_sl, lo_sl, _ = diff(base, lever, "service_level")
    assert lo_sl > 0, f"service level should rise: {d_sl:+.3f} (CI low {lo_sl:+.3f})"
    d_asa, _, hi_asa = diff(base, lever, "asa_seconds")
    assert hi_asa < 0, f"ASA should fall: {d_asa:+.1f} s (CI high {hi_asa:+.1f})"
    # IVR usage is costed: longer dialogs, dearer minutes.
    d_ivr, lo_ivr, _ = diff(base, lever, "ivr", table="costs")
    assert lo_ivr > 0, f"IVR cost should rise: {d_ivr:+.0f}"


def test_ivr_leaks_harder_calls_and_false_containment(base) -> None:
    """The file's leaks: remaining billing/account calls +5% handle time, 10% of contained come back."""
    clean_ivr = load_scenario(EXAMPLES / "ivr.yaml").levers.ivr.model_dump()
    clean_ivr.update(remaining_handle_time_uplift=0.0, false_containment_share=0.0)
    clean = run(example("ivr.yaml", ivr=clean_ivr))
    leaky = run(example("ivr.yaml"))
    d_rep, lo_rep, _ = diff(clean, leaky, "repeat_contacts")
    # 10% of ~1,600 contained a day come back (within the day, most of them): +100..+200 repeats.
    contained = mean(leaky, "ivr_contained")
    assert lo_rep > 0 and 0.05 * contained < d_rep < 0.12 * contained, (
        f"extra repeats {d_rep:.0f} for {contained:.0f} contained (10% false containment)")
    d_aht, lo_aht, _ = diff(clean, leaky, "aht_seconds")
    # Billing+account are ~40% of handled calls and get +5%: AHT rises ~1.5-2.5%.
    rel = d_aht / mean(clean, "aht_seconds")
    assert lo_aht > 0 and 0.01 < rel < 0.03, f"AHT change {rel:+.4f}, expected ~+0.02"
    d_res, _, hi_res = diff(clean, leaky, "needs_resolved")
    assert hi_res < 0, f"false containment resolves fewer needs: {d_res:+.0f}"


# ---------------------------------------------------------------- self-service
def test_self_service_deflects_calls_and_costs_sessions(base) -> None:
    ss = load_scenario(EXAMPLES / "self-service.yaml").levers.self_service.model_dump()
    ss.update(false_resolution_share=0.0, failed_handle_time_uplift=0.0)
    lever = run(example("self-service.yaml", self_service=ss))
    r = lever.replications
    # Adoption per the file: .35*.3 + .15*.3 + .30*.15 + .20*.10 = 0.215 of needs try it first.
    needs = r["self_service_sessions"] / 0.215
    resolved_share = float((r["self_service_resolved"] / r["self_service_sessions"]).mean())
    expected = (0.35 * 0.3 * 0.6 + 0.15 * 0.3 * 0.6 + 0.30 * 0.15 * 0.35 + 0.20 * 0.10 * 0.40) / 0.215
    assert abs(resolved_share - expected) < 0.02, f"resolved share {resolved_share:.3f}, expected {expected:.3f}"
    d, lo, hi = diff(base, lever, "calls_offered")
    rel = d / mean(base, "calls_offered")
    deflected = expected * 0.215  # ~11% of needs never call
    assert hi < 0 and abs(rel + deflected) < 0.04, f"calls offered change {rel:+.3f}, expected ~{-deflected:+.3f}"
    cost = lever.costs["self_service"].to_numpy()
    months = horizon_days(lever.plan) / 21.0
    hand = r["self_service_sessions"].to_numpy() * 0.50 + 6000.0 * months
    assert np.allclose(cost, hand), f"self-service cost {cost} != sessions x $0.50 + fee {hand}"
    assert float(needs.mean()) > 0


def test_self_service_false_resolution_comes_back() -> None:
    ss = load_scenario(EXAMPLES / "self-service.yaml").levers.self_service.model_dump()
    clean = run(example("self-service.yaml", self_service={**ss, "false_resolution_share": 0.0}))
    leaky = run(example("self-service.yaml", self_service={**ss, "false_resolution_share": 0.3}))
    d, lo, _ = diff(clean, leaky, "repeat_contacts")
    resolved = mean(leaky, "self_service_resolved")
    assert lo > 0 and 0.15 * resolved < d < 0.32 * resolved, f"extra repeats {d:.0f} for {resolved:.0f} resolved at 30% false"


# ---------------------------------------------------------------- callback
def _congested(name: str = "baseline.yaml", **levers: Any) -> Scenario:
    sc = example(name, **levers)
    # A busier day (9,000 needs instead of 8,000), without day-to-day volume noise.
    return changed(sc, arrivals={**sc.arrivals.model_dump(), "calls_per_day": 9000, "daily_cv": 0.0})


def test_callback_cuts_abandonment_and_queue_minutes() -> None:
    cb = load_scenario(EXAMPLES / "callback.yaml").levers.callback.model_dump()
    base = run(_congested())
    lever = run(_congested(callback=cb))
    d_ab, _, hi_ab = diff(base, lever, "abandonment_rate")
    # Accepted callers never abandon, but they keep their place and take agent time, so callers
    # who decline wait a little longer: the drop is real but smaller than the accepted share.
    accepted_share = mean(lever, "callbacks_accepted") / mean(lever, "calls_offered")
    assert hi_ab < 0 and -d_ab < accepted_share, (
        f"abandonment change {d_ab:+.4f} (CI high {hi_ab:+.4f}), accepted share {accepted_share:.3f}")
    d_sl, lo_sl, _ = diff(base, lever, "service_level")
    assert lo_sl > 0, f"service level change {d_sl:+.3f} (callbacks count as answered in time)"
    d_asa, _, hi_asa = diff(base, lever, "asa_seconds")
    assert hi_asa < 0, f"ASA change {d_asa:+.1f}"
    d_red, _, hi_red = diff(base, lever, "redials")
    assert hi_red < 0, f"less abandonment, fewer redials: {d_red:+.0f}"
    d_tel, _, hi_tel = diff(base, lever, "telephony", table="costs")
    assert hi_tel < 0, f"fewer queue minutes, less inbound telephony: {d_tel:+.1f}"
    assert mean(lever, "callbacks_accepted") > 100


def test_callback_rows_acceptance_and_attempts() -> None:
    """Offered when the expected wait > threshold; ~37% accept; accepted never abandon; wait 0."""
    cb = load_scenario(EXAMPLES / "callback.yaml").levers.callback.model_dump()
    cb.update(max_attempts=2, connect_rate=0.7)
    sc = _congested(callback=cb)
    plan = build_plan(sc)
    accepted = offers = 0
    for rep in range(2):
        model = CallCenterModel(plan, replication_streams(sc.seed, rep))
        rec = model.run()
        cbm = rec.callback
        accepted += int(cbm.sum())
        offers += model.callback_offers
        assert not np.any(rec.outcome[cbm] == ABANDONED), "a caller who accepted a callback abandoned"
        assert np.all(rec.wait_s[cbm] == 0.0), "accepted callbacks must have no live queue wait"
        assert np.all(np.isin(rec.outcome[cbm], [CALLBACK_ANSWERED, CALLBACK_FAILED]))
        ok = rec.outcome == CALLBACK_ANSWERED
        assert np.all(rec.answer_s[ok] >= rec.queue_s[ok]), "a callback connected before the caller queued"
        assert np.all(rec.outbound_s[ok] >= rec.handle_s[ok] - 1e-9), "callback talk is outbound"
        failed = rec.outcome == CALLBACK_FAILED
        # Two attempts at 70% connect: ~9% of callbacks fail, each after 2 x 30 s of agent time.
        share_failed = failed.sum() / cbm.sum()
        assert 0.05 < share_failed < 0.14, f"failed callbacks {share_failed:.3f}, expected ~0.09"
        assert np.allclose(rec.busy_s[failed], 60.0) and np.all(rec.attempts[failed] == 2)
        first_try = ok & (rec.attempts == 1)
        assert 0.65 < first_try.sum() / cbm.sum() < 0.75
    p = accepted / offers
    half = 1.96 * np.sqrt(0.37 * 0.63 / offers)
    assert abs(p - 0.37) < half + 0.01, f"acceptance {p:.3f} of {offers} offers, expected 0.37 +/- {half:.3f}"


# ---------------------------------------------------------------- FCR
def _fcr_center(fcr: float) -> Scenario:
    return parse_scenario({
        "name": f"fcr {fcr}", "seed": 11,
        "horizon": {"days": 1, "open": "08:00", "close": "20:00", "interval_minutes": 30},
        "arrivals": {"calls_per_day": 2000},
        "contact_types": [{"name": "general", "handle_time": {"distribution": "exponential", "mean_seconds": 300},
                           "patience": None, "fcr": 0.68,
                           "repeat_delay": {"distribution": "exponential", "mean_seconds": 600}}],
        "agents": {"groups": [{"name": "team", "skills": ["general"], "staffing": 25}]},
        "levers": {"fcr": {"target": {"general": fcr}, "monthly_fee": 5000.0}} if fcr != 0.68 else {},
    })


def test_fcr_68_to_85_cuts_contacts_by_a_fifth() -> None:
    """REFERENCE: when every unresolved need comes back, volume ~ 1/FCR: 0.68/0.85 = 0.80."""
    base, lever = run(_fcr_center(0.68)), run(_fcr_center(0.85))
    ratio = lever.replications["contacts"].to_numpy() / base.replications["contacts"].to_numpy()
    m, lo, hi = paired_difference(np.zeros(len(ratio)), ratio)
    # Repeats of needs late in the day fall outside the horizon: the ratio sits a little above 0.80.
    assert 0.79 < m < 0.83, f"contacts ratio {m:.3f} (CI {lo:.3f}..{hi:.3f}), expected ~0.80"
    d, lo_r, hi_r = diff(base, lever, "repeat_contacts")
    assert hi_r < 0, f"repeats should fall: {d:+.0f}"
    assert mean(lever, "programmes", table="costs") > 0


def test_fcr_file_cuts_repeats_on_the_baseline(base) -> None:
    lever = run(example("fcr.yaml"))
    d, _, hi = diff(base, lever, "repeat_contacts")
    assert hi < 0 and d / mean(base, "repeat_contacts") < -0.2, f"repeat change {d:+.0f}"
    d_aht, lo, _ = diff(base, lever, "aht_seconds")
    assert lo > 0, f"the programme's 3% longer calls show in AHT: {d_aht:+.1f}"


# ---------------------------------------------------------------- redials
def test_redials_make_abandonment_cost_calls(base) -> None:
    no = example("baseline.yaml")
    no = changed(no, redials={"probability": 0.0})
    none = run(no)
    r = base.replications
    assert mean(none, "redials") == 0
    d, lo, _ = diff(none, base, "calls_offered")
    # About half of the abandoned calls ring again (the last ones of the day fall past close).
    ab = mean(base, "calls_abandoned")
    assert lo > 0 and 0.3 * ab < d < 0.75 * ab, f"extra offered {d:.0f} for {ab:.0f} abandoned (redial 50%)"
    share = float((r["redials"] / r["calls_abandoned"]).mean())
    assert 0.38 < share < 0.55, f"redials / abandoned = {share:.3f}, expected ~0.5"


# ---------------------------------------------------------------- cost-only levers
def test_voip_changes_telephony_only(base) -> None:
    lever = run(example("voip.yaml"))
    flow = [k for k in base.replications.columns if k not in ("total_cost", "cost_per_call", "cost_per_contact",
                                                              "cost_per_resolved_contact")]
    assert base.replications[flow].equals(lever.replications[flow]), "VoIP must not change the flow of calls"
    for comp in base.costs.columns:
        if comp not in ("telephony", "total_cost"):
            assert np.allclose(base.costs[comp], lever.costs[comp]), comp
    d, _, hi = diff(base, lever, "telephony", table="costs")
    assert hi < 0, f"telephony should fall: {d:+.0f}"
    # By hand: the per-seat lines ($25 -> $5) and PBX ($4,000 -> $1,200 subscription) dominate.
    rates_b, rates_l = cost_inputs(example("baseline.yaml")), cost_inputs(example("voip.yaml"))
    assert rates_l.pbx_monthly == 1200.0 and rates_l.line_per_seat_month == 5.0 and rates_b.pbx_monthly == 4000.0


def test_remote_agents_costs_by_hand(base) -> None:
    lever = run(example("remote-agents.yaml"))
    assert base.replications["service_level"].equals(lever.replications["service_level"])
    staffed = mean(base, "staffed_agent_hours")
    # 50% of on-phone hours remote: paid hours 0.5/0.70 + 0.5/0.75 per on-phone hour.
    paid_onsite, paid_remote = staffed * 0.5 / 0.70, staffed * 0.5 / 0.75
    labor = (paid_onsite * 20.0 + paid_remote * 18.0) * 1.30
    assert mean(lever, "agent_labor", "costs") == pytest.approx(labor, rel=1e-9)
    months = 1 / 21
    fte_days = 8.0 * 1
    # Office seats for the on-site half of the 102 agents at once (their shrinkage on site too);
    # the remote half needs no seat but is paid a stipend per person on payroll.
    peak = 27 + 40 + 21 + 14
    facilities = (peak * 0.5 / 0.70 * 350.0 + paid_remote / fte_days * 180.0) * months
    assert mean(lever, "facilities", "costs") == pytest.approx(facilities, rel=1e-9)
    assert mean(base, "facilities", "costs") == pytest.approx(peak / 0.70 * 350.0 * months, rel=1e-9)
    base_labor = staffed / 0.70 * 20.0 * 1.30
    assert mean(base, "agent_labor", "costs") == pytest.approx(base_labor, rel=1e-9)
    saving = 1 - labor / base_labor
    assert 0.07 < saving < 0.09, f"labour saving {saving:.3f}"


# ---------------------------------------------------------------- outsourced overflow
def test_outsourced_overflow_takes_long_waiters() -> None:
    out = load_scenario(EXAMPLES / "outsourced-overflow.yaml").levers.outsourced_overflow.model_dump()
    base = run(_congested())
    lever = run(_congested(outsourced_overflow=out))
    assert mean(lever, "calls_outsourced") > 50
    d_ab, _, hi = diff(base, lever, "abandonment_rate")
    assert hi < 0, f"abandonment should fall: {d_ab:+.4f}"
    sc = _congested(outsourced_overflow=out)
    plan = build_plan(sc)
    rec = CallCenterModel(plan, replication_streams(sc.seed, 0)).run()
    v = rec.outcome == OUTSOURCED
    assert np.allclose(rec.wait_s[v], 60.0), "outsourced calls wait exactly after_seconds"
    # Vendor handle time: the caller's own handle time x 1.10.
    assert np.all(rec.busy_s[v] == 0.0), "vendor calls take no agent time"
    # Usage above the minimum is billed per minute of vendor handle time.
    r0 = CallCenterModel(plan, replication_streams(sc.seed, 0)).run()
    vendor_minutes = float(np.nansum(r0.handle_s[r0.outcome == OUTSOURCED])) / 60.0
    months = 1 / 21
    expected = max(vendor_minutes * 0.90, 15000.0 * months) + 500.0 * months
    assert lever.costs["outsourcing"].iloc[0] == pytest.approx(expected, rel=1e-9)


def test_outsourced_minimum_commitment_applies_when_usage_is_small(base) -> None:
    out = load_scenario(EXAMPLES / "outsourced-overflow.yaml").levers.outsourced_overflow.model_dump()
    out["after_seconds"] = 150  # few calls wait this long
    lever = run(example("baseline.yaml", outsourced_overflow=out))
    months = 1 / 21
    floor = 15000.0 * months + 500.0 * months
    assert np.allclose(lever.costs["outsourcing"], floor), (
        f"outsourcing {lever.costs['outsourcing'].tolist()} should be the minimum {floor:.2f}")
    assert mean(lever, "calls_outsourced") > 0


# ---------------------------------------------------------------- agent assist
def test_agent_assist_cuts_aht_by_the_reduction(base) -> None:
    lever = run(example("agent-assist.yaml"))
    ratio = lever.replications["aht_seconds"].to_numpy() / base.replications["aht_seconds"].to_numpy()
    m, lo, hi = paired_difference(np.zeros(len(ratio)), ratio)
    assert abs(m - 0.90) < 0.01, f"AHT ratio {m:.4f} (CI {lo:.4f}..{hi:.4f}), expected 0.90"
    d, lo_sl, _ = diff(base, lever, "service_level")
    assert lo_sl > 0, f"service level should rise: {d:+.3f}"
    d_occ, _, hi_occ = diff(base, lever, "occupancy")
    assert hi_occ < 0, f"occupancy should fall: {d_occ:+.3f}"
    fte = mean(base, "staffed_agent_hours") / 0.70 / 8.0
    assert mean(lever, "automation", "costs") == pytest.approx((fte * 50.0 + 1000.0) / 21, rel=1e-9)


# ---------------------------------------------------------------- scheduling
def test_scheduling_keeps_hours_and_raises_service(base) -> None:
    sc = example("scheduling.yaml")
    flat = build_plan(example("baseline.yaml")).staffing
    shaped = build_plan(sc).staffing
    assert np.array_equal(flat.sum(axis=1), shaped.sum(axis=1)), "each group keeps its agent-hours"
    assert not np.array_equal(flat, shaped)
    lever = run(sc)
    assert np.allclose(lever.replications["staffed_agent_hours"], base.replications["staffed_agent_hours"])
    d, lo, _ = diff(base, lever, "service_level")
    assert lo > 0.03, f"shaped staffing should raise service level: {d:+.3f} (CI low {lo:+.3f})"
    d_ab, _, hi_ab = diff(base, lever, "abandonment_rate")
    assert hi_ab < 0, f"abandonment should fall: {d_ab:+.4f}"
    # Peak (10:00) gets more agents than the evening (19:30).
    assert shaped.sum(axis=0)[4] > shaped.sum(axis=0)[-1]


# ---------------------------------------------------------------- all levers
def test_all_levers_cut_volume_and_raise_service(base) -> None:
    lever = run(example("all-levers.yaml"))
    d, _, hi = diff(base, lever, "calls_offered")
    assert hi < 0 and d / mean(base, "calls_offered") < -0.15, f"calls offered change {d:+.0f}"
    d_sl, lo, _ = diff(base, lever, "service_level")
    assert lo > 0, f"service level change {d_sl:+.3f}"


# ---------------------------------------------------------------- AI assistant (chatbot)
def test_chatbot_resolves_its_share_and_costs_per_conversation(base) -> None:
    """Direction and magnitude: the assistant's resolved share is engagement x containment of the
    needs (binomial), calls fall by about that share, handed-off calls are shorter, and the
    automation cost is conversations x price + fee."""
    from simulator.levers.chatbot import ChatbotSettings
    from simulator.model.schema import per_type

    sc = example("chatbot.yaml")
    lever = run(sc)
    s: ChatbotSettings = sc.levers.chatbot
    conv = lever.replications["bot_conversations"].to_numpy()
    resolved = lever.replications["bot_resolved"].to_numpy()
    # Expected resolved share of conversations: containment weighted by the contact-type mix.
    shares = {c.name: c.share for c in sc.contact_types}
    expected = sum(shares[k] * per_type(s.containment, k) for k in shares)
    n = conv.sum()
    got = resolved.sum() / n
    tol = 3 * np.sqrt(expected * (1 - expected) / n) + 0.01  # binomial, plus the repeat/redial mix
    assert abs(got - expected) < tol, f"resolved share {got:.3f}, expected {expected:.3f} +- {tol:.3f}"
    # About 40% of needs (those not using self-service) talk to the assistant.
    needs_share = conv.mean() / (base.replications["contacts"].mean() - base.replications["repeat_contacts"].mean()
                                 - base.replications["redials"].mean())
    assert 0.36 < needs_share < 0.44, f"engaged share of needs {needs_share:.3f}, expected ~0.40"
    d, _, hi = diff(base, lever, "calls_offered")
    rel = d / mean(base, "calls_offered")
    assert hi < 0 and -0.20 < rel < -0.08, f"calls offered change {rel:+.3f} (about -0.40 x 0.34 plus leaks)"
    d_sl, lo_sl, _ = diff(base, lever, "service_level")
    assert lo_sl > 0, f"service level should rise at equal staffing: {d_sl:+.3f}"
    days = horizon_days(build_plan(sc))
    fee = s.monthly_fee * days / sc.costs.working_days_per_month
    automation = lever.costs["automation"].to_numpy()
    assert np.allclose(automation, conv * s.per_conversation + fee), "automation = conversations x price + fee"


def test_chatbot_handoffs_are_shorter_and_failed_transfers_longer_and_less_resolved() -> None:
    sc = example("chatbot.yaml")
    clean = example("chatbot.yaml", chatbot={**sc.levers.chatbot.model_dump(), "failed_transfer_share": 0.0})
    failed = example("chatbot.yaml", chatbot={**sc.levers.chatbot.model_dump(), "failed_transfer_share": 1.0})
    a_clean, a_failed = run(clean), run(failed)
    d, lo, _ = diff(a_clean, a_failed, "aht_seconds")
    assert lo > 0, f"failed transfers take longer: AHT {d:+.1f} s"
    d_rep, lo_rep, _ = diff(a_clean, a_failed, "repeat_contacts")
    assert lo_rep > 0, f"failed transfers resolve less first time: repeats {d_rep:+.0f}"
