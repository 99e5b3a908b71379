"""Building blocks of the scenario schema shared by the scenario model and the lever modules.

Kept apart from ``scenario`` so that a lever module can declare its fields with the same types
(shares, per-type shares, durations) without importing the scenario that is assembled from it.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
# A share for every contact type, or a mapping contact type -> share (types not named get 0).
PerType = Union[Share, dict[str, Share]]


class FrozenModel(BaseModel):
    """Immutable, rejects unknown fields; an attribute's docstring is its documented meaning."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class DistributionSpec(FrozenModel):
    """A duration distribution in seconds (see ``simulator.model.distributions``)."""

    distribution: Literal["exponential", "lognormal", "gamma", "constant", "empirical"]
    mean_seconds: PositiveFloat | None = None
    cv: PositiveFloat | None = None
    samples: list[NonNegFloat] | None = None

    @model_validator(mode="after")
    def _check(self) -> "DistributionSpec":
        d = self.distribution
        if d == "empirical":
            if not self.samples or len(self.samples) < 1 or sum(self.samples) <= 0:
                raise ValueError("samples|a non-empty list of seconds for an empirical distribution")
        else:
            if self.mean_seconds is None:
                raise ValueError(f"mean_seconds|a number > 0 for a {d} distribution")
            if d in ("lognormal", "gamma") and self.cv is None:
                raise ValueError(f"cv|a number > 0 (std / mean) for a {d} distribution")
        return self


def per_type(value: float | dict[str, float], type_name: str, default: float = 0.0) -> float:
    """The value of a ``PerType`` field for one contact type."""
    if isinstance(value, dict):
        return float(value.get(type_name, default))
    return float(value)
