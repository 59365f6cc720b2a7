"""A real Uptime Kuma on 127.0.0.1 for the test suite and the demo.

The npm build of uptime-kuma is installed once into a per-user cache
(kumaprov.dev.install), and the release archives beside the project are
unpacked there (kumaprov.dev.releases); both are then reused.  Servers are
started from that cache with a throwaway data directory.

Usage from Python::

    with start(tmp_path / "kuma") as kuma:
        print(kuma.url, kuma.username, kuma.password)

Usage from a shell (what the demo script does)::

    eval "$(python -m kumaprov.dev.localkuma start --data-dir DIR --pidfile DIR/kuma.pid [--version 2.5.3])"
    python -m kumaprov.dev.localkuma stop --pidfile DIR/kuma.pid
"""

from __future__ import annotations

import atexit
import json
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from kumaprov.dev.install import KUMA_VERSION, Installation, Log, ensure_installed, stderr_log, tail
from kumaprov.dev.releases import available_builds, ensure_build
from kumaprov.dev.nodeprocess import HOST, StoppableProcess, spawn, stop_pid
from kumaprov.errors import KumaprovError, LocalServerError

# Installation, ensure_installed and stop_pid are re-exported: the tests get
# everything about the local server from this module.
__all__ = ["DEFAULT_PASSWORD", "DEFAULT_USERNAME", "Installation", "LocalKuma", "cli", "ensure_installed",
           "free_port", "main", "start", "stop_pid", "wait_ready", "write_db_config"]

DEFAULT_USERNAME = "admin"
# Uptime Kuma refuses "Too weak" passwords at setup; this one is rated strong.
DEFAULT_PASSWORD = "Kumaprov-local-2024!"

READY_TIMEOUT = 120.0
SERVER_LOG_NAME = "server.log"


