"""jsonata-python 0.7.1 made to agree with jsonata-js where Uptime Kuma's verdict depends on it.

The node parity fuzz (tests/test_jsonquery_parity.py) found the differences
fixed here.  Importing this module applies the fixes once, process-wide.
Each only changes results where jsonata-python disagreed with jsonata-js, so
any other jsonata user in the process gets the reference behaviour too.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from typing import Any

from jsonata import JException, Jsonata
from jsonata.utils import Utils

from kumaprov.semantics.jsjson import json_stringify
from kumaprov.semantics.jsvalue import is_js_function


def _null_aware_get_symbol(original: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
    """Signature typing: JSON null is ``l``, not ``m`` (missing).

    Otherwise ``$count(null)`` is 0 and ``$uppercase(null)`` passes, where
    jsonata-js gives 1 and a T0410 signature error.
    """

    def get_symbol(self: Any, value: Any) -> str:
        if value is Utils.NULL_VALUE:
            return "l"
        return str(original(self, value))

    return get_symbol


def _to_precision_15(number: float) -> float:
    """``Number(x.toPrecision(15))``: 15 significant digits, ties away from zero."""
    exact = decimal.Decimal(number)
    if exact == 0 or not exact.is_finite():
        return number
    step = decimal.Decimal(1).scaleb(exact.adjusted() - 14)
    return float(exact.quantize(step, rounding=decimal.ROUND_HALF_UP))


def _string_replacer(value: Any) -> Any:
    # jsonata-js (2.1.1+) rounds non-integral numbers to 15 significant
    # digits and prints functions as "".
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        return _to_precision_15(value)
    if is_js_function(value):
        return ""
    return value


def _jsonata_string(arg: Any, prettify: Any = None) -> Any:
    """jsonata-js ``$string``, also used by the ``&`` operator.

    jsonata-python prints numbers with Python's repr inside arrays and
    objects (1e+16), escapes non-ASCII and mishandles exponents.
    """
    if arg is None:
        return None  # undefined in, undefined out
    if isinstance(arg, str):
        return arg
    if is_js_function(arg):
        return ""
    if isinstance(arg, (int, float)) and not isinstance(arg, bool) and not math.isfinite(arg):
        raise JException("D3001", 0, arg)
    if isinstance(arg, Utils.JList) and arg.outer_wrapper:
        arg = arg[0]
    return json_stringify(arg, indent=2 if prettify is True else 0, replacer=_string_replacer)


def _js_strict_equal(left: Any, right: Any) -> bool:
    """``left === right`` on jsonata-python values (Python has 1 == True, [1] == [1])."""
    if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
        return left is right
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return bool(left == right)


def _jsonata_includes(_self: Any, lhs: Any, rhs: Any) -> bool:
    """The ``in`` operator: jsonata-js tests membership with ``===``."""
    if lhs is None or rhs is None:
        return False
    items = rhs if isinstance(rhs, list) else [rhs]
    return any(_js_strict_equal(item, lhs) for item in items)


def _jsonata_distinct(arr: Any) -> Any:
    """``$distinct`` with jsonata-js deepEquals (true and 1 are different values)."""
    if arr is None or not isinstance(arr, list) or len(arr) <= 1:
        return arr
    results: list[Any] = Utils.create_sequence() if isinstance(arr, Utils.JList) else []
    for item in arr:
        if not any(Utils.is_deep_equal(item, kept) for kept in results):
            results.append(item)
    return results


def _utf16_key(text: str) -> bytes:
    # V8 orders strings by UTF-16 code units, Python by code points.
    return text.encode("utf-16-be", "surrogatepass")


def _sort_fix(original: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``$sort`` without a comparator only accepts all-number or all-string arrays (D3070)."""

    def sort(arr: Any, comparator: Any) -> Any:
        if arr is None or len(arr) <= 1 or comparator is not None:
            return original(arr, comparator)
        if Utils.is_array_of_strings(arr):
            return sorted(arr, key=_utf16_key)
        if not Utils.is_array_of_numbers(arr):
            raise JException("D3070", -1)
        return original(arr, comparator)

    return sort


def _jsonata_sum(args: Any) -> Any:
    """``$sum`` adding left to right like jsonata-js (Python 3.12's sum() compensates)."""
    if args is None:
        return None
    total: float = 0
    for item in args:
        total += item
    return total


def _jsonata_lowercase(text: Any) -> Any:
    """``$lowercase`` as String.prototype.toLowerCase (jsonata-python casefolds: ß became ss)."""
    if text is None:
        return None
    if text is Utils.NULL_VALUE:
        raise JException("T0410", -1)
    return str(text).lower()


def _replace_builtin(name: str, implementation: Callable[..., Any]) -> None:
    from jsonata.functions import Functions

    # Internal callers go through the class attribute; the registered
    # built-in captured the original method when jsonata-python started.
    setattr(Functions, name, staticmethod(implementation))
    native = Jsonata.static_frame.lookup(name)
    if native is not None and hasattr(native, "method"):
        native.method = implementation


def _apply_jsonata_fixes() -> None:
    from jsonata.functions import Functions
    from jsonata.signature import Signature

    if getattr(Functions, "_kumaprov_fixed", False):
        return
    Signature.get_symbol = _null_aware_get_symbol(Signature.get_symbol)
    Jsonata.evaluate_includes_expression = _jsonata_includes
    _replace_builtin("string", _jsonata_string)
    _replace_builtin("distinct", _jsonata_distinct)
    _replace_builtin("sum", _jsonata_sum)
    _replace_builtin("lowercase", _jsonata_lowercase)
    _replace_builtin("sort", _sort_fix(Functions.sort))
    Functions._kumaprov_fixed = True


_apply_jsonata_fixes()
