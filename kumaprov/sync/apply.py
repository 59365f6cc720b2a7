"""Executes a plan through the adapter, in a safe order, and says exactly what happened.

Creates first, then updates, then deletes (notifications before the monitors that
name them, groups before their members): a failure part-way leaves extra objects
rather than missing ones. The first failed write stops the run (the server is
most likely gone); the report lists what was applied and what was not, and the
next sync converges because identity lives on the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kumaprov.kinds import maintenance
from kumaprov.kinds import status_pages as statuspages
from kumaprov.errors import KumaprovError
from kumaprov.model.fields import tag_pair
from kumaprov.sync.plan import Create, Delete, Plan, Update
from kumaprov.versions import ServerLine

OWNER_TAG_COLOR = "#2563EB"


class Writer(Protocol):
    def add_monitor(self, payload: dict[str, Any]) -> int: ...
    def edit_monitor(self, payload: dict[str, Any]) -> None: ...
    def delete_monitor(self, kuma_id: int) -> None: ...
    def tags(self) -> list[dict[str, Any]]: ...
    def add_tag(self, name: str, color: str) -> int: ...
    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None: ...
    def save_notification(self, payload: Mapping[str, Any], kuma_id: int | None) -> int: ...
    def delete_notification(self, kuma_id: int) -> None: ...
    def edit_tag(self, kuma_id: int, name: str, color: str) -> None: ...
    def delete_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None: ...
    def add_maintenance(self, payload: Mapping[str, Any]) -> int: ...
    def edit_maintenance(self, payload: Mapping[str, Any]) -> None: ...
    def delete_maintenance(self, kuma_id: int) -> None: ...
    def set_maintenance_monitors(self, kuma_id: int, monitor_ids: Sequence[int]) -> None: ...
    def add_status_page(self, title: str, slug: str) -> dict[str, Any]: ...
    def save_status_page(self, slug: str, config: Mapping[str, Any], icon: str,
                         groups: Sequence[Mapping[str, Any]]) -> None: ...
    def delete_status_page(self, slug: str) -> None: ...
    def save_docker_host(self, payload: Mapping[str, Any], kuma_id: int | None) -> int: ...
    def delete_docker_host(self, kuma_id: int) -> None: ...
    def save_proxy(self, payload: Mapping[str, Any], kuma_id: int | None) -> int: ...
    def delete_proxy(self, kuma_id: int) -> None: ...


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
    kind = "" if _kind(action) == "monitor" else f"{_kind(action)} "
    if isinstance(action, Create):
        return f"create {kind}{action.desired.id}"
    if isinstance(action, Update):
        verb = "adopt" if action.adopt else "update"
        return f"{verb} {kind}{action.desired.id} (#{action.live.kuma_id})"
    return f"delete {kind}{action.live.owner or action.live.name} (#{action.live.kuma_id})"


def _kind(action: Action) -> str:
    return action.live.kind if isinstance(action, Delete) else action.desired.kind


class _Applier:
    def __init__(self, plan: Plan, writer: Writer, owner_tag: str, line: ServerLine) -> None:
        self.writer = writer
        self.owner_tag = owner_tag
        self.line = line
        self.tag_id: int | None = None
        self.kuma_ids = dict(plan.kuma_ids)  # grows as objects are created, for what refers to them

    def perform(self, action: Action) -> None:
        if _kind(action) == "tag":
            self.tag(action)
        elif _kind(action) == "notification":
            self.notification(action)
        elif _kind(action) == "maintenance":
            self.maintenance(action)
        elif _kind(action) == "status_page":
            self.status_page(action)
        elif _kind(action) == "docker_host":
            self.saved_whole(action, self.writer.save_docker_host, self.writer.delete_docker_host)
        elif _kind(action) == "proxy":
            self.saved_whole(action, self.writer.save_proxy, self.writer.delete_proxy)
        elif isinstance(action, Create):
            self.create_monitor(action)
        elif isinstance(action, Update):
            self.update_monitor(action)
        else:
            self.writer.delete_monitor(action.live.kuma_id)

    def notification(self, action: Action) -> None:
        if isinstance(action, Delete):
            self.writer.delete_notification(action.live.kuma_id)
            return
        # The server replaces a notification's whole configuration on every save.
        kuma_id = action.live.kuma_id if isinstance(action, Update) else None
        saved = self.writer.save_notification(dict(action.desired.fields), kuma_id)
        self.kuma_ids[("notification", action.desired.id)] = saved

    def maintenance(self, action: Action) -> None:
        if isinstance(action, Delete):
            self.writer.delete_maintenance(action.live.kuma_id)
            return
        fields = action.desired.fields
        if isinstance(action, Create):
            kuma_id = self.writer.add_maintenance(maintenance.add_payload(fields))
        else:
            kuma_id = action.live.kuma_id
            if any(change.field != "monitors" for change in action.changes):
                # editMaintenance reads every field: send the window as listed, changed.
                changed = {change.field: change.new for change in action.changes}
                self.writer.edit_maintenance(maintenance.add_payload({**action.live.fields, **changed}))
        monitors_changed = any(change.field == "monitors" for change in action.changes) \
            if isinstance(action, Update) else bool(fields["monitors"])
        if monitors_changed:  # definition ids; lint made sure each is defined (KP209)
            self.writer.set_maintenance_monitors(kuma_id, [self.kuma_ids[("monitor", ref)]
                                                           for ref in fields["monitors"]])

    def status_page(self, action: Action) -> None:
        if isinstance(action, Delete):
            self.writer.delete_status_page(action.live.name)
            return
        fields = action.desired.fields
        if isinstance(action, Create):
            # The new page's settings as the server made them (theme ...), to save on top of.
            live: Mapping[str, Any] = self.writer.add_status_page(fields["title"], fields["slug"])
        else:
            live = action.live.fields
        monitor_ids = {ref: kuma_id for (kind, ref), kuma_id in self.kuma_ids.items() if kind == "monitor"}
        self.writer.save_status_page(*statuspages.save_arguments(fields, live, monitor_ids))

    def saved_whole(self, action: Action, save: Callable[[Mapping[str, Any], int | None], int],
                    delete: Callable[[int], None]) -> None:
        """Docker hosts and proxies: one call saves the whole object, new (no id) or by id."""
        if isinstance(action, Delete):
            delete(action.live.kuma_id)
            return
        kuma_id = action.live.kuma_id if isinstance(action, Update) else None
        payload = {**(action.live.fields if isinstance(action, Update) else {}), **action.desired.fields}
        self.kuma_ids[(action.desired.kind, action.desired.id)] = save(payload, kuma_id)

    def tag(self, action: Action) -> None:
        fields = action.desired.fields if not isinstance(action, Delete) else {}
        if isinstance(action, Create):
            self.kuma_ids[("tag", action.desired.id)] = self.writer.add_tag(fields["name"], fields["color"])
        elif isinstance(action, Update):
            self.writer.edit_tag(action.live.kuma_id, fields["name"], fields["color"])

    def create_monitor(self, action: Create) -> None:
        payload = add_payload(with_server_ids(action.desired.fields, self.kuma_ids), self.line)
        kuma_id = self.writer.add_monitor(payload)
        self.kuma_ids[("monitor", action.desired.id)] = kuma_id
        try:
            self.writer.add_monitor_tag(self.owner_tag_id(), kuma_id, action.desired.id)
        except KumaprovError as exc:
            # Without its tag the new monitor is not ours: say how to take it over.
            raise type(exc)(f"{exc}; monitor #{kuma_id} was created without its ownership tag, "
                            "`kumaprov sync --adopt` takes it over") from None
        for text in action.desired.fields.get("tags", ()):
            name, value = tag_pair(text)
            self.writer.add_monitor_tag(self.kuma_ids[("tag", name)], kuma_id, value)

    def update_monitor(self, action: Update) -> None:
        # Tags travel in calls of their own; editMonitor ignores them (and restarts the monitor).
        if any(change.field != "tags" for change in action.changes):
            self.writer.edit_monitor(with_server_ids(edit_payload(action), self.kuma_ids))
        if action.adopt:
            self.writer.add_monitor_tag(self.owner_tag_id(), action.live.kuma_id, action.desired.id)
        if any(change.field == "tags" for change in action.changes):
            self.retag(action)

    def retag(self, action: Update) -> None:
        kuma_id = action.live.kuma_id
        current = {(t.get("name", ""), t.get("value") or ""): int(t["tag_id"])
                   for t in action.live.fields.get("tags") or [] if t.get("name") != self.owner_tag}
        wanted = {tag_pair(text) for text in action.desired.fields.get("tags", ())}
        # Adds first: on the 2.0.0-dev.0 build deleteMonitorTag also deletes every tag no
        # monitor uses any more, which would take a tag whose value is only changing.
        for name, value in sorted(wanted - current.keys()):
            self.writer.add_monitor_tag(self.kuma_ids[("tag", name)], kuma_id, value)
        for (name, value), tag_id in sorted(current.items()):
            if (name, value) not in wanted:
                self.writer.delete_monitor_tag(tag_id, kuma_id, value)

    def owner_tag_id(self) -> int:
        if self.tag_id is None:
            self.tag_id = next((int(t["id"]) for t in self.writer.tags() if t.get("name") == self.owner_tag), None)
        if self.tag_id is None:
            self.tag_id = self.writer.add_tag(self.owner_tag, OWNER_TAG_COLOR)
        return self.tag_id


def apply(plan: Plan, writer: Writer, owner_tag: str, line: ServerLine,
          progress: Callable[[str], None] = lambda _: None) -> ApplyReport:
    actions: list[Action] = [*plan.creates, *plan.updates, *plan.deletes]
    report = ApplyReport()
    applier = _Applier(plan, writer, owner_tag, line)
    for index, action in enumerate(actions):
        try:
            applier.perform(action)
        except KumaprovError as exc:
            report.failed = f"{describe(action)}: {exc}"
            report.not_attempted = [describe(a) for a in actions[index + 1:]]
            return report
        report.applied.append(describe(action))
        progress(describe(action))
    return report


def add_payload(fields: Mapping[str, Any], line: ServerLine) -> dict[str, Any]:
    """What `add` needs beyond the managed fields; it inserts every key as a column."""
    payload: dict[str, Any] = {"notificationIDList": {}, "accepted_statuscodes": ["200-299"]}
    if line.conditions:
        payload["conditions"] = []  # NOT NULL on 2.x
    payload.update(fields)
    payload.pop("tags", None)  # not a column: tags are added after the monitor exists
    return payload


def edit_payload(update: Update) -> dict[str, Any]:
    """`editMonitor` copies a fixed field list from what it is sent, so send the whole monitor."""
    payload = dict(update.live.fields)
    payload.update({change.field: change.new for change in update.changes if change.field != "tags"})
    return payload


def with_server_ids(fields: Mapping[str, Any], kuma_ids: Mapping[tuple[str, str], int]) -> dict[str, Any]:
    """References by definition id (or notification name) become the server's ids."""
    resolved = dict(fields)
    parent = resolved.get("parent")
    if isinstance(parent, str):
        resolved["parent"] = kuma_ids[("monitor", parent)]
    host = resolved.get("docker_host")
    if isinstance(host, str):  # a host's name, as files and plans name it
        resolved["docker_host"] = kuma_ids[("docker_host", host)]
    proxy = resolved.get("proxyId")
    if isinstance(proxy, str):
        resolved["proxyId"] = kuma_ids[("proxy", proxy)]
    notifications = resolved.get("notificationIDList")
    if isinstance(notifications, (list, tuple)):
        resolved["notificationIDList"] = {str(_notification_id(ref, kuma_ids)): True for ref in notifications}
    return resolved


def _notification_id(ref: str, kuma_ids: Mapping[tuple[str, str], int]) -> int:
    # "#12" is a notification the server has that no definition or name reached.
    return int(ref[1:]) if ref.startswith("#") else kuma_ids[("notification", ref)]
