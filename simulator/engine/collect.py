"""The records of a finished run: the model's per-contact arrays read as numpy columns (no copy
where the types agree), the derived columns computed in place, slice by slice (bounded
temporaries), with the same float operations on the same numbers as writing them during the run
would use, so they are bit for bit the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.records import (
    ANSWERED,
    BOT_HANDOFF,
    BOT_RESOLVED,
    CALLBACK_ANSWERED,
    CALLBACK_FAILED,
    CONTAINED,
    OUTSOURCED,
    SS_FAILED,
    SS_RESOLVED,
    UNSERVED,
    Records,
)
from simulator.engine.routing import CB_WAITING, WAITING

if TYPE_CHECKING:  # type hints only: the model imports this module
    from simulator.engine.callcenter import CallCenterModel

SLICE = 1 << 18  # rows per slice


def build_records(m: "CallCenterModel") -> Records:
    """The per-contact records of the finished run of ``m``."""
    rows = len(m.status)
    base = m.static_rows
    f64 = np.float64
    answer = np.frombuffer(m.answer, f64)
    qtime = np.frombuffer(m.qtime, f64)
    handle = np.frombuffer(m.handle_row, f64)  # becomes the handle_s column
    fcr = np.frombuffer(m.fcr_row, np.int8)
    status = np.frombuffer(m.status, np.int8)
    outcome = np.frombuffer(m.outcome, np.int8)
    wait = np.frombuffer(m.wait, f64)
    group = np.frombuffer(m.group_out, np.int16)
    ctype = np.frombuffer(m.ktype, np.int16)
    resolved = np.zeros(rows, dtype=bool)
    resolved[:base] = m.static_resolved
    busy = np.zeros(rows)
    factor = m.routes.factor
    K = factor.shape[1]
    flat_factor = np.where(np.isnan(factor), 0.0, factor).ravel()
    _scatter(busy, m.busy)
    for lo in range(0, rows, SLICE):
        sl = slice(lo, min(lo + SLICE, rows))
        oc, ans = outcome[sl], answer[sl]
        # Answered by an agent: only the answer time and group were written. The rest is
        # computed with the same float operations on the same numbers as writing it in the
        # run would, so it is bit for bit the same.
        by_agent = ~np.isnan(ans) & (oc != OUTSOURCED) & (oc != CALLBACK_ANSWERED)
        g = group[sl]
        if m.single:
            g[by_agent] = 0
        h = handle[sl]
        fac = flat_factor[np.where(by_agent, g, 0).astype(np.int64) * K + ctype[sl]]
        h_agent = h * fac
        served = by_agent | (oc == OUTSOURCED) | (oc == CALLBACK_ANSWERED)
        # Every served contact reached its end (the run goes on until no event is left), where
        # it resolved the need or sent a repeat.
        resolved[sl][served] = fcr[sl][served].astype(bool)
        oc[by_agent] = ANSWERED
        wait[sl][by_agent] = ans[by_agent] - qtime[sl][by_agent]
        busy[sl][by_agent] = h_agent[by_agent]
        h[:] = np.where(by_agent, h_agent, np.nan)
        # Still waiting when everything else has finished: offered, never answered.
        st = status[sl]
        at_end = (st == WAITING) | (st == CB_WAITING)
        if at_end.any():
            cb = np.zeros(len(st), dtype=bool)
            idx = np.flatnonzero(at_end) + lo
            cb[at_end] = [m.cb_accepted.get(int(r), False) for r in idx]
            oc[at_end] = np.where(cb[at_end], CALLBACK_FAILED, UNSERVED)
        q = qtime[sl]
        q[(oc == CONTAINED) | (oc == SS_RESOLVED) | (oc == SS_FAILED) | (oc == BOT_RESOLVED)
          | (oc == BOT_HANDOFF)] = np.nan
    _scatter(handle, m.handle_out)
    outbound = np.zeros(rows)
    _scatter(outbound, m.outbound)
    callback = np.zeros(rows, dtype=bool)
    _scatter(callback, m.cb_accepted)
    attempts = np.zeros(rows, dtype=np.int16)
    _scatter(attempts, m.attempts)
    return Records(
        need=np.frombuffer(m.need_of, np.int64),
        kind=np.frombuffer(m.kind, np.int8),
        ctype=ctype,
        priority=np.frombuffer(m.prio, np.int8),
        arrival_s=np.frombuffer(m.arrival, f64),
        ivr_s=np.frombuffer(m.ivr, f64),
        queue_s=qtime,
        wait_s=wait,
        answer_s=answer,
        handle_s=handle,
        group=group,
        outcome=outcome,
        resolved=resolved,
        callback=callback,
        attempts=attempts,
        outbound_s=outbound,
        busy_s=busy,
        n_needs=m.n_needs,
    )


def _scatter(column: np.ndarray, values: dict) -> None:
    """Write the sparse ``row -> value`` outputs of the run into a records column."""
    if values:
        column[np.fromiter(values.keys(), np.int64, len(values))] = list(values.values())
