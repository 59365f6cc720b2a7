"""What the loader yields: each entry as written (with positions), the monitors that passed
the schema, and every other kind's entries that passed that kind's model, by kind name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kumaprov.definitions import yamlpos
from kumaprov.definitions.yamlpos import LocatedMap
from kumaprov.model.registry import Monitor
from kumaprov.problems import Position, Problem

if TYPE_CHECKING:
    from kumaprov.definitions.library import Origin


@dataclass(frozen=True)
class Entry:
    """One entry as written (a monitor after templates and defaults), valid or not."""

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
class Defined(Entry):
    """An entry of another kind (a notification, a tag ...) that passed its kind's model."""

    value: Any  # an instance of the kind's model


@dataclass
class Loaded:
    definitions: list[Definition] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # monitors as written, valid or not
    defined: dict[str, list[Defined]] = field(default_factory=dict)  # kind name -> its valid entries
    written: dict[str, list[Entry]] = field(default_factory=dict)  # kind name -> its entries, valid or not
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    # Each template instance (its position) and the template file it resolved to.
    template_uses: list[tuple[Position, Origin]] = field(default_factory=list)

    def of(self, kind: str) -> list[Defined]:
        return self.defined.get(kind, [])
