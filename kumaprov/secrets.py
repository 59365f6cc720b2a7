"""Environment references (`${NAME}`) and the masking of their values.

Definitions never hold secret values: they hold references, resolved only when
a server is involved. Every resolved value is registered with the process-wide
redactor, so any text leaving kumaprov can be scrubbed as a last line of defence.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

SENSITIVE = "(sensitive)"
T = TypeVar("T")

# kumaprov's own credentials: the variables `connection_from` reads.
CREDENTIAL_VARIABLES = ("KUMA_URL", "KUMA_USERNAME", "KUMA_PASSWORD", "KUMA_TOKEN", "KUMA_TOTP", "KUMA_TOTP_SECRET")
# Definitions come from pull requests, and CI jobs hold these: a definition that could
# name them could send them to any URL. Never readable from a definition, whatever the project allows.
# An environment's credentials (definitions/environments.py) are `<PREFIX>_KUMA_URL` and so on.
RESERVED_VARIABLES = (*CREDENTIAL_VARIABLES, *(f"*_{name}" for name in CREDENTIAL_VARIABLES), "GITHUB_TOKEN",
                      "ACTIONS_*", "CI_JOB_TOKEN", "CI_JOB_JWT*", "SYSTEM_ACCESSTOKEN")
# Names of variables that hold secrets by convention; their values are masked in every output.
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|DSN|WEBHOOK|COOKIE", re.I)

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


def has_reference(value: object) -> bool:
    """Whether a string, or any string in a mapping or list (headers, a JSON body), references a
    variable. (Tuples are kumaprov's own values, tag and notification names: never resolved.)"""
    if isinstance(value, str):
        return next(references(value), None) is not None
    if isinstance(value, dict):
        return any(has_reference(v) for v in value.values())
    if isinstance(value, list):
        return any(has_reference(v) for v in value)
    return False


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name))



def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def refusal(name: str, allowed: Iterable[str] | None = None) -> str | None:
    """Why a definition may not read variable `name` (None: it may). `allowed`: the
    project's `variables:` list of names and glob patterns; None allows every other name."""
    if _matches(name, RESERVED_VARIABLES):
        return f"${{{name}}} is reserved: kumaprov's own credentials and CI tokens are never readable from a definition"
    if allowed is not None and not _matches(name, allowed):
        return f"${{{name}}} is not in the project's `variables:` list in kumaprov.yaml"
    return None


class MissingVariables(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def resolve(value: T, environ: Mapping[str, str] | None = None) -> T:
    """Replace every reference by its value, in a string or in every string of a nested value
    (resolved inside a structure, before it becomes JSON text, a value holding quotes cannot
    break the JSON); raise MissingVariables naming all unset ones. The one place references
    are resolved. A reserved variable counts as unset, whatever the environment holds (lint's
    KP406 says why)."""
    env = os.environ if environ is None else environ
    missing: list[str] = []
    result: T = _resolved(value, env, missing)
    if missing:
        raise MissingVariables(sorted(set(missing)))
    return result


def _resolved(value: Any, env: Mapping[str, str], missing: list[str]) -> Any:
    if isinstance(value, dict):
        return {key: _resolved(item, env, missing) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolved(item, env, missing) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name = match.group(1)
        if name not in env or _matches(name, RESERVED_VARIABLES):
            missing.append(name)
            return ""
        secret = env[name]
        REDACTOR.add(secret, name)
        return secret

    return _REFERENCE.sub(substitute, value)


class Redactor:
    """Replaces every known secret value in a text by `(sensitive)`, or by the reference
    to the variable that holds it (for files written back, such as `export`'s)."""

    # Very short values would shred ordinary output ("1", "on") and are not secrets worth the name.
    MIN_LENGTH = 4
    MIN_GUESSED_LENGTH = 8

    def __init__(self) -> None:
        self._names: dict[str, str | None] = {}  # secret value -> the variable holding it, if known

    def clear(self) -> None:
        self._names.clear()

    def add(self, value: str, name: str | None = None) -> None:
        if len(value) >= self.MIN_LENGTH and (name is not None or value not in self._names):
            self._names[value] = name

    def add_environment(self, environ: Mapping[str, str], names: Iterable[str] = ()) -> None:
        """Mask the variables `names` (those the definitions reference) and every variable
        whose name says it holds a secret (kumaprov's password and token, CI tokens, API keys).
        Short values of the latter are left alone: `AUTH_MODE=none` must not shred output."""
        for name in names:
            if name in environ:
                self.add(environ[name], name)
        for name, value in environ.items():
            if _SECRET_NAME.search(name) and len(value) >= self.MIN_GUESSED_LENGTH:
                self.add(value, name)

    def __call__(self, text: str) -> str:
        return self._replace(text, lambda value, name: SENSITIVE)

    def as_references(self, text: str) -> tuple[str, list[str]]:
        """`text` with each known secret replaced by `${NAME}`; the names used."""
        used: list[str] = []

        def reference(value: str, name: str | None) -> str:
            used.append(name or "SECRET")
            return "${" + (name or "SECRET") + "}"

        return self._replace(text, reference), used

    def _replace(self, text: str, replacement: Callable[[str, str | None], str]) -> str:
        for value in sorted(self._names, key=len, reverse=True):
            if value in text:
                text = text.replace(value, replacement(value, self._names[value]))
        return text


REDACTOR = Redactor()
