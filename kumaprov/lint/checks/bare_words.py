"""KP304 (warning): a query compares with a bare word that is no field of any sample.

`data[status = active]` reads the field `active`, which is almost never what
was meant: the author wanted the string "active". Such a predicate is quietly
false on every response, so the monitor can never be UP.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext, json_keys, sample_path
from kumaprov.definitions.entries import Definition
from kumaprov.model.monitors import JsonQueryMonitor
from kumaprov.definitions.fileguard import Refused
from kumaprov.problems import Problem, Severity

CODE = "KP304"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for definition in definitions:
        monitor = definition.monitor
        if not isinstance(monitor, JsonQueryMonitor) or not monitor.samples:
            continue
        fields = _sample_fields(definition, context)
        if not fields:
            continue  # no JSON samples: nothing to judge the names against
        from kumaprov.semantics import jsonquery  # JSONata loads only for a project with queries
        from kumaprov.semantics.querynames import bare_path_names

        try:
            names = bare_path_names(monitor.query)
        except jsonquery.QuerySyntaxError:
            continue
        for name, offset in names:
            if name not in fields:
                yield Problem(
                    definition.position_of("query"), CODE,
                    f"'{name}' (character {offset + 1} of the query) is read as a field, and no sample has "
                    f"a field named '{name}': did you mean the string \"{name}\"?",
                    Severity.WARNING, definition.via)


def _sample_fields(definition: Definition, context: LintContext) -> set[str]:
    fields: set[str] = set()
    monitor = definition.monitor
    assert isinstance(monitor, JsonQueryMonitor)
    for sample in monitor.samples:
        if sample.file is None:
            fields |= json_keys(sample.body or "")
            continue
        try:
            fields |= context.samples.json_keys(sample_path(definition.base_dir, sample.file), definition.builtin)
        except Refused:
            continue  # KP303 reports it
    return fields
