"""What Uptime Kuma would report for one HTTP response, for any HTTP-family monitor.

The server checks the status code first, then the keyword or JSON query, and
flips the result last when the monitor is upside down.
"""

from __future__ import annotations

from kumaprov import jsonquery
from kumaprov.httpchecks import check_keyword, status_code_accepted
from kumaprov.jsonquery import Verdict
from kumaprov.model import HttpMonitor, JsonQueryMonitor, KeywordMonitor


def predict(monitor: HttpMonitor, body: str, status: int, semantics: jsonquery.Semantics) -> Verdict:
    verdict = _check(monitor, body, status, semantics)
    if monitor.upside_down:
        return Verdict(not verdict.up, f"upside down: {verdict.reason}", verdict.returned)
    return verdict


def _check(monitor: HttpMonitor, body: str, status: int, semantics: jsonquery.Semantics) -> Verdict:
    if not status_code_accepted(status, monitor.accepted_status_codes):
        accepted = ", ".join(monitor.accepted_status_codes)
        return Verdict(False, f"status {status} is not accepted ({accepted})", None)
    if isinstance(monitor, KeywordMonitor):
        return check_keyword(body, monitor.keyword, monitor.invert_keyword)
    if isinstance(monitor, JsonQueryMonitor):
        return jsonquery.check_json_query(body, monitor.query, monitor.expected_value, monitor.operator, semantics)
    return Verdict(True, f"status {status} is accepted", None)
