"""The plain-text parts of an `alerts:` block: the kinds an alert may name, Prometheus
durations (`2m`, `1h30m`, `500ms`) and the placeholders labels and annotations may hold.

Apart from spec.py on purpose: the loader (merging `alerts:` over the defaults) and the
click options of `kumaprov alerts` need these, and spec.py builds the pydantic alert models,
which a project without alerts never uses.
"""

from __future__ import annotations

import re
from typing import Any

KINDS = ("down", "latency", "certificate", "uptime")
DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_UNIT_SECONDS = (365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001)
PLACEHOLDERS = ("name", "id", "url", "type")
# `{name}` is ours; `{{ $value }}` (two braces) is Prometheus' own templating and stays.
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def seconds(duration: str) -> float:
    """Seconds in a Prometheus duration such as `1h30m` or `500ms`."""
    match = DURATION.match(duration)
    assert match is not None and duration, duration
    return sum(int(part) * unit for part, unit in zip(match.groups(), _UNIT_SECONDS) if part)


def is_duration(text: str) -> bool:
    return bool(text) and DURATION.match(text) is not None


def kind_of(name: str, value: Any) -> str | None:
    """The kind an entry declares, or the one its name says."""
    if isinstance(value, dict) and "kind" in value:
        return str(value["kind"])
    return name if name in KINDS else None


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
