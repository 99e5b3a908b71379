"""Contact draws (``engine.contacts``), first-contact fates (``engine.needs``) and the engine side of
the chatbot lever, on plans built directly (``build_plan`` then ``dataclasses.replace`` of the bot
fields), so these tests do not depend on the lever's scenario fields.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from conftest import minimal_dict
from simulator.analysis.kpis import bot_conversations, contacts_handled, replication_kpis
from simulator.engine.callcenter import CallCenterModel
from simulator.engine.clock import business_shift
from simulator.engine.contacts import (
    SECONDARY_ROWS,
    ContactUniforms,
    contact_attributes,
    draw_needs,
    secondary_uniforms,
)
from simulator.engine.records import (
    ANSWERED,
    BOT_HANDOFF,
    BOT_RESOLVED,
    COLUMNS,
    CONTAINED,
    KIND_BOT_FAILED_CALL,
    KIND_BOT_HANDOFF_CALL,
    KIND_BOT_SESSION,
    KIND_CALL,
    KIND_REDIAL,
    KIND_REPEAT,
    KIND_SS_SESSION,
    Records,
)
from simulator.model.build import build_plan
from simulator.model.plan import EnginePlan
from simulator.model.scenario import parse_scenario
from simulator.model.streams import STREAM_NAMES, replication_streams

EXP = "exponential"
Z = 4.0  # tolerance in standard errors: a seeded test, so this is about bugs, not luck


def plan_of(**overrides) -> EnginePlan:
    """One type, one group of 60 agents, no abandonment (every call is answered), two 12-hour days."""
    data = minimal_dict(
        seed=11,
        horizon={"days": 2, "open": "08:00", "close": "20:00", "interval_minutes": 60},
        arrivals={"calls_per_day": 3000, "profile": "flat"},
        contact_types=[{"name": "general", "share": 1.0,
                        "handle_time": {"distribution": "lognormal", "mean_seconds": 300, "cv": 0.8},
                        "patience": None, "fcr": 0.8,
                        "repeat_delay": {"distribution": EXP, "mean_seconds": 1800}}],
        agents={"groups": [{"name": "team", "skills": ["general"], "staffing": 60}]},
    )
    data.update(overrides)
    return build_plan(parse_scenario(data))


def with_bot(plan: EnginePlan, engagement: float, containment: float, failed_share: float = 0.0,
             **fields) -> EnginePlan:
    types = tuple(dataclasses.replace(t, bot_engagement=engagement, bot_containment=containment,
                                      bot_failed_share=failed_share) for t in plan.types)
    return dataclasses.replace(plan, types=types, **fields)


def run(plan: EnginePlan, replication: int = 0, seed: int = 11) -> tuple[CallCenterModel, Records]:
    model = CallCenterModel(plan, replication_streams(seed, replication))
    return model, model.run()


def assert_same_records(a: Records, b: Records) -> None:
    assert len(a) == len(b) and a.n_needs == b.n_needs
    for name in COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f"column {name} differs"


def within_binomial(hits: int, n: int, p: float, what: str) -> None:
    se = math.sqrt(p * (1 - p) / n)
    assert abs(hits / n - p) < Z * se + 1e-12, f"{what}: {hits}/{n} = {hits / n:.4f}, expected {p:.4f} +- {Z * se:.4f}"


# ---------------------------------------------------------------- streams and draws
def test_stream_indices_are_fixed_and_new_streams_are_appended():
    assert STREAM_NAMES[:19] == (
        "arrival_times", "arrival_counts", "daily_volume", "contact_type", "handle_time", "patience", "ivr_time",
        "ivr_containment", "self_service", "self_service_success", "fcr", "repeat_delay", "callback",
        "callback_connect", "redial", "redial_delay", "priority", "false_resolution", "secondary")
    assert STREAM_NAMES[19:] == ("chatbot", "chatbot_success", "chatbot_failed")
    # Spawning more children leaves the first ones as they were.
    streams = replication_streams(7, 2)
    old = np.random.SeedSequence(entropy=7, spawn_key=(2,)).spawn(19)
    for name, child in zip(STREAM_NAMES, old):
        assert streams[name].random(3).tolist() == np.random.Generator(np.random.PCG64(child)).random(3).tolist(), name


def test_secondary_uniforms_split_one_block_by_name():
    u = secondary_uniforms(np.random.default_rng(3), (4, 2))
    block = np.random.default_rng(3).random((8, 4, 2))
    for i, name in enumerate(SECONDARY_ROWS):
        assert np.array_equal(getattr(u, name), block[i]), name


def test_contact_attributes_are_named_columns_by_type():
    plan = plan_of(contact_types=[
        {"name": "a", "share": 0.5, "handle_time": {"distribution": "constant", "mean_seconds": 100},
         "patience": {"distribution": "constant", "mean_seconds": 50}, "fcr": 0.5,
         "repeat_delay": {"distribution": "constant", "mean_seconds": 7}},
        {"name": "b", "share": 0.5, "handle_time": {"distribution": "constant", "mean_seconds": 200},
         "patience": None, "fcr": 0.9, "repeat_delay": {"distribution": "constant", "mean_seconds": 9}},
    ], agents={"groups": [{"name": "team", "skills": ["a", "b"], "staffing": 1}]})
    ktype = np.array([0, 1, 1, 0])
    u = ContactUniforms(**{name: np.array([0.1, 0.2, 0.95, 0.6]) for name in SECONDARY_ROWS})
    a = contact_attributes(plan, ktype, u, handle_factors=(2.0, np.array([1.0, 1.0, 1.5, 1.0])))
    assert a.handle_seconds.tolist() == [200.0, 400.0, 600.0, 200.0]
    assert a.patience_seconds.tolist() == [50.0, math.inf, math.inf, 50.0]
    assert a.fcr_ok.tolist() == [True, True, False, False]
    assert a.repeat_delay_seconds.tolist() == [7.0, 9.0, 9.0, 7.0]
    assert a.ivr_seconds.tolist() == [0.0] * 4, "no IVR: no IVR time"
    assert a.callback_u is u.callback and a.redial_u is u.redial
    own = contact_attributes(plan, ktype, u, fcr_threshold=np.array([0.0, 0.3, 1.0, 0.7]))
    assert own.fcr_ok.tolist() == [False, True, True, True]


def test_needs_are_drawn_whether_or_not_a_lever_uses_them():
    plan = plan_of()
    needs = draw_needs(plan, replication_streams(11, 0))
    n = len(needs)
    assert n > 5000 and np.all(np.diff(needs.arrival_s) >= 0)
    for col in ("self_service_u", "ivr_containment_u", "bot_u", "bot_success_u", "bot_failed_u"):
        assert getattr(needs, col).shape == (n,), col


# ---------------------------------------------------------------- the chatbot lever in the engine
def test_neutral_bot_fields_reproduce_the_baseline_records_exactly():
    plan = plan_of(redials={"probability": 0.3})
    _, base = run(plan)
    # Every bot field but the engagement set: nobody meets the bot, nothing may change.
    idle_bot = with_bot(plan, 0.0, 0.6, 0.5, bot_session_seconds=400.0, bot_handoff_handle_factor=0.7,
                        bot_failed_handle_factor=1.3, bot_failed_fcr_penalty=0.2, bot_false_resolution_share=0.2)
    _, rec = run(idle_bot)
    assert_same_records(base, rec)


def test_bot_resolves_engagement_times_containment_of_needs():
    e, c = 0.4, 0.55
    rec_n = hits = conv = 0
    for rep in range(2):
        _, r = run(with_bot(plan_of(), e, c, 0.3), rep)
        rec_n += r.n_needs
        hits += int((r.outcome == BOT_RESOLVED).sum())
        conv += int((r.kind == KIND_BOT_SESSION).sum())
        sessions = r.kind == KIND_BOT_SESSION
        assert set(np.unique(r.outcome[sessions])) == {BOT_RESOLVED, BOT_HANDOFF}
        assert np.all(np.isnan(r.queue_s[sessions])), "a conversation is not an offered call"
        assert np.all(r.resolved[r.outcome == BOT_RESOLVED]) and not np.any(r.resolved[r.outcome == BOT_HANDOFF])
    within_binomial(hits, rec_n, e * c, "needs resolved by the bot")
    within_binomial(conv, rec_n, e, "needs that engaged the bot")


def test_only_needs_that_did_not_adopt_self_service_engage_the_bot():
    plan = plan_of(levers={"self_service": {"adoption": 0.3, "success": 0.5}})
    _, r = run(with_bot(plan, 0.5, 0.5))
    ss_needs = set(r.need[r.kind == KIND_SS_SESSION].tolist())
    bot_needs = set(r.need[r.kind == KIND_BOT_SESSION].tolist())
    assert not ss_needs & bot_needs
    within_binomial(len(bot_needs), r.n_needs, 0.7 * 0.5, "needs that engaged the bot")


def test_bot_calls_skip_the_ivr_and_ring_a_session_of_opening_hours_later():
    plan = plan_of(levers={"ivr": {"time": {"distribution": "constant", "mean_seconds": 60}, "containment": 0.4}})
    session = 3 * 3600.0  # long enough to push some calls past close
    model, r = run(with_bot(plan, 0.5, 0.3, 0.5, bot_session_seconds=session))
    bot_call = (r.kind == KIND_BOT_HANDOFF_CALL) | (r.kind == KIND_BOT_FAILED_CALL)
    assert bot_call.sum() > 500
    assert np.all(r.ivr_s[bot_call] == 0.0) and not np.any(r.outcome[bot_call] == CONTAINED)
    assert np.all(r.queue_s[bot_call] == r.arrival_s[bot_call])
    first_contact = {int(n): t for n, t in zip(r.need[r.kind == KIND_BOT_SESSION], r.arrival_s[r.kind == KIND_BOT_SESSION])}
    t_need = np.array([first_contact[int(n)] for n in r.need[bot_call]])
    assert np.array_equal(r.arrival_s[bot_call], business_shift(plan, t_need, session))
    assert (r.arrival_s[bot_call] - t_need > session + 3600).sum() > 20, "some calls wait for the next opening"
    # Conversations that would end in a call after the horizon have no call row, as repeats do not.
    handoffs = r.need[(r.kind == KIND_BOT_SESSION) & (r.outcome == BOT_HANDOFF)]
    assert len(handoffs) > bot_call.sum()
    # Other calls still go through the IVR.
    other = r.kind == KIND_CALL
    assert np.all(r.ivr_s[other] == 60.0) and (r.outcome[other] == CONTAINED).sum() > 500


def test_bot_handle_factors_apply_on_top_of_the_plan_factor():
    """A bot call's handle time: the plan factor x the bot's factor; the IVR's uplift of calls it did
    not contain does not apply (the bot call skipped the IVR)."""
    ivr = {"time": {"distribution": "constant", "mean_seconds": 30}, "containment": 0.2,
           "remaining_handle_time_uplift": 0.1}
    base_plan = dataclasses.replace(plan_of(levers={"ivr": ivr}), handle_factor=0.9)
    hand, fail = 0.8, 1.25
    _, base = run(base_plan)
    _, r = run(with_bot(base_plan, 0.6, 0.2, 0.4, bot_handoff_handle_factor=hand, bot_failed_handle_factor=fail))
    for kind, factor in ((KIND_BOT_HANDOFF_CALL, hand), (KIND_BOT_FAILED_CALL, fail)):
        h = r.handle_s[(r.kind == kind) & (r.outcome == ANSWERED)]
        assert len(h) > 400
        se = h.std(ddof=1) / math.sqrt(len(h))
        want = 300.0 * 0.9 * factor
        assert abs(h.mean() - want) < Z * se, f"kind {kind}: mean handle {h.mean():.1f}, expected {want:.1f} +- {Z * se:.1f}"
    # Common random numbers: the same need's first call, answered with and without the bot,
    # differs by the bot's factor over the IVR's uplift.
    answered_first = (base.kind == KIND_CALL) & (base.outcome == ANSWERED)
    first_base = dict(zip(base.need[answered_first].tolist(), base.handle_s[answered_first].tolist()))
    for kind, factor in ((KIND_BOT_HANDOFF_CALL, hand), (KIND_BOT_FAILED_CALL, fail)):
        rows = [i for i in np.flatnonzero(r.kind == kind) if int(r.need[i]) in first_base]
        assert len(rows) > 300
        ratio = np.array([r.handle_s[i] / first_base[int(r.need[i])] for i in rows])
        np.testing.assert_allclose(ratio, factor / 1.1, rtol=1e-12)


def test_failed_transfers_lose_the_fcr_penalty():
    fcr, penalty = 0.8, 0.3
    counts = {KIND_BOT_HANDOFF_CALL: [0, 0], KIND_BOT_FAILED_CALL: [0, 0]}
    for rep in range(2):
        _, r = run(with_bot(plan_of(), 0.6, 0.2, 0.5, bot_failed_fcr_penalty=penalty), rep)
        for kind in counts:
            m = (r.kind == kind) & (r.outcome == ANSWERED)
            counts[kind][0] += int(r.resolved[m].sum())
            counts[kind][1] += int(m.sum())
        assert (r.kind == KIND_REPEAT).sum() > 0
    within_binomial(*counts[KIND_BOT_HANDOFF_CALL], fcr, "FCR of clean hand-offs")
    within_binomial(*counts[KIND_BOT_FAILED_CALL], fcr - penalty, "FCR of failed-bot transfers")


def test_fcr_penalty_is_floored_at_zero():
    _, r = run(with_bot(plan_of(), 0.5, 0.0, 1.0, bot_failed_fcr_penalty=1.5))
    m = (r.kind == KIND_BOT_FAILED_CALL) & (r.outcome == ANSWERED)
    assert m.sum() > 1000 and not r.resolved[m].any()
    # Their repeats are ordinary repeats, with the type's own FCR.
    rep = (r.kind == KIND_REPEAT) & (r.outcome == ANSWERED) & np.isin(r.need, r.need[m])
    within_binomial(int(r.resolved[rep].sum()), int(rep.sum()), 0.8, "FCR of the repeats of failed transfers")


def test_falsely_resolved_bot_needs_come_back_as_repeats():
    share, session = 0.3, 120.0
    _, r = run(with_bot(plan_of(contact_types=[{
        "name": "general", "share": 1.0, "handle_time": {"distribution": EXP, "mean_seconds": 300},
        "patience": None, "fcr": 1.0, "repeat_delay": {"distribution": EXP, "mean_seconds": 1800}}]),
        0.5, 0.6, bot_session_seconds=session, bot_false_resolution_share=share))
    resolved_by_bot = r.outcome == BOT_RESOLVED
    leaked = resolved_by_bot & ~r.resolved
    within_binomial(int(leaked.sum()), int(resolved_by_bot.sum()), share, "bot-resolved needs not really helped")
    repeats = r.kind == KIND_REPEAT
    # FCR is 1: every repeat is a leaked bot need, a repeat delay after the conversation ended.
    assert set(r.need[repeats].tolist()) <= set(r.need[leaked].tolist())
    assert np.isin(r.need[leaked], r.need[repeats]).mean() > 0.9, "most leaks come back within the horizon"
    start = dict(zip(r.need[leaked].tolist(), r.arrival_s[leaked].tolist()))
    assert all(t >= start[int(n)] + session for n, t in zip(r.need[repeats], r.arrival_s[repeats]))


def test_bot_draws_leave_every_other_needs_draws_as_they_were():
    """Common random numbers: needs that never engage the bot keep their attributes and fates."""
    plan = plan_of(redials={"probability": 0.4}, levers={
        "ivr": {"time": {"distribution": "lognormal", "mean_seconds": 60, "cv": 0.5}, "containment": 0.2}})
    base_model, base = run(plan)
    bot_model, r = run(with_bot(plan, 0.35, 0.5, 0.4, bot_handoff_handle_factor=0.8, bot_failed_fcr_penalty=0.2))
    engaged = np.zeros(r.n_needs, dtype=bool)
    engaged[r.need[r.kind == KIND_BOT_SESSION]] = True
    assert r.n_needs == base.n_needs and 0.3 < engaged.mean() < 0.4
    a0, a1 = base_model.need_attr, bot_model.need_attr
    for col in ("handle_seconds", "patience_seconds", "ivr_seconds", "fcr_ok", "repeat_delay_seconds",
                "redial_u", "redial_delay_seconds", "callback_u"):
        x, y = getattr(a0, col)[~engaged], getattr(a1, col)[~engaged]
        assert np.array_equal(x, y), f"{col} of needs that never met the bot changed"
    for col in ("handle_seconds", "patience_seconds", "fcr_ok"):  # later contacts: every need
        assert np.array_equal(getattr(base_model.g_attr, col), getattr(bot_model.g_attr, col)), col
    # Their first contacts: the same rows, fates and arrival times.
    later = [KIND_REPEAT, KIND_REDIAL]
    sel0 = ~engaged[base.need] & ~np.isin(base.kind, later)
    sel1 = ~engaged[r.need] & ~np.isin(r.kind, later)
    for col in ("need", "kind", "arrival_s", "ivr_s", "ctype", "priority"):
        assert np.array_equal(getattr(base, col)[sel0], getattr(r, col)[sel1]), col
    assert np.array_equal(base.outcome[sel0] == CONTAINED, r.outcome[sel1] == CONTAINED)


def test_bot_kpis_and_labels():
    plan = with_bot(dataclasses.replace(plan_of(), warmup_seconds=3600.0), 0.4, 0.5, 0.3)
    _, r = run(plan)
    k = replication_kpis(r, plan)
    after = r.arrival_s >= plan.open_seconds + 3600.0
    assert k["bot_conversations"] == ((r.kind == KIND_BOT_SESSION) & after).sum() == bot_conversations(r, plan) > 0
    assert k["bot_resolved"] == ((r.outcome == BOT_RESOLVED) & after).sum() > 0
    assert k["contacts"] == after.sum(), "conversations are contacts"
    assert k["calls_offered"] == (~np.isnan(r.queue_s) & after).sum()
    assert contacts_handled(k) == k["calls_answered"] + k["ivr_contained"] + k["self_service_sessions"] + k[
        "bot_conversations"]
    df = r.to_frame()
    assert not df["kind"].isna().any() and not df["outcome"].isna().any()
    assert {"bot", "call_after_bot_handoff", "call_after_bot_failure"} <= set(df["kind"])
    assert {"bot_resolved", "bot_handoff"} <= set(df["outcome"])
    _, none = run(plan_of())
    k0 = replication_kpis(none, plan_of())
    assert k0["bot_conversations"] == 0.0 and k0["bot_resolved"] == 0.0


@pytest.mark.parametrize("engagement", [0.0, 1.0])
def test_engagement_extremes(engagement):
    _, r = run(with_bot(plan_of(), engagement, 1.0))
    assert (r.kind == KIND_BOT_SESSION).sum() == (r.n_needs if engagement else 0)
    assert (r.kind == KIND_CALL).sum() == (0 if engagement else r.n_needs)
    if engagement:
        assert np.isnan(r.queue_s).all(), "every need resolved by the bot: no call"
