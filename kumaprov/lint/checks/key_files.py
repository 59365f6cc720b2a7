"""KP104: an API key's relative `key_file` that leads out of the repository, or any inside `.git`.

sync writes a new key's secret there, with the permissions of whoever runs it (CI). A
relative path is read as "in this repository", so one that climbs out of it (`../../.ssh/
authorized_keys`, or through a symlink) would hide a write far from the monitors behind a
harmless look; the bounds are those of what lint reads (the git work tree holding the
project, symlinks followed). An absolute path says plainly where it writes (`/run/secrets/
prometheus.key`, outside the checkout) and is allowed, but never into a `.git` directory."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from kumaprov.definitions.entries import Definition
from kumaprov.kinds.api_keys import API_KEYS
from kumaprov.lint.context import LintContext
from kumaprov.problems import Problem

INVALID_VALUE = "KP104"
IN_GIT = "inside a .git directory, which holds the checkout's credentials"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for entry in context.of(API_KEYS.name):
        if entry.value.absent:
            continue
        sink = Path(os.path.normpath(entry.base_dir / entry.value.key_file))
        if Path(entry.value.key_file).is_absolute():
            reason = IN_GIT if ".git" in Path(os.path.realpath(sink)).parts else None
        else:
            reason = context.samples.guard.refusal(sink)
        if reason:
            yield Problem(entry.position_of("key_file"), INVALID_VALUE,
                          f"key_file '{entry.value.key_file}' is {reason}; sync writes the key's secret there: "
                          "name a file in this repository (kept out of git) or an absolute path")
