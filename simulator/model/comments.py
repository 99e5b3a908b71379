"""The comments a scenario file gives its values, by dotted path (YAML loaders drop comments).

A value's comment is the text after ``#`` on its own line, joined to the comment lines just above
its key (a blank line or another key in between breaks the link). Comments follow ``extends:``:
a file's own comment on a value replaces the one of the file it extends, so each input carries the
reason given where it was set. Values inside a flow mapping (``{billing: 0.3, account: 0.3}``)
share the comment of the key that holds the mapping: look them up with ``comment_for``.
"""

from __future__ import annotations

import re
from pathlib import Path

_KEY = re.compile(r"^(\s*)([A-Za-z_][\w-]*)\s*:(.*)$")
_EXTENDS = re.compile(r"^extends:\s*['\"]?([^'\"#\s]+)")


def _trailing_comment(rest: str) -> str:
    """The ``# ...`` at the end of a YAML line, outside quotes ('' inside the value)."""
    quote = ""
    for i, ch in enumerate(rest):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or rest[i - 1].isspace()):
            return rest[i + 1:].strip()
    return ""


def file_comments(path: str | Path) -> dict[str, str]:
    """Dotted path -> comment, for the keys of one file (block mappings; list items are skipped)."""
    out: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    above: list[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text.startswith("#"):
            above.append(text.lstrip("#").strip())
            continue
        match = _KEY.match(line)
        if not text or not match:
            above = []
            continue
        indent, key, rest = len(match.group(1)), match.group(2), match.group(3)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        # Comment lines above a top-level key are the file's header or a section title: only its own
        # line's comment counts there.
        words = " ".join((above if indent > 0 else []) + [c for c in [_trailing_comment(rest)] if c])
        if words:
            out[".".join(k for _, k in stack)] = words
        above = []
    return out


def scenario_comments(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, str]:
    """The comments of a scenario file and of the files it extends (the nearer file wins)."""
    path = Path(path).resolve()
    if path in _seen or not path.is_file():
        return {}
    parent = next((m.group(1) for m in map(_EXTENDS.match, path.read_text(encoding="utf-8").splitlines()) if m), None)
    inherited = scenario_comments(path.parent / parent, (*_seen, path)) if parent else {}
    return {**inherited, **file_comments(path)}


def comment_for(comments: dict[str, str], dotted: str) -> str:
    """The comment on ``dotted`` or, failing that, on the nearest key that holds it."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        found = comments.get(".".join(parts[:n]))
        if found:
            return found
    return ""
