"""kumaprov.semantics.jsvalue and kumaprov.semantics.jsjson: JavaScript value and JSON semantics (expected values checked in node)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonata.utils import Utils

from kumaprov.semantics.jsjson import is_js_array_index, js_json_parse, js_ordered_keys, json_stringify, parse_body
from kumaprov.semantics.jsvalue import (
    UNDEFINED,
    js_number,
    js_string_number,
    js_substring,
    js_utf16_length,
    number_to_js_string,
    to_js_string,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (100.0, "100"),
        (-1.5, "-1.5"),
        (123.456, "123.456"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e16, "10000000000000000"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (-1e-7, "-1e-7"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (2**53, "9007199254740992"),
        (2**53 + 1, "9007199254740992"),  # rounded to a double, as JSON.parse does
        (2**64, "18446744073709552000"),
        (10**400, "Infinity"),
        (-(10**400), "-Infinity"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
    ],
)
def test_number_to_js_string(value: int | float, text: str) -> None:
    assert number_to_js_string(value) == text
    assert to_js_string(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        ("as is", "as is"),
        (None, "null"),
        (Utils.NULL_VALUE, "null"),
        (UNDEFINED, "undefined"),
        ([], ""),
        ([1, [2, None], "a", UNDEFINED, True], "1,2,,a,,true"),
        ([[[]]], ""),
        ({}, "[object Object]"),
        ([{"a": 1}, 2], "[object Object],2"),
        ([1.0, 1e21], "1,1e+21"),
    ],
)
def test_to_js_string(value: Any, text: str) -> None:
    assert to_js_string(value) == text


def test_to_js_string_of_jsonata_sequences() -> None:
    sequence = Utils.create_sequence_from_iter([1, 2.5, "x"])
    assert to_js_string(sequence) == "1,2.5,x"
    assert to_js_string(Utils.RangeList(1, 3)) == "1,2,3"  # its iterator is one short


# Counts how deeply `to_js_string` nests while it joins an array 5,000 levels deep (deeper than
# Python recursion goes, even at the 10,000 frames jsonata allows), through the module attribute
# the join itself looks up; prints the text's length and the deepest nesting.
DEEP_JOIN_NESTING = """
from kumaprov.semantics import jsvalue
deep = [1]
for _ in range(5_000):
    deep = [deep, None]
real, nested, deepest = jsvalue.to_js_string, 0, 0
def counting(value):
    global nested, deepest
    nested += 1
    deepest = max(deepest, nested)
    try:
        return real(value)
    finally:
        nested -= 1
