"""The page of a report: HTML escaping, the stylesheet, and the building blocks every section uses.

Blocks return HTML strings. ``esc`` escapes any text that may come from a scenario file (names,
descriptions, contact types, groups, currency); ``table`` and ``cards`` expect cells that are
already escaped. The page is self-contained: inline CSS, charts as embedded PNGs, no scripts, and a
Content-Security-Policy that forbids scripts and remote content.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Iterable, Sequence

from matplotlib.figure import Figure

from simulator.core.version import __version__
from simulator.output import charts
from simulator.output.fmt import kpi_value, money

WIDE_FROM = 7  # scenario columns from which a table gets the compact "wide" style

CSS = """
:root{--ink:#1f2933;--muted:#5f6b76;--line:#e3e7eb;--accent:#1f4e79;--good:#1e7b34;--bad:#b42318;--warn:#8a5a00}
*{box-sizing:border-box}
body{margin:0;background:#f4f6f8;color:var(--ink);font:16px/1.5 "Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 32px 48px;background:#fff;box-shadow:0 0 24px rgba(0,0,0,.06)}
header{border-bottom:4px solid var(--accent);padding-bottom:14px;margin-bottom:22px}
header .kicker{text-transform:uppercase;letter-spacing:.08em;font-size:13px;color:var(--muted);font-weight:600}
h1{font-size:30px;margin:4px 0 6px;line-height:1.2}
h2{font-size:22px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line);color:var(--accent)}
h3{font-size:17px;margin:18px 0 8px}
.meta{color:var(--muted);font-size:14px}
.desc{margin:6px 0 0;color:#3c4650}
.summary{background:#f0f6fc;border-left:5px solid var(--accent);padding:16px 22px;border-radius:4px}
.summary ul{margin:6px 0;padding-left:22px}
.summary li{margin:6px 0;font-size:17px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:18px 0 6px}
.card{border:1px solid var(--line);border-radius:6px;padding:12px 14px;background:#fff}
.card .label{font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:26px;font-weight:700;margin-top:2px}
.card .ci{font-size:12.5px;color:var(--muted)}
.card.good .value{color:var(--good)} .card.bad .value{color:var(--bad)}
.note{background:#fff8e6;border-left:5px solid #e8a317;padding:10px 16px;margin:12px 0;border-radius:4px}
.warnings{background:#fff4f2;border-left:5px solid var(--bad);padding:10px 16px;margin:12px 0;border-radius:4px}
.warnings li,.note li{margin:4px 0}
.ok{background:#eef8f0;border-left:5px solid var(--good);padding:10px 16px;margin:12px 0;border-radius:4px}
figure{margin:10px 0 24px}
img.chart{width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
@media screen and (max-width:640px){.chartwrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
.chartwrap img.chart{width:760px;max-width:none}}
.caption{color:var(--muted);font-size:14px;margin:4px 2px}
table{border-collapse:collapse;width:100%;margin:8px 0 18px;font-size:14.5px}
.tablewrap{overflow-x:auto;margin:8px 0 18px}
.tablewrap>table{margin:0}
table.wide{font-size:12.5px} table.wide th,table.wide td{padding:5px 6px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th{background:#f3f5f7;font-weight:600;color:#374151}
th:first-child,td:first-child{text-align:left}
table.text td{text-align:left}
tr.changed td{background:#fffbe6}
td.pos{color:var(--good);font-weight:600} td.neg{color:var(--bad);font-weight:600}
td.changed{background:#fff3c4;font-weight:600}
details{margin:8px 0 16px} summary{cursor:pointer;font-weight:600;color:var(--accent)}
code{background:#f3f5f7;padding:1px 5px;border-radius:3px;font-size:14px}
footer{margin-top:36px;color:var(--muted);font-size:13.5px;border-top:1px solid var(--line);padding-top:12px}
table.ranking td{vertical-align:middle} .ci{color:var(--muted);font-size:12.5px}
.barcell{position:relative;display:inline-block;width:180px;height:14px;background:linear-gradient(90deg,transparent 49.6%,#9aa5b1 49.6%,#9aa5b1 50.4%,transparent 50.4%)}
.barcell .bar{position:absolute;top:1px;height:12px;border-radius:2px} .bar.pos{background:var(--good)} .bar.neg{background:var(--bad)}
@media (max-width:640px){main{padding:16px 12px} table.ranking{font-size:12.5px} table.ranking th,table.ranking td{padding:5px 4px} .barcell{width:56px}}
@media (max-width:640px){table.rowcards thead{display:none} table.rowcards tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}
table.rowcards td{display:flex;justify-content:space-between;align-items:baseline;gap:12px;border:0;padding:2px 4px;text-align:right}
table.rowcards td::before{content:attr(data-label);color:var(--muted);text-align:left} table.rowcards td:first-child{font-weight:600;text-align:left}
table.rowcards td:first-child::before{content:none} table.rowcards .barcell{width:140px}}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:2px 18px;margin:2px 0 8px;padding:0;font-size:14px}
.legend li{display:inline-flex;align-items:center;gap:7px}
.legend .mark{display:inline-block;flex:none;width:24px;border-top:3px solid var(--c)}
.legend .mark.base{border-top-width:5px} .legend .mark.dash{border-top-style:dashed}
.legend .mark.box{width:13px;height:13px;border:0;border-radius:2px;background:var(--c)}
.legend .key{font-weight:700;font-variant-numeric:tabular-nums}
h1,.desc,td,th,.legend li,details>summary{unicode-bidi:plaintext}
.swatch,.barcell,.bar,.legend .mark,td.changed,tr.changed td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{size:A4;margin:14mm 12mm 16mm}
@page wide{size:A4 landscape;margin:12mm 12mm 14mm}
@media print{
html,body{background:#fff}
body{font-size:10pt;line-height:1.35}
main{max-width:none;padding:0;box-shadow:none}
header{border-bottom-width:2pt}
h1{font-size:20pt} h2{font-size:15pt;margin:16pt 0 6pt} h3{font-size:11.5pt;margin:10pt 0 4pt}
h2,h3{break-after:avoid;page-break-after:avoid}
.summary,.note,.warnings,.ok{background:none;border-left-width:3pt;padding:4pt 10pt}
.summary li{font-size:10.5pt}
figure{margin:4pt 0 10pt;break-inside:avoid;page-break-inside:avoid}
img.chart{border:0;width:auto;max-width:100%;max-height:225mm;break-inside:avoid}
.caption{font-size:9pt}
.legend{font-size:9pt}
.cards,.card,li,tr,.caption{break-inside:avoid;page-break-inside:avoid}
.tablewrap{overflow:visible}
.tablewrap:has(table.wide),:is(h2,h3,p):has(+.tablewrap table.wide),:is(h2,h3):has(+p+.tablewrap table.wide){page:wide}
table{font-size:9pt;margin:4pt 0 10pt}
table.wide{font-size:7.5pt} table.wide th,table.wide td{padding:2pt 3pt}
th,td{padding:3pt 6pt}
thead{display:table-header-group}
th{background:none;border-bottom:1.2pt solid #555}
a{color:inherit;text-decoration:none}
details{margin:2pt 0}
footer{margin-top:14pt}
}
"""

def esc(text: object) -> str:
    """Escape any text for HTML (scenario names, descriptions, type and group names, currency)."""
    return html.escape(str(text), quote=True)


def html_money(x: float | None, currency: str, digits: int | None = None) -> str:
    """``fmt.money`` escaped (the currency is the user's text), never broken across lines after its
    minus sign (a word joiner follows it)."""
    return esc(money(x, currency, digits)).replace("\u2212", "\u2212\u2060")


def html_kpi(kpi: str, x: float | None, currency: str) -> str:
    """``fmt.kpi_value`` escaped: a money KPI carries the user's currency."""
    return esc(kpi_value(kpi, x, currency))


def page(title: str, body: str) -> str:
    """The whole HTML document around ``body``."""
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def user_text(text: object) -> str:
    """The user's own text (a scenario name) among the page's English: escaped, isolated so that a
    right-to-left name keeps its direction, and not claimed to be English (``lang=""``: unknown)."""
    return f'<bdi lang="">{esc(text)}</bdi>'


def header(kicker: str, title: str, description: str, meta: str) -> str:
    """The page header; ``meta`` is pre-escaped. The description is the user's text (``lang=""``)."""
    desc = f'<p class="desc" lang="" dir="auto">{esc(description)}</p>' if description else ""
    return f'<header><div class="kicker">{esc(kicker)}</div><h1 dir="auto">{esc(title)}</h1>{desc}<div class="meta">{meta}</div></header>'


def summary_box(bullets: Sequence[str]) -> str:
    """The executive summary: pre-escaped bullets in a highlighted box."""
    return ('<section class="summary"><h2 style="margin-top:0;border:0">Executive summary</h2><ul>'
            + "".join(f"<li>{b}</li>" for b in bullets) + "</ul></section>")


def cards(items: Sequence[tuple[str, str, str, str]]) -> str:
    """(label, value, ci text, class) -> KPI cards; all pre-escaped."""
    return '<div class="cards">' + "".join(
        f'<div class="card {cls}"><div class="label">{label}</div><div class="value">{value}</div><div class="ci">{ci}</div></div>'
        for label, value, ci, cls in items
    ) + "</div>"


def figure(fig: Figure, title: str, caption: str = "", legend: str = "") -> str:
    """A chart embedded as a PNG, with its title, its legend (HTML, from ``legend``) above the image
    and an optional (pre-escaped) caption below. On a phone the image keeps a legible width (760 px)
    and scrolls sideways inside its own box; the page itself never does."""
    data = base64.b64encode(charts.figure_png(fig)).decode("ascii")
    cap = f'<p class="caption">{caption}</p>' if caption else ""
    return (f'<figure><h3>{esc(title)}</h3>{legend}<div class="chartwrap"><img class="chart" alt="{esc(title)}" '
            f'src="data:image/png;base64,{data}"></div>{cap}</figure>')


def legend(items: Sequence[tuple[str, str, str]]) -> str:
    """A chart's legend in HTML: (colour, pre-escaped label, mark) per entry; mark is ``line``,
    ``line base`` (thick), ``line dash`` or ``box``. The browser wraps it to the screen and draws
    names in any script, which the PNG could not (``charts.style``)."""
    return '<ul class="legend">' + "".join(
        f'<li><span class="mark {mark}" style="--c:{color}"></span><span>{label}</span></li>' for color, label, mark in items
    ) + "</ul>"


def scenario_legend(colors: dict[str, str], mark: str = "line", notes: dict[str, str] | None = None,
                    order: Sequence[str] | None = None, keys_only: bool = False) -> str:
    """The legend of a chart of scenarios (``colors``: every scenario of the report, in order): the
    key the chart draws when it draws keys (``charts.chart_names``), then the name; ``notes``:
    pre-escaped text after a name. ``keys_only``: nothing unless the chart draws keys (the names
    are on its axis)."""
    keyed = charts.uses_keys(list(colors))
    if keys_only and not keyed:
        return ""
    keys = charts.chart_names(colors)
    items = []
    for n in order or list(colors):
        label = (f'<span class="key">{esc(keys[n])}</span> ' if keyed else "") + user_text(n)
        if notes and notes.get(n):
            label += f" · {notes[n]}"
        base = colors[n] == charts.BASELINE_COLOR
        items.append((colors[n], label, "box" if mark == "box" else f"{mark} base" if base else mark))
    return legend(items)


def table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "", row_classes: Sequence[str] | None = None,
          wide: bool = False, cards: bool = False) -> str:
    """An HTML table; cells must already be escaped.

    ``cards``: on a phone each row becomes a card of "heading: value" lines (each cell
    carries its column heading in ``data-label``; class ``rowcards``), so no column is hidden off the right edge.
    """
    head_html = "".join(f"<th>{h}</th>" for h in head)
    labels = [f' data-label="{html.escape(re.sub(r"<[^>]+>", " ", h), quote=True)}"' if cards else "" for h in head]
    if cards:
        cls = f"{cls} rowcards".strip()
    body = []
    for i, r in enumerate(rows):
        rc = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{rc}>" + "".join(f"<td{labels[j] if j < len(labels) else ''}>{c}</td>" for j, c in enumerate(r)) + "</tr>")
    if wide:  # a comparison of many scenarios: smaller type (and the wrapper scrolls sideways rather than spill)
        cls = f"{cls} wide".strip()
    return (f'<div class="tablewrap"><table class="{cls}"><thead><tr>{head_html}</tr></thead><tbody>{"".join(body)}</tbody>'
            '</table></div>')


def write_page(out_dir: Path, title: str, body: Sequence[str]) -> Path:
    """Write ``report.html`` (the sections, then the footer) into ``out_dir``; return its path."""
    foot = (f"<footer>ccsim {__version__} · a SimPy discrete-event simulation; figures are means over replications with "
            "Student-t 95% confidence intervals. KPI and cost definitions: see the README.</footer>")
    path = out_dir / "report.html"
    path.write_text(page(title, "".join(body) + foot), encoding="utf-8")
    return path
