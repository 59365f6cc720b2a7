"""KP502 (warning): a request timeout at least as long as the interval overlaps the next check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition
from kumaprov.model.monitors import HttpMonitor
from kumaprov.problems import Problem, Severity

CODE = "KP502"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for definition in definitions:
        monitor = definition.monitor
        # Only a timeout someone wrote: the default is already kept below the interval.
        if isinstance(monitor, HttpMonitor) and monitor.timeout is not None and monitor.timeout >= monitor.interval:
            yield Problem(definition.position_of("timeout"), CODE,
                          f"timeout ({monitor.timeout:g} s) should be shorter than the interval "
                          f"({monitor.interval} s)", Severity.WARNING, definition.via)
