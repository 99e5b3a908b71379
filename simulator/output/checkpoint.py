"""Finished replications on disk, so that a run stopped by Ctrl-C or a kill can be resumed.

One ``.npz`` file per replication (numbers only, read back with ``allow_pickle=False``: a resume
folder is data, never code), written to a temporary name and renamed, so a file is either
complete or absent. ``job.json`` records what the folder belongs to.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.core.errors import InputFileError
from simulator.studies.simulate import ReplicationResult

JOB_FILE = "job.json"
_NAME = re.compile(r"^(?P<key>[0-9a-f]{24})-r(?P<rep>\d{5,})\.npz$")
_FRAMES = ("intervals", "type_counts")
_DICTS = ("kpis", "costs", "volumes")


class DiskReplicationStore:
    """A folder of finished replications (see ``simulator.studies.simulate.ReplicationStore``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, key: str) -> dict[int, ReplicationResult]:
        out = {}
        for path in sorted(self.folder.glob(f"{key}-r*.npz")):
            m = _NAME.match(path.name)
            if m:
                out[int(m["rep"])] = _read(path, int(m["rep"]))
        return out

    def save(self, key: str, result: ReplicationResult) -> None:
        arrays: dict[str, np.ndarray] = {"wait_hist": np.asarray(result.wait_hist)}
        for name in _DICTS:
            values: dict[str, float] = getattr(result, name)
            arrays[f"{name}.keys"] = np.array(list(values), dtype=str)
            arrays[f"{name}.values"] = np.array(list(values.values()), dtype=float)
        for name in _FRAMES:
            frame: pd.DataFrame = getattr(result, name)
            arrays[f"{name}.columns"] = np.array(list(frame.columns), dtype=str)
            for i, col in enumerate(frame.columns):
                arrays[f"{name}.{i}"] = frame[col].to_numpy()
        final = self.folder / f"{key}-r{result.replication:05d}.npz"
        tmp = final.with_name(final.name + ".tmp")
        with tmp.open("wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, final)

    def count(self) -> int:
        """Replications kept in the folder (all scenarios of the job)."""
        return sum(1 for p in self.folder.glob("*.npz") if _NAME.match(p.name))


def _read(path: Path, replication: int) -> ReplicationResult:
    try:
        with np.load(path, allow_pickle=False) as z:
            dicts = {name: dict(zip(z[f"{name}.keys"].tolist(), z[f"{name}.values"].tolist())) for name in _DICTS}
            frames = {name: pd.DataFrame({col: z[f"{name}.{i}"] for i, col in enumerate(z[f"{name}.columns"].tolist())})
                      for name in _FRAMES}
            return ReplicationResult(replication, dicts["kpis"], dicts["costs"], frames["intervals"],
                                     z["wait_hist"], dicts["volumes"], frames["type_counts"])
    except (OSError, ValueError, KeyError) as exc:
        raise InputFileError(f"--resume file {path} is damaged ({exc.__class__.__name__}); delete it and resume again") from None


def write_job(folder: Path, job: dict[str, Any]) -> None:
    """Record what the resume folder belongs to (command, report folder, scenario files)."""
    tmp = folder / (JOB_FILE + ".tmp")
    tmp.write_text(json.dumps(job, indent=2), encoding="utf-8")
    os.replace(tmp, folder / JOB_FILE)


def read_job(folder: Path) -> dict[str, Any]:
    """The job a resume folder belongs to; a clear error if ``folder`` is not one."""
    try:
        job = json.loads((folder / JOB_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputFileError(f"--resume must be a folder left by an interrupted ccsim run, with {JOB_FILE} in it (got {folder})") from None
    if not isinstance(job, dict):
        raise InputFileError(f"--resume folder {folder} has a damaged {JOB_FILE}")
    return job
