"""Part of the command line: ``ccsim study`` (how sure are we) and ``ccsim sweep``.

Registered from ``simulator.cli``, which turns every CcsimError into one line and exit 2. The
studies and the report are imported inside the commands (they pull in scipy, pandas and
matplotlib), so ``ccsim --help`` stays fast.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from simulator.cli_jobs import consoles
from simulator.core.errors import ScenarioError

out_console, err_console = consoles()

HoldOpt = Annotated[str, typer.Option("--hold", help="'staffing' (default): every draw keeps the baseline's agents; 'service': every draw re-staffs the baseline and the levers to the same service target (slower: the optimizer runs per draw).")]
RepsOpt = Annotated[Optional[int], typer.Option("--replications", "-r", min=2, max=10000, help="Replications per point (default: the baseline's).")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", "-s", min=0, help="Seed of the draws and the simulations (default: the baseline's).")]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", "-w", min=1, max=256, help="Parallel processes (default: all cores). Results do not depend on it.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Report folder (default reports/<name>-<time>/).")]
ReportOpt = Annotated[bool, typer.Option("--report/--no-report", help="Write the report (with --json only when --out is given).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")]


def _check_hold(hold: str) -> None:
    if hold not in ("staffing", "service"):
        raise ScenarioError("--hold", hold, "'staffing' or 'service'")


def _report_folder(out: Path | None, name: str, report: bool, json_out: bool) -> Path | None:
    from simulator.output.export import slug  # light, but kept with the other output imports

    if out is None and (json_out or not report):
        return None
    return out or Path("reports") / f"{slug(name)}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


class _Run:
    """A job folder (checked before any simulation), progress, and Ctrl-C (exit 130, nothing kept:
    a study has no resume)."""

    def __init__(self, command: str, files: list[Path], report: Path | None, name: str) -> None:
        from simulator.cli_jobs import start_job  # with the studies: deferred to the command

        self.job = start_job(command, files, report, name, None)

    def __enter__(self) -> "_Run":
        return self

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
        if kind is not None:
            shutil.rmtree(self.job.work, ignore_errors=True)
        if kind is KeyboardInterrupt:
            err_console.print("interrupted: nothing was written (a study cannot be resumed; run it again)",
                              markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(code=130)


def study(
    baseline: Annotated[Path, typer.Argument(help="Baseline scenario YAML.", show_default=False)],
    scenarios: Annotated[list[Path], typer.Argument(help="Lever scenario files; any number in them may be a range {low, mode, high}.", show_default=False)],
    draws: Annotated[int, typer.Option("--draws", "-n", min=1, max=10000, help="Latin hypercube draws of the uncertain inputs.")] = 20,
    hold: HoldOpt = "staffing",
    replications: RepsOpt = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    tornado: Annotated[bool, typer.Option("--tornado/--no-tornado", help="Also run the one-at-a-time tornado (2 comparisons per uncertain input).")] = True,
    sobol: Annotated[bool, typer.Option("--sobol", help="Also compute Sobol indices (needs the extra ccsim[sensitivity]; N x (inputs + 2) comparisons).")] = False,
    sobol_samples: Annotated[int, typer.Option("--sobol-samples", min=2, max=4096, help="Sobol base samples N (rounded up to a power of two).")] = 8,
    out: OutOpt = None,
    report: ReportOpt = True,
    json_out: JsonOpt = False,
) -> None:
    """How sure are we: P10/P50/P90 of each lever's saving, payback, NPV and ROI over the uncertain inputs."""
    from simulator.cli_jobs import announce, progress  # deferred: studies, pandas, scipy
    from simulator.model.scenario import load_scenario  # deferred with the studies
    from simulator.model.uncertain import with_uncertain  # deferred: scipy
    from simulator.output.report.study import write_study_report  # deferred: matplotlib
    from simulator.studies import sensitivity  # deferred: scipy
    from simulator.studies.simulate import default_workers  # deferred with the studies
    from simulator.studies.uncertainty import Runs, run_study, uncertain_paths  # deferred: scipy

    _check_hold(hold)
    scenarios = [p for p in scenarios if p.resolve() != baseline.resolve()]
    if not scenarios:
        raise ScenarioError("SCENARIO...", "", "at least one scenario file other than the baseline")
    if sobol:
        sensitivity.check_sobol()
    base = load_scenario(baseline)
    others = [load_scenario(p) for p in scenarios]
    files = [base, *others]
    k = len(uncertain_paths(files))  # the baseline's inputs are the levers' too (share_baseline_inputs)
    n = replications or base.replications
    compares = draws + (1 + 2 * k if tornado and k else 0) + (sobol_samples * (k + 2) if sobol else 0)
    folder = _report_folder(out, f"study-{base.name}", report, json_out)
    with _Run("study", [baseline, *scenarios], folder, base.name) as run:
        announce([with_uncertain(sc, {}) for sc in files], n * compares, workers or default_workers(), err_console, False)
        if k == 0:
            err_console.print("note: no uncertain input in these files: every draw is the same, the spread is the "
                              "simulation's noise only (write a number as {low, mode, high} to make it uncertain)",
                              markup=False, highlight=False, soft_wrap=True)
        runs = len(files) + (hold == "service" and not base.needs_staffing_optimizer)
        with progress(n * runs * compares, "Study", err_console) as tick:
            runs = Runs(hold, n, seed, workers, progress=tick, phase=tick.phase)
            result = run_study(base, others, draws, runs)
            if tornado and k:
                result.tornado = sensitivity.tornado(base, others, runs)
            if sobol:
                result.sobol = sensitivity.sobol(base, others, sobol_samples, runs)
            tick.phase("writing the report")
            path = run.job.publish(lambda d: write_study_report(result, d))
    if json_out:
        data = result.to_json_dict()
        if result.tornado is not None:
            data["tornado"] = json.loads(result.tornado.to_json(orient="records"))
        if result.sobol is not None:
            data["sobol"] = json.loads(result.sobol.to_json(orient="records"))
        sys.stdout.write(json.dumps(data, allow_nan=False) + "\n")
        return
    _print_study(result)
    if path is not None:
        out_console.print(f"Report written to {path}")


