"""The ``ccsim`` command line (typer): the only module that prints or chooses exit codes.

Every error the package raises on purpose (CcsimError) becomes one line on stderr and exit code 2,
without a traceback.
"""

from __future__ import annotations

import json
import math
from importlib import resources
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from simulator.core.errors import CcsimError, InputFileError
from simulator.model.scenario import load_scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="ccsim: what does a call cost us if we change X? Simulate a call center and its levers.",
    pretty_exceptions_enable=False,
)
# emoji=False: user text such as ':thumbs_up:' or ':x:' is printed as written, not as emoji.
out_console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)



def _fail(message: str) -> None:
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except CcsimError as exc:
        _fail(str(exc))


@contextmanager
def _progress(total: int, label: str, enabled: bool) -> Iterator:
    if not enabled:
        yield lambda k=1: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as prog:
        task = prog.add_task(label, total=total)
        yield lambda k=1: prog.advance(task, k)


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
RepsOpt = Annotated[Optional[int], typer.Option("--replications", "-r", min=1, max=10000, help="Replications (default: the file's).")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", "-s", min=0, help="Seed (default: the file's).")]
WorkersOpt = Annotated[Optional[int], typer.Option("--workers", "-w", min=1, max=256, help="Parallel processes (default: all cores). Results do not depend on it.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")]
ReportOpt = Annotated[bool, typer.Option("--report/--no-report", help="Write a report (to --out, default reports/<name>-<time>/; with --json only when --out is given).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the report here (HTML, CSV, XLSX, resolved scenarios).")]


def _fmt(name: str, x: float, currency: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if name in ("service_level", "abandonment_rate", "occupancy"):
        return f"{100 * x:.1f}%"
    if "cost" in name:
        return f"{currency} {x:,.2f}".strip()
    if name.endswith("_seconds"):
        return f"{x:,.1f} s"
    return f"{x:,.1f}"


def _default_out(name: str) -> Path:
    from simulator.output.export import slug  # deferred: keeps `ccsim --help` and `validate` light

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
) -> None:
    """Simulate one scenario: KPIs and costs with 95% confidence intervals."""
    from simulator.studies.simulate import simulate  # deferred: keeps `ccsim --help` and `validate` light

    with _errors():
        sc = load_scenario(scenario)
        n = replications or sc.replications
        with _progress(n, f"Simulating {sc.name}", not json_out) as tick:
            result = simulate(sc, replications=n, seed=seed, workers=workers, progress=tick)
        out_dir = out or (_default_out(sc.name) if report and not json_out else None)
        if out_dir is not None:
            from simulator.output.report import write_run_report  # deferred: keeps `ccsim --help` and `validate` light

            path = write_run_report(result, _prepare_out(out_dir))
    if json_out:
        sys.stdout.write(json.dumps(result.to_json_dict(), allow_nan=False) + "\n")
        return
    _print_run(result)
    if out_dir is not None:
        out_console.print(f"Report written to [bold]{path}[/bold]")


def _prepare_out(out_dir: Path) -> Path:
    """Create the report folder; refuse to overwrite a folder that has files in it."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputFileError(f"--out must be a folder (got the file {out_dir})")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InputFileError(f"--out folder {out_dir} is not empty; choose a new folder so nothing is overwritten")
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def _print_run(result) -> None:  # noqa: ANN001
    m = result.metrics()
    cur = result.scenario.currency
    t = Table(title=f"{result.name} - {len(result.replications)} replications, seed {result.seed}")
    t.add_column("KPI")
    t.add_column("mean", justify="right")
    t.add_column("95% CI", justify="right")
    for k in m.index:
        t.add_row(k, _fmt(k, m.loc[k, "mean"], cur), f"{_fmt(k, m.loc[k, 'ci95_low'], cur)} .. {_fmt(k, m.loc[k, 'ci95_high'], cur)}")
    out_console.print(t)
    cb = result.cost_breakdown()
    c = Table(title="Cost breakdown (mean over replications)")
    c.add_column("component")
    c.add_column(cur, justify="right")
    c.add_column("share", justify="right")
    total = float(cb.sum())
    for k, v in cb.items():
        c.add_row(k, f"{v:,.2f}", f"{100 * v / total:.1f}%" if total else "-")
    c.add_row("total_cost", f"{total:,.2f}", "100.0%")
    out_console.print(c)


@app.command()
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario file (and the files it extends) without simulating."""
    from simulator.model.build import build_plan  # deferred: keeps `ccsim --help` and `validate` light

    with _errors():
        sc = load_scenario(scenario)
        if not any(g.staffing == "optimize" for g in sc.agents.groups):
            build_plan(sc)
    out_console.print(f"{scenario}: valid - '{sc.name}', {len(sc.contact_types)} contact types, "
                      f"{len(sc.agents.groups)} agent groups, {sc.horizon.days} day(s)")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to write the example scenario set into.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that already exist.")] = False,
) -> None:
    """Write a working example set: a baseline, one file per lever and a combined one."""
    files = sorted(f for f in resources.files("simulator.examples").iterdir() if f.name.endswith(".yaml"))
    with _errors():
        if directory.exists() and not directory.is_dir():
            raise InputFileError(f"DIR must be a folder (got the file {directory})")
        clash = [f.name for f in files if (directory / f.name).exists()]
        if clash and not force:
            raise InputFileError(f"{directory} already has {', '.join(clash)}; use --force to overwrite them")
        directory.mkdir(parents=True, exist_ok=True)
        for f in files:
            (directory / f.name).write_bytes(f.read_bytes())
    out_console.print(f"Wrote {len(files)} scenario files to {directory}. Try: ccsim run {directory / 'baseline.yaml'}")


@app.command()
def staff(
    scenario: ScenarioArg,
    replications: RepsOpt = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = False,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write the staffing table as CSV here (default: reports/<name>-staffing.csv).")] = None,
) -> None:
    """Fewest agents per interval and group that meet the service target (found by simulation)."""
    from simulator.studies.staffing import optimize_staffing  # deferred: keeps `ccsim --help` and `validate` light

    with _errors():
        sc = load_scenario(scenario)
        with _progress(1, f"Staffing {sc.name}", not json_out) as tick:
            res = optimize_staffing(sc, replications=replications, seed=seed, workers=workers)
            tick(1)
        table = res.table
        from simulator.output.export import inert_frame, slug  # deferred: keeps `ccsim --help` and `validate` light

        path = csv or Path("reports") / f"{slug(sc.name)}-staffing.csv"
        if path.exists() and csv is None:
            path = path.with_name(path.stem + datetime.now().strftime("-%Y%m%d-%H%M%S") + ".csv")
        elif path.exists():
            raise InputFileError(f"--csv file {path} exists; choose another name so nothing is overwritten")
        path.parent.mkdir(parents=True, exist_ok=True)
        inert_frame(table).to_csv(path, index=False)
    if json_out:
        rows = [
            {"interval_start": r.interval_start, "group": r.group, "agents": int(r.agents), "service_level": _json_num(r.service_level)}
            for r in table.itertuples()
        ]
        sys.stdout.write(json.dumps({"staffing": rows}, allow_nan=False) + "\n")
        return
    t = Table(title=f"Staffing that meets {sc.service_target.fraction:.0%} in {sc.service_target.answer_within_seconds:g} s - {sc.name}")
    for col in ("interval_start", "group", "agents", "service_level", "abandonment_rate", "erlang_agents"):
        if col in table.columns:
            t.add_column(col, justify="right")
    for r in table.to_dict("records"):
        t.add_row(*[_cell(c, r[c]) for c in table.columns if c in ("interval_start", "group", "agents", "service_level", "abandonment_rate", "erlang_agents")])
    out_console.print(t)
    out_console.print(f"Written to {path}")


def _json_num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _cell(col: str, v: object) -> str:
    if isinstance(v, float):
        return _fmt(col, v)
    return str(v)


@app.command()
def compare(
    baseline: ScenarioArg,
    scenarios: Annotated[list[Path], typer.Argument(help="Lever scenario files to compare with the baseline.", show_default=False)],
    hold: Annotated[str, typer.Option("--hold", help="'staffing': keep the baseline's agents; 'service': re-staff every scenario to the service target.")] = "staffing",
    replications: RepsOpt = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = False,
    out: OutOpt = None,
    report: ReportOpt = True,
) -> None:
    """Compare lever scenarios with a baseline: paired differences, savings, ROI."""
    from simulator.studies.compare import compare as run_compare  # deferred: keeps `ccsim --help` and `validate` light

    if hold not in ("service", "staffing"):
        _fail(f"--hold must be 'service' or 'staffing' (got {hold!r})")
    # `compare base.yaml scenarios/*.yaml` may name the baseline again: compare it once.
    scenarios = [p for p in scenarios if p.resolve() != baseline.resolve()]
    if not scenarios:
        _fail("SCENARIO... must name at least one scenario file other than the baseline")
    with _errors():
        base = load_scenario(baseline)
        others = [load_scenario(p) for p in scenarios]
        total = (replications or base.replications) * (1 + len(others))
        with _progress(total, "Comparing scenarios", not json_out) as tick:
            comp = run_compare(base, others, hold=hold, replications=replications, seed=seed, workers=workers, progress=tick)
        out_dir = out or (_default_out(f"compare-{base.name}") if report and not json_out else None)
        if out_dir is not None:
            from simulator.output.report import write_compare_report  # deferred: keeps `ccsim --help` and `validate` light

            path = write_compare_report(comp, _prepare_out(out_dir))
    if json_out:
        sys.stdout.write(json.dumps(comp.to_json_dict(), allow_nan=False) + "\n")
        return
    from simulator.studies.compare import print_comparison  # deferred: keeps `ccsim --help` and `validate` light

    print_comparison(comp, out_console)
    if out_dir is not None:
        out_console.print(f"Report written to [bold]{path}[/bold]")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
