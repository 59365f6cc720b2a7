"""A body nested 100,000 deep gets the verdict the server's jsonata gives (issue 15, item 13).

Lint predicted DOWN ("nested too deeply") where the server, whose JSON.parse does not
recurse, says UP for `$count($)`. The oracle is the parity harness (tests/parity): node
evaluating with the jsonata and axios packages of the installed Uptime Kuma.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kumaprov.semantics import deepjson
from kumaprov.cli import main
from kumaprov.dev.install import Installation
from kumaprov.semantics.jsjson import _js_object, _parse_float, _parse_int, js_json_parse
from kumaprov.semantics.jsonquery import Semantics, check_json_query
from tests.test_jsonquery_parity import NodeOracle

DEPTH = 100_000
DEEP_ARRAYS = "[" * DEPTH + "]" * DEPTH
DEEP_OBJECTS = '{"a":' * DEPTH + "1" + "}" * DEPTH
# UP on the server, and DOWN there for a stack overflow in JSON.stringify.
QUERIES = ["$count($)", '$string($) = ""']
SEMANTICS = {"1.23": Semantics.V1_23, "2.0-dev": Semantics.V2_0_DEV, "2.x": Semantics.V2}


@pytest.fixture(scope="module")
def oracle(kuma_install: Installation) -> Iterator[NodeOracle]:
    node = NodeOracle(kuma_install.package_dir)
    try:
        yield node
    finally:
        node.close()


def test_deep_bodies_get_the_servers_verdict(oracle: NodeOracle) -> None:
    cases = [{"id": f"{shape}|{query}|{line}", "kind": "json-query", "body": body, "query": query,
              "expected": "1", "operator": "==", "semantics": line}
             for shape, body in (("arrays", DEEP_ARRAYS), ("objects", DEEP_OBJECTS))
             for query in QUERIES for line in SEMANTICS]
    answers = {answer["id"]: answer for answer in oracle.ask(cases)}
    ups = 0
    for case in cases:
        predicted = check_json_query(case["body"], case["query"], "1", "==", SEMANTICS[case["semantics"]])
        server = answers[case["id"]]
        assert predicted.up == server["up"], (case["id"], predicted, server)
        ups += predicted.up
    assert ups == 6  # not only the DOWNs agree: $count($) is UP on every line, for both shapes


def test_lint_passes_a_deep_sample_the_server_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "deep.json").write_text(DEEP_ARRAYS)
    (tmp_path / "monitors" / "m.yaml").write_text(
        "monitors:\n  - {id: deep, name: Deep, type: json-query, url: 'https://x.test/', query: '$count($)',\n"
        "     expected_value: '1', samples: [{file: deep.json, expect: up}]}\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "--no-cache"])
    assert result.exit_code == 0, result.output


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(value=json_values, indent=st.sampled_from([None, 0, 2]), junk=st.sampled_from(["", " ", "\n", "x", ",", "]"]))
def test_the_loop_parses_exactly_what_the_c_parser_parses(value: object, indent: int | None, junk: str) -> None:
    text = json.dumps(value, indent=indent) + junk
    try:
        expected = js_json_parse(text)
    except ValueError:
        with pytest.raises(ValueError):
            deepjson.loads(text, _parse_int, _parse_float, _js_object)
        return
    assert deepjson.loads(text, _parse_int, _parse_float, _js_object) == expected


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='[]{}",:0123456789.-eEtruefalsn \\', max_size=30))
def test_the_loop_rejects_what_the_c_parser_rejects(text: str) -> None:
    try:
        expected = js_json_parse(text)
    except ValueError:
        with pytest.raises(ValueError):
            deepjson.loads(text, _parse_int, _parse_float, _js_object)
        return
    assert deepjson.loads(text, _parse_int, _parse_float, _js_object) == expected