def _print_study(result) -> None:  # noqa: ANN001 - a studies.uncertainty.Study
    from rich import box  # rich's tables: only for the command that prints one
    from rich.table import Table  # the same

    from simulator.output.report.study import study_rows, summary_sentences  # deferred: matplotlib

    t = Table(title=f"P50 and P10..P90 over {result.n_draws} draws x {result.replications} replications, hold {result.hold}",
              box=box.SIMPLE_HEAD)
    # NPV is in the sentences below: without it the table fits 100 columns with a readable lever name.
    for col in ("lever", "saving/month", "P10..P90", "payback", "<=12 mo", "<=36 mo", "ROI 3y", "noise"):
        if col == "lever":
            t.add_column(col, overflow="fold", min_width=14)
        else:
            t.add_column(col, justify="right", no_wrap=True)
    for r in study_rows(result):
        t.add_row(r["scenario"], r["saving_month"], r["saving_month_range"].replace(" to ", ".."), r["payback_month"],
                  r["within_12"], r["within_36"], r["roi_3y"], r["noise_share"])
    out_console.print(t)
    if result.tornado is not None and not result.tornado.empty:
        from simulator.output.fmt import money  # deferred with the report

        for name, df in result.tornado.groupby("scenario", sort=False):
            top = df.iloc[0]
            out_console.print(f"Tornado, {name}: {top.input} moves the saving most "
                              f"({money(top.saving_low, result.currency)} at {top.low:g} to "
                              f"{money(top.saving_high, result.currency)} at {top.high:g})")
    for line in summary_sentences(result):
        out_console.print(line)


def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML to sweep.", show_default=False)],
    vary: Annotated[list[str], typer.Option("--vary", help="PATH=LOW:HIGH:STEP, e.g. costs.agent_hourly_wage=16:24:2 (once: a line; twice: a heat map).")],
    baseline: Annotated[Optional[Path], typer.Option("--baseline", "-b", help="Sweep the paired monthly saving against this baseline.")] = None,
    metric: Annotated[Optional[str], typer.Option("--metric", help="Without --baseline: monthly_cost (default), service_level, asa_seconds, abandonment_rate, occupancy, total_cost, cost_per_call, cost_per_contact.")] = None,
    hold: HoldOpt = "staffing",
    replications: RepsOpt = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    out: OutOpt = None,
    report: ReportOpt = True,
    json_out: JsonOpt = False,
) -> None:
    """A figure over a grid of one or two inputs, every point with the same random numbers."""
    from simulator.cli_jobs import announce, progress  # deferred with the studies
    from simulator.model.scenario import load_scenario  # deferred with the studies
    from simulator.output.report.study import write_sweep_report  # deferred: matplotlib
    from simulator.studies.simulate import default_workers  # deferred with the studies
    from simulator.studies.sweep import grid_scenarios, metric_values, parse_vary, sweep as run_sweep  # deferred: pandas

    _check_hold(hold)
    if not 1 <= len(vary) <= 2:
        raise ScenarioError("--vary", len(vary), "given once (a line) or twice (a heat map)")
    varies = [parse_vary(v) for v in vary]
    if len(varies) == 2 and varies[0].path == varies[1].path:
        raise ScenarioError("--vary", varies[1].path, "two different field paths")
    sc = load_scenario(scenario)
    base = load_scenario(baseline) if baseline is not None else None
    metric_values(metric or ("saving_month" if base else "monthly_cost"), sc, base)
    points = grid_scenarios(sc, base, varies)  # every point validated before any simulation
    n = replications or sc.replications
    folder = _report_folder(out, f"sweep-{sc.name}", report, json_out)
    with _Run("sweep", [scenario] + ([baseline] if baseline else []), folder, sc.name) as run:
        announce([sc] + ([base] if base else []), n * len(points), workers or default_workers(), err_console, False)
        with progress(n * len(points) * (2 if base else 1), "Sweep", err_console) as tick:
            result = run_sweep(sc, varies, base, metric, hold, n, seed, workers, progress=tick)
            tick.phase("writing the report")
            path = run.job.publish(lambda d: write_sweep_report(result, d))
    if json_out:
        sys.stdout.write(json.dumps({"scenario": result.scenario, "baseline": result.baseline, "metric": result.metric,
                                     "replications": result.replications, "seed": result.seed,
                                     "points": json.loads(result.points.to_json(orient="records"))}, allow_nan=False) + "\n")
        return
    _print_sweep(result)
    if path is not None:
        out_console.print(f"Report written to {path}")


def _print_sweep(result) -> None:  # noqa: ANN001 - a studies.sweep.SweepResult
    from rich.table import Table  # rich's tables: only for the command that prints one

    from simulator.output.report.study import sweep_format  # deferred: matplotlib

    fmt = sweep_format(result)
    t = Table(title=f"{result.metric} of {result.scenario}: {len(result.points)} points x {result.replications} replications, "
                    f"seed {result.seed} (common random numbers)")
    for v in result.varies:
        t.add_column(v.path, justify="right", overflow="fold")
    for col in ("mean", "95% CI"):
        t.add_column(col, justify="right")
    for r in result.points.to_dict("records"):
        t.add_row(*[f"{r[v.path]:g}" for v in result.varies], fmt(r["mean"]), f"{fmt(r['ci95_low'])} .. {fmt(r['ci95_high'])}")
    out_console.print(t)
