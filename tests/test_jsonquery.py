"""Offline keyword / JSON-query verdicts: kumaprov.semantics.jsonquery, httpchecks, querynames and versions.semantics_for
(node parity is in test_jsonquery_parity)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumaprov.semantics.httpchecks import check_keyword, status_code_accepted
from kumaprov.semantics.jsonquery import (
    OPERATORS,
    QuerySyntaxError,
    Semantics,
    Verdict,
    check_json_query,
    compile_query,
)
from kumaprov.semantics.querynames import bare_path_names
from kumaprov.versions import semantics_for

V1, DEV, V2 = Semantics.V1_23, Semantics.V2_0_DEV, Semantics.V2
MODELS = json.dumps({"data": [{"id": "a", "status": "active"}, {"id": "b"}, {"id": "c", "status": "down"}]})


# ------------------------------------------------------------------ versions


@pytest.mark.parametrize(
    ("version", "semantics"),
    [
        ("1.23.17", V1),
        ("1.23.12", V1),
        ("1.23", V1),
        ("1", V1),
        ("1.22.1", V1),
        ("1.23.11", DEV),  # before upstream fix #4425: every string body is JSON.parse'd
        ("1.23.0-beta.0", DEV),
        ("2.0.0-dev.0", DEV),
        ("2.0.0-beta.0", V2),  # jsonPathOperator landed before beta.0
        ("2.0.0-beta.2-temp", V2),
        ("2.0.0", V2),
        ("2.0.2", V2),
        ("v2.5.3", V2),
        ("2", V2),
        ("2.1.0-beta.3", V2),
        ("2-slim", V2),
        ("1.23.17-debian", V1),
        (" 2.5.3 ", V2),
        ("3.0.0", V2),
    ],
)
def test_semantics_for(version: str, semantics: Semantics) -> None:
    assert semantics_for(version) is semantics


@pytest.mark.parametrize("version", ["", "latest", "2.x", "two", "2.0.0-foo", "1.23.17.4", "2.0.0-"])
def test_semantics_for_rejects_garbage(version: str) -> None:
    with pytest.raises(ValueError):
        semantics_for(version)


def test_operators() -> None:
    assert OPERATORS == ("==", "!=", "contains", "<", "<=", ">", ">=")


# ------------------------------------------------------------------ compiling


def test_compile_query_is_cached() -> None:
    assert compile_query("data.id") is compile_query("data.id")


@pytest.mark.parametrize(
    ("expr", "code", "position"),
    [
        ("data[", "S0203", 5),
        ("foo bar", "S0201", 4),
        ("data[status=]", "S0211", 12),
        ("", "S0207", 0),
        ('"open', "S0101", 5),
    ],
)
def test_syntax_errors(expr: str, code: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        compile_query(expr)
    assert caught.value.code == code
    assert caught.value.position == position
    assert caught.value.message
    assert isinstance(caught.value, ValueError)


# ------------------------------------------------------------------ JSON query


def test_count_query_every_semantics() -> None:
    for semantics in Semantics:
        verdict = check_json_query(MODELS, "$count(data[*]) > 0", "true", "==", semantics)
        assert verdict == Verdict(True, 'query returned "true", expected "true"', "true")


def test_array_result_joins_in_1_23_but_fails_in_2x() -> None:
    assert check_json_query(MODELS, "data.id", "a,b,c", "==", V1).up
    assert check_json_query(MODELS, "data.id", "a,b,c", "==", DEV).up
    verdict = check_json_query(MODELS, "data.id", "a,b,c", "==", V2)
    assert not verdict.up
    assert verdict.reason == "query returned an array, 2.x requires a primitive"
    assert verdict.returned == '["a","b","c"]'


def test_object_result() -> None:
    assert check_json_query(MODELS, "data[0]", "[object Object]", "==", V1).up
    verdict = check_json_query(MODELS, "data[0]", "[object Object]", "==", V2)
    assert not verdict.up
    assert "object" in verdict.reason


def test_bare_word_in_predicate_is_undefined() -> None:
    verdict = check_json_query(MODELS, "data[status=active].id", "a", "==", V1)
    assert not verdict.up
    assert verdict.returned is None
    assert check_json_query(MODELS, 'data[status="active"].id', "a", "==", V1).up


def test_operators_in_2x() -> None:
    body = '{"n": 5, "s": "5", "t": "abc"}'
    assert check_json_query(body, "n", "10", "<", V2).up  # numeric, not "5" < "10" as strings
    assert check_json_query(body, "s", "4.5", ">", V2).up
    assert check_json_query(body, "n", "5", ">=", V2).up
    assert not check_json_query(body, "n", "5", "!=", V2).up
    assert check_json_query(body, "t", "b", "contains", V2).up
    assert check_json_query(body, "t", "", "contains", V2).up
    verdict = check_json_query(body, "t", "1", ">", V2)
    assert not verdict.up
    assert "D3030" in verdict.reason
    assert not check_json_query(body, "n", "5", "===", V2).up
    assert check_json_query(body, "n", "5.0", "==", V1).up is False  # toString is "5"


def test_operator_is_ignored_before_2x() -> None:
    assert check_json_query('{"n": 5}', "n", "5", ">", V1).up


def test_empty_query_in_2x_means_the_body() -> None:
    assert check_json_query("42", "", "40", ">", V2).up
    assert check_json_query("service ok", "", "ok", "contains", V2).up
    assert not check_json_query("42", "", "42", "==", V1).up  # jsonata("") is a syntax error


def test_non_json_body() -> None:
    assert check_json_query("OK", "$", "OK", "==", V1).up
    assert check_json_query("OK", "$", "OK", "==", V2).up
    verdict = check_json_query("OK", "$", "OK", "==", DEV)
    assert not verdict.up
    assert "not JSON" in verdict.reason


def test_json_string_body_is_parsed_twice() -> None:
    assert check_json_query('"5"', "$ + 1", "6", "==", V1).up
    assert check_json_query('"5"', "$ + 1", "6", "==", V2).up
    assert check_json_query('"5"', "$ + 1", "6", "==", DEV).up
    # 1.23.12+ skips the second parse for exactly this Content-Type
    assert not check_json_query('"5"', "$ + 1", "6", "==", V1, content_type="application/json").up
    assert check_json_query('"5"', "$ + 1", "6", "==", V1, content_type="application/json; charset=utf-8").up


def test_2x_reparses_single_element_arrays() -> None:
    # JSON.parse(String([5])) is 5, so the array body becomes a number
    assert check_json_query("[5]", "", "5", "==", V2).up
    assert not check_json_query("[5, 6]", "", "5,6", "==", V2).up


def test_numbers_render_like_javascript() -> None:
    body = '{"f": 100.0, "e": 1e21, "t": 1e-7, "s": [0.1, 0.2]}'
    assert check_json_query(body, "f", "100", "==", V1).returned == "100"
    assert check_json_query(body, "e", "1e+21", "==", V1).up
    assert check_json_query(body, "t", "1e-7", "==", V2).up
    assert check_json_query(body, "s[0] + s[1]", "0.30000000000000004", "==", V1).up


def test_null_and_missing_are_down() -> None:
    for semantics in Semantics:
        for query in ("nothing", "missing"):
            verdict = check_json_query('{"nothing": null}', query, "null", "==", semantics)
            assert not verdict.up
            assert verdict.returned is None


def test_syntax_error_is_down_with_code() -> None:
    verdict = check_json_query(MODELS, "data[", "1", "==", V2)
    assert not verdict.up
    assert "S0203" in verdict.reason
    assert verdict.returned is None


def test_evaluation_error_is_down() -> None:
    verdict = check_json_query('{"s": "x"}', "s + 1", "1", "==", V1)
    assert not verdict.up
    assert verdict.reason.startswith("evaluation error: T2001")


def test_runaway_query_is_bounded() -> None:
    # tail calls do not grow the stack, so only the time budget stops this
    loop = "($f := function($n) { $n < 0 ? $n : $f($n + 1) }; $f(0))"
    started = time.monotonic()
    verdict = check_json_query("{}", loop, "1", "==", V1, timeout_ms=200)
    assert time.monotonic() - started < 10
    assert not verdict.up
    assert "200 ms" in verdict.reason


def test_deep_recursion_is_down() -> None:
    recurse = "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))"
    verdict = check_json_query("{}", recurse, "1", "==", V2)
    assert not verdict.up
    assert verdict.reason.startswith("evaluation error")


def test_deeply_nested_body_is_down_not_raised() -> None:
    body = "[" * 100000 + "]" * 100000
    verdict = check_json_query(body, "$", "", "==", V1)
    assert isinstance(verdict, Verdict)


def test_cached_query_keeps_working_past_its_time_budget() -> None:
    compile_query("data.id")
    time.sleep(0.05)
    assert check_json_query(MODELS, "$count(data.id)", "3", "==", V1, timeout_ms=10).up


def test_concurrent_evaluation_of_one_query() -> None:
    bodies = [json.dumps({"data": list(range(n))}) for n in range(40)]

    def run(body: str) -> bool:
        n = len(json.loads(body)["data"])
        return check_json_query(body, "$count(data)", str(n), "==", V1).up

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(run, bodies * 5))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)
_QUERY = st.sampled_from(["$", "a", "a.b", "a[0]", "*", "**", "$count($)", "$keys($)", "a = 1", "$string($)", "a[b > 1]"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON, _QUERY | st.text(max_size=20), st.text(max_size=5), st.sampled_from(OPERATORS + ("~", "")))
def test_check_json_query_never_raises(value: Any, query: str, expected: str, operator: str) -> None:
    body = json.dumps(value)
    for semantics in Semantics:
        verdict = check_json_query(body, query, expected, operator, semantics)
        assert isinstance(verdict, Verdict)
        assert verdict.returned is None or isinstance(verdict.returned, str)


@settings(max_examples=200)
@given(st.text(max_size=40), st.text(max_size=20), st.text(max_size=4))
def test_never_raises_on_arbitrary_text(body: str, query: str, expected: str) -> None:
    for semantics in Semantics:
        assert isinstance(check_json_query(body, query, expected, "==", semantics), Verdict)
    assert isinstance(check_keyword(body, expected, invert=False), Verdict)


# ------------------------------------------------------------------ keyword


def test_keyword_searches_stringified_json() -> None:
    body = '{"status": "ok", "n": 1.0}'
    assert check_keyword(body, '"status":"ok"', invert=False).up
    assert not check_keyword(body, '"status": "ok"', invert=False).up
    assert check_keyword(body, '"n":1}', invert=False).up
    verdict = check_keyword(body, '"status": "ok"', invert=False)
    assert "JSON.stringify" in verdict.reason
    assert verdict.returned == '{"status":"ok","n":1}'


def test_keyword_case_sensitive_and_inverted() -> None:
    assert check_keyword("Service is UP", "UP", invert=False).up
    assert not check_keyword("Service is UP", "up", invert=False).up
    assert check_keyword("Service is UP", "DOWN", invert=True).up
    verdict = check_keyword("Service is UP", "UP", invert=True)
    assert not verdict.up
    assert "present" in verdict.reason


def test_keyword_json_string_body_is_unquoted() -> None:
    assert not check_keyword('"quoted"', '"quoted"', invert=False).up
    assert check_keyword('"quoted"', "quoted", invert=False).up


def test_keyword_snippet_like_the_server() -> None:
    html = "<html>\n <body>\n  <h1>Everything   is   down</h1>" + " filler" * 20 + "</body></html>"
    verdict = check_keyword(html, "up", invert=False)
    assert verdict.returned is not None
    assert verdict.returned.startswith("Everything is down  filler")  # tag and space each become " "
    assert verdict.returned.endswith("...")
    assert len(verdict.returned) == 50


# ------------------------------------------------------------------ status codes


@pytest.mark.parametrize(
    ("status", "accepted", "result"),
    [
        (200, ["200-299"], True),
        (299, ["200-299"], True),
        (300, ["200-299"], False),
        (404, ["200-299", "404"], True),
        (500, [], False),
        (2, ["2xx"], True),  # parseInt("2xx") is 2
        (200, ["2xx"], False),
        (250, [" 200 - 299 "], True),
        (250, ["200-299-300"], False),
        (500, ["0x1F4"], True),
        (200, [""], False),
        (200, ["-200"], False),
    ],
)
def test_status_code_accepted(status: int, accepted: list[str], result: bool) -> None:
    assert status_code_accepted(status, accepted) is result


# ------------------------------------------------------------------ bare names


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("data[status=active]", [("status", 5), ("active", 12)]),
        ('data[status="active"]', [("status", 5)]),
        ("$count(data[`my status` = 'x' and b > lim].id) > 0", [("my status", 13), ("b", 34), ("lim", 38)]),
        ('status in [up, "ok"]', [("status", 0), ("up", 11)]),
        ("a.b = c", [("c", 6)]),
        ("data.id", []),
        ("$.a = true", []),
    ],
)
def test_bare_path_names(expr: str, names: list[tuple[str, int]]) -> None:
    assert list(bare_path_names(expr)) == names
    for name, position in names:
        assert expr[position : position + len(name)] == name


def test_bare_path_names_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError):
        bare_path_names("data[")
