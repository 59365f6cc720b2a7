"""Offline prediction of Uptime Kuma's keyword and JSON-query verdicts.

Each supported server line evaluates a JSON-query monitor differently (read
from the upstream sources; see tests/test_jsonquery_parity.py, which checks
this module against the real ``jsonata`` and ``axios`` JavaScript packages):

``Semantics.V1_23`` (1.23.12 - 1.23.x)
    axios body; if it is still a string and the Content-Type header is not
    exactly ``application/json``, ``JSON.parse`` it again, keeping the string
    on failure; evaluate the query; UP iff ``String(result) === expected``.
    A null/undefined result throws (DOWN).
``Semantics.V2_0_DEV`` (the ``2.0.0-dev.*`` npm builds, and 1.23.0 - 1.23.11)
    Same, except every string body is ``JSON.parse``'d without a fallback,
    so a body that is not JSON (or a JSON string literal that is not itself
    JSON) is DOWN.
``Semantics.V2`` (2.0.0-beta.0 and later: ``evaluateJsonQuery`` in src/util.ts)
    ``JSON.parse(String(data))`` of the axios value, falling back to the value
    itself; an empty query means the body itself; null/undefined, arrays,
    objects and functions are errors; then the operator compares
    ``String(value)`` with ``String(expected)``: ``==``/``!=``/``contains`` as
    strings, ordering operators on jsonata ``$number`` of both sides (which
    throws on non-numeric text).

Keyword monitors are the same in every version: a case-sensitive substring
search in the raw body, or in ``JSON.stringify`` of it when axios parsed it.
"""

from __future__ import annotations

import decimal
import enum
import functools
import math
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from jsonata import JException, Jsonata
from jsonata.utils import Utils

from kumaprov.jsvalue import (
    JS_WHITESPACE,
    UNDEFINED,
    is_js_function,
    is_js_null,
    js_json_parse,
    js_string_number,
    js_substring,
    js_utf16_length,
    json_stringify,
    parse_body,
    to_js_string,
)

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "OPERATORS",
    "CompiledQuery",
    "QuerySyntaxError",
    "Semantics",
    "Verdict",
    "bare_path_names",
    "check_json_query",
    "check_keyword",
    "compile_query",
    "semantics_for",
    "status_code_accepted",
]

# Uptime Kuma itself has no limit; a lint run must not stall on a runaway
# recursive lambda, so evaluation past this budget is reported as DOWN.
DEFAULT_TIMEOUT_MS: Final = 2000

OPERATORS: Final[tuple[str, ...]] = ("==", "!=", "contains", "<", "<=", ">", ">=")
_ORDERING: Final = frozenset({"<", "<=", ">", ">="})


class Semantics(enum.Enum):
    """How a server version evaluates JSON-query monitors (see module doc)."""

    V1_23 = "1.23"
    V2_0_DEV = "2.0-dev"
    V2 = "2.x"


@dataclass(frozen=True)
class Verdict:
    """Predicted outcome of one check against one sample response."""

    up: bool
    reason: str
    returned: str | None