jsvalue.to_js_string = counting
text = jsvalue.to_js_string(deep)
assert text == "1" + "," * 5_000, text[:40]  # null elements join as ""
print(len(text), deepest)
"""


def test_deep_arrays_join_without_recursing() -> None:
    # Joining by recursion, catching RecursionError in every nested frame, gave the right text
    # but retried near the limit at each level; the chain of failures surfaced later as an
    # unraisable exception that failed an unrelated test. String(array) of any depth is a loop.
    # A fresh interpreter: in the whole suite, what earlier tests left in this process stalled
    # the same check for minutes (under an interpreter hook), where alone it takes a second.
    result = subprocess.run([sys.executable, "-c", DEEP_JOIN_NESTING], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5001", "2"]  # the call itself, and inside it one leaf's text at a time


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "10": 2, "9": 3, "01": 4}, '{"9":3,"10":2,"b":1,"01":4}'),
        ([1.0, -0.0, 1e21, 1e-7, math.nan, math.inf], "[1,0,1e+21,1e-7,null,null]"),
        ("é \u2028 \U0001f600", '"é \u2028 \U0001f600"'),
        ('"\\\b\f\n\r\t\x00\x1f\x7f', '"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\x7f"'),
        ("\ud800", '"\\ud800"'),
        ({"a": UNDEFINED, "b": None}, '{"b":null}'),
        ([UNDEFINED, print], "[null,null]"),
        (Utils.NULL_VALUE, "null"),
        (True, "true"),
    ],
)
def test_json_stringify(value: Any, text: str) -> None:
    assert json_stringify(value) == text


def test_json_stringify_undefined_and_functions() -> None:
    assert json_stringify(UNDEFINED) is None
    assert json_stringify(print) is None


def test_json_stringify_indent_and_replacer() -> None:
    assert json_stringify({"a": [1, {}], "b": []}, indent=2) == '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": []\n}'
    doubled = json_stringify([1, 2], replacer=lambda v: v * 2 if isinstance(v, int) else v)
    assert doubled == "[2,4]"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", (False, "")),
        ("   ", (False, "   ")),
        ("hello", (False, "hello")),
        ('"x"', (True, "x")),
        ("null", (True, None)),
        ("5 ", (True, 5)),
        ("1.0", (True, 1)),
        ("1.5", (True, 1.5)),
        ("NaN", (False, "NaN")),
        ("Infinity", (False, "Infinity")),
        ('{"a": NaN}', (False, '{"a": NaN}')),
        ("\ufeff[1]", (True, [1])),
        ("\ufeff", (False, "")),
        ("{'a': 1}", (False, "{'a': 1}")),
        ("[1,]", (False, "[1,]")),
        ("01", (False, "01")),
    ],
)
def test_parse_body(body: str, expected: tuple[bool, Any]) -> None:
    assert parse_body(body) == expected


def test_parse_body_numbers_follow_v8() -> None:
    assert parse_body("12345678901234567890") == (True, 12345678901234567890.0)
    assert parse_body("9007199254740993") == (True, 9007199254740992)
    assert parse_body("1e400") == (True, math.inf)
    assert parse_body("1" * 5000)[1] == math.inf  # no int() digit-limit error


def test_parse_body_objects_follow_v8_order_and_duplicates() -> None:
    parsed, value = parse_body('{"b":1,"2":2,"a":3,"b":4,"1":5}')
    assert parsed
    assert list(value) == ["1", "2", "b", "a"]
    assert value["b"] == 4


def test_js_json_parse_rejects_what_v8_rejects() -> None:
    for text in ["NaN", "-Infinity", "\ufeff1", "1.", ".5", "+1", "0x10", "'a'"]:
        with pytest.raises(ValueError):
            js_json_parse(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("", 0.0),
        (" \n12\t", 12.0),
        ("1e3", 1000.0),
        ("1.", 1.0),
        (".5", 0.5),
        ("-Infinity", -math.inf),
        ("0x10", 16.0),
        ("0b11", 3.0),
        ("0o17", 15.0),
    ],
)
def test_js_string_number(text: str, number: float) -> None:
    assert js_string_number(text) == number


@pytest.mark.parametrize("text", ["abc", "-0x10", "1_000", "1e", "infinity", "12px"])
def test_js_string_number_nan(text: str) -> None:
    assert math.isnan(js_string_number(text))


def test_js_number() -> None:
    assert js_number(True) == 1.0
    assert js_number(None) == 0.0
    assert js_number([5]) == 5.0
    assert js_number([]) == 0.0
    assert math.isnan(js_number({}))
    assert math.isnan(js_number(UNDEFINED))


def test_utf16_helpers() -> None:
    assert js_utf16_length("a\U0001f600") == 3
    assert js_substring("a\U0001f600b", 0, 3) == "a\U0001f600"
    assert js_substring("a\U0001f600b", 0, 2) == "a\ud83d"  # JS splits the pair too


def test_array_index_keys() -> None:
    assert is_js_array_index("0")
    assert is_js_array_index("4294967294")
    assert not is_js_array_index("4294967295")
    assert not is_js_array_index("01")
    assert not is_js_array_index("-1")
    assert not is_js_array_index("\u0661")  # Arabic-Indic digit
    assert js_ordered_keys(["b", "10", "a", "9"]) == ["9", "10", "b", "a"]


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_js_number_text_round_trips(number: float) -> None:
    text = number_to_js_string(number)
    assert float(text) == number or (number == 0 and text == "0")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=15,
)


@given(_JSON)
def test_stringify_parses_back(value: Any) -> None:
    text = json_stringify(value)
    assert text is not None
    assert json.loads(text) == value
    assert parse_body(text) == (True, js_json_parse(text))
