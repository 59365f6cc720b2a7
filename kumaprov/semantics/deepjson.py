"""JSON nested deeper than Python's recursion allows, handled without recursion.

V8's JSON.parse does not recurse, so the server parses a body 100,000 arrays deep and
`$count($)` on it is 1, UP. `json.loads` recurses and gives up. The parse and copy loops are
the fallback when the recursive code raises RecursionError: ordinary bodies keep the faster
C parser, and a deep one gets the verdict the server gives instead of "nested too deeply".
The join is always the loop (String(array) of any depth).
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable
from typing import Any, Final

_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
_NUMBER: Final = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS: Final = {"true": True, "false": False, "null": None}
# The C string scanner json.loads itself uses (the same escapes and errors); untyped in typeshed.
_scanstring: Callable[[str, int], tuple[str, int]] = getattr(json.decoder, "scanstring")


def loads(text: str, parse_int: Callable[[str], Any], parse_float: Callable[[str], Any],
          object_pairs_hook: Callable[[list[tuple[str, Any]]], Any]) -> Any:
    """`json.loads` with these hooks, as a loop over an explicit stack; ValueError on bad JSON."""
    stack: list[list[Any]] = []  # ["[", items] or ["{", pairs, pending key]
    pos = _skip(text, 0)
    while True:
        char = text[pos:pos + 1]
        if char == "[":
            pos = _skip(text, pos + 1)
            if not text.startswith("]", pos):
                stack.append(["[", []])
                continue
            value: Any = []
            pos += 1
        elif char == "{":
            pos = _skip(text, pos + 1)
            if not text.startswith("}", pos):
                key, pos = _key(text, pos)
                stack.append(["{", [], key])
                continue
            value = object_pairs_hook([])
            pos += 1
        else:
            value, pos = _scalar(text, pos, parse_int, parse_float)
        while True:  # the value is complete: put it in its container, closing those that end here
            pos = _skip(text, pos)
            if not stack:
                if pos != len(text):
                    raise ValueError(f"Extra data at character {pos}")
                return value
            frame = stack[-1]
            frame[1].append(value if frame[0] == "[" else (frame[2], value))
            if text.startswith(",", pos):
                pos = _skip(text, pos + 1)
                if frame[0] == "{":
                    frame[2], pos = _key(text, pos)
                break
            close = "]" if frame[0] == "[" else "}"
            if not text.startswith(close, pos):
                raise ValueError(f"Expecting ',' or '{close}' at character {pos}")
            pos += 1
            stack.pop()
            value = frame[1] if frame[0] == "[" else object_pairs_hook(frame[1])


def _skip(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _key(text: str, pos: int) -> tuple[str, int]:
    if not text.startswith('"', pos):
        raise ValueError(f"Expecting property name enclosed in double quotes at character {pos}")
    key, pos = _scanstring(text, pos + 1)
    pos = _skip(text, pos)
    if not text.startswith(":", pos):
        raise ValueError(f"Expecting ':' delimiter at character {pos}")
    return key, _skip(text, pos + 1)


def _scalar(text: str, pos: int, parse_int: Callable[[str], Any], parse_float: Callable[[str], Any]) -> tuple[Any, int]:
    if text.startswith('"', pos):
        return _scanstring(text, pos + 1)
    for word, value in _LITERALS.items():
        if text.startswith(word, pos):
            return value, pos + len(word)
    number = _NUMBER.match(text, pos)
    if number is None:
        raise ValueError(f"Expecting value at character {pos}")
    integer, fraction, exponent = number.groups()
    parsed = parse_float(integer + (fraction or "") + (exponent or "")) if fraction or exponent else parse_int(integer)
    return parsed, number.end()


def copy_tree(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """A copy of nested lists and dicts with `leaf` applied to everything else, as a loop."""
    if not isinstance(value, (list, dict)):
        return leaf(value)
    root: Any = [] if isinstance(value, list) else {}
    pending: list[tuple[Any, Any]] = [(value, root)]
    while pending:
        source, target = pending.pop()
        items = enumerate(source) if isinstance(source, list) else source.items()
        for key, item in items:
            if isinstance(item, (list, dict)):
                copy: Any = [] if isinstance(item, list) else {}
                pending.append((item, copy))
            else:
                copy = leaf(item)
            if isinstance(target, list):
                target.append(copy)
            else:
                target[key] = copy
    return root


def join_arrays(items: Any, elements: Callable[[Any], Any], is_array: Callable[[Any], bool],
                text: Callable[[Any], str]) -> str:
    """`String(array)` (nested arrays joined with commas, recursively), as a loop."""
    stack: list[tuple[Any, list[str]]] = [(iter(elements(items)), [])]
    while True:
        remaining, parts = stack[-1]
        for item in remaining:
            if is_array(item):
                stack.append((iter(elements(item)), []))
                break
            parts.append(text(item))
        else:
            joined = ",".join(parts)
            stack.pop()
            if not stack:
                return joined
            stack[-1][1].append(joined)
