"""Benchmark: the README's main job — compare the shipped scenarios with the baseline at equal
service, 10 replications — and where its time goes, phase by phase.

    python benchmarks/bench_main_job.py               # 2 workers, the shipped set, the report too
    python benchmarks/bench_main_job.py --workers 4 --replications 5

The phases come from ``compare``'s own ``phase`` callback (today's baseline, staffing each
scenario, simulating every scenario, attribution), then the report is written. This is a script,
not a test: timings depend on the machine, so quote them with the machine and the load.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from simulator.model.scenario import load_scenario
from simulator.output.report import write_compare_report
from simulator.studies.compare import compare

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--replications", type=int, default=10)
    args = ap.parse_args()
    files = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if p.name != "baseline.yaml")
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    others = [load_scenario(p) for p in files]
    spent: dict[str, float] = defaultdict(float)
    current = ["loading"]
    mark = [time.perf_counter()]

    def phase(text: str) -> None:
        now = time.perf_counter()
        spent[current[0]] += now - mark[0]
        current[0], mark[0] = text.split(" (")[0].split(" to the target")[0], now
        if current[0].startswith("staffing "):
            current[0] = "staffing the scenarios"
        if current[0].startswith("attributing "):
            current[0] = "attribution"

    start = time.perf_counter()
    comp = compare(base, others, replications=args.replications, workers=args.workers, phase=phase)
    phase("writing the report")
    with tempfile.TemporaryDirectory() as tmp:
        write_compare_report(comp, Path(tmp))
    phase("done")
    total = time.perf_counter() - start
    print(f"main job: baseline + {len(others)} scenarios at equal service, {args.replications} replications, "
          f"{args.workers} workers: {total:.1f} s")
    for name, seconds in spent.items():
        if name not in ("loading", "done"):
            print(f"  {name:40s} {seconds:7.1f} s  {seconds / total:5.1%}")


if __name__ == "__main__":
    main()
