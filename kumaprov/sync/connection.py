"""Which server a run talks to, and the session to it.

Imports the socket client but nothing of the definitions' model: `token` and `export` need
no more.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from kumaprov.definitions.project import Project
from kumaprov.errors import UsageError
from kumaprov.secrets import REDACTOR
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.server.totp import totp_now


@dataclass(frozen=True)
class Connection:
    url: str
    credentials: Credentials
    timeout: float = 15.0


def connection_from(url: str | None, environ: Mapping[str, str], timeout: float = 15.0) -> Connection:
    url = url or environ.get("KUMA_URL")
    if not url:
        raise UsageError("no server: pass --url or set KUMA_URL")
    totp = environ.get("KUMA_TOTP") or None
    if not totp and environ.get("KUMA_TOTP_SECRET"):
        totp = totp_now(environ["KUMA_TOTP_SECRET"])
    credentials = Credentials(environ.get("KUMA_USERNAME"), environ.get("KUMA_PASSWORD"),
                              environ.get("KUMA_TOKEN") or None, totp)
    return Connection(url, credentials, timeout)


def connection_for(project: Project, url: str | None, environ: Mapping[str, str], timeout: float = 15.0) -> Connection:
    """The server of the project's environment, from that environment's own variables (and
    its `url:`); without environments, KUMA_URL and the other KUMA_* variables."""
    for environment in project.environments:  # every environment's, not only this run's
        for name, value in environment.connection_environ(environ).items():
            if name != "KUMA_URL":
                REDACTOR.add(value, environment.variable(name))  # masked whatever its length or name
    chosen = project.environment
    if chosen is None:
        return connection_from(url, environ, timeout)
    mapped = chosen.connection_environ(environ)
    if not (url or mapped.get("KUMA_URL")):
        raise UsageError(f"no server for environment '{chosen.name}': set {chosen.variable('KUMA_URL')}, "
                         "give it a `url:` in kumaprov.yaml, or pass --url")
    return connection_from(url, mapped, timeout)


@contextmanager
def session(connection: Connection) -> Iterator[KumaClient]:
    client = KumaClient.connect(connection.url, connection.credentials, connection.timeout)
    try:
        yield client
    finally:
        client.close()
