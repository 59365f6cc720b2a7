"""Reading a file that a definition or project file names: inside the project, regular, bounded.

Monitor files, templates and samples arrive in pull requests, and lint runs in CI with
secrets in its environment. A file named by them is read only when it resolves (symlinks
followed) inside the project's bounds, is a regular file (a FIFO blocks forever, a device
never ends) and fits the size limit, counted while reading: /proc files and some devices
report size 0, so the size in `stat` proves nothing. One reader for every such file, so the
rules cannot drift apart between monitor files, templates and samples.

The bounds are the git work tree that holds the project (a project file in a subdirectory
may share the repository's templates, as examples/ does), else the project's directory; a
pull request cannot move them, since git refuses to carry a `.git` path. Nothing inside a
`.git` directory is ever read: CI checkouts keep their access token in `.git/config`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 10_000_000  # monitor files, templates and samples are small; a huge one is a mistake
_CHUNK = 1 << 20


class Refused(Exception):
    """A file kumaprov will not (or cannot) read; the reason reads after "cannot read X: "."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


@dataclass(frozen=True)
class FileGuard:
    """The directories named files may resolve into (already resolved themselves)."""

    roots: tuple[str, ...]

    @classmethod
    def of(cls, roots: Iterable[Path | str]) -> FileGuard:
        return cls(tuple(dict.fromkeys(os.path.realpath(root) for root in roots)))

    def contains(self, path: Path | str) -> bool:
        return _inside(os.path.realpath(path), self.roots)

    def refusal(self, path: Path | str) -> str | None:
        """Why `path` is out of bounds ("outside the project directory" ...), or None."""
        real = os.path.realpath(path)
        return None if _inside(real, self.roots) else _outside(path, real)

    def read_bytes(self, path: Path | str, limit: int = MAX_BYTES) -> bytes:
        real = os.path.realpath(path)
        if not _inside(real, self.roots):
            raise Refused(_outside(path, real))
        return _read_regular(real, limit)

    def read_text(self, path: Path | str, limit: int = MAX_BYTES) -> str:
        """UTF-8 text; bytes that are not UTF-8 are refused at their line and column."""
        raw = self.read_bytes(path, limit)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[:exc.start]
            line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
            raise Refused("not UTF-8 text", line, column) from None


def _inside(real: str, roots: tuple[str, ...]) -> bool:
    for root in roots:
        prefix = root.rstrip(os.sep) + os.sep
        if real == root or real.startswith(prefix):
            return ".git" not in real[len(prefix):].split(os.sep)
    return False


def bounds(root: Path | str) -> str:
    """The git work tree holding `root`, else `root` itself (resolved)."""
    real = here = os.path.realpath(root)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return real
        here = parent


def _read_regular(real: str, limit: int) -> bytes:
    try:
        # Look before opening: opening a FIFO waits for a writer, and a device may act on open.
        _require_regular(os.stat(real).st_mode)
        # O_NONBLOCK: should the file have been swapped for a FIFO since, open still returns.
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Refused(exc.strerror or str(exc)) from None
    try:
        _require_regular(os.fstat(fd).st_mode)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > limit:
                raise Refused(f"larger than {_megabytes(limit)}")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise Refused("a directory, not a file")
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    raise Refused(f"{kind}, not a regular file")


def _megabytes(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def guard_for(root: Path, chosen: Iterable[Path] = ()) -> FileGuard:
    """The project root, plus each path the user named on the command line outside it.

    Such a path is the user's own choice (pre-commit passes files); one inside the project
    stays bound to the project, so a symlink in a pull request cannot lead out of it.
    """
    inner = bounds(root)
    extra = []
    for path in chosen:
        absolute = os.path.abspath(path)
        if not _inside(absolute, (inner,)) and not _inside(absolute, (os.path.abspath(root),)):
            extra.append(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
    return FileGuard.of([inner, *extra])


def escape(path: Path, root: Path) -> str | None:
    """Why a directory the project file names (or the default one) cannot be used, if it cannot."""
    real = os.path.realpath(path)
    return None if _inside(real, (bounds(root),)) else _outside(path, real)


def _outside(path: Path | str, real: str) -> str:
    link = f" (a link to {real})" if real != os.path.abspath(path) else ""
    if ".git" in real.split(os.sep):
        return f"inside a .git directory{link}, which holds the checkout's credentials"
    return f"outside the project directory{link}"
