"""Part of the command line: the life of one long command (``run``, ``compare``).

- Folders: the report folder is checked before any simulation; the work happens in
  ``<report>.partial/`` (finished replications, the report being written) and the finished report
  is renamed into place, so a kill at any moment leaves no report folder or a complete one.
- Ctrl-C keeps the finished replications; ``--resume <report>.partial`` continues them.
- Before long work: an estimate from a quick calibration run; progress on any stderr (a bar on a
  terminal, a plain line every few seconds otherwise).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from rich.console import Console

from simulator.core.errors import InputFileError

if TYPE_CHECKING:
    from simulator.model.scenario import Scenario
    from simulator.output.checkpoint import DiskReplicationStore

PARTIAL_SUFFIX = ".partial"
LONG_SECONDS = 60.0  # work expected to take longer than this is announced
PLAIN_PROGRESS_EVERY = 5.0  # seconds between progress lines on a non-terminal stderr



def consoles() -> tuple[Console, Console]:
    """(stdout, stderr) consoles of every command: no markup, emoji or highlighting (user text is
    printed as written). Not a terminal (pipe, log, CI): the tables' 100 columns instead of rich's
    80, which cut figures ("+28…"); COLUMNS still wins when set."""
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 100
    return (Console(emoji=False, markup=False, highlight=False, width=width),
            Console(stderr=True, emoji=False, markup=False, highlight=False))

@dataclass
class Job:
    """One command's folders: ``report`` (None: no report wanted) and ``work`` (resume data)."""

    command: str
    report: Path | None
    work: Path
    scenarios: list[str]

    @property
    def store(self) -> DiskReplicationStore:
        from simulator.output.checkpoint import DiskReplicationStore  # pandas: only for a command that simulates
        return DiskReplicationStore(self.work)

    def publish(self, write: Callable[[Path], Path]) -> Path | None:
        """Write the report into the work folder with ``write``, move it into place, clean up.

        Returns the path ``write`` returned, moved to the report folder (None without a report).
        """
        path = None
        if self.report is not None:
            staging = self.work / "report"
            if staging.exists():  # a report half-written before a kill
                shutil.rmtree(staging)
            staging.mkdir()
            written = write(staging)
            _move_into_place(staging, self.report)
            path = self.report / written.relative_to(staging)
        shutil.rmtree(self.work, ignore_errors=True)
        return path


def start_job(command: str, scenario_files: list[Path], report: Path | None, name: str,
              resume: Path | None, flag: str = "--out") -> Job:
    """Check the report folder and create the work folder, before any simulation.

    ``report`` is where the report goes (None: none). The work folder is ``<report>.partial`` next
    to it, or, without a report, a folder named after ``name`` in the system's temporary folder
    (nothing is left in the user's folders by a run that writes no report). With ``resume``, the
    work folder is the one given and must belong to the same command and scenario files.
    """
    from simulator.output.checkpoint import read_job, write_job  # pandas: only for a command that simulates
    from simulator.output.names import slug  # a file name: the same
    names = [str(p.resolve()) for p in scenario_files]
    if resume is not None:
        job = read_job(resume)
        if job.get("command") != command or job.get("scenarios") != names:
            raise InputFileError(f"--resume folder {resume} belongs to `ccsim {job.get('command')}` on "
                                 f"{', '.join(job.get('scenarios') or [])}; run that command to resume it")
        if report is None and job.get("report"):
            report = Path(job["report"])
        work = resume
    else:
        stamp = f"ccsim-{slug(name)}-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
        work = report.with_name(report.name + PARTIAL_SUFFIX) if report else Path(tempfile.gettempdir()) / (stamp + PARTIAL_SUFFIX)
        if work.exists():
            raise InputFileError(f"{work} is left from an interrupted run; add --resume {work} to continue it, "
                                 "or delete it")
    if report is not None:
        _check_report_folder(report, flag)
    try:
        work.mkdir(parents=True, exist_ok=resume is not None)
        write_job(work, {"command": command, "scenarios": names, "report": str(report) if report else None})
    except OSError as exc:
        raise InputFileError(f"cannot write to {work.parent}: {exc.strerror or exc.__class__.__name__}") from None
    return Job(command, report, work, names)


def _check_report_folder(report: Path, flag: str = "--out") -> None:
    if report.exists() and not report.is_dir():
        raise InputFileError(f"{flag} must be a folder (got the file {report})")
    if report.is_dir() and any(report.iterdir()):
        raise InputFileError(f"{flag} folder {report} is not empty; choose a new folder so nothing is overwritten")
    if not report.exists():
        parent = next((p for p in report.parents if p.exists()), Path("."))
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise InputFileError(f"{flag} folder {report} cannot be created: {parent} is not a writable folder")


