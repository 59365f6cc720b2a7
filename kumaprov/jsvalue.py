"""JavaScript value semantics for Python values.

Uptime Kuma runs in Node: the verdict of a keyword or JSON-query monitor
depends on how V8 parses a body (``JSON.parse`` via axios), prints numbers
(``Number.prototype.toString``), joins arrays and serialises values
(``JSON.stringify``).  The linter predicts those verdicts offline, so this
module reproduces those rules on the values that :func:`parse_body` and
jsonata-python produce.

Value model (what the functions here accept):

* ``None`` is JSON ``null`` (what ``json.loads`` gives); jsonata-python's
  ``Utils.NULL_VALUE`` is also ``null``; :data:`UNDEFINED` is JS ``undefined``.
* ``bool``, ``int``, ``float``, ``str``, ``list`` (including jsonata-python's
  sequence subclasses), ``dict``.
* Anything callable (jsonata lambdas, built-in functions, compiled regexes)
  is treated as a JS function or jsonata function object.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from jsonata import Jsonata
from jsonata.parser import Parser
from jsonata.utils import Utils

__all__ = [
    "JS_WHITESPACE",
    "UNDEFINED",
    "is_js_array_index",
    "is_js_function",
    "is_js_null",
    "js_json_parse",
    "js_number",
    "js_ordered_keys",
    "js_string_number",
    "js_substring",
    "js_utf16_length",
    "json_stringify",
    "number_to_js_string",
    "parse_body",
    "to_js_string",
]


class _Undefined:
    """Singleton standing for JavaScript ``undefined``."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = _Undefined()

# Largest integer a double holds exactly; JSON integers beyond it are rounded
# exactly as V8 rounds them, so they must become floats.
_MAX_SAFE: Final = 2**53
# 2**32 - 2 is the largest array index; V8 orders such keys numerically first.
_MAX_ARRAY_INDEX: Final = 2**32 - 2
# ECMAScript WhiteSpace + LineTerminator (what String.prototype.trim and the
# regex class \s match); Python's str.isspace differs (e.g. \x1c-\x1f).
JS_WHITESPACE: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def is_js_null(value: object) -> bool:
    """True for JSON ``null`` in either representation."""
    return value is None or value is Utils.NULL_VALUE


def is_js_function(value: object) -> bool:
    """True for values that are functions (or jsonata function objects) in JS."""
    if isinstance(value, (str, bytes, list, dict, bool, int, float)):
        return False
    return callable(value) or isinstance(value, re.Pattern) or _is_jsonata_callable(value)


def _is_jsonata_callable(value: object) -> bool:
    """jsonata function values: built-ins and lambdas (a lambda is an AST node)."""
    return isinstance(value, (Jsonata.JFunctionCallable, Parser.Symbol))


# ---------------------------------------------------------------- numbers


def _js_double(value: int | float) -> float:
    """The double V8 would hold for ``value`` (ints beyond 2**53 are rounded)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits of positive finite ``x`` and the decimal point position.

    Both CPython's repr and V8 print the shortest digit string that
    round-trips, choosing the closest one on ties, so repr's digits are V8's.
    Returns (digits, n) with value = 0.digits * 10**n.
    """
    mantissa, _, exp_text = repr(x).partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    point = len(int_part) + (int(exp_text) if exp_text else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point


def number_to_js_string(value: int | float) -> str:
    """``Number.prototype.toString()`` (radix 10), per ECMA-262 Number::toString."""
    if isinstance(value, int) and abs(value) <= _MAX_SAFE:
        return str(value)
    x = _js_double(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"  # also -0: JS prints it without the sign
    sign = "-" if x < 0 else ""
    digits, n = _shortest_digits(abs(x))
    return sign + _place_point(digits, n)


def _place_point(digits: str, n: int) -> str:
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    exponent = n - 1
    exp_text = ("+" if exponent >= 0 else "-") + str(abs(exponent))
    if k == 1:
        return digits + "e" + exp_text
    return digits[0] + "." + digits[1:] + "e" + exp_text


_DECIMAL_LITERAL: Final = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_RADIX_LITERAL: Final = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def js_string_number(text: str) -> float:
    """``Number(text)`` for a string: NaN when it is not a numeric literal."""
    stripped = text.strip(JS_WHITESPACE)
    if stripped == "":
        return 0.0
    if _DECIMAL_LITERAL.fullmatch(stripped):
        return float(stripped.replace("Infinity", "inf"))
    if _RADIX_LITERAL.fullmatch(stripped):
        return _js_double(int(stripped, 0))
    return math.nan


def js_number(value: object) -> float:
    """``Number(value)`` (ToNumber) for the value model of this module."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return _js_double(value)
    if isinstance(value, str):
        return js_string_number(value)
    if is_js_null(value):
        return 0.0
    if value is UNDEFINED or is_js_function(value) or isinstance(value, Mapping):
        return math.nan
    return js_string_number(to_js_string(value))


# ---------------------------------------------------------------- strings


def to_js_string(value: object) -> str:
    """``String(value)`` as JavaScript computes it.

    Arrays join their elements with commas, rendering null and undefined
    elements as empty strings; plain objects and jsonata function objects
    give ``[object Object]``.
    """
    if value is UNDEFINED:
        return "undefined"
    if is_js_null(value):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_to_js_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return _join(value)
    if isinstance(value, re.Pattern) or (callable(value) and not _is_jsonata_callable(value)):
        # A real JS function prints its source, which cannot be reproduced;
        # this placeholder never equals a sensible expected value either.
        return "function () { [native code] }"
    return "[object Object]"


def _elements(items: Sequence[Any]) -> Sequence[Any]:
    # jsonata-python's lazy RangeList iterates one element short of its
    # length; indexing is correct.
    if isinstance(items, Utils.RangeList):
        return [items[i] for i in range(len(items))]
    return items


def _join(items: Sequence[Any]) -> str:
    # Array.prototype.join renders null/undefined elements as "".
    return ",".join("" if is_js_null(item) or item is UNDEFINED else to_js_string(item) for item in _elements(items))


def js_utf16_length(text: str) -> int:
    """``text.length``: JS counts UTF-16 code units, Python counts code points."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def js_substring(text: str, start: int, end: int) -> str:
    """``text.substring(start, end)`` on UTF-16 code units (may split a pair, as JS does)."""
    units = text.encode("utf-16-le", "surrogatepass")
    return units[start * 2 : end * 2].decode("utf-16-le", "surrogatepass")


# ---------------------------------------------------------------- JSON


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
        items = [_stringify(item, replacer, indent, inner) or "null" for item in _elements(value)]
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
    return int(number) if abs(number) <= _MAX_SAFE else number


def _parse_float(text: str) -> int | float:
    # Integral doubles become ints so jsonata-python treats 100.0 like 100,
    # as JS has a single number type.
    number = float(text)
    if number.is_integer() and abs(number) <= _MAX_SAFE:
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

    May raise RecursionError on absurdly deep nesting (V8 parses those).
    """
    return json.loads(
        text,
        parse_int=_parse_int,
        parse_float=_parse_float,
        parse_constant=_reject_constant,
        object_pairs_hook=_js_object,
    )


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
