"""Shared fixtures: real Uptime Kuma servers, one per version under test, and an Open WebUI stand-in.

Server tests run against every version this machine can start (tests/kumaservers.py): the npm
build `2.0.0-dev.0` (installed into the user cache on first use, about 5 minutes) and each
release archive in `../shared/uptime-kuma/` (unpacked into the cache on first use). A test that
asks for a server (`kuma_server`, `kuma_env`, `kuma_client`, or `kuma_version` itself) runs once
per version, e.g. `test_x[2.5.3]`; `@pytest.mark.servers(...)` says which versions it applies
to, and it is reported as skipped, with the reason, on the others. Each version's server is
started once per session and logged in once.

A test of another service against every version (a real Open WebUI, say) asks for `kuma_env`
(KUMA_URL and KUMA_TOKEN of the shared server) and, where it must know, `kuma_version`; a test
that has to start, break or lock out a server of its own asks for `own_kuma`, or for `kuma_build` and calls
`kumaprov.dev.localkuma.start(data_dir, installation=kuma_build)`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kumaprov.dev.localkuma import Installation, LocalKuma, ensure_installed, start
from kumaprov.dev.releases import available_builds, ensure_build, releases_dir
from kumaprov.dev.standin import StandIn, start_standin
from kumaprov.server.client import Credentials, KumaClient
from tests.kumaservers import MARKER, MARKER_HELP, SERVERS_VARIABLE, ServerPool, parameters, selected_versions


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    config.stash[_VERSIONS] = selected_versions()


def pytest_report_header(config: pytest.Config) -> str:
    versions = config.stash[_VERSIONS]
    narrowed = "" if versions == available_builds() else f", narrowed by {SERVERS_VARIABLE}"
    return f"Uptime Kuma servers: {', '.join(versions)} (releases from {releases_dir()}{narrowed})"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "kuma_version" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker(MARKER)
        # Session scope: pytest then groups the tests by version, and module-scoped
        # fixtures (a test's own extra servers) may depend on the version too.
        metafunc.parametrize("kuma_version", parameters(metafunc.config.stash[_VERSIONS], marker),
                             indirect=True, scope="session")


_VERSIONS = pytest.StashKey[list[str]]()


def _log_through(pytestconfig: pytest.Config) -> Callable[[str], None]:
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def log(message: str) -> None:
        # Shown despite output capturing: a silent five-minute first install looks like a hang.
        with capture.global_and_fixture_disabled():
            print(f"\nlocalkuma: {message}", file=sys.stderr, flush=True)

    return log


@pytest.fixture(scope="session")
def kuma_install(pytestconfig: pytest.Config) -> Installation:
    """The npm build (for tests about installing it; server tests use `kuma_build`)."""
    return ensure_installed(_log_through(pytestconfig))


@pytest.fixture(scope="session")
def kuma_version(request: pytest.FixtureRequest) -> str:
    """The Uptime Kuma version under test: `2.0.0-dev.0`, `1.23.17`, `2.5.3` (parametrized)."""
    return str(request.param)


@pytest.fixture(scope="session")
def kuma_build(kuma_version: str, pytestconfig: pytest.Config) -> Installation:
    """The runnable server of the version under test, for tests that start servers of their own."""
    return ensure_build(kuma_version, _log_through(pytestconfig))


@pytest.fixture
def own_kuma(kuma_build: Installation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKuma]:
    """A fresh server of the version under test for this test alone (a second instance, or one
    whose state the shared server must not get: the first API key changes how /metrics logs in)."""
    kuma = start(tmp_path_factory.mktemp("kuma-own"), installation=kuma_build)
    try:
        yield kuma
    finally:
        kuma.stop()


@pytest.fixture(scope="session")
def kuma_pool(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    pool = ServerPool(lambda version: tmp_path_factory.mktemp(f"kuma-{version}"), _log_through(pytestconfig))
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture(scope="session")
def kuma_server(kuma_pool: ServerPool, kuma_version: str) -> LocalKuma:
    return kuma_pool.server(kuma_version)


@pytest.fixture(scope="session")
def kuma_token(kuma_pool: ServerPool, kuma_version: str) -> str:
    """One password login per server for the whole session: the server rate-limits logins
    (~20/minute), while loginByToken is not limited, so every test connects with this token."""
    return kuma_pool.token(kuma_version)


@pytest.fixture
def kuma_env(kuma_server: LocalKuma, kuma_token: str) -> dict[str, str]:
    return {"KUMA_URL": kuma_server.url, "KUMA_TOKEN": kuma_token}


@pytest.fixture
def kuma_client(kuma_server: LocalKuma, kuma_token: str) -> Iterator[KumaClient]:
    with KumaClient.connect(kuma_server.url, Credentials(token=kuma_token)) as client:
        yield client


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A fresh stand-in per test, so request counts belong to that test alone."""
    server = start_standin()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def lint_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own lint result cache, so no test sees another's results."""
    directory = tmp_path_factory.mktemp("lint-cache")
    monkeypatch.setenv("KUMAPROV_LINT_CACHE", str(directory))
    return directory
