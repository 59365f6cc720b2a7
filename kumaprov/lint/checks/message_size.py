"""KP107: a monitor too large for Uptime Kuma to accept over its socket.

Uptime Kuma (1.23 and 2.x alike) leaves socket.io's `maxHttpBufferSize` at its default,
1,000,000 bytes: a larger message closes the connection, and sync could only report that
the server did not answer. Measured on the npm 2.0.0-dev.0 server: an `add` of 999,908
bytes is accepted, one of 1,000,208 bytes drops the connection. An edit sends the monitor
as the server holds it, every column and its tags: a small monitor's 404-byte `add` is an
1,822-byte `editMonitor` there, and 2.x has more columns; hence the margin.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition
from kumaprov.model.fields import kuma_fields
from kumaprov.problems import Problem

CODE = "KP107"
MESSAGE_LIMIT = 1_000_000  # bytes: socket.io's default maxHttpBufferSize, which Uptime Kuma keeps
ENVELOPE = 8_192  # bytes an edit adds (the server's other columns, tags) plus '42<ack>["editMonitor",...]'
_CHEAP_BOUND = MESSAGE_LIMIT // 8  # characters: below this no monitor comes near the limit, escaped or not


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for definition in definitions:
        if _rough_size(definition.monitor.__dict__) < _CHEAP_BOUND:
            continue  # every ordinary monitor: no need to build its payload
        fields = kuma_fields(definition.monitor, context.lines[0], _as_written).values
        size = len(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")) + ENVELOPE
        if size > MESSAGE_LIMIT:
            key = max(definition.raw, key=lambda k: _rough_size({k: definition.raw[k]}))
            yield Problem(definition.position_of(key), CODE,
                          f"this monitor makes a {size:,}-byte message ('{key}' is the largest part); Uptime Kuma "
                          f"accepts at most {MESSAGE_LIMIT:,} bytes per message (socket.io maxHttpBufferSize) and "
                          "drops the connection otherwise", via=definition.via)


def _as_written(name: str) -> str:
    return "${" + name + "}"


def _rough_size(values: dict[str, Any]) -> int:
    """About the characters of the values (samples aside: lint reads them, sync never sends them)."""
    size = 0
    for key, value in values.items():
        if isinstance(value, str):
            size += len(value)
        elif value and isinstance(value, (dict, list, tuple)) and key != "samples":
            size += len(repr(value))  # C-fast for the small mappings and lists of monitors
    return size
