"""Benchmark: memory per simulated call at 1, 7 and 30 days, and peak memory for 1 vs 4 replications.

Every point runs in a fresh Python process (``--child``), so one point's garbage cannot inflate the
next. The child imports ccsim, measures its resident set (RSS), runs ``simulate`` on
``benchmarks/month-500.yaml`` (500 agents, ~70k calls a day, skills-based routing with overflow,
repeats and redials) with the days and replications asked, one worker, and reports its peak RSS
(``ru_maxrss``). Bytes per call = (peak RSS - RSS after the imports) / calls offered in one
replication: what one replication costs on top of the interpreter and the libraries, from drawing
the needs to the KPIs, costs and interval tables. With several replications the peak stays that of
one replication when each replication's model is freed as it ends.

    python benchmarks/bench_memory.py                     # 1, 7, 30 days; then 1 vs 4 replications of 7 days
    python benchmarks/bench_memory.py --days 1,7 --reps-days 1
    python benchmarks/bench_memory.py --tracemalloc --days 30 --reps-days 0   # Python's own count instead

RSS counts what the C allocator keeps from the operating system, including freed memory it has not
returned yet; ``--tracemalloc`` counts the peak of what Python and numpy hold (it slows the run
about twice), so the two bound the truth from above and below.

This is a script, not a test: figures depend on the machine (quote CPU seconds when it is loaded).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "month-500.yaml"


def _rss_bytes() -> int:
    """The current resident set of this process (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def child(days: int, replications: int, traced: bool) -> None:
    """One point, in this fresh process: print a JSON line with calls, memory before and peak."""
    import gc
    import tracemalloc

    from simulator.model.scenario import load_scenario
    from simulator.studies.simulate import simulate

    sc = load_scenario(SCENARIO)
    sc = sc.model_copy(update={"horizon": sc.horizon.model_copy(update={"days": days})})
    gc.collect()
    if traced:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0] if traced else _rss_bytes()
    t0, c0 = time.perf_counter(), time.process_time()
    res = simulate(sc, replications=replications, workers=1)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = tracemalloc.get_traced_memory()[1] if traced else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    calls = float(res.replications["calls_offered"].mean())
    print(json.dumps({"days": days, "replications": replications, "calls": calls, "before": before,
                      "peak": peak, "wall_s": wall, "cpu_s": cpu}))


def point(days: int, replications: int, traced: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(days), str(replications), str(int(traced))],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", default="1,7,30", help="simulated days per point (default 1,7,30)")
    ap.add_argument("--reps-days", type=int, default=7, help="days of the 1-vs-4-replications points (0: skip)")
    ap.add_argument("--tracemalloc", action="store_true", help="count tracemalloc's peak instead of the RSS")
    ap.add_argument("--child", nargs="+", type=int, help=argparse.SUPPRESS)  # days, replications[, traced]
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], bool(args.child[2]) if len(args.child) > 2 else False)
        return
    mib = 2**20
    what = "tracemalloc peak - traced after the imports" if args.tracemalloc else "peak RSS (ru_maxrss) - RSS after the imports"
    print(f"{SCENARIO.name}: one replication per point, one worker, a fresh process per point; memory = {what}")
    print(f"{'days':>4} {'calls':>10} | {'after imports':>13} {'peak':>9} {'increase':>9} | {'bytes/call':>10} | "
          f"{'CPU s':>6} {'wall s':>6}")
    for d in (int(x) for x in args.days.split(",")):
        r = point(d, 1, args.tracemalloc)
        inc = r["peak"] - r["before"]
        print(f"{d:>4} {r['calls']:>10,.0f} | {r['before'] / mib:>9.0f} MiB {r['peak'] / mib:>5.0f} MiB "
              f"{inc / mib:>5.0f} MiB | {inc / r['calls']:>10.0f} | {r['cpu_s']:>6.1f} {r['wall_s']:>6.1f}")
    if args.reps_days:
        print(f"\nPeak memory vs replications ({args.reps_days} days each, one worker):")
        for reps in (1, 4):
            r = point(args.reps_days, reps, args.tracemalloc)
            print(f"{reps:>2} replication(s): peak {r['peak'] / mib:.0f} MiB (increase "
                  f"{(r['peak'] - r['before']) / mib:.0f} MiB), CPU {r['cpu_s']:.1f} s")


if __name__ == "__main__":
    main()
