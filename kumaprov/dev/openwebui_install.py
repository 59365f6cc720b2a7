"""A real Open WebUI (PyPI `open-webui`, pinned), installed once into a per-user cache.

Like the Uptime Kuma server (kumaprov.dev.install), the venv lives outside the checkout
(about 7.4 GB, about 5 minutes to install) and is reused by every later run. A venv is
not relocatable (its scripts name their interpreter by absolute path), so it is built in
place rather than in a sibling directory; the marker written last is what makes it
count as installed, and a directory without the marker is thrown away and rebuilt. The
same file lock as for Uptime Kuma keeps two processes from building it at once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

from kumaprov.dev.install import Log, _install_lock, cache_root, tail
from kumaprov.errors import LocalServerError

OPENWEBUI_PACKAGE = "open-webui"
# 0.12.4 is the release the template's samples were recorded from (see templates/samples/openwebui).
OPENWEBUI_VERSION = "0.12.4"
INSTALL_TIMEOUT = 2400.0
MARKER_NAME = ".kumaprov-installed"


def stderr_log(message: str) -> None:
    print(f"openwebui: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class OpenWebUIInstallation:
    """A finished venv with open-webui in the cache."""

    prefix: Path

    @property
    def python(self) -> Path:
        return self.prefix / "bin" / "python"

    @property
    def command(self) -> list[str]:
        """How to run the `open-webui` CLI (the console script, by its venv's interpreter)."""
        return [str(self.python), str(self.prefix / "bin" / "open-webui")]


def install_dir(version: str = OPENWEBUI_VERSION) -> Path:
    return cache_root() / f"{OPENWEBUI_PACKAGE}-{version}"


def is_installed(prefix: Path) -> bool:
    return (prefix / MARKER_NAME).is_file()


def ensure_installed(log: Log = stderr_log, version: str = OPENWEBUI_VERSION) -> OpenWebUIInstallation:
    """Return the cached venv, building it first if needed (about 5 minutes cold)."""
    final = install_dir(version)
    if is_installed(final):
        return OpenWebUIInstallation(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    with _install_lock(final.with_name(final.name + ".lock"), log):
        if not is_installed(final):  # another process may have finished while we waited
            _install(final, version, log)
    return OpenWebUIInstallation(final)


def _base_python() -> str:
    """The interpreter to build the venv from: this one's base, not a venv's symlink."""
    return getattr(sys, "_base_executable", None) or sys.executable


def _install(prefix: Path, version: str, log: Log) -> None:
    if prefix.exists():
        log(f"removing an unfinished install at {prefix}")
        shutil.rmtree(prefix)
    started = time.monotonic()
    log(f"creating a venv for {OPENWEBUI_PACKAGE}=={version} at {prefix} ...")
    venv.EnvBuilder(with_pip=True, symlinks=True).create(prefix)
    installation = OpenWebUIInstallation(prefix)
    log(f"pip install {OPENWEBUI_PACKAGE}=={version} (about 5 minutes, ~7 GB) ...")
    log_path = prefix / "pip-install.log"
    _run([str(installation.python), "-m", "pip", "install", "--no-input", f"{OPENWEBUI_PACKAGE}=={version}"],
         log_path, "pip install open-webui")
    _run([str(installation.python), "-c", "import open_webui"], prefix / "import-check.log",
         "importing open_webui")
    marker = {"package": OPENWEBUI_PACKAGE, "version": version,
              "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    tmp = prefix / (MARKER_NAME + ".tmp")
    tmp.write_text(json.dumps(marker, indent=2) + "\n")
    tmp.replace(prefix / MARKER_NAME)
    log(f"{OPENWEBUI_PACKAGE} {version} installed in {time.monotonic() - started:.0f}s at {prefix}")


def _run(cmd: list[str], log_path: Path, what: str) -> None:
    """Run with output in `log_path`; a failure becomes a LocalServerError with the log's tail."""
    with open(log_path, "w") as out:
        try:
            result = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    timeout=INSTALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise LocalServerError(f"{what} did not finish within {INSTALL_TIMEOUT:.0f}s (log: {log_path})") from None
    if result.returncode != 0:
        raise LocalServerError(f"{what} failed with exit code {result.returncode} (log: {log_path}):\n{tail(log_path)}")


if __name__ == "__main__":
    print(ensure_installed().prefix)
