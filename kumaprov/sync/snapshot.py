"""The only reads of a run: each kind's rows, as much as its need asks.

What to read is decided up front, from the definitions (`needs`), from a saved plan
(`needs_for_saved`) or for an export (`needs_all`): windows, pages and proxies are read only
when named, the server's tag list only when a monitor names a tag no monitor carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kumaprov.kinds.registry import KINDS


def needs(sources: Any) -> dict[str, Any]:
    return {kind.name: kind.needs(sources) for kind in KINDS}


def needs_for_saved(document: Any) -> dict[str, Any]:
    return {kind.name: kind.needs_for_saved(document) for kind in KINDS}


def needs_all() -> dict[str, Any]:
    return {kind.name: kind.needs_all() for kind in KINDS}


def snapshot(client: Any, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """Every kind's rows, by kind name."""
    return {kind.name: kind.read(client, wanted[kind.name]) for kind in KINDS}
