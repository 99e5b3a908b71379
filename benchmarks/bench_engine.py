"""Benchmark: calls simulated per CPU second, ccsim's engine vs Ciw and vs a lean SimPy script,
on the same Erlang A model.

The model: M/M/c+M, AHT 300 s exponential, patience 120 s exponential, at two sizes
(50 agents at 48 Erlangs, 500 agents at 480 Erlangs), open round the clock. The simulators run
the same simulated duration, one after the other, twice:
- the simulation proper, in this process: ccsim's engine (``simulate_replication``) and its full
  path (+ ``build_plan``, KPIs, costs), Ciw (create_network + Simulation + simulate_until_max_time
  + get_all_records), and ``lean_simpy.py`` (the leanest SimPy design we know: callbacks, lazy
  patience, two events per call);
- the whole process, each in a fresh Python: ``ccsim run FILE -r 1 -w 1 --json --no-report``,
  a Ciw script and ``lean_simpy.py``, start-up and imports included.
Times are CPU seconds (the machine may be shared). Then each simulator's service level and
abandonment next to the analytic Erlang A values, so the reader sees they simulate the same model.

    python benchmarks/bench_engine.py                 # 24 simulated hours per size
    python benchmarks/bench_engine.py --hours 6 --repeat 3
    python benchmarks/bench_engine.py --no-process    # the simulation proper only
    python benchmarks/bench_engine.py --profile       # cProfile of ccsim's engine at 500 agents

This is a script, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from simulator.analysis.costs import replication_costs
from simulator.engine.callcenter import simulate_replication
from simulator.core.erlang import erlang_a_metrics
from simulator.analysis.kpis import replication_kpis
from simulator.model.build import build_plan, cost_inputs
from simulator.model.scenario import parse_scenario
from simulator.model.streams import replication_streams

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lean_simpy  # noqa: E402  (the benchmarks folder is not a package)

AHT, PATIENCE, TARGET, WARMUP_S = 300.0, 120.0, 20.0, 3600.0
SIZES = ((50, 48.0), (500, 480.0))


def scenario(agents: int, erlangs: float, hours: float):
    return parse_scenario(scenario_dict(agents, erlangs, hours))


def scenario_dict(agents: int, erlangs: float, hours: float) -> dict:
    days = max(1, math.ceil(hours / 24))
    close = "24:00" if hours >= 24 else f"{int(hours):02d}:00"
    per_hour = erlangs * 3600.0 / AHT
    return {
        "name": f"bench {agents}",
        "seed": 1,
        "horizon": {"days": days, "open": "00:00", "close": close, "interval_minutes": 60,
                    "warmup_minutes": WARMUP_S / 60},
        "service_target": {"answer_within_seconds": TARGET, "fraction": 0.8},
        "arrivals": {"calls_per_day": per_hour * (24 if hours >= 24 else int(hours)), "profile": "flat"},
        "contact_types": [{"name": "general", "share": 1.0,
                           "handle_time": {"distribution": "exponential", "mean_seconds": AHT},
                           "patience": {"distribution": "exponential", "mean_seconds": PATIENCE}, "fcr": 1.0}],
        "agents": {"groups": [{"name": "team", "skills": ["general"], "staffing": agents}]},
    }


def run_ccsim(agents: int, erlangs: float, hours: float, seed: int) -> dict:
    t0 = time.process_time()
    sc = scenario(agents, erlangs, hours)
    plan = build_plan(sc)
    streams = replication_streams(seed, 0)
    t1 = time.process_time()
    recs = simulate_replication(plan, streams)
    t2 = time.process_time()
    k = replication_kpis(recs, plan)
    replication_costs(recs, plan, cost_inputs(sc))
    t3 = time.process_time()
    calls = int((~np.isnan(recs.queue_s)).sum())
    return {"calls": calls, "full_s": t3 - t0, "engine_s": t2 - t1,
            "service_level": k["service_level"], "abandonment": k["abandonment_rate"]}


def run_ciw(agents: int, erlangs: float, hours: float, seed: int) -> dict:
    import ciw

    t0 = time.process_time()
    mu = 1.0 / AHT
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=erlangs * mu)],
        service_distributions=[ciw.dists.Exponential(rate=mu)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / PATIENCE)],
    )
    ciw.seed(seed)  # Ciw's API seeds a global generator; only this benchmark uses it
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(hours * 3600.0)
    recs = sim.get_all_records()
    t1 = time.process_time()
    measured = [r for r in recs if r.arrival_date >= WARMUP_S]
    served = [r for r in measured if r.record_type == "service"]
    reneged = [r for r in measured if r.record_type == "renege"]
    offered = len(served) + len(reneged)
    within = sum(1 for r in served if r.waiting_time <= TARGET)
    return {"calls": len(recs), "full_s": t1 - t0, "service_level": within / offered,
            "abandonment": len(reneged) / offered}


def run_lean(agents: int, erlangs: float, hours: float, seed: int) -> dict:
    t0 = time.process_time()
    res = lean_simpy.simulate(agents, erlangs, hours, seed)
    return {**res, "full_s": time.process_time() - t0}


def child_cpu(cmd: list[str]) -> float:
    """CPU seconds (user + system) of ``cmd`` run to completion in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def whole_processes(agents: int, erlangs: float, hours: float, folder: Path, ciw: bool) -> dict[str, float]:
    """CPU seconds of each simulator as a whole process (start-up included), seed 1."""
    import yaml

    path = folder / f"erlang-a-{agents}.yaml"
    path.write_text(yaml.safe_dump(scenario_dict(agents, erlangs, hours)), encoding="utf-8")
    here = Path(__file__).resolve().parent
    out = {
        "ccsim": child_cpu([sys.executable, "-m", "simulator.cli", "run", str(path), "-r", "1", "-w", "1", "--json",
                            "--no-report"]),
        "lean": child_cpu([sys.executable, str(here / "lean_simpy.py"), "--agents", str(agents), "--erlangs",
                           str(erlangs), "--hours", str(hours)]),
    }
    if ciw:
        out["ciw"] = child_cpu([sys.executable, str(Path(__file__).resolve()), "--ciw-child", str(agents), str(erlangs),
                                str(hours)])
    return out


