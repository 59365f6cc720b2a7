"""What every kind's export shares: the document being written, the ids given out (one
namespace for the whole file), the environment variables the file now references, and the
monitors left out. References use the export's ids, never server ids; secrets become
`${VAR}` references whose names are listed, never their values."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kumaprov.secrets import REDACTOR


@dataclass
class Exporting:
    owner_tag: str
    kinds: Sequence[Any] = ()  # the registry: a monitor names objects of the kinds it lists
    document: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)  # environment variables the files now reference
    skipped: list[str] = field(default_factory=list)  # monitors of types kumaprov does not model yet
    ids: dict[str, dict[int, str]] = field(default_factory=dict)  # kind -> server id -> how the file names it
    taken: set[str] = field(default_factory=set)

    def unique(self, wanted: str) -> str:
        """A definition id no other exported object has: a slug of `wanted`, numbered if taken."""
        slug = re.sub(r"[^a-z0-9._-]+", "-", wanted.lower()).strip("-._")[:90] or "monitor"
        candidate, n = slug, 2
        while candidate in self.taken:
            candidate, n = f"{slug}-{n}", n + 1
        self.taken.add(candidate)
        return candidate

    def secret(self, definition_id: str, field_name: str) -> str:
        """A `${VAR}` reference for a secret left out of the file, its name listed."""
        name = re.sub(r"[^A-Z0-9]+", "_", f"KUMA_{definition_id}_{field_name}".upper()).strip("_")
        self.secrets.append(name)
        return "${" + name + "}"

    def with_references(self, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Rows with every secret the environment holds, wherever it sits in a value
        (`trace-<key>`, a URL's query, inside a JSON header string), replaced by a reference
        to its variable: what lint cannot recognise by shape is still recognised by value."""
        replaced = []
        for row in rows:
            copy = dict(row)
            for key, value in row.items():
                if isinstance(value, str):
                    copy[key], names = REDACTOR.as_references(value)
                    self.secrets.extend(name for name in names if name not in self.secrets)
            replaced.append(copy)
        return replaced
