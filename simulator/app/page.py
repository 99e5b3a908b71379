"""The what-if page (Streamlit script, started by ``ccsim app``): pick levers, move them, see the saving.

Everything shown is plain text: labels and messages go through :func:`plain` (no markdown, no
HTML), numbers through ``simulator.output.fmt``; the report is the comparison report's own HTML
(every file string escaped there) in an iframe of its own origin (a data: URL). Each browser session keeps its own run
in ``st.session_state``; the runner's caches are shared only by exact key.
"""

from __future__ import annotations

import base64
import math
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import streamlit as st

from simulator.app import state
from simulator.app.runner import RUNNER, Job, Outcome, run_key
from simulator.core.errors import CcsimError
from simulator.levers import lever_label
from simulator.model.scenario import Scenario
from simulator.output.fmt import ci_text, kpi_text, number
from simulator.output.report.summary import payback_text

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")
COST_KPIS = ("cost_per_call", "cost_per_contact", "total_cost")


def plain(text: object) -> str:
    """Text shown as written: every markdown/HTML character escaped (Streamlit renders markdown)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


@st.cache_resource
def _folder(root: str) -> state.Folder:
    return state.open_folder(Path(root))


def _step(value: float) -> float:
    """A number input's step: a tenth of the value's order of magnitude (20,000 -> 1,000; 0.0085 -> 0.0001)."""
    return max(10.0 ** (math.floor(math.log10(value)) - 1), 1e-4) if value > 0 else 1.0


def _signed(text: str, x: float) -> str:
    """A delta with its sign first (Streamlit colours a delta by its leading minus)."""
    if text[:1] in "+-":
        return text
    return ("-" if x < 0 else "+") + text.replace("-", "", 1).replace("+", "", 1)


def knob_widget(knob: state.Knob, key: str, where: Any = st) -> float:
    """A slider for a share, a number input bounded by the schema for anything else (in ``where``)."""
    b = knob.bounds
    label = plain(knob.label)
    if b.is_share:
        return float(where.slider(label, min_value=float(b.low), max_value=float(b.high), value=knob.value, step=0.01, key=key))
    step = _step(knob.value)
    return float(where.number_input(label, min_value=None if b.low_open or b.low is None else b.low,
                                 max_value=None if b.high_open or b.high is None else b.high, value=knob.value, step=step,
                                 format="%.4f" if step < 0.01 else "%.2f" if step < 1 else "%.0f", key=key))


def sidebar(folder: state.Folder, opts: state.Options, slots: dict) -> tuple[str, tuple[str, ...], dict[str, float], dict]:
    """Baseline, levers, hold, the run's size and the context knobs."""
    st.sidebar.header("Scenarios")
    st.sidebar.caption(plain(f"Folder: {folder.root}"))
    for name, problem in folder.problems.items():
        st.sidebar.warning(plain(f"{name}: {problem}"))
    baseline = st.sidebar.selectbox("Baseline", folder.baselines, key="baseline")
    catalogue = folder.levers(baseline)
    # ?levers=chatbot,ivr preselects levers (names of the catalogue only); else the first lever.
    asked = [k for k in st.query_params.get("levers", "").split(",") if k in catalogue]
    picked = st.sidebar.multiselect("Levers", list(catalogue), default=asked or list(catalogue)[:1], key=f"levers|{baseline}",
                                    format_func=lambda k: f"{lever_label(k)} ({catalogue[k][0]})")
    hold = st.sidebar.radio("Compare at", list(state.HOLDS), format_func=state.HOLDS.get, key="hold")
    base = folder.scenarios[baseline]
    size = {}
    for (path, model, name), default in ((state.DAYS, opts.days), (state.REPLICATIONS, opts.replications)):
        b = state.bounds(model, name)
        size[path] = int(st.sidebar.number_input(plain(path.split(".")[-1]), min_value=int(b.low), max_value=int(b.high),
                                                 value=default, step=1, key=f"size|{path}"))
        slots[path] = st.sidebar.empty()
    size["seed"] = int(st.sidebar.number_input("seed", min_value=0, value=base.seed if opts.seed is None else opts.seed,
                                               step=1, key=f"seed|{baseline}"))
    st.sidebar.header("Context (baseline and what-if alike)")
    values = {}
    for knob in state.context_knobs(base):
        values[knob.path] = knob_widget(knob, f"{baseline}|{knob.path}", st.sidebar)
        slots[knob.path] = st.sidebar.empty()
    return baseline, tuple(picked), values, {"hold": hold, **size}


