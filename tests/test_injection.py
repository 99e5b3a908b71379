"""Issue 9: every piece of user text, fed an injection payload, is inert in every output.

The free-text fields are found from the schema (every string field of a scenario with every block
filled, see ``test_fuzz_fields.full_dict``): a field that accepts arbitrary text must be in
``PAYLOADS`` below, so a text field added tomorrow fails here until it is covered. Each payload
mixes HTML (``<...>``), a spreadsheet formula start and rich console markup.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from simulator.cli import app
from simulator.core.errors import CcsimError
from simulator.model.scenario import parse_scenario
from test_fuzz_fields import FULL, full_dict, leaf_paths, mutate

# field -> payload; the markers (X1..X7) find the payload again in the outputs
PAYLOADS = {
    "name": '=HYPERLINK("http://x","X1")<script>alert(1)</script> [/x]',
    "description": "<img src=x onerror=alert('X2')> @SUM(A1) [bold red]X2[/] :x:",
    "currency": "<script>",
    "type1": "+X3<b>bill</b>",
    "type2": "-X4<i>tech</i>&amp;",
    "group1": "@X5<u>team</u>",
    "group2": "\t=X6<s>b</s>",
}
RENAMES = {"billing": PAYLOADS["type1"], "tech": PAYLOADS["type2"], "a": PAYLOADS["group1"], "b": PAYLOADS["group2"]}
MARKERS = ("X1", "X2", "X3", "X4", "X5", "X6")
FREE_TEXT = {"name", "description", "currency", "skills", "proficiency"}  # type and group names: ``name``


def _rename(node: Any, top: bool = True) -> Any:
    if isinstance(node, dict):
        return {RENAMES.get(k, k) if not top else k: _rename(v, False) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename(v, False) for v in node]
    return RENAMES.get(node, node) if isinstance(node, str) else node


def hostile_dict() -> dict[str, Any]:
    data = _rename(full_dict())
    for ct, name in zip(data["contact_types"], ("type1", "type2")):
        ct["name"] = PAYLOADS[name]
    for g, name in zip(data["agents"]["groups"], ("group1", "group2")):
        g["name"] = PAYLOADS[name]
    data.update(name=PAYLOADS["name"], description=PAYLOADS["description"])
    data["costs"]["currency"] = PAYLOADS["currency"]
    return data


def test_every_free_text_field_of_the_schema_is_fed_a_payload():
    """A string field that takes any text is in FREE_TEXT; the others refuse HTML."""
    strings = [p for p in leaf_paths(FULL) if isinstance(_get(FULL, p), str)]
    assert strings, "the full scenario has string fields"
    for path in strings:
        if any(str(part) in FREE_TEXT for part in path):
            continue
        with pytest.raises(CcsimError):
            parse_scenario(mutate(FULL, path, "<b>X</b>"))
    parse_scenario(hostile_dict())  # the payloads themselves are legal input


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile")
    base = tmp / "hostile.yaml"
    base.write_text(yaml.safe_dump(hostile_dict(), allow_unicode=True), encoding="utf-8")
    lever = tmp / "lever.yaml"
    lever.write_text(yaml.safe_dump({"extends": "hostile.yaml", "name": "=X7<script>x</script>",
                                     "levers": {"agent_assist": {"handle_time_reduction": 0.2}}}, allow_unicode=True),
                     encoding="utf-8")
    runner = CliRunner()
    run = runner.invoke(app, ["run", str(base), "-r", "2", "-w", "1", "--out", str(tmp / "run")])
    comp = runner.invoke(app, ["compare", str(base), str(lever), "-r", "2", "-w", "1", "--hold", "staffing",
                               "--out", str(tmp / "compare")])
    assert run.exit_code == 0, run.output
    assert comp.exit_code == 0, comp.output
    return {"dirs": [tmp / "run", tmp / "compare"], "console": run.output + comp.output}


def test_the_html_escapes_every_payload(outputs):
    for folder in outputs["dirs"]:
        html = (folder / "report.html").read_text(encoding="utf-8")
        for raw in ("<script>", "<img src=x", "<b>bill", "<i>tech", "<u>team", "<s>b"):
            assert raw not in html, f"{raw!r} unescaped in {folder.name}/report.html"
        assert "&lt;script&gt;" in html  # the name and the currency are shown, as text
        assert "&amp;amp;" in html  # an entity the user typed is shown as typed, not decoded


def _csv_cells(folder: Path) -> list[str]:
    cells = []
    for f in folder.rglob("*.csv"):
        with f.open(encoding="utf-8", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    return cells


def _xlsx_cells(folder: Path) -> list[tuple[str, str]]:
    wb = load_workbook(folder / "report.xlsx")
    return [(c.value, c.data_type) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)]


def test_csv_and_xlsx_cells_with_user_text_never_start_a_formula(outputs):
    for folder in outputs["dirs"]:
        cells = _csv_cells(folder) + [v for v, _ in _xlsx_cells(folder)]
        user = [c for c in cells if any(m in c for m in MARKERS)]
        assert {m for m in MARKERS if any(m in c for c in user)} >= {"X1", "X3", "X4", "X5"}, "payloads appear as text"
        live = [c for c in user if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert not live, f"{folder.name}: cells that a spreadsheet would run: {live[:3]}"
        formulas = [v for v, t in _xlsx_cells(folder) if t == "f" and any(m in v for m in MARKERS)]
        assert not formulas, formulas[:3]


def test_the_console_prints_user_text_as_written(outputs):
    out = outputs["console"]
    assert "\u274c" not in out and "\u2716" not in out, "':x:' became an emoji"
    assert "X1" in out  # the scenario name is in the tables' titles
