"""Uptime Kuma releases kept beside the project, unpacked once into the per-user cache.

`<repo root>/../shared/uptime-kuma/` holds run-ready release archives
(`uptime-kuma-1.23.17.tgz`, `uptime-kuma-2.5.3.tgz`) and their `SHA256SUMS`.
The folder is read-only in CI, so an archive is checked against its sum and
unpacked into the cache (beside the npm build), under the same file lock and
with the same marker-last discipline as the npm install: a half-unpacked tree
is never used.  A machine without the folder simply has no releases.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tarfile
import time
from pathlib import Path

from kumaprov.dev.install import (
    KUMA_PACKAGE,
    KUMA_VERSION,
    Installation,
    Log,
    cache_root,
    ensure_installed,
    install_lock,
    is_installed,
    require_tool,
    stderr_log,
    write_marker,
)
from kumaprov.errors import LocalServerError

SUMS_NAME = "SHA256SUMS"
_ARCHIVE = re.compile(rf"{KUMA_PACKAGE}-(?P<version>\d+\.\d+\.\d+)\.tgz")


def releases_dir(repo_root: Path | None = None) -> Path:
    """`<repo root>/../shared/uptime-kuma`: CI clones the repository beside `shared/`."""
    root = repo_root if repo_root is not None else Path(__file__).resolve().parents[2]
    return root.parent / "shared" / KUMA_PACKAGE


def available_releases(folder: Path | None = None) -> list[str]:
    """The versions whose archive the folder holds, oldest first (none without the folder)."""
    folder = folder if folder is not None else releases_dir()
    if not folder.is_dir():
        return []
    found = [m["version"] for p in folder.iterdir() if (m := _ARCHIVE.fullmatch(p.name))]
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")))


def available_builds(folder: Path | None = None) -> list[str]:
    """Every server the local harness can start: the npm build always, then each release."""
    return [KUMA_VERSION, *available_releases(folder)]


def release_dir(version: str) -> Path:
    return cache_root() / f"{KUMA_PACKAGE}-{version}"


def release_installation(prefix: Path, version: str) -> Installation:
    """The archive unpacks to one folder named after its version, node_modules inside."""
    package_dir = prefix / version
    return Installation(prefix=prefix, package_dir=package_dir, node_modules=package_dir / "node_modules",
                        version=version)


def ensure_build(version: str, log: Log = stderr_log, folder: Path | None = None) -> Installation:
    """The runnable server of `version`: the npm build, or a release unpacked on first use."""
    if version == KUMA_VERSION:
        return ensure_installed(log)
    return ensure_unpacked(version, log, folder)


def ensure_unpacked(version: str, log: Log = stderr_log, folder: Path | None = None) -> Installation:
    require_tool("node")
    final = release_dir(version)
    if is_installed(final):
        return release_installation(final, version)
    folder = folder if folder is not None else releases_dir()
    archive = folder / f"{KUMA_PACKAGE}-{version}.tgz"
    if not archive.is_file():
        raise LocalServerError(f"no archive of Uptime Kuma {version} at {archive}")
    final.parent.mkdir(parents=True, exist_ok=True)
    with install_lock(final.with_name(final.name + ".lock"), log):
        if not is_installed(final):  # another process may have unpacked it while we waited
            _unpack(archive, folder / SUMS_NAME, final, version, log)
    return release_installation(final, version)


def _unpack(archive: Path, sums: Path, final: Path, version: str, log: Log) -> None:
    started = time.monotonic()
    verify(archive, sums)
    partial = final.with_name(final.name + ".partial")
    for leftover in (partial, final):
        if leftover.exists():
            shutil.rmtree(leftover)
    partial.mkdir()
    log(f"unpacking {archive.name} into {final} ...")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, `..` and links leaving the folder.
            tar.extractall(partial, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise LocalServerError(f"cannot unpack {archive}: {exc}") from None
    if not (release_installation(partial, version).package_dir / "server" / "server.js").is_file():
        raise LocalServerError(f"{archive} holds no {version}/server/server.js")
    partial.rename(final)
    write_marker(final, version, source=str(archive))
    log(f"Uptime Kuma {version} unpacked in {time.monotonic() - started:.0f}s at {final}")


def verify(archive: Path, sums: Path) -> None:
    """Check the archive against its line in SHA256SUMS; a missing line is an error too."""
    try:
        listed = _read_sums(sums)
    except OSError as exc:
        raise LocalServerError(f"cannot read {sums}: {exc}") from None
    expected = listed.get(archive.name)
    if expected is None:
        raise LocalServerError(f"{sums} lists no checksum for {archive.name}")
    digest = hashlib.sha256()
    with open(archive, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise LocalServerError(
            f"{archive} does not match {sums} (sha256 {digest.hexdigest()}, expected {expected})"
        )


def _read_sums(sums: Path) -> dict[str, str]:
    listed = {}
    for line in sums.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            listed[parts[1].lstrip("*")] = parts[0].lower()  # `sha256sum -b` marks names with *
    return listed

