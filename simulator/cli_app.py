"""``ccsim app [DIR]``: the what-if page for managers (Streamlit, the optional extra ``ccsim[app]``).

Streamlit is imported only here, inside the command, so the rest of ccsim runs without it. The
page is served on 127.0.0.1 unless ``--host`` says otherwise; its runs are small by default
(``--days``, ``--replications``) so that a moved lever answers in seconds.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated

import typer

from simulator.core.errors import InputFileError, ScenarioError

MISSING_EXTRA = 'ccsim app needs the app extra: pip install "ccsim[app]"'


def shipped_folder() -> Path:
    """The example scenarios that ship with ccsim (the set ``ccsim init`` writes)."""
    return Path(str(resources.files("simulator.examples")))


def app_command(
    directory: Annotated[Path | None, typer.Argument(help="Folder of scenario files (default: the shipped examples).", show_default=False)] = None,
    host: Annotated[str, typer.Option("--host", help="Address to serve on; 127.0.0.1 keeps the page on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to serve on.")] = 8501,
    days: Annotated[int, typer.Option("--days", help="Simulated days per run (default 1: answers in seconds).")] = 1,
    replications: Annotated[int, typer.Option("--replications", "-r", help="Replications per run (default 3).")] = 3,
    seed: Annotated[int | None, typer.Option("--seed", "-s", min=0, help="Seed (default: the baseline file's).")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=256, help="Parallel processes per run. Results do not depend on it.")] = 1,
) -> None:
    """Start the what-if page: pick a baseline and levers, move them, see the saving (needs the app extra)."""
    if find_spec("streamlit") is None:
        raise InputFileError(MISSING_EXTRA)
    from simulator.app.state import (  # the scenario schema (pydantic, levers): not at start-up
        DAYS,
        REPLICATIONS,
        bounds,
    )

    for option, value, (_, model, name) in (("--days", days, DAYS), ("--replications", replications, REPLICATIONS)):
        b = bounds(model, name)  # the schema's limits, not repeated here
        if not b.low <= value <= b.high:
            raise ScenarioError(option, value, f"an integer from {b.low:g} to {b.high:g}")
    folder = directory or shipped_folder()
    if not folder.is_dir():
        raise InputFileError(f"DIR must be a folder of scenario files (got {folder})")
    if not any(folder.glob("*.yaml")):
        raise InputFileError(f"DIR must hold scenario files (*.yaml); {folder} has none (ccsim init DIR writes the examples)")
    page = Path(__file__).with_name("app") / "page.py"
    args = [str(folder.resolve()), "--days", str(days), "--replications", str(replications), "--workers", str(workers)]
    if seed is not None:
        args += ["--seed", str(seed)]
    cmd = [sys.executable, "-m", "streamlit", "run", str(page), "--server.address", host, "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--client.toolbarMode", "viewer", "--", *args]
    typer.echo(f"ccsim what-if page for {folder}: http://{host}:{port} (Ctrl-C stops it)", err=True)
    sys.stderr.flush()
    # This process becomes the server: a signal that stops ccsim stops the page (no orphan server).
    os.execv(sys.executable, cmd)
