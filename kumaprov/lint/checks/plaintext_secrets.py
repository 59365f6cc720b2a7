"""KP401: secrets written in plain text; KP402: malformed `${...}` references;
KP406: references to variables a definition may not read.

A secret belongs in the environment and reaches a definition only as a
reference. Anything that looks like a credential written out literally is an
error, because the file ends up in git. And since definitions arrive in pull
requests, they may reference only what the project allows, never kumaprov's own
credentials (a header `${KUMA_TOKEN}` aimed at someone else's URL would hand them over).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

from kumaprov import secrets
from kumaprov.plaintext import plaintext_reason, strings
from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition, Entry
from kumaprov.problems import Problem

PLAINTEXT = "KP401"
MALFORMED = "KP402"
FORBIDDEN = "KP406"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for entry in context.with_secrets():
        for path, value in strings(entry.raw, ()):
            yield from _check_string(entry, path, value, context.variables)


def _check_string(definition: Entry, path: tuple[Any, ...], value: str,
                  allowed: tuple[str, ...] | None) -> Iterator[Problem]:
    for code, message in _findings(path, value, allowed):
        yield Problem(definition.position_of(*path), code, message, via=definition.via)


# Templated monitors repeat the same strings at the same paths (sample files, queries, the
# shared parts of URLs and headers): judge each (path, string) once. A pure function of them.
@functools.lru_cache(maxsize=32768)
def _findings(path: tuple[Any, ...], value: str, allowed: tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for ref in secrets.references(value):
        if not secrets.valid_name(ref.name):
            found.append((MALFORMED, f"'${{{ref.name}}}' is not a valid environment reference: a name starts with a "
                          "letter or '_' and has only letters, digits and '_' (write $${ for a literal '${')"))
        elif refused := secrets.refusal(ref.name, allowed):
            found.append((FORBIDDEN, f"{'.'.join(map(str, path))}: {refused}"))
    reason = plaintext_reason(path, value)
    if reason:
        advice = "" if "${NAME}" in reason else "; put it in an environment variable and write ${NAME} instead"
        found.append((PLAINTEXT, f"{'.'.join(map(str, path))}: {reason}{advice}"))
    return tuple(found)
