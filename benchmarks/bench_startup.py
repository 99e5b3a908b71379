"""Benchmark: start-up of the ``ccsim`` command, as the CPU time of whole processes.

    python benchmarks/bench_startup.py                     # this tree, best of 7
    python benchmarks/bench_startup.py --ref 1d9ef5a       # the same next to commit 1d9ef5a ("before")
    python benchmarks/bench_startup.py --ref main --repeat 15

Each command runs as its own process, ``python -c "from simulator.cli import app; app()" ...``
(what the ``ccsim`` console script does), with PYTHONPATH set to the tree under test. The CPU time
is user + system of the child (``resource.getrusage(RUSAGE_CHILDREN)`` before and after), so other
jobs on the machine slow it less than wall time; the best of ``--repeat`` runs is kept. With
``--ref``, that revision is extracted with ``git archive`` into a temporary folder and both trees
run alternately, command by command, so they share the same machine conditions.

The last column lists the heavy modules the command imported (one extra, untimed run each). A
first row, ``python -c pass``, is the interpreter alone on this machine: the floor of any command.
This is a script, not a test: quote its figures with the machine and the load average.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "ccsim --help": ["--help"],
    "ccsim validate": ["validate", "scenarios/baseline.yaml"],
    "ccsim run -r 1": ["run", "scenarios/baseline.yaml", "-r", "1", "-w", "1", "--no-report"],
}
BARE = "python -c pass"
HEAVY = ("scipy", "scipy.stats", "pandas", "matplotlib", "openpyxl", "simpy", "rich.table")
ENTRY = "from simulator.cli import app; app()"
# The same, and which heavy modules were imported (written to stderr at exit).
PROBE = ("import atexit, sys\n"
         f"atexit.register(lambda: sys.stderr.write('HEAVY ' + ','.join(m for m in {HEAVY!r} if m in sys.modules) + '\\n'))\n"
         + ENTRY)


@dataclass
class Tree:
    """A source tree to run: its label and the folder to put on PYTHONPATH (and run in)."""

    label: str
    path: Path


def cpu_seconds(tree: Tree, args: list[str], code: str = ENTRY) -> tuple[float, float, str]:
    """(CPU seconds, wall seconds, stderr) of one ``ccsim`` process on ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree.path), "COLUMNS": "100"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=tree.path, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{tree.label}: ccsim {' '.join(args)} failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, proc.stderr


def heavy_modules(tree: Tree, args: list[str]) -> str:
    line = [x for x in cpu_seconds(tree, args, PROBE)[2].splitlines() if x.startswith("HEAVY ")][-1]
    return line[len("HEAVY "):].replace(",", ", ") or "none"


def extract(rev: str, into: Path) -> Tree:
    """``rev`` of this repository, as files in ``into`` (git archive, no worktree bookkeeping)."""
    try:
        data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                              check=True, capture_output=True).stdout
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"--ref {rev}: {exc.stderr.decode(errors='replace').strip()}") from None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return Tree(f"before ({rev})", into)


def measure(trees: list[Tree], repeat: int) -> dict[tuple[str, str], tuple[float, float]]:
    """Best (CPU, wall) per tree and command; the trees alternate run by run."""
    best: dict[tuple[str, str], tuple[float, float]] = {}
    runs = [(BARE, "pass", [], trees[-1:])] + [(name, ENTRY, args, trees) for name, args in COMMANDS.items()]
    for name, code, args, on in runs:
        for tree in on:  # warm the file cache (and .pyc files) first
            cpu_seconds(tree, args, code)
        for _ in range(repeat):
            for tree in on:
                cpu, wall = cpu_seconds(tree, args, code)[:2]
                old = best.get((tree.label, name), (float("inf"), float("inf")))
                best[tree.label, name] = (min(old[0], cpu), min(old[1], wall))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", help="also run this git revision of the repository (the 'before')")
    ap.add_argument("--repeat", type=int, default=7, help="runs per command and tree; the best is kept")
    args = ap.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="ccsim-bench-startup-") as tmp:
        trees = ([extract(args.ref, Path(tmp))] if args.ref else []) + [Tree("this tree", ROOT)]
        best = measure(trees, args.repeat)
        heavy = {(t.label, name): heavy_modules(t, cmd) for t in trees for name, cmd in COMMANDS.items()}
    print(f"Start-up, best of {args.repeat} runs per command (CPU = user + sys of the process); "
          f"load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"{'command':16} {'tree':24} {'CPU s':>7} {'wall s':>7} {'CPU ratio':>9}  heavy modules imported")
    cpu, wall = best[trees[-1].label, BARE]
    print(f"{BARE:16} {'(the interpreter alone)':24} {cpu:7.2f} {wall:7.2f}")
    for name in COMMANDS:
        ref_cpu = best[trees[0].label, name][0]
        for t in trees:
            cpu, wall = best[t.label, name]
            ratio = f"{ref_cpu / cpu:.1f}x" if len(trees) > 1 and t is not trees[0] else ""
            print(f"{name:16} {t.label:24} {cpu:7.2f} {wall:7.2f} {ratio:>9}  {heavy[t.label, name]}")


if __name__ == "__main__":
    main()
