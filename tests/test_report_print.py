"""Printing the report: headless Chromium's ``--print-to-pdf`` of a comparison of seven scenarios.

Checked in the PDF (pypdf): A4 pages, a sensible page count, every chart whole inside its page and
on the page of its title, nothing printed past a page's right edge (a wide table cut off), and the
wide tables on landscape pages. Skipped when chromium is not
installed (CI installs it; see tests/test_report_browser.py).
"""

from __future__ import annotations

import re
import subprocess
from html import unescape as html_unescape
from pathlib import Path

import pytest
from test_report import IVR, tiny_dict
from test_report_browser import CHROMIUM, FLAGS

from simulator.model.scenario import parse_scenario
from simulator.output.report import write_compare_report
from simulator.studies.compare import compare

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI: apt-get install -y chromium)")

A4 = (595.3, 841.9)  # points


def _print(html: Path, pdf: Path, tmp: Path) -> None:
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", "--no-pdf-header-footer",
                          f"--print-to-pdf={pdf}", html.resolve().as_uri()], capture_output=True, text=True, timeout=180, check=False)
    assert pdf.exists() and pdf.stat().st_size > 10_000, f"no PDF printed: {run.stderr[-2000:]}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A comparison of the tiny center with six lever scenarios (wide tables, small multiples), printed."""
    voip = {"inbound_per_minute": 0.0085}
    levers = {"IVR": {"ivr": IVR}, "VoIP": {"voip": voip}, "IVR and VoIP": {"ivr": IVR, "voip": voip},
              "Cheaper VoIP": {"voip": {"inbound_per_minute": 0.005}}, "IVR 10%": {"ivr": {**IVR, "containment": 0.1}},
              "All three": {"ivr": IVR, "voip": voip, "callback": {"threshold_seconds": 60, "acceptance": 0.4}}}
    comp = compare(parse_scenario(tiny_dict("Acme")), [parse_scenario(tiny_dict(n, **lv)) for n, lv in levers.items()],
                   hold="staffing", workers=1)
    tmp = tmp_path_factory.mktemp("print")
    out = tmp / "report"
    out.mkdir()
    html = write_compare_report(comp, out)
    pdf = tmp / "report.pdf"
    _print(html, pdf, tmp)
    return pdf, html.read_text(encoding="utf-8")


def _images(page: pypdf.PageObject) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(name, (x0, y0, x1, y1) in points) of every image the page draws, in drawing order."""
    names = {k for k, v in page["/Resources"].get("/XObject", {}).items() if v.get_object().get("/Subtype") == "/Image"}
    ctm, stack, out = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [], []
    for operands, op in pypdf.generic.ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
        elif op == b"Do" and operands[0] in names:
            xs = [ctm[0] * u + ctm[2] * v + ctm[4] for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
            ys = [ctm[1] * u + ctm[3] * v + ctm[5] for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
            out.append((str(operands[0]), (min(xs), min(ys), max(xs), max(ys))))
    return out


def test_every_chart_prints_whole_with_its_title(printed: tuple[Path, str]) -> None:
    """Chromium never splits an image, it cuts it off at the page's edge: every chart must lie
    inside its page, and on the page of its title (a title left alone at the foot of a page is a
    break in the wrong place)."""
    pdf, html = printed
    titles = re.findall(r'<figure><h3>([^<]*)</h3>', html)
    placed = []
    for i, page in enumerate(pypdf.PdfReader(pdf).pages, start=1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        text = " ".join(page.extract_text().split())
        for name, (x0, y0, x1, y1) in sorted(_images(page), key=lambda im: -im[1][3]):  # top to bottom
            assert x0 >= -1 and y0 >= -1 and x1 <= w + 1 and y1 <= h + 1, f"page {i}: chart {name} cut at the page edge"
            placed.append((i, text))
    assert len(placed) == len(titles), f"{len(placed)} charts printed, {len(titles)} in the page"
    for title, (i, text) in zip(titles, placed):
        assert " ".join(html_unescape(title).split()) in text, f"page {i}: the chart of '{title}' without its title"


def test_pages_are_a4_few_and_nothing_is_cut_at_the_right_edge(printed: tuple[Path, str]) -> None:
    pdf, _ = printed
    reader = pypdf.PdfReader(pdf)
    n = len(reader.pages)
    # the assumptions page lists every changed input (about 70 rows for a combined scenario): ~2 pages
    assert 4 <= n <= 26, f"{n} pages for a comparison of seven scenarios"
    landscape = 0
    for i, page in enumerate(reader.pages, start=1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((round(w), round(h))) == sorted((round(A4[0]), round(A4[1]))), f"page {i} is {w:.0f} x {h:.0f} pt, not A4"
        landscape += w > h
        xs: list[float] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float, xs: list[float] = xs) -> None:
            if text.strip():
                xs.append(cm[0] * tm[4] + cm[2] * tm[5] + cm[4])

        page.extract_text(visitor_text=visit)
        beyond = [x for x in xs if x > w - 20]
        assert not beyond, f"page {i}: text starts {len(beyond)} times at the right edge or beyond (x up to {max(beyond):.0f} of {w:.0f} pt)"
    assert landscape >= 1, "the wide tables (seven scenario columns) should print on landscape pages"


def test_the_print_stylesheet_keeps_rows_and_figures_whole(printed: tuple[Path, str]) -> None:
    _, html = printed
    css = html[html.index("@media print"):]
    for rule in ("figure{", "break-inside:avoid", "thead{display:table-header-group}", "page:wide", "@page"):
        assert rule in html, rule
    assert "background:none" in css and "box-shadow:none" in css
