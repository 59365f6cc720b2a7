"""How a monitor names other objects: server ids on the server, references in files and plans.

The one place both directions are written: `as_reference` (a listed monitor, compared with
its definition) and `with_server_ids` (a payload, about to be sent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kumaprov.kinds.base import ServerRefs
from kumaprov.model.fields import tag_strings

# Monitor fields that name one other object, and the kind they name.
REFERENCES = {"parent": "monitor", "docker_host": "docker_host", "proxyId": "proxy"}
NOTIFICATIONS = "notificationIDList"  # {"<server id>": true, ...} on the server; references in files


def as_reference(key: str, value: Any, refs: ServerRefs) -> Any:
    """Server ids in a listed monitor, as the definitions name them (`#<id>`: unknown)."""
    if key in REFERENCES and value is not None:
        return refs.of(REFERENCES[key]).get(int(value), f"#{value}")
    if key == NOTIFICATIONS and isinstance(value, Mapping):
        return tuple(sorted(refs.notifications.get(int(k), f"#{k}") for k, on in value.items() if on))
    if key == "tags" and isinstance(value, list):
        return tag_strings((t.get("name", ""), t.get("value") or "") for t in value
                           if t.get("name") != refs.owner_tag)
    return value


def with_server_ids(fields: Mapping[str, Any], kuma_ids: Mapping[tuple[str, str], int]) -> dict[str, Any]:
    """References by definition id (or notification name) become the server's ids."""
    resolved = dict(fields)
    for key, kind in REFERENCES.items():
        if isinstance(resolved.get(key), str):  # a reference, as files and plans name it
            resolved[key] = kuma_ids[(kind, resolved[key])]
    notifications = resolved.get(NOTIFICATIONS)
    if isinstance(notifications, (list, tuple)):
        resolved[NOTIFICATIONS] = {str(_notification_id(ref, kuma_ids)): True for ref in notifications}
    return resolved


def _notification_id(ref: str, kuma_ids: Mapping[tuple[str, str], int]) -> int:
    # "#12" is a notification the server has that no definition or name reached.
    return int(ref[1:]) if ref.startswith("#") else kuma_ids[("notification", ref)]
