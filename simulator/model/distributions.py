"""Distribution specs -> samplers driven by uniforms, with analytic mean and variance.

Every sampler maps uniforms ``u`` in (0, 1) to durations by the inverse CDF (``ppf``). Drawing by
inversion keeps common random numbers intact across scenarios: when a lever changes a mean, the
same caller keeps the same quantile of the distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.model.schema import DistributionSpec


@dataclass(frozen=True)
class Sampler:
    """A duration distribution in seconds."""

    kind: str
    mean: float
    cv: float = 1.0
    samples: tuple[float, ...] = ()

    @property
    def variance(self) -> float:
        if self.kind == "exponential":
            return self.mean**2
        if self.kind == "constant":
            return 0.0
        if self.kind == "empirical":
            return float(np.var(np.asarray(self.samples)))
        return (self.cv * self.mean) ** 2

    def scaled(self, factor: float) -> "Sampler":
        """The same shape with every duration multiplied by ``factor``."""
        return Sampler(self.kind, self.mean * factor, self.cv, tuple(s * factor for s in self.samples))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: durations for uniforms ``u`` (array)."""
        from scipy import special  # scipy: when sampling, not when `ccsim validate` builds the plan
        u = np.asarray(u, dtype=float)
        k = self.kind
        if k == "exponential":
            return -self.mean * np.log1p(-u)
        if k == "constant":
            return np.full(u.shape, self.mean)
        if k == "lognormal":
            sigma2 = math.log1p(self.cv**2)
            mu = math.log(self.mean) - sigma2 / 2
            return np.exp(mu + math.sqrt(sigma2) * special.ndtri(u))
        if k == "gamma":
            shape = 1.0 / self.cv**2
            scale = self.mean / shape
            return special.gammaincinv(shape, u) * scale
        if k == "empirical":
            arr = np.sort(np.asarray(self.samples, dtype=float))
            idx = np.minimum((u * len(arr)).astype(np.int64), len(arr) - 1)
            return arr[idx]
        raise ValueError(f"unknown distribution kind {k!r}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.ppf(rng.random(n))


def make_sampler(spec: DistributionSpec) -> Sampler:
    """Build a sampler from a validated spec."""
    if spec.distribution == "empirical":
        samples = tuple(float(s) for s in spec.samples or ())
        return Sampler("empirical", float(np.mean(samples)), 0.0, samples)
    cv = 1.0 if spec.distribution == "exponential" else (0.0 if spec.distribution == "constant" else float(spec.cv))
    return Sampler(spec.distribution, float(spec.mean_seconds), cv)
