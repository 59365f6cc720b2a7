"""`alerts:` over the defaults: each alert is taken whole from the nearest layer that names it.

The project's `defaults`, then the file's, then the monitor's own block (a templated
monitor's own block is what its template rendered). `name: false` turns an inherited alert
off. An inherited alert of a kind the monitor cannot have (a latency alert on a push
monitor, a certificate alert on a plain-http URL) is skipped, as a default key that a
monitor type lacks is; written on the monitor itself, lint reports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kumaprov.alerts.metrics import CERTIFICATE_TYPES, NO_RESPONSE_TIME
from kumaprov.alerts.syntax import kind_of
from kumaprov.definitions.yamlpos import LocatedMap

KEY = "alerts"


def applies(kind: str | None, monitor: dict[str, Any]) -> bool:
    """Whether an alert of `kind` can ever fire for this monitor (as written)."""
    monitor_type = monitor.get("type")
    if kind == "latency":
        return monitor_type not in NO_RESPONSE_TIME
    if kind == "certificate":
        url = monitor.get("url")
        return monitor_type in CERTIFICATE_TYPES and isinstance(url, str) and url.startswith("https://")
    return True


def merge(merged: LocatedMap, own: LocatedMap, layers: Sequence[LocatedMap]) -> None:
    """Replace `merged[alerts]` (the nearest layer's block) by the per-alert merge."""
    blocks = [layer for layer in [*layers, own] if isinstance(layer.get(KEY), LocatedMap)]
    if not blocks or not all(isinstance(layer.get(KEY), LocatedMap) for layer in [*layers, own] if KEY in layer):
        return  # nothing to merge, or a malformed block that validation reports as written
    result = LocatedMap()
    result.pos = merged.position_of_value(KEY)
    result.key_pos, result.value_pos = {}, {}
    for layer in blocks:
        block = layer[KEY]
        for name, value in block.items():
            if layer is not own and value is not False and not applies(kind_of(str(name), value), merged):
                continue
            result[name] = value
            result.key_pos[name] = block.position_of_key(name)
            result.value_pos[name] = block.position_of_value(name)
    merged[KEY] = result
