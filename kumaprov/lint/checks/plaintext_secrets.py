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
from kumaprov.plaintext import plaintext_reason
from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition
from kumaprov.problems import Problem

PLAINTEXT = "KP401"
MALFORMED = "KP402"
FORBIDDEN = "KP406"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for entry in context.with_secrets():
        for path, value in context.strings_of(entry):
            for code, text, at_path in _findings(path, value, context.variables):  # nearly always none
                message = f"{'.'.join(map(str, path))}: {text}" if at_path else text
                yield Problem(entry.position_of(*path), code, message, via=entry.via)


# Templated monitors repeat the same strings at the same paths (sample files, queries, the
# shared parts of URLs and headers): judge each (path, string) once, a pure function of them.
# The path is put in the message by the caller: paths equal as tuples can differ in how they
# print (a key `1` and a key `true`), though never in the verdict (no number is a secret's name).
@functools.lru_cache(maxsize=32768)
def _findings(path: tuple[Any, ...], value: str, allowed: tuple[str, ...] | None
              ) -> tuple[tuple[str, str, bool], ...]:
    found: list[tuple[str, str, bool]] = []
    for ref in secrets.references(value):
        if not secrets.valid_name(ref.name):
            found.append((MALFORMED, f"'${{{ref.name}}}' is not a valid environment reference: a name starts with a "
                          "letter or '_' and has only letters, digits and '_' (write $${ for a literal '${')", False))
        elif refused := secrets.refusal(ref.name, allowed):
            found.append((FORBIDDEN, refused, True))
    reason = plaintext_reason(path, value)
    if reason:
        advice = "" if "${NAME}" in reason else "; put it in an environment variable and write ${NAME} instead"
        found.append((PLAINTEXT, f"{reason}{advice}", True))
    return tuple(found)
