"""What Uptime Kuma would report for one HTTP response, for any HTTP-family monitor.

The server checks the status code first, then the keyword or JSON query, and
flips the result last when the monitor is upside down.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kumaprov.semantics import jsonquery
from kumaprov.semantics.httpchecks import check_keyword, status_code_accepted
from kumaprov.semantics.jsonquery import Verdict
from kumaprov.model.monitors import HttpMonitor, JsonQueryMonitor, KeywordMonitor


@dataclass(frozen=True)
class Check:
    """The parts of a monitor that decide a verdict; hashable, so verdicts can be reused."""

    kind: str
    accepted: tuple[str, ...]
    upside_down: bool
    keyword: str = ""
    invert: bool = False
    query: str = ""
    expected: str = ""
    operator: str = "=="

    @classmethod
    def of(cls, monitor: HttpMonitor) -> Check:
        common = (monitor.type, tuple(monitor.accepted_status_codes), monitor.upside_down)
        if isinstance(monitor, KeywordMonitor):
            return cls(*common, keyword=monitor.keyword, invert=monitor.invert_keyword)
        if isinstance(monitor, JsonQueryMonitor):
            return cls(*common, query=monitor.query, expected=monitor.expected_value, operator=monitor.operator)
        return cls(*common)


def predict(monitor: HttpMonitor, body: str, status: int, semantics: jsonquery.Semantics) -> Verdict:
    return predict_check(Check.of(monitor), body, status, semantics)


# Templated monitors share queries and sample files: a project of 1,000 monitors
# asks the same few questions thousands of times.
@lru_cache(maxsize=8192)
def predict_check(check: Check, body: str, status: int, semantics: jsonquery.Semantics) -> Verdict:
    verdict = _verdict(check, body, status, semantics)
    if check.upside_down:
        return Verdict(not verdict.up, f"upside down: {verdict.reason}", verdict.returned)
    return verdict


def _verdict(check: Check, body: str, status: int, semantics: jsonquery.Semantics) -> Verdict:
    if not status_code_accepted(status, check.accepted):
        return Verdict(False, f"status {status} is not accepted ({', '.join(check.accepted)})", None)
    if check.kind == "keyword":
        return check_keyword(body, check.keyword, check.invert)
    if check.kind == "json-query":
        return jsonquery.check_json_query(body, check.query, check.expected, check.operator, semantics)
    return Verdict(True, f"status {status} is accepted", None)
