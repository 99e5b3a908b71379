"""The ``ccsim`` command line (typer): the only module that prints or chooses exit codes.

Every error the package raises on purpose (CcsimError) becomes one line on stderr and exit code 2,
without a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Callable, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from simulator.core.errors import CcsimError, InputFileError
from simulator.model.build import build_plan
from simulator.model.scenario import load_scenario
from simulator.output.export import inert_frame, slug
from simulator.output.fmt import TEXT_MISSING, ci_text, is_missing, kpi_text, number, pct
from simulator.output.report import write_compare_report, write_run_report
from simulator.studies.compare import Comparison, notes
from simulator.studies.compare import compare as run_compare
from simulator.studies.simulate import SimulationResult, simulate
from simulator.studies.roster import Roster, optimize_roster
from simulator.studies.staffing import optimize_staffing

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


def _default_out(name: str) -> Path:
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
    with _errors():
        sc = load_scenario(scenario)
        n = replications or sc.replications
        with _progress(n, f"Simulating {sc.name}", not json_out) as tick:
            result = simulate(sc, replications=n, seed=seed, workers=workers, progress=tick)
        out_dir = out or (_default_out(sc.name) if report and not json_out else None)
        if out_dir is not None:
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


def _print_run(result: SimulationResult) -> None:
    m = result.metrics()
    cur = result.scenario.currency
    t = Table(title=f"{result.name} - {len(result.replications)} replications, seed {result.seed}")
    t.add_column("KPI")
    t.add_column("mean", justify="right")
    t.add_column("95% CI", justify="right")
    for k in m.index:
        t.add_row(k, kpi_text(k, m.loc[k, "mean"], cur),
                  ci_text(m.loc[k, "ci95_low"], m.loc[k, "ci95_high"], lambda x: kpi_text(k, x, cur), " .. ", None))  # noqa: B023
    out_console.print(t)
    cb = result.cost_breakdown()
    c = Table(title="Cost breakdown (mean over replications)")
    c.add_column("component")
    c.add_column(cur, justify="right")
    c.add_column("share", justify="right")
    total = float(cb.sum())
    for k, v in cb.items():
        c.add_row(k, number(v, 2, missing=TEXT_MISSING), pct(v / total) if total else TEXT_MISSING)
    c.add_row("total_cost", number(total, 2, missing=TEXT_MISSING), pct(1.0))
    out_console.print(c)


@app.command()
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario file (and the files it extends) without simulating."""
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
    shifts: Annotated[bool, typer.Option("--shifts", help="Also roster the requirement into the scenario's agents.shifts (fewest paid hours); the roster CSV goes next to the staffing CSV.")] = False,
) -> None:
    """Fewest agents per interval and group that meet the service target (found by simulation)."""
    with _errors():
        sc = load_scenario(scenario)
        with _progress(1, f"Staffing {sc.name}", not json_out) as tick:
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
            {"interval_start": r.interval_start, "group": r.group, "agents": int(r.agents), "service_level": _json_num(r.service_level)}
            for r in table.itertuples()
        ]
        extra = {"roster": study.roster.to_json_dict()} if study else {}
        sys.stdout.write(json.dumps({"staffing": rows, **extra}, allow_nan=False) + "\n")
        return
    t = Table(title=f"Staffing that meets {sc.service_target.fraction:.0%} in {sc.service_target.answer_within_seconds:g} s - {sc.name}")
    for col in ("interval_start", "group", "agents", "service_level", "abandonment_rate", "erlang_agents"):
        if col in table.columns:
            t.add_column(col, justify="right")
    for r in table.to_dict("records"):
        t.add_row(*[_cell(c, r[c]) for c in table.columns if c in ("interval_start", "group", "agents", "service_level", "abandonment_rate", "erlang_agents")])
    out_console.print(t)
    if study is not None:
        _print_roster(study.roster)
    out_console.print(f"Written to {path}" + (f" and {roster_path}" if roster_path else ""))


def _staff_csv_paths(csv: Path | None, name: str, roster: bool) -> tuple[Path, Path | None]:
    """The staffing CSV and, with a roster, ``<stem>-roster.csv`` next to it; nothing is overwritten."""
    path = csv or Path("reports") / f"{slug(name)}-staffing.csv"

    def twin(p: Path) -> Path | None:
        return p.with_name(p.stem + "-roster.csv") if roster else None

    taken = [p for p in (path, twin(path)) if p is not None and p.exists()]
    if taken and csv is None:
        path = path.with_name(path.stem + datetime.now().strftime("-%Y%m%d-%H%M%S") + ".csv")
    elif taken:
        raise InputFileError(f"--csv file {taken[0]} exists; choose another name so nothing is overwritten")
    return path, twin(path)


def _print_roster(roster: Roster) -> None:
    for label, days in roster.day_classes():
        for title, frame in ((f"Roster, {label}: required vs on the phones per interval (all groups)", roster.interval_summary(days[0])),
                             (f"Heads per shift type, {label} (per day)", roster.by_shift_type(days[0]))):
            t = Table(title=title)
            for col in frame.columns:
                t.add_column(col, justify="right")
            for r in frame.itertuples(index=False):
                t.add_row(*[number(v, 1) if isinstance(v, float) else str(v) for v in r])
            out_console.print(t)
    out_console.print(f"Paid hours: {number(roster.paid_hours, 1)} over {len(roster.weekdays)} day(s), paid breaks in, unpaid "
                      f"lunch out (the requirement is {number(roster.required_hours, 1)} agent-hours on the phones); "
                      f"integer program solved in {roster.solve_seconds:.2f} s"
                      + (f", within {roster.mip_gap:.2%} of the optimum (time limit)" if roster.mip_gap > 1e-6 else ", optimal"),
                      markup=False, highlight=False)


