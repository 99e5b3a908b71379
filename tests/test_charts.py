"""The charts: every chart rendered with 1, 2 and 15 scenarios and with names in Latin, Chinese and
Arabic script; no glyph missing, no text matplotlib would draw wrongly, bars from zero, units on
the axes, small multiples for many scenarios, a log axis whose labels never repeat.

Matplotlib cannot shape Arabic (it draws the letters unjoined, left to right) and its font has no
CJK glyphs (boxes), so a chart draws names only when all of them are plain Latin, Greek or
Cyrillic text, and keys otherwise; the report carries the names in HTML (checked at the end).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter
from test_report import IVR, tiny_dict

from simulator.analysis.kpis import WAIT_BINS
from simulator.model.scenario import parse_scenario
from simulator.output import charts
from simulator.output.charts.style import COMPONENT_COLORS, LogPercentFormatter
from simulator.output.report import write_compare_report, write_run_report
from simulator.output.report.comparison_charts import stand_alone_savings
from simulator.output.report.summary import scenario_finance
from simulator.studies.compare import compare
from simulator.studies.simulate import simulate

CJK = "客服中心"
ARABIC = "مركز الاتصال"
SCRIPTS = ("latin", "cjk and arabic")
SIZES = (1, 2, 15)
LEVERS = ["IVR", "self-service", "callbacks", "VoIP", "remote agents"]


def _names(n: int, script: str) -> tuple[str, ...]:
    """``n`` scenario names: Latin (with a "$" that must not turn into mathtext), or Chinese and Arabic."""
    if script == "latin":
        return ("Scenario baseline", *(f"Lever {i} $5k" for i in range(1, n)))
    return (f"{CJK} {ARABIC}", *(f"{CJK if i % 2 else ARABIC} {i}" for i in range(1, n)))


def _intervals(k: int, rng: np.random.Generator) -> pd.DataFrame:
    t = np.linspace(0, np.pi, 24)
    return pd.DataFrame({
        "interval_start": [f"{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(24)],
        "offered": 200 + 150 * np.sin(t), "agents": 40 + 30 * np.sin(t) + k,
        "service_level": np.clip(0.8 - 0.3 * np.sin(t) + 0.01 * k + rng.normal(0, 0.02, 24), 0, 1),
        "asa_seconds": 5 + 25 * np.sin(t) + rng.normal(0, 1, 24).clip(0), "abandonment_rate": 0.02 + 0.1 * np.sin(t) ** 2,
    })


@cache
def _figures(names: tuple[str, ...]) -> dict[str, Figure]:
    """Every chart of the package for these scenarios (the first is the baseline), built once."""
    rng = np.random.default_rng(len(names))
    colors = charts.scenario_colors(list(names), baseline=names[0])
    m = 6.5 + rng.normal(0, 0.4, len(names))
    t = 300_000 + rng.normal(0, 9_000, len(names))
    summary = pd.DataFrame({"cost_per_call_mean": m, "cost_per_call_lo": m - 0.2, "cost_per_call_hi": m + 0.2,
                            "total_cost_mean": t, "total_cost_lo": t - 2_000, "total_cost_hi": t + 2_000}, index=list(names))
    comps = list(COMPONENT_COLORS)
    breakdown = pd.DataFrame(rng.uniform(0.05, 1.0, (len(names), len(comps))), index=list(names), columns=comps)
    frames = {n: _intervals(k, rng) for k, n in enumerate(names)}
    hists = {n: np.round(1e5 * np.exp(-np.arange(len(WAIT_BINS) - 1) / (3 + k))) for k, n in enumerate(names)}
    lines = {n: {"monthly": float(rng.normal(5_000, 20_000)), "low": -1e3, "high": 2e4, "investment": float(rng.uniform(0, 9e4)),
                 "payback": np.nan} for n in names[1:]}
    steps = [(lb, float(v), float(a)) for lb, v, a in zip(LEVERS, rng.normal(10_000, 15_000, 5), rng.normal(10_000, 15_000, 5))]
    drawn = charts.chart_names(colors)
    figs = {
        "cost_kpi_bars": charts.cost_kpi_bars(summary, colors, "USD"),
        "cost_breakdown_bars": charts.cost_breakdown_bars(breakdown, "USD", per="answered call", names=drawn),
        "component_bars": charts.component_bars(breakdown.iloc[0], "USD"),
        "savings_waterfall": charts.savings_waterfall(steps + [("interaction & other", -800.0, None)], drawn[names[-1]], "USD",
                                                      end_color=colors[names[-1]]),
        "agents_by_interval": charts.agents_by_interval(frames, colors, offered=frames[names[0]]),
        "wait_distribution": charts.wait_distribution(hists, WAIT_BINS, colors, 20),
        "staffing_by_group": charts.staffing_by_group(rng.integers(5, 30, (3, 24)).astype(float), names[:1] * 3,
                                                      list(frames[names[0]]["interval_start"]), frames[names[0]]["offered"].to_numpy()),
        "validity_scatter": charts.validity_scatter(pd.DataFrame({
            "erlang_a_service_level": rng.uniform(0.5, 1, 9), "simulated_service_level": rng.uniform(0.5, 1, 9),
            "erlang_a_abandonment": rng.uniform(0, 0.1, 9), "simulated_abandonment": rng.uniform(0, 0.1, 9)})),
    }
    if len(names) > 1:
        figs["payback_chart"] = charts.payback_chart(lines, colors, "USD")
    if len(names) <= charts.MANY:
        figs["interval_service"] = charts.interval_service(frames, colors, 20, 0.8)
    else:
        for col in charts.INTERVAL_METRICS:
            figs[f"interval_panels {col}"] = charts.interval_panels(frames, colors, col, 20, 0.8)
    return figs


@pytest.fixture(scope="module", autouse=True)
def _close_figures() -> Iterator[None]:
    with plt.rc_context({"figure.max_open_warning": 0}):  # the figures are kept open across tests, then closed
        yield
    _figures.cache_clear()
    plt.close("all")


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


class _GlyphLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _render_strictly(fig: Figure) -> None:
    """Draw the figure with matplotlib's "Glyph ... missing from font(s)" warnings (and log lines) as
    errors (drawing lays out every glyph, as saving the PNG does)."""
    handler = _GlyphLog()
    log = logging.getLogger("matplotlib")
    log.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=r".*[Gg]lyph.*")
            fig.canvas.draw()
    finally:
        log.removeHandler(handler)
    missing = [m for m in handler.messages if "lyph" in m]
    assert not missing, missing


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("n", SIZES)
def test_every_chart_draws_only_text_it_can_render(n: int, script: str) -> None:
    names = _names(n, script)
    keyed = charts.uses_keys(names)
    assert keyed == (script != "latin")
    for title, fig in _figures(names).items():
        texts = _texts(fig)
        bad = [t for t in texts if not charts.drawable(t)]
        assert not bad, f"{title} ({n} {script} names) draws text matplotlib cannot render: {bad}"
        if keyed:  # the names are in the report's HTML, the chart has keys
            assert not [t for t in texts if CJK in t or ARABIC in t], f"{title} draws a {script} name"
        _render_strictly(fig)
    if n == 2:  # and the PNG the report embeds
        assert charts.figure_png(_figures(names)["cost_kpi_bars"]).startswith(b"\x89PNG")


def test_names_in_latin_script_are_drawn_and_dollars_are_not_mathtext() -> None:
    names = _names(2, "latin")
    texts = "\n".join(_texts(_figures(names)["cost_kpi_bars"]))
    assert "baseline" in texts and r"Lever 1 \$5k" in texts  # escaped: drawn as "$5k", never as math
    assert charts.chart_names(charts.scenario_colors(list(names), names[0]))["Lever 1 $5k"] == r"Lever 1 \$5k"


def test_keys_replace_every_name_when_one_cannot_be_drawn() -> None:
    names = ["Acme", "IVR", CJK, ARABIC]
    keys = charts.chart_names(charts.scenario_colors(names, baseline="Acme"))
    assert keys == {"Acme": "baseline", "IVR": "S1", CJK: "S2", ARABIC: "S3"}
    assert charts.drawable("Acme (Zürich) – 50% €") and charts.drawable("Москва")
    assert not charts.drawable(CJK) and not charts.drawable(ARABIC) and not charts.drawable("שלום")
    assert not charts.drawable("नमस्ते") and not charts.drawable("a\u200db")


def _value_limits(fig: Figure) -> list[tuple[float, float]]:
    """The value axis of every plot with bars: x for horizontal bars (names on y), else y."""
    out = []
    for ax in fig.axes:
        if ax.get_visible() and ax.patches:
            horizontal = isinstance(ax.yaxis.get_major_formatter(), FixedFormatter)
            out.append(ax.get_xlim() if horizontal else ax.get_ylim())
    return out


@pytest.mark.parametrize("n", SIZES)
def test_bars_and_the_waterfall_start_at_zero(n: int) -> None:
    figs = _figures(_names(n, "latin"))
    for title in ("cost_kpi_bars", "cost_breakdown_bars", "component_bars", "savings_waterfall", "staffing_by_group"):
        for lo, hi in _value_limits(figs[title]):
            assert lo <= 0 <= hi, f"{title} with {n} scenario(s): value axis {lo:g} to {hi:g} leaves out zero"


def test_cost_bars_label_the_change_against_the_baseline() -> None:
    texts = _texts(_figures(_names(2, "latin"))["cost_kpi_bars"])
    assert sum(bool(re.search(r"\([+−]\d+\.\d%\)", t)) for t in texts) == 2  # one scenario × two panels; not the baseline


def test_the_waterfall_shows_stand_alone_savings_beside_the_shares() -> None:
    fig = charts.savings_waterfall([("IVR", 12_000.0, 20_000.0), ("callbacks", -3_000.0, 5_000.0)], "Both", "USD")
    ax = fig.axes[0]
    texts = _texts(fig)
    assert "share of the combined saving" in texts and "saving of the lever alone" in texts
    assert "20k" in " ".join(texts) or "20,000" in " ".join(texts)
    lo, hi = ax.get_ylim()
    assert lo <= 0 and hi > 20_000
    assert len(ax.patches) == 5  # two shares, two stand-alone bars, the combined saving


def test_every_axis_says_its_unit() -> None:
    for n in SIZES:
        for title, fig in _figures(_names(n, "latin")).items():
            labels = [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes if ax.get_visible()]
            value_labels = [lb for pair in labels for lb in pair if lb]
            assert value_labels, f"{title}: no axis label at all"
            units = ("USD", "%", "seconds", "(s)", "agents", "calls", "hh:mm", "months")
            assert all(any(u in lb for u in units) for lb in value_labels), f"{title}: an axis without its unit: {labels}"


def test_many_scenarios_go_to_small_multiples_with_the_baseline_in_grey() -> None:
    figs = _figures(_names(15, "latin"))
    for title in ("interval_panels service_level", "interval_panels asa_seconds", "agents_by_interval", "wait_distribution"):
        panels = [ax for ax in figs[title].axes if ax.get_visible()]
        assert len(panels) == 14, f"{title}: {len(panels)} panels"
        for ax in panels:
            colours = {ln.get_color() for ln in ax.get_lines() if ln.get_linestyle() != "--"}
            assert charts.BASELINE_COLOR in colours and len(colours) == 2, f"{title}: {colours}"


def test_the_log_axis_never_prints_a_label_twice() -> None:
    for n in SIZES:
        fig = _figures(_names(n, "latin"))["wait_distribution"]
        fig.canvas.draw()
        shown = []
        for ax in (a for a in fig.axes if a.get_visible()):
            lo, hi = ax.get_ylim()
            labels = [t.get_text() for t, v in zip(ax.get_yticklabels(), ax.get_yticks())
                      if t.get_visible() and t.get_text() and lo * 0.999 <= v <= hi * 1.001]
            assert len(labels) == len(set(labels)), f"{n} scenario(s): {labels}"
            shown += [labels] if labels else []
        assert shown and all(len(lb) >= 3 for lb in shown), f"{n} scenario(s): {shown}"
    f = LogPercentFormatter()
    assert [f(v) for v in (1e-4, 1e-3, 1e-2, 0.1, 1.0)] == ["0.01%", "0.1%", "1%", "10%", "100%"]


# ---------------------------------------------------------------- the names in the report
def test_the_report_carries_names_in_any_script_as_text(tmp_path: Path) -> None:
    """Five scenarios: the small multiples, the payback and waterfall legends, keys (S1...) and names."""
    names = [f"{CJK} IVR", f"{ARABIC} VoIP", "Both levers", "IVR again", "IVR once more"]
    levers = [{"ivr": IVR}, {"voip": {"inbound_per_minute": 0.0085}}, {"ivr": IVR, "voip": {"inbound_per_minute": 0.0085}},
              {"ivr": IVR}, {"ivr": IVR}]
    base = parse_scenario(tiny_dict(f"{CJK} {ARABIC}"))
    comp = compare(base, [parse_scenario(tiny_dict(n, **lv)) for n, lv in zip(names, levers)], hold="staffing", workers=1)
    handler = _GlyphLog()
    logging.getLogger("matplotlib").addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=r".*[Gg]lyph.*")
            text = write_compare_report(comp, tmp_path).read_text(encoding="utf-8")
    finally:
        logging.getLogger("matplotlib").removeHandler(handler)
    assert not [m for m in handler.messages if "lyph" in m]
    legends = "".join(re.findall(r'<ul class="legend">.*?</ul>', text))
    for n in [f"{CJK} {ARABIC}", *names]:
        assert f'<bdi lang="">{n}</bdi>' in legends, f"{n} is not in a chart legend as text"
    assert '<span class="key">S1</span>' in legends and '<span class="key">baseline</span>' in legends
    assert 'class="desc" lang="" dir="auto"' in text  # the user's description is not claimed to be English
    # The waterfall puts each lever's stand-alone saving (its one-lever scenario, the first of equal ones) beside its share.
    both = next(r for r in comp.results if r.name == "Both levers")
    saving = comp.finance.drop_duplicates("scenario").set_index("scenario")["savings_month"]
    alone = stand_alone_savings(comp, both, scenario_finance(comp))
    assert alone == {"ivr": pytest.approx(saving[f"{CJK} IVR"]), "voip": pytest.approx(saving[f"{ARABIC} VoIP"])}
    assert "saving of the lever alone" not in text and "light bars: the compared scenario that makes only that change" in text


def test_the_run_report_names_groups_in_html(tmp_path: Path) -> None:
    d = tiny_dict(f"{ARABIC}")
    d["agents"]["groups"][0]["name"] = CJK
    d["agents"]["groups"][0]["skills"] = ["billing<x>"]
    result = simulate(parse_scenario(d), workers=1)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph.*")
        text = write_run_report(result, tmp_path).read_text(encoding="utf-8")
    assert f'<bdi lang="">{CJK}</bdi>' in "".join(re.findall(r'<ul class="legend">.*?</ul>', text))
