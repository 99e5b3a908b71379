"""The page of a report: HTML escaping, the stylesheet, and the building blocks every section uses.

Blocks return HTML strings. ``esc`` escapes any text that may come from a scenario file (names,
descriptions, contact types, groups, currency); ``table`` and ``cards`` expect cells that are
already escaped. The page is self-contained: inline CSS, charts as embedded PNGs, no scripts, and a
Content-Security-Policy that forbids scripts and remote content.
"""

from __future__ import annotations

import base64
import html
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
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
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


def header(kicker: str, title: str, description: str, meta: str) -> str:
    """The page header; ``meta`` is pre-escaped."""
    desc = f'<p class="desc">{esc(description)}</p>' if description else ""
    return f'<header><div class="kicker">{esc(kicker)}</div><h1>{esc(title)}</h1>{desc}<div class="meta">{meta}</div></header>'


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


def figure(fig: Figure, title: str, caption: str = "") -> str:
    """A chart embedded as a PNG, with its title and an optional (pre-escaped) caption."""
    data = base64.b64encode(charts.figure_png(fig)).decode("ascii")
    cap = f'<p class="caption">{caption}</p>' if caption else ""
    return (f'<figure><h3>{esc(title)}</h3><img class="chart" alt="{esc(title)}" src="data:image/png;base64,{data}">'
            f"{cap}</figure>")


def table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "", row_classes: Sequence[str] | None = None,
          wide: bool = False) -> str:
    """An HTML table; cells must already be escaped."""
    head_html = "".join(f"<th>{h}</th>" for h in head)
    body = []
    for i, r in enumerate(rows):
        rc = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{rc}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
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
