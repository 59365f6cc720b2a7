"""The node process behind a local Uptime Kuma: spawning it, and stopping one by pid.

A server started for the test suite must not outlive it, even when the run is
killed; one started for the demo (`detached`) must outlive the CLI that
started it, so the demo stops it later through its pidfile.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from kumaprov.dev.install import Installation, require_tool
from kumaprov.errors import LocalServerError

HOST = "127.0.0.1"
STOP_TIMEOUT = 15.0


class StoppableProcess:
    """`stop()` and a `with` block for a server process this harness started (Uptime Kuma,
    Open WebUI, LiteLLM, Prometheus): terminate, wait, kill if it does not exit in time."""

    process: subprocess.Popen[Any]

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Safe to call twice."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


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


def spawn(
    installation: Installation, data_dir: Path, port: int, log_path: Path, detached: bool
) -> subprocess.Popen[bytes]:
    """Run `node server/server.js` of `installation` on HOST:`port`, its output appended to `log_path`."""
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


def is_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
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
    # 2.x renames itself (`process.title = "uptime-kuma"`), which replaces the command line.
    return b"server/server.js" in cmdline or cmdline[0] == b"uptime-kuma"


def stop_pid(pid: int, timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM, wait, SIGKILL. Returns False when no such Uptime Kuma was running."""
    if not is_alive(pid) or not _is_kuma(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while is_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + timeout
        time.sleep(0.1)
    return True
