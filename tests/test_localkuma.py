"""The local Uptime Kuma: install caching, tool checks, the migration fix, start/stop and the CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kumaprov.dev import install, localkuma, nodeprocess
from kumaprov.dev.install import (
    KUMA_VERSION,
    MARKER_NAME,
    Installation,
    check_sqlite,
    ensure_installed,
    fix_migrations,
)
from kumaprov.dev.localkuma import LocalKuma, start
from kumaprov.dev.releases import available_releases, release_dir
from kumaprov.errors import LocalServerError


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code


# ---- the real server ---------------------------------------------------------


def test_server_answers_http_on_loopback(kuma_server: LocalKuma) -> None:
    assert kuma_server.url == f"http://127.0.0.1:{kuma_server.port}"
    assert kuma_server.process.poll() is None
    assert http_status(kuma_server.url + "/api/entry-page") == 200
    # The web UI itself is served too (the SPA shell).
    with urllib.request.urlopen(kuma_server.url + "/dashboard", timeout=5) as response:
        assert b"<html" in response.read().lower()
    # 1.23: "Listening on 127.0.0.1:PORT"; 2.x: "Listening on:  http://127.0.0.1:PORT"
    assert re.search(rf"Listening on:? +(http://)?127\.0\.0\.1:{kuma_server.port}\b", kuma_server.log_path.read_text())


def test_server_uses_sqlite_and_has_the_admin(kuma_server: LocalKuma) -> None:
    assert json.loads((kuma_server.data_dir / "db-config.json").read_text()) == {"type": "sqlite"}
    with sqlite3.connect(f"file:{kuma_server.data_dir / 'kuma.db'}?mode=ro", uri=True) as db:
        users = [row[0] for row in db.execute("SELECT username FROM user")]
    assert users == [kuma_server.username]


# ---- installation --------------------------------------------------------------


def test_second_ensure_installed_is_fast_and_identical(kuma_install: Installation) -> None:
    started = time.monotonic()
    again = ensure_installed(log=lambda message: pytest.fail(f"unexpected work: {message}"))
    assert time.monotonic() - started < 1.0
    assert again == kuma_install
    assert again.package_dir == again.prefix / "node_modules" / "uptime-kuma"
    assert again.node_modules == again.prefix / "node_modules"
    assert (again.node_modules / "jsonata").is_dir()
    package = json.loads((again.package_dir / "package.json").read_text())
    assert package["version"] == KUMA_VERSION
    assert json.loads((again.prefix / MARKER_NAME).read_text())["version"] == KUMA_VERSION


def test_install_lives_in_the_cache_not_the_checkout(kuma_install: Installation) -> None:
    assert kuma_install.prefix == install.install_dir()
    assert Path(__file__).resolve().parents[1] not in kuma_install.prefix.resolve().parents


def test_real_install_has_migrations_fixed_and_sqlite_built(kuma_install: Installation) -> None:
    db_dir = kuma_install.package_dir / "db"
    misplaced = sorted(p.name for p in db_dir.glob("patch-*.sql"))
    assert misplaced, "the package layout changed; the migration fix may be obsolete"
    assert all((db_dir / "old_migrations" / name).is_file() for name in misplaced)
    assert fix_migrations(kuma_install.package_dir) == []
    check_sqlite(kuma_install)


def test_cache_location_honours_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KUMAPROV_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert install.install_dir() == tmp_path / "xdg" / "kumaprov" / f"uptime-kuma-{KUMA_VERSION}"
    monkeypatch.setenv("KUMAPROV_CACHE", str(tmp_path / "mine"))
    assert install.install_dir() == tmp_path / "mine" / f"uptime-kuma-{KUMA_VERSION}"


def test_missing_node_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: neither node nor npm
    with pytest.raises(LocalServerError) as err:
        ensure_installed()
    message = str(err.value)
    assert "`node`" in message and "Node.js 20+" in message


def test_missing_npm_is_reported_before_any_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name == "npm" else real_which(name, *a, **k)
    )
    monkeypatch.setenv("KUMAPROV_CACHE", str(tmp_path / "cache"))
    with pytest.raises(LocalServerError) as err:
        ensure_installed()
    assert "`npm`" in str(err.value) and "Node.js 20+" in str(err.value)
    assert not (tmp_path / "cache").exists()


def make_package(package_dir: Path) -> None:
    """The bits of the uptime-kuma package layout the fix and the server launcher look at."""
    (package_dir / "db" / "old_migrations").mkdir(parents=True)
    (package_dir / "server").mkdir()
    (package_dir / "db" / "patch-a.sql").write_text("-- a\n")
    (package_dir / "db" / "patch-b.sql").write_text("-- b\n")
    (package_dir / "db" / "old_migrations" / "patch-b.sql").write_text("-- b, already in place\n")
    (package_dir / "db" / "old_migrations" / "patch1.sql").write_text("-- 1\n")


def test_migration_fix_copies_only_missing_and_is_idempotent(tmp_path: Path) -> None:
    make_package(tmp_path)
    assert fix_migrations(tmp_path) == ["patch-a.sql"]
    old = tmp_path / "db" / "old_migrations"
    assert (old / "patch-a.sql").read_text() == "-- a\n"
    assert (old / "patch-b.sql").read_text() == "-- b, already in place\n"  # not overwritten
    assert fix_migrations(tmp_path) == []
    assert sorted(p.name for p in old.iterdir()) == ["patch-a.sql", "patch-b.sql", "patch1.sql"]


@pytest.fixture
def fake_npm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Replace the npm steps with a fast fake; returns the prefixes it was asked to install into."""
    monkeypatch.setenv("KUMAPROV_CACHE", str(tmp_path / "cache"))
    calls: list[Path] = []

    def fake_install(prefix: Path, npm: str, log: install.Log) -> None:
        calls.append(prefix)
        time.sleep(0.2)  # long enough for a concurrent caller to hit the lock
        make_package(prefix / "node_modules" / "uptime-kuma")

    monkeypatch.setattr(install, "_npm_install", fake_install)
    monkeypatch.setattr(install, "_npm_rebuild_sqlite", lambda prefix, npm, log: None)
    monkeypatch.setattr(install, "check_sqlite", lambda installation: None)
    return calls


