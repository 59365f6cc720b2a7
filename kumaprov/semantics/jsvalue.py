"""JavaScript value semantics for Python values.

Uptime Kuma runs in Node: the verdict of a keyword or JSON-query monitor
depends on how V8 parses a body (``JSON.parse`` via axios), prints numbers
(``Number.prototype.toString``), joins arrays and serialises values
(``JSON.stringify``).  The linter predicts those verdicts offline, so this
module reproduces those rules on the values that
:func:`kumaprov.semantics.jsjson.parse_body` and jsonata-python produce; JSON itself
(``JSON.parse``, ``JSON.stringify``, the axios body) is in :mod:`kumaprov.semantics.jsjson`.

Value model (what the functions here accept):

* ``None`` is JSON ``null`` (what ``json.loads`` gives); jsonata-python's
  ``Utils.NULL_VALUE`` is also ``null``; :data:`UNDEFINED` is JS ``undefined``.
* ``bool``, ``int``, ``float``, ``str``, ``list`` (including jsonata-python's
  sequence subclasses), ``dict``.
* Anything callable (jsonata lambdas, built-in functions, compiled regexes)
  is treated as a JS function or jsonata function object.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from jsonata import Jsonata
from jsonata.parser import Parser
from jsonata.utils import Utils

from kumaprov.semantics.deepjson import join_arrays

__all__ = [
    "JS_WHITESPACE",
    "MAX_EXACT_INT",
    "UNDEFINED",
    "array_elements",
    "is_js_function",
    "is_js_null",
    "js_number",
    "js_string_number",
    "js_substring",
    "js_utf16_length",
    "number_to_js_string",
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
MAX_EXACT_INT: Final = 2**53
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
    if isinstance(value, int) and abs(value) <= MAX_EXACT_INT:
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


def array_elements(items: Sequence[Any]) -> Sequence[Any]:
    """The elements of an array value, as JavaScript would iterate them."""
    # jsonata-python's lazy RangeList iterates one element short of its
    # length; indexing is correct.
    if isinstance(items, Utils.RangeList):
        return [items[i] for i in range(len(items))]
    return items


def _join(items: Sequence[Any]) -> str:
    # Array.prototype.join renders null/undefined elements as "". V8 joins arrays nested
    # 100,000 deep, so this is a loop, not recursion: recursing and catching RecursionError
    # in every nested frame retried near the limit at each level, and the chain of failures
    # surfaced later as an unraisable exception.
    return join_arrays(items, array_elements, _is_array, _element_text)


def _element_text(item: Any) -> str:
    return "" if is_js_null(item) or item is UNDEFINED else to_js_string(item)


def _is_array(item: Any) -> bool:
    return isinstance(item, Sequence) and not isinstance(item, str) and not is_js_null(item)


def js_utf16_length(text: str) -> int:
    """``text.length``: JS counts UTF-16 code units, Python counts code points."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def js_substring(text: str, start: int, end: int) -> str:
    """``text.substring(start, end)`` on UTF-16 code units (may split a pair, as JS does)."""
    units = text.encode("utf-16-le", "surrogatepass")
    return units[start * 2 : end * 2].decode("utf-16-le", "surrogatepass")
