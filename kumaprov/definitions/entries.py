"""What the loader yields: each entry as written (with positions), and the definitions that
passed the schema, one dataclass per kind of object."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kumaprov.definitions import yamlpos
from kumaprov.kinds.docker_hosts import DockerHostDef
from kumaprov.kinds.maintenance import MaintenanceDef
from kumaprov.model.monitors import NotificationDef, TagDef
from kumaprov.model.registry import Monitor
from kumaprov.problems import Position, Problem
from kumaprov.kinds.proxies import ProxyDef
from kumaprov.kinds.status_pages import StatusPageDef
from kumaprov.definitions.yamlpos import LocatedMap

if TYPE_CHECKING:
    from kumaprov.definitions.library import Origin


@dataclass(frozen=True)
class Entry:
    """One monitor as written (after templates and defaults), valid or not."""

    raw: LocatedMap
    base_dir: Path  # sample files are relative to the file that wrote them
    via: tuple[Position, ...]  # the template entries this monitor was rendered from
    # Rendered by a built-in template: its samples are read within the package's library, the
    # one place outside the project kumaprov reads from (definitions/library.py).
    builtin: bool = field(default=False, kw_only=True)

    @property
    def position(self) -> Position:
        return self.raw.pos

    def position_of(self, *path: Any) -> Position:
        return yamlpos.locate(self.raw, path) or self.raw.pos

    def position_of_key(self, *path: Any) -> Position:
        return yamlpos.locate_key(self.raw, path) or self.raw.pos


@dataclass(frozen=True)
class Definition(Entry):
    """A monitor that passed the schema."""

    monitor: Monitor

    @property
    def id(self) -> str:
        return self.monitor.id


@dataclass(frozen=True)
class NotificationDefinition(Entry):
    """A notification provider that passed the schema."""

    notification: NotificationDef

    @property
    def id(self) -> str:
        return self.notification.id


@dataclass(frozen=True)
class TagDefinition(Entry):
    tag: TagDef


@dataclass(frozen=True)
class MaintenanceDefinition(Entry):
    window: MaintenanceDef


@dataclass(frozen=True)
class StatusPageDefinition(Entry):
    page: StatusPageDef


@dataclass(frozen=True)
class DockerHostDefinition(Entry):
    host: DockerHostDef


@dataclass(frozen=True)
class ProxyDefinition(Entry):
    proxy: ProxyDef


@dataclass
class Loaded:
    definitions: list[Definition] = field(default_factory=list)
    notifications: list[NotificationDefinition] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # monitors as written, valid or not
    notification_entries: list[Entry] = field(default_factory=list)
    tags: list[TagDefinition] = field(default_factory=list)
    maintenance: list[MaintenanceDefinition] = field(default_factory=list)
    status_pages: list[StatusPageDefinition] = field(default_factory=list)
    docker_hosts: list[DockerHostDefinition] = field(default_factory=list)
    proxies: list[ProxyDefinition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    # Each template instance (its position) and the template file it resolved to.
    template_uses: list[tuple[Position, Origin]] = field(default_factory=list)
