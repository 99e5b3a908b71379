"""Names a package exports but loads on first use (PEP 562 module ``__getattr__``).

``ccsim --help`` and ``ccsim validate`` import ``simulator`` and ``simulator.calibrate``; their
re-exports (the studies, the fitting) would pull pandas and scipy into every command otherwise.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(package: str, names: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``names[name]`` (a module) on first use."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(names[name]), name)

    return __getattr__