def lever_panels(folder: state.Folder, baseline: str, levers: tuple[str, ...], slots: dict) -> dict[str, float]:
    values = {}
    catalogue = folder.levers(baseline)
    cols = st.columns(max(1, min(3, len(levers))))
    for i, key in enumerate(levers):
        with cols[i % len(cols)]:
            st.subheader(plain(lever_label(key)))
            st.caption(plain(f"settings from {catalogue[key][0]}"))
            for knob in state.lever_knobs(key, catalogue[key][1]):
                values[knob.path] = knob_widget(knob, f"{baseline}|{knob.path}")
                slots[knob.path] = st.empty()
    return values


def show_error(exc: CcsimError, slots: dict) -> None:
    """The command line's one-line message, next to the field it names (else above the results)."""
    place = state.error_place(exc, list(slots))
    (slots[place] if place else st).error(plain(state.error_line(exc)))


@st.fragment(run_every=0.5)
def progress_panel() -> None:
    job: Job = st.session_state["job"]
    if job.done:
        st.rerun()
    st.progress(job.fraction, text=plain(f"{job.phase} ({job.ticks}/{job.total} replications)"))
    if st.button("Cancel", key="cancel"):
        job.cancel()
        st.session_state["cancelled"] = job.key
        st.rerun()


def results(out: Outcome, baseline: Scenario, what_if: Scenario, hold: str) -> None:
    comp = out.comparison
    cur = baseline.currency
    name = comp.results[0].name
    d = comp.differences[comp.differences["scenario"] == name].set_index("kpi")
    fin = comp.finance[comp.finance["scenario"] == name].iloc[0].to_dict()
    held = (f"against the optimised baseline, both staffed to {comp.target.words()}" if comp.target is not None
            else "with the baseline's staffing held")
    st.subheader(plain(f"{name} vs {comp.baseline.name}"))
    st.caption(plain(f"{held}; {len(comp.baseline.replications)} paired replications, seed {comp.baseline.seed}, "
                     f"{baseline.horizon.days} day(s); costs in {cur}"))
    cols = [*st.columns(3), *st.columns(3)[:2]]  # two rows: the amounts need the width
    for col, kpi in zip(cols, (*COST_KPIS, "service_level")):
        r = d.loc[kpi]
        col.metric(plain(kpi.replace("_", " ")), kpi_text(kpi, r.scenario_mean, cur),
                   delta=_signed(kpi_text(kpi, r.diff_mean, cur, signed=True), r.diff_mean), delta_color="inverse" if kpi in COST_KPIS else "normal",
                   help=plain(f"baseline {kpi_text(kpi, r.baseline_mean, cur)}"))
    agents = d.loc["staffed_agent_hours"]
    cols[4].metric("agents needed", number(state.agents_needed(agents.scenario_mean, baseline), 1),
                   delta=number(state.agents_needed(agents.diff_mean, baseline), 1, signed=True), delta_color="inverse",
                   help=plain(f"average on the phones while open; baseline {number(state.agents_needed(agents.baseline_mean, baseline), 1)}"))
    money = lambda x: number(x, 0)
    c1, c2, c3 = st.columns(3)
    c1.metric(plain(f"monthly saving ({cur})"), money(fin["savings_month"]),
              help="positive: the what-if costs less", border=True)
    c1.caption(plain(f"95% CI {ci_text(fin['savings_month_ci95_low'], fin['savings_month_ci95_high'], money)}"))
    sentence = payback_text(fin)  # the report's words: "pays back in <b>7 months</b> (95% CI 5 to 11)"
    bold = re.search(r"<b>(.*?)</b>", sentence)
    c2.metric("payback", bold.group(1) if bold else "no investment" if fin["investment"] <= 0 else "never", border=True)
    c2.caption(plain(f"{re.sub(r'</?b>', '', sentence)}; investment {money(fin['investment'])} {cur}"))
    c3.metric(plain(f"NPV over 3 years ({cur})"), money(fin["npv_3y"]), border=True)
    c3.caption(plain(f"95% CI {ci_text(fin['npv_3y_ci95_low'], fin['npv_3y_ci95_high'], money)}"))
    st.subheader("Downloads")
    d1, d2, d3, d4, d5 = st.columns(5)
    d1.download_button("what-if.yaml", state.yaml_text(what_if), "what-if.yaml", "application/x-yaml", key="dl-whatif")
    d2.download_button("baseline.yaml", state.yaml_text(baseline), "baseline.yaml", "application/x-yaml", key="dl-base")
    st.caption("Same figures from the command line, in the folder of the two files:")
    st.code(state.command_line(hold), language="bash")
    if out.report is None:
        if out.report_error is not None:
            st.error(plain(f"error: {out.report_error}"))
        else:
            report_pending(out)
        return
    d3.download_button("report.html", out.report.html, "report.html", "text/html", key="dl-html")
    d4.download_button("report.xlsx", out.report.xlsx, "report.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl-xlsx")
    d5.download_button("report (zip)", out.report.zip, "ccsim-what-if.zip", "application/zip", key="dl-zip")
    with st.expander("The comparison report (charts and tables)", expanded=True):
        # A data: URL has an opaque origin: the report (scripts forbidden by its own CSP) cannot reach the page.
        st.iframe("data:text/html;base64," + base64.b64encode(out.report.html).decode("ascii"), height=1100)


