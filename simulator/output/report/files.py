"""The files next to a report (CSV tables, the workbook, resolved scenarios, metadata.json) and the
report's "Data and reproducibility" section that links them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from simulator.output.export import cost_model_column, run_metadata, write_csvs, write_json, write_scenarios, write_workbook
from simulator.output.report.page import esc
from simulator.studies.simulate import SimulationResult


def write_data(out_dir: Path, results: Sequence[SimulationResult], tables: dict[str, pd.DataFrame], kind: str,
               extra_meta: dict[str, Any]) -> list[str]:
    """CSV tables, the workbook, resolved scenarios and metadata.json; returns the relative file names."""
    files = write_scenarios(out_dir, results)
    csvs = write_csvs(out_dir, tables)
    cost_cols = [cost_model_column(r) for r in results]
    order = ["summary", "Cost model", *[k for k in tables if k != "summary"]]
    write_workbook(out_dir / "report.xlsx", tables, cost_cols, sheet_order=order)
    meta = run_metadata(results, kind, files, extra_meta)
    write_json(out_dir / "metadata.json", meta)
    return ["report.xlsx", *[p.name for p in csvs.values()], "metadata.json", *files.values()]


def scenario_files(files: Sequence[str]) -> list[str]:
    """The resolved scenario files among a report's files."""
    return [f for f in files if f.startswith("scenarios/")]


def files_html(files: Sequence[str], reproduce: str) -> str:
    """Links to the data files and the command that re-runs the report."""
    links = " · ".join(f'<a href="{esc(f)}">{esc(f)}</a>' for f in files)
    return (f"<h2>Data and reproducibility</h2><p>Files next to this report: {links}.</p>"
            f"<p>Re-run exactly: <code>{esc(reproduce)}</code> (from the report folder). The workbook's "
            "<b>Cost model</b> sheet recomputes every cost with live formulas from the inputs, so rates can be "
            "audited and changed in Excel.</p>")
