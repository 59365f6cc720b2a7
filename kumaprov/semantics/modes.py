"""The three ways an Uptime Kuma server line evaluates JSON-query monitors.

Its own module, free of jsonata: `kumaprov.versions` stores a Semantics on
every ServerLine, and the CLI imports versions at start-up while it loads
jsonata (about 50 ms) only when a lint run needs it.  How each member
evaluates a query is described in `kumaprov.semantics.jsonquery`; which versions
behave which way is decided by `kumaprov.versions.semantics_for`.
"""

from __future__ import annotations

import enum


class Semantics(enum.Enum):
    """How a server version evaluates JSON-query monitors (see kumaprov.semantics.jsonquery)."""

    V1_23 = "1.23"
    V2_0_DEV = "2.0-dev"
    V2 = "2.x"
