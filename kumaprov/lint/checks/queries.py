"""KP301: a JSONata query that does not parse, with the position in the expression."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition
from kumaprov.model.monitors import JsonQueryMonitor
from kumaprov.problems import Problem

if TYPE_CHECKING:
    from kumaprov.semantics import jsonquery

CODE = "KP301"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for definition in definitions:
        monitor = definition.monitor
        if not isinstance(monitor, JsonQueryMonitor):
            continue
        from kumaprov.semantics import jsonquery  # JSONata loads only for a project with queries

        try:
            jsonquery.compile_query(monitor.query)
        except jsonquery.QuerySyntaxError as exc:
            yield Problem(definition.position_of("query"), CODE, describe(monitor.query, exc), via=definition.via)


def describe(query: str, exc: jsonquery.QuerySyntaxError) -> str:
    """The message, plus a caret under the offending character of the query."""
    if exc.position is None:
        return f"JSONata syntax error: {exc.message}"
    where = min(max(exc.position, 0), len(query))
    return (f"JSONata syntax error at character {where + 1}: {exc.message}\n"
            f"    {query}\n    {' ' * where}^")
