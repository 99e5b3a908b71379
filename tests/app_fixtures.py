"""A tiny scenario folder for the what-if page's tests (a run takes a second or two)."""

from __future__ import annotations

from pathlib import Path

BASELINE = """\
name: Tiny baseline
seed: 11
replications: 3
horizon: {days: 1, open: "08:00", close: "12:00", interval_minutes: 60}
service_target: {answer_within_seconds: 20, fraction: 0.80}
arrivals: {calls_per_day: 300}
contact_types:
  - name: general
    handle_time: {distribution: exponential, mean_seconds: 240}
    patience: {distribution: exponential, mean_seconds: 180}
    fcr: 0.8
agents:
  groups:
    - {name: team, skills: [general], staffing: 7}
costs:
  agent_hourly_wage: 20.0
  benefits_load: 0.3
  licence_per_agent_month: 100.0
  overhead_monthly: 5000.0
"""
CHATBOT = """\
extends: baseline.yaml
name: Tiny chatbot
levers:
  chatbot: {engagement: 0.5, containment: 0.3, per_conversation: 0.2, investment: 20000.0}
"""
ASSIST = """\
extends: baseline.yaml
name: Tiny agent assist
levers:
  agent_assist: {handle_time_reduction: 0.1, per_agent_month: 20.0, investment: 5000.0}
"""


def tiny_folder(root: Path) -> Path:
    """Write the tiny baseline and two lever files into ``root``; return it."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (("baseline.yaml", BASELINE), ("chatbot.yaml", CHATBOT), ("agent-assist.yaml", ASSIST)):
        (root / name).write_text(text, encoding="utf-8")
    return root
