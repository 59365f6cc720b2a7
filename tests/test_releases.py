"""Release archives beside the project: found, verified, unpacked once into the cache; and
which versions the server tests run against."""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
from pathlib import Path

import pytest

from kumaprov.dev.install import KUMA_VERSION, MARKER_NAME, is_installed
from kumaprov.dev.releases import available_builds, available_releases, ensure_unpacked, releases_dir
from kumaprov.errors import LocalServerError
from tests.kumaservers import applies, selected_versions


def make_archive(folder: Path, version: str, members: dict[str, bytes] | None = None, *,
                 listed: bool = True) -> Path:
    """A release archive as ../shared/uptime-kuma holds them, with its SHA256SUMS line."""
    folder.mkdir(parents=True, exist_ok=True)
    members = members if members is not None else {f"{version}/server/server.js": b"// server\n"}
    archive = folder / f"uptime-kuma-{version}.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    if listed:
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        with open(folder / "SHA256SUMS", "a") as sums:
            sums.write(f"{digest}  {archive.name}\n")
    return archive


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KUMAPROV_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_shared_folder_is_beside_the_repository() -> None:
    repo = Path(__file__).resolve().parents[1]
    assert releases_dir() == repo.parent / "shared" / "uptime-kuma"
    assert releases_dir(Path("/ci/checkout")) == Path("/ci/shared/uptime-kuma")


def test_without_the_folder_only_the_npm_build_is_available(tmp_path: Path) -> None:
    assert available_releases(tmp_path / "nowhere") == []
    assert available_builds(tmp_path / "nowhere") == [KUMA_VERSION]


def test_releases_are_listed_oldest_first(tmp_path: Path) -> None:
    for version in ("2.5.3", "1.23.17", "2.10.0"):
        make_archive(tmp_path, version)
    (tmp_path / "uptime-kuma-notes.tgz").write_text("not a release")
    assert available_releases(tmp_path) == ["1.23.17", "2.5.3", "2.10.0"]
    assert available_builds(tmp_path) == [KUMA_VERSION, "1.23.17", "2.5.3", "2.10.0"]


def test_a_release_is_unpacked_once_into_the_cache(tmp_path: Path, cache: Path) -> None:
    shared = tmp_path / "shared"
    make_archive(shared, "9.8.7")
    installation = ensure_unpacked("9.8.7", log=lambda _: None, folder=shared)
    assert installation.version == "9.8.7"
    assert installation.package_dir == cache / "uptime-kuma-9.8.7" / "9.8.7"
    assert (installation.package_dir / "server" / "server.js").read_bytes() == b"// server\n"
    assert (installation.prefix / MARKER_NAME).is_file()
    # Nothing was written beside the archives (the folder is read-only in CI) ...
    assert sorted(p.name for p in shared.iterdir()) == ["SHA256SUMS", "uptime-kuma-9.8.7.tgz"]
    # ... and the second call uses the cache without the archive.
    (shared / "uptime-kuma-9.8.7.tgz").unlink()
    assert ensure_unpacked("9.8.7", log=lambda _: None, folder=shared) == installation


