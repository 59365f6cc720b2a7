"""Whose an object is: the project marker every owned object carries, read and written here.

A monitor carries the ownership tag (`owner_tag`, default `kumaprov`) with the value
`<project>/<definition id>`; a notification carries `kumaprovOwner` (the tag), `kumaprovProject`
and `kumaprovId` in its saved configuration. Project names and definition ids are slugs (no
`/`), so a value splits one way only. A value without `/` is the old-style marker that kumaprov
wrote before projects existed: it names no project, and a project takes such objects over only
when its project file says `adopt_legacy: true`; another project's, only when it names that
project in `adopt_from` (README, "Projects"). Taking one over rewrites its marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LEGACY = "(old-style, no project)"  # not a slug: never a project's name
DEFAULT_PROJECT = "default"  # a directory whose name has nothing slug-like in it
_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class Owner:
    """This run's identity on the server: the ownership tag's name and the project's."""

    tag: str = "kumaprov"
    project: str = DEFAULT_PROJECT
    adopt_legacy: bool = False  # old-style markers (no project) are this project's
    adopt_from: frozenset[str] = frozenset()  # the projects whose objects this one takes over

    def marker(self, definition_id: str) -> str:
        """The ownership tag's value on a monitor this project owns."""
        return f"{self.project}/{definition_id}"

    def read(self, value: str | None) -> Whose:
        """Who owns an object whose marker (under this tag) holds `value` (None: no marker)."""
        if not value:
            return Whose()
        project, sep, definition_id = value.partition("/")
        if not sep:
            # kumaprov before projects: the value is the definition id alone.
            return Whose(value, replaces=value) if self.adopt_legacy else Whose(foreign=(LEGACY, value))
        if project == self.project:
            return Whose(definition_id)
        if project in self.adopt_from:
            return Whose(definition_id, replaces=value)
        return Whose(foreign=(project, definition_id))


@dataclass(frozen=True)
class Whose:
    """One object's owner as this project sees it: its own definition id (`mine`; `replaces`:
    the marker it still carries, old-style or an adopted project's, that adopting rewrites),
    another project's (`foreign`: project name or LEGACY, and the id it gave), or nobody's (all
    None: made by hand)."""

    mine: str | None = None
    replaces: str | None = None
    foreign: tuple[str, str] | None = None


def moved(replaces: str | None) -> bool:
    """Whether an object is ours by `adopt_from` (its marker names another project): taken over
    only when the files define it, never deleted as a leftover (old-style ones are, as before)."""
    return replaces is not None and "/" in replaces


def default_project(root: Path) -> str:
    """The project's name when `project:` is not set: its directory's name as a slug."""
    name = _NOT_SLUG.sub("-", root.resolve().name.lower()).strip("-.")
    return name or DEFAULT_PROJECT


def owner_words(project: str) -> str:
    """How messages name the owner of a foreign object."""
    return "kumaprov before projects (old-style marker)" if project == LEGACY else f"project '{project}'"
