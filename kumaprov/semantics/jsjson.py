"""JSON the way V8 and axios handle it: ``JSON.stringify``, ``JSON.parse`` and ``res.data``.

Uses the value model of :mod:`kumaprov.semantics.jsvalue`: ``None`` (and jsonata's
``Utils.NULL_VALUE``) is ``null``, :data:`~kumaprov.semantics.jsvalue.UNDEFINED` is
``undefined``, anything callable is a function.  Objects keep V8's property
order (array-index keys first, ascending), which decides what a keyword
search in a stringified body can find.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from kumaprov.semantics import deepjson
from kumaprov.semantics.jsvalue import (
    MAX_EXACT_INT,
    UNDEFINED,
    array_elements,
    is_js_function,
    is_js_null,
    number_to_js_string,
)

__all__ = [
    "Replacer",
    "is_js_array_index",
    "js_json_parse",
    "js_ordered_keys",
    "json_stringify",
    "parse_body",
]

# 2**32 - 2 is the largest array index; V8 orders such keys numerically first.
_MAX_ARRAY_INDEX: Final = 2**32 - 2


def is_js_array_index(key: str) -> bool:
    """True for keys V8 stores as array indices (and so enumerates first, ascending)."""
    if not key.isascii() or not key.isdigit():
        return False
    if len(key) > 1 and key[0] == "0":
        return False
    return int(key) <= _MAX_ARRAY_INDEX


def js_ordered_keys(keys: Sequence[str]) -> list[str]:
    """Property enumeration order of a JS object created with ``keys`` in that order."""
    indices = sorted((k for k in keys if is_js_array_index(k)), key=int)
    return indices + [k for k in keys if not is_js_array_index(k)]


_ESCAPES: Final = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters JSON.stringify escapes: quote, backslash, C0 controls and lone
# surrogates (well-formed JSON.stringify, Node 12+).  Non-ASCII stays literal.
_NEEDS_ESCAPE: Final = re.compile('["\\\\\x00-\x1f\ud800-\udfff]')


def _quote(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _ESCAPES.get(char) or f"\\u{ord(char):04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


Replacer = Callable[[Any], Any]


def json_stringify(value: object, *, indent: int = 0, replacer: Replacer | None = None) -> str | None:
    """``JSON.stringify(value, replacer, indent)``; None where JS returns ``undefined``.

    ``replacer`` sees every value (the root included) before it is
    serialised, like a JS replacer function that ignores its key argument.
    """
    return _stringify(value, replacer, " " * min(max(indent, 0), 10), "")


def _stringify(value: object, replacer: Replacer | None, indent: str, depth: str) -> str | None:
    if replacer is not None:
        value = replacer(value)
    if value is UNDEFINED or is_js_function(value):
        return None
    if is_js_null(value):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = number_to_js_string(value)
        return "null" if text in ("NaN", "Infinity", "-Infinity") else text
    if isinstance(value, str):
        return _quote(value)
    inner = depth + indent
    if isinstance(value, Mapping):
        members = []
        for key in js_ordered_keys([str(k) for k in value]):
            item = _stringify(value[key], replacer, indent, inner)
            if item is not None:  # undefined and function members are omitted
                members.append(_quote(key) + (": " if indent else ":") + item)
        return _wrap("{", members, "}", indent, depth)
    if isinstance(value, Sequence):
        items = [_stringify(item, replacer, indent, inner) or "null" for item in array_elements(value)]
        return _wrap("[", items, "]", indent, depth)
    return "{}"


def _wrap(open_: str, parts: list[str], close: str, indent: str, depth: str) -> str:
    if not parts:
        return open_ + close
    if not indent:
        return open_ + ",".join(parts) + close
    inner = depth + indent
    return open_ + "\n" + inner + (",\n" + inner).join(parts) + "\n" + depth + close


def _parse_int(text: str) -> int | float:
    # Keep exact ints where V8 is exact; beyond that V8 rounds to a double
    # (float() of the digit string rounds the same way, and avoids int()'s
    # digit-count limit on absurd inputs).
    if len(text) <= 15:  # below 10**15 < 2**53: exact either way
        return int(text)
    number = float(text)
    return int(number) if abs(number) <= MAX_EXACT_INT else number


def _parse_float(text: str) -> int | float:
    # Integral doubles become ints so jsonata-python treats 100.0 like 100,
    # as JS has a single number type.
    number = float(text)
    if number.is_integer() and abs(number) <= MAX_EXACT_INT:
        return int(number)
    return number


def _reject_constant(name: str) -> Any:
    # json.loads accepts NaN/Infinity; JSON.parse does not.
    raise ValueError(f"Unexpected token {name[0]} in JSON")


def _js_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # dict(pairs) keeps the first position and the last value of a duplicate
    # key, exactly like JSON.parse; then apply V8's index-keys-first order.
    merged = dict(pairs)
    return {key: merged[key] for key in js_ordered_keys(list(merged))}


def js_json_parse(text: str) -> Any:
    """``JSON.parse(text)``; raises ValueError where V8 throws SyntaxError.

    Nesting deeper than Python recurses is parsed by kumaprov.deepjson, as V8 does.
    """
    try:
        return json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_reject_constant,
            object_pairs_hook=_js_object,
        )
    except RecursionError:  # V8 parses any depth: so does the slower loop
        return deepjson.loads(text, _parse_int, _parse_float, _js_object)


def parse_body(text: str) -> tuple[bool, Any]:
    """What axios puts in ``res.data`` for a response body ``text``.

    axios (0.27-0.32, the versions Uptime Kuma ships) strips one leading
    BOM, then with its default ``forcedJSONParsing`` tries ``JSON.parse`` on
    any non-empty string and silently keeps the string when that fails.
    Returns ``(True, value)`` when the body parsed as JSON (value may itself
    be a string for a JSON string literal), else ``(False, text)``.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if text == "":
        return False, text
    try:
        return True, js_json_parse(text)
    except ValueError:
        return False, text
