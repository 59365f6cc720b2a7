"""How a monitor names other objects: server ids on the server, references in files and plans.

The one place both directions are written: `as_reference` (a listed monitor, compared with
its definition) and `with_server_ids` (a payload, about to be sent). Which fields hold which
kind's ids: a monitor's `parent`, and each field a kind says it is named by (`Kind.named_by`).
And whose a monitor is: the value of its ownership tag (`whose`, read by kinds.ownership).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kumaprov.kinds.base import Kind, ServerRefs
from kumaprov.kinds.ownership import Owner, Whose
from kumaprov.model.fields import tag_strings

PARENT = {"parent": "monitor"}  # a group monitor, by definition id
NOTIFICATIONS = "notificationIDList"  # {"<server id>": true, ...} on the server; references in files


def marker_value(monitor: Mapping[str, Any], owner_tag: str) -> str | None:
    """The value of a listed monitor's ownership tag, else None."""
    for tag in monitor.get("tags") or []:
        if tag.get("name") == owner_tag and tag.get("value"):
            return str(tag["value"])
    return None


def whose(monitor: Mapping[str, Any], owner: Owner) -> Whose:
    """This project's, another project's, or nobody's (see kinds.ownership)."""
    return owner.read(marker_value(monitor, owner.tag))


def owner_of(monitor: Mapping[str, Any], owner: Owner) -> str | None:
    """The definition id of a listed monitor this project owns, else None."""
    return whose(monitor, owner).mine


def marked_id(monitor: Mapping[str, Any], owner_tag: str) -> str | None:
    """The definition id any project's marker (or the old-style one) gives a monitor: what
    export names it by, whichever project owns it."""
    value = marker_value(monitor, owner_tag)
    return value.rpartition("/")[2] if value else None


def reference_fields(kinds: Iterable[Kind]) -> dict[str, str]:
    """Monitor field -> the kind whose server id it holds."""
    return {**PARENT, **{kind.named_by.field: kind.name for kind in kinds if kind.named_by is not None}}


def as_reference(key: str, value: Any, refs: ServerRefs) -> Any:
    """Server ids in a listed monitor, as the definitions name them (`#<id>`: unknown)."""
    if key in refs.fields and value is not None:
        return refs.of(refs.fields[key]).get(int(value), f"#{value}")
    if key == NOTIFICATIONS and isinstance(value, Mapping):
        return tuple(sorted(refs.of("notification").get(int(k), f"#{k}") for k, on in value.items() if on))
    if key == "tags" and isinstance(value, list):
        return tag_strings((t.get("name", ""), t.get("value") or "") for t in value
                           if t.get("name") != refs.owner_tag)
    return value


def with_server_ids(fields: Mapping[str, Any], kuma_ids: Mapping[tuple[str, str], int],
                    references: Mapping[str, str]) -> dict[str, Any]:
    """References by definition id (or notification name) become the server's ids."""
    resolved = dict(fields)
    for key, kind in references.items():
        if isinstance(resolved.get(key), str):  # a reference, as files and plans name it
            resolved[key] = kuma_ids[(kind, resolved[key])]
    notifications = resolved.get(NOTIFICATIONS)
    if isinstance(notifications, (list, tuple)):
        resolved[NOTIFICATIONS] = {str(_notification_id(ref, kuma_ids)): True for ref in notifications}
    return resolved


def _notification_id(ref: str, kuma_ids: Mapping[tuple[str, str], int]) -> int:
    # "#12" is a notification the server has that no definition or name reached.
    return int(ref[1:]) if ref.startswith("#") else kuma_ids[("notification", ref)]
