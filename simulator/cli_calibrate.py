"""``ccsim calibrate``: the command's options and what it prints (the fitting is ``simulator.calibrate``).

Registered by ``simulator.cli``, which turns every CcsimError raised here into one line on stderr
and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from simulator.calibrate import PRESETS, calibrate_interval_report, column_map
from simulator.calibrate import calibrate as run_calibration
from simulator.cli_jobs import consoles, progress, start_job
from simulator.core.errors import InputFileError

out_console, err_console = consoles()


def calibrate(
    log: Annotated[Path, typer.Argument(help="Per-call log (CSV, UTF-8): one row per call; or an interval report with --interval-report.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scenario YAML to write.")],
    preset: Annotated[Optional[str], typer.Option("--preset", help=f"Column layout of a known export: {', '.join(sorted(PRESETS))}.")] = None,
    column: Annotated[Optional[list[str]], typer.Option("--column", help="FIELD=Column (repeatable): arrival_time, queue, wait_seconds, outcome, handle_seconds, caller_id, agent_group, call_id; 'a+b' adds or joins columns.")] = None,
    outcome: Annotated[Optional[list[str]], typer.Option("--outcome", help="VALUE=answered|abandoned|skip (repeatable): how other outcome values count.")] = None,
    mapping: Annotated[Optional[Path], typer.Option("--mapping", help="YAML file with columns:, outcomes:, time_format:.")] = None,
    time_format: Annotated[Optional[str], typer.Option("--time-format", help="strftime format of arrival_time (default ISO 8601).")] = None,
    timezone: Annotated[Optional[str], typer.Option("--timezone", help="Convert timestamps with an offset to this zone (e.g. Europe/Paris); default UTC.")] = None,
    interval_minutes: Annotated[Optional[int], typer.Option("--interval-minutes", min=5, max=240, help="Interval length of the profile and staffing (default 30; an interval report's own).")] = None,
    target_seconds: Annotated[float, typer.Option("--target-seconds", min=1, help="Service-level threshold (answered within).")] = 20.0,
    fcr_window_days: Annotated[float, typer.Option("--fcr-window-days", min=0.01, help="A call by the same caller within this many days of an answered call is a repeat.")] = 7.0,
    redial_window_seconds: Annotated[float, typer.Option("--redial-window-seconds", min=1, help="A call by the same caller within this many seconds of an abandon is a redial.")] = 3600.0,
    name: Annotated[Optional[str], typer.Option("--name", help="Scenario name (default: 'Calibrated from LOG').")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Also write a fit report (HTML) into this folder: the baseline simulated next to the log, fitted distributions, a back-test.")] = None,
    replications: Annotated[int, typer.Option("--replications", "-r", min=2, max=1000, help="Replications for the fit report's simulations.")] = 5,
    workers: Annotated[Optional[int], typer.Option("--workers", "-w", min=1, max=256, help="Parallel processes for the fit report (default: all cores).")] = None,
    interval_report: Annotated[bool, typer.Option("--interval-report", help="LOG is an interval report (interval_start, queue, offered, answered, abandoned, aht_seconds, service_level, agents).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
) -> None:
    """Fit a baseline scenario to a per-call log (volumes, profile, handle time, patience, FCR, redials, staffing)."""
    if out.exists() and (out.is_dir() or not force):
        raise InputFileError(f"--out {out} already exists; choose a new file so nothing you wrote is overwritten"
                             + ("" if out.is_dir() else " (or add --force to replace it)"))
    from simulator.calibrate.fit import FitOptions  # the fitting (scipy.stats): only when this command runs
    from simulator.output.fmt import pct  # pandas, through the cost components it names
    if interval_report:
        if report is not None:
            raise InputFileError("--report needs a per-call log (an interval report has no waits or handle times to draw)")
        sc = calibrate_interval_report(log, out, column, interval_minutes, target_seconds, name)
        out_console.print(f"{out}: '{sc.name}' from an interval report, {len(sc.contact_types)} contact types. "
                          f"Check it with: ccsim run {out}", soft_wrap=True)
        return
    layout = column_map(preset, mapping, column, outcome, time_format)
    options = FitOptions(interval_minutes or 30, target_seconds, fcr_window_days, redial_window_seconds)
    job = start_job("calibrate", [log], report, name or log.stem, None, flag="--report") if report is not None else None
    cal, sc = run_calibration(log, out, layout, options, name, timezone)
    page = None
    if job is not None:
        from simulator.calibrate.diagnostics import fit_check  # simulation and charts (matplotlib): only with --report
        from simulator.output.report.calibration import write_calibration_report  # with fit_check
        with progress(0, f"Fit report for {sc.name}", err_console) as tick:
            tick.phase("simulating the calibrated baseline and the back-test")
            check = fit_check(cal, sc, replications, workers=workers)
            page = job.publish(lambda folder: write_calibration_report(cal, check, folder))
            tick(1)
    obs = cal.observed
    out_console.print(f"{out}: '{sc.name}' from {len(cal.log):,} calls, {len(sc.contact_types)} contact types, "
                      f"{len(sc.agents.groups)} agent groups; the log's service level {pct(obs['service_level'])}, "
                      f"abandonment {pct(obs['abandonment_rate'])}. Check it with: ccsim run {out}", soft_wrap=True)
    if page is not None:
        out_console.print(f"Fit report written to {page}")
