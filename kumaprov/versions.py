"""What each Uptime Kuma server line accepts, keyed by the version string `info()` reports.

Three lines differ in ways that decide correctness (design notes section 3):
1.23.x, the npm dev build 2.0.0-dev.0 (1.23-like columns), and 2.x releases
(2.0.0-beta.0 onwards: `conditions`, `jsonPathOperator`; 2.1+: 1 s intervals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_INTERVAL = 2_073_600  # 24 days, every line

_VERSION = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?\s*$")


@dataclass(frozen=True)
class ServerLine:
    """The capabilities of one server version that kumaprov must respect."""

    version: str
    json_operators: bool  # the jsonPathOperator column exists (and must be sent)
    conditions: bool  # the conditions column exists and is NOT NULL
    min_interval: int
    json_semantics: str  # a kumaprov.jsonquery.Semantics value

    @property
    def label(self) -> str:
        return f"Uptime Kuma {self.version}"


def parse(version: str) -> tuple[int, int, int, str]:
    match = _VERSION.match(version)
    if not match:
        raise ValueError(f"not an Uptime Kuma version: {version!r} (expected e.g. 1.23.17 or 2.5.3)")
    major, minor, patch, pre = match.groups()
    return int(major), int(minor or 0), int(patch or 0), pre or ""


def server_line(version: str) -> ServerLine:
    major, minor, _patch, pre = parse(version)
    if major < 2:
        if (major, minor) < (1, 23):
            raise ValueError(f"Uptime Kuma {version} is not supported; kumaprov needs 1.23 or newer")
        return ServerLine(version, False, False, 20, "1.23")
    if (major, minor) == (2, 0) and pre.startswith("dev"):
        return ServerLine(version, False, False, 20, "2.0-dev")
    min_interval = 20 if (major, minor) == (2, 0) else 1
    return ServerLine(version, True, True, min_interval, "2.x")


# What lint checks against when the project names no target: every supported line.
ALL_LINES: tuple[ServerLine, ...] = (
    server_line("1.23.17"),
    server_line("2.0.0-dev.0"),
    server_line("2.5.3"),
)


def lines_for(target: str | None) -> tuple[ServerLine, ...]:
    return ALL_LINES if target is None else (server_line(target),)
