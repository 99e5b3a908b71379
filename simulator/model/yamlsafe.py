"""Reading YAML that a careless or hostile user wrote: safe tags only, no key given twice, and
aliases that cannot blow the document up.

PyYAML's ``safe_load`` shares the object behind an alias, so a "billion laughs" file loads fast,
but every later walk of the tree (``extends:`` merging, path resolution, validation) visits each
alias as a full copy: nine levels of nine aliases is a billion values. We count the values the
document expands to before building it and refuse past :data:`MAX_VALUES`, far above any real
scenario (the shipped baseline has a few hundred).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_VALUES = 100_000


class YamlProblem(ValueError):
    """A YAML document we refuse, with the line and column when known."""

    def __init__(self, message: str, mark: Any = None) -> None:
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        super().__init__(f"{message}{where}")


class _StrictLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses a key given twice in one mapping (last-one-wins hides typos)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` merges are allowed to be overridden, that is their point
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # an unhashable key is reported by the constructor itself
            if duplicate:
                raise YamlProblem(f"the key '{key}' is given twice in the same mapping (each key once)", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Values the node stands for once every alias is expanded (shared nodes counted per use)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 1  # a recursive alias counts once; the constructor reports the recursion
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[id(node)] = size
    return size


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the rules above (raises ``YamlProblem`` or ``yaml.YAMLError``)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {})
        if size > MAX_VALUES:
            raise YamlProblem(f"aliases expand the file to {size:,} values (at most {MAX_VALUES:,} are allowed)")
        return loader.construct_document(node)
    finally:
        loader.dispose()
