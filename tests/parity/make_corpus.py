"""Regenerate corpus.jsonl, the cases tests/test_jsonquery_parity.py runs through node.

Run from the repository root: ``.venv/bin/python tests/parity/make_corpus.py``.
The corpus is committed so reviews see every case; this script only keeps it
systematic (every JSON-query scenario under every semantics).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEMANTICS = ("1.23", "2.0-dev", "2.x")

# One body exercising most value kinds; note the index-like keys "2"/"1"
# (V8 enumerates them first) and 12345678901234567890 (beyond 2**53).
RICH = json.dumps(
    {
        "status": "ok",
        "count": 3,
        "ratio": 0.5,
        "up": True,
        "down": False,
        "nothing": None,
        "items": [1, 2, 3],
        "names": ["a", "b"],
        "nested": {"a": {"b": 42}},
        "mixed": [1, None, "x", [2, 3]],
        "tiny": 1e-7,
        "small": 1.5e-7,
        "micro": 0.000001,
        "huge": 1e21,
        "e16": 1e16,
        "sum": [0.1, 0.2],
        "objs": [{"id": 1, "state": "up"}, {"id": 2, "state": "down"}],
        "num_str": "5",
        "hex_str": "0x10",
        "space_num": " 5",
        "2": "two",
        "1": "one",
        "empty_str": "",
        "empty_arr": [],
        "empty_obj": {},
        "unicode": "Zürich \U0001f600",
        "when": "2024-01-01T00:00:00Z",
    }

)
# Raw text the json module would not produce: 100.0, -0.0, a big integer.
RICH = RICH[:-1] + ', "float": 100.0, "neg": -0.0, "big": 12345678901234567890, "exp": 1E2}'

# (body, query, expected, operator) scenarios; each runs under all semantics.
SCENARIOS: list[tuple[str, str, str, str]] = [
    # strings and booleans
    (RICH, "status", "ok", "=="),
    (RICH, "status", "nope", "=="),
    (RICH, "status", "nope", "!="),
    (RICH, "status", "o", "contains"),
    (RICH, "status", "x", "contains"),
    (RICH, "status", "1", ">"),
    (RICH, "up", "true", "=="),
    (RICH, "down", "false", "=="),
    (RICH, "up", "True", "=="),
    (RICH, "unicode", "Zürich \U0001f600", "=="),
    (RICH, "$length(unicode)", "8", "=="),
    (RICH, "empty_str", "", "=="),
    (RICH, "status & '!'", "ok!", "=="),
    (RICH, "$uppercase(status)", "OK", "=="),
    # numbers
    (RICH, "count", "3", "=="),
    (RICH, "count", "2", ">"),
    (RICH, "count", "3", ">="),
    (RICH, "count", "3", "<"),
    (RICH, "count", "2.5", "<="),
    (RICH, "count", "3", "!="),
    (RICH, "count", "3.0", "=="),
    (RICH, "count", "3.0", ">="),
    (RICH, "ratio", "0.5", "=="),
    (RICH, "ratio", ".5", "<="),
    (RICH, "float", "100", "=="),
    (RICH, "float", "100.0", "=="),
    (RICH, "neg", "0", "=="),
    (RICH, "exp", "100", "=="),
    (RICH, "tiny", "1e-7", "=="),
    (RICH, "small", "1.5e-7", "=="),
    (RICH, "micro", "0.000001", "=="),
    (RICH, "huge", "1e+21", "=="),
    (RICH, "huge", "1e21", ">="),
    (RICH, "e16", "10000000000000000", "=="),
    (RICH, "big", "12345678901234567000", "=="),
    (RICH, "sum[0] + sum[1]", "0.30000000000000004", "=="),
    (RICH, "$sum(sum)", "0.3", ">"),
    (RICH, "$string(sum[0] + sum[1])", "0.3", "=="),
    (RICH, "$round(ratio)", "0", "=="),
    (RICH, "count * 1.5", "4.5", "=="),
    (RICH, "count / 3", "1", "=="),
    (RICH, "num_str", "4", ">"),
    (RICH, "num_str", "10", "<"),
    (RICH, "num_str", "10", ">"),
    (RICH, "hex_str", "15", ">"),
    (RICH, "space_num", "1", ">"),
    (RICH, "count", "", ">"),
    (RICH, "count", "abc", "<"),
    (RICH, "$number(num_str) + 1", "6", "=="),
    (RICH, "$count(items)", "3", ">="),
    # arrays and objects
    (RICH, "items", "1,2,3", "=="),
    (RICH, "names", "a,b", "=="),
    (RICH, "mixed", "1,,x,2,3", "=="),
    (RICH, "objs.id", "1,2", "=="),
    (RICH, "objs[state='up'].id", "1", "=="),
    (RICH, 'objs[state="down"].id', "2", ">="),
    (RICH, "objs[state=up].id", "1", "=="),
    (RICH, "$count(objs[*]) > 0", "true", "=="),
    (RICH, "nested", "[object Object]", "=="),
    (RICH, "nested.a.b", "42", "=="),
    (RICH, "nested.a.b", "40", ">"),
    (RICH, "empty_arr", "", "=="),
    (RICH, "empty_obj", "[object Object]", "=="),
    (RICH, "$keys($)[0]", "1", "=="),
    (RICH, "$join($keys($), ',')", "1,2,status", "contains"),
    (RICH, "$lookup($, '1')", "one", "=="),
    (RICH, "items[0] = 1 and up", "true", "=="),
    (RICH, "$", "[object Object]", "=="),
    (RICH, "$exists(nothing)", "true", "=="),
    (RICH, "nothing = null", "true", "=="),
    (RICH, "$toMillis(when) > 0", "true", "=="),
    # null, missing, functions
    (RICH, "nothing", "null", "=="),
    (RICH, "missing", "", "=="),
    (RICH, "missing.deeper", "undefined", "!="),
    (RICH, "$sum", "[object Object]", "=="),
    (RICH, "function($x){$x}", "[object Object]", "=="),
    # syntax and evaluation errors
    (RICH, "items[", "1", "=="),
    (RICH, "status ==", "ok", "=="),
    (RICH, "$count(", "1", "=="),
    (RICH, "foo bar", "1", "=="),
    (RICH, "   ", "", "=="),
    (RICH, "$number(status)", "1", "=="),
    (RICH, "status + 1", "1", "=="),
    (RICH, "$nosuchfunction()", "1", "=="),
    (RICH, "status", "ok", "==="),
    # jsonata-python differences kumaprov corrects (found by the node fuzz)
    ("null", "$count($)", "1", "=="),
    (RICH, "$count(nothing)", "1", "=="),
    (RICH, "$uppercase(nothing)", "", "=="),
    (RICH, "$string(e16)", "10000000000000000", "=="),
    (RICH, "$string([e16, sum[0] + sum[1], unicode])", '[10000000000000000,0.3,"Zürich \U0001f600"]', "=="),
    (RICH, "'n=' & (sum[0] + sum[1])", "n=0.3", "=="),
    (RICH, "$string(nested, true)", '{\n  "a": {\n    "b": 42\n  }\n}', "=="),
    (RICH, "1 in [up]", "false", "=="),
    (RICH, "$count($distinct([1, up, 0, down]))", "4", "=="),
    (RICH, "$sort([up, down])", "false,true", "=="),
    (RICH, '$sort(["b", "\uffff", "\U0001f600"])[1]', "\U0001f600", "=="),
    (RICH, '$lowercase("STRASSE ß")', "strasse ß", "=="),
    (RICH, "$sum([0.1, 0.2, 0.3])", "0.6000000000000001", "=="),
    # documented differences (see known_difference in the parity test)
    (RICH, "count / 0", "Infinity", "=="),
    (RICH, '{"made": "by jsonata"}', "[object Object]", "=="),
    # empty query: 2.x compares the body itself
    (RICH, "", "ok", "=="),
    ("42", "", "42", "=="),
    ("42", "", "40", ">"),
    ("42", "$", "42", "=="),
    ("42", "$ * 2", "84", "=="),
    ("-0", "$", "0", "=="),
    ("1.0", "$", "1", "=="),
    ("1e21", "$", "1e+21", "=="),
    ("0.1", "$ + 0.2", "0.30000000000000004", "=="),
    ("true", "$", "true", "=="),
    ("false", "", "false", "=="),
    ("null", "$", "null", "=="),
    ("null", "", "null", "=="),
    # JSON string literals (parsed twice by some versions)
    ('"5"', "$", "5", "=="),
    ('"5"', "$ + 1", "6", "=="),
    ('"5"', "", "4", ">"),
    ('"abc"', "$", "abc", "=="),
    ('"abc"', "", "b", "contains"),
    ('"[1,2]"', "$", "1,2", "=="),
    ('"[1,2]"', "$count($)", "2", "=="),
    ('"true"', "$", "true", "=="),
    # top-level arrays (2.x re-parses String(array): [5] becomes 5)
    ("[1,2,3]", "$", "1,2,3", "=="),
    ("[1,2,3]", "$[0]", "1", "=="),
    ("[1,2,3]", "$count($)", "3", "=="),
    ("[1,2,3]", "", "1,2,3", "=="),
    ("[5]", "$", "5", "=="),
    ("[5]", "", "4", ">"),
    ("[5]", "$count($)", "1", "=="),
    ('["7"]', "$", "7", "=="),
    ("[[1,2],[3]]", "$", "1,2,3", "=="),
    ("[]", "$", "", "=="),
    ("[null]", "$", "", "=="),
    ("[null, 1]", "$", ",1", "=="),
    ('[{"id":1},{"id":2}]', "id", "1,2", "=="),
    ('[{"id":1},{"id":2}]', "$[id=2].id", "2", "=="),
    ('[{"id":1}]', "id", "1", "=="),
    # awkward JSON
    ('{"a":1,"a":2}', "a", "2", "=="),
    ('\ufeff{"a":1}', "a", "1", "=="),
    ('{"b":1,"10":2,"9":3}', "$join($keys($), ',')", "9,10,b", "=="),
    ('{"a": NaN}', "a", "NaN", "=="),
    ('{"a": NaN}', "$", '{"a": NaN}', "=="),
    ("{'a': 1}", "$", "{'a': 1}", "=="),
    ('{"v": 1.0}', "v", "1", "=="),
    ('{"v": 1.50}', "v", "1.5", "=="),
    ('{"v": 9007199254740993}', "v", "9007199254740992", "=="),
    ('{"v": 1e400}', "v = 1", "false", "=="),
    ('{"s":"a\\u0000b"}', "$length(s)", "3", "=="),
    ('{"s":"line\\nbreak"}', "s", "line\nbreak", "=="),
    ("  {\"a\" : [ 1 , 2 ] }  ", "a", "1,2", "=="),
    # bodies that are not JSON
    ("hello world", "$", "hello world", "=="),
    ("hello world", "$contains($, 'world')", "true", "=="),
    ("hello world", "", "world", "contains"),
    ("hello world", "status", "ok", "=="),
    ("OK", "$", "OK", "=="),
    ("", "$", "", "=="),
    ("", "", "", "=="),
    ("   ", "$", "   ", "=="),
    ("<html><body>up</body></html>", "$contains($, 'up')", "true", "=="),
    ("12abc", "$", "12abc", "=="),
    ("5 ", "$", "5", "=="),
]

# 1.23.12+ skips its second JSON.parse when Content-Type is exactly application/json.
CONTENT_TYPE_CASES: list[tuple[str, str, str]] = [
    ('"5"', "$", "5"),
    ('"5"', "$ + 1", "6"),
    ('"[1,2]"', "$", "[1,2]"),
    ('"[1,2]"', "$count($)", "1"),
    ('{"a":1}', "a", "1"),
]

KEYWORD_CASES: list[tuple[str, str, bool]] = [
    ('{"status": "ok"}', '"status":"ok"', False),
    ('{"status": "ok"}', '"status": "ok"', False),
    ('{"status": "ok"}', '"status": "ok"', True),
    ('{"n": 1.0}', '"n":1}', False),
    ('{"n": 1.0}', "1.0", False),
    ('{"b":1,"10":2}', '{"10":2,"b":1}', False),
    ('{"u":"\\u00e9"}', "é", False),
    ('{"u":"\\u00e9"}', "\\u00e9", False),
    ('{"s":"a\\/b"}', "a/b", False),
    ('{"c":"\\u0001"}', "\\u0001", False),
    ('"quoted"', "quoted", False),
    ('"quoted"', '"quoted"', False),
    ("null", "null", False),
    ("5", "5", False),
    ("1e2", "100", False),
    ("Service is UP", "UP", False),
    ("Service is UP", "up", False),
    ("Service is UP", "DOWN", True),
    ("Service is UP", "UP", True),
    ("", "", False),
    ("<html>\n  <body>\n    <h1>Everything   is   down</h1>\n  </body>\n</html>", "up", False),
    ("x" * 30 + " \u00a0 " + "y" * 30, "z", False),
    ("\U0001f600" * 30, "z", False),
    ("<p>unterminated <b", "q", False),
    ('\ufeff{"a":1}', '{"a":1}', False),
]

TOSTRING_VALUES: list[Any] = [
    0, 1, -1, 0.1, 0.2, 0.30000000000000004, 1e21, 1e20, 123456789012345680000.0, 1e-7, 1e-6,
    1.5e-7, 0.000001234, 1e16, 1e15, 2**53, 2**53 + 2, 2**64, 1.7976931348623157e308, 5e-324,
    -1e-7, -1e21, 100.0, 1.25, 123.456, 1 / 3, 2 / 3, 1e300, 4.35, 0.1 + 0.7, "NaN", "Infinity",
    "-Infinity", "-0",
]  # fmt: skip

STRINGIFY_BODIES: list[str] = [
    RICH,
    '{"b":1,"10":2,"9":3,"010":4,"4294967294":5,"4294967295":6,"-1":7}',
    '[1.0, 2.50, -0, 1E2, 1e-7, 1e21]',
    '{"s":"\\u0000\\u001f\\u007f\\b\\f\\n\\r\\t\\"\\\\ \\/ \\u2028 é \\ud83d\\ude00 \\ud800"}',
    '{"a":1,"a":2,"b":{"a":3,"a":4}}',
    '"just a string"',
    "null",
    "not json",
]


def json_query_cases() -> list[dict[str, Any]]:
    cases = []
    for index, (body, query, expected, operator) in enumerate(SCENARIOS):
        for semantics in SEMANTICS:
            cases.append(
                {
                    "id": f"q{index:03d}-{semantics}",
                    "kind": "json-query",
                    "body": body,
                    "query": query,
                    "expected": expected,
                    "operator": operator,
                    "semantics": semantics,
                }
            )
    for index, (body, query, expected) in enumerate(CONTENT_TYPE_CASES):
        cases.append(
            {
                "id": f"ct{index:02d}",
                "kind": "json-query",
                "body": body,
                "query": query,
                "expected": expected,
                "operator": "==",
                "semantics": "1.23",
                "content_type": "application/json",
            }
        )
    return cases


def other_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for index, (body, keyword, invert) in enumerate(KEYWORD_CASES):
        cases.append({"id": f"kw{index:02d}", "kind": "keyword", "body": body, "keyword": keyword, "invert": invert})
    for index, value in enumerate(TOSTRING_VALUES):
        cases.append({"id": f"ts{index:02d}", "kind": "tostring", "value": value})
    for index, body in enumerate(STRINGIFY_BODIES):
        cases.append({"id": f"js{index:02d}", "kind": "stringify", "body": body})
    return cases


def main() -> None:
    target = Path(__file__).with_name("corpus.jsonl")
    lines = [json.dumps(case, ensure_ascii=False) for case in json_query_cases() + other_cases()]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} cases to {target}")


if __name__ == "__main__":
    main()
