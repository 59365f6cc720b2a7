"""A pinned PyPI server package (open-webui, litellm[proxy]) in its own venv in the per-user cache.

Like the Uptime Kuma server (kumaprov.dev.install), each venv lives outside the checkout and is
reused by every later run. A venv is not relocatable (its scripts name their interpreter by
absolute path), so it is built in place rather than in a sibling directory; the marker written
last is what makes it count as installed, and a directory without the marker is thrown away
and rebuilt. The same file lock as for Uptime Kuma keeps two processes from building it at once.
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

from kumaprov.dev.install import Log, install_lock, cache_root, tail
from kumaprov.errors import LocalServerError

INSTALL_TIMEOUT = 2400.0
MARKER_NAME = ".kumaprov-installed"


@dataclass(frozen=True)
class Package:
    """What to install: `pip install <requirement>==<version>`, checked by importing `module`."""

    name: str  # the cache directory's stem, e.g. open-webui
    requirement: str  # e.g. open-webui, litellm[proxy]
    version: str
    module: str  # imported once after the install, e.g. open_webui

    @property
    def prefix(self) -> Path:
        return cache_root() / f"{self.name}-{self.version}"


@dataclass(frozen=True)
class Venv:
    """A finished venv in the cache."""

    prefix: Path

    @property
    def python(self) -> Path:
        return self.prefix / "bin" / "python"

    def script(self, name: str) -> list[str]:
        """How to run a console script of the venv (by its interpreter, whatever its shebang)."""
        return [str(self.python), str(self.prefix / "bin" / name)]


def is_installed(prefix: Path) -> bool:
    return (prefix / MARKER_NAME).is_file()


def ensure_installed(package: Package, log: Log) -> Venv:
    """The cached venv of `package`, built first if needed."""
    final = package.prefix
    if is_installed(final):
        return Venv(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    with install_lock(final.with_name(final.name + ".lock"), log):
        if not is_installed(final):  # another process may have finished while we waited
            _install(package, log)
    return Venv(final)


def _install(package: Package, log: Log) -> None:
    prefix = package.prefix
    if prefix.exists():
        log(f"removing an unfinished install at {prefix}")
        shutil.rmtree(prefix)
    started = time.monotonic()
    spec = f"{package.requirement}=={package.version}"
    log(f"pip install {spec} into a venv at {prefix} ...")
    # The base interpreter, not this venv's symlink to it.
    venv.EnvBuilder(with_pip=True, symlinks=True).create(prefix)
    installed = Venv(prefix)
    _run([str(installed.python), "-m", "pip", "install", "--no-input", spec], prefix / "pip-install.log",
         f"pip install {spec}")
    _run([str(installed.python), "-c", f"import {package.module}"], prefix / "import-check.log",
         f"importing {package.module}")
    marker = {"package": package.requirement, "version": package.version,
              "python": sys.version.split()[0], "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    tmp = prefix / (MARKER_NAME + ".tmp")
    tmp.write_text(json.dumps(marker, indent=2) + "\n")
    tmp.replace(prefix / MARKER_NAME)
    log(f"{spec} installed in {time.monotonic() - started:.0f}s at {prefix}")


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
