"""Benchmark: speed-up of worker processes on one scenario's replications (issue 14 item 4).

    python benchmarks/bench_workers.py                       # the baseline, 20 replications, 1 then 2 workers
    python benchmarks/bench_workers.py --workers 1 2 4 --replications 40

Each line is one ``simulate`` call in this process: wall time, and CPU seconds of this process and
of its workers (on a loaded machine wall time depends on the others: the speed-up is then read
from CPU seconds over wall time, and an idle machine is needed for the 1.7x of the issue). It also
checks that every number of workers gives identical replications. A script, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import pandas as pd

from simulator.model.scenario import load_scenario
from simulator.studies.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline.yaml"))
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    sc = load_scenario(args.scenario)
    first, wall1 = None, None
    print(f"{sc.name}: {args.replications} replications x {sc.horizon.days} days, {os.cpu_count()} cores")
    for w in args.workers:
        cpu, start = _cpu(), time.perf_counter()
        res = simulate(sc, replications=args.replications, workers=w)
        wall, cpu = time.perf_counter() - start, _cpu() - cpu
        if first is None:
            first, wall1 = res, wall
        else:
            pd.testing.assert_frame_equal(first.replications, res.replications, check_exact=True)
            pd.testing.assert_frame_equal(first.costs, res.costs, check_exact=True)
        print(f"  {w} worker(s): {wall:6.1f} s wall, {cpu:6.1f} CPU s, speed-up {wall1 / wall:4.2f}x, "
              f"load average {os.getloadavg()[0]:.1f}" + (", identical results" if res is not first else ""))


if __name__ == "__main__":
    main()