def test_interrupted_install_is_redone(fake_npm: list[Path]) -> None:
    final = install.install_dir()
    # Leftovers of a killed run: a half-filled temp dir and a final dir without the marker.
    (final.with_name(final.name + ".partial") / "junk").mkdir(parents=True)
    (final / "node_modules" / "half-written").mkdir(parents=True)
    installation = ensure_installed(log=lambda message: None)
    assert fake_npm == [final.with_name(final.name + ".partial")]
    assert installation.prefix == final
    assert (final / MARKER_NAME).is_file()
    assert not (final / "node_modules" / "half-written").exists()
    assert not final.with_name(final.name + ".partial").exists()
    assert (installation.package_dir / "db" / "old_migrations" / "patch-a.sql").is_file()


def test_failed_install_leaves_nothing_usable(fake_npm: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_rebuild(prefix: Path, npm: str, log: install.Log) -> None:
        raise LocalServerError("npm rebuild of sqlite3 failed")

    monkeypatch.setattr(install, "_npm_rebuild_sqlite", failing_rebuild)
    with pytest.raises(LocalServerError):
        ensure_installed(log=lambda message: None)
    assert not install.is_installed(install.install_dir())


def test_concurrent_installs_run_npm_once(fake_npm: list[Path]) -> None:
    results: list[Installation] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_installed(log=lambda message: None)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(fake_npm) == 1
    assert len(results) == 3 and len(set(results)) == 1


# ---- start-up failures (with a fake server script, so they take a second) -------


def fake_installation(tmp_path: Path, server_js: str) -> Installation:
    installation = Installation.at(tmp_path / "prefix")
    (installation.package_dir / "server").mkdir(parents=True)
    (installation.package_dir / "server" / "server.js").write_text(server_js)
    return installation


def test_server_that_exits_is_reported_with_its_log(tmp_path: Path) -> None:
    installation = fake_installation(
        tmp_path, 'console.error("boom: " + process.env.DATA_DIR); process.exit(3);\n'
    )
    with pytest.raises(LocalServerError) as err:
        start(tmp_path / "data", installation=installation, log=lambda message: None)
    message = str(err.value)
    assert "exited with code 3" in message
    assert f"boom: {tmp_path / 'data'}/" in message  # DATA_DIR has its trailing slash


def test_busy_port_is_named_in_the_error(tmp_path: Path) -> None:
    # What the real server prints and does when its port is taken (it even exits 0).
    installation = fake_installation(
        tmp_path,
        'console.log("Cannot listen: listen EADDRINUSE: address already in use 127.0.0.1:4242");\n'
        "process.exit(0);\n",
    )
    with pytest.raises(LocalServerError) as err:
        start(tmp_path / "data", port=4242, installation=installation, log=lambda message: None)
    first_line = str(err.value).splitlines()[0]
    assert "exited with code 0" in first_line and "EADDRINUSE" in first_line


def test_server_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """A killed test run must not leave node servers behind."""
    installation = fake_installation(tmp_path, "setInterval(() => {}, 1000);\n")
    data = tmp_path / "data"
    data.mkdir()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kumaprov.dev import localkuma, nodeprocess\n"
        f"inst = localkuma.Installation.at(Path({str(installation.prefix)!r}))\n"
        f"data = Path({str(data)!r})\n"
        "p = nodeprocess.spawn(inst, data, localkuma.free_port(), data / 'server.log', detached=False)\n"
        "print(p.pid, flush=True)\n"
        "sys.stdin.read()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    try:
        assert nodeprocess.is_alive(pid)
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while nodeprocess.is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not nodeprocess.is_alive(pid)
    finally:
        if nodeprocess.is_alive(pid):
            os.kill(pid, 9)


def test_server_that_never_answers_times_out_and_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation = fake_installation(tmp_path, 'console.log("sleeping"); setInterval(() => {}, 1000);\n')
    spawned: list[LocalKuma] = []
    real_wait_ready = localkuma.wait_ready

    def recording_wait_ready(kuma: LocalKuma, timeout: float) -> None:
        spawned.append(kuma)
        real_wait_ready(kuma, timeout)

    monkeypatch.setattr(localkuma, "wait_ready", recording_wait_ready)
    with pytest.raises(LocalServerError) as err:
        start(tmp_path / "data", installation=installation, ready_timeout=1, log=lambda m: None)
    assert "did not answer" in str(err.value) and "sleeping" in str(err.value)
    assert spawned[0].process.poll() is not None  # not left running


# ---- the CLI the demo uses ---------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kumaprov.dev.localkuma", *args],
        capture_output=True, text=True, timeout=300, env=os.environ.copy(),
    )


