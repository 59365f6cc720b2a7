"""`Kind`: everything about one kind of server object, and what every kind is handed.

A kind of server object (a monitor, a docker host ...) is one module in this package with one
`Kind` in it, and one line in `kinds.registry`. The loader, lint, the JSON Schema, the snapshot,
the planner, apply, saved plans, the reports and export all go through `Kind`, so adding a kind
changes none of them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from kumaprov.kinds.changes import Action, Change, Desired, Live, Update
from kumaprov.kinds.compare import same_value
from kumaprov.kinds.ownership import Owner
from kumaprov.problems import Problem
from kumaprov.versions import ServerLine

if TYPE_CHECKING:
    from kumaprov.kinds.exporting import Exporting


@dataclass(frozen=True)
class NamedBy:
    """A monitor key that names an object of this kind (`docker_host: local`), the monitor's
    server field that holds the object's server id, and the problem when it names nothing."""

    key: str
    field: str
    code: str
    in_files: bool = False  # only the files can define one: lint checks the name offline


@dataclass(frozen=True)
class ServerRefs:
    """How definitions name what the server names by id, kind by kind: the definition id of an
    owned object, the name of one identified by name, `name:<name>` for a notification kumaprov
    does not own. `fields`: the monitor fields that hold another object's server id."""

    names: Mapping[str, Mapping[int, str]] = field(default_factory=dict)  # kind -> server id -> reference
    fields: Mapping[str, str] = field(default_factory=dict)  # monitor field -> the kind it names
    owner_tag: str = "kumaprov"  # left out when monitor tags are compared

    def of(self, kind: str) -> Mapping[int, str]:
        return self.names.get(kind, {})

    def kuma_ids(self) -> dict[tuple[str, str], int]:
        # A name may be listed twice (tags, docker hosts): the oldest one is the one used.
        return {(kind, ref): kuma_id for kind, names in self.names.items()
                for kuma_id, ref in sorted(names.items(), reverse=True)}


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

    sources: Any  # the lint result: the monitor definitions and every other kind's entries
    line: ServerLine
    environ: Mapping[str, str]
    owner: Owner
    live: Mapping[str, Sequence[Live]]  # every kind's live objects, by kind name
    missing: Mapping[str, Sequence[Problem]]  # environment variables not set, by kind name
    kinds: Sequence[Kind] = ()  # the registry
    wanted: dict[str, Wanted] = field(default_factory=dict)  # the kinds resolved so far, in registry order


class Applying:
    """What one kind's writes share with the others while a plan is applied: the adapter,
    and the server ids of what exists, growing as objects are created."""

    def __init__(self, writer: Any, owner: Owner, line: ServerLine, kuma_ids: Mapping[tuple[str, str], int],
                 fields: Mapping[str, str] | None = None) -> None:
        self.writer = writer
        self.owner = owner
        self.owner_tag = owner.tag
        self.line = line
        self.kuma_ids = dict(kuma_ids)
        self.fields = dict(fields or {})  # monitor field -> the kind whose server id it holds
        self.memo: dict[str, Any] = {}  # looked up once per run (the ownership tag's id)
        self.lock = threading.Lock()  # for the memo, when writes run in a window (Kind.overlaps)


class Kind:
    """One kind of server object. Subclasses set the names and override what differs.

    `identity` says how the planner matches files to the server: "owner" (kumaprov's
    ownership marker; --adopt and --no-prune apply), "name" (a natural key; deleted only
    when marked absent; everything else left alone) or "shared-name" (matched by name,
    never deleted: tags)."""

    name: ClassVar[str]  # as plans, saved plans and reports name it: "docker_host"
    label: ClassVar[str]  # in summaries: "docker host(s)"
    what: ClassVar[str]  # one of them, in messages: "docker host"
    identity: ClassVar[str] = "name"
    saved_whole: ClassVar[bool] = False  # the server replaces the whole object on save
    reads_refs: ClassVar[bool] = False  # its live values name other objects by reference
    # In the files:
    file_key: ClassVar[str | None] = None  # the top-level key of monitor files that lists them
    model: ClassVar[Any] = None  # one entry's pydantic model (None: the loader reads them its own way)
    unique_key: ClassVar[str | None] = None  # the entry key no two entries may share (KP201)
    unique_what: ClassVar[str | None] = None  # how KP201 calls that key, if not by `what`
    holds_secrets: ClassVar[bool] = False  # its entries may reference environment variables
    named_by: ClassVar[NamedBy | None] = None  # a monitor key that names one of these
    # The file key holds a mapping, each of its keys one entry (settings), not a list of entries.
    per_key: ClassVar[bool] = False
    min_version: ClassVar[str | None] = None  # the first Uptime Kuma release that has this kind (lint: KP306)

    def defined(self, sources: Any) -> Sequence[Any]:
        """This kind's entries in the files that passed its schema (each with `.value`)."""
        return tuple(sources.of(self.name))

    def names_monitors(self, value: Any) -> Iterable[tuple[tuple[Any, ...], str, str]]:
        """The monitors an entry names, for lint (KP209): (path in the entry, id, what names it)."""
        return ()

    def names_others(self, value: Any) -> Iterable[tuple[tuple[Any, ...], str, str, str]]:
        """The objects of other kinds an entry names, which only the files define, for lint
        (KP209): (path in the entry, the kind's name, its unique key's value, what names it)."""
        return ()

    def plan_names(self, resolving: Resolving) -> dict[str, str]:
        """For `named_by`: each name a monitor may use, and how plans name that object."""
        return {}

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

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        """The rows as live objects, each with whose it is (kinds.ownership)."""
        raise NotImplementedError

    def refs(self, live: Sequence[Live]) -> dict[int, str]:
        """How definitions name each listed object, by server id."""
        if self.identity == "owner":
            return owned_ids_by_kuma_id(live)
        return {item.kuma_id: item.name for item in live}

    def env_entries(self, sources: Any) -> Sequence[Any]:
        """The entries whose `${VAR}` references are resolved from the environment."""
        return self.defined(sources) if self.holds_secrets else ()

    def desired(self, resolving: Resolving) -> Wanted:
        raise NotImplementedError

    def key_in_files(self, desired: Desired, field: str) -> str | None:
        """How the files name a server field of this object (None: by the server's name)."""
        return None

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

    def update_note(self, update: Update) -> str | None:
        """A line for the reviewer of an update that is more than it looks (a replacement)."""
        return None

    def write(self, action: Action, applying: Applying) -> None:
        raise NotImplementedError

    def overlaps(self, action: Action) -> bool:
        """Whether this change may be in flight with others of its kind and verb
        (sync/pipeline.py): its writes touch only its own object and what already exists,
        and share nothing but `Applying`. One at a time unless a kind says so."""
        return False

    def export(self, rows: Any, exporting: Exporting) -> None:
        """Write the rows read with `needs_all()` into the exported document (or nothing)."""


def owned_ids_by_kuma_id(live: Sequence[Live]) -> dict[int, str]:
    """Server id -> definition id of the owned objects (copies beyond the oldest left out)."""
    ids: dict[str, int] = {}
    for item in sorted(live, key=lambda m: m.kuma_id, reverse=True):
        if item.owner is not None:
            ids[item.owner] = item.kuma_id
    return {kuma_id: owner for owner, kuma_id in ids.items()}