def best_of(fn, repeat: int, *args) -> dict:
    runs = [fn(*args, seed=1 + i) for i in range(repeat)]
    best = min(runs, key=lambda r: r["full_s"])
    best["service_level"] = float(np.mean([r["service_level"] for r in runs]))
    best["abandonment"] = float(np.mean([r["abandonment"] for r in runs]))
    if "engine_s" in best:
        best["engine_s"] = min(r["engine_s"] for r in runs)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hours", type=float, default=24.0, help="simulated hours per run (default 24)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per simulator and size; the fastest counts")
    ap.add_argument("--sizes", default="50,500", help="agent counts to run (of 50,500)")
    ap.add_argument("--no-ciw", action="store_true", help="skip Ciw")
    ap.add_argument("--no-process", action="store_true", help="skip the whole-process runs")
    ap.add_argument("--profile", action="store_true", help="cProfile ccsim's engine at the largest size")
    ap.add_argument("--ciw-child", nargs=3, type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.ciw_child:
        agents, erl, hours = args.ciw_child
        run_ciw(int(agents), erl, hours, seed=1)
        return
    if args.hours > 24 and args.hours % 24:
        ap.error("--hours above 24 must be whole days")
    wanted = {int(s) for s in args.sizes.split(",")}
    print(f"Erlang A model: AHT {AHT:.0f} s, patience {PATIENCE:.0f} s (both exponential), {args.hours:g} simulated h, "
          f"first {WARMUP_S / 3600:g} h warm-up excluded from SL/abandonment, best of {args.repeat}; calls per CPU second")
    header = (f"{'agents':>6} {'Erl':>5} | {'ccsim engine':>12} {'ccsim full':>10} | {'lean SimPy':>10} | {'Ciw':>7} | "
              f"{'engine/lean':>11} {'engine/Ciw':>10}")
    rows, checks, procs = [], [], []
    folder = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    for agents, erl in SIZES:
        if agents not in wanted:
            continue
        ours = best_of(run_ccsim, args.repeat, agents, erl, args.hours)
        lean = best_of(run_lean, args.repeat, agents, erl, args.hours)
        ciw_res = None if args.no_ciw else best_of(run_ciw, args.repeat, agents, erl, args.hours)
        ours_rate = ours["calls"] / ours["full_s"]
        eng_rate = ours["calls"] / ours["engine_s"]
        lean_rate = lean["calls"] / lean["full_s"]
        ciw_rate = ciw_res["calls"] / ciw_res["full_s"] if ciw_res else math.nan
        rows.append(f"{agents:>6} {erl:>5.0f} | {eng_rate:>12,.0f} {ours_rate:>10,.0f} | {lean_rate:>10,.0f} | "
                    f"{ciw_rate:>7,.0f} | {eng_rate / lean_rate:>10.2f}x {eng_rate / ciw_rate:>9.1f}x")
        ref = erlang_a_metrics(erl * 3600 / AHT, AHT, agents, TARGET, PATIENCE)
        line = (f"{agents:>6} agents: analytic SL {ref.service_level:.4f} aband {ref.abandonment:.4f} | "
                f"ccsim SL {ours['service_level']:.4f} aband {ours['abandonment']:.4f} ({ours['calls']:,} calls) | "
                f"lean SL {lean['service_level']:.4f} aband {lean['abandonment']:.4f} ({lean['calls']:,} calls)")
        if ciw_res:
            line += f" | Ciw SL {ciw_res['service_level']:.4f} aband {ciw_res['abandonment']:.4f} ({ciw_res['calls']:,} calls)"
        checks.append(line)
        if not args.no_process:
            cpu = whole_processes(agents, erl, args.hours, folder, not args.no_ciw)
            ciw_p = ciw_res["calls"] / cpu["ciw"] if ciw_res else math.nan
            procs.append(f"{agents:>6} {erl:>5.0f} | {cpu['ccsim']:>7.2f} s {ours['calls'] / cpu['ccsim']:>10,.0f} | "
                         f"{cpu['lean']:>6.2f} s {lean['calls'] / cpu['lean']:>10,.0f} | "
                         f"{cpu.get('ciw', math.nan):>6.2f} s {ciw_p:>8,.0f} | "
                         f"{(ours['calls'] / cpu['ccsim']) / (lean['calls'] / cpu['lean']):>9.2f}x "
                         f"{(ours['calls'] / cpu['ccsim']) / ciw_p:>8.1f}x")
    print("\nThe simulation proper (in this process):")
    print(header)
    print("-" * len(header))
    print("\n".join(rows))
    if procs:
        head = (f"{'agents':>6} {'Erl':>5} | {'ccsim run':>9} {'calls/s':>10} | {'lean':>8} {'calls/s':>10} | "
                f"{'Ciw':>8} {'calls/s':>8} | {'ccsim/lean':>10} {'ccsim/Ciw':>9}")
        print("\nThe whole process (a fresh Python each: start-up, imports, simulation, output; CPU seconds):")
        print(head)
        print("-" * len(head))
        print("\n".join(procs))
    print("\nSame model (mean over the --repeat runs; one 24-h run has a noise of ~0.01 on SL):")
    print("\n".join(checks))
    if args.profile:
        agents, erl = max((s for s in SIZES if s[0] in wanted), default=SIZES[-1])
        plan = build_plan(scenario(agents, erl, args.hours))
        prof = cProfile.Profile()
        prof.enable()
        simulate_replication(plan, replication_streams(1, 0))
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
        print(buf.getvalue())


if __name__ == "__main__":
    main()
