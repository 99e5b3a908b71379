"""The page's runs: off the page's thread, cancellable, and never twice for the same inputs.

``RUNNER.start(baseline, what_if, hold, workers)`` returns a :class:`Job` (a worker thread with a
cancel flag and a progress count) whose result is ``compare``'s :class:`Comparison` and the
comparison report as bytes, exactly as ``ccsim compare`` computes them. Three caches, shared by
every browser session but only by exact key:

- whole comparisons, keyed on the resolved scenarios (their full JSON, seed and replications
  included), the hold and the ccsim version;
- finished replications (``simulate``'s store, keyed by ``replication_key``: scenario, staffing
  plan, seed), so a baseline is not simulated again when only a lever moves;
- the staffing optimizer's answers per seed (``StaffToTarget``), for the same reason.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from simulator.core.errors import CcsimError
from simulator.core.version import __version__
from simulator.model.scenario import Scenario
from simulator.output.report import write_compare_report
from simulator.studies.compare import Comparison, compare
from simulator.studies.simulate import ReplicationResult
from simulator.studies.staff_cache import StaffToTarget

KEEP_COMPARISONS = 24  # most recent comparisons kept (each with its report, a few MB)
_REPORT_LOCK = threading.Lock()  # the charts draw with pyplot, which is not thread-safe


class Cancelled(Exception):
    """Raised inside the run when the page's Cancel button sets the job's flag."""


@dataclass
class Report:
    """The comparison report as files: report.html, report.xlsx and the whole folder zipped."""

    html: bytes
    xlsx: bytes
    zip: bytes


@dataclass
class Outcome:
    """A finished comparison; its report follows a little later (``report`` None until written)."""

    comparison: Comparison
    report: Report | None = None
    report_error: str | None = None


class MemoryStore:
    """Finished replications in memory (``simulate``'s ReplicationStore), shared by every session."""

    def __init__(self) -> None:
        self._data: dict[str, dict[int, ReplicationResult]] = {}
        self._lock = threading.Lock()
        self.saved = 0  # replications simulated (for the tests: nothing is simulated twice)

    def load(self, key: str) -> dict[int, ReplicationResult]:
        with self._lock:
            return dict(self._data.get(key, {}))

    def save(self, key: str, result: ReplicationResult) -> None:
        with self._lock:
            self._data.setdefault(key, {})[result.replication] = result
            self.saved += 1


def run_key(baseline: Scenario, what_if: Scenario, hold: str) -> str:
    """The exact inputs of a comparison: both resolved scenarios (seed and replications are fields
    of the baseline), the hold and the ccsim version."""
    h = hashlib.sha256()
    for part in (__version__, hold, baseline.model_dump_json(), what_if.model_dump_json()):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class Job:
    """One comparison under way (or done). The page polls ``done``, ``fraction`` and ``phase``."""

    key: str
    total: int
    ticks: int = 0
    phase: str = "starting"
    outcome: Outcome | None = None
    error: str | None = None
    cancelled: bool = False
    flag: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    watchers: int = 1  # sessions waiting for this run (a second tab with the same inputs joins it)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def done(self) -> bool:
        return self.outcome is not None or self.error is not None or self.cancelled

    @property
    def fraction(self) -> float:
        return min(1.0, self.ticks / self.total) if self.total else 0.0

    def cancel(self) -> None:
        """This session no longer waits; the last one to leave stops the run at the next
        replication or phase."""
        with self._lock:
            self.watchers -= 1
            if self.watchers > 0:
                return
        self.flag.set()
        if self.outcome is None and self.error is None:
            self.cancelled = True

    def _tick(self, k: int = 1) -> None:
        if self.flag.is_set():
            raise Cancelled
        self.ticks += k

    def _say(self, text: str) -> None:
        if self.flag.is_set():
            raise Cancelled
        self.phase = text


class Runner:
    """The process's caches and the way to start a run (one per Streamlit server)."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self._done: OrderedDict[str, Outcome] = OrderedDict()
        self._staff: dict[int, StaffToTarget] = {}
        self._running: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.comparisons_run = 0

    def cached(self, key: str) -> Outcome | None:
        with self._lock:
            out = self._done.get(key)
            if out is not None:
                self._done.move_to_end(key)
            return out

    def start(self, baseline: Scenario, what_if: Scenario, hold: str, workers: int = 1) -> Job:
        """Start (or find in the cache) the comparison of ``what_if`` with ``baseline``."""
        key = run_key(baseline, what_if, hold)
        runs = 2 + (hold == "service" and not baseline.needs_staffing_optimizer)  # + today's baseline
        job = Job(key, baseline.replications * runs)
        hit = self.cached(key)
        if hit is not None:
            job.outcome, job.ticks, job.phase = hit, job.total, "from the cache"
            return job
        with self._lock:
            running = self._running.get(key)
            if running is not None:
                with running._lock:
                    if not running.flag.is_set():  # the same inputs are under way: wait for that run
                        running.watchers += 1
                        return running
            self._running[key] = job
            staff = self._staff.setdefault(baseline.seed, StaffToTarget(baseline.seed, workers))
        job.thread = threading.Thread(target=self._work, args=(job, baseline, what_if, hold, workers, staff),
                                      name="ccsim-app-run", daemon=True)
        job.thread.start()
        return job

    def _work(self, job: Job, baseline: Scenario, what_if: Scenario, hold: str, workers: int, staff: StaffToTarget) -> None:
        try:
            self._compare(job, baseline, what_if, hold, workers, staff)
        finally:
            with self._lock:
                if self._running.get(job.key) is job:
                    del self._running[job.key]

    def _compare(self, job: Job, baseline: Scenario, what_if: Scenario, hold: str, workers: int, staff: StaffToTarget) -> None:
        try:
            comp = compare(baseline, [what_if], hold=hold, workers=workers, progress=job._tick, phase=job._say,
                           store=self.store, staff_to_target=staff)
        except Cancelled:
            job.cancelled = True
            return
        except CcsimError as exc:
            job.error = str(exc)
            return
        except Exception as exc:  # noqa: BLE001 - shown on the page as one line instead of a dead thread
            job.error = f"the run failed: {exc.__class__.__name__}: {exc}"
            return
        outcome = Outcome(comp)
        with self._lock:
            self.comparisons_run += 1
            self._done[job.key] = outcome
            while len(self._done) > KEEP_COMPARISONS:
                self._done.popitem(last=False)
        job.outcome = outcome  # the page shows the figures now; the report (charts, workbook) follows
        job.phase = "writing the report"
        try:
            outcome.report = report_files(comp)
        except Exception as exc:  # noqa: BLE001 - the figures stand; the report's failure is one line
            outcome.report_error = f"the report could not be written: {exc.__class__.__name__}: {exc}"


def report_files(comp: Comparison) -> Report:
    """The comparison report (``write_compare_report``, as ``ccsim compare`` writes it) as bytes."""
    with tempfile.TemporaryDirectory(prefix="ccsim-app-") as tmp, _REPORT_LOCK:
        folder = Path(tmp) / "report"
        folder.mkdir()
        write_compare_report(comp, folder)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    z.write(path, Path("ccsim-what-if") / path.relative_to(folder))
        return Report((folder / "report.html").read_bytes(), (folder / "report.xlsx").read_bytes(), buf.getvalue())


RUNNER = Runner()
"""The one runner of the Streamlit server process: its caches are shared by every session."""
