"""Shared fixtures: a real Uptime Kuma (installed into the user cache on first use) and an
Open WebUI stand-in.

The first run on a fresh machine installs uptime-kuma with npm (about 5 minutes);
later runs reuse the cached install and start a server in ~10-30 s once per session.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kumaprov.dev.localkuma import Installation, LocalKuma, ensure_installed, start
from kumaprov.dev.standin import StandIn, start_standin


@pytest.fixture(scope="session")
def kuma_install() -> Installation:
    return ensure_installed()


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