class QuerySyntaxError(ValueError):
    """A JSONata expression that does not parse.

    ``position`` is the 0-based offset of the offending token (or of the end
    of the expression), ``code`` the JSONata error code such as ``S0202``.
    """

    def __init__(self, message: str, position: int | None, code: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.code = code


# ------------------------------------------------------------------ versions

_VERSION_RE: Final = re.compile(
    r"v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<pre>(?:alpha|beta|rc|dev)(?:[.-][0-9A-Za-z]+)*))?"
    # Docker image variants (louislam/uptime-kuma:2-slim, :1.23.17-debian ...)
    r"(?:-(?:slim|rootless|alpine|debian))?"
)


def semantics_for(version: str) -> Semantics:
    """Semantics of a server version such as ``1.23.17``, ``2.0.0-dev.0``, ``2.5.3`` or ``2``.

    Missing components mean the newest release of that line (``1.23`` is
    1.23.17).  Every 2.0.0 beta already has ``jsonPathOperator`` (it arrived
    in efb1642, before 2.0.0-beta.0), so only ``-dev`` builds are
    ``V2_0_DEV``.  1.23.0 - 1.23.11 predate upstream fix #4425 and parse
    bodies exactly like the 2.0.0-dev build.  JSON-query monitors do not
    exist before 1.23.0; older versions map to ``V1_23``, whose keyword
    checks are identical.  Raises ValueError for anything else.
    """
    match = _VERSION_RE.fullmatch(version.strip())
    if match is None:
        raise ValueError(f"not an Uptime Kuma version: {version!r}")
    major = int(match["major"])
    minor = int(match["minor"]) if match["minor"] is not None else None
    patch = int(match["patch"]) if match["patch"] is not None else None
    pre = match["pre"]
    if major >= 2:
        if (major, minor or 0, patch or 0) == (2, 0, 0) and pre is not None and pre.startswith("dev"):
            return Semantics.V2_0_DEV
        return Semantics.V2
    if major == 1 and minor == 23 and patch is not None and patch < 12:
        return Semantics.V2_0_DEV
    return Semantics.V1_23


# ------------------------------------------------------------------ jsonata-python fixes

# jsonata-python 0.7.1 differs from jsonata-js in a few places the node
# parity fuzz found; the fixes below are applied once, process-wide.  Each
# only changes results where jsonata-python disagreed with jsonata-js, so any
# other jsonata user in the process gets the reference behaviour too.


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


# ------------------------------------------------------------------ compiling


class _Timeout(Exception):
    """Raised from the evaluation hook when the time budget is spent."""


class CompiledQuery:
    """A parsed JSONata expression, reusable across evaluations and threads."""

    def __init__(self, expr: str, engine: Any) -> None:
        self.expr = expr
        self._engine = engine
        # jsonata-python keeps per-evaluation state on the instance, so two
        # threads must not evaluate the same instance at once.
        self._lock = threading.Lock()

    def evaluate(self, data: Any, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Any:
        """Evaluate on a value from :func:`parse_body`; returns the raw jsonata result.

        The result uses jsonata-python's model: ``None`` is undefined and
        ``Utils.NULL_VALUE`` is null.  Raises whatever jsonata raises, and
        ``_Timeout`` when ``timeout_ms`` is exceeded.
        """
        with self._lock:
            deadline = time.monotonic() + timeout_ms / 1000.0
            # jsonata-python evaluates through the instance most recently
            # *constructed* on this thread ($now, $eval read it); point it here.
            Jsonata.CURRENT.jsonata = self._engine
            return self._engine.evaluate(_to_jsonata_input(data), _time_budget(deadline))


def _time_budget(deadline: float) -> dict[str, Callable[..., None]]:
    # jsonata-python's own Timebox starts its clock when the expression is
    # compiled, which would expire cached queries; these hooks restart it for
    # every evaluation.  They run on entry/exit of each AST node.
    def check(*_: Any) -> None:
        if time.monotonic() > deadline:
            raise _Timeout()

    return {"__evaluate_entry": check, "__evaluate_exit": check}


def _to_jsonata_input(value: Any) -> Any:
    # jsonata-python reads a Python None as *undefined*; JSON null must be
    # its NULL_VALUE.  Copying also keeps cached parsed bodies safe from the
    # flags jsonata sets on lists it touches.
    if value is None:
        return Utils.NULL_VALUE
    if isinstance(value, list):
        return [_to_jsonata_input(item) for item in value]
    if isinstance(value, dict):
        return {key: _to_jsonata_input(item) for key, item in value.items()}
    return value


@functools.lru_cache(maxsize=2048)
def compile_query(expr: str) -> CompiledQuery:
    """Parse ``expr`` once (cached by expression text); raises QuerySyntaxError."""
    try:
        engine = Jsonata(expr)
    except JException as err:
        raise QuerySyntaxError(str(err), _syntax_position(expr, err), err.error) from None
    except RecursionError:
        raise QuerySyntaxError("expression is nested too deeply", None, None) from None
    except Exception as err:  # jsonata-python bugs surface as TypeError etc.
        raise QuerySyntaxError(f"cannot parse expression: {err}", None, None) from None
    engine.set_output_convert_nulls(False)  # keep null and undefined apart
    engine.set_validate_input(False)  # input always comes from JSON.parse
    return CompiledQuery(expr, engine)


def _syntax_position(expr: str, err: JException) -> int | None:
    # JSONata reports the offset just past the offending token; point at its start.
    location = err.location
    if not isinstance(location, int) or location < 0:
        return None
    token = err.current
    if isinstance(token, str) and token != "(end)" and expr[max(0, location - len(token)) : location] == token:
        location -= len(token)
    return min(location, len(expr))


# ------------------------------------------------------------------ JSON query


class _Down(Exception):
    """Internal: the server would throw; carries the verdict to return."""

    def __init__(self, reason: str, returned: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.returned = returned


@functools.lru_cache(maxsize=256)
def _axios_data(body: str) -> tuple[bool, Any]:
    # Samples are checked against many queries; parse each body once.  The
    # cached value is never mutated (jsonata gets a copy).
    return parse_body(body)


def check_json_query(
    body: str,
    query: str,
    expected: str,
    operator: str,
    semantics: Semantics,
    *,
    content_type: str | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Verdict:
    """Predict a JSON-query monitor's verdict for a 2xx response with ``body``.

    ``operator`` only matters for ``Semantics.V2``.  ``content_type`` only
    matters for ``Semantics.V1_23``: None stands for any value other than
    exactly ``application/json``.  Never raises.
    """
    try:
        _, data = _axios_data(body)
        if semantics is Semantics.V2:
            return _check_v2(data, query, expected, operator, timeout_ms)
        return _check_tostring(data, query, expected, semantics, content_type, timeout_ms)
    except _Down as down:
        return Verdict(False, down.reason, down.returned)
    except RecursionError:
        return Verdict(False, "evaluation error: response or query nested too deeply to analyse", None)
    except Exception as err:  # a linter must report, not crash
        return Verdict(False, f"evaluation error: {type(err).__name__}: {err}", None)


def _check_tostring(
    data: Any, query: str, expected: str, semantics: Semantics, content_type: str | None, timeout_ms: int
) -> Verdict:
    """1.23 and the 2.0.0-dev build: ``result.toString() === expectedValue``."""
    if isinstance(data, str):
        data = _reparse_string(data, strict=semantics is Semantics.V2_0_DEV, content_type=content_type)
    result = _evaluate(query, data, timeout_ms)
    if result is None or result is Utils.NULL_VALUE:
        kind = "null" if result is Utils.NULL_VALUE else "nothing (undefined)"
        raise _Down(f"query returned {kind}; the server fails calling toString() on it")
    text = to_js_string(result)
    up = text == expected
    return Verdict(up, f"query returned {_show(text)}, expected {_show(expected)}", text)


def _reparse_string(data: str, *, strict: bool, content_type: str | None) -> Any:
    if strict:
        try:
            return js_json_parse(data)
        except ValueError as err:
            raise _Down(f"response body is not JSON, this server version requires it ({err})") from None
    if content_type == "application/json":
        return data  # 1.23.12+ skips the second parse for exactly this header
    try:
        return js_json_parse(data)
    except ValueError:
        return data


def _check_v2(data: Any, query: str, expected: str, operator: str, timeout_ms: int) -> Verdict:
    """2.x ``evaluateJsonQuery``."""
    response = _json_parse_again(data)
    if query:  # "" means "compare the response itself"
        response = _evaluate(query, response, timeout_ms)
    _require_primitive(response)
    value = to_js_string(response)
    if operator not in OPERATORS:
        raise _Down(f"invalid operator {operator!r}; expected one of {', '.join(OPERATORS)}", json_stringify(response))
    up = _compare(value, operator, expected, response)
    comparison = f"expected {_show(expected)}" if operator == "==" else f"expected {operator} {_show(expected)}"
    return Verdict(up, f"query returned {_show(value)}, {comparison}", value)


def _json_parse_again(data: Any) -> Any:
    # evaluateJsonQuery calls JSON.parse(data) on the already-parsed value:
    # JSON.parse stringifies its argument first, so "[5]" becomes 5 and the
    # JSON string "\"7\"" becomes 7; on failure the value is kept.
    if isinstance(data, str):
        text = data
    elif isinstance(data, dict):
        return data  # "[object Object]" never parses
    else:
        text = to_js_string(data)
    try:
        return js_json_parse(text)
    except ValueError:
        return data


def _require_primitive(response: Any) -> None:
    if is_js_null(response) or response is UNDEFINED:
        raise _Down("query returned null or nothing (undefined); 2.x requires a value")
    if isinstance(response, (list, tuple)):
        raise _Down("query returned an array, 2.x requires a primitive", json_stringify(response))
    if isinstance(response, Mapping):
        raise _Down("query returned an object, 2.x requires a primitive", json_stringify(response))
    if is_js_function(response):
        raise _Down("query returned a function, 2.x requires a primitive")


def _compare(value: str, operator: str, expected: str, response: Any) -> bool:
    if operator == "==":
        return value == expected
    if operator == "!=":
        return value != expected
    if operator == "contains":
        return expected in value
    left = _jsonata_number(value, response)
    right = _jsonata_number(expected, response)
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right


# jsonata's $number accepts a strict decimal literal, or text its (unanchored,
# upstream-buggy) radix regex matches, which then goes through Number().
_JSONATA_DECIMAL: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[Ee][-+]?[0-9]+)?")
_JSONATA_HEX_PREFIX: Final = re.compile(r"0[xX][0-9A-Fa-f]+")
_JSONATA_OCTAL_ANYWHERE: Final = re.compile(r"0[oO][0-7]+")
_JSONATA_BINARY_SUFFIX: Final = re.compile(r"0[bB][01]+\Z")


def _jsonata_number(text: str, response: Any) -> float:
    """jsonata ``$number(text)``; NaN where jsonata yields NaN, _Down where it throws D3030."""
    if _JSONATA_DECIMAL.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    if (
        _JSONATA_HEX_PREFIX.match(text)
        or _JSONATA_OCTAL_ANYWHERE.search(text)
        or _JSONATA_BINARY_SUFFIX.search(text)
    ):
        return js_string_number(text)
    raise _Down(
        f"evaluation error: D3030 unable to cast value to a number: {_show(text)}",
        json_stringify(response),
    )


def _evaluate(query: str, data: Any, timeout_ms: int) -> Any:
    try:
        compiled = compile_query(query)
    except QuerySyntaxError as err:
        raise _Down(f"query syntax error{f' {err.code}' if err.code else ''}: {err.message}") from None
    try:
        return compiled.evaluate(data, timeout_ms)
    except _Timeout:
        raise _Down(f"evaluation error: query ran longer than {timeout_ms} ms") from None
    except JException as err:
        raise _Down(f"evaluation error: {err.error} {err}") from None


def _show(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[: limit - 3] + "..."
    return '"' + shown + '"'


# ------------------------------------------------------------------ keyword

# The server's regex /<[^>]*>?|[\n\r]|\s+/gm with JavaScript's \s.
_TAGS_AND_SPACE: Final = re.compile("<[^>]*>?|[\n\r]|[" + re.escape(JS_WHITESPACE) + "]+")


def check_keyword(body: str, keyword: str, invert: bool) -> Verdict:
    """Predict a keyword monitor's verdict for a 2xx response with ``body``. Never raises."""
    try:
        parsed, data = _axios_data(body)
        text = data if isinstance(data, str) else (json_stringify(data) or "")
        found = keyword in text
        snippet = _server_snippet(text)
        if found != invert:
            return Verdict(True, f"keyword {'is' if found else 'not'} found", snippet)
        where = "in the JSON.stringify form of the body" if parsed and not isinstance(data, str) else "in the body"
        state = "present" if found else "not"
        return Verdict(False, f"keyword is {state} {where}: [{snippet}]", snippet)
    except Exception as err:  # a linter must report, not crash
        return Verdict(False, f"evaluation error: {type(err).__name__}: {err}", None)


def _server_snippet(text: str) -> str:
    # What the server quotes in its DOWN message: tags and whitespace
    # collapsed, trimmed, cut to 47 UTF-16 units plus "...".
    cleaned = _TAGS_AND_SPACE.sub(" ", text).strip(JS_WHITESPACE)
    if js_utf16_length(cleaned) > 50:
        return js_substring(cleaned, 0, 47) + "..."
    return cleaned


# ------------------------------------------------------------------ status codes


def status_code_accepted(status: int, accepted: Sequence[str]) -> bool:
    """Uptime Kuma's ``checkStatusCode``: entries are ``"404"`` or ranges ``"200-299"``.

    Each side goes through JavaScript ``parseInt``, so ``"2xx"`` means 2 and
    malformed entries never match (the server logs and skips them).
    """
    for entry in accepted:
        if not isinstance(entry, str):
            continue
        bounds = [_js_parse_int(part) for part in entry.split("-")]
        if len(bounds) == 1 and status == bounds[0]:
            return True
        if len(bounds) == 2 and bounds[0] <= status <= bounds[1]:
            return True
    return False


_PARSE_INT_RE: Final = re.compile(r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|([0-9]+))")


def _js_parse_int(text: str) -> float:
    """``parseInt(text)`` (radix omitted): leading integer, hex with 0x, else NaN."""
    match = _PARSE_INT_RE.match(text.lstrip(JS_WHITESPACE))
    if match is None:
        return math.nan
    sign = -1 if match[1] == "-" else 1
    number = int(match[2], 16) if match[2] is not None else int(match[3])
    return float(sign * number)


# ------------------------------------------------------------------ query analysis

_COMPARISONS: Final = frozenset({"=", "!=", "<", "<=", ">", ">=", "in"})
_CHILD_ATTRS: Final = (
    "steps", "stages", "predicate", "expr", "lhs", "rhs", "expression", "expressions",
    "procedure", "arguments", "body", "condition", "then", "_else", "group", "terms",
    "lhs_object", "rhs_object", "update", "delete", "pattern",
)  # fmt: skip


def bare_path_names(expr: str) -> list[tuple[str, int]]:
    """Single-name paths used as operands of comparisons, with their 0-based offsets.

    ``data[status=active]`` gives ``[("status", 5), ("active", 12)]``: a
    caller can flag names that are fields in no sample (the user probably
    meant the string ``"active"``).  Operands of ``in`` arrays count too.
    Raises QuerySyntaxError when ``expr`` does not parse.
    """
    root = compile_query(expr)._engine.ast
    found: list[tuple[str, int]] = []
    for node in _walk(root, set()):
        if getattr(node, "type", None) == "binary" and node.value in _COMPARISONS:
            for operand in _operands(node):
                name = _single_name(operand)
                if name is not None:
                    found.append((name.value, _name_start(expr, name)))
    return sorted(set(found), key=lambda item: (item[1], item[0]))


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
