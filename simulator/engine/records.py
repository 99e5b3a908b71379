"""The per-contact column schema shared by the engine, the KPIs, the costs and the exports.

One row per contact attempt (a self-service session, a bot conversation, a call, a repeat, a
redial). Columns are numpy arrays; ``to_frame()`` gives the pandas view. Codes are fixed: new kinds
and outcomes get new numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

# kind of contact
KIND_CALL, KIND_SS_SESSION, KIND_SS_FAILED_CALL, KIND_REPEAT, KIND_REDIAL = 0, 1, 2, 3, 4
# the chatbot lever: a conversation with the bot, and the call after one it did not resolve (a
# clean hand-off with the bot's context, or a failed-bot transfer)
KIND_BOT_SESSION, KIND_BOT_HANDOFF_CALL, KIND_BOT_FAILED_CALL = 5, 6, 7
KIND_NAMES = {
    KIND_CALL: "call",
    KIND_SS_SESSION: "self_service",
    KIND_SS_FAILED_CALL: "call_after_self_service",
    KIND_REPEAT: "repeat",
    KIND_REDIAL: "redial",
    KIND_BOT_SESSION: "bot",
    KIND_BOT_HANDOFF_CALL: "call_after_bot_handoff",
    KIND_BOT_FAILED_CALL: "call_after_bot_failure",
}

# outcome of a contact
SS_RESOLVED, SS_FAILED, CONTAINED, ANSWERED, ABANDONED = 1, 2, 3, 4, 5
CALLBACK_ANSWERED, CALLBACK_FAILED, OUTSOURCED, UNSERVED = 6, 7, 8, 9
BOT_RESOLVED, BOT_HANDOFF = 10, 11  # a bot conversation resolved the need, or ended in a call
OUTCOME_NAMES = {
    SS_RESOLVED: "self_service_resolved",
    SS_FAILED: "self_service_failed",
    CONTAINED: "ivr_contained",
    ANSWERED: "answered",
    ABANDONED: "abandoned",
    CALLBACK_ANSWERED: "callback_answered",
    CALLBACK_FAILED: "callback_failed",
    OUTSOURCED: "outsourced",
    UNSERVED: "unserved",
    BOT_RESOLVED: "bot_resolved",
    BOT_HANDOFF: "bot_handoff",
}

ANSWERED_OUTCOMES = (ANSWERED, CALLBACK_ANSWERED, OUTSOURCED)


def is_answered(outcome: np.ndarray) -> np.ndarray:
    """Calls handled by an agent: in-house, completed callbacks and vendor-handled calls."""
    return (outcome == ANSWERED) | (outcome == CALLBACK_ANSWERED) | (outcome == OUTSOURCED)


def is_session(kind: np.ndarray) -> np.ndarray:
    """Contacts that are not calls: self-service sessions and bot conversations."""
    return (kind == KIND_SS_SESSION) | (kind == KIND_BOT_SESSION)


def is_bot_conversation(outcome: np.ndarray) -> np.ndarray:
    """Bot conversations, resolved or handed off."""
    return (outcome == BOT_RESOLVED) | (outcome == BOT_HANDOFF)


COLUMNS: dict[str, np.dtype] = {
    "need": np.dtype(np.int64),        # index of the customer need this contact serves
    "kind": np.dtype(np.int8),
    "ctype": np.dtype(np.int16),
    "priority": np.dtype(np.int8),
    "arrival_s": np.dtype(np.float64),  # contact starts (a session or conversation starts, a call enters the IVR)
    "ivr_s": np.dtype(np.float64),      # seconds in the IVR (NaN for sessions, 0 for calls that skip it)
    "queue_s": np.dtype(np.float64),    # entered the agent queue (NaN if never)
    "wait_s": np.dtype(np.float64),     # live wait in queue (to answer, abandonment, hand-off or callback acceptance)
    "answer_s": np.dtype(np.float64),   # handling started
    "handle_s": np.dtype(np.float64),   # handle time of the connected call
    "group": np.dtype(np.int16),        # agent group that handled it (-1: none)
    "outcome": np.dtype(np.int8),
    "resolved": np.dtype(np.bool_),     # this contact resolved the need
    "callback": np.dtype(np.bool_),     # caller accepted a callback
    "attempts": np.dtype(np.int16),     # callback attempts made
    "outbound_s": np.dtype(np.float64), # outbound (callback) seconds, attempts and talk
    "busy_s": np.dtype(np.float64),     # agent busy seconds spent on this contact
}


@dataclass
class Records:
    """Columns of one replication's contacts (arrays of equal length)."""

    need: np.ndarray
    kind: np.ndarray
    ctype: np.ndarray
    priority: np.ndarray
    arrival_s: np.ndarray
    ivr_s: np.ndarray
    queue_s: np.ndarray
    wait_s: np.ndarray
    answer_s: np.ndarray
    handle_s: np.ndarray
    group: np.ndarray
    outcome: np.ndarray
    resolved: np.ndarray
    callback: np.ndarray
    attempts: np.ndarray
    outbound_s: np.ndarray
    busy_s: np.ndarray
    n_needs: int = 0

    @classmethod
    def empty(cls, n: int) -> "Records":
        cols = {}
        for name, dt in COLUMNS.items():
            fill = np.nan if dt.kind == "f" else (-1 if name == "group" else 0)
            cols[name] = np.full(n, fill, dtype=dt)
        return cls(**cols)

    def __len__(self) -> int:
        return len(self.need)

    def extended(self, extra: int) -> "Records":
        """A copy with ``extra`` empty rows appended."""
        more = Records.empty(extra)
        cols = {name: np.concatenate([getattr(self, name), getattr(more, name)]) for name in COLUMNS}
        return Records(**cols, n_needs=self.n_needs)

    def select(self, mask: np.ndarray) -> "Records":
        return Records(**{name: getattr(self, name)[mask] for name in COLUMNS}, n_needs=self.n_needs)

    def to_frame(self, type_names: list[str] | None = None, group_names: list[str] | None = None) -> pd.DataFrame:
        df = pd.DataFrame({name: getattr(self, name) for name in COLUMNS})
        df["kind"] = df["kind"].map(KIND_NAMES)
        df["outcome"] = df["outcome"].map(OUTCOME_NAMES)
        if type_names is not None:
            df["ctype"] = [type_names[i] for i in self.ctype]
        if group_names is not None:
            df["group"] = [group_names[i] if i >= 0 else "" for i in self.group]
        return df


assert [f.name for f in fields(Records)][: len(COLUMNS)] == list(COLUMNS)
