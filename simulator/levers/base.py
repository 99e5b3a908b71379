"""What every lever is: its settings model and the small interface the rest of ccsim reads.

A lever module defines a ``Settings`` model (its scenario fields, each with a docstring giving
unit, default and source) and a :class:`Lever` subclass that says what the lever does:

- ``apply_to_plan``: its effect on the engine plan under construction (:class:`PlanDraft`): the
  per-contact-type fields and the plan fields it owns. The expected offered load
  (``simulator.model.load``) is computed from those same plan fields, so a lever's effect on
  staffing follows from its effect on the simulation and cannot disagree with it.
- ``apply_to_costs``: its cost rates and fees (:class:`CostInputs` fields it sets or adds to).
- ``label`` and ``phrase``: how reports name it and describe its settings in one phrase.
- ``per_type_fields``: fields that may map contact types to values (checked against the types).
- ``example`` and ``neutral``: settings that make it act and settings under which it changes
  nothing, for the generic tests every lever passes (``tests/test_lever_contract.py``).

Nothing here simulates or prints; the registry (``simulator.levers``) collects the modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from simulator.model.schema import FrozenModel, NonNegFloat

if TYPE_CHECKING:
    from simulator.model.plan import EnginePlan
    from simulator.model.scenario import Scenario


class LeverSettings(FrozenModel):
    """Fields every lever has: what it costs to put in place and to run."""

    investment: NonNegFloat = 0.0
    """One-time cost (currency) of putting the lever in place; kept apart for payback, ROI and NPV. Default 0."""
    monthly_fee: NonNegFloat = 0.0
    """Fixed running cost per month (currency), in the lever's cost component. Default 0."""


class PhraseFormat(Protocol):
    """The formatting the output layer lends a lever for its phrase (one formatting module)."""

    def pct(self, x: float, digits: int = 1) -> str: ...

    def money(self, x: float, digits: int | None = None) -> str: ...


@dataclass
class PlanDraft:
    """The engine plan under construction: neutral values until levers apply their effects.

    ``types`` holds one dict of ``TypePlan`` keyword arguments per contact type (in file order),
    ``fields`` the ``EnginePlan`` keyword arguments. ``finalizers`` run on the finished plan
    (the scheduling lever reshapes staffing from the plan's own offered load).
    """

    types: list[dict[str, Any]]
    fields: dict[str, Any]
    finalizers: list[Any] = field(default_factory=list)


class Lever:
    """One lever. Subclasses set the class attributes and override what the lever changes."""

    key: ClassVar[str]
    """The lever's name under ``levers:`` in a scenario file."""
    label: ClassVar[str]
    """Its name in reports ("IVR", "agent assist")."""
    settings: ClassVar[type[LeverSettings]]
    per_type_fields: ClassVar[tuple[str, ...]] = ()
    fee_component: ClassVar[str] = "programmes"
    """The cost component its ``monthly_fee`` lands in."""
    example: ClassVar[dict[str, Any]]
    """Settings that make the lever act (the generic lever tests pull it with these)."""
    neutral_settings: ClassVar[dict[str, Any] | None] = None

    def neutral(self, scenario: "Scenario") -> dict[str, Any] | None:
        """Settings under which the lever changes nothing in ``scenario`` (None: there are none,
        and the docstring says why). The generic tests check that they reproduce it exactly."""
        return self.neutral_settings

    def phrase(self, s: Any, fmt: PhraseFormat) -> str:
        """What the settings do, in a few plain words ("IVR containment of 30%")."""
        raise NotImplementedError

    def apply_to_plan(self, s: Any, scenario: "Scenario", draft: PlanDraft) -> None:
        """Change the plan under construction (default: the lever does not change the flow)."""

    def apply_to_costs(self, s: Any, scenario: "Scenario", rates: dict[str, float]) -> None:
        """Set or add to ``CostInputs`` fields (default: the monthly fee goes to programmes)."""
        rates["programmes_monthly"] += s.monthly_fee

    def referenced_types(self, s: Any) -> dict[str, list[str]]:
        """Contact type names the settings mention, per field (checked against the scenario)."""
        out: dict[str, list[str]] = {}
        for name in self.per_type_fields:
            value = getattr(s, name)
            if isinstance(value, dict):
                out[name] = list(value)
        return out


def share_text(value: float | dict[str, float], fmt: PhraseFormat) -> str:
    """A share, or a per-type mapping of shares, in words ("30%", "billing 30%, sales 10%")."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {fmt.pct(x, 0)}" for k, x in value.items())
    return fmt.pct(value, 0)


def finish(plan: "EnginePlan", draft: PlanDraft, scenario: "Scenario") -> "EnginePlan":
    """Run the draft's finalizers on the built plan, in lever order."""
    for finalize in draft.finalizers:
        plan = finalize(plan, scenario)
    return plan
