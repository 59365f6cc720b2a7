"""One root error for everything kumaprov reports; a subclass per area.

The CLI maps these to exit codes, so a user never sees a traceback for a
problem they can fix.
"""

from __future__ import annotations

from typing import Any


class KumaprovError(Exception):
    """Root of every error kumaprov raises on purpose."""

    exit_code = 1


class UsageError(KumaprovError):
    """Bad invocation or configuration (exit 2, like click's own usage errors)."""

    exit_code = 2


class ConnectionFailed(UsageError):
    """The server could not be reached or refused the credentials."""


class InvalidDefinitions(KumaprovError):
    """Definitions failed validation before any write; the problems say where."""

    def __init__(self, problems: list[Any], files: int) -> None:
        super().__init__(f"{len(problems)} problem(s) in the definitions")
        self.problems = problems
        self.files = files


class ServerError(KumaprovError):
    """The server answered a request with an error."""


class PlanRefused(KumaprovError):
    """A safety guard stopped a plan before any write."""


class LocalServerError(KumaprovError):
    """The local Uptime Kuma used for tests and the demo could not be installed or started."""
