"""Issue 9: user text in the outputs cannot run as a spreadsheet formula (OWASP CSV injection)."""

from __future__ import annotations

import csv

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import minimal_dict, write_yaml
from simulator.cli import app
from simulator.output.export import inert

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_inert_prefixes_every_formula_start_and_leaves_text_alone():
    for p in PAYLOADS:
        assert inert(p) == "'" + p
    assert inert("Acme support") == "Acme support" and inert("a=b") == "a=b"


def test_a_scenario_named_like_a_formula_is_inert_in_csv_and_xlsx(tmp_path):
    data = minimal_dict(name=PAYLOADS[0])
    data["contact_types"][0]["name"] = "=cmd|' /C calc'!A0"
    data["agents"]["groups"][0]["skills"] = ["=cmd|' /C calc'!A0"]
    path = write_yaml(tmp_path / "evil.yaml", data)
    res = CliRunner().invoke(app, ["run", str(path), "-r", "2", "-w", "1", "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    cells = []
    for f in (tmp_path / "out").glob("*.csv"):
        with f.open(encoding="utf-8") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    wb = load_workbook(tmp_path / "out" / "report.xlsx")
    for ws in wb.worksheets:
        cells += [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    texts = [c for c in cells if "HYPERLINK" in c or "calc" in c]
    assert texts, "the payload should appear somewhere (as text)"
    live = [c for c in texts if c.startswith(("=", "+", "-", "@"))]
    # The Cost model sheet's own formulas start with '=' but never carry user text.
    assert not live, f"live formulas from user text: {live[:3]}"
