"""What every kind speaks: desired and live values, the changes between them, and `Kind`.

A kind of server object (a monitor, a docker host ...) is one module in this package with
one `Kind` in it; `kinds.registry` lists them in apply order. The planner, apply, the
reports and saved plans only go through these types, so they hold nothing about any kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kumaprov import secrets
from kumaprov.kinds.compare import same_value
from kumaprov.model.fields import KumaFields
from kumaprov.problems import Problem
from kumaprov.versions import ServerLine


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


@dataclass(frozen=True)
class ServerRefs:
    """How definitions name what the server names by id: the definition id of an owned
    monitor or notification, `name:<name>` for a notification kumaprov does not own."""

    monitors: Mapping[int, str] = field(default_factory=dict)
    notifications: Mapping[int, str] = field(default_factory=dict)
    tags: Mapping[int, str] = field(default_factory=dict)  # server id -> tag name
    docker_hosts: Mapping[int, str] = field(default_factory=dict)  # server id -> host name
    proxies: Mapping[int, str] = field(default_factory=dict)  # server id -> definition id (or address)
    owner_tag: str = "kumaprov"  # left out when monitor tags are compared

    def of(self, kind: str) -> Mapping[int, str]:
        return {"monitor": self.monitors, "notification": self.notifications, "tag": self.tags,
                "docker_host": self.docker_hosts, "proxy": self.proxies}.get(kind, {})

    def kuma_ids(self) -> dict[tuple[str, str], int]:
        ids = {("monitor", ref): kuma_id for kuma_id, ref in self.monitors.items()}
        ids.update({("notification", ref): kuma_id for kuma_id, ref in self.notifications.items()})
        # Tag names are not unique on the server: the oldest one is the one used.
        ids.update({("tag", name): kuma_id for kuma_id, name in sorted(self.tags.items(), reverse=True)})
        ids.update({("docker_host", name): kuma_id for kuma_id, name in sorted(self.docker_hosts.items(), reverse=True)})
        ids.update({("proxy", name): kuma_id for kuma_id, name in sorted(self.proxies.items(), reverse=True)})
        return ids


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


@dataclass
class Wanted:
    """What the files want of one kind: the objects to create or update, the natural keys
    marked `absent: true`, and the problems found while resolving them."""

    desired: list[Desired] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Resolving:
    """Everything resolving desired state may use; all of it already read, nothing to fetch."""

    sources: Any  # the lint result: the definitions and every other kind's entries
    line: ServerLine
    environ: Mapping[str, str]
    owner_tag: str
    live: Mapping[str, Sequence[Live]]  # every kind's live objects, by kind name
    missing: Mapping[str, Sequence[Problem]]  # environment variables not set, by kind name
    wanted: dict[str, Wanted] = field(default_factory=dict)  # the kinds resolved so far, in registry order


class Applying:
    """What one kind's writes share with the others while a plan is applied: the adapter,
    and the server ids of what exists, growing as objects are created."""

    def __init__(self, writer: Any, owner_tag: str, line: ServerLine, kuma_ids: Mapping[tuple[str, str], int]) -> None:
        self.writer = writer
        self.owner_tag = owner_tag
        self.line = line
        self.kuma_ids = dict(kuma_ids)
        self.memo: dict[str, Any] = {}  # looked up once per run (the ownership tag's id)


class Kind:
    """One kind of server object. Subclasses set the names and override what differs.

    `identity` says how the planner matches files to the server: "owner" (kumaprov's
    ownership marker; --adopt and --no-prune apply), "name" (a natural key; deleted only
    when marked absent; everything else left alone) or "shared-name" (matched by name,
    never deleted: tags)."""

    reads_refs: ClassVar[bool] = False  # its live values name other objects by reference
    name: ClassVar[str]  # as plans, saved plans and reports name it: "docker_host"
    label: ClassVar[str]  # in summaries: "docker host(s)"
    identity: ClassVar[str] = "name"
    saved_whole: ClassVar[bool] = False  # the server replaces the whole object on save

    def needs(self, sources: Any) -> Any:
        """What to read for these definitions (None: nothing); see `read`."""
        return True

    def needs_for_saved(self, document: Any) -> Any:
        """What to read to check a saved plan against the server."""
        return True

    def needs_all(self) -> Any:
        """What to read to export everything."""
        return True

    def read(self, client: Any, need: Any) -> Any:
        """The server's rows of this kind (called only by the snapshot)."""
        raise NotImplementedError

    def live(self, rows: Any, refs: ServerRefs, owner_tag: str) -> list[Live]:
        raise NotImplementedError

    def env_entries(self, sources: Any) -> Sequence[Any]:
        """The entries whose `${VAR}` references are resolved from the environment."""
        return ()

    def desired(self, resolving: Resolving) -> Wanted:
        raise NotImplementedError

    def as_reference(self, key: str, value: Any, refs: ServerRefs) -> Any:
        """A listed value as definitions name it (server ids become references)."""
        return value

    def compare(self, want: Desired, current: Live, refs: ServerRefs) -> tuple[Change, ...]:
        """What differs, as the server means it (no edit for a value merely listed differently)."""
        changes = []
        for key, new in want.fields.items():
            old = self.as_reference(key, current.fields.get(key), refs)
            if not same_value(key, old, new):
                changes.append(Change(key, old, new, key in want.sensitive))
        return tuple(changes) + self.removed(want, current)

    def removed(self, want: Desired, current: Live) -> tuple[Change, ...]:
        """Changes for values the files no longer set (none, unless the server saves whole)."""
        return ()

    def write(self, action: Action, applying: Applying) -> None:
        raise NotImplementedError


def save_whole(action: Action, applying: Applying, save: Any, delete: Any) -> None:
    """Objects one call saves whole, new (no id) or by id (docker hosts, proxies)."""
    if isinstance(action, Delete):
        delete(action.live.kuma_id)
        return
    kuma_id = action.live.kuma_id if isinstance(action, Update) else None
    payload = {**(action.live.fields if isinstance(action, Update) else {}), **action.desired.fields}
    applying.kuma_ids[(action.desired.kind, action.desired.id)] = save(payload, kuma_id)


def desired_from(id_: str, build: Callable[[Callable[[str], str]], KumaFields], environ: Mapping[str, str],
                 kind: str) -> Desired:
    """`build(resolve)` twice: with `${VAR}` resolved (what is sent) and as written (what a
    saved plan stores for the sensitive fields, so it never holds a secret)."""
    mapped = build(lambda text: secrets.resolve(text, environ))
    unresolved: dict[str, Any] = {}
    if mapped.sensitive:
        as_written = build(lambda text: text).values
        unresolved = {key: as_written[key] for key in mapped.sensitive}
    return Desired(id_, mapped.values, mapped.sensitive, unresolved, kind)


def edited(document: Any, kind: str) -> set[str]:
    """The ids (or names) of the `kind` objects a saved plan edits or deletes."""
    if not isinstance(document, dict):
        return set()
    return {str(item.get("id") or item.get("name")) for key in ("updates", "deletes")
            for item in document.get(key) or [] if isinstance(item, dict) and item.get("kind") == kind}


def without_defaults(document: dict[str, Any], model: Any, keep: tuple[str, ...]) -> dict[str, Any]:
    """The values that differ from the file model's defaults (what export writes), and `keep`."""
    kept = {}
    for key, value in document.items():
        field = model.model_fields[key]
        if key in keep or (value is not None and value != field.get_default(call_default_factory=True)):
            kept[key] = value
    return kept
