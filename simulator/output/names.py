"""File names made from scenario names (no pandas or openpyxl: the command line uses it before
it knows whether a report will be written)."""

from __future__ import annotations


def slug(name: str) -> str:
    """A file-name-safe version of a scenario name."""
    s = "".join(ch if ch.isalnum() else "-" for ch in name.lower())
    while "--" in s:
        s = s.replace("--", "-")
    return s.strip("-")[:60] or "scenario"
