"""Building blocks of the scenario schema shared by the scenario model and the lever modules.

Kept apart from ``scenario`` so that a lever module can declare its fields with the same types
(shares, per-type shares, durations) without importing the scenario that is assembled from it.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Numbers are finite (the models refuse inf and nan) and below a bound no call center reaches, so
# that a typo such as 1e308 is an error here rather than an overflow in the middle of a run.
MAX_AMOUNT = 1e12
MAX_SECONDS = 1e7  # ~116 days
PositiveFloat = Annotated[float, Field(gt=0, le=MAX_AMOUNT)]
NonNegFloat = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
Seconds = Annotated[float, Field(gt=0, le=MAX_SECONDS)]
NonNegSeconds = Annotated[float, Field(ge=0, le=MAX_SECONDS)]
Share = Annotated[float, Field(ge=0, le=1)]
# A share for every contact type, or a mapping contact type -> share (types not named get 0).
PerType = Union[Share, dict[str, Share]]


class FrozenModel(BaseModel):
    """Immutable, rejects unknown fields; an attribute's docstring is its documented meaning.

    The docstrings are for readers (tests/test_lever_contract.py checks every lever field has
    one), not copied into ``Field.description``: pydantic's ``use_attribute_docstrings`` reads the
    source of every model at import, a third of the models' import time (``ccsim validate``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class DistributionSpec(FrozenModel):
    """A duration distribution in seconds (see ``simulator.model.distributions``)."""

    distribution: Literal["exponential", "lognormal", "gamma", "constant", "empirical"]
    mean_seconds: Seconds | None = None
    cv: Annotated[float, Field(ge=1e-4, le=100)] | None = None
    samples: list[NonNegSeconds] | None = None

    @model_validator(mode="after")
    def _check(self) -> "DistributionSpec":
        d = self.distribution
        if d == "empirical":
            if not self.samples:
                raise ValueError("samples|a non-empty list of seconds for an empirical distribution")
            if sum(self.samples) <= 0:
                raise ValueError("samples|seconds with at least one value above 0 (all are 0)")
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
