"""The package version (one place; reports and run metadata quote it)."""

__version__ = "0.1.0"
