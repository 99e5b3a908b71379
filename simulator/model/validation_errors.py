"""pydantic's validation errors as one line a user can act on: ``path must be <rule> (got value)``.

The first problem is reported; for a union field, the alternative the value was meant for; for a
list or mapping, the item at fault; for an unknown field, the nearest known name.
"""

from __future__ import annotations

import difflib
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from simulator.core.errors import ScenarioError


def _lookup(data: Any, loc: tuple[Any, ...]) -> Any:
    cur = data
    for key in loc:
        try:
            cur = cur[key]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        any(ch in part for ch in "[-'") or part in {"int", "float", "str", "bool"}
    )


def _clean(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(p for p in loc if not _is_union_tag(p))


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    """Every field name of a model and of the models inside it (for "did you mean")."""
    seen.add(model)
    out = set(model.model_fields)
    for field in model.model_fields.values():
        for inner in _models_in(field.annotation):
            if inner not in seen:
                out |= _field_names(inner, seen)
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in get_args(annotation) for m in _models_in(a)]


_TYPE_ERRORS = ("_type", "_parsing", "literal_error", "union_tag_invalid")


def to_scenario_error(exc: ValidationError, data: dict[str, Any], model: type[BaseModel]) -> ScenarioError:
    """The first problem, as ``path must be <allowed> (got value)``.

    Union fields (``staffing: 3 | [..] | optimize``) report one error per alternative; when the
    value had the right type for one of them, that one's rule is shown, else all alternatives.
    """
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(p for p in first["loc"] if not _is_union_tag(p))
    # A list or mapping that matched a union's container alternative: its item's own problem
    # ("profile.3 must be >= 0", "containment.billing must be <= 1") beats "must be 'flat'".
    if isinstance(_lookup(data, loc), (list, dict)):
        deeper = [e for e in errors if len(_clean(e["loc"])) > len(loc) and _clean(e["loc"])[: len(loc)] == loc]
        if deeper:
            first = deeper[0]
            loc = _clean(first["loc"])
    same = [e for e in errors if tuple(p for p in e["loc"] if not _is_union_tag(p)) == loc]
    path = ".".join(str(p) for p in loc) or "scenario"
    value = _lookup(data, loc)
    if len(same) > 1:
        specific = [e for e in same if not e["type"].endswith(_TYPE_ERRORS)]
        if specific:
            first = specific[0]
        else:
            options = [_humanize(e["msg"]).split(",")[0] for e in same]
            return ScenarioError(path, value, " or ".join(dict.fromkeys(options)))
    msg: str = first["msg"]
    kind = first["type"]
    if kind == "extra_forbidden":
        near = difflib.get_close_matches(str(loc[-1]), sorted(_field_names(model, set()) - {"source"}), n=1, cutoff=0.75)
        hint = f"; did you mean '{near[0]}'?" if near else "; check the spelling"
        return ScenarioError(path, first.get("input"), f"a known field (unknown field{hint})")
    if kind == "missing":
        return ScenarioError(path, None, "given (the field is required)")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
        field, _, rule = msg.partition("|")
        if field:
            fpath = f"{path}.{field}" if path != "scenario" else field
            return ScenarioError(fpath, _lookup(data, loc + (field,)), rule)
        return ScenarioError(path, value, rule)
    return ScenarioError(path, value if value is not None else first.get("input"), _humanize(msg))




def _humanize(msg: str) -> str:
    msg = msg.replace("Input should be ", "").replace("Value error, ", "")
    return msg[0].lower() + msg[1:] if msg else "valid"