def _json_num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _cell(col: str, v: object) -> str:
    if isinstance(v, float):
        return kpi_text(col, v)
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
            path = write_compare_report(comp, _prepare_out(out_dir))
    if json_out:
        sys.stdout.write(json.dumps(comp.to_json_dict(), allow_nan=False) + "\n")
        return
    print_comparison(comp, out_console)
    if out_dir is not None:
        out_console.print(f"Report written to [bold]{path}[/bold]")


def print_comparison(comp: Comparison, console: Console) -> None:
    """Rich tables: KPIs with paired differences, finance, attribution, and plain-language notes."""
    cur = comp.baseline.scenario.currency
    n = len(comp.baseline.replications)
    for res in comp.results:
        d = comp.differences[comp.differences["scenario"] == res.name]
        share = float(comp.confidence.loc[comp.confidence["scenario"] == res.name, "share_cheaper"].iloc[0])
        t = Table(title=f"{res.name} vs {comp.baseline.name} - hold {comp.hold}, {n} paired replications, seed {comp.baseline.seed}",
                  caption=f"cheaper than the baseline in {pct(share, 0)} of replications (costs in {cur})")
        for col in ("KPI", "baseline", "scenario", "difference", "95% CI of difference"):
            t.add_column(col, justify="left" if col == "KPI" else "right")
        for r in d.itertuples(index=False):
            diff = lambda x: kpi_text(r.kpi, x, signed=True)  # noqa: B023, E731
            t.add_row(r.kpi, kpi_text(r.kpi, r.baseline_mean), kpi_text(r.kpi, r.scenario_mean), diff(r.diff_mean),
                      ci_text(r.diff_ci95_low, r.diff_ci95_high, diff, " .. ", None))
        console.print(t)
    console.print(_finance_table(comp))
    if comp.attribution is not None:
        a = Table(title=f"Attribution of the monthly saving (Shapley values, {cur} per month)")
        for col in ("scenario", "change", "contribution / month", "95% CI", "share"):
            a.add_column(col, justify="left" if col in ("scenario", "change") else "right")
        for r in comp.attribution.itertuples(index=False):
            signed = lambda x: number(x, 0, True, TEXT_MISSING)  # noqa: E731
            a.add_row(r.scenario, r.lever, signed(r.contribution_month),
                      ci_text(r.ci95_low, r.ci95_high, signed, " .. ", TEXT_MISSING), pct(r.share, 0, TEXT_MISSING))
        console.print(a)
        for name, meta in comp.attribution_meta.items():
            console.print(f"Attribution for {name}: {meta['method']}, {meta['coalitions_simulated']} coalition runs of "
                          f"{meta['replications']} replications x {meta['days']} day(s); 'residual' is the gap to the main run.",
                          markup=False, highlight=False)
    for note in notes(comp):
        console.print(note, markup=False, highlight=False)


def _months(x: float) -> str:
    """A payback month; infinite when the saving never covers the investment."""
    if math.isnan(x):
        return TEXT_MISSING
    return "never (36 months)" if math.isinf(x) else f"{int(x)}"


def _finance_table(comp: Comparison) -> Table:
    cur = comp.baseline.scenario.currency
    f = Table(title=f"Savings and return ({cur}; positive = the scenario costs less; [95% CI])")
    f.add_column("figure")
    recs = comp.finance.to_dict("records")
    for r in recs:
        f.add_column(r["scenario"], justify="right")

    def ci(r: dict, key: str, fmt: Callable[[float], str]) -> str:
        if math.isnan(r[key]):
            return TEXT_MISSING
        return f"{fmt(r[key])} [{ci_text(r[key + '_ci95_low'], r[key + '_ci95_high'], fmt, ' .. ', None)}]"

    def amount(x: float) -> str:
        return number(x, 0, missing=TEXT_MISSING)

    def share(x: float) -> str:  # thousands grouped: a 3-year ROI can pass 1,000%
        return TEXT_MISSING if is_missing(x) else f"{number(100 * x, 0)}%"

    def payback(r: dict) -> str:
        pb = _months(r["payback_month"])
        if not math.isinf(r["payback_month"]) and r["investment"] > 0:
            pb += f" [{_months(r['payback_month_ci95_low'])} .. {_months(r['payback_month_ci95_high'])}]"
        return pb

    cheaper = dict(zip(comp.confidence["scenario"], comp.confidence["share_cheaper"]))
    lines: list[tuple[str, Callable[[dict], str]]] = [
        ("saving per simulated horizon", lambda r: ci(r, "savings_horizon", amount)),
        ("saving per month", lambda r: ci(r, "savings_month", amount)),
        ("saving per year", lambda r: ci(r, "savings_year", amount)),
        ("investment (one-time)", lambda r: amount(r["investment"])),
        ("running cost change / month", lambda r: f"{number(r['running_monthly'], 0, True, TEXT_MISSING)} (in the saving)"),
        ("payback month", payback),
        ("ROI over 3 years", lambda r: ci(r, "roi_3y", share)),
        ("NPV over 3 years", lambda r: ci(r, "npv_3y", amount) + f" at {pct(r['discount_rate'], 0)}"),
        ("cheaper in (replications)", lambda r: pct(cheaper[r["scenario"]], 0)),
    ]
    for label, fn in lines:
        f.add_row(label, *[fn(r) for r in recs])
    return f


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
