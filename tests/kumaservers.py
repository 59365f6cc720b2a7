"""Which Uptime Kuma versions the server tests run against, and one server of each per session.

The default is every server the machine can start: the npm build always, and each release
archive in `../shared/uptime-kuma/`. `KUMAPROV_SERVERS` (comma- or space-separated) narrows
that set for a quick run; it never widens it, and a version it names that cannot be started is
an error rather than a run against nothing.

A test declares the versions it applies to with the `servers` marker::

    @pytest.mark.servers(since="2.0.0-beta.3", because="smtp monitors arrived in 2.0.0-beta.3")

On every other selected version it is reported as skipped, with the version and the reason.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kumaprov.dev.install import Log
from kumaprov.dev.localkuma import LocalKuma, start
from kumaprov.dev.releases import available_builds, ensure_build
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.versions import at_least

SERVERS_VARIABLE = "KUMAPROV_SERVERS"
MARKER = "servers"
MARKER_HELP = (f"{MARKER}(since=None, before=None, only=None, because=...): the Uptime Kuma versions "
               "a server test applies to; it is reported as skipped on the others")


def selected_versions(environ: dict[str, str] | None = None, available: list[str] | None = None) -> list[str]:
    """The versions this run tests: all available ones, or the subset `KUMAPROV_SERVERS` names."""
    environ = dict(os.environ) if environ is None else environ
    available = available_builds() if available is None else available
    wanted = [v for v in re.split(r"[,\s]+", environ.get(SERVERS_VARIABLE, "")) if v]
    if not wanted:
        return list(available)
    unknown = [v for v in wanted if v not in available]
    if unknown:
        raise pytest.UsageError(
            f"{SERVERS_VARIABLE} names {', '.join(unknown)}, which this machine cannot start "
            f"(available: {', '.join(available)})"
        )
    return [v for v in available if v in wanted]


def applies(version: str, marker: pytest.Mark | None) -> str | None:
    """None when a test with `marker` applies to `version`, else the reason it does not."""
    if marker is None:
        return None
    since, before, only = (marker.kwargs.get(key) for key in ("since", "before", "only"))
    because = marker.kwargs.get("because")
    if not because:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}{marker.kwargs} needs because=...")
    fits = ((since is None or at_least(version, since))
            and (before is None or not at_least(version, before))
            and (only is None or version in only))
    return None if fits else f"not applicable to Uptime Kuma {version}: {because}"


def parameters(versions: list[str], marker: pytest.Mark | None) -> list[object]:
    """One parameter per selected version; those the test does not apply to skip, saying why."""
    params: list[object] = []
    for version in versions:
        reason = applies(version, marker)
        marks = () if reason is None else (pytest.mark.skip(reason=reason),)
        params.append(pytest.param(version, id=version, marks=marks))
    return params


@dataclass
class ServerPool:
    """One server per version for the whole session, started on first use, with one login each.

    The login is rate limited (about 20 a minute per server) and `loginByToken` is not, so
    every test connects with the token of the one password login made here.
    """

    make_data_dir: Callable[[str], Path]
    log: Log
    servers: dict[str, LocalKuma] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def server(self, version: str) -> LocalKuma:
        kuma = self.servers.get(version)
        if kuma is None or kuma.process.poll() is not None:
            installation = ensure_build(version, self.log)
            kuma = start(self.make_data_dir(version), installation=installation, log=self.log)
            self.servers[version] = kuma
            self.tokens.pop(version, None)
        return kuma

    def token(self, version: str) -> str:
        kuma = self.server(version)
        if version not in self.tokens:
            with KumaClient.connect(kuma.url, Credentials(kuma.username, kuma.password)) as client:
                assert client.token, "a password login returns a token"
                assert client.version == version, f"asked for {version}, the server says {client.version}"
                self.tokens[version] = client.token
        return self.tokens[version]

    def stop_all(self) -> None:
        for kuma in self.servers.values():
            kuma.stop()