def _move_into_place(staging: Path, report: Path) -> None:
    """Rename the finished report into place (an empty folder of that name is replaced)."""
    report.parent.mkdir(parents=True, exist_ok=True)
    if report.is_dir() and not any(report.iterdir()):
        report.rmdir()
    os.rename(staging, report)


def interrupted_message(job: Job, command_line: str) -> str:
    kept = job.store.count()
    return (f"interrupted: {kept} finished replication(s) are kept in {job.work}; continue with: "
            f"{command_line} --resume {job.work}")


def announce(scenarios: list[Scenario], replications: int, workers: int, console: Console, resumable: bool = True) -> None:
    """Notes on legal-but-odd inputs, and an estimate when the work looks long (``resumable``:
    whether Ctrl-C keeps the finished replications, as in run and compare, or only stops)."""
    from simulator.model.oddities import odd_inputs  # the model layer: only for a command that simulates
    from simulator.studies.estimate import estimate_work  # the engine (simpy): the same
    for sc in scenarios:
        for odd in odd_inputs(sc):
            console.print(f"note: {sc.name}: {odd.line()}", markup=False, highlight=False, soft_wrap=True)
    estimates = [estimate_work(sc, replications, workers) for sc in scenarios]
    seconds = sum(e.seconds for e in estimates)
    if seconds > LONG_SECONDS:  # nan (not calibrated: short work) compares False
        calls = sum(e.calls_per_replication for e in estimates) / len(estimates)
        console.print(f"estimate: {len(scenarios)} scenario(s) x {replications} replications of about {calls:,.0f} calls "
                      f"on {estimates[0].workers} worker(s): about {_duration(seconds)} of simulation "
                      "(calibrated on a short run here). "
                      + ("Ctrl-C keeps the finished replications." if resumable else "Ctrl-C stops it."),
                      markup=False, highlight=False, soft_wrap=True)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Tracker:
    """What a long command is doing: replications done (``tick``) and the phase (``phase``).

    The time left is estimated from the replications' pace once a few are done: phases without
    replications (staffing, attribution) are named, not timed.
    """

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done, self.stage = total, label, 0, ""
        self.start = time.monotonic()
        self._first: float | None = None
        self._first_done = 0

    def __call__(self, k: int = 1) -> None:
        if self._first is None:  # the pace counts from the first replication (staffing comes before)
            self._first, self._first_done = time.monotonic(), self.done
        self.done += k

    def phase(self, text: str) -> None:
        """A new phase: its pace is measured afresh (staffing or attribution time is not a pace)."""
        self.stage = text
        self._first = None

    def eta_seconds(self) -> float | None:
        ran = self.done - self._first_done
        if self._first is None or ran < 2 or self.done >= self.total:
            return None
        return (time.monotonic() - self._first) / ran * (self.total - self.done)

    def line(self) -> str:
        eta = self.eta_seconds()
        left = f", about {_duration(eta)} left" if eta is not None else ""
        stage = f" - {self.stage}" if self.stage else ""
        count = f"{self.done}/{self.total} replications, " if self.total else ""
        return f"{self.label}{stage}: {count}{time.monotonic() - self.start:.0f} s{left}"


@contextmanager
def _every(seconds: float, action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` every ``seconds`` in a background thread while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            action()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def progress(total: int, label: str, console: Console) -> Iterator[Tracker]:
    """A ``Tracker``: shown as a bar on a terminal (with its phase and time left), else as a plain
    line every few seconds (even while one long replication runs)."""
    tracker = Tracker(total, label)
    if not console.is_terminal:
        with _every(PLAIN_PROGRESS_EVERY, lambda: console.print(tracker.line(), markup=False, highlight=False, soft_wrap=True)):
            yield tracker
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # only on a terminal
    with Progress(TextColumn("{task.description}", markup=False, style="bold"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.fields[left]}", markup=False), console=console,
                  transient=True) as prog:
        task = prog.add_task(label, total=total, left="")

        def refresh() -> None:
            eta = tracker.eta_seconds()
            prog.update(task, completed=tracker.done, left=f"~{_duration(eta)} left" if eta is not None else "",
                        description=f"{label} - {tracker.stage}" if tracker.stage else label)

        with _every(0.5, refresh):
            yield tracker
