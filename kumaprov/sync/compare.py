"""Whether a listed value equals a wanted one, as the server means it.

The server lists values in its own representations (headers as JSON text, booleans
as 0/1, ids where definitions use names); comparing them naively would plan an
edit, and so restart the monitor, on every sync.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kumaprov.model.fields import tag_strings

if TYPE_CHECKING:
    from kumaprov.sync.plan import ServerRefs


def as_reference(key: str, value: Any, refs: ServerRefs) -> Any:
    """Server ids in a listed monitor, as the definitions name them."""
    if key == "parent" and value is not None:
        return refs.monitors.get(value, f"#{value}")
    if key == "docker_host" and value is not None:
        return refs.docker_hosts.get(int(value), f"#{value}")
    if key == "proxyId" and value is not None:
        return refs.proxies.get(int(value), f"#{value}")
    if key == "notificationIDList" and isinstance(value, Mapping):
        return tuple(sorted(refs.notifications.get(int(k), f"#{k}") for k, on in value.items() if on))
    if key == "tags" and isinstance(value, list):
        return tag_strings((t.get("name", ""), t.get("value") or "") for t in value
                           if t.get("name") != refs.owner_tag)
    return value


def same_value(key: str, old: Any, new: Any) -> bool:
    """Equal as the server means it, whatever representation it lists the value in."""
    if key in ("headers", "body"):
        return bool(_json_or_text(old) == _json_or_text(new))
    if isinstance(new, bool):
        return old is not None and bool(old) == new
    if isinstance(new, (int, float)) and isinstance(old, (int, float)) and not isinstance(old, bool):
        return float(old) == float(new)
    if isinstance(new, str) and old is None:
        return new == ""
    if isinstance(new, (list, tuple)) and isinstance(old, str):
        return bool(_json_or_text(old) == list(new))
    if isinstance(new, (list, tuple)) and isinstance(old, (list, tuple)):
        return list(old) == list(new)  # a saved plan turns tuples into lists
    return bool(old == new)


def _json_or_text(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
