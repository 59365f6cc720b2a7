"""KP202: a `parent` that is no group monitor in the files; KP203: groups nested in a cycle."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition
from kumaprov.problems import Problem
from kumaprov.suggest import did_you_mean

UNKNOWN_PARENT = "KP202"
CYCLE = "KP203"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    groups = {d.id for d in definitions if d.monitor.type == "group"}
    parent_of = {d.id: d.monitor.parent for d in definitions}
    for definition in definitions:
        parent = definition.monitor.parent
        if parent is None:
            continue
        if parent not in groups:
            what = "is not a group monitor" if parent in parent_of else "is not defined"
            yield Problem(definition.position_of("parent"), UNKNOWN_PARENT,
                          f"parent '{parent}' {what}; a parent is the id of a `type: group` monitor"
                          f"{did_you_mean(parent, groups)}", via=definition.via)
        elif _in_cycle(definition.id, parent_of):
            yield Problem(definition.position_of("parent"), CYCLE,
                          f"'{definition.id}' is inside itself through its parents; groups cannot nest in a "
                          "cycle", via=definition.via)


def _in_cycle(start: str, parent_of: dict[str, str | None]) -> bool:
    seen = {start}
    parent = parent_of.get(start)
    while parent is not None:
        if parent in seen:
            return parent == start
        seen.add(parent)
        parent = parent_of.get(parent)
    return False
