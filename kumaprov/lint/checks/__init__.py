"""Lint rules: one small module each, run in the order of this explicit registry.

Each rule is `check(definitions, context)`; the types they share are in lint.context.
"""

from __future__ import annotations

from collections.abc import Sequence

from kumaprov.definitions.entries import Definition
from kumaprov.lint.checks import (
    alerts, bare_words, duplicate_ids, key_files, message_size, monitor_refs, notifications, plaintext_secrets,
    queries, references, samples, server_versions, tags, timing,
)
from kumaprov.lint.context import Check, LintContext
from kumaprov.problems import Problem


def registry() -> tuple[Check, ...]:
    return (
        duplicate_ids.check,
        references.check,
        notifications.check,
        tags.check,
        monitor_refs.check,
        server_versions.check,
        timing.check,
        plaintext_secrets.check,
        queries.check,
        samples.check,
        bare_words.check,
        message_size.check,
        key_files.check,
        alerts.check,
    )


def run_checks(definitions: Sequence[Definition], context: LintContext) -> list[Problem]:
    problems: list[Problem] = []
    for check in registry():
        problems.extend(check(definitions, context))
    return problems
