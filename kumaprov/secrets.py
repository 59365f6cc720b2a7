"""Environment references (`${NAME}`) and the masking of their values.

Definitions never hold secret values: they hold references, resolved only when
a server is involved. Every resolved value is registered with the process-wide
redactor, so any text leaving kumaprov can be scrubbed as a last line of defence.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

SENSITIVE = "(sensitive)"

# `$${` is a literal `${`; anything else inside `${...}` must be a variable name.
_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Reference:
    name: str
    offset: int  # character offset of the `$` in the string


def references(text: str) -> Iterator[Reference]:
    for match in _REFERENCE.finditer(text):
        if match.group(0) != "$${":
            yield Reference(match.group(1), match.start())


def has_reference(text: str) -> bool:
    return next(references(text), None) is not None


def malformed(text: str) -> list[Reference]:
    return [ref for ref in references(text) if not _NAME.match(ref.name)]


class MissingVariables(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def resolve(text: str, environ: Mapping[str, str] | None = None) -> str:
    """Replace every reference by its value; raise MissingVariables naming all unset ones."""
    env = os.environ if environ is None else environ
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name = match.group(1)
        if name not in env:
            missing.append(name)
            return ""
        value = env[name]
        REDACTOR.add(value)
        return value

    result = _REFERENCE.sub(substitute, text)
    if missing:
        raise MissingVariables(sorted(set(missing)))
    return result


class Redactor:
    """Replaces every known secret value in a text by `(sensitive)`."""

    # Very short values would shred ordinary output ("1", "on") and are not secrets worth the name.
    MIN_LENGTH = 4

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, value: str) -> None:
        if len(value) >= self.MIN_LENGTH:
            self._values.add(value)

    def __call__(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, SENSITIVE)
        return text


REDACTOR = Redactor()
