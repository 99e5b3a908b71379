"""The ``ccsim`` command line (typer): the only module that prints or chooses exit codes.

Every error the package raises on purpose (CcsimError) becomes one line on stderr and exit code 2,
without a traceback.
Start-up: the commands import the simulation, reports and optimizers (pandas, scipy, matplotlib)
when they run, so `ccsim --help` and `ccsim validate` stay light (tests/test_startup.py).
"""

from __future__ import annotations

import functools
import json
import math
import shlex
import sys
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable, Iterator, Optional

import typer

from simulator.cli_app import app_command
from simulator.cli_calibrate import calibrate as calibrate_command
from simulator.cli_study import study as study_command, sweep as sweep_command
from simulator.cli_jobs import Job, announce, consoles, interrupted_message, progress, start_job
from simulator.core.errors import CcsimError, InputFileError

if TYPE_CHECKING:
    from simulator.studies.compare import Comparison
    from simulator.studies.simulate import SimulationResult

def _click_error(name: str) -> type[Exception]:
    """Click's exception class ``name``: typer >= 0.20 vendors click, older ones import it, and
    neither re-exports these, so they are found through typer's public ``BadParameter``."""
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)


ClickException = _click_error("ClickException")
UsageError = _click_error("UsageError")


class _OneLineErrors(typer.core.TyperGroup):
    """Click's own checks (``-r 0``, ``-s abc``, a missing argument) as one line and exit 2.

    Click would print a usage box of several lines; the contract is one line on stderr naming the
    option, the value and what is allowed, as for every other bad input.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[no-untyped-def]
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # bare `ccsim`: the help, as click shows it
                exc.show()
                code = exc.exit_code
            else:
                ctx = getattr(exc, "ctx", None)
                command = f"{ctx.command_path} --help" if isinstance(exc, UsageError) and ctx else "ccsim --help"
                given = _given_value(exc, sys.argv[1:] if args is None else list(args))
                err_console.print(f"error: {exc.format_message()}{given} ({command} shows the usage)",
                                  markup=False, highlight=False, soft_wrap=True)
                code = 2
        except typer.Abort:
            code = 130
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _given_value(exc: Exception, args: list[str]) -> str:
    """`` (got '0')``: the value the user typed for the option click rejected, if it can be found."""
    param = getattr(exc, "param", None)
    for name in getattr(param, "opts", None) or []:
        for i, arg in enumerate(args):
            if arg == name and i + 1 < len(args):
                return f" (got {args[i + 1]!r})"
            if arg.startswith(name + "="):
                return f" (got {arg[len(name) + 1:]!r})"
    return ""


app = typer.Typer(
    cls=_OneLineErrors,
    add_completion=False,
    no_args_is_help=True,
    help="ccsim: what does a call cost us if we change X? Simulate a call center and its levers.",
    pretty_exceptions_enable=False,
)
# User text (names, currency) is printed as written: no emoji codes (':x:'), no rich markup
# ('[bold]', or a stray '[/x]' that would make rich raise), no highlighting.
out_console, err_console = consoles()


def _fail(message: str) -> None:
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except CcsimError as exc:
        _fail(str(exc))


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
RepsOpt = Annotated[Optional[int], typer.Option("--replications", "-r", min=1, max=10000, help="Replications (default: the file's).")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", "-s", min=0, help="Seed (default: the file's).")]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", "-w", min=1, max=256, help="Parallel processes (default: all cores). Results do not depend on it.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")]
ReportOpt = Annotated[bool, typer.Option("--report/--no-report", help="Write a report (to --out, default reports/<name>-<time>/; with --json only when --out is given).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the report here (HTML, CSV, XLSX, resolved scenarios).")]
ResumeOpt = Annotated[Optional[Path], typer.Option("--resume", help="Continue an interrupted run from its .partial folder (same command and files).")]


def _default_out(name: str) -> Path:
    from simulator.output.names import slug  # a file name: only for a command that writes files
    return Path("reports") / f"{slug(name)}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


@app.command()
def run(
    scenario: ScenarioArg,
    replications: RepsOpt = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = False,
    out: OutOpt = None,
    report: ReportOpt = True,
    resume: ResumeOpt = None,
) -> None:
    """Simulate one scenario: KPIs and costs with 95% confidence intervals."""
    from simulator.model.scenario import load_scenario  # pydantic models: after parsing the command line
    from simulator.studies.simulate import default_workers, simulate  # the engine (simpy), pandas
    with _errors():
        sc = load_scenario(scenario)
        n = replications or sc.replications
        wants_report = out is not None or (report and not json_out)
        job = start_job("run", [scenario], (out or _default_out(sc.name)) if wants_report else None, sc.name, resume)
        announce([sc], n, workers or default_workers(), err_console)
        with _interruptible(job), progress(n, f"Simulating {sc.name}", err_console) as tick:
            result = simulate(sc, replications=n, seed=seed, workers=workers, progress=tick, store=job.store)
            tick.phase("writing the report")
            path = job.publish(functools.partial(_write_report, result))
    if json_out:
        sys.stdout.write(json.dumps(result.to_json_dict(), allow_nan=False) + "\n")
        return
    _print_run(result)
    if path is not None:
        out_console.print(f"Report written to {path}")


def _write_report(result: SimulationResult | Comparison, folder: Path) -> Path:
    """The report of a run or a comparison into ``folder``."""
    from simulator.output.report import write_compare_report, write_run_report  # matplotlib, openpyxl: only with a report
    from simulator.studies.simulate import SimulationResult  # loaded already by the command
    return write_run_report(result, folder) if isinstance(result, SimulationResult) else write_compare_report(result, folder)


@contextmanager
def _interruptible(job: Job) -> Iterator[None]:
    """Ctrl-C: say where the finished replications are and how to continue; exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        line = "ccsim " + " ".join(shlex.quote(a) for a in sys.argv[1:] if a) if sys.argv[1:] else f"ccsim {job.command} ..."
        err_console.print(interrupted_message(job, line), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=130) from None


