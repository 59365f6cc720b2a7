"""Problems: what lint and validation report, each tied to a place in a file."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Position(NamedTuple):
    """A place in a source file; line and column are 1-based, as editors show them.

    A named tuple rather than a dataclass: the loader makes one per key and value,
    tens of thousands for a large project, and tuples are several times cheaper.
    """

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    position: Position
    code: str
    message: str
    severity: Severity = Severity.ERROR
    # Where a templated value came from: the file and line that instantiated the template.
    via: tuple[Position, ...] = field(default=())
    # The environment (kumaprov.yaml `environments:`) it was found in; None without environments.
    environment: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        p = self.position
        return (p.file, p.line, p.column, self.code)

    def text(self) -> str:
        via = "".join(f" (used at {v})" for v in self.via)
        level = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.position}: {self.code} {level}{self.in_environment()}{self.message}{via}"

    def in_environment(self) -> str:
        """`[prod] `: the environment the problem belongs to, before the message."""
        return f"[{self.environment}] " if self.environment is not None else ""


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible: what editors and CI expect."""
    # abspath, not resolve(): a symlink is shown as the link the user wrote.
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.getcwd()))
    except ValueError:
        return str(path)
