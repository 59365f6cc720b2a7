"""KP201: two maintenance windows with one title (the title is their identity);
KP209: a window covers a monitor id that no definition has."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.checks import LintContext
from kumaprov.loader import Definition, MaintenanceDefinition
from kumaprov.problems import Problem
from kumaprov.suggest import did_you_mean

DUPLICATE = "KP201"
UNKNOWN_MONITOR = "KP209"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    # Ids as written, so one monitor failing the schema does not make references to it look wrong.
    ids = {str(entry.raw.get("id")) for entry in context.entries}
    first: dict[str, MaintenanceDefinition] = {}
    for entry in context.maintenance:
        window = entry.window
        earlier = first.setdefault(window.title, entry)
        if earlier is not entry:
            yield Problem(entry.position_of("title"), DUPLICATE, f"duplicate maintenance window "
                          f"'{window.title}' (first defined at {earlier.position_of('title')})")
        for index, monitor_id in enumerate(window.monitors):
            if monitor_id not in ids:
                yield Problem(entry.position_of("monitors", index), UNKNOWN_MONITOR,
                              f"maintenance window '{window.title}' covers '{monitor_id}', which no monitor "
                              f"definition has{did_you_mean(monitor_id, ids)}")