def test_cli_install_prints_the_package_dir(kuma_install: Installation) -> None:
    result = run_cli("install")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(kuma_install.package_dir)


def test_cli_install_all_prints_every_build(kuma_install: Installation) -> None:
    result = run_cli("install", "--all")
    assert result.returncode == 0, result.stderr
    printed = result.stdout.split()
    assert printed[0] == str(kuma_install.package_dir)
    assert printed[1:] == [str(release_dir(v) / v) for v in available_releases()]


def test_cli_start_detaches_and_stop_ends_it(kuma_build: Installation, tmp_path: Path) -> None:
    pidfile = tmp_path / "kuma.pid"
    result = run_cli("start", "--data-dir", str(tmp_path / "data"), "--pidfile", str(pidfile),
                     "--version", kuma_build.version)
    assert result.returncode == 0, result.stderr
    values = dict(line.split("=", 1) for line in result.stdout.strip().splitlines())
    pid = int(pidfile.read_text())
    try:
        assert set(values) >= {"KUMA_URL", "KUMA_USERNAME", "KUMA_PASSWORD"}
        assert values["KUMA_URL"].startswith("http://127.0.0.1:")
        assert int(values["KUMA_PID"]) == pid
        # The CLI process has exited, yet the server keeps answering, from the tree asked for.
        assert http_status(values["KUMA_URL"] + "/api/entry-page") == 200
        assert Path(f"/proc/{pid}/cwd").resolve() == kuma_build.package_dir.resolve()
    finally:
        stopped = run_cli("stop", "--pidfile", str(pidfile))
    assert stopped.returncode == 0, stopped.stderr
    assert not nodeprocess.is_alive(pid)
    assert not pidfile.exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(values["KUMA_URL"] + "/api/entry-page", timeout=2)
    # Stopping again is a harmless no-op.
    assert run_cli("stop", "--pidfile", str(pidfile)).returncode == 0


def test_stop_ignores_a_pid_that_is_not_uptime_kuma(tmp_path: Path) -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert nodeprocess.stop_pid(sleeper.pid) is False
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()
