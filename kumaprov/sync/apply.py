"""Executes a plan through the adapter, in a safe order, and says exactly what happened.

Creates first, then updates, then deletes (notifications before the monitors that
name them, groups before their members): a failure part-way leaves extra objects
rather than missing ones. The first failed write stops the run (the server is
most likely gone); the report lists what was applied and what was not, and the
next sync converges because identity lives on the server. Writes that cannot depend
on each other may be in flight together (sync/pipeline.py); each answer still
belongs to one change, so the report says exactly what the server confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Action, Create, Plan, Update, action_kind
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.registry import BY_NAME, REFERENCE_FIELDS
from kumaprov.sync.pipeline import Outcomes, send
from kumaprov.versions import ServerLine


@dataclass
class ApplyReport:
    applied: list[str] = field(default_factory=list)
    failed: str | None = None  # the action that failed, and why
    not_attempted: list[str] = field(default_factory=list)
    # Sent in the same window as the failed one and failed too (their writes may or may not
    # have reached the server); always empty when writes go one at a time.
    unconfirmed: list[str] = field(default_factory=list)

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
          progress: Callable[[str], None] = lambda _: None, window: int = 1) -> ApplyReport:
    """`writer`: the adapter (server.client.KumaClient); each kind makes its own calls.
    `window`: how many writes may be in flight at once (sync/pipeline.py); the report is
    in plan order whatever order the answers came in."""
    actions: list[Action] = [*plan.creates, *plan.updates, *plan.deletes]
    applying = Applying(writer, owner, line, plan.kuma_ids, REFERENCE_FIELDS)
    told = 0  # progress goes out in plan order, for the longest run of applied changes

    def done(outcomes: Outcomes) -> None:
        nonlocal told
        while told in outcomes and outcomes[told] is None:
            progress(describe(actions[told]))
            told += 1

    outcomes = send(actions, lambda action: BY_NAME[action_kind(action)].write(action, applying), window,
                    lambda action: BY_NAME[action_kind(action)].overlaps(action), done)
    report = ApplyReport()
    for index, action in enumerate(actions):
        error = outcomes.get(index, _NOT_SENT)
        if error is _NOT_SENT:
            report.not_attempted.append(describe(action))
        elif error is None:
            report.applied.append(describe(action))
            if index >= told:  # applied after an earlier change failed: still said
                progress(describe(action))
        elif report.failed is None:
            report.failed = f"{describe(action)}: {error}"
        else:
            report.unconfirmed.append(f"{describe(action)}: {error}")
    return report


_NOT_SENT = object()
