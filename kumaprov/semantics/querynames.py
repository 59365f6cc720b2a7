"""Which names a JSONata query reads as fields where a string was probably meant.

`data[status = active]` compares the field `status` with the *field*
`active`; the author almost always meant the string "active".  The lint
check KP304 (kumaprov.lint.checks.bare_words) flags such names when no sample has
them as a field.  The analysis walks jsonata-python's parse tree.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

from kumaprov.semantics.jsonata_engine import compile_query

__all__ = ["bare_path_names"]

_COMPARISONS: Final = frozenset({"=", "!=", "<", "<=", ">", ">=", "in"})
_CHILD_ATTRS: Final = (
    "steps", "stages", "predicate", "expr", "lhs", "rhs", "expression", "expressions",
    "procedure", "arguments", "body", "condition", "then", "_else", "group", "terms",
    "lhs_object", "rhs_object", "update", "delete", "pattern",
)  # fmt: skip


@lru_cache(maxsize=1024)  # templated monitors repeat the same few queries
def bare_path_names(expr: str) -> tuple[tuple[str, int], ...]:
    """Single-name paths used as operands of comparisons, with their 0-based offsets.

    ``data[status=active]`` gives ``[("status", 5), ("active", 12)]``: a
    caller can flag names that are fields in no sample (the user probably
    meant the string ``"active"``).  Operands of ``in`` arrays count too.
    Raises kumaprov.semantics.jsonata_engine.QuerySyntaxError when ``expr`` does not parse.
    """
    root = compile_query(expr).ast
    found: list[tuple[str, int]] = []
    for node in _walk(root, set()):
        if getattr(node, "type", None) == "binary" and node.value in _COMPARISONS:
            for operand in _operands(node):
                name = _single_name(operand)
                if name is not None:
                    found.append((name.value, _name_start(expr, name)))
    return tuple(sorted(set(found), key=lambda item: (item[1], item[0])))


def _walk(node: Any, seen: set[int]) -> list[Any]:
    # Iterative: a hostile expression must not exhaust the Python stack.
    out: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (list, tuple)):
            stack.extend(current)
            continue
        if current is None or not hasattr(current, "type") or id(current) in seen:
            continue
        seen.add(id(current))
        out.append(current)
        stack.extend(getattr(current, attr, None) for attr in _CHILD_ATTRS)
    return out


def _operands(node: Any) -> list[Any]:
    operands = [node.lhs, node.rhs]
    rhs = node.rhs
    if getattr(rhs, "type", None) == "unary" and rhs.value == "[":
        operands.extend(rhs.expressions or [])  # status in [up, "ok"]
    return operands


def _single_name(node: Any) -> Any:
    """The name node when ``node`` is a bare one-step path without predicates."""
    if getattr(node, "type", None) == "name":
        candidate = node
    elif getattr(node, "type", None) == "path" and len(node.steps or []) == 1:
        candidate = node.steps[0]
    else:
        return None
    if getattr(candidate, "type", None) != "name" or candidate.stages or candidate.predicate or candidate.group:
        return None
    return candidate if isinstance(candidate.value, str) else None


def _name_start(expr: str, name: Any) -> int:
    end = int(name.position)
    if end > 0 and expr[end - 1 : end] == "`":
        return end - 1 - len(name.value)  # `quoted name`: point past the backtick
    return end - len(name.value)
