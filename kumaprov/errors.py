"""One root error for everything kumaprov reports; a subclass per area.

The CLI maps these to exit codes, so a user never sees a traceback for a
problem they can fix.
"""

from __future__ import annotations


class KumaprovError(Exception):
    """Root of every error kumaprov raises on purpose."""

    exit_code = 1


class UsageError(KumaprovError):
    """Bad invocation or configuration (exit 2, like click's own usage errors)."""

    exit_code = 2


class ConnectionFailed(UsageError):
    """The server could not be reached or refused the credentials."""


class ServerError(KumaprovError):
    """The server answered a request with an error."""


class PlanRefused(KumaprovError):
    """A safety guard stopped a plan before any write."""


class LocalServerError(KumaprovError):
    """The local Uptime Kuma used for tests and the demo could not be installed or started."""
