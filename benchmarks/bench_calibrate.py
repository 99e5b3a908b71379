"""Benchmark: `ccsim calibrate` on a log of a million calls - wall time and peak memory.

The log is synthetic (tests/calibration_logs.py, scaled up: two queues, ~34,000 calls a day
over 29 days, repeats and redials by the same callers), written once to a CSV (~60 MB). The
calibration (read and check every row, fit, write the scenario, load it back) then runs in a
fresh process so that its peak resident memory is its own; tracemalloc's peak of the Python and
numpy allocations is reported next to it.

    python benchmarks/bench_calibrate.py                  # 1,000,000 rows (generation ~30 s the first time)
    python benchmarks/bench_calibrate.py --rows 200000    # smaller

This is a script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# Timed without tracemalloc (it slows every allocation several-fold); traced in a second run.
CHILD = """
import json, resource, sys, time, tracemalloc
from simulator.calibrate import calibrate
if sys.argv[3] == "trace":
    tracemalloc.start()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0 = time.perf_counter()
cal, sc = calibrate(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else None
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": len(cal.log), "seconds": seconds, "tracemalloc_peak": peak, "max_rss": rss, "rss_after_imports": base}))
"""


def make_log(rows: int, path: Path) -> None:
    from calibration_logs import LogTruth, QueueTruth, generate, write_log

    scale = rows / 1_000_000
    truth = LogTruth(
        queues=(QueueTruth("billing", 0.6, 240.0, 0.8, 180.0, 0.80, max(2, round(125 * scale))),
                QueueTruth("tech", 0.4, 420.0, 0.6, 240.0, 0.75, max(2, round(143 * scale)))),
        calls_per_day=27_000 * scale, days=29, seed=1,
    )
    data = generate(truth)
    write_log(data, path, replace(truth))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="approximate calls in the log")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/ccsim-bench-calibrate"), help="where the log and scenario go")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    log = args.dir / f"log-{args.rows}.csv"
    if not log.exists():
        t0 = time.perf_counter()
        make_log(args.rows, log)
        print(f"generated {log} ({log.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
    runs = {}
    for mode in ("time", "trace"):
        out = subprocess.run([sys.executable, "-c", CHILD, str(log), str(args.dir / "calibrated.yaml"), mode],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        runs[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    r, traced = runs["time"], runs["trace"]["tracemalloc_peak"]
    mib = 2**20
    print(f"calibrated {r['rows']:,} calls in {r['seconds']:.1f} s (read, check, fit, write, load back)")
    print(f"peak resident memory {r['max_rss'] / mib:.0f} MiB for the whole process "
          f"({r['rss_after_imports'] / mib:.0f} MiB of it after the imports, before reading); "
          f"peak traced Python/numpy allocations {traced / mib:.0f} MiB")


if __name__ == "__main__":
    main()
