"""A real Uptime Kuma on 127.0.0.1 for the test suite and the demo.

The npm build of uptime-kuma is installed once into a per-user cache (outside
the checkout, so `git clean` does not cost five minutes) and then reused.
Servers are started from that cache with a throwaway data directory.

Usage from Python::

    with start(tmp_path / "kuma") as kuma:
        print(kuma.url, kuma.username, kuma.password)

Usage from a shell (what the demo script does)::

    eval "$(python -m kumaprov.dev.localkuma start --data-dir DIR --pidfile DIR/kuma.pid)"
    python -m kumaprov.dev.localkuma stop --pidfile DIR/kuma.pid
"""

from __future__ import annotations

import atexit
import ctypes
import fcntl
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import click

from kumaprov.errors import KumaprovError, LocalServerError

KUMA_PACKAGE = "uptime-kuma"
KUMA_VERSION = "2.0.0-dev.0"
SQLITE_PACKAGE = "@louislam/sqlite3"
HOST = "127.0.0.1"

DEFAULT_USERNAME = "admin"
# Uptime Kuma refuses "Too weak" passwords at setup; this one is rated strong.
DEFAULT_PASSWORD = "Kumaprov-local-2024!"

INSTALL_TIMEOUT = 1800.0
REBUILD_TIMEOUT = 1200.0
READY_TIMEOUT = 120.0
STOP_TIMEOUT = 15.0
LOG_TAIL_LINES = 25

MARKER_NAME = ".kumaprov-installed"
SERVER_LOG_NAME = "server.log"

Log = Callable[[str], None]


