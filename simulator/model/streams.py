"""The seed tree: seed -> replication -> one named random stream per random quantity.

Indices are fixed forever: add new quantities at the end, never reorder, so that old results stay
reproducible. A replication's streams depend only on (seed, replication index), never on which
worker process runs it.
"""

from __future__ import annotations

import numpy as np

STREAM_NAMES: tuple[str, ...] = (
    "arrival_times",      # 0 positions of needs inside their interval
    "arrival_counts",     # 1 Poisson counts per interval
    "daily_volume",       # 2 day-to-day gamma multiplier
    "contact_type",       # 3
    "handle_time",        # 4
    "patience",           # 5
    "ivr_time",           # 6
    "ivr_containment",    # 7
    "self_service",       # 8 adoption
    "self_service_success",  # 9
    "fcr",                # 10
    "repeat_delay",       # 11
    "callback",           # 12 acceptance
    "callback_connect",   # 13
    "redial",             # 14
    "redial_delay",       # 15
    "priority",           # 16 VIP draw
    "false_resolution",   # 17 leaky automation
    "secondary",          # 18 draws for contacts created during the run (repeats, redials)
    "chatbot",            # 19 bot engagement
    "chatbot_success",    # 20 bot containment
    "chatbot_failed",     # 21 failed-bot transfer vs clean hand-off
)


def replication_streams(seed: int, replication: int, replications_hint: int | None = None) -> dict[str, np.random.Generator]:
    """Independent generators for one replication, one per named random quantity."""
    rep_seq = np.random.SeedSequence(entropy=seed, spawn_key=(replication,))
    children = rep_seq.spawn(len(STREAM_NAMES))
    return {name: np.random.Generator(np.random.PCG64(child)) for name, child in zip(STREAM_NAMES, children)}
