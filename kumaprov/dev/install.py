"""The npm build of uptime-kuma, installed once into a per-user cache.

The cache is outside the checkout, so `git clean` does not cost five
minutes; kumaprov.dev.localkuma starts servers from it.  An install happens
in a sibling directory and is marked complete only at the very end, under a
file lock, so concurrent or interrupted installs never leave a half-built
tree in use.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kumaprov.errors import LocalServerError

KUMA_PACKAGE = "uptime-kuma"
KUMA_VERSION = "2.0.0-dev.0"
SQLITE_PACKAGE = "@louislam/sqlite3"

INSTALL_TIMEOUT = 1800.0
REBUILD_TIMEOUT = 1200.0
LOG_TAIL_LINES = 25

MARKER_NAME = ".kumaprov-installed"

Log = Callable[[str], None]


def stderr_log(message: str) -> None:
    """The default Log: progress on stderr, where it does not mix with printed results."""
    print(f"localkuma: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Installation:
    """A runnable uptime-kuma in the cache: the npm build, or a release tree (kumaprov.dev.releases)."""

    prefix: Path
    package_dir: Path
    node_modules: Path
    version: str = KUMA_VERSION

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


def ensure_installed(log: Log = stderr_log) -> Installation:
    """Return the cached installation, installing it first if needed (about 5 minutes cold)."""
    require_tool("node")
    final = install_dir()
    if is_installed(final):
        return Installation.at(final)
    npm = require_tool("npm")
    final.parent.mkdir(parents=True, exist_ok=True)
    with install_lock(final.with_name(final.name + ".lock"), log):
        # Another process may have finished the install while we waited for the lock.
        if not is_installed(final):
            _install(final, npm, log)
    return Installation.at(final)


@contextmanager
def install_lock(lock_path: Path, log: Log) -> Iterator[None]:
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
    write_marker(final, KUMA_VERSION, source="npm")
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


def write_marker(prefix: Path, version: str, source: str) -> None:
    """Mark `prefix` complete; written last, so anything without it is redone."""
    node_version = subprocess.run(
        [require_tool("node"), "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    marker = {"package": KUMA_PACKAGE, "version": version, "source": source, "node": node_version,
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
