"""A result cache for `kumaprov lint`, so the pre-commit hook is quick on unchanged files.

An entry records every input the lint read (monitor files, the project file,
templates, samples) with its size, modification time and SHA-256, plus the file
listing of the directories lint searched. It is used only when all of them are
unchanged (a changed timestamp alone is re-checked by content). Importing this
module is cheap: the point is to answer before the model and Jinja are loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kumaprov import __version__
from kumaprov.problems import Position, Problem, Severity

FORMAT = 1


def cache_root() -> Path:
    if os.environ.get("KUMAPROV_LINT_CACHE"):
        return Path(os.environ["KUMAPROV_LINT_CACHE"])
    base = os.environ.get("KUMAPROV_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kumaprov")
    return Path(base) / "lint"


def code_fingerprint() -> str:
    """kumaprov's own sources: an edited checkout must not be served old verdicts."""
    package = Path(__file__).parents[1]  # the kumaprov package, every subpackage
    stamps = sorted((str(path.relative_to(package)), path.stat().st_size, path.stat().st_mtime_ns)
                    for path in package.rglob("*.py"))
    return hashlib.sha256(repr(stamps).encode()).hexdigest()


def listing(roots: Iterable[Path]) -> list[str]:
    """Every file below the searched directories: a new or removed file changes it."""
    found: list[str] = []
    for root in roots:
        if root.is_dir():
            for directory, _dirs, files in os.walk(root):
                found.extend(os.path.join(directory, name) for name in files)
        else:
            found.append(str(root))
    return sorted(found)


class LintCache:
    def __init__(self, key_parts: Sequence[str], searched: Sequence[Path]) -> None:
        parts = [__version__, str(FORMAT), code_fingerprint(), *key_parts]
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        self.file = cache_root() / f"{digest[:32]}.json"
        self.searched = list(searched)

    def load(self) -> tuple[list[Problem], int] | None:
        try:
            entry = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("listing") != listing(self.searched):
            return None
        if not all(_unchanged(Path(path), stamp) for path, stamp in entry.get("inputs", {}).items()):
            return None
        return [_problem(item) for item in entry["problems"]], int(entry["files"])

    def store(self, problems: Sequence[Problem], files: int, inputs: Iterable[Path]) -> None:
        stamps = {str(path): stamp for path in set(inputs) if (stamp := _stamp(path)) is not None}
        entry = {"listing": listing(self.searched), "inputs": stamps, "files": files,
                 "problems": [_item(problem) for problem in problems]}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(entry), encoding="utf-8")
            temporary.replace(self.file)  # atomic: a concurrent run never reads half an entry
        except OSError:
            pass  # a cache that cannot be written only costs speed


def _stamp(path: Path) -> list[Any] | None:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None  # a FIFO or device: reading it to hash it could block or never end
        return [info.st_size, info.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()]
    except OSError:
        return None


def _unchanged(path: Path, stamp: list[Any]) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if [info.st_size, info.st_mtime_ns] == stamp[:2]:
        return True
    return bool(info.st_size == stamp[0] and hashlib.sha256(path.read_bytes()).hexdigest() == stamp[2])


def _item(problem: Problem) -> dict[str, Any]:
    return {"position": list(problem.position), "code": problem.code, "message": problem.message,
            "severity": problem.severity.value, "via": [list(v) for v in problem.via],
            "environment": problem.environment}


def _problem(item: dict[str, Any]) -> Problem:
    return Problem(Position(*item["position"]), item["code"], item["message"], Severity(item["severity"]),
                   tuple(Position(*v) for v in item["via"]), item.get("environment"))
