"""Uncertain inputs: a number given as a range instead of a value.

Any numeric field of a scenario file may be written as

- ``{low: 0.2, mode: 0.3, high: 0.35}``: triangular. Experts give a range and a most likely value;
  the triangle uses exactly what they said, is bounded (no draw outside the range they gave) and
  needs no parameter they did not give (a normal needs a standard deviation nobody knows).
- ``{distribution: NAME, ...}`` with NAME one of
  ``uniform`` (low, high), ``triangular`` (low, mode, high), ``pert`` (low, mode, high: a smooth
  beta with weight 4 on the mode, thinner tails than the triangle), ``normal`` (mean, sd) and
  ``lognormal`` (median, sigma: the standard deviation of the logarithm, 0.1 is about +-10%).
  ``normal`` and ``lognormal`` may add ``low`` and/or ``high``: the distribution is then
  truncated to that range (draws never leave it).

A duration distribution (``handle_time: {distribution: lognormal, mean_seconds: 300, cv: 0.8}``)
is not an uncertain input: it has ``mean_seconds``, ``cv`` or ``samples``. Its ``mean_seconds``
may itself be uncertain.

This module walks the raw mapping of a scenario file before validation: it checks every
uncertain spec (one ``ScenarioError`` naming the field path, the value and what is allowed) and
replaces it by its central value (the mode; the median for uniform, normal and lognormal), so
the usual validation and every command work on the file as on a plain one (a truncated normal
keeps the mean written as its central value). A draw (a value per
uncertain input) is applied with ``Scenario.with_changes`` and so validated again: a draw the
field refuses is an error naming the field, never silently clipped (truncate with low/high).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.core.errors import ScenarioError

DISTRIBUTIONS = ("uniform", "triangular", "pert", "normal", "lognormal")
_PARAMS = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
}
_OPTIONAL = {"normal": ("low", "high"), "lognormal": ("low", "high")}
_DURATION_KEYS = {"mean_seconds", "cv", "samples"}
_RANGE_KEYS = {"low", "mode", "high"}
EXTREME = 0.001  # an unbounded side is checked at its 0.1th / 99.9th percentile
TAIL = 0.05  # the ends of an unbounded distribution (tornado, sweeps): its 5th and 95th percentiles


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input: where it is, its distribution and parameters (checked)."""

    path: str
    distribution: str
    params: tuple[tuple[str, float], ...]

    @property
    def p(self) -> dict[str, float]:
        return dict(self.params)

    def _frozen(self) -> Any:
        from scipy import stats  # deferred: scipy.stats takes a second to import; only ranges need it

        p = self.p
        d = self.distribution
        if d == "uniform":
            return stats.uniform(p["low"], p["high"] - p["low"])
        if d == "triangular":
            width = p["high"] - p["low"]
            return stats.triang((p["mode"] - p["low"]) / width, p["low"], width)
        if d == "pert":
            width = p["high"] - p["low"]
            a = 1 + 4 * (p["mode"] - p["low"]) / width
            return stats.beta(a, 6 - a, p["low"], width)
        if d == "normal":
            return stats.norm(p["mean"], p["sd"])
        return stats.lognorm(p["sigma"], scale=p["median"])

    @property
    def width(self) -> float:
        p = self.p
        if self.distribution in ("normal", "lognormal"):
            spread = p["sd"] if self.distribution == "normal" else p["sigma"]
            return 0.0 if spread == 0 else math.inf
        return p["high"] - p["low"]

    @property
    def central(self) -> float:
        """The value ``run``/``compare`` use: the mode (triangular, pert), else the median."""
        p = self.p
        if self.distribution in ("triangular", "pert"):
            return p["mode"]
        if self.distribution == "uniform":
            return (p["low"] + p["high"]) / 2
        return p["mean"] if self.distribution == "normal" else p["median"]  # as written, even when truncated

    def ppf(self, u: float | np.ndarray) -> Any:
        """The value at quantile ``u`` (0..1), truncation to low/high included."""
        if self.width == 0:  # a zero-width range: exactly the value given
            c = self._degenerate()
            return c if np.ndim(u) == 0 else np.full(np.shape(u), c)
        dist = self._frozen()
        p = self.p
        lo = dist.cdf(p["low"]) if "low" in p and self.distribution in _OPTIONAL else 0.0
        hi = dist.cdf(p["high"]) if "high" in p and self.distribution in _OPTIONAL else 1.0
        x = dist.ppf(lo + np.asarray(u, dtype=float) * (hi - lo))
        return float(x) if np.ndim(x) == 0 else x

    def _degenerate(self) -> float:
        p = self.p
        return {"uniform": p.get("low"), "triangular": p.get("mode"), "pert": p.get("mode"),
                "normal": p.get("mean"), "lognormal": p.get("median")}[self.distribution]

    def ends(self) -> tuple[float, float]:
        """Low and high ends (tornado, sweeps): the bounds when the spec has them, else its 5th and
        95th percentiles."""
        p = self.p
        lo = p["low"] if "low" in p else self.ppf(TAIL)
        hi = p["high"] if "high" in p else self.ppf(1 - TAIL)
        return float(lo), float(hi)

    def extremes(self) -> tuple[float, float]:
        """The lowest and highest values a draw can take: the bounds, or the 0.1th and 99.9th
        percentiles of an unbounded side (checked against the field before a study)."""
        p = self.p
        lo = p["low"] if "low" in p else self.ppf(EXTREME)
        hi = p["high"] if "high" in p else self.ppf(1 - EXTREME)
        return float(lo), float(hi)

    def describe(self) -> str:
        """``triangular(low 0.2, mode 0.3, high 0.35)``: for tables and notes."""
        return f"{self.distribution}(" + ", ".join(f"{k} {v:g}" for k, v in self.params) + ")"


