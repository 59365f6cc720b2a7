"""What every lint rule is given: the lint context (server lines, entries of every kind) and
the sample files, read once each."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kumaprov.definitions.entries import (
    Definition, DockerHostDefinition, Entry, MaintenanceDefinition, NotificationDefinition, ProxyDefinition,
    StatusPageDefinition, TagDefinition,
)
from kumaprov.problems import Problem
from kumaprov.versions import ServerLine


@dataclass
class SampleFiles:
    """Sample bodies read once each: templated monitors share the same files."""

    _texts: dict[str, str | OSError | UnicodeDecodeError] = field(default_factory=dict)
    _keys: dict[str, frozenset[str]] = field(default_factory=dict)

    def read(self, path: Path) -> str:
        key = os.path.normpath(path)  # cheap; resolving every path was a hot spot
        if key not in self._texts:
            try:
                self._texts[key] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self._texts[key] = exc
        result = self._texts[key]
        if isinstance(result, Exception):
            raise result
        return result

    def paths(self) -> list[Path]:
        return [Path(key) for key in self._texts]

    def json_keys(self, path: Path) -> frozenset[str]:
        """Every object key anywhere in a JSON sample (empty when it is not JSON)."""
        key = os.path.normpath(path)
        if key not in self._keys:
            self._keys[key] = json_keys(self.read(path))
        return self._keys[key]


def json_keys(text: str) -> frozenset[str]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return frozenset()
    keys: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            keys.update(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return frozenset(keys)


@dataclass(frozen=True)
class LintContext:
    lines: tuple[ServerLine, ...]  # the server versions the files must work on
    # Every monitor as written, including those that failed the schema: identity and
    # secrets are checked on these, so one typo does not hide a leaked token.
    entries: Sequence[Entry] = ()
    notifications: Sequence[NotificationDefinition] = ()
    notification_entries: Sequence[Entry] = ()
    tags: Sequence[TagDefinition] = ()
    owner_tag: str = "kumaprov"
    samples: SampleFiles = field(default_factory=SampleFiles)
    maintenance: Sequence[MaintenanceDefinition] = ()
    status_pages: Sequence[StatusPageDefinition] = ()
    docker_hosts: Sequence[DockerHostDefinition] = ()
    proxies: Sequence[ProxyDefinition] = ()
    variables: tuple[str, ...] | None = None  # the project's `variables:` allow-list


Check = Callable[[Sequence[Definition], LintContext], Iterable[Problem]]
