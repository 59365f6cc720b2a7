"""kumaprov.semantics.jsonquery / kumaprov.semantics.jsvalue against the real JavaScript.

tests/parity/kuma_eval.js evaluates every case of tests/parity/corpus.jsonl
with the ``jsonata`` and ``axios`` packages of the installed Uptime Kuma
(``kuma_install`` fixture), restating each server line's surrounding logic;
this module compares each verdict with the Python prediction.  Regenerate the
corpus with ``tests/parity/make_corpus.py``.

Disagreements that are understood and accepted are listed in
KNOWN_DIFFERENCES with the reason; every other case must agree on UP/DOWN and
on the text the server would show.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumaprov.dev.install import Installation
from kumaprov.semantics.httpchecks import check_keyword
from kumaprov.semantics.jsjson import json_stringify, parse_body
from kumaprov.semantics.jsonquery import OPERATORS, Semantics, check_json_query
from kumaprov.semantics.jsvalue import to_js_string

PARITY_DIR = Path(__file__).with_name("parity")
SCRIPT = PARITY_DIR / "kuma_eval.js"
CORPUS = [json.loads(line) for line in (PARITY_DIR / "corpus.jsonl").read_text(encoding="utf-8").splitlines() if line]


class NodeOracle:
    """One long-lived ``node kuma_eval.js`` process answering batches of cases."""

    def __init__(self, resolve_from: Path) -> None:
        self._proc = subprocess.Popen(
            ["node", str(SCRIPT), str(resolve_from)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        payload = "".join(json.dumps(case) + "\n" for case in cases)
        # Write from a thread: node answers while we are still sending, and
        # a full stdout pipe must not deadlock the two processes.
        writer = threading.Thread(target=self._send, args=(payload,))
        writer.start()
        answers = [json.loads(self._proc.stdout.readline()) for _ in cases]
        writer.join()
        assert [answer["id"] for answer in answers] == [case["id"] for case in cases]
        return answers

    def _send(self, payload: str) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(payload)
        self._proc.stdin.flush()

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=30)


@pytest.fixture(scope="module")
def oracle(kuma_install: Installation) -> Iterator[NodeOracle]:
    node = NodeOracle(kuma_install.package_dir)
    try:
        yield node
    finally:
        node.close()


@pytest.fixture(scope="module")
def node_verdicts(oracle: NodeOracle) -> dict[str, dict[str, Any]]:
    return {answer["id"]: answer for answer in oracle.ask(CORPUS)}


def python_verdict(case: dict[str, Any]) -> dict[str, Any]:
    kind = case["kind"]
    if kind == "json-query":
        verdict = check_json_query(
            case["body"],
            case["query"],
            case["expected"],
            case["operator"],
            Semantics(case["semantics"]),
            content_type=case.get("content_type"),
        )
        return {"up": verdict.up, "returned": verdict.returned, "reason": verdict.reason}
    if kind == "keyword":
        verdict = check_keyword(case["body"], case["keyword"], case["invert"])
        return {"up": verdict.up, "returned": verdict.returned, "reason": verdict.reason}
    if kind == "tostring":
        return {"returned": to_js_string(_number(case["value"]))}
    if kind == "stringify":
        parsed, data = parse_body(case["body"])
        return {"returned": json_stringify(data), "parsed": parsed and not isinstance(data, str)}
    raise AssertionError(f"unknown kind {kind}")


def _number(value: Any) -> float | int:
    return float(value) if isinstance(value, str) else value  # "NaN", "-0", "Infinity"


# Differences by construction, recognised by their shape rather than by case id
# (the fuzz tests meet them with arbitrary data).
NULL_PROTOTYPE = (
    "jsonata >= 2.2.0 builds objects with Object.create(null), so toString() on a "
    "jsonata-constructed object (or an array holding one) throws in V8. The oracle "
    "uses the install's jsonata 2.2.2; released servers pin jsonata 2.1.0 (1.23.17, "
    "2.0.x) / 2.1.1 (2.5.x) in package-lock.json, where such objects print "
    "[object Object]. kumaprov models the released servers."
)


INFINITE_RESULT = (
    "jsonata-python raises D1001 when a function or operator produces an infinite "
    "number, where jsonata-js returns Infinity (only reachable by overflowing "
    "1.8e308 or dividing by zero); kumaprov predicts DOWN, the server may compare "
    '"Infinity".'
)


def known_difference(node: dict[str, Any], py: dict[str, Any]) -> str | None:
    """The documented reason when a disagreement is one of the accepted classes."""
    error = str(node.get("error") or "")
    null_proto = "toString is not a function" in error or "Cannot convert object to primitive value" in error
    if null_proto and "[object Object]" in str(py.get("returned")):
        return NULL_PROTOTYPE
    if "Infinity" in str(node.get("returned")) and py.get("returned") is None and not py.get("up"):
        return INFINITE_RESULT
    return None


def raw_difference(node: dict[str, Any], py: dict[str, Any]) -> str | None:
    """How the two verdicts differ, or None when they agree."""
    if "up" in node and node["up"] != py["up"]:
        return f"up: node={node['up']} python={py['up']} ({node.get('error')!r} / {py.get('reason')!r})"
    if node.get("kind") == "function":
        return None  # V8 function source / jsonata function objects: not rendered (see kuma_eval.js)
    if node.get("returned") != py.get("returned"):
        return f"returned: node={node.get('returned')!r} python={py.get('returned')!r}"
    if "parsed" in node and node["parsed"] != py["parsed"]:
        return f"parsed: node={node['parsed']} python={py['parsed']}"
    return None


def disagreement(case: dict[str, Any], node: dict[str, Any], py: dict[str, Any]) -> str | None:
    """An undocumented difference between the verdicts, or None."""
    problem = raw_difference(node, py)
    if problem is None or known_difference(node, py) is not None:
        return None
    return f"{case['id']}: {problem}"


@pytest.mark.parametrize("case", CORPUS, ids=[case["id"] for case in CORPUS])
def test_case_agrees_with_node(case: dict[str, Any], node_verdicts: dict[str, dict[str, Any]]) -> None:
    assert disagreement(case, node_verdicts[case["id"]], python_verdict(case)) is None, case


def test_agreement_summary(node_verdicts: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    totals: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    documented: list[str] = []
    for case in CORPUS:
        group = case["semantics"] if case["kind"] == "json-query" else case["kind"]
        totals[group] += 1
        node, py = node_verdicts[case["id"]], python_verdict(case)
        if raw_difference(node, py) is None:
            agreed[group] += 1
        elif known_difference(node, py) is not None:
            documented.append(case["id"])
    with capsys.disabled():
        print("\nparity: " + ", ".join(f"{group} {agreed[group]}/{totals[group]}" for group in sorted(totals)))
        print(f"documented differences: {', '.join(documented) or 'none'}")
    assert len(CORPUS) >= 150
    assert sum(totals.values()) - sum(agreed.values()) == len(documented)


# ------------------------------------------------------------------ fuzzing against node

# KUMAPROV_FUZZ_EXAMPLES raises the budget for a deliberate hunt for differences.
_FUZZ = settings(
    max_examples=int(os.environ.get("KUMAPROV_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_FUZZ
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2**70), 2**70), min_size=1, max_size=200))
def test_to_js_string_matches_node(oracle: NodeOracle, numbers: list[float | int]) -> None:
    cases = [{"id": str(i), "kind": "tostring", "value": _encode_number(n)} for i, n in enumerate(numbers)]
    for number, answer in zip(numbers, oracle.ask(cases), strict=True):
        assert to_js_string(number) == answer["returned"], number


def _encode_number(number: float | int) -> Any:
    # JSON carries finite doubles exactly; big ints are sent as the double V8 would hold.
    if isinstance(number, float) and not math.isfinite(number):
        return str(number).replace("inf", "Infinity").replace("nan", "NaN")
    return float(number) if isinstance(number, int) else number


_JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=12,
)


@_FUZZ
@given(st.lists(_JSON, min_size=1, max_size=30))
def test_stringify_and_keyword_match_node(oracle: NodeOracle, values: list[Any]) -> None:
    bodies = [json.dumps(value, ensure_ascii=False) for value in values]
    cases: list[dict[str, Any]] = []
    for i, body in enumerate(bodies):
        cases.append({"id": f"s{i}", "kind": "stringify", "body": body})
        cases.append({"id": f"k{i}", "kind": "keyword", "body": body, "keyword": body[1:4], "invert": False})
    for case, answer in zip(cases, oracle.ask(cases), strict=True):
        assert disagreement(case, answer, python_verdict(case)) is None, case


_QUERIES = st.sampled_from(
    [
        "$", "a", "a.b", "a[0]", "a[-1]", "*", "**", "*.a", "$count($)", "$count(**)", "$keys($)",
        "$string($)", "$string(a, true)", "$type($)", "$exists(a)", "$boolean($)", "a = 1", "a != null",
        "$ & ''", "a[$ = 1]", "$[0]", "$reverse($)", "$sort($)", "$distinct($)", "$each($, function($v){$v})",
        "$spread($)", "$lookup($, 'a')", "$count(*[$type($) = 'number'])", "$sum(*[$type($) = 'number'])",
        "$number(a)", "$not(a)", "$contains($string($), '1')", "$length($string($))", "$[a]", "a.$",
    ]
)  # fmt: skip
_EXPECTED = st.sampled_from(["1", "", "true", "false", "0", "[object Object]", "a"])


@_FUZZ
@given(st.lists(st.tuples(_JSON, _QUERIES, st.sampled_from(OPERATORS), _EXPECTED), min_size=1, max_size=20))
def test_random_json_queries_match_node(oracle: NodeOracle, items: list[tuple[Any, str, str, str]]) -> None:
    cases: list[dict[str, Any]] = []
    for i, (value, query, operator, expected) in enumerate(items):
        body = json.dumps(value, ensure_ascii=False)
        for semantics in ("1.23", "2.0-dev", "2.x"):
            cases.append(
                {
                    "id": f"{i}-{semantics}",
                    "kind": "json-query",
                    "body": body,
                    "query": query,
                    "expected": expected,
                    "operator": operator,
                    "semantics": semantics,
                }
            )
    for case, answer in zip(cases, oracle.ask(cases), strict=True):
        assert disagreement(case, answer, python_verdict(case)) is None, case