def _print_run(result: SimulationResult) -> None:
    from rich.table import Table  # rich's tables: only for a command that prints one
    from simulator.output.fmt import TEXT_MISSING, ci_text, kpi_text, number, pct  # pandas, via the cost components
    from simulator.output.labels import kpi_label  # the words of the report and the workbook
    m = result.metrics()
    cur = result.scenario.currency
    t = Table(title=f"{result.name} - {len(result.replications)} replications, seed {result.seed}")
    t.add_column("KPI")
    t.add_column("mean", justify="right")
    t.add_column("95% CI", justify="right")
    for k in m.index:
        t.add_row(kpi_label(k), kpi_text(k, m.loc[k, "mean"], cur),
                  ci_text(m.loc[k, "ci95_low"], m.loc[k, "ci95_high"], lambda x: kpi_text(k, x, cur), " .. ", None))  # noqa: B023
    out_console.print(t)
    cb = result.cost_breakdown()
    c = Table(title="Cost breakdown (mean over replications)")
    c.add_column("component")
    c.add_column(cur, justify="right")
    c.add_column("share", justify="right")
    total = float(cb.sum())
    for k, v in cb.items():
        c.add_row(kpi_label(k), number(v, 2, missing=TEXT_MISSING), pct(v / total) if total else TEXT_MISSING)
    c.add_row(kpi_label("total_cost"), number(total, 2, missing=TEXT_MISSING), pct(1.0))
    out_console.print(c)