@dataclass
class LocalKuma(StoppableProcess):
    """A running Uptime Kuma server; `stop()` (or leaving the `with` block) ends it."""

    url: str
    port: int
    data_dir: Path
    username: str
    password: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    """A port free on 127.0.0.1 right now (the OS picks; a tiny race remains, as everywhere)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def write_db_config(data_dir: Path) -> None:
    """Choose SQLite up front so the server skips its interactive database setup page."""
    (data_dir / "db-config.json").write_text(json.dumps({"type": "sqlite"}) + "\n")


def start(
    data_dir: Path,
    port: int | None = None,
    username: str = DEFAULT_USERNAME,
    password: str = DEFAULT_PASSWORD,
    installation: Installation | None = None,
    *,
    detached: bool = False,
    ready_timeout: float = READY_TIMEOUT,
    log: Log = stderr_log,
) -> LocalKuma:
    """Start Uptime Kuma on 127.0.0.1, wait until it answers, and create the admin user.

    `detached=True` puts the server in its own session so it outlives this process
    (the CLI's `start`); otherwise it is stopped at interpreter exit at the latest.
    """
    installation = installation or ensure_installed(log)
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    write_db_config(data_dir)
    port = port or free_port()
    log_path = data_dir / SERVER_LOG_NAME
    process = spawn(installation, data_dir, port, log_path, detached)
    kuma = LocalKuma(url=f"http://{HOST}:{port}", port=port, data_dir=data_dir, username=username,
                     password=password, process=process, log_path=log_path)
    if not detached:
        atexit.register(kuma.stop)
    try:
        started = time.monotonic()
        wait_ready(kuma, ready_timeout)
        log(f"Uptime Kuma ready at {kuma.url} after {time.monotonic() - started:.1f}s")
        _create_admin(kuma)
    except BaseException:
        kuma.stop()
        raise
    return kuma


def wait_ready(kuma: LocalKuma, timeout: float = READY_TIMEOUT) -> None:
    """Poll an API route until the server answers; it listens only after all handlers exist."""
    deadline = time.monotonic() + timeout
    probe = f"{kuma.url}/api/entry-page"
    while True:
        code = kuma.process.poll()
        if code is not None:
            reason = _startup_failure_reason(kuma.log_path)
            raise LocalServerError(
                f"Uptime Kuma exited with code {code} during startup{reason} "
                f"(log: {kuma.log_path}):\n{tail(kuma.log_path)}"
            )
        if _answers(probe):
            return
        if time.monotonic() > deadline:
            raise LocalServerError(
                f"Uptime Kuma did not answer on {kuma.url} within {timeout:.0f}s "
                f"(log: {kuma.log_path}):\n{tail(kuma.log_path)}"
            )
        time.sleep(0.25)


def _startup_failure_reason(log_path: Path) -> str:
    """The server's own one-line reason, e.g. a busy port; it exits 0 even then."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    for line in lines:
        if line.startswith("Cannot listen:"):
            return f" ({line.strip()})"
    return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:  # URLError, HTTPError and connection errors alike: not ready yet
        return False


def _create_admin(kuma: LocalKuma) -> None:
    # Imported here so `install` works even while kumaprov.server.client's dependencies are broken.
    from kumaprov.server.client import create_admin

    try:
        create_admin(kuma.url, kuma.username, kuma.password)
    except KumaprovError as exc:
        raise LocalServerError(f"Uptime Kuma started but the admin could not be created: {exc}") from None
    except Exception as exc:  # the client library raises its own types; kuma.py owns them
        raise LocalServerError(
            f"Uptime Kuma started but the admin could not be created: {type(exc).__name__}: {exc}"
        ) from None


def _shell_assignments(kuma: LocalKuma) -> str:
    values = {"KUMA_URL": kuma.url, "KUMA_USERNAME": kuma.username,
              "KUMA_PASSWORD": kuma.password, "KUMA_PID": str(kuma.pid)}
    return "\n".join(f"{name}={shlex.quote(value)}" for name, value in values.items())


def _exit_with(exc: KumaprovError) -> NoReturn:
    """Report like a click.ClickException, but exit with the error's own code."""
    # ClickException.exit_code is a class variable, so a ClickException cannot
    # carry a per-error code (e.g. 2 for a UsageError).
    click.echo(f"Error: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group()
def cli() -> None:
    """Install, start and stop a local Uptime Kuma for tests and the demo."""


@cli.command()
@click.option("--version", "versions", multiple=True, metavar="VERSION",
              help=f"{KUMA_VERSION} (the npm build, the default) or a release in ../shared/uptime-kuma; repeatable.")
@click.option("--all", "every", is_flag=True, help="The npm build and every release available.")
def install(versions: tuple[str, ...], every: bool) -> None:
    """Install (or unpack) Uptime Kuma into the cache if needed and print each package dir."""
    try:
        for version in available_builds() if every else versions or (KUMA_VERSION,):
            click.echo(ensure_build(version).package_dir)
    except KumaprovError as exc:
        _exit_with(exc)


@cli.command("start")
@click.option("--data-dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", type=int, default=None, help="Default: a free port.")
@click.option("--pidfile", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: DATA_DIR/server.pid.")
@click.option("--username", default=DEFAULT_USERNAME, show_default=True)
@click.option("--password", default=DEFAULT_PASSWORD)
@click.option("--version", default=KUMA_VERSION, show_default=True,
              help="The npm build or a release in ../shared/uptime-kuma (e.g. 1.23.17, 2.5.3).")
def start_command(data_dir: Path, port: int | None, pidfile: Path | None, username: str,
                  password: str, version: str) -> None:
    """Start a detached server, create the admin, print KUMA_* shell assignments."""
    try:
        kuma = start(data_dir, port, username, password, ensure_build(version), detached=True)
    except KumaprovError as exc:
        _exit_with(exc)
    pidfile = pidfile or kuma.data_dir / "server.pid"
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    pidfile.write_text(f"{kuma.pid}\n")
    click.echo(_shell_assignments(kuma))


@cli.command("stop")
@click.option("--pidfile", required=True, type=click.Path(dir_okay=False, path_type=Path))
def stop_command(pidfile: Path) -> None:
    """Stop the server started with `start --pidfile`; no-op when it is not running."""
    try:
        pid = int(pidfile.read_text().strip())
    except FileNotFoundError:
        click.echo(f"no pidfile at {pidfile}; nothing to stop", err=True)
        return
    except ValueError:
        raise click.ClickException(f"{pidfile} does not contain a process id") from None
    if stop_pid(pid):
        click.echo(f"stopped Uptime Kuma (pid {pid})", err=True)
    else:
        click.echo(f"Uptime Kuma (pid {pid}) was not running", err=True)
    pidfile.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="python -m kumaprov.dev.localkuma")


if __name__ == "__main__":
    main()
