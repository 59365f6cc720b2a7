"""Which server a run talks to, and the session to it.

Imports the socket client but nothing of the definitions' model, so `diff` and `sync` can
start logging in (`Opening`) while the rest of kumaprov is still being imported.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from kumaprov.definitions.project import Project
from kumaprov.errors import KumaprovError, UsageError
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


def session_client(connection: Connection) -> KumaClient:
    return KumaClient.connect(connection.url, connection.credentials, connection.timeout)


@contextmanager
def session(connection: Connection) -> Iterator[KumaClient]:
    client = session_client(connection)
    try:
        yield client
    finally:
        client.close()


class Opening:
    """The session of a `diff` or `sync`, opened on a thread while the files are checked.

    Between a login and its lists the server works for a while (about 1 s at 200 monitors on
    2.5.3), and kumaprov's imports and lint fit in that wait. Only a token login starts early:
    a password login is rate limited (about 20 a minute), and broken files must not spend one.
    Problems in the files still come first: `client()` is asked for only after lint passed, and
    a failure to connect is raised only then.
    """

    def __init__(self, project: Project, url: str | None, environ: Mapping[str, str], timeout: float) -> None:
        self._client: KumaClient | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._closed = False
        self._early = False
        try:
            self.connection: Connection | None = connection_for(project, url, environ, timeout)
        except KumaprovError as exc:  # said after the files' problems, as before there was an Opening
            self.connection, self._error = None, exc
            self._done.set()
            return
        self._early = bool(self.connection.credentials.token)
        if self._early:
            threading.Thread(target=self._open, name="kumaprov-login", daemon=True).start()

    def _open(self) -> None:
        assert self.connection is not None
        try:
            client = session_client(self.connection)
        except BaseException as exc:  # raised in the caller's thread by client()
            self._error = exc
        else:
            with self._lock:
                if self._closed:  # the run ended first (its files were broken): nobody will use it
                    client.close()
                else:
                    self._client = client
        finally:
            self._done.set()

    def client(self) -> KumaClient:
        """The logged-in session: the one opened early, or one opened now."""
        if not (self._early or self._done.is_set()):
            self._open()  # a password login, now that the files have passed
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._client is not None
        return self._client

    def close(self) -> None:
        with self._lock:
            self._closed = True
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def __enter__(self) -> Opening:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
