"""Uptime Kuma versions: the one parser, and what each server line lets kumaprov do.

Three lines differ in ways that decide correctness (design notes section 3):
1.23.x, the npm dev build 2.0.0-dev.0 (1.23-like columns), and 2.x releases
(2.0.0-beta.0 onwards: `conditions`, `jsonPathOperator`; 2.1+: 1 s intervals).
A version is what the server's `info()` reports or what a user writes as
`target`, Docker tag variants included (`2-slim`, `1.23.17-debian`).
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from typing import Final


MAX_INTERVAL = 2_073_600  # 24 days, every line

_VERSION: Final = re.compile(
    r"v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<pre>(?:alpha|beta|rc|dev)(?:[.-][0-9A-Za-z]+)*))?"
    # Docker image variants (louislam/uptime-kuma:2-slim, :1.23.17-debian ...)
    r"(?:-(?:slim|rootless|alpine|debian))?"
)



class Semantics(enum.Enum):
    """How a server version evaluates JSON-query monitors (see kumaprov.semantics.jsonquery)."""

    V1_23 = "1.23"
    V2_0_DEV = "2.0-dev"
    V2 = "2.x"

@dataclass(frozen=True)
class Version:
    """A parsed version; a component left out (`1.23`, `2`) is None."""

    major: int
    minor: int | None
    patch: int | None
    prerelease: str | None  # "beta.2", "dev.0"; a Docker variant is not kept

    @property
    def is_2_0_0_dev(self) -> bool:
        """The npm `2.0.0-dev.*` builds: 2.0 code, but 1.23's columns and no operators."""
        is_2_0_0 = (self.major, self.minor or 0, self.patch or 0) == (2, 0, 0)
        return is_2_0_0 and self.prerelease is not None and self.prerelease.startswith("dev")


@dataclass(frozen=True)
class Unmanageable:
    """A value a server line stores but cannot list back or change: a monitor using it would
    look changed on every sync (and be edited, so restarted, each time), or never work."""

    monitor_type: str
    key: str  # the definition key, as files write it
    value: object
    reason: str


@dataclass(frozen=True)
class ServerLine:
    """The capabilities of one server version that kumaprov must respect."""

    version: str
    json_operators: bool  # the jsonPathOperator column exists (and must be sent)
    conditions: bool  # the conditions column exists and is NOT NULL
    min_interval: int
    json_semantics: Semantics
    unmanageable: tuple[Unmanageable, ...] = ()
    write_window: int = 1  # writes kept in flight at once by sync (measured: bench/write_window.py)

    @property
    def label(self) -> str:
        return f"Uptime Kuma {self.version}"


def parse(version: str) -> Version:
    """Parse `1.23.17`, `v2.5.3`, `2.0.0-beta.2`, `2-slim` ...; ValueError for anything else."""
    match = _VERSION.fullmatch(version.strip())
    if match is None:
        raise ValueError(f"not an Uptime Kuma version: {version!r} (expected e.g. 1.23.17 or 2.5.3)")
    minor, patch = match["minor"], match["patch"]
    return Version(
        major=int(match["major"]),
        minor=int(minor) if minor is not None else None,
        patch=int(patch) if patch is not None else None,
        prerelease=match["pre"],
    )


# Pre-releases in release order: the npm 2.0.0-dev builds came before 2.0.0-beta.0.
_PRERELEASE_ORDER = ("dev", "alpha", "beta", "rc")


def _order(parsed: Version) -> tuple[int, int, int, int, int]:
    # A left-out component counts as 0: `2` may be 2.0.0, so it has only what 2.0.0 has.
    if parsed.prerelease is None:
        rank, number = len(_PRERELEASE_ORDER), 0
    else:
        name, _, rest = parsed.prerelease.partition(".")
        rank = _PRERELEASE_ORDER.index(re.split(r"[.-]", name)[0])
        number = int(rest) if rest.isdigit() else 0
    return parsed.major, parsed.minor or 0, parsed.patch or 0, rank, number


def at_least(version: str, minimum: str) -> bool:
    """Whether server `version` is `minimum` or newer (both parseable versions)."""
    return _order_of(version) >= _order_of(minimum)


@functools.lru_cache(maxsize=256)
def _order_of(version: str) -> tuple[int, int, int, int, int]:
    # Lint asks at_least about every field of every monitor on every server line (64,000 calls
    # for 1,000 monitors, a fifth of that lint), always of the same few version strings.
    return _order(parse(version))


def semantics_for(version: str) -> Semantics:
    """Semantics of a server version such as ``1.23.17``, ``2.0.0-dev.0``, ``2.5.3`` or ``2``.

    Missing components mean the newest release of that line (``1.23`` is
    1.23.17).  Every 2.0.0 beta already has ``jsonPathOperator`` (it arrived
    in efb1642, before 2.0.0-beta.0), so only ``-dev`` builds are
    ``V2_0_DEV``.  1.23.0 - 1.23.11 predate upstream fix #4425 and parse
    bodies exactly like the 2.0.0-dev build.  JSON-query monitors do not
    exist before 1.23.0; older versions map to ``V1_23``, whose keyword
    checks are identical.  Raises ValueError for anything else.
    """
    return _semantics(parse(version))


def _semantics(parsed: Version) -> Semantics:
    if parsed.major >= 2:
        return Semantics.V2_0_DEV if parsed.is_2_0_0_dev else Semantics.V2
    if (parsed.major, parsed.minor) == (1, 23) and parsed.patch is not None and parsed.patch < 12:
        return Semantics.V2_0_DEV
    return Semantics.V1_23


