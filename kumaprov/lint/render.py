"""`kumaprov render`: the monitors as the planner sees them, literal secrets masked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import yaml

from kumaprov.lint.checks import plaintext_secrets as secret_check
from kumaprov.definitions.entries import Definition
from kumaprov.secrets import REDACTOR, SENSITIVE


def render_definitions(definitions: Sequence[Definition], output: str) -> str:
    """The fully rendered monitors, as the planner will see them, secrets masked."""
    documents = [_masked(d.monitor.model_dump(mode="json", exclude_none=True)) for d in definitions]
    if output == "json":
        return REDACTOR(json.dumps(documents, indent=2))
    return REDACTOR(yaml.safe_dump({"monitors": documents}, sort_keys=False, allow_unicode=True, width=100))


def _masked(document: dict[str, Any]) -> dict[str, Any]:
    # References (${NAME}) are names, not secrets, and stay visible; literal secrets do not.
    for path, value in list(secret_check.strings(document, ())):
        if secret_check.plaintext_reason(path, value):
            _set(document, path, SENSITIVE)
    return document


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    parent, step = document, path[0]
    for next_step in path[1:]:
        if not isinstance(parent[step], (dict, list)):
            break  # a secret inside a JSON string body: mask the whole string
        parent, step = parent[step], next_step
    parent[step] = value
