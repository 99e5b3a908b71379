"""Errors the package raises: one base class, and ScenarioError naming the field at fault.

Only the CLI catches these; it prints ``str(error)`` as one line and exits with code 2.
"""

from __future__ import annotations

from typing import Any


class CcsimError(Exception):
    """Base class of every error ccsim raises on purpose."""


class ScenarioError(CcsimError):
    """An invalid scenario value: ``path must be <allowed> (got value)``."""

    def __init__(self, path: str, value: Any, allowed: str) -> None:
        self.path = path
        self.value = value
        self.allowed = allowed
        shown = repr(value) if not isinstance(value, str) else repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{path} must be {allowed} (got {shown})")


class InputFileError(CcsimError):
    """A file that is missing, unreadable or malformed."""
