"""The words the planner speaks, the same for every kind: desired and live values, and the
changes between them (create, update, delete) gathered in a plan.

The planner, apply, the reports and saved plans only go through these types and `Kind`,
so they hold nothing about any one kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Desired:
    id: str
    fields: Mapping[str, Any]  # Uptime Kuma field names, secrets resolved
    sensitive: frozenset[str] = frozenset()
    # The sensitive fields before resolution (with ${VAR} references): what a saved plan stores.
    unresolved: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "monitor"  # a Kind's name

    @property
    def name(self) -> str:
        return str(self.fields.get("name") or self.fields.get("title") or self.id)  # a window has a title


@dataclass(frozen=True)
class Live:
    kuma_id: int
    name: str
    owner: str | None  # the definition id that owns it, None when kumaprov does not own it
    fields: Mapping[str, Any]  # the object as the server lists it
    kind: str = "monitor"
    # Ours, but marked old-style or by a project this one takes over from: adopting it replaces this marker.
    replaces: str | None = None
    # Another project's marker (its name, or ownership.LEGACY, and the id it gave): never touched.
    foreign: tuple[str, str] | None = None


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any
    sensitive: bool = False


@dataclass(frozen=True)
class Create:
    desired: Desired


@dataclass(frozen=True)
class Update:
    desired: Desired
    live: Live
    changes: tuple[Change, ...]
    adopt: bool = False  # a hand-made monitor taken over by name: it gets the ownership tag


@dataclass(frozen=True)
class Delete:
    live: Live
    reason: str = "its definition was removed"


Action = Create | Update | Delete


@dataclass(frozen=True)
class Plan:
    creates: tuple[Create, ...] = ()
    updates: tuple[Update, ...] = ()
    deletes: tuple[Delete, ...] = ()
    unchanged: tuple[str, ...] = ()
    unchanged_kinds: tuple[str, ...] = ()  # the kind of each unchanged object, for the summary
    kept: tuple[Live, ...] = field(default=())  # owned but undefined, kept by --no-prune
    # Server ids by (kind, reference): apply resolves parents and notifications with it.
    kuma_ids: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # Lines for a reviewer by (kind, definition id), from sync/words.notes; none in a saved plan.
    notes: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)

    @property
    def managed_count(self) -> int:
        return len(self.updates) - sum(u.adopt for u in self.updates) + len(self.deletes) + \
            len(self.unchanged) + len(self.kept)


def action_kind(action: Action) -> str:
    """The name of the kind an action is about."""
    return action.live.kind if isinstance(action, Delete) else action.desired.kind
