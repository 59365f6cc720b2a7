"""What every lint rule is given: the lint context (server lines, entries of every kind) and
the sample files, read once each."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kumaprov.definitions.entries import Defined, Definition, Entry
from kumaprov.definitions.fileguard import FileGuard, Refused
from kumaprov.kinds.registry import ENTRY_KINDS
from kumaprov.plaintext import strings
from kumaprov.problems import Problem
from kumaprov.versions import ServerLine


@dataclass
class SampleFiles:
    """Sample bodies read once each: templated monitors share the same files.

    Read through the file guard: a sample names a file in a pull request, and lint
    prints what a query returns from it, so it must not be /proc/self/environ."""

    guard: FileGuard = field(default_factory=lambda: FileGuard.of([os.getcwd()]))
    # The built-in library's bound (definitions/library.builtin_guard), for the samples of
    # monitors a built-in template rendered; None: no such sample is read.
    builtin: FileGuard | None = None
    _texts: dict[tuple[bool, str], str | Refused] = field(default_factory=dict)
    _keys: dict[tuple[bool, str], frozenset[str]] = field(default_factory=dict)

    def read(self, path: Path, builtin: bool = False) -> str:
        """The sample's text; raises Refused (outside the project, not a file, too big, not UTF-8).
        `builtin`: the sample of a built-in template, read within the library's bound instead."""
        key = (builtin, os.path.normpath(path))  # cheap; the guard resolves each distinct path once
        if key not in self._texts:
            guard = self.builtin if builtin else self.guard
            try:
                if guard is None:
                    raise Refused("no built-in library to read it from")
                self._texts[key] = guard.read_text(path)
            except Refused as exc:
                self._texts[key] = exc
        result = self._texts[key]
        if isinstance(result, Refused):
            raise result
        return result

    def paths(self) -> list[Path]:
        """The project's samples read (not those refused: their contents are none of lint's business)."""
        return [Path(key) for (builtin, key), text in self._texts.items() if not builtin and isinstance(text, str)]

    def builtin_paths(self) -> list[Path]:
        """The built-in library's samples read."""
        return [Path(key) for (builtin, key), text in self._texts.items() if builtin and isinstance(text, str)]

    def json_keys(self, path: Path, builtin: bool = False) -> frozenset[str]:
        """Every object key anywhere in a JSON sample (empty when it is not JSON)."""
        key = (builtin, os.path.normpath(path))
        if key not in self._keys:
            self._keys[key] = json_keys(self.read(path, builtin))
        return self._keys[key]


@functools.lru_cache(maxsize=4096)
def sample_path(base_dir: Path, file: str) -> Path:
    """A sample file's path: templated monitors name the same few files thousands of times,
    and joining paths is most of what reading an already read sample costs."""
    return base_dir / file


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
    owner_tag: str = "kumaprov"
    samples: SampleFiles = field(default_factory=SampleFiles)
    # Every other kind's entries (notifications, tags ...), by kind name: those that
    # passed the kind's model, and all of them as written.
    defined: Mapping[str, Sequence[Defined]] = field(default_factory=dict)
    written: Mapping[str, Sequence[Entry]] = field(default_factory=dict)
    variables: tuple[str, ...] | None = None  # the project's `variables:` allow-list
    # Every string of an entry as written, by id of its raw mapping: KP401 and the masking of
    # referenced variables (lint.run) both walk every entry, and the walk is not cheap.
    _strings: dict[int, list[tuple[tuple[Any, ...], str]]] = field(default_factory=dict, compare=False, repr=False)

    def of(self, kind: str) -> Sequence[Defined]:
        return self.defined.get(kind, ())

    def strings_of(self, entry: Entry) -> list[tuple[tuple[Any, ...], str]]:
        """plaintext.strings of the entry as written (a list, walked once per lint)."""
        found = self._strings.get(id(entry.raw))
        if found is None:
            found = self._strings[id(entry.raw)] = list(strings(entry.raw, ()))
        return found

    def with_secrets(self) -> list[Entry]:
        """Every entry as written whose values may reference the environment: the monitors,
        and the entries of each kind that holds secrets (`Kind.holds_secrets`)."""
        return [*self.entries, *(entry for kind in ENTRY_KINDS if kind.holds_secrets
                                 for entry in self.written.get(kind.name, ()))]


Check = Callable[[Sequence[Definition], LintContext], Iterable[Problem]]