def server_line(version: str) -> ServerLine:
    """What `version` accepts; ValueError for garbage and for versions before 1.23."""
    parsed = parse(version)
    if (parsed.major, parsed.minor or 0) < (1, 23):
        raise ValueError(f"Uptime Kuma {version} is not supported; kumaprov needs 1.23 or newer")
    has_2x_columns = parsed.major >= 2 and not parsed.is_2_0_0_dev
    return ServerLine(
        version=version,
        json_operators=has_2x_columns,
        conditions=has_2x_columns,
        min_interval=_min_interval(parsed),
        json_semantics=_semantics(parsed),
        unmanageable=_unmanageable(parsed),
        write_window=_write_window(parsed),
    )


# Measured on the real servers (tests/test_version_agreement_server.py).
_SNMP_V3 = Unmanageable(
    "snmp", "snmp_version", "3",
    "SNMPv3 needs a username, which the server keeps when the monitor is created but neither lists nor edits, "
    "so kumaprov could never see or change it; use snmp_version 1 or 2c")
_KAFKA_SSL = Unmanageable(
    "kafka-producer", "ssl", True,
    "it lists the setting as false whatever was saved, and editMonitor does not change it")


def _write_window(parsed: Version) -> int:
    """Writes sync keeps in flight at once, chosen by measurement (bench/write_window.py,
    README "Benchmarks"): WINDOW_2X on 2.x releases, WINDOW_LIST_PUSH where every write
    makes the server rebuild and push the whole monitor list (1.23, the 2.0.0-dev build)."""
    return WINDOW_2X if parsed.major >= 2 and not parsed.is_2_0_0_dev else WINDOW_LIST_PUSH


# 2.5.3, 100 monitors, medians of 5 rounds: window 1 -> 8 takes creates from 0.98x to 0.83x
# the sequential add+tag floor, updates 1.05x -> 0.74x, deletes 0.84x -> 0.45x; 16 is no better.
WINDOW_2X = 8
# 1.23.17 and 2.0.0-dev.0, 40 monitors: the server's list rebuild after each add or edit bounds
# creates and updates whatever the window (1.23 creates 2.68 s at 1, 2.86 s at 2, 2.80 s at 4;
# its updates spread 0.84x-1.12x the floor with no order in the window: noise). On 2.0.0-dev.0
# 2 is the best on creates and updates (updates 1.05x -> 0.88x the floor); larger windows only
# help deletes, which answer before their list push. 1.23.17 at 1,000 monitors, n=3
# (bench/sync_bench.py --base 990 --writes 10 --window N): creates at 2 are 1.02x the per-call
# add+tag floor, at 1 1.20x; updates 0.92x and 0.86x.
WINDOW_LIST_PUSH = 2


# The http family (http, keyword, json-query) shares its auth blocks; a key of a block is dotted.
_OAUTH_POST = Unmanageable(
    "http", "oauth2.auth_method", "client_secret_post",
    "its editMonitor copies oauth_auth_method from the saved monitor instead of the one sent, so the method "
    "saved at creation can never be changed back (the default, client_secret_basic, is fine)")


def _unmanageable(parsed: Version) -> tuple[Unmanageable, ...]:
    found = []
    if (parsed.major, parsed.minor or 0) >= (2, 1):  # SNMP v3 came with 2.1.0; 2.5.3 still lists no username
        found.append(_SNMP_V3)
    if parsed.is_2_0_0_dev:  # kafka_producer_ssl is an INTEGER column, listed as `=== "1"`
        found += [_KAFKA_SSL, _OAUTH_POST]
    return tuple(found)


def _min_interval(parsed: Version) -> int:
    # Unlike for the JSON semantics, a left-out minor counts as 0 here: a bare
    # `2` target keeps 2.0's stricter 20 s minimum.
    return 1 if (parsed.major, parsed.minor or 0) >= (2, 1) else 20


def target_line(version: str) -> ServerLine:
    """A version the files are declared for: ValueError unless it is a line kumaprov knows.

    A live server of a later line is another matter (it says what it is); a declared
    `target: 9.9.9` is a typo or a guess, and reading it as 2.x would hide that.
    """
    line = server_line(version)
    parsed = parse(version)
    if not (parsed.major == 2 or (parsed.major, parsed.minor or 0) == (1, 23)):
        raise ValueError(f"Uptime Kuma {version} is not a version kumaprov knows: it knows 1.23.x and 2.x "
                         f"(checked up to {ALL_LINES[-1].version})")
    return line


# Kinds of server object by the release that brought them (lint KP306 before it; the snapshot
# never waits for a list such a server does not push). Read from upstream source and measured
# on the real servers (tests/test_*_server.py): the 2.0.0-dev.0 npm build and 1.23.17 have no
# remote browsers; API keys (`addAPIKey` ..., /metrics accepting them) and the settings kumaprov
# manages (kinds/settings.py) exist on 1.23.17, 2.0.0-dev.0 and 2.5.3 alike.
REMOTE_BROWSERS_SINCE = "2.0.0-beta.0"


# What lint checks against when the project names no target: every supported line.
ALL_LINES: tuple[ServerLine, ...] = (
    server_line("1.23.17"),
    server_line("2.0.0-dev.0"),
    server_line("2.5.3"),
)


def lines_for(target: str | None) -> tuple[ServerLine, ...]:
    return ALL_LINES if target is None else (server_line(target),)
