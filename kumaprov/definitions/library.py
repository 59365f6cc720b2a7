"""Where a template name leads: the project's own `templates/`, then the library kumaprov ships.

`template: openwebui` resolves to the project's `templates/openwebui.yaml.j2` when there is
one (a team adapts a shipped template by copying it under the same name), else to the
built-in library inside the installed package, so a repository that never cloned kumaprov
can use the shipped templates by name.

Files named by a project are read only inside the project (definitions/fileguard.py); the
built-in library is the one exception, and it goes by name, never by path. Its directory is
fixed by the package: no project file can name it (`templates:` in `kumaprov.yaml` only moves
the project's own directory, bound like any project file), and a `template:` entry reaches it
by a bare name only (a name with a path separator is no template). Templates found there are
read with `builtin_guard()`, the package directory as their only bound, and so are the sample
files of the monitors they render (those definitions carry `builtin`, set by the loader alone).
A project's own files never get that guard.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kumaprov.definitions.fileguard import FileGuard
from kumaprov.problems import Position, display_path

if TYPE_CHECKING:
    from kumaprov.definitions.templating import Templates

# Package data in a wheel; in a checkout (and an editable install) a link to templates/.
BUILTIN = Path(__file__).parents[1] / "builtin"


@dataclass(frozen=True)
class Origin:
    """Which file a template name resolved to, and the version of that file's text."""

    name: str
    path: Path
    builtin: bool
    # The first 12 hex digits of the template's SHA-256: it changes exactly when the template
    # does, so a monitor that changes after an upgrade can be traced to the template.
    version: str

    def describe(self) -> str:
        if self.builtin:
            return f"built-in template '{self.name}' (version {self.version})"
        return f"project template '{self.name}' ({display_path(self.path)}, version {self.version})"


def builtin_guard() -> FileGuard:
    """The bound of everything read from the built-in library: the package directory alone."""
    return FileGuard.of([BUILTIN])


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class TemplateSearch:
    """The project's templates over the built-in ones, with the interface of one directory."""

    def __init__(self, project_dir: Path, guard: FileGuard | None = None) -> None:
        """`guard`: the project's bounds, for its own templates (default: their directory)."""
        self.directory = project_dir  # where a user adds templates (named in messages)
        self._guard = guard
        self._origins: dict[tuple[str, bool], Origin] = {}
        self._owners: dict[str, Templates | None] = {}

    # Jinja (and the template sandbox) load when a template is first looked up: a project
    # that uses none never imports them, nor does lint's cache-hit path (it imports BUILTIN).
    @cached_property
    def project(self) -> Templates:
        from kumaprov.definitions.templating import Templates

        return Templates(self.directory, self._guard)

    @cached_property
    def builtin(self) -> Templates:
        from kumaprov.definitions.templating import Templates

        return Templates(BUILTIN, builtin_guard())

    def _owner(self, name: str) -> Templates | None:
        # Once per name: every instance asks several times (two stats each), and a run is short;
        # the templates' texts are read once per run as well (templating._GuardedLoader).
        if name not in self._owners:
            self._owners[name] = self.project if self.project.exists(name) else \
                self.builtin if self.builtin.exists(name) else None
        return self._owners[name]

    def exists(self, name: str) -> bool:
        return self._owner(name) is not None

    def names(self) -> list[str]:
        return sorted({*self.project.names(), *self.builtin.names()})

    def directory_of(self, name: str) -> Path:
        """Sample paths in a template are relative to the directory it was found in."""
        return (self._owner(name) or self.project).directory

    def path(self, name: str) -> Path:
        return (self._owner(name) or self.project).path(name)

    def unreadable(self, name: str, builtin: bool = False) -> str | None:
        """Why the template `name` resolves to cannot be read (outside its bound, too big ...)."""
        return (self.builtin if builtin else self._owner(name) or self.project).unreadable(name)

    def variables(self, name: str) -> frozenset[str]:
        return (self._owner(name) or self.project).variables(name)

    def render(self, name: str, variables: Mapping[str, Any]) -> str:
        return (self._owner(name) or self.project).render(name, variables)

    def origin(self, name: str, builtin: bool = False) -> Origin:
        """The file `name` resolves to (with `builtin`, the built-in one even where the project has its own)."""
        owner = self.builtin if builtin else self._owner(name) or self.project
        key = (name, owner is self.builtin)
        if key not in self._origins:
            self._origins[key] = Origin(name, owner.path(name), key[1], version_of(owner.source(name)))
        return self._origins[key]

    def source(self, name: str, builtin: bool = False) -> str:
        return (self.builtin if builtin else self._owner(name) or self.project).source(name)


def uses_text(uses: list[tuple[Position, Origin]]) -> list[str]:
    """`FILE:LINE:COL: built-in template 'x' (version ...)`, once per template instance."""
    return [f"{position}: {origin.describe()}" for position, origin in dict(uses).items()]