def is_uncertain_spec(value: Any) -> bool:
    """Whether a mapping of a scenario file is an uncertain number (not a duration distribution,
    not a per-type mapping)."""
    if not isinstance(value, dict) or not value:
        return False
    keys = set(value)
    if "distribution" in keys:
        return not (keys & _DURATION_KEYS) and value["distribution"] not in ("exponential", "gamma", "constant", "empirical")
    return keys <= _RANGE_KEYS and {"low", "high"} <= keys


def parse_spec(path: str, value: dict[str, Any]) -> Uncertain:
    """Check one uncertain spec; a ScenarioError names the path, the value and what is allowed."""
    d = value.get("distribution", "triangular")
    if d not in DISTRIBUTIONS:
        raise ScenarioError(f"{path}.distribution", d, f"one of {', '.join(DISTRIBUTIONS)} for an uncertain number")
    need, extra = _PARAMS[d], _OPTIONAL.get(d, ())
    given = {k: v for k, v in value.items() if k != "distribution"}
    for k in given:
        if k not in need + extra:
            raise ScenarioError(f"{path}.{k}", given[k], f"not given for a {d} uncertain number (it takes {', '.join(need + extra)})")
    for k in need:
        if k not in given:
            raise ScenarioError(path, value, f"a {d} uncertain number with {', '.join(need)} (missing {k})")
    for k, v in given.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ScenarioError(f"{path}.{k}", v, "a finite number")
    if d in ("triangular", "pert") and not given["low"] <= given["mode"] <= given["high"]:
        raise ScenarioError(path, value, "an uncertain number with low <= mode <= high")
    if d == "uniform" and not given["low"] <= given["high"]:
        raise ScenarioError(path, value, "an uncertain number with low <= high")
    if d == "normal" and given["sd"] < 0:
        raise ScenarioError(f"{path}.sd", given["sd"], "a number >= 0")
    if d == "lognormal" and (given["median"] <= 0 or given["sigma"] < 0):
        bad = "median" if given["median"] <= 0 else "sigma"
        raise ScenarioError(f"{path}.{bad}", given[bad], "a number > 0" if bad == "median" else "a number >= 0")
    if d in _OPTIONAL:
        centre = given["mean"] if d == "normal" else given["median"]
        if given.get("low", -math.inf) > centre or given.get("high", math.inf) < centre:
            raise ScenarioError(path, value, f"truncation bounds low <= {'mean' if d == 'normal' else 'median'} <= high")
    order = need + tuple(k for k in extra if k in given)
    return Uncertain(path, d, tuple((k, float(given[k])) for k in order))


def central_values(data: Any, path: str = "") -> tuple[Any, dict[str, Uncertain]]:
    """A copy of a raw scenario mapping with each uncertain spec replaced by its central value, and
    the specs found (by dotted path, in file order). The central value keeps an integer as written
    when the spec's central parameter is one (so an integer field may be uncertain at its centre)."""
    found: dict[str, Uncertain] = {}

    def walk(node: Any, where: str) -> Any:
        if is_uncertain_spec(node):
            spec = parse_spec(where, node)
            found[where] = spec
            centre = spec.central
            written = node.get("mode", node.get("median", node.get("mean")))
            return written if isinstance(written, int) and not isinstance(written, bool) and written == centre else centre
        if isinstance(node, dict):
            return {k: walk(v, f"{where}.{k}" if where else str(k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(node)]
        return node

    return walk(copy.deepcopy(data), path), found


def with_uncertain(scenario: Any, specs: dict[str, Uncertain]) -> Any:
    """A copy of a Scenario that records these uncertain inputs (its ``uncertain``: a private
    attribute, neither a field of the file nor dumped; ``with_changes`` starts afresh without it)."""
    out = scenario.model_copy()
    out._uncertain = dict(specs)
    return out


__all__ = ["DISTRIBUTIONS", "TAIL", "Uncertain", "central_values", "is_uncertain_spec", "parse_spec", "with_uncertain"]
