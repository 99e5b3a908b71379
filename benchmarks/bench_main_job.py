"""Benchmark: the README's main job — compare the shipped scenarios with the baseline at equal
service, 10 replications — and ``ccsim staff scenarios/baseline.yaml``, with where the time goes.

    python benchmarks/bench_main_job.py                     # 2 workers, the shipped set, the report too
    python benchmarks/bench_main_job.py --ref /tmp/ref      # the same, first with the code in /tmp/ref
    python benchmarks/bench_main_job.py --workers 4 --replications 5 --no-staff

``--ref`` runs a second copy of the code (e.g. ``git worktree add /tmp/ref main``) through the same
measurements, one right after the other, so that before and after share the machine's conditions.
Each measurement is a process of its own: wall time, and CPU seconds of the process and its
workers (quote CPU seconds when the machine is loaded: wall time then depends on the others).
The main job's phases come from ``compare``'s own ``phase`` callback (staffing, simulation,
attribution), then the report is written. This is a script, not a test: timings depend on the
machine, so quote them with the machine and the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
PHASES = ("staffing", "simulation", "attribution", "report")


def _phase_of(text: str) -> str:
    """``compare``'s phase messages (this version's and earlier ones') by phase of the benchmark."""
    for prefix, name in (("staffing", "staffing"), ("simulating", "simulation"), ("attributing", "attribution"),
                         ("writing", "report")):
        if text.startswith(prefix):
            return name
    return "other"


def inner(root: Path, workers: int, replications: int) -> None:
    """The main job in this process (the code on ``sys.path``); prints its phases as JSON."""
    from simulator.model.scenario import load_scenario
    from simulator.output.report import write_compare_report
    from simulator.studies.compare import compare

    files = sorted(p for p in (root / "scenarios").glob("*.yaml") if p.name != "baseline.yaml")
    base = load_scenario(root / "scenarios" / "baseline.yaml")
    others = [load_scenario(p) for p in files]
    spent: dict[str, float] = defaultdict(float)
    current, mark = ["other"], [time.perf_counter()]

    def phase(text: str) -> None:
        now = time.perf_counter()
        spent[current[0]] += now - mark[0]
        current[0], mark[0] = _phase_of(text), now

    start = time.perf_counter()
    comp = compare(base, others, replications=replications, workers=workers, phase=phase)
    phase("writing the report")
    with tempfile.TemporaryDirectory() as tmp:
        write_compare_report(comp, Path(tmp))
    phase("done")
    print(json.dumps({"scenarios": len(others), "total": time.perf_counter() - start, **spent}))


def _measured(cmd: list[str], code: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and its workers) and stdout of ``cmd`` run on ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed on {code}:\n{done.stderr[-2000:]}")
    out = done.stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out


def measure(code: Path, args: argparse.Namespace) -> dict:
    res: dict = {}
    if not args.no_staff:
        with tempfile.TemporaryDirectory() as tmp:
            for label, extra in (("staff", []), ("staff -w 1", ["-w", "1"])):
                csv = f"{tmp}/{len(res)}.csv"  # a new file each time: staff never overwrites one
                cmd = [sys.executable, "-m", "simulator.cli", "staff", "scenarios/baseline.yaml", "--csv", csv, *extra]
                res[label] = _measured(cmd, code)[:2]
                print(f"[{code}] ccsim {label}: {res[label][0]:.1f} s wall, {res[label][1]:.1f} CPU s", flush=True)
    if args.no_main:
        return res
    cmd = [sys.executable, str(HERE), "--inner", "--root", str(code), "--workers", str(args.workers),
           "--replications", str(args.replications)]
    wall, cpu, out = _measured(cmd, code)
    res["main job"] = (wall, cpu)
    print(f"[{code}] main job: {wall:.1f} s wall, {cpu:.1f} CPU s", flush=True)
    res["phases"] = json.loads(out.strip().splitlines()[-1])
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--ref", type=Path, help="another copy of the code to measure first (before/after side by side)")
    ap.add_argument("--no-staff", action="store_true", help="skip the `ccsim staff scenarios/baseline.yaml` timing")
    ap.add_argument("--no-main", action="store_true", help="time `ccsim staff` only")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        inner(args.root, args.workers, args.replications)
        return
    codes = ([("ref", args.ref.resolve())] if args.ref else []) + [("this", ROOT)]
    results = {name: measure(code, args) for name, code in codes}
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.1f} at the end; main job: baseline + "
          f"{results['this'].get('phases', {}).get('scenarios', '-')} scenarios at equal service, {args.replications} replications, "
          f"{args.workers} workers")
    names = [n for n, _ in codes]
    print(f"{'':34s}" + "".join(f"{n + ' wall s':>14s}{n + ' CPU s':>13s}" for n in names))
    for label in ("staff", "staff -w 1", "main job"):
        if label in results["this"] and label in results[names[0]]:
            shown = "ccsim " + label + " scenarios/baseline.yaml" if label.startswith("staff") else label
            print(f"{shown:34s}" + "".join(f"{results[n][label][0]:14.1f}{results[n][label][1]:13.1f}" for n in names))
    for ph in PHASES if not args.no_main else ():
        print(f"  {ph:32s}" + "".join(f"{results[n]['phases'].get(ph, 0.0):14.1f}{'':13s}" for n in names))


if __name__ == "__main__":
    main()
