"""Executes a plan through the adapter, in a safe order, and says exactly what happened.

Creates first, then updates, then deletes (notifications before the monitors that
name them, groups before their members): a failure part-way leaves extra objects
rather than missing ones. The first failed write stops the run (the server is
most likely gone); the report lists what was applied and what was not, and the
next sync converges because identity lives on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kumaprov.errors import KumaprovError
from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Action, Create, Plan, Update, action_kind
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.registry import BY_NAME, REFERENCE_FIELDS
from kumaprov.versions import ServerLine


@dataclass
class ApplyReport:
    applied: list[str] = field(default_factory=list)
    failed: str | None = None  # the action that failed, and why
    not_attempted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None


def describe(action: Action) -> str:
    kind = "" if action_kind(action) == "monitor" else f"{action_kind(action)} "
    if isinstance(action, Create):
        return f"create {kind}{action.desired.id}"
    if isinstance(action, Update):
        verb = "adopt" if action.adopt else "update"
        return f"{verb} {kind}{action.desired.id} (#{action.live.kuma_id})"
    return f"delete {kind}{action.live.owner or action.live.name} (#{action.live.kuma_id})"


def apply(plan: Plan, writer: Any, owner: Owner, line: ServerLine,
          progress: Callable[[str], None] = lambda _: None) -> ApplyReport:
    """`writer`: the adapter (server.client.KumaClient); each kind makes its own calls."""
    actions: list[Action] = [*plan.creates, *plan.updates, *plan.deletes]
    report = ApplyReport()
    applying = Applying(writer, owner, line, plan.kuma_ids, REFERENCE_FIELDS)
    for index, action in enumerate(actions):
        try:
            BY_NAME[action_kind(action)].write(action, applying)
        except KumaprovError as exc:
            report.failed = f"{describe(action)}: {exc}"
            report.not_attempted = [describe(a) for a in actions[index + 1:]]
            return report
        report.applied.append(describe(action))
        progress(describe(action))
    return report
