"""Shared fixtures: a real Uptime Kuma (installed into the user cache on first use) and an
Open WebUI stand-in.

The first run on a fresh machine installs uptime-kuma with npm (about 5 minutes);
later runs reuse the cached install and start a server in ~10-30 s once per session.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kumaprov.server.client import Credentials, KumaClient
from kumaprov.dev.localkuma import Installation, LocalKuma, ensure_installed, start
from kumaprov.dev.standin import StandIn, start_standin


@pytest.fixture(scope="session")
def kuma_install(pytestconfig: pytest.Config) -> Installation:
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def log(message: str) -> None:
        # Shown despite output capturing: a silent five-minute first install looks like a hang.
        with capture.global_and_fixture_disabled():
            print(f"\nlocalkuma: {message}", file=sys.stderr, flush=True)

    return ensure_installed(log)


@pytest.fixture(scope="session")
def kuma_server(kuma_install: Installation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKuma]:
    kuma = start(tmp_path_factory.mktemp("kuma-data"), installation=kuma_install)
    try:
        yield kuma
    finally:
        kuma.stop()


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A fresh stand-in per test, so request counts belong to that test alone."""
    server = start_standin()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def kuma_token(kuma_server: LocalKuma) -> str:
    """One password login for the whole session: the server rate-limits logins (~20/minute),
    while loginByToken is not limited, so every test connects with this token."""
    with KumaClient.connect(kuma_server.url, Credentials(kuma_server.username, kuma_server.password)) as client:
        assert client.token
        return client.token


@pytest.fixture
def kuma_env(kuma_server: LocalKuma, kuma_token: str) -> dict[str, str]:
    return {"KUMA_URL": kuma_server.url, "KUMA_TOKEN": kuma_token}


@pytest.fixture
def kuma_client(kuma_server: LocalKuma, kuma_token: str) -> Iterator[KumaClient]:
    with KumaClient.connect(kuma_server.url, Credentials(token=kuma_token)) as client:
        yield client


@pytest.fixture(autouse=True)
def lint_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own lint result cache, so no test sees another's results."""
    directory = tmp_path_factory.mktemp("lint-cache")
    monkeypatch.setenv("KUMAPROV_LINT_CACHE", str(directory))
    return directory
