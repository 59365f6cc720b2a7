"""KP201: every monitor id is unique across all files (it is the monitor's identity)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition, Entry
from kumaprov.problems import Problem

CODE = "KP201"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    first: dict[str, Entry] = {}
    for entry in context.entries:
        monitor_id = entry.raw.get("id")
        if not isinstance(monitor_id, str):
            continue
        earlier = first.setdefault(monitor_id, entry)
        if earlier is not entry:
            where = "".join([str(earlier.position_of("id"))] + [f", used at {v}" for v in earlier.via])
            yield Problem(entry.position_of("id"), CODE, f"duplicate id '{monitor_id}' (first defined at {where})",
                          via=entry.via)
