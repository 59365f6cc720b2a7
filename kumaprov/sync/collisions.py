"""Collisions with other projects: a definition this project would create whose id or name
an object of another project (or an old-style marker, kumaprov before projects) already has.

Neither is resolved by force: taking the object over would steal it, and making a second one
next to it is what a mistyped project name or a copied file does. Each collision is an error at
the definition (KP407), so `diff` names the owner and `sync` writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kumaprov.kinds.base import Kind, Wanted
from kumaprov.kinds.changes import Desired, Live
from kumaprov.kinds.ownership import LEGACY, owner_words
from kumaprov.problems import Position, Problem

COLLISION = "KP407"


def collisions(kinds: Sequence[Kind], wanted: Mapping[str, Wanted], live: Mapping[str, Sequence[Live]],
               sources: Any) -> list[Problem]:
    """One problem for each definition that would be created over another project's object."""
    problems: list[Problem] = []
    for kind in kinds:
        if kind.identity != "owner":
            continue
        mine = {item.owner for item in live.get(kind.name, ()) if item.owner is not None}
        foreign = [item for item in live.get(kind.name, ()) if item.foreign is not None]
        entries = _entries(kind, sources)
        for want in wanted[kind.name].desired:
            if want.id in mine:
                continue  # ours already: nothing is created
            for message in _messages(kind, want, foreign):
                entry = entries.get(want.id)
                where, via = (entry.position_of("id"), entry.via) if entry is not None else (Position("?"), ())
                problems.append(Problem(where, COLLISION, message, via=via))
                break
    return problems


def _messages(kind: Kind, want: Desired, foreign: Sequence[Live]) -> Iterator[str]:
    """The id collision first (the stronger claim), then the name collision."""
    for item in foreign:
        assert item.foreign is not None
        project, their_id = item.foreign
        if their_id == want.id:
            yield (f"{kind.what} '{want.id}' belongs to {owner_words(project)} (#{item.kuma_id} {item.name!r}); "
                   f"{_advice(project, 'give this one another id')}")
    for item in foreign:
        assert item.foreign is not None
        project, their_id = item.foreign
        if item.name == want.name:
            yield (f"{kind.what} name {want.name!r} belongs to {owner_words(project)} ({kind.what} '{their_id}', "
                   f"#{item.kuma_id}); {_advice(project, 'rename one of them')}")


def _advice(project: str, otherwise: str) -> str:
    if project == LEGACY:
        return ("if this repository synced it before projects existed, set `adopt_legacy: true` in kumaprov.yaml "
                f"to take it over; else {otherwise}")
    return f"sync neither takes it over nor makes a second one: {otherwise}"


def _entries(kind: Kind, sources: Any) -> dict[str, Any]:
    """The files' entries of this kind by definition id (for the problem's position)."""
    if kind.name == "monitor":
        return {definition.id: definition for definition in sources.definitions}
    return {str(getattr(entry.value, "id", "")): entry for entry in kind.defined(sources)}