def test_concurrent_callers_unpack_once(tmp_path: Path, cache: Path) -> None:
    make_archive(tmp_path, "9.8.7")
    messages: list[str] = []
    threads = [threading.Thread(target=ensure_unpacked, args=("9.8.7", messages.append, tmp_path)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(m.startswith("unpacking") for m in messages) == 1, messages
    assert is_installed(cache / "uptime-kuma-9.8.7")


def test_an_archive_that_does_not_match_its_checksum_is_refused(tmp_path: Path, cache: Path) -> None:
    archive = make_archive(tmp_path, "9.8.7")
    archive.write_bytes(archive.read_bytes() + b"tampered")
    with pytest.raises(LocalServerError, match="does not match .*SHA256SUMS"):
        ensure_unpacked("9.8.7", log=lambda _: None, folder=tmp_path)
    assert not (cache / "uptime-kuma-9.8.7").exists()


def test_an_archive_without_a_checksum_is_refused(tmp_path: Path, cache: Path) -> None:
    make_archive(tmp_path, "9.8.7", listed=False)
    (tmp_path / "SHA256SUMS").write_text("")
    with pytest.raises(LocalServerError, match="lists no checksum for uptime-kuma-9.8.7.tgz"):
        ensure_unpacked("9.8.7", log=lambda _: None, folder=tmp_path)


def test_an_archive_escaping_its_folder_is_refused_and_nothing_is_marked(tmp_path: Path, cache: Path) -> None:
    make_archive(tmp_path, "9.8.7", {"9.8.7/server/server.js": b"", "../escaped.js": b"x"})
    with pytest.raises(LocalServerError, match="cannot unpack"):
        ensure_unpacked("9.8.7", log=lambda _: None, folder=tmp_path)
    assert not (cache / "escaped.js").exists()
    assert not is_installed(cache / "uptime-kuma-9.8.7")


def test_an_archive_without_a_server_is_refused(tmp_path: Path, cache: Path) -> None:
    make_archive(tmp_path, "9.8.7", {"9.8.7/README.md": b"nothing here"})
    with pytest.raises(LocalServerError, match="holds no 9.8.7/server/server.js"):
        ensure_unpacked("9.8.7", log=lambda _: None, folder=tmp_path)


def test_a_missing_archive_is_named(tmp_path: Path, cache: Path) -> None:
    with pytest.raises(LocalServerError, match="no archive of Uptime Kuma 1.2.3 at .*uptime-kuma-1.2.3.tgz"):
        ensure_unpacked("1.2.3", log=lambda _: None, folder=tmp_path)


# ---- which versions the server tests run against --------------------------------------

AVAILABLE = ["2.0.0-dev.0", "1.23.17", "2.5.3"]


def test_by_default_every_available_version_is_tested() -> None:
    assert selected_versions({}, AVAILABLE) == AVAILABLE
    assert selected_versions({"KUMAPROV_SERVERS": " "}, AVAILABLE) == AVAILABLE  # never narrowed to nothing


def test_the_variable_narrows_the_set() -> None:
    assert selected_versions({"KUMAPROV_SERVERS": "2.5.3"}, AVAILABLE) == ["2.5.3"]
    assert selected_versions({"KUMAPROV_SERVERS": "2.5.3, 2.0.0-dev.0"}, AVAILABLE) == ["2.0.0-dev.0", "2.5.3"]


def test_the_variable_cannot_name_a_version_the_machine_lacks() -> None:
    with pytest.raises(pytest.UsageError, match=r"names 2\.4\.0, which this machine cannot start"):
        selected_versions({"KUMAPROV_SERVERS": "2.5.3,2.4.0"}, AVAILABLE)


def test_a_marker_says_which_versions_a_test_applies_to() -> None:
    since = pytest.mark.servers(since="2.0.0-beta.3", because="smtp arrived in 2.0.0-beta.3").mark
    assert applies("2.5.3", since) is None
    assert applies("1.23.17", since) == "not applicable to Uptime Kuma 1.23.17: smtp arrived in 2.0.0-beta.3"
    assert applies("2.0.0-dev.0", since) is not None  # the dev build predates every beta
    before = pytest.mark.servers(before="2.0.0-beta.0", because="1.23's columns").mark
    assert [applies(v, before) is None for v in AVAILABLE] == [True, True, False]
    only = pytest.mark.servers(only=("1.23.17",), because="one version is enough").mark
    assert [applies(v, only) is None for v in AVAILABLE] == [False, True, False]
    assert applies("1.23.17", None) is None
    with pytest.raises(pytest.UsageError, match="needs because="):
        applies("1.23.17", pytest.mark.servers(since="2.0.0").mark)
