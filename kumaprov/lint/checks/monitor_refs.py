"""What every kind's entries name, and what names them. KP201: two entries of a kind that
share its unique key (two maintenance windows with one title, two notifications with one id
...); KP209: an entry naming a monitor id that no definition has (a window covering it, a page
showing it), an entry naming an object of another kind that only the files define (a window's
status page), or a monitor naming an object that only the files can define, and they do not.
The kinds say which keys these are (`Kind.unique_key`, `names_monitors`, `named_by`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.definitions.entries import Defined, Definition, Entry
from kumaprov.kinds.base import Kind
from kumaprov.kinds.registry import BY_NAME, ENTRY_KINDS, KINDS
from kumaprov.lint.context import LintContext
from kumaprov.problems import Problem
from kumaprov.suggest import did_you_mean

DUPLICATE = "KP201"
UNKNOWN_MONITOR = "KP209"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    # Ids as written, so one monitor failing the schema does not make references to it look wrong.
    ids = {str(entry.raw.get("id")) for entry in context.entries}
    for kind in ENTRY_KINDS:
        entries = context.of(kind.name)
        yield from _duplicates(kind, entries)
        for entry in entries:
            for path, monitor_id, what in kind.names_monitors(entry.value):
                if monitor_id not in ids:
                    yield Problem(entry.position_of(*path), UNKNOWN_MONITOR,
                                  f"{what} '{monitor_id}', which no monitor definition has"
                                  f"{did_you_mean(monitor_id, ids)}")
        yield from _unknown_others(kind, entries, context)
    for kind in KINDS:
        if kind.named_by is not None and kind.named_by.in_files:
            yield from _unknown_names(kind, definitions, context)


def _unknown_others(kind: Kind, entries: Sequence[Defined], context: LintContext) -> Iterator[Problem]:
    """Entries naming an object of another kind (a window's status page) the files do not define."""
    for entry in entries:
        for path, other, name, what in kind.names_others(entry.value):
            named = BY_NAME[other]
            assert named.unique_key is not None
            names = {str(getattr(e.value, named.unique_key)) for e in context.of(other)
                     if not getattr(e.value, "absent", False)}
            if name not in names:
                yield Problem(entry.position_of(*path), UNKNOWN_MONITOR,
                              f"{what} {named.what} '{name}', which is not in the files{did_you_mean(name, names)}")


def _duplicates(kind: Kind, entries: Sequence[Defined]) -> Iterator[Problem]:
    key = kind.unique_key
    if key is None:
        return
    first: dict[str, Entry] = {}
    for entry in entries:
        name = str(getattr(entry.value, key))
        earlier = first.setdefault(name, entry)
        if earlier is not entry:
            yield Problem(entry.position_of(key), DUPLICATE, f"duplicate {kind.unique_what or kind.what} '{name}' "
                          f"(first defined at {earlier.position_of(key)})")


def _unknown_names(kind: Kind, definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    """Monitors naming an object of `kind` that the files do not define (or mark absent)."""
    assert kind.named_by is not None and kind.unique_key is not None
    key = kind.named_by.key
    names = {str(getattr(e.value, kind.unique_key)) for e in context.of(kind.name)
             if not getattr(e.value, "absent", False)}
    for definition in definitions:
        name = getattr(definition.monitor, key, None)
        if name is not None and name not in names:
            yield Problem(definition.position_of(key), kind.named_by.code,
                          f"no {kind.what} '{name}' in the files{did_you_mean(name, names)}", via=definition.via)
