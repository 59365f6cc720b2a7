"""Whether a listed value equals a wanted one, as the server means it.

The server lists values in its own representations (headers as JSON text, booleans
as 0/1, ids where definitions use names); comparing them naively would plan an
edit, and so restart the monitor, on every sync. (Ids become references in the
kind that holds them: `Kind.as_reference`.)
"""

from __future__ import annotations

import json
from typing import Any


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
