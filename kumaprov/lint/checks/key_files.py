"""KP104: an API key's `key_file` outside the project, or inside a `.git` directory.

sync writes a new key's secret there, with the permissions of whoever runs it (CI): a
`key_file: ../../.ssh/authorized_keys` or `.git/hooks/...` in a merged pull request would
have it overwrite a file far from the monitors. The bounds are those of what lint reads
(the git work tree holding the project, symlinks followed, never `.git`)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from kumaprov.definitions.entries import Definition
from kumaprov.kinds.api_keys import API_KEYS
from kumaprov.lint.context import LintContext
from kumaprov.problems import Problem

INVALID_VALUE = "KP104"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for entry in context.of(API_KEYS.name):
        if entry.value.absent:
            continue
        sink = Path(os.path.normpath(entry.base_dir / entry.value.key_file))
        if reason := context.samples.guard.refusal(sink):
            yield Problem(entry.position_of("key_file"), INVALID_VALUE,
                          f"key_file '{entry.value.key_file}' is {reason}; sync writes the key's secret there: "
                          "name a file in this repository (and keep it out of git)")
