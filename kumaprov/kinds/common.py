"""Small pieces several kinds share: a save-whole write, desired values built twice (resolved
and as written), the objects a saved plan touches, and values without their defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kumaprov import secrets
from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Action, Delete, Desired, Update
from kumaprov.model.fields import KumaFields


def save_whole(action: Action, applying: Applying, save: str, delete: str) -> None:
    """Objects one socket call saves whole, new (no id) or by id, and another deletes by id
    (`addDockerHost` / `deleteDockerHost`)."""
    if isinstance(action, Delete):
        applying.writer.call(delete, action.live.kuma_id)
        return
    kuma_id = action.live.kuma_id if isinstance(action, Update) else None
    payload = {**(action.live.fields if isinstance(action, Update) else {}), **action.desired.fields}
    saved = applying.writer.call(save, (payload, kuma_id))
    applying.kuma_ids[(action.desired.kind, action.desired.id)] = int(saved["id"])


def desired_from(id_: str, fields: KumaFields, environ: Mapping[str, str], kind: str,
                 finish: Callable[[Mapping[str, Any]], dict[str, Any]] = dict) -> Desired:
    """What is sent: every value holding `${VAR}` resolved (inside its structure); and the
    sensitive fields as written, what a saved plan stores so that it never holds a secret.
    `finish` gives both the server's representation (a monitor's headers become JSON text)."""
    resolved = {key: secrets.resolve(value, environ) if secrets.has_reference(value) else value
                for key, value in fields.values.items()}
    as_written = finish({key: fields.values[key] for key in fields.sensitive})
    return Desired(id_, finish(resolved), fields.sensitive, as_written, kind)


def edited(document: Any, kind: str) -> set[str]:
    """The ids (or names) of the `kind` objects a saved plan edits or deletes."""
    if not isinstance(document, dict):
        return set()
    return {str(item.get("id") or item.get("name")) for key in ("updates", "deletes")
            for item in document.get(key) or [] if isinstance(item, dict) and item.get("kind") == kind}


def without_defaults(document: dict[str, Any], model: Any, keep: tuple[str, ...]) -> dict[str, Any]:
    """The values that differ from the file model's defaults (what export writes), and `keep`."""
    kept = {}
    for key, value in document.items():
        field = model.model_fields[key]
        if key in keep or (value is not None and value != field.get_default(call_default_factory=True)):
            kept[key] = value
    return kept
