"""YAML aliases that multiply a document ("billion laughs"), caught once after parsing.

The parser builds an aliased node once, so parsing stays cheap; every later pass that walks
the values (the secrets check, pydantic, `vars | tojson`, the JSON a sync sends) would see
each copy, 10^9 strings from 30 lines. So the expanded size is counted right after parsing,
each shared node once, and a document that aliases multiply past the limit goes no further.
"""

from __future__ import annotations

import re
from typing import Any, Final

from kumaprov.definitions.yamlpos import LocatedMap

MAX_EXPANDED = 1_000_000  # values, counting every copy an alias makes
MAX_FACTOR = 100  # ...and that many times the values written: a plain large file is fine
# An alias needs an anchor, and an anchor follows a line start, a space or a flow indicator.
# Text without one cannot alias anything (an `&` in a URL's query does not match).
_ANCHOR: Final = re.compile(r"(?:^|[\s\[{,:])&[^\s\[\]{},]", re.M)


def may_alias(text: str) -> bool:
    """False when the YAML text has no anchor, so nothing in it can be an alias."""
    return _ANCHOR.search(text) is not None


def problem(document: Any) -> tuple[Any, str] | None:
    """(the top-level key to blame, message) when aliases blow the document up, else None."""
    count = _Count()
    expanded = count.expanded(document)
    if expanded <= MAX_EXPANDED or expanded <= MAX_FACTOR * count.written:
        return None
    worst = max(document, key=lambda key: count.expanded(document[key])) \
        if isinstance(document, LocatedMap) and document else None
    return worst, (f"YAML aliases expand this document to {expanded:,} values from {count.written:,} written "
                   f"(a 'billion laughs'); at most {MAX_EXPANDED:,} are read")


class _Count:
    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self.written = 1  # one per item of each distinct container: an alias is one written value

    def expanded(self, value: Any) -> int:
        """Values in `value` with every alias copied out; each container is counted once."""
        if not isinstance(value, (dict, list)):
            return 1
        key = id(value)
        if key in self.sizes:
            return self.sizes[key]
        self.sizes[key] = 1  # a self-referencing alias counts once, and the walk ends
        self.written += len(value)
        children = value.values() if isinstance(value, dict) else value
        total = 1 + sum(self.expanded(child) for child in children)
        self.sizes[key] = total
        return total
