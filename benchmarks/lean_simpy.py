"""A lean SimPy script of the Erlang A model (M/M/c+M), the yardstick of ``bench_engine.py``.

The leanest design we know in plain SimPy: every arrival and every service completion is a SimPy
``Timeout`` with one callback (no processes, no ``Resource``); agents are a counter and the queue a
deque of (arrival, give-up time). Patience is settled lazily: in one FCFS queue a caller at the
head whose give-up time has passed abandoned at that time, so no event is needed for it: two
events per call. Random numbers come from Python's ``random``, one at a time; only counters after
the warm-up are kept (no per-call records).

    python benchmarks/lean_simpy.py --agents 50 --erlangs 48 --hours 24   # prints calls, SL, abandonment, seconds
"""

from __future__ import annotations

import argparse
import random
import time
from collections import deque

import simpy


def simulate(agents: int, erlangs: float, hours: float, seed: int, aht: float = 300.0, patience: float = 120.0,
             target: float = 20.0, warmup: float = 3600.0) -> dict:
    """Arrivals for ``hours``, then the queue drains. Returns calls, service level and abandonment."""
    expo = random.Random(seed).expovariate
    env = simpy.Environment()
    lam, mu, theta, end = erlangs / aht, 1.0 / aht, 1.0 / patience, hours * 3600.0
    idle = [agents]
    queue: deque = deque()
    n = [0, 0, 0, 0]  # calls, offered after the warm-up, answered within the target, abandoned

    def serve(arrived: float, now: float) -> None:
        if arrived >= warmup and now - arrived <= target:
            n[2] += 1
        env.timeout(expo(mu)).callbacks.append(done)

    def done(_ev: simpy.Event) -> None:
        now = env.now
        while queue:
            arrived, gives_up = queue.popleft()
            if gives_up > now:
                serve(arrived, now)
                return
            if arrived >= warmup:  # abandoned at gives_up, settled now
                n[3] += 1
        idle[0] += 1

    def arrive(_ev: simpy.Event) -> None:
        now = env.now
        n[0] += 1
        if now >= warmup:
            n[1] += 1
        if idle[0]:
            idle[0] -= 1
            serve(now, now)
        else:
            queue.append((now, now + expo(theta)))
        gap = expo(lam)
        if now + gap < end:
            env.timeout(gap).callbacks.append(arrive)

    env.timeout(expo(lam)).callbacks.append(arrive)
    env.run()
    return {"calls": n[0], "service_level": n[2] / n[1], "abandonment": n[3] / n[1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agents", type=int, default=50)
    ap.add_argument("--erlangs", type=float, default=48.0)
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t0 = time.process_time()
    res = simulate(args.agents, args.erlangs, args.hours, args.seed)
    print(f"calls {res['calls']} service_level {res['service_level']:.4f} abandonment {res['abandonment']:.4f} "
          f"cpu_s {time.process_time() - t0:.3f}")


if __name__ == "__main__":
    main()
