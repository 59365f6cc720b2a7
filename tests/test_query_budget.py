"""The JSONata budget holds for time and memory, regex backtracking included (issue 15, item 5).

Each reproduction of the issue ends as a DOWN verdict that names the bound, instead of a
hang or a MemoryError. The checks run in a thread that the test waits on for a long
minute: should a bound stop holding, the test fails instead of stalling the suite (that
wait is a guard against hangs, not an assertion on speed).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from kumaprov import budget

from kumaprov.semantics import jsonquery
from kumaprov.semantics.jsonata_engine import compile_query
from kumaprov.versions import Semantics

BUDGET_MS = 300  # a small budget keeps the suite quick; the default is 2,000 ms
BODY = json.dumps({"s": "a" * 70 + "b", "a": "x" * 60, "d": "1" * 300 + "x"})


def verdict(query: str, body: str = BODY, semantics: Semantics = Semantics.V1_23,
            timeout_ms: int = BUDGET_MS) -> jsonquery.Verdict:
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(jsonquery.check_json_query(
        body, query, "true", "==", semantics, timeout_ms=timeout_ms)), daemon=True)
    worker.start()
    worker.join(90)
    assert result, f"{query} did not finish: a bound does not hold"
    return result[0]


@pytest.mark.parametrize("query", [
    '$replace(s, /(a|aa)+$/, "x")',  # catastrophic backtracking, in C
    "$sum([1..10000000]) > 0",  # ten million items checked against $sum's signature, in one node
    "$count([1..10000000].($ * 2)) > 0",
    "$distinct([1..100000]) = 1",  # quadratic, inside one built-in
    "$string([1..10000000]) = ''",
])
def test_a_runaway_query_is_down_for_running_out_of_time(query: str) -> None:
    result = verdict(query)
    assert not result.up
    assert result.reason == f"evaluation error: query ran longer than {BUDGET_MS} ms"


@pytest.mark.parametrize("query", [
    "$contains(s, /^(a+)+$/)",
    '$match(a, /(x+x+)+y/) = []',
    '$toMillis(d, "[Y][M][D][H][m][s][f][Y][M][D][H][m][s][f][Y][M][D][H][m][s]") > 0',
])
def test_patterns_that_backtrack_for_ever_in_re_get_an_answer(query: str) -> None:
    # `regex` answers these without exponential backtracking; the point is that they end.
    result = verdict(query)
    assert "ran longer" not in result.reason
    assert result.reason.startswith("query returned")


def test_a_query_that_allocates_gigabytes_is_down_for_memory() -> None:
    result = verdict('$length($pad("", 3000000000)) > 0')
    assert not result.up
    assert result.reason == f"evaluation error: query needs more than {budget.MEMORY_BUDGET // 2**20} MB of memory"


def test_the_query_still_works_after_a_budget_stopped_it() -> None:
    query = '$count($replace(s, /(a|aa)+$/, "x")) = 1'
    assert "ran longer" in verdict(query).reason
    # The evaluator was interrupted somewhere inside; the next evaluation must not notice.
    assert verdict(query, json.dumps({"s": "aab"})).up
    assert compile_query("1 + 1").evaluate({}) == 2


def test_an_overrun_costs_its_budget_once_for_every_server_line() -> None:
    query = '$replace(s, /(a|aa)+$/, "y") = "z"'
    first = verdict(query, semantics=Semantics.V1_23)
    for semantics in Semantics:
        assert verdict(query, semantics=semantics).reason == first.reason


def test_the_budget_is_delivered_outside_the_main_thread_too() -> None:
    stopped: list[BaseException] = []

    def spin() -> None:
        try:
            with budget.bounded(0.05):
                while True:
                    pass
        except budget.TimeBudgetExceeded as exc:
            stopped.append(exc)

    worker = threading.Thread(target=spin, daemon=True)
    worker.start()
    worker.join(60)
    assert stopped and isinstance(stopped[0], budget.TimeBudgetExceeded)


def test_a_bound_that_did_not_fire_leaves_nothing_behind() -> None:
    for _ in range(200):
        with budget.bounded(5):
            sum(range(1000))
    with budget.bounded(0.01):
        pass
    # A watchdog firing late for a finished body would surface here, in unrelated code.
    total = 0
    for i in range(2_000_000):
        total += i
    assert total == sum(range(2_000_000))
