"""Applying a plan: payloads per server line, ownership tags, and partial failure reports."""

from __future__ import annotations

from typing import Any

from kumaprov import versions
from kumaprov.kinds.ownership import Owner
from kumaprov.sync.apply import apply
from kumaprov.errors import ServerError
from kumaprov.model.fields import kuma_fields
from kumaprov.model.monitors import JsonQueryMonitor
from kumaprov.kinds.changes import Desired, Live
from kumaprov.sync.plan import make_plan
from kumaprov.sync.report import apply_text

V1_23, DEV, V2_5 = (versions.server_line(v) for v in ("1.23.17", "2.0.0-dev.0", "2.5.3"))


class RecordingWriter:
    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.fail_on = fail_on
        self.next_id = 100

    def _record(self, name: str, data: Any) -> None:
        if self.fail_on and name == "add_monitor" and data["name"] == self.fail_on:
            raise ServerError("add: connection lost")
        self.calls.append((name, data))

    def add_monitor(self, payload: dict[str, Any]) -> int:
        self._record("add_monitor", payload)
        self.next_id += 1
        return self.next_id

    def edit_monitor(self, payload: dict[str, Any]) -> None:
        self._record("edit_monitor", payload)

    def delete_monitor(self, kuma_id: int) -> None:
        self._record("delete_monitor", kuma_id)

    def tags(self) -> list[dict[str, Any]]:
        return [{"id": 3, "name": "kumaprov"}]

    def add_tag(self, name: str, color: str) -> int:
        self._record("add_tag", name)
        return 4

    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        self._record("add_monitor_tag", (tag_id, kuma_id, value))


def query_monitor() -> JsonQueryMonitor:
    return JsonQueryMonitor.model_validate({"id": "q", "name": "Q", "type": "json-query", "url": "https://x.test/",
                                            "query": "$count(data)", "expected_value": "1", "operator": ">"})


def test_fields_follow_the_server_line() -> None:
    old = kuma_fields(query_monitor(), V1_23).values
    new = kuma_fields(query_monitor(), V2_5).values
    assert "jsonPathOperator" not in old and "jsonPathOperator" not in kuma_fields(query_monitor(), DEV).values
    assert new["jsonPathOperator"] == ">"
    assert old["jsonPath"] == "$count(data)" and old["expectedValue"] == "1"


def test_add_payload_has_conditions_only_on_2x() -> None:
    for line, has_conditions in ((V1_23, False), (DEV, False), (V2_5, True)):
        writer = RecordingWriter()
        apply(make_plan([Desired("q", kuma_fields(query_monitor(), line).values)], []), writer, Owner(), line)
        payload = writer.calls[0][1]
        assert ("conditions" in payload) is has_conditions
        assert payload["notificationIDList"] == {} and payload["accepted_statuscodes"] == ["200-299"]


def test_every_create_gets_the_ownership_tag_with_its_id() -> None:
    writer = RecordingWriter()
    apply(make_plan([Desired("a", {"name": "A"}), Desired("b", {"name": "B"})], []), writer, Owner(), V1_23)
    assert [c for c in writer.calls if c[0] == "add_monitor_tag"] == [
        ("add_monitor_tag", (3, 101, "default/a")), ("add_monitor_tag", (3, 102, "default/b"))]


def test_the_owner_tag_is_created_once_when_missing() -> None:
    writer = RecordingWriter()
    apply(make_plan([Desired("a", {"name": "A"}), Desired("b", {"name": "B"})], []), writer, Owner("other"), V1_23)
    assert [c for c in writer.calls if c[0] == "add_tag"] == [("add_tag", "other")]


def test_edits_send_the_whole_listed_monitor_with_the_changes() -> None:
    listed = {"id": 5, "name": "A", "interval": 60, "notificationIDList": {"2": True}, "accepted_statuscodes": ["200"]}
    writer = RecordingWriter()
    apply(make_plan([Desired("a", {"name": "A", "interval": 90})], [Live(5, "A", "a", listed)]), writer,
          Owner(), V1_23)
    assert writer.calls == [("edit_monitor", {**listed, "interval": 90})]


def test_a_failed_write_stops_and_reports_what_was_and_was_not_applied() -> None:
    writer = RecordingWriter(fail_on="B")
    plan = make_plan([Desired(i, {"name": i.upper()}) for i in "abc"], [Live(9, "Old", "old", {"id": 9})])
    report = apply(plan, writer, Owner(), V1_23)
    assert not report.ok
    assert report.applied == ["create a"]
    # The faults commit (main, 9353137) added advice after the server's message.
    assert report.failed is not None and report.failed.startswith("create b: add: connection lost; ")
    assert report.not_attempted == ["create c", "delete old (#9)"]
    text = apply_text(report)
    assert "Sync incomplete: 1 change(s) applied, 1 failed, 2 not attempted." in text
