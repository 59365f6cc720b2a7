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

from kumaprov.errors import KumaprovError
from kumaprov.kinds.base import Action, Applying, Create, Delete, Plan, Update
from kumaprov.kinds.registry import BY_NAME
from kumaprov.versions import ServerLine


class Writer(Protocol):
    """The adapter's writes (server.client.KumaClient); each kind calls its own."""

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


def apply(plan: Plan, writer: Writer, owner_tag: str, line: ServerLine,
          progress: Callable[[str], None] = lambda _: None) -> ApplyReport:
    actions: list[Action] = [*plan.creates, *plan.updates, *plan.deletes]
    report = ApplyReport()
    applying = Applying(writer, owner_tag, line, plan.kuma_ids)
    for index, action in enumerate(actions):
        try:
            BY_NAME[_kind(action)].write(action, applying)
        except KumaprovError as exc:
            report.failed = f"{describe(action)}: {exc}"
            report.not_attempted = [describe(a) for a in actions[index + 1:]]
            return report
        report.applied.append(describe(action))
        progress(describe(action))
    return report