@app.command()
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario file (and the files it extends) without simulating."""
    from simulator.model.build import build_plan  # the model layer: after parsing the command line
    from simulator.model.scenario import load_scenario  # the same
    with _errors():
        sc = load_scenario(scenario)
        if not any(g.staffing == "optimize" for g in sc.agents.groups):
            build_plan(sc)
        if sc.uncertain:
            from simulator.studies.uncertainty import check_ranges  # deferred: scipy, only for files with ranges
            check_ranges([sc])
    out_console.print(f"{scenario}: valid - '{sc.name}', {len(sc.contact_types)} contact types, "
                      f"{len(sc.agents.groups)} agent groups, {sc.horizon.days} day(s)")
    if sc.uncertain:
        out_console.print(f"note: {', '.join(sc.uncertain)}: given as ranges, checked at both ends; run and compare use "
                          "the central value (mode or median), ccsim study draws over the ranges", soft_wrap=True)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to write the example scenario set into.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
) -> None:
    """Write a working example set: a baseline, one file per lever and a combined one."""
    root = resources.files("simulator.examples")
    folders = [(root, "")] + [(d, d.name + "/") for d in sorted(root.iterdir(), key=lambda d: d.name)
                              if d.is_dir() and not d.name.startswith("__")]
    files = [(prefix + f.name, f) for folder, prefix in folders
             for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".yaml")]
    with _errors():
        if directory.exists() and not directory.is_dir():
            raise InputFileError(f"DIR must be a folder (got the file {directory})")
        clash = [name for name, _ in files if (directory / name).exists()]
        if clash and not force:
            raise InputFileError(f"{directory} already has {', '.join(clash)}; use --force to overwrite them")
        for name, f in files:
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            (directory / name).write_bytes(f.read_bytes())
    out_console.print(f"Wrote {len(files)} scenario files to {directory}. Try: ccsim run {directory / 'baseline.yaml'}")


@app.command()
def staff(
    scenario: ScenarioArg,
    replications: RepsOpt = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = False,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write the staffing table as CSV here (default: reports/<name>-staffing.csv).")] = None,
    shifts: Annotated[bool, typer.Option("--shifts", help="Also roster the requirement into the scenario's agents.shifts (fewest paid hours); the roster CSV goes next to the staffing CSV.")] = False,
) -> None:
    """Fewest agents per interval and group that meet the service target (found by simulation)."""
    from rich.table import Table  # rich's tables: only for a command that prints one
    from simulator.cli_tables import print_roster  # rich's tables, pandas: the same
    from simulator.model.scenario import load_scenario  # pydantic models: after parsing the command line
    from simulator.output.export import inert_frame  # pandas, openpyxl: only here
    from simulator.studies.roster import optimize_roster  # scipy.optimize (milp): only here
    from simulator.studies.staffing import optimize_staffing  # the engine (simpy), scipy: only here
    with _errors():
        sc = load_scenario(scenario)
        with progress(0, f"Staffing {sc.name}", err_console) as tick:
            tick.phase("searching on simulated replications, then evaluating on fresh ones")
            options = dict(replications=replications, seed=seed, workers=workers)
            study = optimize_roster(sc, **options) if shifts else None
            res = study.staffing if study else optimize_staffing(sc, **options)
            tick(1)
        table = res.table
        path, roster_path = _staff_csv_paths(csv, sc.name, study is not None)
        path.parent.mkdir(parents=True, exist_ok=True)
        inert_frame(table).to_csv(path, index=False)
        if study is not None:
            inert_frame(study.roster.table).to_csv(roster_path, index=False)
    if json_out:
        rows = [
            {**({"day": r.day} if "day" in table.columns else {}),  # with arrivals.day_weights: per weekday
             "interval_start": r.interval_start, "group": r.group, "agents": int(r.agents), "service_level": _json_num(r.service_level)}
            for r in table.itertuples()
        ]
        extra = {"roster": study.roster.to_json_dict()} if study else {}
        sys.stdout.write(json.dumps({"staffing": rows, **extra}, allow_nan=False) + "\n")
        return
    t = Table(title=f"Staffing that meets {sc.service_target.fraction:.0%} in {sc.service_target.answer_within_seconds:g} s - {sc.name}")
    shown = ("day", "interval_start", "group", "agents", "service_level", "abandonment_rate", "erlang_agents")
    for col in shown:
        if col in table.columns:
            t.add_column(col, justify="right")
    for r in table.to_dict("records"):
        t.add_row(*[_cell(c, r[c]) for c in table.columns if c in shown])
    out_console.print(t)
    if study is not None:
        print_roster(study.roster, out_console)
    out_console.print(f"Written to {path}" + (f" and {roster_path}" if roster_path else ""))


def _staff_csv_paths(csv: Path | None, name: str, roster: bool) -> tuple[Path, Path | None]:
    """The staffing CSV and, with a roster, ``<stem>-roster.csv`` next to it; nothing is overwritten."""
    from simulator.output.names import slug  # a file name: only for a command that writes files
    path = csv or Path("reports") / f"{slug(name)}-staffing.csv"

    def twin(p: Path) -> Path | None:
        return p.with_name(p.stem + "-roster.csv") if roster else None

    taken = [p for p in (path, twin(path)) if p is not None and p.exists()]
    if taken and csv is None:
        path = path.with_name(path.stem + datetime.now().strftime("-%Y%m%d-%H%M%S") + ".csv")
    elif taken:
        raise InputFileError(f"--csv file {taken[0]} exists; choose another name so nothing is overwritten")
    return path, twin(path)


def _json_num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _cell(col: str, v: object) -> str:
    from simulator.output.fmt import kpi_text  # pandas, via the cost components
    if isinstance(v, float):
        return kpi_text(col, v)
    return str(v)


@app.command()
def compare(
    baseline: ScenarioArg,
    scenarios: Annotated[list[Path], typer.Argument(help="Lever scenario files to compare with the baseline.", show_default=False)],
    hold: Annotated[str, typer.Option("--hold", help="'service' (default): staff the baseline and every scenario with the same optimizer to the same target; 'staffing': keep the baseline's agents.")] = "service",
    target: Annotated[str, typer.Option("--target", help="With --hold service: 'file' (the baseline's service_target) or 'as-is' (the service level the baseline gives today).")] = "file",
    replications: RepsOpt = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = False,
    out: OutOpt = None,
    report: ReportOpt = True,
    resume: ResumeOpt = None,
    details: Annotated[bool, typer.Option("--details", help="Also print every KPI's paired difference, the finance figures and the attribution (always in the report and --json).")] = False,
    months: Annotated[Optional[int], typer.Option("--months", min=1, max=240, help="Months of the business case (cash flow, payback, NPV; default: the scenario's business_case.months, 36).")] = None,
) -> None:
    """Compare lever scenarios with a baseline: paired differences, savings, ROI."""
    from simulator.cli_tables import print_comparison  # rich's tables, pandas: only here
    from simulator.model.scenario import load_scenario  # pydantic models: after parsing the command line
    from simulator.studies.compare import compare as run_compare  # the engine (simpy), scipy: only here
    from simulator.studies.simulate import default_workers  # with the engine
    if hold not in ("service", "staffing"):
        _fail(f"--hold must be 'service' or 'staffing' (got {hold!r})")
    if target not in ("file", "as-is"):
        _fail(f"--target must be 'file' or 'as-is' (got {target!r})")
    if target != "file" and hold != "service":
        _fail(f"--target {target} needs --hold service (got --hold {hold})")
    # `compare base.yaml scenarios/*.yaml` may name the baseline again: compare it once.
    scenarios = [p for p in scenarios if p.resolve() != baseline.resolve()]
    if not scenarios:
        _fail("SCENARIO... must name at least one scenario file other than the baseline")
    with _errors():
        base = load_scenario(baseline)
        others = [load_scenario(p) for p in scenarios]
        n = replications or base.replications
        name = f"compare-{base.name}"
        wants_report = out is not None or (report and not json_out)
        job = start_job("compare", [baseline, *scenarios], (out or _default_out(name)) if wants_report else None, name, resume)
        announce([base, *others], n, workers or default_workers(), err_console)
        runs = 1 + len(others) + (hold == "service" and not base.needs_staffing_optimizer)  # + today's baseline
        with _interruptible(job), progress(n * runs, "Comparing scenarios", err_console) as tick:
            comp = run_compare(base, others, hold=hold, replications=replications, seed=seed, workers=workers,
                               progress=tick, store=job.store, target=target, phase=tick.phase, months=months)
            tick.phase("writing the report")
            path = job.publish(functools.partial(_write_report, comp))
    if json_out:
        sys.stdout.write(json.dumps(comp.to_json_dict(), allow_nan=False) + "\n")
        return
    print_comparison(comp, out_console, details=details)
    if path is not None:
        out_console.print(f"Report written to {path}")


def _one_line_errors(command: Callable[..., None]) -> Callable[..., None]:
    """A command defined in another module, with this module's one-line errors and exit 2."""
    @functools.wraps(command)
    def wrapped(*args: object, **kwargs: object) -> None:
        with _errors():
            command(*args, **kwargs)
    return wrapped


app.command(name="calibrate")(_one_line_errors(calibrate_command))
app.command(name="app")(_one_line_errors(app_command))
app.command(name="study")(_one_line_errors(study_command))
app.command(name="sweep")(_one_line_errors(sweep_command))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