@st.fragment(run_every=1.0)
def report_pending(out: Outcome) -> None:
    if out.report is not None or out.report_error is not None:
        st.rerun()
    st.info("Writing the report (charts, workbook) for the downloads...")


def main() -> None:
    opts = state.options_from_argv(sys.argv[1:], Path(str(resources.files("simulator.examples"))))
    st.set_page_config(page_title="ccsim what-if", layout="wide")
    st.title("What if? Move a lever, see the saving")
    folder = _folder(str(opts.folder))
    if not folder.scenarios:
        st.error(plain(f"error: no valid scenario file (*.yaml) in {folder.root}"))
        return
    slots: dict = {}
    baseline, levers, values, size = sidebar(folder, opts, slots)
    if not levers:
        st.info("Pick one or more levers in the sidebar.")
        return
    values.update(lever_panels(folder, baseline, levers, slots))
    choice = state.Choice(baseline, levers, values, size["horizon.days"], size["replications"], size["seed"], size["hold"])
    try:
        base, what_if = state.build(folder, choice)
    except CcsimError as exc:
        show_error(exc, slots)
        return
    key = run_key(base, what_if, choice.hold)
    job: Job | None = st.session_state.get("job")
    if job is None or job.key != key:
        if job is not None and not job.done and st.session_state.get("cancelled") != job.key:
            job.cancel()  # this session stops waiting for it
        if st.session_state.get("cancelled") == key and not st.button("Run", key="run"):
            st.info("Run cancelled. Change a value or press Run.")
            return
        st.session_state["cancelled"] = None
        job = st.session_state["job"] = RUNNER.start(base, what_if, choice.hold, opts.workers)
    if job.cancelled or st.session_state.get("cancelled") == job.key:
        if st.button("Run", key="run-again"):
            st.session_state["job"] = RUNNER.start(base, what_if, choice.hold, opts.workers)
            st.session_state["cancelled"] = None
            st.rerun()
        st.info("Run cancelled. Change a value or press Run.")
    elif job.error is not None:
        st.error(plain(f"error: {job.error}"))
    elif job.outcome is None:
        progress_panel()
    else:
        results(job.outcome, base, what_if, choice.hold)


main()
