"""The what-if page's script under Streamlit's AppTest: pick a lever, move it, run, read the saving;
a bad value shows the CLI's line next to its knob; sessions keep their own results; file text is
shown as text, never as markup."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from app_fixtures import tiny_folder
from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parents[1] / "simulator" / "app" / "page.py"


def _shown(markdown: str) -> str:
    """What the browser shows for the page's escaped markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tiny_folder(tmp_path / "scenarios")
    monkeypatch.setattr(sys, "argv", ["page.py", str(folder), "--replications", "3"])

    def start(*levers: str) -> AppTest:
        at = AppTest.from_file(str(PAGE), default_timeout=120)
        at.run()
        at.sidebar.multiselect[0].set_value(list(levers)).run()
        return at
    return start


def _finish(at: AppTest) -> AppTest:
    """Wait for the session's run (off the script's thread), then draw the page again."""
    job = at.session_state["job"]
    if job.thread is not None:
        job.thread.join(timeout=600)
    at.run()
    assert not at.exception, at.exception
    return at


def _saving(at: AppTest) -> float:
    value = next(m.value for m in at.metric if _shown(m.label).startswith("monthly saving"))
    return float(value.replace(",", ""))


def test_more_containment_saves_more(page) -> None:
    at = _finish(page("chatbot"))
    before = _saving(at)
    assert [_shown(m.label) for m in at.metric][:5] == ["cost per call", "cost per contact", "total cost", "service level", "agents needed"]
    key = "baseline.yaml|levers.chatbot.containment"
    assert at.slider(key=key).value == 0.3 and at.slider(key=key).max == 1.0  # the schema's bounds
    at.slider(key=key).set_value(0.6).run()
    after = _saving(_finish(at))
    assert after > before > 0
    assert [b.label for b in at.get("download_button")] == ["what-if.yaml", "baseline.yaml", "report.html", "report.xlsx", "report (zip)"]


def test_invalid_value_shows_the_clis_line_next_to_the_field(page) -> None:
    at = page("agent_assist")
    key = "baseline.yaml|levers.agent_assist.handle_time_reduction"
    at.slider(key=key).set_value(1.0).run()
    assert [_shown(e.value) for e in at.error] == ["error: levers.agent_assist.handle_time_reduction must be less than 1 (got 1.0)"]
    column = list(at.main.children.values())[1].children[0]
    kinds = [type(c).__name__ for c in column.children.values()]
    assert kinds[kinds.index("Slider") + 1] == "Error", "the message sits right under its knob"
    assert not at.metric, "no run with an invalid value"


def test_zero_volume_is_refused_in_the_sidebar(page) -> None:
    at = page("chatbot")
    at.number_input(key="baseline.yaml|arrivals.calls_per_day").set_value(0.0).run()
    assert [_shown(e.value) for e in at.sidebar.error] == ["error: arrivals.calls_per_day must be greater than 0 (got 0.0)"]


def test_two_sessions_keep_their_own_results(page) -> None:
    a, b = page("chatbot"), page("chatbot")
    b.slider(key="baseline.yaml|levers.chatbot.containment").set_value(0.8).run()
    _finish(a), _finish(b)
    assert a.session_state["job"] is not b.session_state["job"]
    assert _saving(b) > _saving(a)
    a.run()
    assert a.slider(key="baseline.yaml|levers.chatbot.containment").value == 0.3


def test_file_text_is_shown_as_text(page, tmp_path: Path) -> None:
    evil = "<img src=x onerror=alert(1)> **bold** [link](http://x) :red[red]"
    path = tmp_path / "scenarios" / "baseline.yaml"
    path.write_text(path.read_text().replace("name: Tiny baseline", f"name: '{evil}'"), encoding="utf-8")
    at = _finish(page("chatbot"))
    assert any(_shown(s.value).endswith(f"vs {evil}") for s in at.subheader)
    for element in [e for e in (*at.subheader, *at.caption, *at.markdown, *at.sidebar.caption) if "img src" in e.value]:
        assert not re.search(r"(?<!\\)[<>*\[\]:]", element.value), f"unescaped markup in {element.value!r}"
    source = "".join(p.read_text() for p in PAGE.parent.glob("*.py"))
    assert "unsafe_allow_html" not in source and "st.html(" not in source and "st.markdown(" not in source


def test_cancel_stops_the_run_and_offers_to_run_again(page, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", [*sys.argv[:2], "--replications", "400"])  # long enough to be under way
    at = page("chatbot")
    job = at.session_state["job"]
    assert not job.done and at.button(key="cancel").label == "Cancel"
    at.button(key="cancel").click().run()
    assert job.cancelled and at.session_state["cancelled"] == job.key
    job.thread.join(timeout=600)
    assert job.outcome is None and not at.metric
    assert [_shown(i.value) for i in at.info] == ["Run cancelled. Change a value or press Run."]
    assert at.button(key="run-again").label == "Run"


def test_equal_staffing_switch_says_what_was_held(page) -> None:
    at = _finish(page("chatbot"))
    assert any(_shown(c.value).startswith("against the optimised baseline, both staffed to 80.0%") for c in at.caption)
    at.radio(key="hold").set_value("staffing").run()
    at = _finish(at)
    assert any(_shown(c.value).startswith("with the baseline's staffing held") for c in at.caption)
    assert _shown(at.code[0].value) == "ccsim compare baseline.yaml what-if.yaml --hold staffing"
