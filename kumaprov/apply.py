"""Executes a plan through the adapter, in a safe order, and says exactly what happened.

Creates first, then updates, then deletes: a failure part-way leaves extra
monitors rather than missing ones. The first failed write stops the run (the
server is most likely gone); the report lists what was applied and what was not,
and the next sync converges because identity lives on the server, in the tag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kumaprov.errors import KumaprovError
from kumaprov.plan import Create, Delete, Plan, Update
from kumaprov.versions import ServerLine

OWNER_TAG_COLOR = "#2563EB"


class Writer(Protocol):
    def add_monitor(self, payload: dict[str, Any]) -> int: ...
    def edit_monitor(self, payload: dict[str, Any]) -> None: ...
    def delete_monitor(self, kuma_id: int) -> None: ...
    def tags(self) -> list[dict[str, Any]]: ...
    def add_tag(self, name: str, color: str) -> int: ...
    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None: ...


Action = Create | Update | Delete


@dataclass
class ApplyReport:
    applied: list[str] = field(default_factory=list)
    failed: str | None = None  # the action that failed, and why
    not_attempted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None


def describe(action: Action) -> str:
    if isinstance(action, Create):
        return f"create {action.desired.id}"
    if isinstance(action, Update):
        verb = "adopt" if action.adopt else "update"
        return f"{verb} {action.desired.id} (#{action.live.kuma_id})"
    return f"delete {action.live.owner or action.live.name} (#{action.live.kuma_id})"


def apply(plan: Plan, writer: Writer, owner_tag: str, line: ServerLine,
          progress: Callable[[str], None] = lambda _: None) -> ApplyReport:
    actions: list[Action] = [*plan.creates, *plan.updates, *plan.deletes]
    report = ApplyReport()
    tag_id: int | None = None
    kuma_ids = dict(plan.kuma_ids)  # grows as monitors are created, for their children
    for index, action in enumerate(actions):
        try:
            if isinstance(action, Create) or (isinstance(action, Update) and action.adopt):
                tag_id = tag_id if tag_id is not None else _owner_tag_id(writer, owner_tag)
            _perform(action, writer, tag_id, line, kuma_ids)
        except KumaprovError as exc:
            report.failed = f"{describe(action)}: {exc}"
            report.not_attempted = [describe(a) for a in actions[index + 1:]]
            return report
        report.applied.append(describe(action))
        progress(describe(action))
    return report


def _perform(action: Action, writer: Writer, tag_id: int | None, line: ServerLine,
             kuma_ids: dict[str, int]) -> None:
    if isinstance(action, Create):
        kuma_id = writer.add_monitor(add_payload(with_server_ids(action.desired.fields, kuma_ids), line))
        kuma_ids[action.desired.id] = kuma_id
        assert tag_id is not None
        try:
            writer.add_monitor_tag(tag_id, kuma_id, action.desired.id)
        except KumaprovError as exc:
            # Without its tag the new monitor is not ours: say how to take it over.
            raise type(exc)(f"{exc}; monitor #{kuma_id} was created without its ownership tag, "
                            "`kumaprov sync --adopt` takes it over") from None
    elif isinstance(action, Update):
        if action.changes:
            writer.edit_monitor(with_server_ids(edit_payload(action), kuma_ids))
        if action.adopt:
            assert tag_id is not None
            writer.add_monitor_tag(tag_id, action.live.kuma_id, action.desired.id)
    else:
        writer.delete_monitor(action.live.kuma_id)


def add_payload(fields: dict[str, Any] | Any, line: ServerLine) -> dict[str, Any]:
    """What `add` needs beyond the managed fields; it inserts every key as a column."""
    payload: dict[str, Any] = {"notificationIDList": {}, "accepted_statuscodes": ["200-299"]}
    if line.conditions:
        payload["conditions"] = []  # NOT NULL on 2.x
    payload.update(fields)
    return payload


def edit_payload(update: Update) -> dict[str, Any]:
    """`editMonitor` copies a fixed field list from what it is sent, so send the whole monitor."""
    payload = dict(update.live.fields)
    payload.update({change.field: change.new for change in update.changes})
    return payload


def with_server_ids(fields: Mapping[str, Any], kuma_ids: Mapping[str, int]) -> dict[str, Any]:
    """Definition ids in reference fields become the server's ids."""
    resolved = dict(fields)
    parent = resolved.get("parent")
    if isinstance(parent, str):
        resolved["parent"] = kuma_ids[parent]
    return resolved


def _owner_tag_id(writer: Writer, owner_tag: str) -> int:
    for tag in writer.tags():
        if tag.get("name") == owner_tag:
            return int(tag["id"])
    return writer.add_tag(owner_tag, OWNER_TAG_COLOR)