def _stderr_log(message: str) -> None:
    print(f"localkuma: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Installation
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Installation:
    """A finished npm install of uptime-kuma in the cache."""

    prefix: Path
    package_dir: Path
    node_modules: Path

    @classmethod
    def at(cls, prefix: Path) -> Installation:
        node_modules = prefix / "node_modules"
        return cls(prefix=prefix, package_dir=node_modules / KUMA_PACKAGE, node_modules=node_modules)


def cache_root() -> Path:
    """kumaprov's cache dir: $KUMAPROV_CACHE, else $XDG_CACHE_HOME/kumaprov, else ~/.cache/kumaprov."""
    override = os.environ.get("KUMAPROV_CACHE")
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "kumaprov"


def install_dir() -> Path:
    return cache_root() / f"{KUMA_PACKAGE}-{KUMA_VERSION}"


def require_tool(name: str) -> str:
    """Path of `name` on PATH, or a LocalServerError a user can act on."""
    path = shutil.which(name)
    if path is None:
        raise LocalServerError(
            f"`{name}` was not found on PATH; the local Uptime Kuma needs Node.js 20+ "
            "with npm (e.g. `apt-get install nodejs npm` or https://nodejs.org/)"
        )
    return path


def is_installed(prefix: Path) -> bool:
    return (prefix / MARKER_NAME).is_file()


def ensure_installed(log: Log = _stderr_log) -> Installation:
    """Return the cached installation, installing it first if needed (about 5 minutes cold)."""
    require_tool("node")
    final = install_dir()
    if is_installed(final):
        return Installation.at(final)
    npm = require_tool("npm")
    final.parent.mkdir(parents=True, exist_ok=True)
    with _install_lock(final.with_name(final.name + ".lock"), log):
        # Another process may have finished the install while we waited for the lock.
        if not is_installed(final):
            _install(final, npm, log)
    return Installation.at(final)


@contextmanager
def _install_lock(lock_path: Path, log: Log) -> Iterator[None]:
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another process installing into {lock_path.parent} ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install(final: Path, npm: str, log: Log) -> None:
    """Install into a sibling dir, move it into place, and only then write the marker.

    Anything interrupted before the marker is written is thrown away and redone by
    the next call, so a half-built tree is never used.
    """
    partial = final.with_name(final.name + ".partial")
    for leftover in (partial, final):
        if leftover.exists():
            shutil.rmtree(leftover)
    partial.mkdir()
    started = time.monotonic()
    installation = Installation.at(partial)
    _npm_install(partial, npm, log)
    _npm_rebuild_sqlite(partial, npm, log)
    copied = fix_migrations(installation.package_dir)
    log(f"copied {len(copied)} misplaced migration file(s) into db/old_migrations")
    partial.rename(final)
    check_sqlite(Installation.at(final))
    _write_marker(final)
    log(f"uptime-kuma {KUMA_VERSION} installed in {time.monotonic() - started:.0f}s at {final}")


def _npm_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(npm_config_update_notifier="false", npm_config_fund="false", npm_config_audit="false")
    headers = _local_node_headers()
    # node-gyp would otherwise download headers from nodejs.org, which may be unreachable.
    if headers is not None and not env.get("npm_config_nodedir"):
        env["npm_config_nodedir"] = str(headers)
    return env


def _local_node_headers() -> Path | None:
    """The prefix whose include/node holds the headers of the node on PATH, if installed."""
    node = shutil.which("node")
    if node is None:
        return None
    prefix = Path(node).resolve().parent.parent
    return prefix if (prefix / "include" / "node" / "node_api.h").is_file() else None


def _npm_install(prefix: Path, npm: str, log: Log) -> None:
    # A package.json makes `prefix` the project root; without it npm walks up
    # and may install into whatever project it finds above the cache.
    (prefix / "package.json").write_text(
        json.dumps({"name": "kumaprov-local-kuma", "private": True}, indent=2) + "\n"
    )
    log(f"npm install {KUMA_PACKAGE}@{KUMA_VERSION} (about 3 minutes) ...")
    # Install scripts are skipped on purpose: the only one that matters (sqlite3)
    # would try to download a prebuilt binary from GitHub; we build it below.
    _run(
        [npm, "install", "--prefix", str(prefix), "--ignore-scripts", "--no-audit", "--no-fund",
         f"{KUMA_PACKAGE}@{KUMA_VERSION}"],
        cwd=prefix, log_path=prefix / "npm-install.log", what="npm install", timeout=INSTALL_TIMEOUT,
    )


def _npm_rebuild_sqlite(prefix: Path, npm: str, log: Log) -> None:
    log(f"building {SQLITE_PACKAGE} from source (about 2 minutes) ...")
    _run(
        [npm, "rebuild", "--prefix", str(prefix), SQLITE_PACKAGE, "--build-from-source"],
        cwd=prefix, log_path=prefix / "npm-rebuild.log", what="npm rebuild of sqlite3",
        timeout=REBUILD_TIMEOUT,
    )


def check_sqlite(installation: Installation) -> None:
    """Load the native sqlite module with node, the only check that proves the build works."""
    node = require_tool("node")
    result = subprocess.run(
        [node, "-e", f"require({json.dumps(SQLITE_PACKAGE)})"],
        cwd=installation.package_dir, capture_output=True, text=True, timeout=60,
    )
    if result.returncode != 0:
        raise LocalServerError(
            f"{SQLITE_PACKAGE} does not load after the rebuild:\n{_last_lines(result.stderr)}"
        )


def fix_migrations(package_dir: Path) -> list[str]:
    """Copy db/patch-*.sql into db/old_migrations/ where the published package lacks them.

    uptime-kuma 2.0.0-dev.0 ships seven patches one directory too high; the first
    start then dies with ENOENT. Returns the names copied (empty when nothing was missing).
    """
    db_dir = package_dir / "db"
    target = db_dir / "old_migrations"
    target.mkdir(exist_ok=True)
    copied: list[str] = []
    for patch in sorted(db_dir.glob("patch-*.sql")):
        if not (target / patch.name).exists():
            shutil.copy2(patch, target / patch.name)
            copied.append(patch.name)
    return copied


def _write_marker(prefix: Path) -> None:
    node_version = subprocess.run(
        [require_tool("node"), "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    marker = {"package": KUMA_PACKAGE, "version": KUMA_VERSION, "node": node_version,
              "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    tmp = prefix / (MARKER_NAME + ".tmp")
    tmp.write_text(json.dumps(marker, indent=2) + "\n")
    tmp.replace(prefix / MARKER_NAME)


def _run(cmd: list[str], cwd: Path, log_path: Path, what: str, timeout: float) -> None:
    """Run a command with its output in `log_path`; failures become LocalServerError with the tail."""
    with open(log_path, "w") as out:
        try:
            result = subprocess.run(cmd, cwd=cwd, env=_npm_env(), stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise LocalServerError(
                f"{what} did not finish within {timeout:.0f}s (log: {log_path}):\n{tail(log_path)}"
            ) from None
        except OSError as exc:
            raise LocalServerError(f"{what} could not be started: {exc}") from None
    if result.returncode != 0:
        raise LocalServerError(
            f"{what} failed with exit code {result.returncode} (log: {log_path}):\n{tail(log_path)}"
        )


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return _last_lines(text, lines)


def _last_lines(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-lines:])


# --------------------------------------------------------------------------
# Running a server
# --------------------------------------------------------------------------


@dataclass
class LocalKuma:
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

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate, wait, and kill if it does not exit in time. Safe to call twice."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)

    def __enter__(self) -> LocalKuma:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


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
    log: Log = _stderr_log,
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
    process = _spawn(installation, data_dir, port, log_path, detached)
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


def _server_env(data_dir: Path, port: int) -> dict[str, str]:
    # Drop the caller's UPTIME_KUMA_* settings: e.g. UPTIME_KUMA_DB_TYPE would
    # override db-config.json and point the throwaway server at a real database.
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPTIME_KUMA_")}
    env.update(
        DATA_DIR=f"{data_dir}/",  # the server concatenates file names onto it
        UPTIME_KUMA_HOST=HOST,
        UPTIME_KUMA_PORT=str(port),
        NODE_ENV="production",
    )
    env.pop("HOST", None)  # read as a fallback listen address by the server
    return env


def _spawn(
    installation: Installation, data_dir: Path, port: int, log_path: Path, detached: bool
) -> subprocess.Popen[bytes]:
    node = require_tool("node")
    if not (installation.package_dir / "server" / "server.js").is_file():
        raise LocalServerError(f"no Uptime Kuma server in {installation.package_dir}; reinstall it")
    # The log goes to a file rather than a pipe: nobody drains a pipe of a
    # long-running server, and a full pipe would block it.
    with open(log_path, "ab") as out:
        try:
            return subprocess.Popen(
                [node, "server/server.js"],
                cwd=installation.package_dir,
                env=_server_env(data_dir, port),
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=detached,
                preexec_fn=None if detached else _parent_death_signal(),
            )
        except OSError as exc:
            raise LocalServerError(f"cannot start node: {exc}") from None


def _parent_death_signal() -> Callable[[], None] | None:
    """A preexec hook so a killed test run does not leave node servers behind (Linux only).

    The kernel sends the signal when the *thread* that forked exits, so this is
    only safe from the main thread; elsewhere we rely on stop()/atexit.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before fork, not in the child
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)

    return hook


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
    # Imported here so `install` works even while kumaprov.kuma's dependencies are broken.
    from kumaprov.kuma import create_admin

    try:
        create_admin(kuma.url, kuma.username, kuma.password)
    except KumaprovError as exc:
        raise LocalServerError(f"Uptime Kuma started but the admin could not be created: {exc}") from None
    except Exception as exc:  # the client library raises its own types; kuma.py owns them
        raise LocalServerError(
            f"Uptime Kuma started but the admin could not be created: {type(exc).__name__}: {exc}"
        ) from None


# --------------------------------------------------------------------------
# Stopping a detached server by pid (the CLI's `stop`)
# --------------------------------------------------------------------------


def _is_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # A zombie still answers kill(0) but is gone for our purposes.
            state = stat.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_kuma(pid: int) -> bool:
    """Guard against a stale pidfile whose number now belongs to an unrelated process."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc (not Linux): trust the pidfile
    return b"server/server.js" in cmdline


def stop_pid(pid: int, timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM, wait, SIGKILL. Returns False when no such Uptime Kuma was running."""
    if not _is_alive(pid) or not _is_kuma(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _is_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + timeout
        time.sleep(0.1)
    return True


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def _shell_assignments(kuma: LocalKuma) -> str:
    values = {"KUMA_URL": kuma.url, "KUMA_USERNAME": kuma.username,
              "KUMA_PASSWORD": kuma.password, "KUMA_PID": str(kuma.pid)}
    return "\n".join(f"{name}={shlex.quote(value)}" for name, value in values.items())


def _fail(exc: KumaprovError) -> click.ClickException:
    error = click.ClickException(str(exc))
    error.exit_code = exc.exit_code
    return error


@click.group()
def cli() -> None:
    """Install, start and stop a local Uptime Kuma for tests and the demo."""


@cli.command()
def install() -> None:
    """Install uptime-kuma into the cache (if needed) and print its package dir."""
    try:
        click.echo(ensure_installed().package_dir)
    except KumaprovError as exc:
        raise _fail(exc) from None


@cli.command("start")
@click.option("--data-dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", type=int, default=None, help="Default: a free port.")
@click.option("--pidfile", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: DATA_DIR/server.pid.")
@click.option("--username", default=DEFAULT_USERNAME, show_default=True)
@click.option("--password", default=DEFAULT_PASSWORD)
def start_command(data_dir: Path, port: int | None, pidfile: Path | None, username: str,
                  password: str) -> None:
    """Start a detached server, create the admin, print KUMA_* shell assignments."""
    try:
        kuma = start(data_dir, port, username, password, detached=True)
    except KumaprovError as exc:
        raise _fail(exc) from None
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
