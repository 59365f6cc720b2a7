"""Offline prediction of Uptime Kuma's JSON-query verdicts.

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

Keyword monitors and status codes are the same in every version (see
kumaprov.semantics.httpchecks); compiling and running JSONata is kumaprov.semantics.jsonata_engine.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from jsonata import JException
from jsonata.utils import Utils

from kumaprov.model.monitors import JSON_OPERATORS
from kumaprov.semantics.jsjson import js_json_parse, json_stringify, parse_body
from kumaprov.semantics.jsonata_engine import (
    DEFAULT_TIMEOUT_MS, MEMORY_BUDGET, EvaluationTimeout, EvaluationTooLarge, QuerySyntaxError, compile_query,
)
from kumaprov.semantics.jsvalue import UNDEFINED, is_js_function, is_js_null, js_string_number, to_js_string
from kumaprov.versions import Semantics

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "OPERATORS",
    "QuerySyntaxError",
    "Semantics",
    "Verdict",
    "axios_data",
    "check_json_query",
    "compile_query",
]

OPERATORS: Final[tuple[str, ...]] = JSON_OPERATORS  # the one list: what the model accepts is what is evaluated


@dataclass(frozen=True)
class Verdict:
    """Predicted outcome of one check against one sample response."""

    up: bool
    reason: str
    returned: str | None


class _Down(Exception):
    """Internal: the server would throw; carries the verdict to return."""

    def __init__(self, reason: str, returned: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.returned = returned


class _Overrun(_Down):
    """Internal: the evaluation hit the time or memory budget."""


# (body, query) pairs that overran a budget: every server line evaluates the same
# query on the same body, and a hostile one must cost its budget once, not per line.
_OVERRUNS: dict[tuple[str, str, int], str] = {}


@functools.lru_cache(maxsize=256)
def axios_data(body: str) -> tuple[bool, Any]:
    """:func:`kumaprov.semantics.jsjson.parse_body`, cached; the value is shared, so never mutate it."""
    # Samples are checked against many queries (and keyword checks); parse
    # each body once.  jsonata gets a copy (kumaprov.semantics.jsonata_engine).
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
    if (known := _OVERRUNS.get((body, query, timeout_ms))) is not None:
        return Verdict(False, known, None)
    try:
        _, data = axios_data(body)
        if semantics is Semantics.V2:
            return _check_v2(data, query, expected, operator, timeout_ms)
        return _check_tostring(data, query, expected, semantics, content_type, timeout_ms)
    except _Overrun as overrun:
        if len(_OVERRUNS) < 256:
            _OVERRUNS[(body, query, timeout_ms)] = overrun.reason
        return Verdict(False, overrun.reason, None)
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
    except EvaluationTimeout:
        raise _Overrun(f"evaluation error: query ran longer than {timeout_ms} ms") from None
    except EvaluationTooLarge:
        raise _Overrun(f"evaluation error: query needs more than {MEMORY_BUDGET // 2**20} MB of memory") from None
    except JException as err:
        raise _Down(f"evaluation error: {err.error} {err}") from None


def _show(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[: limit - 3] + "..."
    return '"' + shown + '"'

